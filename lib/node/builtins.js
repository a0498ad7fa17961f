// corojs:internal/node/builtins: Node's builtin modules (node:path,
// node:events, ...). Most are Node.js's own lib/ files, compiled into the
// binary as Node wraps them (lib/node/node-lib.list, tools/jsc.c) and run
// here the way Node's internal loader runs them: each is a function of
// (exports, require, module, process, internalBinding, primordials), called
// once, on first use. `require` inside them is requireNode (any id, internal/
// ones too); `internalBinding(name)` is our lib/node/bindings/<name>.js;
// `primordials` comes from Node's own internal/per_context/primordials.js.
// Where Node's file is mostly C++ underneath (os, ...), ours stands in its
// place (overrides, below).
//
// The module loader (corojs:internal/node/loader) calls requireBuiltin,
// builtinIds and isBuiltin for require('x') and import 'node:x'.

import P from 'corojs:internal/primordials';
import { ERR_UNKNOWN_BUILTIN_MODULE } from 'corojs:internal/errors';

const U = P.util;

// Node 20's module.builtinModules, and the ids only reachable with node:.
const nodeIds = [
  '_http_agent', '_http_client', '_http_common', '_http_incoming', '_http_outgoing', '_http_server',
  '_stream_duplex', '_stream_passthrough', '_stream_readable', '_stream_transform', '_stream_wrap',
  '_stream_writable', '_tls_common', '_tls_wrap', 'assert', 'assert/strict', 'async_hooks', 'buffer',
  'child_process', 'cluster', 'console', 'constants', 'crypto', 'dgram', 'diagnostics_channel', 'dns',
  'dns/promises', 'domain', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'inspector',
  'inspector/promises', 'module', 'net', 'os', 'path', 'path/posix', 'path/win32', 'perf_hooks',
  'process', 'punycode', 'querystring', 'readline', 'readline/promises', 'repl', 'stream',
  'stream/consumers', 'stream/promises', 'stream/web', 'string_decoder', 'sys', 'timers',
  'timers/promises', 'tls', 'trace_events', 'tty', 'url', 'util', 'util/types', 'v8', 'vm', 'wasi',
  'worker_threads', 'zlib',
];
const schemeOnlyIds = ['test', 'test/reporters', 'sea'];

// Node ids whose module is ours, not Node's file: id -> corojs: module (its
// default export is the module's exports, or the export after #).
const overrides = {
  __proto__: null,
  'internal/bootstrap/realm': 'corojs:internal/node/realm',
  // The console of Node's lib (warnings, console.Console) writes through
  // CoroJS's, whose process.stdout/stderr are not Node streams.
  'internal/console/global': 'corojs:console',
  'internal/modules/cjs/loader': 'corojs:internal/node/modules#cjs',
  'internal/modules/esm/loader': 'corojs:internal/node/modules#esm',
  'internal/test_runner/runner': 'corojs:internal/node/modules#testRunner',
  // node:process is the process object itself, as Node's lib/process.js
  process: 'corojs:process#process',
  // a worker's uncaught error for its parent, without V8's serializer
  'internal/error_serdes': 'corojs:internal/node/error_serdes',
};

// What CoroJS has for a Node builtin it does not implement (yet).
const closest = {
  __proto__: null,
  'fs/promises': 'corojs:fs', tls: 'corojs:tls',
  http: 'corojs:http', https: 'corojs:https',
  dgram: 'corojs:dgram',
  readline: 'corojs:shell', wasi: 'corojs:wasi',
};

const modules = new Map(); // id -> module { id, exports, loaded }
const bindings = new Map();
let primordials;

// Error.captureStackTrace(obj): the engine's when it has one, else obj gets
// the stack of the place it is called from (its first line made when read,
// as V8 does, once the object is complete).
function captureStackTrace(obj) {
  const frames = (new Error().stack ?? '').split('\n').slice(2).join('\n');
  let stack;
  Object.defineProperty(obj, 'stack', {
    get: () => (stack ??= `${obj.name ?? 'Error'}: ${obj.message ?? ''}\n${frames}`),
    set: (value) => { stack = value; },
    configurable: true, enumerable: false,
  });
}

function nodePrimordials() {
  if (!primordials) {
    const p = { __proto__: null };
    // Until the engine has Error.captureStackTrace, Node's lib gets ours,
    // without it becoming a global.
    const lent = !Error.captureStackTrace;
    if (lent) Error.captureStackTrace = captureStackTrace;
    try {
      U.nodeScript('internal/per_context/primordials')({}, p, {}, {});
    } finally {
      if (lent) delete Error.captureStackTrace;
    }
    primordials = p;
  }
  return primordials;
}

// Node's DOMException (its internal/per_context/domexception.js).
let domExceptionClass;
export function domException() {
  if (!domExceptionClass) {
    const exports = {};
    U.nodeScript('internal/per_context/domexception')(exports, nodePrimordials(), {}, {});
    domExceptionClass = exports.DOMException;
  }
  return domExceptionClass;
}

