// internalBinding('messaging'): MessagePort, MessageChannel, BroadcastChannel's
// handle, receiveMessageOnPort, structuredClone and DOMException, as Node's
// src/node_messaging.cc gives them to its JS (internal/worker/io.js puts
// NodeEventTarget under MessagePort.prototype, MessageEvent and the 'message'
// listeners that start and ref a port).
//
// Within one isolate. A port's state is a PortData (its queue, the other end
// of its channel or its BroadcastChannel group), which moves to a new
// MessagePort when the port is transferred. postMessage clones the value at
// once (lib/node/structured_clone.js: errors thrown there, nothing detached
// then) and queues it on the other end; the other end's wake-up
// (__primordials.messaging, a uv_async_t as Node's) delivers its queue on a
// later turn of the loop, in order, each message a 'message' event (or
// 'messageerror' if it cannot be made again there). A port keeps the program
// alive while ref'd (a 'message' listener refs it, as in Node) or while its
// close is under way, so 'close' reaches both ends.
//
// Across isolates (worker_threads): a PortData whose other end is in
// another isolate is `remote`: its channel end lives in C
// (src/prim/messaging.c), bound to the port's wake-up; postMessage writes
// the clone to bytes there (serializeRemote) and the other isolate's port
// is woken; drain() reads what came (after what was queued locally before
// the port's channel crossed). A local channel becomes a C one the first
// time one of its ports is sent to another isolate.
import P from 'corojs:internal/primordials';
import { domException, internalBinding, primordials, requireNode } from 'corojs:internal/node/builtins';
import { ERR_NOT_IMPLEMENTED } from 'corojs:internal/node/unimplemented';
import {
  serialize, deserialize, discard, transferList, structuredClone, setPortHooks, JSTransferable,
  setDeserializerCreateObjectFunction, serializeRemote, deserializeRemote,
} from 'corojs:internal/node/structured_clone';

const M = P.messaging;
const symbols = internalBinding('symbols');
const kCreate = Symbol('kCreate');
const CLOSE = Symbol('close'); // queued when the other end closed: the last message

function coded(Kind, code, message) {
  const e = new Kind(message);
  e.code = code;
  return e;
}

// A FIFO whose shift() is O(1) (an array's is O(n): a queue of 100,000
// messages read one by one would be quadratic).
class Fifo {
  constructor() {
    this.items = [];
    this.head = 0;
  }

  get size() { return this.items.length - this.head; }

  peek() { return this.items[this.head]; }

  push(v) { this.items.push(v); }

  shift() {
    const v = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length || (this.head >= 1024 && this.head * 2 >= this.items.length)) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }

  // everything, the queue then empty
  takeAll() {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}

// One end of a channel; it outlives the MessagePort that owns it when the
// port is transferred (a new MessagePort owns it on the receiving side).
class PortData {
  constructor() {
    this.peer = null;  // the other end's PortData, or null
    this.group = null; // a BroadcastChannel's Set of PortData, or null
    this.queue = new Fifo(); // messages not yet received, maybe CLOSE last
    this.owner = null; // the MessagePort it belongs to now
    this.remote = false; // its other end is in another isolate (a channel end in C)
    this.end = undefined; // that end's PortEnd id while no port holds it
  }
}

// MessagePort -> { data, signal, receiving, refed, closing, closed }
const states = new WeakMap();

let emitMessage;
function emit(port, data, ports, type) {
  if (!emitMessage) {
    const exports = {};
    P.util.nodeScript('internal/per_context/messageport')(exports, primordials(), {}, {});
    emitMessage = exports.emitMessage;
  }
  emitMessage.call(port, data, ports, type);
}

function stateOf(port) {
  const st = states.get(port);
  if (!st) throw coded(TypeError, 'ERR_INVALID_THIS', `Value of "this" must be of type MessagePort`);
  return st;
}

function updateRef(st) {
  const closeReady = st.data !== null && st.data.queue.peek() === CLOSE;
  if (!st.closed && (st.refed || st.closing || closeReady)) M.ref(st.signal);
  else M.unref(st.signal);
}

