// corojs:internal/node/loader: Node's module loading. CommonJS (`require`,
// `module`, `Module`), the one resolver that `import` and `require` share
// (relative paths, node_modules up the tree, package.json "main", "exports"
// and "imports" with conditions, "type"), the interop between CommonJS and
// ES modules, JSON modules, `node:` builtins, import maps and
// module.registerHooks. docs/internals.md ("The Node loader") tells how it
// sits beside the ES module loader in src/core/modules.c.
//
// The C loader calls these functions of this module (see modules.c):
// resolve() for every specifier it does not resolve itself, load() for every
// module name that is not a .mjs file, instantiate() when a module load()
// made is evaluated, mainFormat() and runMain() for a main module that is
// not a .mjs file. It is loaded on first need, so programs that use none of
// it do not pay for it.
//
// File reads and stats are plain system calls made in C (P.module): a
// require() is synchronous in Node and runs in an exclusive section here, so
// nothing else of the isolate could run meanwhile anyway.

import P from 'corojs:internal/primordials';
import {
  MODULE_NOT_FOUND, ERR_MODULE_NOT_FOUND, ERR_UNSUPPORTED_DIR_IMPORT, ERR_INVALID_MODULE_SPECIFIER,
  ERR_INVALID_PACKAGE_CONFIG, ERR_PACKAGE_PATH_NOT_EXPORTED, ERR_PACKAGE_IMPORT_NOT_DEFINED,
  ERR_INVALID_PACKAGE_TARGET, ERR_UNKNOWN_BUILTIN_MODULE, ERR_UNKNOWN_FILE_EXTENSION,
  ERR_UNSUPPORTED_ESM_URL_SCHEME, ERR_INVALID_RETURN_PROPERTY_VALUE, ERR_REQUIRE_ASYNC_MODULE,
  ERR_DLOPEN_FAILED, ERR_IMPORT_MAP, ERR_REQUIRE_CYCLE_MODULE, ERR_METHOD_NOT_IMPLEMENTED,
  ERR_INVALID_ARG_VALUE, ERR_INVALID_ARG_TYPE, ERR_ACCESS_DENIED,
} from 'corojs:internal/errors';
import { validateString, validateObject, validateFunction } from 'corojs:internal/validators';
import { requireBuiltin, isBuiltin as isBuiltinId, builtinIds } from 'corojs:internal/node/builtins';

const M = P.module;

// ---------------------------------------------------------------------------
// paths (POSIX; module names are absolute paths)

function dirname(path) {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : '/';
}

