// internalBinding('mksnapshot'): CoroJS builds no V8 start-up snapshot; Node's
// lib only asks whether one is being built.
export default {
  isBuildingSnapshotBuffer: new Uint8Array(1),
  setSerializeCallback() {}, setDeserializeCallback() {}, setDeserializeMainFunction() {},
  anonymousMainPath: '__node_anonymous_main',
};
