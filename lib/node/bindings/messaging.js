// internalBinding('messaging'): DOMException (Node's own
// internal/per_context/domexception.js, run by lib/node/builtins.js).
// CoroJS has no MessagePort between threads here: isolates talk through
// corojs:isolate, so MessageChannel & co are absent and Node's lib, which
// reaches for them lazily, reports them missing where it uses them.
import { domException } from 'corojs:internal/node/builtins';
import { notImplemented, unimplementedClass } from 'corojs:internal/node/unimplemented';

// MessagePort and MessageChannel, for node:worker_threads to load (Node's
// internal/worker/io.js extends MessagePort's prototype); making a channel
// throws ERR_NOT_IMPLEMENTED.
const MessagePort = unimplementedClass('MessagePort (worker_threads)');
for (const name of ['postMessage', 'start', 'close', 'drain', 'ref', 'unref', 'hasRef']) {
  MessagePort.prototype[name] = notImplemented(`MessagePort.prototype.${name}()`);
}

export default {
  get DOMException() { return domException(); },
  setDeserializerCreateObjectFunction() {},
  // The base of transferable objects (fs/promises' FileHandle, Blob).
  JSTransferable: class JSTransferable {},
  MessagePort,
  MessageChannel: unimplementedClass('MessageChannel (worker_threads)'),
  broadcastChannel: notImplemented('BroadcastChannel'),
  drainMessagePort: notImplemented('drainMessagePort()'),
  moveMessagePortToContext: notImplemented('moveMessagePortToContext()'),
  receiveMessageOnPort: notImplemented('receiveMessageOnPort()'),
  stopMessagePort: notImplemented('stopMessagePort()'),
  checkMessagePort: () => false,
};
