// corojs:internal/node/builtins: Node's builtin modules (require('x'),
// import 'node:x'). This first version is the loader's stand-in, with the
// interface the builtins' own module keeps when it replaces it:
// requireBuiltin(id), isBuiltin(id), builtinIds. It knows Node 20's ids,
// serves the CoroJS modules that already have a builtin's shape, and for the
// others says that CoroJS lacks them and what it has instead.

import P from 'corojs:internal/primordials';
import { ERR_UNKNOWN_BUILTIN_MODULE } from 'corojs:internal/errors';

// Node 20's module.builtinModules, and the ids only reachable with node:.
const nodeIds = ('assert assert/strict async_hooks buffer child_process cluster console constants crypto dgram ' +
  'diagnostics_channel dns dns/promises domain events fs fs/promises http http2 https inspector inspector/promises ' +
  'module net os path path/posix path/win32 perf_hooks process punycode querystring readline readline/promises ' +
  'repl stream stream/consumers stream/promises stream/web string_decoder sys timers timers/promises tls ' +
  'trace_events tty url util util/types v8 vm wasi worker_threads zlib').split(' ');
const schemeOnly = new Set(['test', 'test/reporters', 'sea']);

// The ones CoroJS has: id -> its exports.
const modules = {
  __proto__: null,
  url: () => P.util.importSync('corojs:url').default,
};

// What CoroJS has for a Node builtin it does not implement (yet).
const closest = {
  __proto__: null,
  fs: 'corojs:fs', 'fs/promises': 'corojs:fs', net: 'corojs:net', tls: 'corojs:tls', http: 'corojs:http',
  https: 'corojs:https', dns: 'corojs:dns', 'dns/promises': 'corojs:dns', dgram: 'corojs:dgram',
  worker_threads: 'corojs:isolate', vm: 'corojs:isolate', child_process: 'corojs:sys', readline: 'corojs:shell',
  wasi: 'corojs:wasi', timers: 'corojs:timers',
};

export const builtinIds = Object.freeze(nodeIds.slice());
const userIds = new Set(nodeIds);
const loaded = new Map();

// 'x' or 'node:x': whether it names a Node builtin (not to be looked for in
// node_modules).
export function isBuiltin(id) {
  if (typeof id !== 'string') return false;
  if (id.startsWith('node:')) return userIds.has(id.slice(5)) || schemeOnly.has(id.slice(5));
  return userIds.has(id);
}

// 'x' or 'node:x' -> the module's exports, loaded on first use
export function requireBuiltin(id) {
  const name = id.startsWith('node:') ? id.slice(5) : id;
  if (!isBuiltin(id)) throw ERR_UNKNOWN_BUILTIN_MODULE(id);
  let exports = loaded.get(name);
  if (exports === undefined) {
    if (!(name in modules)) {
      const instead = closest[name];
      throw ERR_UNKNOWN_BUILTIN_MODULE(id, `node:${name} is not implemented by CoroJS yet` +
        (instead ? `; the closest it has is ${instead}` : ''));
    }
    exports = modules[name]();
    loaded.set(name, exports);
  }
  return exports;
}
