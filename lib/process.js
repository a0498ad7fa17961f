// corojs:process: the global `process` and `performance`. `process` has
// Node's shape: an EventEmitter (Node's own, node:events, loaded on the first
// call of one of its methods), nextTick, hrtime, the version of the Node API
// it follows (NODE_VERSION) beside CoroJS's own in versions.corojs.

import P from 'corojs:internal/primordials';
import { validateFunction, validateInteger } from 'corojs:internal/validators';
import { ERR_INVALID_ARG_VALUE } from 'corojs:internal/errors';
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

// process.stdin, stdout and stderr: Node's streams, made on first use
// (lib/node/stdio.js says how); console writes through stdout and stderr
// once they are made.
function lazyStream(name, fd) {
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: true,
    get() {
      const stdio = P.util.importSync('corojs:internal/node/stdio');
      const value = [stdio.createStdin, stdio.createStdout, stdio.createStderr][fd]();
      Object.defineProperty(process, name, { value, writable: true, configurable: true, enumerable: true });
      if (fd > 0) P.util.importSync('corojs:console').useStream(fd, value);
      return value;
    },
  });
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
    zlib: P.zlib.version(),
  },
  title: 'corojs',
  // Node's own warnings read "(corojs:PID) Warning: ..."; 'node' here would
  // make programs that run under both tell them apart wrongly.
  release: { name: 'corojs' },
  execArgv: P.util.exposeInternals() ? ['--expose-internals'] : [],
  // What Node's build options would say (Node's own tests and a few packages
  // read them): no ICU in the engine yet, OpenSSL linked in statically.
  config: {
    target_defaults: {},
    variables: {
      host_arch: 'x64', node_module_version: 115, v8_enable_i18n_support: 0, node_shared_openssl: false,
      node_use_openssl: true, napi_build_version: '9',
    },
  },
  features: { inspector: false, debug: false, uv: true, ipv6: true, tls_alpn: true, tls_sni: true, tls_ocsp: true, tls: true, cached_builtins: true, typescript: false },
  get exitCode() { return exitCode; },
  set exitCode(code) {
    R.setExitCode(code === undefined ? 0 : integerString(code));
    exitCode = code;
  },
  exit(code) {
    if (code !== undefined) process.exitCode = code;
    emitExit();
    R.exit(integerString(code === undefined ? exitCode : code));
  },
  cwd: () => R.cwd(),
  getuid: () => R.ids()[0],
  geteuid: () => R.ids()[1],
  getgid: () => R.ids()[2],
  getegid: () => R.ids()[3],
  umask(mask) {
    if (mask === undefined) return P.os.umask(-1);
    if (typeof mask === 'string') {
      if (!/^[0-7]+$/.test(mask)) throw ERR_INVALID_ARG_VALUE('mask', mask, 'must be a 32-bit unsigned integer or an octal string');
      mask = parseInt(mask, 8);
    }
    validateInteger(mask, 'mask', 0, 2 ** 32 - 1);
    return P.os.umask(mask & 0o777);
  },
  chdir: (dir) => R.chdir(dir),
  // kill(pid, signal = 'SIGTERM'), as Node's: a name or a number (0 tests
  // that pid exists); errors are Node's (ESRCH, EPERM as ErrnoException).
  kill(pid, signal) {
    const { requireNode } = P.util.importSync('corojs:internal/node/builtins');
    const { codes, ErrnoException } = requireNode('internal/errors');
    if (pid != (pid | 0)) throw new codes.ERR_INVALID_ARG_TYPE('pid', 'number', pid); // eslint-disable-line eqeqeq
    let sig = signal;
    if (sig !== (sig | 0)) {
      sig = P.os.constants().signals[signal || 'SIGTERM'];
      if (sig === undefined) throw new codes.ERR_UNKNOWN_SIGNAL(signal);
    }
    const err = P.spawn.signal(pid, sig);
    if (err) throw new ErrnoException(err, 'kill');
    return true;
  },
  hrtime,
  // Node's deprecated openStdin(): process.stdin, flowing.
  openStdin: () => process.stdin.resume(),
  uptime: () => Number(R.hrtime() - startNs) / 1e9,
  memoryUsage: Object.assign(() => R.memoryUsage(), { rss: () => R.memoryUsage().rss }),
  nextTick,
  emitWarning(warning, type = 'Warning', code) {
    const { requireNode } = P.util.importSync('corojs:internal/node/builtins');
    process.emitWarning = requireNode('internal/process/warning').emitWarning;
    return process.emitWarning(warning, type, code);
  },
  // domain's hook: an uncaught error goes to fn, before any listener.
  setUncaughtExceptionCaptureCallback(fn) {
    if (fn === null) {
      captureCallback = null;
      return;
    }
    validateFunction(fn, 'fn');
    if (captureCallback !== null) {
      const e = new Error('`process.setupUncaughtExceptionCapture()` was called while a capture callback was already active');
      e.code = 'ERR_UNCAUGHT_EXCEPTION_CAPTURE_ALREADY_SET';
      throw e;
    }
    captureCallback = fn;
    uncaught.handle = handleUncaught;
  },
  hasUncaughtExceptionCaptureCallback: () => captureCallback !== null,
  binding(name) {
    // Node's runtime-deprecated process.binding() modules that are here
    if (String(name) === 'http_parser') {
      process.emitWarning(`Access to process.binding('${name}') is deprecated.`, 'DeprecationWarning', 'DEP0111');
      return P.util.importSync('corojs:internal/node/builtins').internalBinding(String(name));
    }
    throw new Error(`No such module: ${name}`);
  },
};
lazyStream('stdin', 0);
lazyStream('stdout', 1);
lazyStream('stderr', 2);