function normalize(path) {
  const out = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

function resolvePath(dir, rel) {
  return rel[0] === '/' ? normalize(rel) : normalize(`${dir}/${rel}`);
}

function extname(path) {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const i = base.lastIndexOf('.');
  return i > 0 ? base.slice(i) : '';
}

function isRelative(s) {
  return s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../');
}

function fileURLToPath(url) {
  const rest = url.slice(5).replace(/[?#].*$/, '');
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path[0] !== '/') throw ERR_INVALID_MODULE_SPECIFIER(url, 'must be a file: URL with an absolute path');
  if (/%2f/i.test(path)) throw ERR_INVALID_MODULE_SPECIFIER(url, 'must not include encoded "/" characters');
  return decodeURIComponent(path);
}

function pathToFileURL(path) {
  return `file://${encodeURI(path).replace(/[?#]/g, encodeURIComponent)}`;
}

// A specifier with a URL scheme ("https:", "data:"), not "c:" nor a path.
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/;

// ---------------------------------------------------------------------------
// package.json

const packages = new Map();       // path of a package.json -> its config, or null
const scopes = new Map();         // directory -> the package.json config in scope

// The fields of a package.json that loading reads, or null when there is
// none; a file that is not JSON throws as Node's does.
function readPackage(jsonPath, base) {
  let pkg = packages.get(jsonPath);
  if (pkg !== undefined) return pkg;
  const text = M.readFile(jsonPath);
  if (text === undefined) {
    packages.set(jsonPath, null);
    return null;
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw ERR_INVALID_PACKAGE_CONFIG(jsonPath, base, e.message);
  }
  if (json === null || typeof json !== 'object') json = {};
  const str = (v) => (typeof v === 'string' ? v : undefined);
  pkg = {
    path: jsonPath,
    dir: jsonPath.slice(0, -'package.json'.length),
    name: str(json.name),
    main: str(json.main),
    type: json.type === 'module' || json.type === 'commonjs' ? json.type : 'none',
    exports: json.exports,
    imports: json.imports !== null && typeof json.imports === 'object' && !Array.isArray(json.imports)
      ? json.imports : undefined,
  };
  packages.set(jsonPath, pkg);
  return pkg;
}

// The nearest package.json above `path` (a file), stopping at node_modules.
function packageScope(path) {
  const start = dirname(path);
  let dir = start;
  const seen = [];
  let pkg = null;
  for (;;) {
    const cached = scopes.get(dir);
    if (cached !== undefined) {
      pkg = cached;
      break;
    }
    seen.push(dir);
    if (dir.endsWith('/node_modules')) break;
    pkg = readPackage(`${dir === '/' ? '' : dir}/package.json`);
    if (pkg || dir === '/') break;
    dir = dirname(dir);
  }
  for (const d of seen) scopes.set(d, pkg);
  return pkg;
}

// ---------------------------------------------------------------------------
// "exports" and "imports" (Node's PACKAGE_RESOLVE, on paths)

const IMPORT = new Set(['corojs', 'node', 'import']);
const REQUIRE = new Set(['corojs', 'node', 'require']);

const invalidSegment = /(^|\\|\/)((\.|%2e)(\.|%2e)?|(n|%6e|%4e)(o|%6f|%4f)(d|%64|%44)(e|%65|%45)(_|%5f)(m|%6d|%4d)(o|%6f|%4f)(d|%64|%44)(u|%75|%55)(l|%6c|%4c)(e|%65|%45)(s|%73|%53))?(\\|\/|$)/i;

function isArrayIndex(key) {
  const n = +key;
  return `${n}` === key && n >= 0 && n < 0xFFFF_FFFF;
}

// The target's path, null (excluded), or undefined (no condition matched);
// a bare target of "imports" resolves as a package.
function resolveTarget(pkg, target, subpath, key, base, pattern, internal, conditions) {
  if (typeof target === 'string') return resolveTargetString(pkg, target, subpath, key, base, pattern, internal, conditions);
  if (Array.isArray(target)) {
    if (target.length === 0) return null;
    let last;
    for (const item of target) {
      let r;
      try {
        r = resolveTarget(pkg, item, subpath, key, base, pattern, internal, conditions);
      } catch (e) {
        last = e;
        if (e.code === 'ERR_INVALID_PACKAGE_TARGET') continue;
        throw e;
      }
      if (r === undefined) continue;
      if (r === null) {
        last = null;
        continue;
      }
      return r;
    }
    if (last === undefined || last === null) return last;
    throw last;
  }
  if (typeof target === 'object' && target !== null) {
    const keys = Object.getOwnPropertyNames(target);
    if (keys.some(isArrayIndex)) {
      throw ERR_INVALID_PACKAGE_CONFIG(pkg.path, base, '"exports" cannot contain numeric property keys.');
    }
    for (const k of keys) {
      if (k !== 'default' && !conditions.has(k)) continue;
      const r = resolveTarget(pkg, target[k], subpath, key, base, pattern, internal, conditions);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (target === null) return null;
  throw ERR_INVALID_PACKAGE_TARGET(pkg.dir, key, target, internal, base);
}

function resolveTargetString(pkg, target, subpath, key, base, pattern, internal, conditions) {
  const invalid = () => ERR_INVALID_PACKAGE_TARGET(pkg.dir, key, target, internal, base);
  if (subpath !== '' && !pattern && !target.endsWith('/')) throw invalid();
  if (!target.startsWith('./')) {
    if (internal && !target.startsWith('../') && target[0] !== '/' && !SCHEME.test(target)) {
      const request = pattern ? target.replaceAll('*', subpath) : target + subpath;
      return { bare: request };
    }
    throw invalid();
  }
  if (invalidSegment.test(target.slice(2))) throw invalid();
  const resolved = normalize(pkg.dir + target.slice(2));
  if (!(resolved + '/').startsWith(pkg.dir)) throw invalid();
  if (subpath === '') return resolved;
  if (invalidSegment.test(subpath)) {
    const request = pattern ? key.replace('*', subpath) : key + subpath;
    throw ERR_INVALID_MODULE_SPECIFIER(request, `request is not a valid match in pattern "${key}" for the "${
      internal ? 'imports' : 'exports'}" resolution of ${pkg.path}`, base);
  }
  if (pattern) return normalize(pkg.dir + target.slice(2).replaceAll('*', subpath));
  return resolvePath(resolved, subpath);
}

function patternKeyCompare(a, b) {
  const ai = a.indexOf('*'), bi = b.indexOf('*');
  const al = ai === -1 ? a.length : ai + 1, bl = bi === -1 ? b.length : bi + 1;
  if (al > bl) return -1;
  if (bl > al) return 1;
  if (ai === -1) return 1;
  if (bi === -1) return -1;
  if (a.length > b.length) return -1;
  if (b.length > a.length) return 1;
  return 0;
}

// The best key of a map ("exports" or "imports") for `name`: [key, subpath].
function matchKey(map, name) {
  if (Object.hasOwn(map, name) && !name.includes('*') && !name.endsWith('/')) return [name, ''];
  let best = '', bestSub;
  for (const key of Object.getOwnPropertyNames(map)) {
    const star = key.indexOf('*');
    if (star === -1 || !name.startsWith(key.slice(0, star))) continue;
    const trailer = key.slice(star + 1);
    if (name.length >= key.length && name.endsWith(trailer) && patternKeyCompare(best, key) === 1 &&
        key.lastIndexOf('*') === star) {
      best = key;
      bestSub = name.slice(star, name.length - trailer.length);
    }
  }
  return best ? [best, bestSub] : null;
}

function exportsMap(pkg, base) {
  const exp = pkg.exports;
  if (typeof exp === 'string' || Array.isArray(exp)) return { '.': exp };
  if (typeof exp !== 'object' || exp === null) return { '.': exp };
  let sugar;
  for (const key of Object.getOwnPropertyNames(exp)) {
    const cond = key === '' || key[0] !== '.';
    if (sugar === undefined) sugar = cond;
    else if (sugar !== cond) {
      throw ERR_INVALID_PACKAGE_CONFIG(pkg.path, base, '"exports" cannot contain some keys starting with \'.\' and ' +
        'some not. The exports object must either be an object of package subpath keys or an object of main ' +
        'entry condition name keys only.');
    }
  }
  return sugar ? { '.': exp } : exp;
}

function packageExportsResolve(pkg, subpath, base, conditions) {
  const map = exportsMap(pkg, base);
  const match = matchKey(map, subpath);
  if (match) {
    const [key, sub] = match;
    const r = resolveTarget(pkg, map[key], sub, key, base, key !== subpath || sub !== '', false, conditions);
    if (r != null && typeof r === 'string') return r;
    if (r != null) throw ERR_INVALID_PACKAGE_TARGET(pkg.dir, key, map[key], false, base);
  }
  throw ERR_PACKAGE_PATH_NOT_EXPORTED(pkg.dir, subpath, base);
}

// "#name" from the package of `base`: a path, or { bare } for a package.
function packageImportsResolve(name, base, conditions) {
  if (name === '#' || name.startsWith('#/') || name.endsWith('/')) {
    throw ERR_INVALID_MODULE_SPECIFIER(name, 'is not a valid internal imports specifier name', base);
  }
  const pkg = packageScope(base);
  if (pkg?.imports) {
    const match = matchKey(pkg.imports, name);
    if (match) {
      const [key, sub] = match;
      const r = resolveTarget(pkg, pkg.imports[key], sub, key, base, sub !== '' || key !== name, true, conditions);
      if (r != null) return r;
    }
  }
  throw ERR_PACKAGE_IMPORT_NOT_DEFINED(name, pkg?.dir, base);
}

function parsePackageName(specifier, base) {
  let sep = specifier.indexOf('/');
  let valid = true;
  if (specifier[0] === '@') {
    if (sep === -1) valid = false;
    else sep = specifier.indexOf('/', sep + 1);
  }
  const name = sep === -1 ? specifier : specifier.slice(0, sep);
  if (/^\.|%|\\/.test(name)) valid = false;
  if (!valid) throw ERR_INVALID_MODULE_SPECIFIER(specifier, 'is not a valid package name', base);
  return { name, subpath: '.' + (sep === -1 ? '' : specifier.slice(sep)) };
}

// The package.json of the package `name` itself, when `base` lies in it and
// it has "exports" (a package may import itself by name).
function selfPackage(name, base) {
  const pkg = packageScope(base);
  return pkg && pkg.exports != null && pkg.name === name ? pkg : null;
}

// ---------------------------------------------------------------------------
// builtins

// 'node:x' or 'x' -> 'x' if it is a builtin's name ('node:' and 'x' of Node's
// builtins, CoroJS has them or not: requireBuiltin says which it lacks, and
// what it has instead); null if `id` is not one; a 'node:' name Node does not
// have either throws.
function builtinId(id) {
  const bare = id.startsWith('node:') ? id.slice(5) : id;
  if (bare === 'module' || isBuiltinId(id)) return bare;
  if (id.startsWith('node:')) throw ERR_UNKNOWN_BUILTIN_MODULE(id);
  return null;
}

function loadBuiltin(id) {
  return id === 'module' ? Module : requireBuiltin(id);
}

export function isBuiltin(id) {
  if (typeof id !== 'string') return false;
  return id === 'module' || id === 'node:module' || isBuiltinId(id);
}

// ---------------------------------------------------------------------------
// hooks and import maps: one chain per isolate

const hooks = [];          // { resolve, load } from registerHooks, the last first
let importMap = null;      // { imports: [[key, target]], scopes: [[prefix, [[key, target]]]] }

function updateActive() {
  M.setHooks(hooks.length > 0 || importMap !== null);
}

// The import map's answer for `specifier` from `parent`, or undefined.
function mapImport(specifier, parent) {
  const parentURL = parent && parent[0] === '/' ? pathToFileURL(parent) : parent;
  const normalized = isRelative(specifier) || specifier[0] === '/'
    ? pathToFileURL(resolvePath(parent && parent[0] === '/' ? dirname(parent) : M.cwd(), specifier)) : specifier;
  const lookup = (map) => {
    for (const [key, target] of map) {
      if (key === normalized) return target;
      if (key.endsWith('/') && normalized.startsWith(key)) return target + normalized.slice(key.length);
    }
    return undefined;
  };
  if (parentURL) {
    for (const [prefix, map] of importMap.scopes) {
      if (parentURL === prefix || (prefix.endsWith('/') && parentURL.startsWith(prefix))) {
        const r = lookup(map);
        if (r !== undefined) return r;
      }
    }
  }
  return lookup(importMap.imports);
}

function readImportMap(file) {
  const path = resolvePath(M.cwd(), file);
  const text = M.readFile(path);
  if (text === undefined) throw ERR_IMPORT_MAP(path, 'no such file');
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw ERR_IMPORT_MAP(path, e.message);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw ERR_IMPORT_MAP(path, 'not a JSON object');
  // targets and scope prefixes resolve against the map's own location
  const address = (v) => {
    if (typeof v !== 'string') throw ERR_IMPORT_MAP(path, `${JSON.stringify(v)} is not a string`);
    if (isRelative(v) || v[0] === '/') return pathToFileURL(resolvePath(dirname(path), v)) + (v.endsWith('/') ? '/' : '');
    return v;
  };
  const entries = (obj, what) => {
    if (obj === undefined) return [];
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw ERR_IMPORT_MAP(path, `"${what}" must be an object`);
    const list = Object.entries(obj).map(([k, v]) => {
      const key = isRelative(k) || k[0] === '/' ? address(k) : k;
      const target = address(v);
      if (key.endsWith('/') && !target.endsWith('/')) throw ERR_IMPORT_MAP(path, `the target of "${k}" must end with "/"`);
      return [key, target];
    });
    return list.sort((a, b) => b[0].length - a[0].length); // the longest prefix wins
  };
  const scopes = [];
  if (json.scopes !== undefined) {
    if (json.scopes === null || typeof json.scopes !== 'object') throw ERR_IMPORT_MAP(path, '"scopes" must be an object');
    for (const [prefix, map] of Object.entries(json.scopes)) scopes.push([address(prefix), entries(map, `scopes.${prefix}`)]);
    scopes.sort((a, b) => b[0].length - a[0].length);
  }
  return { imports: entries(json.imports, 'imports'), scopes };
}

// module.registerHooks({ resolve, load }): synchronous hooks in Node's shape,
// for import and require alike. resolve(specifier, context, nextResolve) ->
// { url, format?, shortCircuit? }; load(url, context, nextLoad) -> { format,
// source, shortCircuit? }.
export function registerHooks(h) {
  validateObject(h, 'hooks');
  const { resolve, load } = h;
  if (resolve !== undefined) validateFunction(resolve, 'hooks.resolve');
  if (load !== undefined) validateFunction(load, 'hooks.load');
  const entry = { resolve, load };
  hooks.unshift(entry);
  clearCaches();
  updateActive();
  return {
    deregister() {
      const i = hooks.indexOf(entry);
      if (i !== -1) hooks.splice(i, 1);
      clearCaches();
      updateActive();
    },
  };
}

function clearCaches() {
  Module._pathCache = { __proto__: null };
  relativeCache = { __proto__: null };
}

// A name (path, 'node:x', 'https://...') -> the URL hooks see.
function toURL(name) {
  return name[0] === '/' ? pathToFileURL(name) : name;
}
function fromURL(url) {
  if (url.startsWith('file:')) return fileURLToPath(url);
  return url;
}

// Run the resolve hooks around `last(specifier, context)`; returns a name.
function hookedResolve(specifier, parent, conditions, last) {
  const context = { conditions: [...conditions], importAttributes: {}, parentURL: parent ? toURL(parent) : undefined };
  const chain = (i) => (spec, ctx = context) => {
    if (i === hooks.length) return { url: toURL(last(spec, ctx)) };
    const h = hooks[i];
    if (!h.resolve) return chain(i + 1)(spec, ctx);
    const r = h.resolve(spec, ctx, chain(i + 1));
    if (r === null || typeof r !== 'object') throw ERR_INVALID_RETURN_PROPERTY_VALUE('an object', 'resolve', 'return', r);
    if (typeof r.url !== 'string') throw ERR_INVALID_RETURN_PROPERTY_VALUE('a URL string', 'resolve', 'url', r.url);
    return r;
  };
  const r = chain(0)(specifier);
  if (typeof r.format === 'string') formats.set(fromURL(r.url), r.format);
  return fromURL(r.url);
}

// Run the load hooks: { format, source } for `name`.
function hookedLoad(name, last) {
  const context = { conditions: [], format: formats.get(name), importAttributes: {} };
  const chain = (i) => (url, ctx = context) => {
    if (i === hooks.length) return last(fromURL(url), ctx);
    const h = hooks[i];
    if (!h.load) return chain(i + 1)(url, ctx);
    const r = h.load(url, ctx, chain(i + 1));
    if (r === null || typeof r !== 'object') throw ERR_INVALID_RETURN_PROPERTY_VALUE('an object', 'load', 'return', r);
    return r;
  };
  return chain(0)(toURL(name));
}

// ---------------------------------------------------------------------------
// formats

const formats = new Map();  // module name -> 'module' | 'commonjs' | 'json' | 'builtin' | 'wasm'

// The format of a file: by extension, a .js file by the package's "type",
// and without one by its syntax (ES module syntax makes it one), as Node 22.
function formatOf(path, source) {
  let f = formats.get(path);
  if (f) return f;
  switch (extname(path)) {
    case '.mjs': f = 'module'; break;
    case '.cjs': f = 'commonjs'; break;
    case '.json': f = 'json'; break;
    case '.wasm': f = 'wasm'; break;
    case '.node': f = 'addon'; break;
    default: {
      const type = packageScope(path)?.type ?? 'none';
      if (type !== 'none') f = type === 'module' ? 'module' : 'commonjs';
      else f = detectFormat(path, source ?? M.readFile(path) ?? '');
    }
  }
  formats.set(path, f);
  return f;
}

const compiled = new Map(); // path -> its CommonJS function, compiled by detectFormat

// A .js file outside any "type": CommonJS unless it only compiles as an ES
// module (import/export statements, import.meta, top-level await), as Node 22.
function detectFormat(path, text) {
  if (!/\b(import|export|await)\b/.test(text)) return 'commonjs';
  try {
    compiled.set(path, M.compileFunction(text, path));
    return 'commonjs';
  } catch (e) {
    if (e instanceof SyntaxError) return 'module';
    throw e;
  }
}

// ---------------------------------------------------------------------------
// ES module resolution (called by the C loader)

function throwNotFound(path, base) {
  throw ERR_MODULE_NOT_FOUND(path, base, true);
}

function finalizeImport(path, base) {
  if (path.endsWith('/')) throw ERR_UNSUPPORTED_DIR_IMPORT(path, base);
  const st = M.stat(path);
  if (st === 1) throw ERR_UNSUPPORTED_DIR_IMPORT(path, base);
  if (st !== 0) throwNotFound(path, base);
  return M.realpath(path);
}

function importPackage(specifier, base) {
  const { name, subpath } = parsePackageName(specifier, base);
  const self = selfPackage(name, base);
  if (self) return packageExportsResolve(self, subpath, base, IMPORT);
  for (let dir = dirname(base); ; dir = dirname(dir)) {
    if (!dir.endsWith('/node_modules')) {
      const pkgDir = `${dir === '/' ? '' : dir}/node_modules/${name}`;
      if (M.stat(pkgDir) === 1) {
        const pkg = readPackage(`${pkgDir}/package.json`, base);
        if (pkg && pkg.exports != null) return packageExportsResolve(pkg, subpath, base, IMPORT);
        if (subpath === '.') return legacyMain(pkgDir, pkg, base);
        return resolvePath(pkgDir, subpath);
      }
    }
    if (dir === '/') break;
  }
  throw ERR_MODULE_NOT_FOUND(name, base, false);
}

function legacyMain(pkgDir, pkg, base) {
  const tries = pkg?.main ? [pkg.main, `${pkg.main}.js`, `${pkg.main}.json`, `${pkg.main}.node`, `${pkg.main}/index.js`,
    `${pkg.main}/index.json`, `${pkg.main}/index.node`] : [];
  tries.push('index.js', 'index.json', 'index.node');
  for (const t of tries) {
    const p = resolvePath(pkgDir, t);
    if (M.stat(p) === 0) return p;
  }
  throw ERR_MODULE_NOT_FOUND(pkgDir, base, true);
}

function defaultImportResolve(specifier, base) {
  if (specifier.startsWith('node:')) return `node:${builtinId(specifier)}`;
  if (base.startsWith('https:')) return remoteName(specifier, base);
  if (specifier.startsWith('file:')) return finalizeImport(fileURLToPath(specifier), base);
  if (isRelative(specifier) || specifier[0] === '/') {
    return finalizeImport(resolvePath(base[0] === '/' ? dirname(base) : M.cwd(), specifier), base);
  }
  if (specifier[0] === '#') {
    const r = packageImportsResolve(specifier, base, IMPORT);
    return typeof r === 'string' ? finalizeImport(r, base) : defaultImportResolve(r.bare, base);
  }
  if (SCHEME.test(specifier)) {
    if (/^https?:/.test(specifier) || base.startsWith('https:')) return remoteName(specifier, base);
    throw ERR_UNSUPPORTED_ESM_URL_SCHEME(specifier.slice(0, specifier.indexOf(':') + 1));
  }
  const id = builtinId(specifier);
  if (id !== null) return `node:${id}`;
  return finalizeImport(importPackage(specifier, base), base);
}

// The name of an ES module `specifier` imported from the module `parent`.
export function resolve(specifier, parent) {
  let spec = specifier;
  if (importMap) {
    const mapped = mapImport(specifier, parent);
    if (mapped !== undefined) spec = mapped;
  }
  if (hooks.length) return hookedResolve(spec, parent, IMPORT, (s, ctx) => defaultImportResolve(s, fromURL(ctx.parentURL ?? parent)));
  return defaultImportResolve(spec, parent);
}

// ---------------------------------------------------------------------------
// remote modules (https:, with the net capability)

const remote = new Map(); // URL -> source

function remoteName(specifier, base) {
  if (!M.hasNet()) {
    throw ERR_ACCESS_DENIED(`import of '${specifier}' is not allowed: remote modules need the net capability`);
  }
  const url = new URL(specifier, base.startsWith('https:') ? base : undefined).href;
  if (!url.startsWith('https:')) throw ERR_UNSUPPORTED_ESM_URL_SCHEME(url.slice(0, url.indexOf(':') + 1));
  return url;
}

// The source of an https: module, fetched by the blocking client in an
// exclusive section: nothing else of the isolate may run (and load modules)
// while QuickJS is in the middle of loading this one.
function fetchRemote(url) {
  let source = remote.get(url);
  if (source === undefined) {
    const { get } = P.util.importSync('corojs:http');
    source = exclusive(() => {
      const response = get(url);
      if (response.ok) return response.text();
      response.close();
      throw ERR_MODULE_NOT_FOUND(url, `the network (HTTP ${response.status})`, true);
    });
    remote.set(url, source);
  }
  return source;
}

// ---------------------------------------------------------------------------
// loading for the C loader: load(name) says what a module is,
// instantiate(name) gives its exports when it is evaluated

// The names a CommonJS module exports as far as reading its source tells
// (as Node's cjs-module-lexer does), its re-exports followed.
function cjsExportNames(path, source, seen = new Set()) {
  const names = new Set();
  if (seen.has(path)) return names;
  seen.add(path);
  const result = P.util.importSync('corojs:internal/node/cjs_exports').parse(source); // only import needs it
  for (const n of result.names) names.add(n);
  for (const r of result.reexports) {
    let target;
    try {
      target = Module._resolveFilename(r, fakeParent(path));
    } catch {
      continue;
    }
    if (target[0] !== '/' || formatOf(target) !== 'commonjs') continue;
    const text = M.readFile(target);
    if (text !== undefined) for (const n of cjsExportNames(target, text, seen)) names.add(n);
  }
  return names;
}

function fakeParent(path) {
  const m = new Module(path, null);
  m.filename = path;
  m.paths = Module._nodeModulePaths(dirname(path));
  return m;
}

function defaultLoad(name) {
  if (name.startsWith('node:')) return { format: 'builtin' };
  if (name.startsWith('https:')) return { format: 'module', source: fetchRemote(name) };
  const format = formatOf(name);
  if (format === 'addon') throw ERR_DLOPEN_FAILED(name);
  return { format, source: undefined };
}

// What the module `name` is: { format: 'module', source? } for the C loader
// to compile, or { format, names } for a module whose exports come from
// instantiate(name).
export function load(name) {
  let r;
  if (hooks.length) {
    r = hookedLoad(name, (n) => defaultLoad(n));
    if (typeof r.format !== 'string') throw ERR_INVALID_RETURN_PROPERTY_VALUE('a string', 'load', 'format', r.format);
    formats.set(name, r.format);
  } else {
    r = defaultLoad(name);
  }
  let source = r.source;
  if (source !== undefined && source !== null && typeof source !== 'string') {
    if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) source = new TextDecoder().decode(source);
    else throw ERR_INVALID_RETURN_PROPERTY_VALUE('a string, an ArrayBuffer, or a TypedArray', 'load', 'source', source);
  }
  switch (r.format) {
    case 'module':
    case 'wasm':
      return { format: 'module', source: source ?? undefined };
    case 'builtin': {
      const exp = loadBuiltin(name.slice(5));
      return declare(name, 'builtin', ['default', ...Object.keys(exp).filter((k) => k !== 'default')]);
    }
    case 'json':
      if (source != null) sources.set(name, source);
      return declare(name, 'json', ['default']);
    case 'commonjs': {
      const text = source ?? M.readFile(name) ?? '';
      if (source != null) sources.set(name, source);
      const names = cjsExportNames(name, text);
      names.delete('default');
      return declare(name, 'commonjs', ['default', ...names]);
    }
    default:
      throw ERR_UNKNOWN_FILE_EXTENSION(extname(name), name);
  }
}

function declare(name, format, names) {
  declared.set(name, names);
  return { format, names };
}

const sources = new Map(); // module name -> source a load hook gave

// The export values of a module load() said is not an ES module.
// Exactly the names load() gave (the module was made with them): default is
// module.exports (the builtin's exports), the others its properties.
export function instantiate(name) {
  const names = declared.get(name);
  declared.delete(name);
  // JSON too goes through require: one parse for require and import, as Node
  const exports = name.startsWith('node:') ? loadBuiltin(name.slice(5)) : requireFromImport(name);
  const values = { default: exports };
  const object = exports !== null && (typeof exports === 'object' || typeof exports === 'function');
  for (const key of names) if (key !== 'default') values[key] = object ? exports[key] : undefined;
  return values;
}

const declared = new Map(); // module name -> the export names load() gave

function requireFromImport(name) {
  const cached = Module._cache[name];
  if (cached) return cached.exports;
  return exclusive(() => {
    const module = new Module(name, null);
    Module._cache[name] = module;
    let threw = true;
    try {
      module.load(name);
      threw = false;
    } finally {
      if (threw) delete Module._cache[name];
    }
    return module.exports;
  });
}

// ---------------------------------------------------------------------------
// CommonJS

let depth = 0;

// fn() with nothing else of the isolate running until it returns (require
// parks exclusively); nested requires are inside the outer one's section.
function exclusive(fn) {
  if (depth > 0) {
    depth++;
    try {
      return fn();
    } finally {
      depth--;
    }
  }
  return P.fiber.exclusive(() => {
    depth++;
    try {
      return fn();
    } finally {
      depth--;
    }
  }, []);
}

const kParent = Symbol('kParent');
let relativeCache = { __proto__: null };
let mainModule;

export function Module(id = '', parent) {
  this.id = id;
  this.path = dirname(id);
  this.exports = {};
  this[kParent] = parent;
  if (parent?.children && !parent.children.includes(this)) parent.children.push(this);
  this.filename = null;
  this.loaded = false;
  this.children = [];
  this.paths = [];
}

Object.defineProperty(Module.prototype, 'parent', {
  get() {
    return this[kParent];
  },
  configurable: true,
});

Module._cache = { __proto__: null };
Module._pathCache = { __proto__: null };
Module.globalPaths = [];
Module.wrapper = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];
Module.wrap = (script) => Module.wrapper[0] + script + Module.wrapper[1];

Module._nodeModulePaths = function (from) {
  const dir = resolvePath(M.cwd(), from);
  const paths = [];
  const parts = dir.split('/');
  for (let i = parts.length; i > 0; i--) {
    if (parts[i - 1] === 'node_modules') continue;
    const p = parts.slice(0, i).join('/');
    paths.push(`${p}/node_modules`);
  }
  return paths;
};

function parseJSON(text, path) {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text);
  } catch (e) {
    e.message = `${path}: ${e.message}`;
    throw e;
  }
}