function enqueue(data, msg) {
  data.queue.push(msg);
  const st = data.owner && states.get(data.owner);
  if (!st) return;
  if (msg === CLOSE) updateRef(st);
  M.notify(st.signal);
}

// Leave the channel or group: the other end hears CLOSE.
function disentangle(data) {
  if (data.group) {
    data.group.delete(data);
    data.group = null;
  }
  const peer = data.peer;
  data.peer = null;
  if (peer) {
    peer.peer = null;
    enqueue(peer, CLOSE);
  }
}

// Drop what was queued: the ports those messages carried are closed.
function dropQueue(data) {
  data.owner = null;
  for (const msg of data.queue.takeAll()) if (msg !== CLOSE) discard(msg);
}

// close(): the port's 'close' event comes on a later turn (as Node's handle
// close callback), its channel's other end closes too. A drain under way
// still delivers what is queued, as Node's.
function closePort(port) {
  const st = states.get(port);
  if (st.closing) return;
  st.closing = true;
  if (st.data) disentangle(st.data);
  updateRef(st);
  M.notify(st.signal);
}

function finishClose(port, st) {
  st.closed = true;
  if (st.data) dropQueue(st.data);
  st.data = null;
  M.close(st.signal);
  asyncHooks?.emitDestroy(st.asyncId);
  const onclose = port[symbols.handle_onclose];
  if (typeof onclose === 'function') onclose.call(port);
}

// The port's wake-up: deliver what is queued (force: even if not started,
// as drainMessagePort). Node's bound: the messages there when it started,
// at least 1000; the rest on the next turn, so others get to run.
function drain(port, force) {
  const st = states.get(port);
  if (st.closing) {
    if (!st.closed) finishClose(port, st);
    return;
  }
  const data = st.data;
  let budget = data ? Math.max(data.queue.size, 1000) : 0;
  while (data !== null && st.data === data && data.queue.size > 0) {
    if (!st.receiving && !force && data.queue.peek() !== CLOSE) break;
    if (budget-- === 0) {
      M.notify(st.signal);
      return;
    }
    const msg = data.queue.shift();
    if (msg === CLOSE) {
      closePort(port);
      return;
    }
    deliver(port, msg);
  }
  if (data !== null && data.remote && st.data === data && data.queue.size === 0)
    drainRemote(port, st, data, force, budget);
}

// What came from another isolate, in order; the end's close once all is read.
function drainRemote(port, st, data, force, budget) {
  budget = Math.max(budget, M.queued(st.signal));
  while (st.data === data && !st.closing) {
    if (M.queued(st.signal) > 0) {
      if (!st.receiving && !force) return;
      if (budget-- <= 0) {
        M.notify(st.signal);
        return;
      }
    }
    let received;
    try {
      received = receiveRemote(st);
    } catch (err) {
      emit(port, err, undefined, 'messageerror');
      continue;
    }
    if (received === undefined) return;
    if (received === null) {
      closePort(port);
      return;
    }
    emit(port, received.value, received.ports, 'message');
  }
}

// The next message from the other isolate: { value, ports }, undefined if
// none is there, null once the other end has closed.
function receiveRemote(st) {
  const r = M.receive(st.signal);
  return r === undefined || r === null ? r : deserializeRemote(r);
}

function deliver(port, msg) {
  let received;
  try {
    received = deserialize(msg);
  } catch (err) {
    emit(port, err, undefined, 'messageerror');
    return;
  }
  emit(port, received.value, received.ports, 'message');
}

// async_hooks sees a port as Node's resource 'MESSAGEPORT', made before
// Node's JS sets it up (oninit).
let asyncHooks = null;
function emitInit(port, st) {
  asyncHooks ??= requireNode('internal/async_hooks');
  st.asyncId = asyncHooks.newAsyncId();
  if (asyncHooks.initHooksExist())
    asyncHooks.emitInit(st.asyncId, 'MESSAGEPORT', asyncHooks.getDefaultTriggerAsyncId(), port);
}

