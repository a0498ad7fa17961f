// corojs:internal/node/structured_clone: the HTML structured clone, as
// Node's messaging does it (src/node_messaging.cc over V8's serializer),
// for the global structuredClone(value, { transfer }) and for
// MessagePort.prototype.postMessage (lib/node/bindings/messaging.js).
//
// What clones: primitives, objects and arrays (own enumerable string keys),
// Date, RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, errors and
// boxed primitives, shared and cyclic references kept; Node's
// JSTransferable objects through their [kClone]() (Blob, BlockList, ...).
// Functions, symbols and other platform objects throw a DataCloneError.
// What transfers (the transfer list): ArrayBuffers (moved without a copy,
// the original detached; one the engine cannot detach -- pinned by a call
// in flight, memory it does not own -- is copied, as Node copies what V8
// cannot detach; one Node marks untransferable, as Buffer's pool, is
// copied too), MessagePorts and JSTransferables with [kTransfer]().
//
// A message is made in two steps, as Node's: serialize() at postMessage
// (where the errors are thrown, before anything is detached), deserialize()
// when the message is received (where the transferred ports and
// transferables are made; its errors become 'messageerror'). Within one
// isolate the serialized form is the cloned graph itself, with a Slot in
// place of each object made later. To another isolate (worker_threads),
// serializeRemote() turns that graph into what QuickJS's writer takes
// (JS_WriteObject2 in src/prim/messaging.c: plain objects and arrays, Date,
// boxed primitives, typed arrays and their ArrayBuffers, shared references
// and cycles): each Map, Set, RegExp, error, DataView, moved ArrayBuffer,
// port and JSTransferable becomes an empty object listed in a side table
// with what it stands for, which the reader finds again by identity
// (deserializeRemote) and swaps back, as corojs:isolate's messages do. The
// moved ArrayBuffers' memory and the ports' channel ends go beside the
// bytes, in C.
import P from 'corojs:internal/primordials';
import { domException, internalBinding } from 'corojs:internal/node/builtins';

const M = P.messaging;
const errorTypes = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

function coded(Kind, code, message) {
  const e = new Kind(message);
  e.code = code;
  return e;
}

function dataCloneError(message) {
  const DOMException = domException();
  return new DOMException(message, 'DataCloneError');
}

function cannotClone(value) {
  return dataCloneError(`${typeof value === 'function' ? value.toString().slice(0, 40) : String(value)} could not be cloned.`);
}

// The base of Node's transferable JS objects (internalBinding('messaging')
// .JSTransferable): an instance with [kClone]() is cloned, one with
// [kTransfer]() may be in a transfer list. What its constructor made is one,
// whatever its prototype then (makeTransferable() gives it the class's own,
// as ReadableStream's), as Node's C++ knows its host objects.
const transferables = new WeakSet();
export class JSTransferable {
  constructor() {
    transferables.add(this);
  }
}

// MessagePorts, known here through the hooks messaging.js sets when it
// loads (no port can exist before): isPort(v), isDetached(port),
// detach(port) -> its state, attach(state) -> a new port, discard(state).
let ports = null;
export function setPortHooks(hooks) {
  ports = hooks;
}

let symbols;
function sym() {
  symbols ??= {
    ...internalBinding('symbols'),
    untransferable: internalBinding('util').privateSymbols.untransferable_object_private_symbol,
  };
  return symbols;
}

// The creator of received JSTransferables (js_transferable.js's setup()
// gives it: deserializeInfo 'module:Class' -> a new Class).
let createObject = null;
export function setDeserializerCreateObjectFunction(fn) {
  createObject = fn;
}

// A value made once the clone is done: a transferred ArrayBuffer and the
// views on it (at the end of serialize), a port or a transferable (at
// deserialize). Its places in the clone hold the Slot until then.
class Slot {
  constructor(make) {
    this.make = make;
    this.uses = [];
  }
}

// out[key] = v, or later if v is a Slot.
function put(v, assign) {
  assign(v);
  if (v instanceof Slot) v.uses.push(assign);
}

function fill(slot) {
  const v = slot.make();
  for (const assign of slot.uses) assign(v);
  return v;
}