// require(ESM): the module's namespace, evaluated at once; a graph with
// top-level await cannot be, nor one that is being evaluated.
function requireESM(module, filename) {
  const r = M.requireModule(filename);
  if (r === 1) throw ERR_REQUIRE_ASYNC_MODULE(module[kParent]?.filename ?? module.id, filename);
  if (r === 2) throw ERR_REQUIRE_CYCLE_MODULE(filename, module[kParent]?.filename);
  return r;
}

Module._extensions = { __proto__: null };
Module._extensions['.js'] = function (module, filename) {
  const source = sources.get(filename) ?? M.readFile(filename);
  sources.delete(filename);
  if (source === undefined) throw MODULE_NOT_FOUND(filename, requireStack(module));
  const format = formatOf(filename, source);
  if (format === 'module' || format === 'wasm') { // a .wasm file is an ES module here
    module.exports = requireESM(module, filename);
    return;
  }
  if (format === 'json') {
    module.exports = parseJSON(source, filename);
    return;
  }
  module._compile(source, filename);
};
Module._extensions['.json'] = function (module, filename) {
  const source = sources.get(filename) ?? M.readFile(filename);
  sources.delete(filename);
  if (source === undefined) throw MODULE_NOT_FOUND(filename, requireStack(module));
  module.exports = parseJSON(source, filename);
};
Module._extensions['.node'] = function (module, filename) {
  throw ERR_DLOPEN_FAILED(filename);
};

