// corojs:process: the global `process` and `performance`. `process` has
// Node's shape: an EventEmitter (Node's own, node:events, loaded on the first
// call of one of its methods), nextTick, hrtime, the version of the Node API
// it follows (NODE_VERSION) beside CoroJS's own in versions.corojs.

import P from 'corojs:internal/primordials';
import { validateFunction } from 'corojs:internal/validators';
import { queueMicrotask } from 'corojs:timers';
import { uncaught } from 'corojs:internal/bootstrap';

// The Node.js release whose API (and lib/ JS, lib/node/node-lib.list) the
// Node layer follows.
const NODE_VERSION = '20.19.2';

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
  version: `v${NODE_VERSION}`,
  versions: {
    node: NODE_VERSION, corojs: R.version, quickjs: R.quickjsVersion, uv: R.uvVersion, openssl: R.opensslVersion,
  },
  title: 'corojs',
  stdin: input(0),
  stdout: stream(1),
  stderr: stream(2),
  get exitCode() { return exitCode; },
  set exitCode(code) {
    R.setExitCode(code === undefined ? 0 : code);
    exitCode = code;
  },
  exit(code) {
    if (code !== undefined) process.exitCode = code;
    emitExit();
    R.exit(code === undefined ? exitCode : code);
  },
  cwd: () => R.cwd(),
  chdir: (dir) => R.chdir(dir),
  hrtime,
  uptime: () => Number(R.hrtime() - startNs) / 1e9,
  memoryUsage: Object.assign(() => R.memoryUsage(), { rss: () => R.memoryUsage().rss }),
  nextTick,
  emitWarning(warning, type = 'Warning', code) {
    const { requireNode } = P.util.importSync('corojs:internal/node/builtins');
    process.emitWarning = requireNode('internal/process/warning').emitWarning;
    return process.emitWarning(warning, type, code);
  },
  binding(name) {
    throw new Error(`No such module: ${name}`);
  },
};

// process.nextTick(fn, ...args): fn runs after the current operation, before
// the promise jobs queued after it; all ticks queued meanwhile run in the
// same turn (one microtask drains the queue).
let ticks = [], tickAt = 0, tickScheduled = false;

function nextTick(callback, ...args) {
  validateFunction(callback, 'callback');
  if (process._exiting) return;
  ticks.push(callback, args);
  if (!tickScheduled) {
    tickScheduled = true;
    queueMicrotask(runNextTicks);
  }
}

export function runNextTicks() {
  tickScheduled = false;
  try {
    while (tickAt < ticks.length) {
      const callback = ticks[tickAt], args = ticks[tickAt + 1];
      tickAt += 2;
      callback(...args);
    }
  } finally {
    if (tickAt < ticks.length) {
      tickScheduled = true;
      queueMicrotask(runNextTicks);
    } else {
      ticks = [];
      tickAt = 0;
    }
  }
}

// The EventEmitter methods: the first call makes process a Node
// EventEmitter (so a program that never listens never loads node:events).
const emitterMethods = ['on', 'once', 'off', 'emit', 'addListener', 'removeListener', 'removeAllListeners',
  'prependListener', 'prependOnceListener', 'listeners', 'rawListeners', 'listenerCount', 'eventNames',
  'setMaxListeners', 'getMaxListeners'];

function becomeEmitter() {
  const { requireNode } = P.util.importSync('corojs:internal/node/builtins');
  const EventEmitter = requireNode('events');
  for (const name of emitterMethods) delete process[name];
  Object.setPrototypeOf(process, EventEmitter.prototype);
  EventEmitter.call(process);
  process.on('newListener', watchSignal);
  process.on('removeListener', unwatchSignal);
  process.on('warning', requireNode('internal/process/warning').onWarning);
  uncaught.handle = handleUncaught;
}

for (const name of emitterMethods) {
  process[name] = function (...args) {
    becomeEmitter();
    return process[name](...args);
  };
}

// An error nobody caught goes to the 'uncaughtException' listeners (a
// rejection first to 'unhandledRejection' ones) instead of ending the program.
function handleUncaught(error, origin, promise) {
  if (origin === 'unhandledRejection' && process.listenerCount('unhandledRejection')) {
    process.emit('unhandledRejection', error, promise);
    return true;
  }
  if (process.listenerCount('uncaughtException')) {
    process.emit('uncaughtException', error, origin);
    return true;
  }
  return false;
}

// Signals ('SIGINT', 'SIGTERM', ...): listening to one replaces its default
// action, as in Node; each delivery emits it (in a fiber).
const signals = new Map(); // name -> watch id
const isSignal = (event) => typeof event === 'string' && /^SIG[A-Z0-9]+$/.test(event);

function watchSignal(event) {
  if (isSignal(event) && !signals.has(event))
    signals.set(event, P.signal.watch(event, () => process.emit(event, event)));
}

function unwatchSignal(event) {
  if (signals.has(event) && process.listenerCount(event) === 0) {
    P.signal.unwatch(signals.get(event));
    signals.delete(event);
  }
}

// 'exit' listeners run once, when the program exits by process.exit() or
// when it has nothing left to do (P.util.setExitHook).
function emitExit() {
  if (process._exiting) return;
  process._exiting = true;
  if (Object.getPrototypeOf(process) !== Object.prototype) process.emit('exit', process.exitCode ?? 0);
}
P.util.setExitHook?.(() => {
  if (Object.getPrototypeOf(process) !== Object.prototype && process.listenerCount('beforeExit'))
    process.emit('beforeExit', process.exitCode ?? 0);
  emitExit();
});

const timeOrigin = Date.now() - Number(R.hrtime() - startNs) / 1e6;

export const performance = {
  timeOrigin,
  now: () => Number(R.hrtime() - startNs) / 1e6,
};

export default process;
