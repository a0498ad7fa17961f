// corojs:timers: setTimeout, setInterval, setImmediate, queueMicrotask.
// Each callback runs in a fiber of its own, so it may block. A timer keeps
// running when its Timeout object is dropped, as in Node; only clearing it
// (or unref() and the end of the program) stops it.

import P from 'corojs:internal/primordials';
import { ERR_ILLEGAL_CONSTRUCTOR } from 'corojs:internal/errors';

const T = P.timers;
const TIMEOUT_MAX = 2 ** 31 - 1;
const kToken = Symbol('Timeout');

export class Timeout {
  #id;

  constructor(token, callback, delay, repeat, args) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Timeout objects are made by setTimeout()');
    this.#id = T.start(callback, delay, repeat, args);
  }

  ref() { T.ref(this.#id); return this; }
  unref() { T.unref(this.#id); return this; }
  hasRef() { return T.hasRef(this.#id); }
  refresh() { T.refresh(this.#id); return this; }
  close() { T.stop(this.#id); return this; }

  static clear(t) {
    if (t instanceof Timeout) t.close();
  }
}

// As in Node: anything but a delay from 1 ms to TIMEOUT_MAX means 1 ms.
function delayOf(delay) {
  delay = Number(delay);
  return delay >= 1 && delay <= TIMEOUT_MAX ? Math.trunc(delay) : 1;
}

export function setTimeout(callback, delay, ...args) {
  return new Timeout(kToken, callback, delayOf(delay), false, args);
}

export function setInterval(callback, delay, ...args) {
  return new Timeout(kToken, callback, delayOf(delay), true, args);
}

export function setImmediate(callback, ...args) {
  return new Timeout(kToken, callback, 0, false, args);
}

export function clearTimeout(t) { Timeout.clear(t); }
export const clearInterval = clearTimeout;
export const clearImmediate = clearTimeout;

export function queueMicrotask(callback) {
  T.queueMicrotask(callback);
}

export default {
  setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate, queueMicrotask,
};
