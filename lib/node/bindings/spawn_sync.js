// internalBinding('spawn_sync'): child_process.spawnSync(), execSync() and
// execFileSync(), over __primordials.spawn (src/prim/spawn.c): the child runs
// to its end on the thread pool while this fiber waits, inside
// Fiber.exclusive (nothing else of the isolate runs meanwhile, as in Node).
// stdio: the first three descriptors, each a pipe, ignored, inherited or one
// of ours; more than three (other than 'ignore'), uid and gid throw
// ERR_NOT_IMPLEMENTED.

import P from 'corojs:internal/primordials';
import { requireNode } from 'corojs:internal/node/builtins';
import { ERR_NOT_IMPLEMENTED } from 'corojs:internal/node/unimplemented';

const PIPE = -1, IGNORE = -2;
const SIGTERM = 15;

let signalNames;
export function signalName(n) {
  if (!signalNames) {
    signalNames = new Map();
    for (const [name, num] of Object.entries(P.os.constants().signals)) signalNames.set(num, name);
  }
  return signalNames.get(n) ?? null;
}

function stdioOf(stdio = []) {
  const out = [PIPE, PIPE, PIPE];
  stdio.forEach((s, i) => {
    const kind = s.type === 'pipe' || s.type === 'overlapped' ? PIPE : s.type === 'ignore' ? IGNORE :
      s.type === 'inherit' ? i : s.type === 'fd' ? s.fd : undefined;
    if (i > 2 && kind === IGNORE) return;
    if (i > 2 || kind === undefined) throw ERR_NOT_IMPLEMENTED(`spawnSync() with stdio[${i}] of type ${s.type}`);
    out[i] = kind;
  });
  return out;
}

// spawn(options) -> { pid, status, signal, output: [null, stdout, stderr], error? }
function spawn(options) {
  if (options.uid !== undefined || options.gid !== undefined) throw ERR_NOT_IMPLEMENTED('spawnSync() with uid or gid');
  const stdio = stdioOf(options.stdio);
  const input = options.stdio?.[0]?.input ?? null;
  const maxBuffer = Number.isFinite(options.maxBuffer) && options.maxBuffer > 0 ? Math.trunc(options.maxBuffer) : 0;
  const timeout = options.timeout > 0 ? Math.trunc(options.timeout) : 0;
  const r = P.fiber.exclusive(P.spawn.sync, [options.file, options.args?.map(String), options.envPairs ?? null,
    options.cwd ?? null, stdio, input, timeout, maxBuffer, options.killSignal ?? SIGTERM, !!options.detached]);
  const { Buffer } = requireNode('buffer');
  const buffer = (bytes) => (bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  const started = r.pid !== 0;
  const result = {
    pid: r.pid,
    status: started ? r.status : null,
    signal: r.signal ? signalName(r.signal) : null,
    output: started ? [null, buffer(r.stdout), buffer(r.stderr)] : null,
  };
  if (r.error) result.error = r.error;
  return result;
}

export default { spawn };
