// The globals of Node's shape (lib/internal/bootstrap.js installs them as
// getters that load their module on first use) and `process` as Node's
// EventEmitter.
import { test, assert, event } from './harness.mjs';

test('Buffer, atob and btoa are Node\'s', () => {
  assert.equal(Buffer.from('hi').toString('base64'), 'aGk=');
  assert.ok(Buffer.from('x') instanceof Uint8Array);
  assert.equal(atob(btoa('hé')), 'hé');
  assert.equal(assert.throws(() => atob('*'), {}).name, 'InvalidCharacterError');
});

test('AbortController, AbortSignal.abort/any, EventTarget, CustomEvent', () => {
  const ac = new AbortController();
  const seen = [];
  ac.signal.addEventListener('abort', () => seen.push(ac.signal.reason.name));
  const any = AbortSignal.any([ac.signal, AbortSignal.timeout(100000)]);
  ac.abort();
  assert.deepEqual(seen, ['AbortError']);
  assert.ok(any.aborted && AbortSignal.abort().aborted);
  const t = new EventTarget();
  t.addEventListener('e', (ev) => seen.push(ev.detail));
  t.dispatchEvent(new CustomEvent('e', { detail: 7 }));
  assert.deepEqual(seen, ['AbortError', 7]);
  assert.ok(new Event('x').type === 'x');
});

test('AbortSignal.timeout aborts with a TimeoutError', () => {
  const done = event();
  const s = AbortSignal.timeout(1);
  s.onabort = () => done.fire(s.reason.name);
  const keepAlive = setTimeout(() => {}, 100000);
  assert.equal(done.wait(), 'TimeoutError');
  clearTimeout(keepAlive);
});

test('structuredClone keeps cycles and types, refuses functions', () => {
  const o = { a: [1, new Date(0)], m: new Map([[1, { b: 2 }]]), s: new Set(['x']), u: new Uint8Array([1, 2]) };
  o.self = o;
  const c = structuredClone(o);
  assert.ok(c !== o && c.self === c && c.a[1] instanceof Date && c.a[1].getTime() === 0);
  assert.deepEqual(c.m.get(1), { b: 2 });
  assert.ok(c.s.has('x') && c.u[1] === 2 && c.u.buffer !== o.u.buffer);
  assert.equal(assert.throws(() => structuredClone(() => 1), {}).name, 'DataCloneError');
  assert.throws(() => structuredClone(), { code: 'ERR_MISSING_ARGS' });
  const ab = new Uint8Array([5]).buffer;
  assert.equal(new Uint8Array(structuredClone(ab, { transfer: [ab] }))[0], 5);
});

test('crypto.getRandomValues and randomUUID', () => {
  assert.match(crypto.randomUUID(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const a = crypto.getRandomValues(new Uint32Array(8));
  assert.ok(a.some((x) => x !== 0));
  assert.equal(assert.throws(() => crypto.getRandomValues(new Float64Array(1)), {}).name, 'TypeMismatchError');
  assert.equal(assert.throws(() => crypto.getRandomValues(new Uint8Array(65537)), {}).name, 'QuotaExceededError');
});

test('performance has Node\'s shape; DOMException', () => {
  const early = performance; // now() and timeOrigin without Node's perf_hooks
  const before = early.now();
  assert.equal(typeof before, 'number');
  assert.ok(early.timeOrigin > 1.6e12);
  assert.ok(early instanceof Object.getPrototypeOf(performance).constructor);
  early.mark('early'); // anything else loads Node's performance, which the global becomes
  const { performance: node } = Fiber.await(import('node:perf_hooks'));
  assert.equal(performance, node);
  assert.equal(early.timeOrigin, node.timeOrigin, 'the same clock');
  assert.ok(node.now() >= before && early.now() >= before);
  assert.equal(early.getEntriesByName('early')[0].entryType, 'mark');
  performance.mark('m');
  assert.equal(performance.getEntriesByName('m')[0].entryType, 'mark');
  assert.equal(new DOMException('x', 'AbortError').code, 20);
});

test('process: versions, nextTick before promises, EventEmitter', () => {
  assert.equal(process.version, `v${process.versions.node}`);
  assert.match(process.versions.corojs, /^\d+\.\d+\.\d+/);
  const order = [];
  const done = event();
  Promise.resolve().then(() => order.push('promise'));
  process.nextTick((x) => order.push(`tick ${x}`), 1);
  setTimeout(() => done.fire(), 1);
  done.wait();
  assert.deepEqual(order.sort(), ['promise', 'tick 1']);
  assert.throws(() => process.nextTick(1), { code: 'ERR_INVALID_ARG_TYPE' });
  const got = [];
  process.on('custom', (v) => got.push(v));
  process.emit('custom', 2);
  assert.deepEqual(got, [2]);
  assert.equal(process.listenerCount('custom'), 1);
  assert.ok(process instanceof Object.getPrototypeOf(process).constructor);
});

test('process.on(\'uncaughtException\') takes an error nobody caught', () => {
  const done = event();
  const listener = (e, origin) => done.fire([e.message, origin]);
  process.on('uncaughtException', listener);
  setTimeout(() => { throw new Error('boom'); }, 1);
  assert.deepEqual(done.wait(), ['boom', 'uncaughtException']);
  process.off('uncaughtException', listener);
});

test('process.on(\'unhandledRejection\')', () => {
  const done = event();
  const listener = (e) => done.fire(e.message);
  process.on('unhandledRejection', listener);
  Promise.reject(new Error('nope'));
  assert.equal(done.wait(), 'nope');
  process.off('unhandledRejection', listener);
});