// internalBinding(name): lib/node/bindings/<name>.js's default export.
export function internalBinding(name) {
  let b = bindings.get(name);
  if (b === undefined) {
    try {
      b = U.importSync(`corojs:internal/node/bindings/${name}`).default;
    } catch (e) {
      if (e?.code !== 'ERR_UNKNOWN_BUILTIN_MODULE') throw e;
      throw new Error(`No such binding: ${name}`);
    }
    bindings.set(name, b);
  }
  return b;
}

let processObject;
function nodeProcess() {
  return processObject ??= U.importSync('corojs:process').process;
}

function hasNodeId(id) {
  return id in overrides || exists(id);
}

const scriptCache = new Map();
function script(id) {
  let fn = scriptCache.get(id);
  if (fn === undefined) {
    fn = U.nodeScript(id) ?? null;
    scriptCache.set(id, fn);
  }
  return fn;
}

function exists(id) {
  return id in overrides || script(id) !== null;
}

// What Node's own start-up (internal/bootstrap/node and pre_execution, not
// run here) does with a module once it is loaded.
const setUp = {
  __proto__: null,
  'internal/util/debuglog': (m) => m.initializeDebugEnv(nodeProcess().env.NODE_DEBUG),
  'internal/url': (m) => m.installObjectURLMethods(), // internal/bootstrap/web/exposed-window-or-worker
  'internal/dns/utils': (m) => m.initializeDns(), // --dns-result-order
  // the engine asks for what Node's lib sets in overrideStackTrace (its C++
  // prepareStackTrace callback does the same) when it makes an error's stack
  'internal/errors': ({ overrideStackTrace }) => U.setStackOverride((error) => {
    const make = overrideStackTrace.get(error);
    if (make !== undefined) overrideStackTrace.delete(error);
    return make;
  }),
  // AsyncLocalStorage and AsyncResource follow the engine's async context
  // (lib/node/async_context.js), not async hooks.
  async_hooks: (m) => {
    const { AsyncLocalStorage, withAsyncContext } = U.importSync('corojs:internal/node/async_context');
    m.AsyncLocalStorage = AsyncLocalStorage;
    m.AsyncResource = withAsyncContext(m.AsyncResource);
  },
  // setTimeout & co of require('timers') are the global ones, as in Node:
  // CoroJS's (lib/timers.js); enroll, unenroll and active stay Node's, and
  // Node's clearTimeout/clearImmediate clear the timers of Node's lists.
  timers: (m) => {
    const T = U.importSync('corojs:timers');
    T.adoptNodeTimers({ clearTimeout: m.clearTimeout, clearImmediate: m.clearImmediate });
    for (const name of ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate']) {
      m[name] = T[name];
    }
  },
};

// require() inside Node's lib: any id, loaded once.
export function requireNode(id) {
  let mod = modules.get(id);
  if (mod) return mod.exports;
  if (id in overrides) {
    const [module, name = 'default'] = overrides[id].split('#');
    mod = { id, exports: U.importSync(module)[name], loaded: true };
    modules.set(id, mod);
    return mod.exports;
  }
  const fn = script(id);
  if (!fn) throw ERR_UNKNOWN_BUILTIN_MODULE(id);
  mod = { id, exports: {}, loaded: false };
  modules.set(id, mod);
  try {
    fn(mod.exports, requireNode, mod, nodeProcess(), internalBinding, nodePrimordials());
  } catch (e) {
    modules.delete(id);
    throw e;
  }
  setUp[id]?.(mod.exports);
  mod.loaded = true;
  return mod.exports;
}

const userIds = new Set(nodeIds);
const schemeOnly = new Set(schemeOnlyIds);

// The ids user code may require (as module.builtinModules).
export const builtinIds = Object.freeze(nodeIds.slice());

// isBuiltin('fs'), isBuiltin('node:test'): a name the loader must not look
// for in node_modules.
export function isBuiltin(id) {
  if (typeof id !== 'string') return false;
  if (id.startsWith('node:')) {
    const name = id.slice(5);
    return userIds.has(name) || schemeOnly.has(name);
  }
  return userIds.has(id) || (id.startsWith('internal/') && U.exposeInternals() && exists(id));
}

// requireBuiltin('path') or ('node:path'): the exports of a Node builtin, for
// user code (internal/ ids only with --expose-internals).
export function requireBuiltin(id) {
  const name = typeof id === 'string' && id.startsWith('node:') ? id.slice(5) : id;
  // The loader decides whether a bare 'test' is node:test (isBuiltin says
  // not); once it asks, the scheme-only ids load with or without node:.
  if (!isBuiltin(id) && !schemeOnly.has(name)) throw ERR_UNKNOWN_BUILTIN_MODULE(id);
  if (!hasNodeId(name)) {
    const instead = closest[name];
    throw ERR_UNKNOWN_BUILTIN_MODULE(id, `node:${name} is not implemented by CoroJS yet` +
      (instead ? `; the closest it has is ${instead}` : ''));
  }
  return requireNode(name);
}

export { nodePrimordials as primordials, exists };
export default { requireBuiltin, builtinIds, isBuiltin };
