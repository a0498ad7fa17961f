// internalBinding('process_wrap'): the Process handle under Node's
// child_process.spawn(), exec() and execFile() (Node's own
// internal/child_process.js runs on it), over __primordials.spawn.start
// (src/prim/spawn.c: libuv's uv_spawn). The child's exit comes to
// handle.onexit(exitCode, signalName) in a fiber of its own; each stdio
// 'pipe' gets a stream of ours inside the Pipe Node made for it
// (pipe_wrap.js), which Node then wraps in a net.Socket -- or, for stdio
// 'ipc' (fork()), makes the IPC channel of (JSON messages, no handles).
import P from 'corojs:internal/primordials';
import { kStream } from 'corojs:internal/node/bindings/stream_wrap';
import { signalName } from 'corojs:internal/node/bindings/spawn_sync';
import { ERR_NOT_IMPLEMENTED } from 'corojs:internal/node/unimplemented';
import uv from 'corojs:internal/node/bindings/uv';

const PIPE = -1, IGNORE = -2;

// One of Node's stdio entries (getValidStdio) as spawn.start takes it.
function stdioOf(s, i) {
  switch (s.type) {
    case 'pipe':
    case 'overlapped':
      return PIPE;
    case 'ignore':
      return IGNORE;
    case 'fd':
    case 'inherit':
      return s.fd;
    case 'wrap':
      if (s.handle?.[kStream] != null) return s.handle[kStream];
  }
  throw ERR_NOT_IMPLEMENTED(`child_process stdio[${i}] of type ${s.type}${s.wrapType ? ` (${s.wrapType})` : ''}`);
}

const idOf = (v) => (Number.isInteger(v) ? v : -1);

class Process {
  #id = null;
  #ref = true;

  constructor() {
    this.onexit = undefined;
  }

  // spawn(options) -> 0 or a negative errno (Node's ProcessWrap::Spawn):
  // pid is set only when the child runs; arguments are strings as Node's
  // C++ makes them (String(42)).
  spawn(options) {
    const stdio = options.stdio ?? [];
    const r = P.spawn.start(options.file, (options.args ?? [options.file]).map(String),
      options.envPairs?.map(String) ?? null,
      typeof options.cwd === 'string' && options.cwd !== '' ? options.cwd : null,
      stdio.map(stdioOf), !!options.detached, idOf(options.uid), idOf(options.gid),
      (status, signal) => this.onexit(status, signal ? signalName(signal) : ''));
    r.pipes.forEach((id, i) => {
      if (id !== null) stdio[i].handle[kStream] = id;
    });
    if (r.error) return r.error;
    this.#id = r.id;
    this.pid = r.pid;
    if (!this.#ref) P.spawn.ref(this.#id, false);
    return 0;
  }

  kill(signal) {
    return this.#id === null ? uv.UV_ESRCH : P.spawn.kill(this.#id, signal);
  }

  close(cb) {
    if (this.#id !== null) P.spawn.close(this.#id);
    this.#id = null;
    if (typeof cb === 'function') queueMicrotask(cb);
  }

  ref() {
    this.#ref = true;
    if (this.#id !== null) P.spawn.ref(this.#id, true);
  }

  unref() {
    this.#ref = false;
    if (this.#id !== null) P.spawn.ref(this.#id, false);
  }

  hasRef() {
    return this.#ref && this.#id !== null;
  }
}

export default { Process };
