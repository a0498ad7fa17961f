// corojs:webassembly: the WebAssembly JS API (the global `WebAssembly`), as
// in browsers and Node, on our own engine (src/wasm/, bound by
// src/prim/wasm.c). Every object is a native object with the prototypes
// made here; the property shapes follow WebIDL (enumerable operations and
// attributes, constructors that need `new`), as the WPT jsapi tests check.
//
// Wasm runs on the calling fiber: a JS function given as an import may
// block (Fiber.sleep, a socket read) and the wasm frames below it simply
// wait. i64 values are BigInts.

import P from 'corojs:internal/primordials';

const W = P.wasm;

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FUNCREF = 0x70, EXTERNREF = 0x6f;
const VALUE_TYPES = { i32: I32, i64: I64, f32: F32, f64: F64, v128: V128, externref: EXTERNREF, anyfunc: FUNCREF };
const TABLE_KINDS = { anyfunc: FUNCREF, externref: EXTERNREF };
const TABLE_MAX = 10000000; // as V8's limit
const PAGES_MAX = 65536;

// ---- errors: NativeError-like constructors, callable without `new` ----

function defineError(name) {
  const E = function (message, options) {
    return Reflect.construct(Error, arguments, new.target || E);
  };
  Object.setPrototypeOf(E, Error);
  Object.defineProperty(E, 'name', { value: name });
  Object.defineProperty(E, 'length', { value: 1 });
  E.prototype = Object.create(Error.prototype);
  for (const [k, v] of [['constructor', E], ['name', name], ['message', '']]) {
    Object.defineProperty(E.prototype, k, { value: v, writable: true, enumerable: false, configurable: true });
  }
  Object.defineProperty(E, 'prototype', { writable: false });
  return E;
}

const CompileError = defineError('CompileError');
const LinkError = defineError('LinkError');
const RuntimeError = defineError('RuntimeError');

// ---- WebIDL conversions ----

function toObject(v, what) {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) {
    throw new TypeError(`${what} must be an object`);
  }
  return v;
}

// A dictionary argument: undefined and null are empty, others must be objects.
function dictionary(v, what) {
  if (v === undefined || v === null) return {};
  return toObject(v, what);
}

// [EnforceRange] unsigned long
function enforceRange(v, what) {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  const x = Math.trunc(n);
  if (x < 0 || x > 0xffffffff) throw new TypeError(`${what} must be in the range of unsigned long`);
  return x;
}

function isBufferSource(v) {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v) ||
    (typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer);
}

function bufferSource(v, what) {
  if (!isBufferSource(v)) throw new TypeError(`${what} must be an ArrayBuffer or an ArrayBuffer view`);
  return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
}

// GetPrototypeFromConstructor: a subclass's prototype, or the default.
function protoOf(newTarget, fallback) {
  const p = newTarget.prototype;
  return (typeof p === 'object' && p !== null) || typeof p === 'function' ? p : fallback;
}

// "initial" and "maximum" of a descriptor, each read and converted in turn
// (WebIDL's dictionary order); the bounds checked after.
function limits(d, max, what) {
  const initial = d.initial;
  if (initial === undefined) throw new TypeError(`${what}: the descriptor needs "initial"`);
  const min = enforceRange(initial, `${what}: "initial"`);
  const maximum = d.maximum;
  const top = maximum === undefined ? undefined : enforceRange(maximum, `${what}: "maximum"`);
  if (min > max) throw new RangeError(`${what}: "initial" ${min} is above the limit ${max}`);
  if (top !== undefined && top > max) throw new RangeError(`${what}: "maximum" ${top} is above the limit ${max}`);
  if (top !== undefined && top < min) throw new RangeError(`${what}: "maximum" ${top} is below "initial" ${min}`);
  return [min, top];
}

// ---- the interfaces ----

class Module {
  constructor(bytes) {
    if (arguments.length < 1) throw new TypeError('WebAssembly.Module(): argument 1 (bytes) is required');
    return W.moduleNew(bufferSource(bytes, 'WebAssembly.Module(): argument 1'), protoOf(new.target, Module.prototype));
  }

  static exports(moduleObject) {
    return W.moduleExports(moduleObject);
  }

  static imports(moduleObject) {
    return W.moduleImports(moduleObject);
  }

  static customSections(moduleObject, sectionName) {
    W.moduleExports(moduleObject); // the brand check comes first
    if (arguments.length < 2) throw new TypeError('WebAssembly.Module.customSections(): argument 2 (sectionName) is required');
    return W.moduleCustomSections(moduleObject, String(sectionName));
  }
}

