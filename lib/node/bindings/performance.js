// internalBinding('performance') for Node's perf_hooks: the clock and the
// milestones of this process's start (in ns of the monotonic clock). CoroJS
// does not report GC, HTTP, net or DNS entries to observers.
import P from 'corojs:internal/primordials';

const startNs = P.process.hrtime();
const originMs = Date.now();
const milestones = new Float64Array(8).fill(-1);
milestones[0] = originMs * 1e3; // TIME_ORIGIN_TIMESTAMP, in µs
milestones[1] = Number(startNs); // TIME_ORIGIN
for (let i = 2; i < 6; i++) milestones[i] = Number(startNs); // ENVIRONMENT ... LOOP_START
milestones[7] = Number(startNs); // BOOTSTRAP_COMPLETE

const names = ['TIME_ORIGIN_TIMESTAMP', 'TIME_ORIGIN', 'ENVIRONMENT', 'NODE_START', 'V8_START', 'LOOP_START',
  'LOOP_EXIT', 'BOOTSTRAP_COMPLETE'];
const types = ['GC', 'HTTP', 'HTTP2', 'NET', 'DNS'];
const constants = {};
names.forEach((n, i) => { constants[`NODE_PERFORMANCE_MILESTONE_${n}`] = i; });
types.forEach((n, i) => { constants[`NODE_PERFORMANCE_ENTRY_TYPE_${n}`] = i; });
Object.assign(constants, {
  NODE_PERFORMANCE_GC_MAJOR: 4, NODE_PERFORMANCE_GC_MINOR: 1, NODE_PERFORMANCE_GC_INCREMENTAL: 8,
  NODE_PERFORMANCE_GC_WEAKCB: 16, NODE_PERFORMANCE_GC_FLAGS_NO: 0, NODE_PERFORMANCE_GC_FLAGS_FORCED: 4,
});

export default {
  constants,
  milestones,
  observerCounts: new Uint32Array(types.length),
  now: () => Number(P.process.hrtime() - startNs) / 1e6,
  getTimeOrigin: () => originMs,
  loopIdleTime: () => 0,
  uvMetricsInfo: () => [0, 0, 0],
  setupObservers() {},
  installGarbageCollectionTracking() {},
  removeGarbageCollectionTracking() {},
  notify() {},
  markBootstrapComplete() {},
};
