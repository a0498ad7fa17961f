// internalBinding('task_queue'): the microtask queue as Node's lib sees it.
// process.nextTick is lib/node/process.js's own (its queue runs in one
// microtask, ahead of the promise jobs queued after it); Node's
// internal/process/task_queues, when loaded, only shares these fields.
import P from 'corojs:internal/primordials';

export default {
  tickInfo: new Int32Array(2),
  // Called from a microtask or a macrotask: the jobs run right after anyway.
  runMicrotasks() {},
  setTickCallback() {},
  enqueueMicrotask: (fn) => P.timers.queueMicrotask(fn),
  promiseRejectEvents: {
    kPromiseRejectWithNoHandler: 0, kPromiseHandlerAddedAfterReject: 1,
    kPromiseResolveAfterResolved: 2, kPromiseRejectAfterResolved: 3,
  },
  setPromiseRejectCallback() {},
};
