// internalBinding('v8'): node:v8's heap figures, from QuickJS's
// (__primordials.process.memoryUsage: heapTotal, heapUsed, external); the
// figures V8 has and QuickJS does not are 0 (the limit is V8's default), its heap spaces none. Flags
// are V8's: setFlagsFromString() does nothing, as with a flag V8 ignores.
import P from 'corojs:internal/primordials';

const heapStatisticsBuffer = new Float64Array(14);
const heapCodeStatisticsBuffer = new Float64Array(4);
const heapSpaceStatisticsBuffer = new Float64Array(4);

function updateHeapStatisticsBuffer() {
  const m = P.process.memoryUsage();
  heapStatisticsBuffer.fill(0);
  heapStatisticsBuffer[0] = m.heapTotal; // total_heap_size
  heapStatisticsBuffer[2] = m.heapTotal; // total_physical_size
  heapStatisticsBuffer[4] = m.heapUsed; // used_heap_size
  // V8's limit on a 64-bit machine: 4 GiB, less on a small one (npm's caches
  // size themselves by it)
  const limit = Math.min(P.os.info()[5] / 2, 4 * 2 ** 30);
  heapStatisticsBuffer[3] = Math.max(limit - m.heapUsed, 0); // total_available_size
  heapStatisticsBuffer[5] = limit; // heap_size_limit
  heapStatisticsBuffer[13] = m.external ?? 0; // external_memory
}

export default {
  cachedDataVersionTag: () => 0,
  setFlagsFromString() {},
  setHeapSnapshotNearHeapLimit() {},
  updateHeapStatisticsBuffer,
  updateHeapSpaceStatisticsBuffer() {},
  updateHeapCodeStatisticsBuffer() {},
  kTotalHeapSizeIndex: 0, kTotalHeapSizeExecutableIndex: 1, kTotalPhysicalSizeIndex: 2,
  kTotalAvailableSize: 3, kUsedHeapSizeIndex: 4, kHeapSizeLimitIndex: 5, kMallocedMemoryIndex: 6,
  kPeakMallocedMemoryIndex: 7, kDoesZapGarbageIndex: 8, kNumberOfNativeContextsIndex: 9,
  kNumberOfDetachedContextsIndex: 10, kTotalGlobalHandlesSizeIndex: 11,
  kUsedGlobalHandlesSizeIndex: 12, kExternalMemoryIndex: 13,
  kHeapSpaces: [],
  kSpaceSizeIndex: 0, kSpaceUsedSizeIndex: 1, kSpaceAvailableSizeIndex: 2, kPhysicalSpaceSizeIndex: 3,
  kCodeAndMetadataSizeIndex: 0, kBytecodeAndMetadataSizeIndex: 1, kExternalScriptSourceSizeIndex: 2,
  kCPUProfilerMetaDataSizeIndex: 3,
  heapStatisticsBuffer, heapCodeStatisticsBuffer, heapSpaceStatisticsBuffer,
};
