// internalBinding('signal_wrap'): Node's Signal handle over a signal watcher
// of ours (__primordials.signal, src/prim/signal.c: a uv_signal_t; each
// delivery calls onsignal(signum) in a fiber of its own). As a libuv handle,
// a started Signal keeps the program alive until unref(); watching a signal
// replaces its default action until the last watcher stops. process.on('SIGINT')
// sits on the same watchers (lib/process.js).
import P from 'corojs:internal/primordials';
import uv from 'corojs:internal/node/bindings/uv';

const G = P.signal;
let names;
const signalName = (signum) => {
  names ??= new Map(Object.entries(P.os.constants().signals).map(([name, n]) => [n, name]));
  return names.get(signum);
};

class Signal {
  #id = null;
  #ref = true;
  #closed = false;

  constructor() {
    this.onsignal = null;
  }

  // start(signum) -> 0 or a uv error (EINVAL for a signal that cannot be
  // watched: SIGKILL, SIGSTOP, SIGSEGV, ...).
  start(signum) {
    if (!Signal.#is(this)) throw new TypeError('Illegal invocation');
    if (this.#closed) return uv.UV_EBADF;
    this.stop();
    const name = signalName(signum);
    if (name === undefined) return uv.UV_EINVAL;
    try {
      this.#id = G.watch(name, (n) => this.onsignal?.(n));
    } catch (e) {
      if (e instanceof RangeError) return uv.UV_EINVAL;
      throw e;
    }
    if (this.#ref) G.ref(this.#id, true);
    return 0;
  }

  stop() {
    if (!Signal.#is(this)) throw new TypeError('Illegal invocation');
    if (this.#id !== null) G.unwatch(this.#id);
    this.#id = null;
    return 0;
  }

  close(cb) {
    if (this.#closed) return;
    this.stop();
    this.#closed = true;
    if (typeof cb === 'function') queueMicrotask(cb);
  }

  ref() {
    this.#ref = true;
    if (this.#id !== null) G.ref(this.#id, true);
  }

  unref() {
    this.#ref = false;
    if (this.#id !== null) G.ref(this.#id, false);
  }

  hasRef() {
    return this.#ref && this.#id !== null;
  }

  getAsyncId() { return -1; }

  static #is(o) {
    return o !== null && typeof o === 'object' && #id in o;
  }
}

export default { Signal };
