// internalBinding('worker'): this is the main thread, and the only one
// (CoroJS runs other code in isolates: corojs:isolate). new Worker() throws
// ERR_NOT_IMPLEMENTED.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default {
  isMainThread: true, ownsProcessState: true, threadId: 0,
  resourceLimits: new Float64Array(4),
  Worker: unimplementedClass('worker_threads.Worker'),
  kMaxYoungGenerationSizeMb: 0, kMaxOldGenerationSizeMb: 1, kCodeRangeSizeMb: 2, kStackSizeMb: 3,
  kTotalResourceLimitCount: 4,
  getEnvMessagePort: () => undefined,
};