// Node's ReadIterable: the entries of an array or iterable, or null.
function readIterable(v) {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return null;
  if (Array.isArray(v)) return Array.from({ length: v.length }, (_, i) => v[i]);
  const method = v[Symbol.iterator];
  if (typeof method !== 'function') return null;
  const it = method.call(v);
  if ((typeof it !== 'object' && typeof it !== 'function') || it === null) return null;
  const next = it.next;
  if (typeof next !== 'function') return null;
  const out = [];
  for (;;) {
    const r = next.call(it);
    if ((typeof r !== 'object' && typeof r !== 'function') || r === null) return null;
    if (r.done) return out;
    out.push(r.value);
  }
}

// Node's GetTransferList: postMessage's second argument, an iterable or
// { transfer: iterable }.
export function transferList(v) {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' && typeof v !== 'function')
    throw coded(TypeError, 'ERR_INVALID_ARG_TYPE', 'Optional transferList argument must be an iterable');
  const list = readIterable(v);
  if (list) return list;
  const option = v.transfer;
  if (option === undefined) return [];
  const inner = readIterable(option);
  if (!inner) throw coded(TypeError, 'ERR_INVALID_ARG_TYPE', 'Optional options.transfer argument must be an iterable');
  return inner;
}

function addPort(st, port) {
  const slot = new Slot(() => ports.attach(slot.state));
  slot.kind = 'port';
  slot.port = port;
  st.seen.set(port, slot);
  st.hosts.push(slot);
  st.ports.push(slot);
}

function addTransferable(st, entry, nested) {
  const s = sym();
  const slot = new Slot(null);
  st.seen.set(entry, slot);
  st.transfers.push([entry, slot]);
  if (typeof entry[s.messaging_transfer_list_symbol] === 'function')
    nested.push(...entry[s.messaging_transfer_list_symbol]());
}

const isObject = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';

// The transfer list checked as Node checks it, before anything is cloned:
// -> the clone's state.
function startClone(list, source) {
  const s = sym();
  const st = { seen: new Map(), later: [], hosts: [], transfers: [], buffers: new Map(), ports: [] };
  const nested = [];
  for (const entry of list) {
    if (isObject(entry) && s.untransferable in entry) continue;
    if (P.util.classOf(entry) === 'ArrayBuffer') {
      if (M.isDetached(entry)) throw detached();
      if (st.buffers.has(entry)) throw dataCloneError('Transfer list contains duplicate ArrayBuffer');
      st.buffers.set(entry, null);
    } else if (ports?.isPort(entry)) {
      if (entry === source) throw dataCloneError('Transfer list contains source port');
      if (ports.isDetached(entry)) throw dataCloneError('MessagePort in transfer list is already detached');
      if (st.seen.has(entry)) throw dataCloneError('Transfer list contains duplicate MessagePort');
      addPort(st, entry);
    } else if (transferables.has(entry) &&
        (typeof entry[s.messaging_transfer_symbol] === 'function' || typeof entry[s.messaging_clone_symbol] === 'function')) {
      if (st.seen.has(entry)) throw dataCloneError(`Transfer list contains duplicate ${entry.constructor?.name}`);
      addTransferable(st, entry, nested);
    } else {
      throw coded(TypeError, 'ERR_INVALID_TRANSFER_OBJECT', 'Found invalid object in transferList');
    }
  }
  // what transferables hand over besides themselves ([kTransferList]()),
  // unchecked as in Node: a detached port there fails when the
  // transferable's data is cloned; a native handle (a FileHandle's) goes
  // as it is, within one isolate
  for (let i = 0; i < nested.length; i++) {
    const entry = nested[i];
    if (!isObject(entry) || st.seen.has(entry) || st.buffers.has(entry)) continue;
    if (P.util.classOf(entry) === 'ArrayBuffer') st.buffers.set(entry, null);
    else if (ports?.isPort(entry)) { if (!ports.isDetached(entry)) addPort(st, entry); }
    else if (transferables.has(entry)) addTransferable(st, entry, nested);
    else st.seen.set(entry, entry);
  }
  return st;
}

