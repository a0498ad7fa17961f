// corojs:internal/node/builtins: the Node builtin modules a program may load
// (require('x'), import 'node:x'). This first version is the loader's
// stand-in: it serves the CoroJS modules that already have Node's shape. The
// builtins engineer's version (Node's own lib/ JS) replaces it whole, keeping
// the interface: requireBuiltin(id), isBuiltin(id), builtinIds.

import P from 'corojs:internal/primordials';

const modules = {
  __proto__: null,
  url: () => P.util.importSync('corojs:url').default,
};

export const builtinIds = Object.freeze(Object.keys(modules));

const loaded = new Map();

// 'x' or 'node:x' -> whether it is a builtin module we have
export function isBuiltin(id) {
  return typeof id === 'string' && (id.startsWith('node:') ? id.slice(5) : id) in modules;
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
