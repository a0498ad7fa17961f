// corojs:internal/node/worker_threads: what node:worker_threads says about
// the thread a program runs in (the main one: CoroJS's isolates, corojs:isolate,
// are its workers). Worker, MessageChannel and BroadcastChannel are not here
// yet (issue 11).
export default {
  isMainThread: true,
  threadId: 0,
  parentPort: null,
  workerData: null,
  resourceLimits: {},
  SHARE_ENV: Symbol.for('nodejs.worker_threads.SHARE_ENV'),
  markAsUntransferable() {},
  isMarkedAsUntransferable: () => false,
  getEnvironmentData: () => undefined,
  setEnvironmentData() {},
};