// Node's MessagePort: made only by MessageChannel, a transfer or
// BroadcastChannel (`new MessagePort()` throws, as Node's). A function, not
// a class, so that calling it without `new` throws the same error.
function MessagePort(token, data) {
  if (token !== kCreate || !new.target)
    throw coded(TypeError, 'ERR_CONSTRUCT_CALL_INVALID', 'Constructor cannot be called');
  const st = { data, signal: M.signal(() => drain(this, false)), receiving: false, refed: false,
    closing: false, closed: false, asyncId: 0 };
  states.set(this, st);
  data.owner = this;
  if (data.end !== undefined) {
    M.bind(st.signal, data.end);
    data.end = undefined;
  }
  emitInit(this, st);
  const init = this[symbols.oninit];
  if (typeof init === 'function') init.call(this);
  if (data.queue.size > 0) { // a transferred port brings its queue along
    updateRef(st);
    M.notify(st.signal);
  }
}

const portMethods = {
  postMessage(value, transfer) {
    const st = stateOf(this);
    if (arguments.length === 0)
      throw coded(TypeError, 'ERR_MISSING_ARGS', 'Not enough arguments to MessagePort.postMessage');
    const data0 = st.closing ? null : st.data;
    if (data0?.remote && !data0.group) {
      const { payload, buffers, ends } = serializeRemote(value, transferList(transfer), this);
      return M.post(st.signal, payload, buffers, ends) || undefined;
    }
    const msg = serialize(value, transferList(transfer), this);
    const data = st.closing ? null : st.data;
    if (data?.group) return broadcast(data, value, msg);
    const peer = data?.peer;
    if (!peer) {
      discard(msg); // a closed port still checks and detaches, as Node's
      return undefined;
    }
    if (msg.ports.some((slot) => slot.state === peer)) {
      discard(msg);
      process.emitWarning('The target port was posted to itself, and the communication channel was lost');
      return true;
    }
    enqueue(peer, msg);
    return true;
  },

  start() {
    const st = stateOf(this);
    if (st.closing || !st.data) return;
    st.receiving = true;
    M.notify(st.signal);
  },

  close() {
    stateOf(this);
    closePort(this);
  },

  ref() {
    const st = stateOf(this);
    st.refed = true;
    updateRef(st);
  },

  unref() {
    const st = stateOf(this);
    st.refed = false;
    updateRef(st);
  },

  // undefined once closed (Node's handle is gone then)
  hasRef() {
    const st = stateOf(this);
    return st.closed ? undefined : M.hasRef(st.signal);
  },
};
for (const [name, fn] of Object.entries(portMethods))
  Object.defineProperty(MessagePort.prototype, name, { value: fn, writable: true, configurable: true });

setPortHooks({
  isPort: (v) => states.has(v),
  isDetached: (port) => {
    const st = states.get(port);
    return st.closing || st.data === null;
  },
  // a transferred port closes here (its 'close' event fires) and its
  // PortData goes with the message
  detach(port) {
    const st = states.get(port);
    const data = st.data;
    if (data.remote) data.end = M.unbind(st.signal);
    st.data = null;
    data.owner = null;
    closePort(port);
    return data;
  },
  attach: (data) => new MessagePort(kCreate, data),
  discard(data) {
    disentangle(data);
    dropQueue(data);
    if (data.end !== undefined) M.dropEnd(data.end);
    data.end = undefined;
  },
  // a port sent to another isolate: its channel end (a PortEnd id), the
  // port closed here
  toEnd(port) {
    const st = states.get(port);
    const data = st.data;
    const end = data.remote ? M.unbind(st.signal) : crossChannel(data);
    st.data = null;
    data.owner = null;
    closePort(port);
    return end;
  },
  // a port that came from another isolate, on the channel end `id`
  attachEnd(id) {
    const data = new PortData();
    data.remote = true;
    data.end = id;
    return new MessagePort(kCreate, data);
  },
});

