// internalBinding('worker'): Node's src/node_worker.cc for its
// lib/internal/worker.js, over __primordials.worker (src/prim/worker.c).
//
// A worker is a child isolate on the process's one loop thread: its own
// QuickJS runtime and heap, preempted after its time slice as every isolate
// is (so one that spins does not stop the others, and terminate() ends it
// wherever it is). WorkerImpl makes it with the internal channel Node's JS
// talks over (messagePort: LOAD_SCRIPT, stdio, uncaught errors), starts it
// (startThread) and tells onexit(code) when it has ended; in the worker,
// getEnvMessagePort() is the other end, and lib/node/worker_main.js sets the
// worker up from LOAD_SCRIPT before its script runs.
import P from 'corojs:internal/primordials';
import { Fiber } from 'corojs:fiber';
import { portOnEnd } from 'corojs:internal/node/bindings/messaging';
import { requireNode } from 'corojs:internal/node/builtins';

const W = P.worker;
const self = W.self();

const kMaxYoungGenerationSizeMb = 0, kMaxOldGenerationSizeMb = 1, kCodeRangeSizeMb = 2, kStackSizeMb = 3;
const kTotalResourceLimitCount = 4;
const MB = 1 << 20;
// What a worker's limits read as when none was given: QuickJS has one heap
// (no young generation, no code range) and each fiber's stack is 256 KiB.
const defaults = [0, 0, 0, 4];

// Node's resourceLimits as our limits: the heap limit is the isolate's
// memoryLimit (its old and young generations together), the rest is shown
// as given.
function limitsOf(raw) {
  const limits = new Float64Array(kTotalResourceLimitCount);
  for (let i = 0; i < kTotalResourceLimitCount; i++) limits[i] = raw[i] > 0 ? raw[i] : defaults[i];
  const heap = (raw[kMaxOldGenerationSizeMb] > 0 ? raw[kMaxOldGenerationSizeMb] : 0) +
    (raw[kMaxYoungGenerationSizeMb] > 0 ? raw[kMaxYoungGenerationSizeMb] : 0);
  return { limits, memoryLimit: heap > 0 ? Math.max(heap, 4) * MB : 0 };
}

// The script a worker runs: LOAD_SCRIPT, which Node's JS posts on the
// internal port before startThread(), names it; the C side starts the
// isolate with it (its main module: ES module or CommonJS, as the loader
// says; or code to evaluate).
function watchLoadScript(impl, port) {
  const post = port.postMessage;
  Object.defineProperty(port, 'postMessage', {
    value(msg, ...rest) {
      if (msg?.type === 'loadScript' && impl.script === null)
        impl.script = msg.doEval ? { code: msg.filename } : { path: msg.filename };
      return Reflect.apply(post, this, [msg, ...rest]);
    },
    writable: true, configurable: true,
  });
}

// SHARE_ENV: the parent's and the worker's process.env are the process's
// own environment (setenv/unsetenv), seen through a proxy; the parent's
// current process.env is written there first.
function environ() {
  const env = {};
  for (const entry of W.environ()) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

let liveEnv = null;
function sharedEnv() {
  if (liveEnv !== null) return liveEnv;
  const own = (k) => typeof k === 'string' && Object.hasOwn(environ(), k);
  liveEnv = new Proxy({}, {
    get: (t, k) => (own(k) ? environ()[k] : undefined),
    set: (t, k, v) => { W.setenv(String(k), String(v)); return true; },
    deleteProperty: (t, k) => { if (typeof k === 'string') W.setenv(k, undefined); return true; },
    has: (t, k) => own(k),
    ownKeys: () => Object.keys(environ()),
    getOwnPropertyDescriptor: (t, k) =>
      (own(k) ? { value: environ()[k], writable: true, enumerable: true, configurable: true } : undefined),
    defineProperty: (t, k, d) => { W.setenv(String(k), String(d.value)); return true; },
  });
  return liveEnv;
}

export function shareEnv(proc) {
  if (proc.env === liveEnv) return;
  if (self === undefined) { // the root: its process.env becomes the environment
    const env = proc.env;
    for (const k of Object.keys(environ())) if (!Object.hasOwn(env, k)) W.setenv(k, undefined);
    for (const [k, v] of Object.entries(env)) W.setenv(k, String(v));
  }
  Object.defineProperty(proc, 'env', { value: sharedEnv(), writable: true, configurable: true, enumerable: true });
}

class Worker {
  constructor(url, env, execArgv, rawLimits, trackUnmanagedFds, isInternal, name) {
    const { limits, memoryLimit } = limitsOf(rawLimits);
    if (env === undefined && (self === undefined || self.shareEnv)) shareEnv(process);
    // env: an object (the worker's own), null (a copy of ours), undefined (SHARE_ENV)
    const envList = env === undefined ? null : Object.entries(env ?? process.env).map(([k, v]) => `${k}=${v}`);
    const path = url ? decodeURIComponent(url.pathname) : '[worker eval]';
    const [id, threadId, endId] = W.create({
      name: name || path, argv: ['corojs', path], env: envList, memoryLimit, limits: [...limits],
    });
    this.id = id;
    this.threadId = threadId;
    this.limits = limits;
    this.script = null;
    this.refed = true;
    this.exited = false;
    this.closed = false;
    this.onexit = null;
    emitInit(this);
    this.messagePort = portOnEnd(endId);
    watchLoadScript(this, this.messagePort);
  }

  startThread() {
    const { path, code } = this.script ?? { code: '' };
    W.start(this.id, path, code);
    // its end, told once: a worker with nothing left to do ends then, as a
    // Node worker whose loop is empty
    Fiber.run(() => {
      let code = 1, outOfMemory = false;
      try {
        [code, outOfMemory] = W.join(this.id);
      } finally {
        this.exited = true;
        if (outOfMemory) this.onexit?.(code, 'ERR_WORKER_OUT_OF_MEMORY', 'JS heap out of memory');
        else this.onexit?.(code, undefined, undefined);
        setImmediate(() => { this.closed = true; }); // Node's handle goes after 'exit'
      }
    });
  }

  stopThread() {
    if (!this.exited) W.terminate(this.id);
  }

  ref() { this.refed = true; }

  unref() { this.refed = false; }

  // undefined once the worker's handle is gone (after its 'exit')
  hasRef() { return this.closed ? undefined : this.refed; }

  getResourceLimits() { return this.limits; }

  loopIdleTime() { return 0; }

  loopStartTime() { return -1; }

  takeHeapSnapshot() { return undefined; }
}

// async_hooks sees a worker as Node's resource 'WORKER'
function emitInit(handle) {
  const hooks = requireNode('internal/async_hooks');
  if (hooks.initHooksExist())
    hooks.emitInit(hooks.newAsyncId(), 'WORKER', hooks.getDefaultTriggerAsyncId(), handle);
}

let envPort;

export default {
  isMainThread: self === undefined,
  ownsProcessState: self === undefined,
  threadId: self?.threadId ?? 0,
  resourceLimits: new Float64Array(self?.limits ?? 4),
  Worker,
  kMaxYoungGenerationSizeMb, kMaxOldGenerationSizeMb, kCodeRangeSizeMb, kStackSizeMb, kTotalResourceLimitCount,
  shareEnv,
  // in a worker: its end of the internal channel to its parent (one port)
  getEnvMessagePort() {
    if (envPort === undefined && self !== undefined) envPort = portOnEnd(W.envPort());
    return envPort;
  },
};
