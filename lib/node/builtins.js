// corojs:internal/node/builtins: the Node builtin modules a program may load
// (require('x'), import 'node:x'). This first version is the loader's: it
// serves the CoroJS modules that already fit Node's shape; the builtins
// engineer's version (Node's own lib/ JS) replaces it whole, keeping the
// interface: requireBuiltin(id), isBuiltin(id), builtinIds.

import P from 'corojs:internal/primordials';

const modules = {
  util: () => P.util.importSync('corojs:util').default,
  url: () => P.util.importSync('corojs:url').default,
  timers: () => P.util.importSync('corojs:timers').default,
};

export const builtinIds = Object.keys(modules);

const loaded = new Map();

// 'x' or 'node:x' -> whether it is a builtin module we have
export function isBuiltin(id) {
  return Object.hasOwn(modules, id.startsWith('node:') ? id.slice(5) : id);
}

// 'x' or 'node:x' -> the module's exports, loaded on first use
export function requireBuiltin(id) {
  const name = id.startsWith('node:') ? id.slice(5) : id;
  let exports = loaded.get(name);
  if (exports === undefined) {
    exports = modules[name]();
    loaded.set(name, exports);
  }
  return exports;
}
