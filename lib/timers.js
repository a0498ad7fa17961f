// corojs:timers: setTimeout, setInterval, setImmediate, queueMicrotask.
// Each callback runs in a fiber of its own, so it may block. A timer keeps
// running when its object is dropped, as in Node; only clearing it (or
// unref() and the end of the program) stops it.
//
// Timeout and Immediate objects have Node's shape, because Node code and
// packages use it: the callback's `this` is the object; the fields Node's
// own code reads and writes (_onTimeout, _timerArgs, _repeat, _idleTimeout,
// _destroyed; _onImmediate, _argv) mean what they mean there, read when the
// timer fires; [Symbol.toPrimitive]() gives a number clearTimeout accepts;
// [Symbol.dispose]() clears. Underneath, each running timer is one CoroJS
// timer (__primordials.timers, a libuv timer) whose ID the object keeps.

import P from 'corojs:internal/primordials';
import { ERR_ILLEGAL_CONSTRUCTOR } from 'corojs:internal/errors';
import { validateFunction } from 'corojs:internal/validators';

const T = P.timers;
const TIMEOUT_MAX = 2 ** 31 - 1;
const kToken = Symbol('Timeout');
const NO_ARGS = Object.freeze([]);
const timersById = new Map(); // the numbers [Symbol.toPrimitive]() gave out
let lastId = 0;
// Symbol.dispose as lib/internal/bootstrap.js defines it, which runs after this module.
const SymbolDispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

// What Timeout and Immediate share: the running CoroJS timer (its ID, null
// when none runs), whether it holds the program, and the async context it
// was set in, which its callback runs in (AsyncLocalStorage, as in Node).
// The rest of the module reaches them through the functions the static
// block sets.
let runningId, run, stop, forget, enterContext;

class Timer {
  #id = null;
  #refed = true;
  #context = P.util.asyncContext();