// A JSTransferable's { data, deserializeInfo }, its data cloned: the slot
// that makes it again on the receiving side.
function transferable(st, slot, made) {
  const { data, deserializeInfo } = made;
  const cloned = clone(data, st);
  slot.kind = 'host';
  slot.info = deserializeInfo;
  slot.dataClone = cloned;
  slot.make = () => {
    createObject ?? P.util.importSync('corojs:internal/node/builtins').requireNode('internal/worker/js_transferable').setup();
    const obj = createObject(deserializeInfo);
    obj[sym().messaging_deserialize_symbol](slot.data);
    return obj;
  };
  put(cloned, (v) => { slot.data = v; });
  st.hosts.push(slot);
  return slot;
}

function cloneHost(value, st) {
  const s = sym();
  if (ports?.isPort(value)) {
    if (ports.isDetached(value)) throw dataCloneError('Cannot transfer object of unsupported type.');
    throw coded(TypeError, 'ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST',
      'Object that needs transfer was found in message but not listed in transferList');
  }
  if (transferables.has(value)) {
    if (typeof value[s.messaging_clone_symbol] === 'function') {
      const slot = new Slot(null);
      st.seen.set(value, slot);
      return transferable(st, slot, value[s.messaging_clone_symbol]());
    }
    if (typeof value[s.messaging_transfer_symbol] === 'function')
      throw coded(TypeError, 'ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST',
        'Object that needs transfer was found in message but not listed in transferList');
    throw dataCloneError('Cannot transfer object of unsupported type.');
  }
  return undefined;
}

function detached() {
  return dataCloneError('An ArrayBuffer is detached and could not be cloned.');
}

function cloneBuffer(value, st) {
  if (M.isDetached(value)) throw detached();
  if (!st.buffers.has(value)) return st.remote ? value : value.slice(0); // the writer copies it
  let slot = st.buffers.get(value);
  if (slot === null) {
    slot = new Slot(() => M.transfer(value) ?? value.slice(0));
    slot.kind = 'buffer';
    slot.ab = value;
    st.buffers.set(value, slot);
    st.later.push(slot);
  }
  return slot;
}

// A view on a buffer: made at once, or later if its buffer is transferred.
function cloneView(Ctor, value, length, st) {
  const buffer = clone(value.buffer, st);
  const offset = value.byteOffset; // 0 once the buffer is moved away
  if (!(buffer instanceof Slot)) {
    if (st.remote && Ctor !== DataView) return value; // the writer copies it with its buffer
    return new Ctor(buffer, offset, length);
  }
  const slot = new Slot(() => new Ctor(slot.buffer, offset, length));
  Object.assign(slot, { kind: 'view', Ctor, offset, length, bufferSlot: buffer });
  buffer.uses.push((b) => { slot.buffer = b; });
  st.later.push(slot);
  return slot;
}

// A real error object of the class named (Error if none of the built-in
// ones), without the stack of where it is made here.
function newError(name) {
  const out = new (errorTypes[name] ?? Error)();
  delete out.stack;
  return out;
}

function cloneError(value, st) {
  const out = newError(value.name);
  st.seen.set(value, out);
  st.errors?.add(out);
  for (const key of ['message', 'stack', 'cause']) {
    if (Object.hasOwn(value, key)) {
      put(clone(value[key], st), (v) => {
        Object.defineProperty(out, key, { value: v, writable: true, configurable: true });
      });
    }
  }
  return out;
}

function cloneMap(value, st) {
  const out = new Map();
  st.seen.set(value, out);
  for (const [k, v] of value) {
    const entry = { key: clone(k, st) };
    const val = clone(v, st);
    out.set(entry.key, val);
    if (entry.key instanceof Slot) {
      entry.key.uses.push((real) => {
        const cur = out.get(entry.key);
        out.delete(entry.key);
        entry.key = real;
        out.set(real, cur);
      });
    }
    if (val instanceof Slot) val.uses.push((real) => { out.set(entry.key, real); });
  }
  return out;
}

// (a Set member made later moves to the end of the Set)
function cloneSet(value, st) {
  const out = new Set();
  st.seen.set(value, out);
  for (const v of value) {
    const c = clone(v, st);
    out.add(c);
    if (c instanceof Slot) c.uses.push((real) => { out.delete(c); out.add(real); });
  }
  return out;
}

