// internalBinding('messaging'): DOMException (Node's own
// internal/per_context/domexception.js, run by lib/node/builtins.js).
// CoroJS has no MessagePort between threads here: isolates talk through
// corojs:isolate, so MessageChannel & co are absent and Node's lib, which
// reaches for them lazily, reports them missing where it uses them.
import { domException } from 'corojs:internal/node/builtins';

export default {
  get DOMException() { return domException(); },
  setDeserializerCreateObjectFunction() {},
  // The base of transferable objects (fs/promises' FileHandle, Blob).
  JSTransferable: class JSTransferable {},
};
