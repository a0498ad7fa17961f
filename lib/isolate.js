// corojs:isolate: apps in isolates of their own, in this process, on the one
// loop; each with its own heap, limits and capabilities; calls between them.
//
//   const iso = new Isolate('./worker.mjs', { memoryLimit: 64 << 20, fs: './data' })
//   iso.call('add', 1, 2)            // 3: blocks this fiber until it returns
//   await iso.callAsync('add', 1, 2) // the same, as a promise
//   iso.call('take', Isolate.transfer(buf))  // buf moves, no copy
//   iso.terminate(); iso.join()      // { code, error }
//   Isolate.parent.call('log', 'hi') // in the child
//
// Arguments and results are copied with QuickJS's serialiser. What it cannot
// take is handled here, on the slow path (see src/prim/isolate.c): encode()
// swaps functions, errors, Map, Set, RegExp and buffers marked for transfer
// for placeholders; decode() swaps them back in the receiving isolate.

import P from 'corojs:internal/primordials';
import { Fiber } from 'corojs:fiber';
import { DataCloneError, ERR_INVALID_ARG_TYPE, describe, reviveError } from 'corojs:internal/errors';
import {
  validateBoolean, validateInteger, validateObject, validateOptionNames, validateString,
} from 'corojs:internal/validators';

const I = P.isolate;

// ---------------------------------------------------------------------------
// the slow path of messages

const kinds = {
  '[object Map]': 'map', '[object Set]': 'set', '[object RegExp]': 'regexp', '[object Error]': 'error',
};
const leaves = new Set(['[object Date]', '[object Number]', '[object String]', '[object Boolean]',
  '[object BigInt]', '[object ArrayBuffer]']);
const refused = new Set(['[object Promise]', '[object WeakMap]', '[object WeakSet]', '[object WeakRef]',
  '[object FinalizationRegistry]', '[object SharedArrayBuffer]', '[object DataView]', '[object Generator]',
  '[object AsyncGenerator]', '[object Symbol]']);

// encode(value) -> [payload, meta, buffers, functions]: payload is a copy of
// value with placeholders ({}) where it held what the serialiser cannot
// take; meta lists [placeholder, kind, data]. The writer keeps object
// identity within a message, so the receiver finds each placeholder by it.
function encode(value) {
  const meta = [], buffers = [], fns = [];
  const copies = new Map(), bufIndex = new Map(), fnIndex = new Map();
  const path = [];
  const where = () => (path.length ? ` (at ${path.join('')})` : '');

  function special(kind, data) {
    const holder = {};
    meta.push([holder, kind, data]);
    return holder;
  }
  function buffer(ab) {
    let i = bufIndex.get(ab);
    if (i === undefined) {
      i = buffers.length;
      buffers.push(ab);
      bufIndex.set(ab, i);
    }
    return i;
  }
  function nested(key, v) {
    path.push(key);
    const r = walk(v);
    path.pop();
    return r;
  }
  function walk(v) {
    if (typeof v === 'function') {
      let i = fnIndex.get(v);
      if (i === undefined) {
        i = fns.length;
        fns.push(v);
        fnIndex.set(v, i);
      }
      return special('fn', i);
    }
    if (typeof v === 'symbol') throw new DataCloneError(`${String(v)} could not be cloned${where()}`);
    if (typeof v !== 'object' || v === null) return v;
    if (copies.has(v)) return copies.get(v);
    const tag = Object.prototype.toString.call(v);
    if (ArrayBuffer.isView(v) && tag !== '[object DataView]') {
      if (!I.isMarked(v.buffer)) return v;
      return special('view', [tag.slice(8, -1), v.byteOffset, v.length, buffer(v.buffer)]);
    }
    if (tag === '[object ArrayBuffer]' && I.isMarked(v)) return special('ab', buffer(v));
    if (leaves.has(tag)) return v;
    if (refused.has(tag)) throw new DataCloneError(`${describe(v)} could not be cloned${where()}`);
    const kind = v instanceof Error ? 'error' : kinds[tag];
    if (kind) {
      const data = [];
      const holder = special(kind, data);
      copies.set(v, holder);
      if (kind === 'map') for (const [k, x] of v) data.push([nested('.<key>', k), nested(`.get(${String(k)})`, x)]);
      else if (kind === 'set') for (const x of v) data.push(nested('.<value>', x));
      else if (kind === 'regexp') data.push(v.source, v.flags);
      else {
        const fields = { name: v.name, message: v.message, stack: v.stack };
        for (const k of Object.keys(v)) fields[k] = v[k];
        if ('cause' in v) fields.cause = v.cause;
        for (const k of Object.keys(fields)) fields[k] = nested(`.${k}`, fields[k]);
        data.push(fields);
      }
      return holder;
    }
    if (Array.isArray(v)) {
      const copy = [];
      copies.set(v, copy);
      for (let i = 0; i < v.length; i++) copy[i] = nested(`[${i}]`, v[i]);
      return copy;
    }
    const copy = {};
    copies.set(v, copy);
    for (const k of Object.keys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (d.get || d.set) throw new DataCloneError(`the accessor ${k} could not be cloned${where()}`);
      copy[k] = nested(`.${k}`, d.value);
    }
    return copy;
  }
  return [walk(value), meta, buffers, fns];
}