Module.prototype._compile = function (content, filename) {
  let fn = compiled.get(filename);
  if (fn) compiled.delete(filename);
  else fn = M.compileFunction(content, filename);
  const require = makeRequire(this);
  return fn.call(this.exports, this.exports, require, this, filename, dirname(filename));
};

Module.prototype.load = function (filename) {
  this.filename = filename;
  this.paths = Module._nodeModulePaths(dirname(filename));
  const base = filename.slice(filename.lastIndexOf('/') + 1);
  let ext = '.js';
  for (let i = base.indexOf('.', 1); i !== -1; i = base.indexOf('.', i + 1)) {
    if (Module._extensions[base.slice(i)]) {
      ext = base.slice(i);
      break;
    }
  }
  Module._extensions[ext](this, filename);
  this.loaded = true;
};

Module.prototype.require = function (id) {
  validateString(id, 'id');
  if (id === '') throw ERR_INVALID_ARG_VALUE('id', id, 'must be a non-empty string');
  return exclusive(() => Module._load(id, this, false));
};

function requireStack(parent) {
  const stack = [];
  for (let m = parent; m; m = m[kParent]) stack.push(m.filename || m.id);
  return stack;
}

Module._load = function (request, parent, isMain) {
  let relKey;
  if (parent && !hooks.length) {
    relKey = `${parent.path}\x00${request}`;
    const filename = relativeCache[relKey];
    if (filename !== undefined) {
      const cached = Module._cache[filename];
      if (cached !== undefined) return cached.exports;
      delete relativeCache[relKey];
    }
  }
  if (!hooks.length && !importMap && (request.startsWith('node:') || isBuiltin(request))) {
    const id = builtinId(request);
    if (id !== null) return loadBuiltin(id);
  }
  // the main module is the real path C read (before its isolate's fs rights apply)
  const filename = isMain && parent === null && request[0] === '/' ? request : Module._resolveFilename(request, parent, isMain);
  if (filename.startsWith('node:')) return loadBuiltin(builtinId(filename));
  if (!filename.startsWith('/') && !hooks.length) return requireRemote(filename, parent);
  const cached = Module._cache[filename];
  if (cached !== undefined) {
    if (relKey) relativeCache[relKey] = filename;
    return cached.exports;
  }
  const module = new Module(filename, parent);
  if (isMain) {
    module.id = '.';
    mainModule = module;
  }
  Module._cache[filename] = module;
  if (relKey) relativeCache[relKey] = filename;
  if (hooks.length) {
    const r = hookedLoad(filename, (n) => ({ format: formatOf(n), source: undefined }));
    if (r.format) formats.set(filename, r.format);
    if (r.source != null) sources.set(filename, typeof r.source === 'string' ? r.source : new TextDecoder().decode(r.source));
  }
  let threw = true;
  try {
    module.load(filename);
    threw = false;
  } finally {
    if (threw) {
      delete Module._cache[filename];
      if (relKey) delete relativeCache[relKey];
      if (parent) {
        const i = parent.children.indexOf(module);
        if (i !== -1) parent.children.splice(i, 1);
      }
    }
  }
  return module.exports;
};