function newInstance(module, importObject, proto) {
  if (importObject !== undefined) toObject(importObject, 'WebAssembly.Instance(): argument 2 (importObject)');
  const inst = W.instanceNew(module, importObject, proto);
  Object.freeze(W.instanceExports(inst));
  return inst;
}

class Instance {
  constructor(module, importObject) {
    return newInstance(module, importObject, protoOf(new.target, Instance.prototype));
  }

  get exports() {
    return W.instanceExports(this);
  }
}

class Memory {
  constructor(descriptor) {
    const d = dictionary(descriptor, 'WebAssembly.Memory(): argument 1 (descriptor)');
    const [initial, maximum] = limits(d, PAGES_MAX, 'WebAssembly.Memory()');
    return W.memoryNew(initial, maximum, protoOf(new.target, Memory.prototype));
  }

  grow(delta) {
    W.memoryBuffer(this); // the brand check comes first
    return W.memoryGrow(this, enforceRange(delta, 'WebAssembly.Memory.grow(): argument 1 (delta)'));
  }

  get buffer() {
    return W.memoryBuffer(this);
  }
}

class Table {
  constructor(descriptor, value) {
    const d = dictionary(descriptor, 'WebAssembly.Table(): argument 1 (descriptor)');
    const kind = d.element;
    if (kind === undefined) throw new TypeError('WebAssembly.Table(): the descriptor needs "element"');
    const element = TABLE_KINDS[String(kind)];
    if (element === undefined) throw new TypeError(`WebAssembly.Table(): "element" must be "anyfunc" or "externref", not "${String(kind)}"`);
    const [initial, maximum] = limits(d, TABLE_MAX, 'WebAssembly.Table()');
    return W.tableNew(element, initial, maximum, value, protoOf(new.target, Table.prototype));
  }

  get length() {
    return W.tableLength(this);
  }

  grow(delta, value) {
    W.tableLength(this);
    return W.tableGrow(this, enforceRange(delta, 'WebAssembly.Table.grow(): argument 1 (delta)'), value);
  }

  get(index) {
    W.tableLength(this);
    return W.tableGet(this, enforceRange(index, 'WebAssembly.Table.get(): argument 1 (index)'));
  }

  set(index, value) {
    W.tableLength(this);
    if (arguments.length < 1) throw new TypeError('WebAssembly.Table.set(): argument 1 (index) is required');
    // a missing value is the element type's default; undefined given is a value
    W.tableSet(this, enforceRange(index, 'WebAssembly.Table.set(): argument 1 (index)'), value, arguments.length > 1);
  }
}

class Global {
  constructor(descriptor, v) {
    const d = dictionary(descriptor, 'WebAssembly.Global(): argument 1 (descriptor)');
    const mutable = Boolean(d.mutable);
    const name = d.value;
    if (name === undefined) throw new TypeError('WebAssembly.Global(): the descriptor needs "value"');
    const type = VALUE_TYPES[String(name)];
    if (type === undefined) throw new TypeError(`WebAssembly.Global(): "value" must be a value type, not "${String(name)}"`);
    if (type === V128) throw new TypeError('WebAssembly.Global(): v128 globals cannot be made from JavaScript');
    return W.globalNew(type, mutable, v, protoOf(new.target, Global.prototype));
  }

  valueOf() {
    return W.globalGet(this);
  }

  get value() {
    return W.globalGet(this);
  }

  set value(v) {
    W.globalType(this);
    if (arguments.length < 1) throw new TypeError('WebAssembly.Global: a value is required');
    W.globalSet(this, v);
  }
}

// WebIDL: operations and attributes are enumerable; each prototype has a
// @@toStringTag; a function's length counts its required arguments only.
function webidl(C, name, statics = [], lengths = {}) {
  for (const key of Object.getOwnPropertyNames(C.prototype)) {
    if (key !== 'constructor') Object.defineProperty(C.prototype, key, { enumerable: true });
  }
  for (const key of statics) Object.defineProperty(C, key, { enumerable: true });
  for (const [key, n] of Object.entries(lengths)) {
    const fn = key === 'constructor' ? C : C.prototype[key];
    Object.defineProperty(fn, 'length', { value: n });
  }
  Object.defineProperty(C.prototype, Symbol.toStringTag, { value: `WebAssembly.${name}`, configurable: true });
}