function clone(value, st) {
  if (typeof value === 'symbol' || typeof value === 'function') throw cannotClone(value);
  if (typeof value !== 'object' || value === null) return value;
  if (st.seen.has(value)) return st.seen.get(value);
  const host = cloneHost(value, st);
  if (host !== undefined) return host;
  const kind = P.util.classOf(value);
  let out;
  switch (kind) {
    case 'Date': out = new Date(value.getTime()); break;
    case 'RegExp': out = new RegExp(value.source, value.flags); break;
    case 'Boolean': case 'Number': case 'String': case 'BigInt':
      out = Object(value.valueOf()); break;
    case 'ArrayBuffer': out = cloneBuffer(value, st); break;
    // shared memory stays shared: within one isolate, the same object
    case 'SharedArrayBuffer': out = value; break;
    case 'DataView': out = cloneView(DataView, value, value.byteLength, st); break;
    case 'Map': return cloneMap(value, st);
    case 'Set': return cloneSet(value, st);
    case 'Error': return cloneError(value, st);
    case 'Array': out = new Array(value.length); break;
    case 'Object': out = {}; break;
    default:
      // a typed array: the engine's class is its kind (Uint8Array, ...), so
      // a Buffer comes back a Uint8Array, as in Node
      if (!ArrayBuffer.isView(value)) throw cannotClone(value);
      out = cloneView(globalThis[kind], value, value.length, st);
  }
  st.seen.set(value, out);
  if (kind === 'Array' || kind === 'Object') {
    for (const key of Object.keys(value)) {
      const v = clone(value[key], st);
      out[key] = v;
      if (v instanceof Slot) v.uses.push((real) => { out[key] = real; });
    }
  }
  return out;
}

// value and its transfer list -> a message, or throws (DataCloneError,
// ERR_INVALID_TRANSFER_OBJECT, ...) with nothing transferred. `source` is
// the posting port (it cannot be in its own transfer list).
export function serialize(value, list, source) {
  const st = startClone(list, source);
  const s = sym();
  const root = {};
  put(clone(value, st), (v) => { root.value = v; });
  for (const [entry, slot] of st.transfers) {
    const method = entry[s.messaging_transfer_symbol] ?? entry[s.messaging_clone_symbol];
    transferable(st, slot, method.call(entry));
  }
  // the clone is done: what the transfer list names moves now
  for (const [ab, slot] of st.buffers) {
    if (slot === null) M.transfer(ab);
  }
  for (const slot of st.later) fill(slot);
  for (const slot of st.ports) slot.state = ports.detach(slot.port);
  return { root, hosts: st.hosts, ports: st.ports };
}

// The same to another isolate -> { payload, buffers, ends } for
// __primordials.messaging.post (the buffers moved there, the ports' channel
// ends carried; transferred ports close here), or throws with nothing moved.
export function serializeRemote(value, list, source) {
  const st = startClone(list, source);
  st.remote = true;
  st.errors = new WeakSet();
  const s = sym();
  const root = clone(value, st);
  for (const [entry, slot] of st.transfers) {
    const method = entry[s.messaging_transfer_symbol] ?? entry[s.messaging_clone_symbol];
    transferable(st, slot, method.call(entry));
  }
  const buffers = [...st.buffers.keys()];
  const meta = [];
  const holders = new Map();
  const seen = new Set();
  const holder = (key, entry) => {
    const h = {};
    holders.set(key, h);
    meta.push([h, ...entry(h)]);
    return h;
  };
  function encode(v) {
    if (typeof v !== 'object' || v === null) return v;
    if (holders.has(v)) return holders.get(v);
    if (v instanceof Slot) {
      switch (v.kind) {
        case 'buffer': return holder(v, () => ['ab', buffers.indexOf(v.ab)]);
        case 'view': return holder(v, () => ['view', v.Ctor.name, v.offset, v.length, encode(v.bufferSlot)]);
        case 'port': return holder(v, () => ['port', st.ports.indexOf(v)]);
        default: return holder(v, () => ['host', v.info, encode(v.dataClone)]);
      }
    }
    if (st.errors.has(v)) {
      const fields = {};
      for (const key of ['message', 'stack', 'cause']) if (Object.hasOwn(v, key)) fields[key] = v[key];
      return holder(v, () => ['error', Object.getPrototypeOf(v).name, encode(fields)]);
    }
    switch (P.util.classOf(v)) {
      case 'Map': return holder(v, () => ['map', [...v].map(([k, x]) => [encode(k), encode(x)])]);
      case 'Set': return holder(v, () => ['set', [...v].map(encode)]);
      case 'RegExp': return holder(v, () => ['regexp', v.source, v.flags]);
      case 'DataView': return holder(v, () => ['dataview', encode(v.buffer), v.byteOffset, v.byteLength]);
      case 'Array': case 'Object':
        if (!seen.has(v)) {
          seen.add(v);
          for (const key of Object.keys(v)) v[key] = encode(v[key]);
        }
        return v;
      default: return v; // Date, boxed primitives, buffers and views: the writer's
    }
  }
  const payload = [encode(root), meta];
  const ends = st.ports.map((slot) => ports.toEnd(slot.port));
  return { payload, buffers, ends };
}