  static {
    runningId = (timer) => timer.#id;
    enterContext = (timer) => P.util.setAsyncContext(timer.#context);
    run = (timer, id) => {
      timer.#id = id;
      if (!timer.#refed) T.unref(id);
    };
    stop = (timer) => {
      if (timer.#id !== null) T.stop(timer.#id);
      timer.#id = null;
    };
    forget = (timer) => { timer.#id = null; }; // its CoroJS timer fired for the last time: the ID is dead

  }

  ref() {
    if (#refed in this) { // on another object: nothing, as Node's
      this.#refed = true;
      if (this.#id !== null) T.ref(this.#id);
    }
    return this;
  }

  unref() {
    if (#refed in this) {
      this.#refed = false;
      if (this.#id !== null) T.unref(this.#id);
    }
    return this;
  }

  hasRef() { return this.#refed; }
}

export class Timeout extends Timer {
  #number = 0; // from [Symbol.toPrimitive](), 0 until asked for

  constructor(token, callback, after, repeat, args) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Timeout objects are made by setTimeout()');
    super();
    this._idleTimeout = after;
    this._onTimeout = callback;
    this._timerArgs = args;
    this._repeat = repeat ? after : null;
    this._destroyed = false;
    this.#start(after, repeat);
  }

  #start(after, repeat) {
    run(this, T.start(Timeout.#fire, after, repeat, NO_ARGS, this));
    this._destroyed = false;
  }

  #stop() {
    stop(this);
    this._destroyed = true;
    if (this.#number) timersById.delete(this.#number);
  }

  // The CoroJS timer's callback, in a fiber of its own; `this` is the
  // Timeout. An interval's CoroJS timer keeps its schedule by itself; a
  // timeout's is over once it fires, unless the callback refreshes it or
  // turns it into an interval (sets _repeat), as Node's code does.
  static #fire() {
    enterContext(this);
    const callback = this._onTimeout;
    if (typeof callback !== 'function') return this.#stop();
    if (this._repeat === null) forget(this);
    try {
      Reflect.apply(callback, this, this._timerArgs);
    } finally {
      if (this._idleTimeout === -1) this.#stop(); // unenrolled (Node's timers.unenroll)
      else if (runningId(this) === null && this._repeat) this.#start(this._repeat, true);
      else if (runningId(this) === null) this.#stop();
    }
  }

  // Restart the countdown; a timeout that fired runs again (Node's refresh).
  refresh() {
    if (this._idleTimeout === -1) return this; // cleared
    if (runningId(this) !== null) T.refresh(runningId(this));
    else this.#start(this._idleTimeout, this._repeat !== null);
    return this;
  }

  close() {
    this._onTimeout = null;
    this._idleTimeout = -1;
    this.#stop();
    return this;
  }

  [Symbol.toPrimitive]() {
    if (!this.#number) {
      this.#number = ++lastId;
      if (!this._destroyed) timersById.set(this.#number, this);
    }
    return this.#number;
  }

  [SymbolDispose]() { this.close(); }
}

export class Immediate extends Timer {
  constructor(token, callback, args) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Immediate objects are made by setImmediate()');
    super();
    this._onImmediate = callback;
    this._argv = args;
    this._destroyed = false;
    run(this, T.immediate(Immediate.#fire, NO_ARGS, this));
  }

  static #fire() {
    enterContext(this);
    forget(this);
    this._destroyed = true;
    Reflect.apply(this._onImmediate, this, this._argv);
  }

  [SymbolDispose]() { clearImmediate(this); }
}

// As in Node: anything but a delay from 1 ms to TIMEOUT_MAX means 1 ms, and
// one too long says so with a TimeoutOverflowWarning.
function delayOf(after) {
  after *= 1;
  if (after >= 1 && after <= TIMEOUT_MAX) return Math.trunc(after);
  if (after > TIMEOUT_MAX) {
    globalThis.process.emitWarning(`${after} does not fit into a 32-bit signed integer.` +
                                   '\nTimeout duration was set to 1.', 'TimeoutOverflowWarning');
  }
  return 1;
}

export function setTimeout(callback, delay, ...args) {
  validateFunction(callback, 'callback');
  return new Timeout(kToken, callback, delayOf(delay), false, args);
}

export function setInterval(callback, delay, ...args) {
  validateFunction(callback, 'callback');
  return new Timeout(kToken, callback, delayOf(delay), true, args);
}

export function setImmediate(callback, ...args) {
  validateFunction(callback, 'callback');
  return new Immediate(kToken, callback, args);
}

// Timeouts and Immediates of Node's own timers module (its lists, under
// timers/promises) are cleared by it: lib/node/builtins.js hands over its
// clear functions when it loads that module.
let nodeTimers = null;
export function adoptNodeTimers(clearers) { nodeTimers = clearers; }

// A Timeout, or the number (or its string) it gave; anything else is ignored.
export function clearTimeout(timer) {
  if (timer instanceof Timeout) timer.close();
  else if (typeof timer === 'number' || typeof timer === 'string') timersById.get(+timer)?.close();
  else if (nodeTimers && timer?._onTimeout) nodeTimers.clearTimeout(timer);
}

export const clearInterval = clearTimeout;

export function clearImmediate(immediate) {
  if (immediate instanceof Immediate) {
    stop(immediate);
    immediate._destroyed = true;
  } else if (nodeTimers && immediate?._onImmediate) nodeTimers.clearImmediate(immediate);
}

// util.promisify(setTimeout) and util.promisify(setImmediate) give Node's
// timers/promises functions, as in Node (loaded when asked for).
for (const [fn, name] of [[setTimeout, 'setTimeout'], [setImmediate, 'setImmediate']]) {
  Object.defineProperty(fn, Symbol.for('nodejs.util.promisify.custom'), {
    get() {
      const { requireNode } = P.util.importSync('corojs:internal/node/builtins');
      return requireNode('timers/promises')[name];
    },
  });
}

export function queueMicrotask(callback) {
  T.queueMicrotask(callback);
}

export default {
  setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate, queueMicrotask,
};