function requireRemote(url, parent) {
  const r = M.requireModule(url);
  if (typeof r === 'number') throw ERR_REQUIRE_ASYNC_MODULE(parent?.filename ?? '', url);
  return r;
}

// Node's Module._findPath: `request` in each of `paths`, as a file, with an
// extension, or as a directory (its package.json "main", its index).
function tryExtensions(base) {
  for (const ext of Object.keys(Module._extensions)) {
    if (M.stat(base + ext) === 0) return M.realpath(base + ext);
  }
  return false;
}

function tryPackage(dir, parent, request) {
  const pkg = readPackage(`${dir}/package.json`, parent?.filename);
  const main = pkg?.main;
  if (!main) return tryExtensions(`${dir}/index`);
  const file = resolvePath(dir, main);
  const found = (M.stat(file) === 0 && M.realpath(file)) || tryExtensions(file) || tryExtensions(`${file}/index`);
  if (found) return found;
  const index = tryExtensions(`${dir}/index`);
  if (index) return index;
  const e = MODULE_NOT_FOUND(file, []);
  e.message = `Cannot find module '${file}'. Please verify that the package.json has a valid "main" entry`;
  e.path = `${dir}/package.json`;
  e.requestPath = request;
  throw e;
}

function resolveExports(dir, request, parent) {
  const m = /^((?:@[^/\\%]+\/)?[^./\\%][^/\\%]*)(\/.*)?$/.exec(request);
  if (!m) return false;
  const pkgDir = `${dir}/${m[1]}`;
  const pkg = readPackage(`${pkgDir}/package.json`, parent?.filename);
  if (!pkg || pkg.exports == null) return false;
  return finalizeRequire(packageExportsResolve(pkg, '.' + (m[2] || ''), parent?.filename, REQUIRE), request, parent);
}

