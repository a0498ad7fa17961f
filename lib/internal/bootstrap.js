// corojs:internal/bootstrap: runs first in every isolate. It takes the
// primordials off the global object (by importing them), defines the globals,
// and tells C how to print an uncaught error.
//
// Only what almost every program touches is loaded here. The other globals are
// lazy: the first use of `fs` or `console` loads its module, so start-up time
// and the memory of an idle isolate do not grow with the library.

import P from 'corojs:internal/primordials';
import { Fiber } from 'corojs:fiber';
import timers from 'corojs:timers';

const importSync = P.util.importSync;

function define(name, value) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

// A global whose module loads on first use; assigning to it just replaces it.
function lazy(name, module, pick) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    enumerable: false,
    get() {
      const value = pick(importSync(module));
      define(name, value);
      return value;
    },
    set(value) {
      define(name, value);
    },
  });
}

define('global', globalThis);
// Symbol.dispose and Symbol.asyncDispose, as Node 20 defines them (the
// engine has not got them yet): Node's lib and programs share these.
for (const [name, key] of [['dispose', 'nodejs.dispose'], ['asyncDispose', 'nodejs.asyncDispose']]) {
  if (typeof Symbol[name] !== 'symbol') Object.defineProperty(Symbol, name, { value: Symbol.for(key) });
}
define('Fiber', Fiber);
for (const [name, fn] of Object.entries(timers)) define(name, fn);
lazy('console', 'corojs:console', (m) => m.console);
lazy('process', 'corojs:process', (m) => m.process);
// Node's globals: Node's own classes (lib/node/), loaded on first use.
const nodeBuiltin = (id) => importSync('corojs:internal/node/builtins').requireNode(id);
const lazyNode = (name, id, key = name) => lazy(name, 'corojs:internal/node/builtins', () => nodeBuiltin(id)[key]);
// performance is Node's (perf_hooks), but now() and timeOrigin answer from
// the same clock without loading it: Node's perf_hooks brings Node's
// primordials and errors (about 45M instructions), too much for a program
// that only times itself. Anything else loads it, and the global becomes it.
lazy('performance', 'corojs:internal/node/bindings/performance', ({ default: clock }) => {
  let node = null;
  const real = () => {
    if (!node) define('performance', node = nodeBuiltin('perf_hooks').performance);
    return node;
  };
  const light = { now: clock.now, get timeOrigin() { return clock.getTimeOrigin(); } };
  return new Proxy(light, {
    get(target, key) {
      if (key === 'now' || key === 'timeOrigin') return target[key];
      const value = real()[key];
      return typeof value === 'function' ? value.bind(node) : value;
    },
    has: (target, key) => key in real(),
    getPrototypeOf: () => Object.getPrototypeOf(real()),
  });
});
lazyNode('Buffer', 'buffer');
lazyNode('atob', 'buffer');
lazyNode('btoa', 'buffer');
lazyNode('Blob', 'buffer');
lazyNode('File', 'buffer');
for (const name of ['Performance', 'PerformanceEntry', 'PerformanceMark', 'PerformanceMeasure',
  'PerformanceObserver', 'PerformanceObserverEntryList', 'PerformanceResourceTiming']) lazyNode(name, 'perf_hooks');
lazyNode('AbortController', 'internal/abort_controller');
lazyNode('AbortSignal', 'internal/abort_controller');
lazyNode('EventTarget', 'internal/event_target');
lazyNode('Event', 'internal/event_target');
lazyNode('CustomEvent', 'internal/event_target');
for (const name of ['MessageChannel', 'MessagePort', 'MessageEvent', 'BroadcastChannel'])
  lazyNode(name, 'internal/worker/io');
// Web streams, as Node 20 has them.
for (const name of ['ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
  'ReadableStreamBYOBRequest', 'ReadableByteStreamController', 'ReadableStreamDefaultController',
  'TransformStream', 'TransformStreamDefaultController', 'WritableStream', 'WritableStreamDefaultWriter',
  'WritableStreamDefaultController', 'ByteLengthQueuingStrategy', 'CountQueuingStrategy',
  'TextEncoderStream', 'TextDecoderStream', 'CompressionStream', 'DecompressionStream'])
  lazyNode(name, 'stream/web');
lazy('DOMException', 'corojs:internal/node/builtins', (m) => m.domException());
lazy('structuredClone', 'corojs:internal/node/structured_clone', (m) => m.structuredClone);
lazy('crypto', 'corojs:internal/node/webcrypto', (m) => m.crypto);
lazyNode('CryptoKey', 'internal/crypto/keys');
lazyNode('SubtleCrypto', 'internal/crypto/webcrypto');
lazy('TextEncoder', 'corojs:encoding', (m) => m.TextEncoder);
lazy('TextDecoder', 'corojs:encoding', (m) => m.TextDecoder);
lazy('fs', 'corojs:fs', (m) => m.default);
lazy('Isolate', 'corojs:isolate', (m) => m.Isolate);
lazy('net', 'corojs:net', (m) => m.default);
lazy('dns', 'corojs:dns', (m) => m.default);
lazy('dgram', 'corojs:dgram', (m) => m.default);
lazy('tls', 'corojs:tls', (m) => m.default);
lazy('http', 'corojs:http', (m) => m.default);
lazy('https', 'corojs:https', (m) => m.default);
lazy('URL', 'corojs:url', (m) => m.URL);
lazy('URLSearchParams', 'corojs:url', (m) => m.URLSearchParams);
lazy('fetch', 'corojs:fetch', (m) => m.fetch);
lazy('Headers', 'corojs:fetch', (m) => m.Headers);
lazy('Request', 'corojs:fetch', (m) => m.Request);
lazy('Response', 'corojs:fetch', (m) => m.Response);
lazy('FormData', 'corojs:fetch', (m) => m.FormData);
lazy('WebAssembly', 'corojs:webassembly', (m) => m.WebAssembly);
lazy('Intl', 'corojs:internal/intl', (m) => m.Intl); // and the toLocaleString & co of src/prim/intl.c

// uncaught.handle(error, origin) (corojs:process sets it once a program
// listens to process events): true if a process.on('uncaughtException') or
// ('unhandledRejection') listener took the error, which then does not end
// the isolate.
// uncaught.fatal(error) (a worker_threads worker's) reports an error that
// ends the isolate instead of printing it.
export const uncaught = { handle: null, fatal: null };

P.util.setReporter((error, kind) => {
  const origin = kind.endsWith('(in promise)') ? 'unhandledRejection' : 'uncaughtException';
  let handled;
  try {
    handled = uncaught.handle?.(error, origin);
  } catch (e) { // a listener threw: that error ends a worker
    if (!uncaught.fatal) throw e;
    error = e;
  }
  if (handled) return true;
  if (uncaught.fatal?.(error)) return false;
  P.process.write(2, `${kind} ${importSync('corojs:util').inspect(error)}\n`);
  return false;
});