// What messaging.post delivered ([payload, buffers, endIds]) -> { value,
// ports }: the placeholders swapped back, the ports made on their ends. A
// failure here (a JSTransferable whose class is not here) is the
// receiver's 'messageerror'; the ends not made into ports are closed.
export function deserializeRemote([[root, meta], buffers, endIds]) {
  const pending = new Map(meta.map((m) => [m[0], m]));
  const made = new Map();
  const madePorts = [];
  const seen = new Set();
  try {
    for (const id of endIds) madePorts.push(ports.attachEnd(id));
  } catch (e) {
    for (let i = madePorts.length; i < endIds.length; i++) M.dropEnd(endIds[i]);
    throw e;
  }
  function get(v) {
    if (typeof v !== 'object' || v === null) return v;
    if (pending.has(v)) return revive(v);
    if (!seen.has(v) && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype)) {
      seen.add(v);
      for (const key of Object.keys(v)) v[key] = get(v[key]);
    }
    return v;
  }
  function revive(h) {
    if (made.has(h)) return made.get(h);
    const [, kind, a, b, c, d] = pending.get(h);
    let out;
    switch (kind) {
      case 'map':
        made.set(h, out = new Map());
        for (const [k, x] of a) out.set(get(k), get(x));
        return out;
      case 'set':
        made.set(h, out = new Set());
        for (const x of a) out.add(get(x));
        return out;
      case 'error': {
        out = newError(a);
        made.set(h, out);
        const fields = get(b);
        for (const key of Object.keys(fields))
          Object.defineProperty(out, key, { value: fields[key], writable: true, configurable: true });
        return out;
      }
      case 'host': {
        createObject ?? P.util.importSync('corojs:internal/node/builtins').requireNode('internal/worker/js_transferable').setup();
        out = createObject(a);
        made.set(h, out);
        out[sym().messaging_deserialize_symbol](get(b));
        return out;
      }
      case 'regexp': out = new RegExp(a, b); break;
      case 'ab': out = buffers[a]; break;
      case 'view': out = new globalThis[a](get(d), b, c); break;
      case 'dataview': out = new DataView(get(a), b, c); break;
      default: out = madePorts[a]; // 'port'
    }
    made.set(h, out);
    return out;
  }
  return { value: get(root), ports: madePorts };
}

// A message -> { value, ports }: its transferred ports and transferables
// made anew. A failure here is the receiver's 'messageerror'.
export function deserialize(msg) {
  const made = new Map();
  try {
    for (const slot of msg.ports) made.set(slot, fill(slot));
    for (let i = msg.hosts.length - 1; i >= 0; i--) {
      if (!made.has(msg.hosts[i])) made.set(msg.hosts[i], fill(msg.hosts[i]));
    }
  } catch (e) {
    discard(msg, made);
    throw e;
  }
  return { value: msg.root.value, ports: msg.ports.map((slot) => made.get(slot)) };
}

// A message that will not be received: the ports it carries are closed,
// so their other ends hear of it, as Node's.
export function discard(msg, made = new Map()) {
  for (const slot of msg.ports) if (!made.has(slot)) ports.discard(slot.state);
}

export function structuredClone(value, options) {
  if (arguments.length === 0)
    throw coded(TypeError, 'ERR_MISSING_ARGS', 'The value argument must be specified');
  let list = [];
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' && typeof options !== 'function')
      throw coded(TypeError, 'ERR_INVALID_ARG_TYPE', 'The options argument must be either an object or undefined');
    list = transferList(options.transfer);
  }
  return deserialize(serialize(value, list, undefined)).value;
}

export default structuredClone;