function finalizeRequire(path, request, parent) {
  if (M.stat(path) === 0) return M.realpath(path);
  const e = MODULE_NOT_FOUND(path, requireStack(parent));
  throw e;
}

Module._findPath = function (request, paths, isMain) {
  const absolute = request[0] === '/';
  if (absolute) paths = [''];
  else if (!paths || paths.length === 0) return false;
  const key = `${request}\x00${paths.length === 1 ? paths[0] : paths.join('\x00')}`;
  const hit = Module._pathCache[key];
  if (hit) return hit;
  const trailingSlash = request.endsWith('/') || /(^|\/)\.\.?$/.test(request);
  for (const dir of paths) {
    if (dir && M.stat(dir) < 0) continue;
    if (!absolute && !isRelative(request)) {
      const exported = resolveExports(dir, request, currentParent);
      if (exported) return exported;
    }
    const base = absolute ? normalize(request) : resolvePath(dir, request);
    let filename = false;
    const st = M.stat(base);
    if (!trailingSlash) {
      if (st === 0) filename = M.realpath(base);
      if (!filename) filename = tryExtensions(base);
    }
    if (!filename && st === 1) filename = tryPackage(base, currentParent, request);
    if (filename) {
      Module._pathCache[key] = filename;
      return filename;
    }
  }
  return false;
};