webidl(Module, 'Module', ['exports', 'imports', 'customSections']);
webidl(Instance, 'Instance', [], { constructor: 1 });
webidl(Memory, 'Memory');
webidl(Table, 'Table', [], { constructor: 1, grow: 1, set: 1 });
webidl(Global, 'Global', [], { constructor: 1 });

// ---- the namespace's functions ----

function validate(bytes) {
  return W.validate(bufferSource(bytes, 'WebAssembly.validate(): argument 1'));
}

// The promise functions copy their bytes at once and compile in a job, so
// every failure is a rejection.
function compile(bytes) {
  return new Promise((resolve) => {
    const copy = bufferSource(bytes, 'WebAssembly.compile(): argument 1').slice();
    resolve(Promise.resolve().then(() => new Module(copy)));
  });
}

function instantiate(source, importObject) {
  return new Promise((resolve) => {
    if (importObject !== undefined) toObject(importObject, 'WebAssembly.instantiate(): argument 2 (importObject)');
    if (source instanceof Module) { // the imports are read now, as the JS API says
      resolve(newInstance(source, importObject, Instance.prototype));
      return;
    }
    resolve(compile(source).then((module) => ({ module, instance: newInstance(module, importObject, Instance.prototype) })));
  });
}

// The bytes of a Response (or a promise of one) served as application/wasm.
async function responseBytes(source, what) {
  const { Response } = P.util.importSync('corojs:fetch');
  const response = await source;
  if (!(response instanceof Response)) throw new TypeError(`${what}: argument 1 must be a Response`);
  const type = response.headers.get('content-type');
  if (type === null || type.split(';')[0].trim().toLowerCase() !== 'application/wasm') {
    throw new TypeError(`${what}: the response's Content-Type is ${type === null ? 'missing' : `"${type}"`}, not "application/wasm"`);
  }
  if (!response.ok) throw new TypeError(`${what}: the response's status is ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function compileStreaming(source) {
  return new Module(await responseBytes(source, 'WebAssembly.compileStreaming()'));
}

async function instantiateStreaming(source, importObject) {
  if (importObject !== undefined) toObject(importObject, 'WebAssembly.instantiateStreaming(): argument 2 (importObject)');
  const module = new Module(await responseBytes(source, 'WebAssembly.instantiateStreaming()'));
  return { module, instance: newInstance(module, importObject, Instance.prototype) };
}

// The results of a JS import with several: IterableToList, step by step
// (spread syntax in QuickJS reads @@iterator twice).
function iterableToList(v) {
  const iterator = v[Symbol.iterator]();
  const next = iterator.next;
  const list = [];
  for (;;) {
    const r = next.call(iterator);
    if ((typeof r !== 'object' && typeof r !== 'function') || r === null) throw new TypeError('an iterator result must be an object');
    if (r.done) return list;
    list.push(r.value);
  }
}

export const WebAssembly = {};
for (const [name, fn] of Object.entries({ validate, compile, instantiate, compileStreaming, instantiateStreaming })) {
  Object.defineProperty(fn, 'length', { value: 1 });
  Object.defineProperty(WebAssembly, name, { value: fn, writable: true, enumerable: true, configurable: true });
}
for (const [name, C] of Object.entries({ Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError })) {
  Object.defineProperty(WebAssembly, name, { value: C, writable: true, enumerable: false, configurable: true });
}
Object.defineProperty(WebAssembly, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });

// What the engine needs from here (kept by P.wasm, for the isolate's life).
W.setup([CompileError, LinkError, RuntimeError, Module.prototype, Instance.prototype,
  Memory.prototype, Table.prototype, Global.prototype, Function.prototype, iterableToList]);

// For tests: which proposals after WebAssembly 2.0 new modules may use
// (tail calls 1, extended constants 2, multiple memories 4, memory64 8).
export function setFeatures(mask) {
  W.setFeatures(mask);
}
export const FEATURES_ALL = W.FEATURES_ALL;

// `import { f } from './x.wasm'`: the loader's module for a .wasm file
// (src/prim/wasm.c makes it) instantiates it with its imports: the
// namespaces of the modules it names.
export function instantiateFile(path, namespaces) {
  const bytes = P.util.importSync('corojs:fs').default.readFile(path, null);
  return newInstance(new Module(bytes), namespaces, Instance.prototype).exports;
}

export { CompileError, LinkError, RuntimeError, Module, Instance, Memory, Table, Global };
export default WebAssembly;
