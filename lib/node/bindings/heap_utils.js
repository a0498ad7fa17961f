// internalBinding('heap_utils'): V8 heap snapshots, which QuickJS does not
// make: they throw ERR_NOT_IMPLEMENTED.
import { notImplemented } from 'corojs:internal/node/unimplemented';

export default {
  createHeapSnapshotStream: notImplemented('v8.getHeapSnapshot()'),
  triggerHeapSnapshot: notImplemented('v8.writeHeapSnapshot()'),
  buildEmbedderGraph: notImplemented('the heap graph'),
};