let currentParent = null;

Module._resolveLookupPaths = function (request, parent) {
  if (isRelative(request)) return [parent?.filename ? dirname(parent.filename) : M.cwd()];
  const paths = parent?.paths?.length ? [...parent.paths] : Module._nodeModulePaths(M.cwd());
  return paths.concat(Module.globalPaths);
};

function defaultRequireResolve(request, parent, isMain, options) {
  if (request.startsWith('node:') || isBuiltin(request)) {
    if (builtinId(request) !== null) return request;
  }
  if (request.includes('\0')) throw MODULE_NOT_FOUND(request, requireStack(parent));
  if (request.startsWith('file:')) request = fileURLToPath(request);
  const base = parent?.filename || `${M.cwd()}/[eval]`;
  if (/^https?:/.test(request) || parent?.filename?.startsWith('https:')) return remoteName(request, base);
  let paths;
  if (options?.paths) {
    if (!Array.isArray(options.paths)) throw ERR_INVALID_ARG_VALUE('options.paths', options.paths);
    paths = [];
    for (const p of options.paths) {
      const dir = resolvePath(M.cwd(), p);
      if (isRelative(request)) paths.push(dir);
      else for (const q of Module._nodeModulePaths(dir)) if (!paths.includes(q)) paths.push(q);
    }
  } else {
    if (request[0] === '#' && parent?.filename) {
      const r = packageImportsResolve(request, parent.filename, REQUIRE);
      if (typeof r === 'string') return finalizeRequire(r, request, parent);
      return defaultRequireResolve(r.bare, parent, isMain);
    }
    if (parent?.filename && !isRelative(request) && request[0] !== '/') {
      const { name, subpath } = parsePackageName(request, parent.filename);
      const self = selfPackage(name, parent.filename);
      if (self) return finalizeRequire(packageExportsResolve(self, subpath, parent.filename, REQUIRE), request, parent);
    }
    paths = Module._resolveLookupPaths(request, parent);
  }
  const saved = currentParent;
  currentParent = parent;
  let filename;
  try {
    filename = Module._findPath(request, paths, isMain);
  } finally {
    currentParent = saved;
  }
  if (filename) return filename;
  throw MODULE_NOT_FOUND(request, requireStack(parent));
}

Module._resolveFilename = function (request, parent, isMain, options) {
  let spec = request;
  const from = parent?.filename;
  if (importMap) {
    const mapped = mapImport(request, from);
    if (mapped !== undefined) spec = mapped.startsWith('file:') ? fileURLToPath(mapped) : mapped;
  }
  if (hooks.length) {
    return hookedResolve(spec, from, REQUIRE, (s, ctx) => {
      const p = ctx.parentURL ? fromURL(ctx.parentURL) : undefined;
      return defaultRequireResolve(s, p === from ? parent : fakeParent(p), isMain, options);
    });
  }
  return defaultRequireResolve(spec, parent, isMain, options);
};

