// corojs:process: the global `process` and `performance`.

import P from 'corojs:internal/primordials';
import { validateFunction } from 'corojs:internal/validators';
import { queueMicrotask } from 'corojs:timers';
import { uncaughtListeners } from 'corojs:internal/bootstrap';

const R = P.process;
const startNs = R.hrtime();
let exitCode;

function hrtime(prev) {
  const ns = R.hrtime();
  let s = Number(ns / 1000000000n), n = Number(ns % 1000000000n);
  if (prev) {
    s -= prev[0];
    n -= prev[1];
    if (n < 0) { s--; n += 1e9; }
  }
  return [s, n];
}
hrtime.bigint = () => R.hrtime();

function stream(fd) {
  return {
    fd,
    write(data) {
      R.write(fd, typeof data === 'string' || data instanceof Uint8Array ? data : String(data));
      return true;
    },
  };
}

// process.stdin: read() and readBytes() block the calling fiber only (a
// pipe, FIFO or terminal is read through the loop; see corojs:stream).
function input(fd) {
  let id;
  const stream = () => (id ??= P.stream.open(fd));
  return {
    fd,
    read: () => P.stream.read(stream()),
    readBytes: () => P.stream.readBytes(stream()),
    *[Symbol.iterator]() {
      for (let chunk; (chunk = this.read()) !== null;) yield chunk;
    },
  };
}

const argv = R.argv.slice();
argv[0] = R.execPath;

export const process = {
  argv,
  argv0: R.argv[0],
  execPath: R.execPath,
  env: R.env(),
  pid: R.pid,
  ppid: R.ppid,
  platform: 'linux',
  arch: { x86_64: 'x64', aarch64: 'arm64' }[P.process.arch] ?? 'x64',
  version: `v${R.version}`,
  versions: { corojs: R.version, quickjs: R.quickjsVersion, uv: R.uvVersion, openssl: R.opensslVersion },
  stdin: input(0),
  stdout: stream(1),
  stderr: stream(2),
  get exitCode() { return exitCode; },
  set exitCode(code) {
    R.setExitCode(code === undefined ? 0 : code);
    exitCode = code;
  },
  exit(code) {
    R.exit(code === undefined ? exitCode : code);
  },
  cwd: () => R.cwd(),
  chdir: (dir) => R.chdir(dir),
  hrtime,
  uptime: () => Number(R.hrtime() - startNs) / 1e9,
  memoryUsage: () => R.memoryUsage(),
  nextTick(callback, ...args) {
    queueMicrotask(() => callback(...args));
  },
  on: (event, listener) => listen(event, listener, false),
  once: (event, listener) => listen(event, listener, true),
  off: (event, listener) => unlisten(event, listener),
  listenerCount: (event) => (event === 'uncaughtException' ? uncaughtListeners : signals.get(event)?.listeners)?.size ?? 0,
};
process.addListener = process.on;
process.removeListener = process.off;

// process.on(event, fn) for two kinds of event: 'uncaughtException' (an
// error nobody caught goes to the listeners instead of ending the program)
// and signals ('SIGINT', 'SIGTERM', 'SIGCHLD', ...: watching one replaces its
// default action, as in Node; each delivery runs the listeners in a fiber).
const signals = new Map(); // name -> { id, listeners: Set }

function listen(event, listener, once) {
  validateFunction(listener, 'listener');
  const fn = once ? function wrapped(...args) { unlisten(event, wrapped); listener(...args); } : listener;
  if (event === 'uncaughtException') {
    uncaughtListeners.add(fn);
    return process;
  }
  let s = signals.get(event);
  if (!s) {
    const listeners = new Set();
    const id = P.signal.watch(event, () => { for (const f of [...listeners]) f(event); });
    signals.set(event, s = { id, listeners });
  }
  s.listeners.add(fn);
  return process;
}

function unlisten(event, listener) {
  if (event === 'uncaughtException') {
    uncaughtListeners.delete(listener);
    return process;
  }
  const s = signals.get(event);
  if (s && s.listeners.delete(listener) && s.listeners.size === 0) {
    P.signal.unwatch(s.id);
    signals.delete(event);
  }
  return process;
}

const timeOrigin = Date.now() - Number(R.hrtime() - startNs) / 1e6;

export const performance = {
  timeOrigin,
  now: () => Number(R.hrtime() - startNs) / 1e6,
};

export default process;
