// internalBinding('spawn_sync'): child_process.spawnSync(), execSync() and
// execFileSync(). Not there yet: they throw ERR_NOT_IMPLEMENTED.
import { notImplemented } from 'corojs:internal/node/unimplemented';

export default { spawn: notImplemented('child_process.spawnSync(), execSync() and execFileSync()') };
