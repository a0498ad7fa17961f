// internalBinding('internal_only_v8'): queryObjects(), which walks V8's heap;
// QuickJS has no such walk: it throws ERR_NOT_IMPLEMENTED.
import { notImplemented } from 'corojs:internal/node/unimplemented';

export default { queryObjects: notImplemented('v8.queryObjects()') };
