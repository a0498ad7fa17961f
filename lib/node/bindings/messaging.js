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
// Across isolates (worker_threads, issue 11): the same PortData with a peer
// in another isolate -- the message serialized to bytes, the queue behind a
// mutex in C, the receiving port woken by uv_async_send from the sender's
// thread, which is what the wake-up already is.
import P from 'corojs:internal/primordials';
import { domException, internalBinding, primordials, requireNode } from 'corojs:internal/node/builtins';
import { ERR_NOT_IMPLEMENTED } from 'corojs:internal/node/unimplemented';
import {
  serialize, deserialize, discard, transferList, structuredClone, setPortHooks, JSTransferable,
  setDeserializerCreateObjectFunction,
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
    st.data = null;
    data.owner = null;
    closePort(port);
    return data;
  },
  attach: (data) => new MessagePort(kCreate, data),
  discard(data) {
    disentangle(data);
    dropQueue(data);
  },
});

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
// what it posts goes to every other member, each receiving its own clone.
const groups = new Map();

function broadcastChannel(name) {
  let group = groups.get(name);
  if (!group) groups.set(name, group = new Set());
  const data = new PortData();
  data.group = group;
  group.add(data);
  return new MessagePort(kCreate, data);
}

function broadcast(data, value, msg) {
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