const proxies = new FinalizationRegistry((id) => I.releaseProxy(id));

// A function of another isolate: calling it calls there, and blocks.
function makeProxy(id) {
  const proxy = function (...args) { return ended(() => I.callProxy(id, args)); };
  proxies.register(proxy, id);
  return proxy;
}

// fn(), a call into another isolate. If that isolate has ended because of
// an uncaught error (its top level failed, say), ERR_ISOLATE_TERMINATED
// carries that error's fields as its cause: made an Error again here.
function ended(fn) {
  try {
    return fn();
  } catch (e) {
    if (e?.code === 'ERR_ISOLATE_TERMINATED' && e.cause !== undefined && !(e.cause instanceof Error)) {
      e.cause = reviveError(e.cause);
    }
    throw e;
  }
}

// decode([payload, meta], buffers, proxyIds) -> the value, placeholders revived
function decode([payload, meta], buffers, proxyIds) {
  const revived = new Map();
  const fns = proxyIds.map(makeProxy);
  const pending = new Map(meta.map(([holder, kind, data]) => [holder, [kind, data]]));

  function revive(holder) {
    if (revived.has(holder)) return revived.get(holder);
    const [kind, data] = pending.get(holder);
    let v;
    switch (kind) {
      case 'fn': v = fns[data]; break;
      case 'ab': v = buffers[data]; break;
      case 'view': v = new globalThis[data[0]](buffers[data[3]], data[1], data[2]); break;
      case 'regexp': v = new RegExp(data[0], data[1]); break;
      case 'map':
        v = new Map();
        revived.set(holder, v);
        for (const [k, x] of data) v.set(fix(k), fix(x));
        return v;
      case 'set':
        v = new Set();
        revived.set(holder, v);
        for (const x of data) v.add(fix(x));
        return v;
      default: { // error
        const fields = data[0];
        v = reviveError({ name: fields.name, message: fields.message });
        revived.set(holder, v);
        const rest = walk(fields);
        for (const k of Object.keys(rest)) {
          if (k !== 'message' && !(k === 'name' && rest.name === v.name)) {
            Object.defineProperty(v, k, { value: rest[k], writable: true, configurable: true, enumerable: k !== 'stack' && k !== 'name' });
          }
        }
        return v;
      }
    }
    revived.set(holder, v);
    return v;
  }
  const seen = new Set();
  function fix(v) {
    if (typeof v !== 'object' || v === null) return v;
    if (pending.has(v)) return revive(v);
    return walk(v);
  }
  function walk(v) {
    if (seen.has(v) || ArrayBuffer.isView(v) || !(Array.isArray(v) ||
        Object.getPrototypeOf(v) === Object.prototype)) return v;
    seen.add(v);
    for (const k of Object.keys(v)) v[k] = fix(v[k]);
    return v;
  }
  return fix(payload);
}

I.setHooks(encode, decode);

// ---------------------------------------------------------------------------
// the API