// The require function of a module.
function makeRequire(module) {
  function require(id) {
    return module.require(id);
  }
  require.resolve = function resolve(request, options) {
    validateString(request, 'request');
    return exclusive(() => Module._resolveFilename(request, module, false, options));
  };
  require.resolve.paths = function paths(request) {
    validateString(request, 'request');
    if (isBuiltin(request)) return null;
    return Module._resolveLookupPaths(request, module);
  };
  Object.defineProperty(require, 'main', { get: () => mainModule, enumerable: true, configurable: true });
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

// module.createRequire(filename | file: URL | URL): a require that resolves
// from that file.
export function createRequire(filename) {
  let path = filename;
  if (typeof filename === 'object' && filename !== null && typeof filename.href === 'string') path = filename.href;
  if (typeof path === 'string' && path.startsWith('file:')) path = fileURLToPath(path);
  if (typeof path !== 'string' || (path[0] !== '/' && !path.endsWith('/'))) {
    throw ERR_INVALID_ARG_VALUE('filename', filename, 'must be a file URL object, file URL string, or absolute path string');
  }
  const trailing = path.endsWith('/');
  const file = trailing ? `${path}noop.js` : path;
  const m = new Module(file, null);
  m.filename = file;
  m.paths = Module._nodeModulePaths(dirname(file));
  return makeRequire(m);
}

Module.createRequire = createRequire;
Module.isBuiltin = isBuiltin;
Module.registerHooks = registerHooks;
Module.register = function register() {
  throw ERR_METHOD_NOT_IMPLEMENTED('module.register()', 'asynchronous hooks on a loader thread; ' +
    'use module.registerHooks({ resolve, load }), whose hooks are synchronous');
};
Module.findPackageJSON = function findPackageJSON(specifier, base) {
  let path = specifier instanceof URL ? specifier.href : specifier;
  validateString(path, 'specifier');
  let from = base instanceof URL ? base.href : base;
  if (from?.startsWith('file:')) from = fileURLToPath(from);
  if (path.startsWith('file:')) path = fileURLToPath(path);
  else if (isRelative(path)) {
    if (typeof from !== 'string') throw ERR_INVALID_ARG_TYPE('base', ['string', 'URL'], from);
    path = resolvePath(dirname(from), path);
  } else if (path[0] !== '/') {
    if (typeof from !== 'string') throw ERR_INVALID_ARG_TYPE('base', ['string', 'URL'], from);
    path = Module._resolveFilename(path, fakeParent(from));
  }
  return packageScope(path)?.path;
};
Module.Module = Module;
Object.defineProperty(Module, 'builtinModules', {
  get: () => ['module', ...builtinIds.filter((id) => id !== 'module')],
  enumerable: true,
  configurable: true,
});

// ---------------------------------------------------------------------------
// the main module (corojs app.js, app.cjs)

// 'module' if the main module `path` (of text `source`) is an ES module, for
// the C loader to run; undefined if runMain() is to run it.
export function mainFormat(path, source) {
  setupForkChannel();
  const format = formatOf(path, source);
  if (format === 'module') return format;
  if (format === 'addon') throw ERR_DLOPEN_FAILED(path);
  sources.set(path, source);
  return undefined;
}

// A child of Node's fork() (child_process): NODE_CHANNEL_FD names its IPC
// channel, set up before the main module runs (process.send, 'message'), as
// Node's pre-execution does.
function setupForkChannel() {
  const { env } = requireBuiltin('process');
  if (env.NODE_CHANNEL_FD === undefined || P.worker.self() !== undefined) return; // not a worker's
  const fd = Number.parseInt(env.NODE_CHANNEL_FD, 10);
  const mode = env.NODE_CHANNEL_SERIALIZATION_MODE || 'json';
  delete env.NODE_CHANNEL_FD;
  delete env.NODE_CHANNEL_SERIALIZATION_MODE;
  requireBuiltin('child_process')._forkChild(fd, mode);
}

// Runs the CommonJS main module; its module.exports.
export function runMain(path) {
  return exclusive(() => Module._load(path, null, true));
}

// corojs -e CODE / -p CODE: 'module' when CODE is an ES module (import or
// export statements, import.meta, top-level await), for the C loader to run;
// else it runs here as Node's [eval] script: global code with `require`,
// `module`, `exports`, `__filename` and `__dirname` as globals, and Node's
// builtins (`os`, `url`, ...) as lazy globals; --input-type says which
// instead ('module', 'commonjs'). With print (-p) its value is
// logged when the process exits, as Node does. Returns module.exports.
export function evalMain(code, print, inputType) {
  if (inputType === 'module') return 'module';
  if (inputType !== 'commonjs' && /\b(import|export|await)\b/.test(code)) {
    try {
      M.compileFunction(code, '[eval]');
    } catch (e) {
      if (e instanceof SyntaxError) return 'module';
      throw e;
    }
  }
  const cwd = M.cwd();
  const module = new Module('[eval]', null);
  module.filename = `${cwd}/[eval]`;
  module.paths = Module._nodeModulePaths(cwd);
  const require = Module.createRequire(module.filename);
  const globals = { module, require, exports: module.exports, __filename: '[eval]', __dirname: '.' };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  }
  for (const id of builtinIds) {
    if (id.startsWith('_') || id.includes('/') || Object.hasOwn(globalThis, id)) continue;
    Object.defineProperty(globalThis, id, {
      get() { const value = requireBuiltin(id); Object.defineProperty(globalThis, id, { value, writable: true, configurable: true }); return value; },
      set(value) { Object.defineProperty(globalThis, id, { value, writable: true, configurable: true }); },
      configurable: true,
    });
  }
  const result = (0, eval)(code); // not exclusive: its blocking calls let other fibers run
  if (print) requireBuiltin('process').on('exit', () => requireBuiltin('console').log(result));
  return module.exports;
}

// --import-map FILE, read once at start-up
const mapPath = M.importMap();
if (mapPath !== undefined) {
  importMap = readImportMap(mapPath);
  updateActive();
}
