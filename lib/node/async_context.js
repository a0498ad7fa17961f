// AsyncLocalStorage and AsyncResource of node:async_hooks over the engine's
// async context (QuickJS patch 0015), the way Node 22 builds them on
// AsyncContextFrame rather than on async hooks: the current context is an
// immutable Map from each AsyncLocalStorage to its store. Promise reactions
// (then, await) carry the context current when they were made, and so do
// CoroJS's timers, immediates, process.nextTick and queueMicrotask; each
// fiber has its own. lib/node/builtins.js puts these classes in node:async_hooks
// in place of Node's (which follow async hooks CoroJS does not emit).

import P from 'corojs:internal/primordials';

const { asyncContext, setAsyncContext } = P.util;

// Call fn in the async context `context`, and come back to the current one.
function runIn(context, fn, thisArg, args) {
  const saved = asyncContext();
  setAsyncContext(context);
  try {
    return Reflect.apply(fn, thisArg, args);
  } finally {
    setAsyncContext(saved);
  }
}

function withStore(storage, store) {
  const context = new Map(asyncContext());
  context.set(storage, store);
  return context;
}

export class AsyncLocalStorage {
  // fn, bound to the async context current now
  static bind(fn) {
    const context = asyncContext();
    return function bound(...args) { return runIn(context, fn, this, args); };
  }

  // A function that calls its first argument in the async context current now
  static snapshot() {
    const context = asyncContext();
    return (fn, ...args) => runIn(context, fn, null, args);
  }

  run(store, fn, ...args) { // runIn inlined: programs nest run() deeply
    const saved = asyncContext();
    setAsyncContext(withStore(this, store));
    try {
      return fn(...args);
    } finally {
      setAsyncContext(saved);
    }
  }

  exit(fn, ...args) {
    return this.run(undefined, fn, ...args);
  }

  enterWith(store) {
    setAsyncContext(withStore(this, store));
  }

  getStore() {
    return asyncContext()?.get(this);
  }

  // getStore() is undefined from here on, until run() or enterWith()
  disable() {
    if (asyncContext()?.has(this)) this.enterWith(undefined);
  }
}

// Node's AsyncResource, whose runInAsyncScope (and so bind) also enters the
// async context it was made in.
export function withAsyncContext(NodeAsyncResource) {
  return class AsyncResource extends NodeAsyncResource {
    #context = asyncContext();

    runInAsyncScope(fn, thisArg, ...args) {
      return runIn(this.#context, super.runInAsyncScope, this, [fn, thisArg, ...args]);
    }

    static bind(fn, type, thisArg) {
      return new this(type || fn.name || 'bound-anonymous-fn').bind(fn, thisArg);
    }
  };
}