// An absolute path for a module given as a path (relative to the working
// directory), a file: URL, or the name of a built-in module (corojs:...).
function modulePath(module) {
  if (typeof module === 'object' && module !== null && typeof module.href === 'string') module = module.href;
  if (typeof module !== 'string' || module === '') throw ERR_INVALID_ARG_TYPE('module', ['string', 'URL'], module);
  if (module.startsWith('corojs:')) return module; // a built-in module
  if (module.startsWith('file://')) return decodeURIComponent(module.slice(7).replace(/[?#].*/, ''));
  if (module.startsWith('/')) return module;
  return `${P.process.cwd()}/${module}`;
}

function checkOptions(options) {
  if (options === undefined) options = {};
  validateObject(options, 'options');
  validateOptionNames(options, ['memoryLimit', 'cpuSlice', 'maxFibers', 'maxIsolates', 'env', 'argv', 'net', 'fs', 'syscall']);
  const count = (name, min) => {
    const v = options[name];
    if (v === undefined) return 0;
    validateInteger(v, `options.${name}`, min, 2 ** 48);
    return v;
  };
  const out = {
    memoryLimit: count('memoryLimit', 1 << 20), cpuSlice: count('cpuSlice', 1),
    maxFibers: count('maxFibers', 1), maxIsolates: count('maxIsolates', 1), net: false, syscall: false,
  };
  if (options.env !== undefined) {
    validateObject(options.env, 'options.env');
    out.env = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  }
  if (options.argv !== undefined) {
    if (!Array.isArray(options.argv)) throw ERR_INVALID_ARG_TYPE('options.argv', 'Array', options.argv);
    out.argv = options.argv.map(String);
  }
  for (const flag of ['net', 'syscall']) {
    if (options[flag] === undefined) continue;
    validateBoolean(options[flag], `options.${flag}`);
    out[flag] = options[flag];
  }
  if (options.fs !== undefined && options.fs !== false) {
    if (typeof options.fs !== 'string' || options.fs === '') throw ERR_INVALID_ARG_TYPE('options.fs', ['string', 'false'], options.fs);
    out.fs = options.fs;
  }
  return out;
}

// A promise of fn(), run in a fiber of its own.
function promiseOf(fn) {
  return new Promise((resolve, reject) => {
    Fiber.run(() => {
      try { resolve(fn()); } catch (e) { reject(e); }
    });
  });
}

const registry = new FinalizationRegistry((id) => I.release(id));

export class Isolate {
  #id;

  constructor(module, options) {
    const opts = checkOptions(options);
    opts.path = modulePath(module);
    opts.argv = [P.process.execPath, opts.path, ...(opts.argv ?? [])];
    this.#id = I.create(module, opts);
    registry.register(this, this.#id);
  }

  // call(name, ...args) -> what the child's exported function `name` returns
  call(name, ...args) {
    validateString(name, 'name');
    return ended(() => I.call(this.#id, name, args));
  }

  callAsync(name, ...args) {
    validateString(name, 'name');
    return promiseOf(() => ended(() => I.call(this.#id, name, args)));
  }

  terminate() {
    I.terminate(this.#id);
  }

  // join() -> { code, error }: waits until the isolate has ended and is freed
  join() {
    const r = I.join(this.#id);
    return { code: r.code, error: r.error === undefined ? undefined : reviveError(r.error) };
  }

  // stats() -> { id, name, state, memory, memoryLimit, fibers, handles, parent }
  stats() {
    return I.stats(this.#id);
  }

  get id() {
    return I.stats(this.#id).id;
  }

  // transfer(buffer) -> buffer, marked to move (not be copied) when it is
  // next sent; the sender's buffer is detached then. A view marks its buffer.
  static transfer(buffer) {
    I.transfer(ArrayBuffer.isView(buffer) ? buffer.buffer : buffer);
    return buffer;
  }

  // What this isolate knows of itself: { id, name, state, memory, ... }
  static self() {
    return I.self();
  }

  // Every isolate of the process (root isolates only): [{ id, name, state, ... }]
  static list() {
    return I.list();
  }

  // End the isolate with this id (root isolates only) -> whether it was alive
  static kill(id) {
    return I.kill(id);
  }

  static get parent() {
    return I.hasParent() ? parent : null;
  }

  get [Symbol.toStringTag]() {
    return 'Isolate';
  }
}

const parent = Object.freeze({
  call(name, ...args) {
    validateString(name, 'name');
    return ended(() => I.call(null, name, args));
  },
  callAsync(name, ...args) {
    validateString(name, 'name');
    return promiseOf(() => ended(() => I.call(null, name, args)));
  },
});

export { DataCloneError };

export default Isolate;