// Node's options about warnings, from NODE_OPTIONS (the command line is
// CoroJS's own), as Node sets them on process at start.
for (const [option, key] of [['--no-deprecation', 'noDeprecation'], ['--throw-deprecation', 'throwDeprecation'],
  ['--trace-deprecation', 'traceDeprecation'], ['--trace-warnings', 'traceProcessWarnings']]) {
  if (process.env.NODE_OPTIONS?.split(/\s+/).includes(option)) process[key] = true;
}

// An exit code given as an integer string ('3') is that number, as in Node 20.
const integerString = (code) => (typeof code === 'string' && code.trim() !== '' && Number.isInteger(+code) ? +code : code);

// process.nextTick(fn, ...args): fn runs after the current operation, before
// the promise jobs queued after it, in the async context it was queued in;
// all ticks queued meanwhile run in the same turn (one microtask drains the
// queue).
let ticks = [], tickAt = 0, tickScheduled = false;

function nextTick(callback, ...args) {
  validateFunction(callback, 'callback');
  if (process._exiting) return;
  ticks.push(callback, args, P.util.asyncContext());
  if (!tickScheduled) {
    tickScheduled = true;
    queueMicrotask(runNextTicks);
  }
}

export function runNextTicks() {
  tickScheduled = false;
  const context = P.util.asyncContext();
  try {
    while (tickAt < ticks.length) {
      const callback = ticks[tickAt], args = ticks[tickAt + 1];
      P.util.setAsyncContext(ticks[tickAt + 2]);
      tickAt += 3;
      // a spread call walks the array's iterator: most ticks have 0 to 2
      switch (args.length) {
        case 0: callback(); break;
        case 1: callback(args[0]); break;
        case 2: callback(args[0], args[1]); break;
        default: callback(...args);
      }
    }
  } finally {
    P.util.setAsyncContext(context);
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
  Object.setPrototypeOf(Object.getPrototypeOf(process), EventEmitter.prototype);
  EventEmitter.call(process);
  process.on('newListener', watchSignal);
  process.on('removeListener', unwatchSignal);
  process.on('warning', requireNode('internal/process/warning').onWarning);
  uncaught.handle = handleUncaught;
}

// As Node's: process says 'process' (Object.prototype.toString gives
// [object process]; axios tells Node by it) with a tag of its own, and its
// prototype becomes an EventEmitter's on first use.
Object.defineProperty(process, Symbol.toStringTag, { value: 'process', writable: true, enumerable: false, configurable: false });
Object.setPrototypeOf(process, Object.create(Object.prototype));

for (const name of emitterMethods) {
  process[name] = function (...args) {
    becomeEmitter();
    return process[name](...args);
  };
}

// An error nobody caught goes to the 'uncaughtException' listeners (a
// rejection first to 'unhandledRejection' ones) instead of ending the program.
let captureCallback = null;

function handleUncaught(error, origin, promise) {
  if (captureCallback !== null) {
    captureCallback(error);
    return true;
  }
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