// A local channel one of whose ports (data's) goes to another isolate
// becomes a channel in C: data's peer keeps one end, the other goes, and
// what was queued for data goes first on it. -> the end that goes.
function crossChannel(data) {
  const [mine, theirs] = M.pair();
  const peer = data.peer;
  data.peer = null;
  if (!peer) {
    M.dropEnd(mine); // already closed: the other side hears so
    dropQueue(data);
    return theirs;
  }
  peer.peer = null;
  peer.remote = true;
  const peerSt = peer.owner && states.get(peer.owner);
  if (!peerSt) {
    peer.end = mine; // the peer is itself in a message: bound when it lands
    dropQueue(data);
    return theirs;
  }
  M.bind(peerSt.signal, mine);
  for (const msg of data.queue.takeAll()) {
    if (msg === CLOSE) continue;
    const { value, ports } = deserialize(msg);
    const out = serializeRemote(value, ports, undefined);
    M.post(peerSt.signal, out.payload, out.buffers, out.ends);
  }
  return theirs;
}

function MessageChannel() {
  if (!new.target) throw coded(TypeError, 'ERR_CONSTRUCT_CALL_REQUIRED', 'Cannot call constructor without `new`');
  const a = new PortData();
  const b = new PortData();
  a.peer = b;
  b.peer = a;
  this.port1 = new MessagePort(kCreate, a);
  this.port2 = new MessagePort(kCreate, b);
}

// BroadcastChannel(name)'s handle: a MessagePort in the group of that name;
// what it posts goes to every other member, each receiving its own clone;
// the members in other isolates (workers) get it through C (each its copy
// of the bytes).
const groups = new Map();

function broadcastChannel(name) {
  let group = groups.get(name);
  if (!group) groups.set(name, group = new Set());
  const data = new PortData();
  data.group = group;
  data.remote = true; // what other isolates' channels of the name post comes in C
  group.add(data);
  const port = new MessagePort(kCreate, data);
  M.joinBroadcast(states.get(port).signal, String(name));
  return port;
}

function broadcast(data, value, msg) {
  const signal = states.get(data.owner).signal;
  if (M.broadcasting(signal)) M.broadcast(signal, serializeRemote(value, [], undefined).payload);
  let first = true;
  for (const other of data.group) {
    if (other === data) continue;
    enqueue(other, first ? msg : serialize(value, [], undefined));
    first = false;
  }
  if (first) discard(msg);
  return true;
}

function receiveMessageOnPort(port) {
  const st = states.get(port);
  if (!st)
    throw coded(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "port" argument must be a MessagePort instance');
  const data = st.closing ? null : st.data;
  if (data?.remote && data.queue.size === 0) {
    const received = receiveRemote(st);
    if (received === undefined) return symbols.no_message_symbol;
    if (received === null) {
      closePort(port);
      return symbols.no_message_symbol;
    }
    return received.value;
  }
  if (!data || data.queue.size === 0) return symbols.no_message_symbol;
  const msg = data.queue.shift();
  if (msg === CLOSE) {
    closePort(port);
    return symbols.no_message_symbol;
  }
  return deserialize(msg).value;
}

export default {
  get DOMException() { return domException(); },
  setDeserializerCreateObjectFunction,
  JSTransferable,
  MessagePort,
  MessageChannel,
  broadcastChannel,
  structuredClone,
  drainMessagePort(port) {
    if (states.has(port)) drain(port, true);
  },
  moveMessagePortToContext(port) {
    const st = states.get(port);
    if (!st) throw coded(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "port" argument must be a MessagePort instance');
    if (st.closing || !st.data) throw coded(Error, 'ERR_CLOSED_MESSAGE_PORT', 'Cannot send data on closed MessagePort');
    throw ERR_NOT_IMPLEMENTED('moveMessagePortToContext() (node:vm contexts)');
  },
  receiveMessageOnPort,
  stopMessagePort(port) {
    const st = states.get(port);
    if (st) st.receiving = false;
  },
  checkMessagePort: (v) => states.has(v),
};

// A MessagePort on a channel end from C (a worker's port to its parent).
export function portOnEnd(id) {
  const data = new PortData();
  data.remote = true;
  data.end = id;
  return new MessagePort(kCreate, data);
}
