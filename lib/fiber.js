// corojs:fiber: Fiber, the stackful coroutines every piece of JS runs on.
//
//   const f = Fiber.run(fn, ...args)  start fn now in a new fiber
//   f.join()                          wait for it; its result, or its exception rethrown
//   f.done                            whether it has ended
//   Fiber.current                     the running fiber
//   Fiber.sleep(ms), Fiber.yield()    block this fiber only
//   Fiber.await(promise)              block this fiber until the promise settles
//   Fiber.exclusive(fn, ...args)      fn(...args), nothing else of this isolate running meanwhile

import P from 'corojs:internal/primordials';
import { ERR_ILLEGAL_CONSTRUCTOR } from 'corojs:internal/errors';
import { validateFunction } from 'corojs:internal/validators';

const F = P.fiber;
const kToken = Symbol('Fiber');
// A Fiber object that becomes garbage releases its record; if the fiber threw
// and nobody joined it, the exception is reported as uncaught then.
const registry = new FinalizationRegistry((id) => F.release(id));

export class Fiber {
  #id;

  constructor(token, id) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Fiber objects are made by Fiber.run()');
    if (id !== undefined) {
      this.#id = id;
      registry.register(this, id);
    }
  }

  static run(fn, ...args) {
    validateFunction(fn, 'fn');
    const f = new Fiber(kToken);
    f.#id = F.create(f, fn, args);
    registry.register(f, f.#id);
    F.start(f.#id);
    return f;
  }

  join() {
    return F.join(this.#id);
  }

  get done() {
    return F.done(this.#id);
  }

  static get current() {
    return F.current();
  }

  static sleep(ms) {
    F.sleep(ms);
  }

  static await(value) {
    if (value !== null && (typeof value === 'object' || typeof value === 'function') &&
        !(value instanceof Promise) && typeof value.then === 'function') {
      value = Promise.resolve(value);
    }
    return F.await(value);
  }

  static exclusive(fn, ...args) {
    validateFunction(fn, 'fn');
    return F.exclusive(fn, args);
  }

  static stats() {
    return F.stats();
  }

  get [Symbol.toStringTag]() {
    return 'Fiber';
  }
}

// Fiber.yield is the native function itself: a yield costs one call, not two.
Object.defineProperty(Fiber, 'yield', { value: F.yield, writable: true, configurable: true });

F.setWrap((id) => new Fiber(kToken, id));

export default Fiber;
