// AsyncLocalStorage and AsyncResource (lib/node/async_context.js over the
// engine's async context, QuickJS patch 0015): the store follows promise
// reactions, await, timers, immediates, nextTick and queueMicrotask, and
// each fiber has its own.
import { test, assert, event } from './harness.mjs';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

const als = new AsyncLocalStorage();

test('the store follows then, await, timers, immediates, nextTick and queueMicrotask', () => {
  const seen = {};
  const done = event();
  let left = 6;
  const note = (what) => { seen[what] = als.getStore(); if (--left === 0) done.fire(); };
  als.run({ id: 1 }, () => {
    Promise.resolve().then(() => note('then'));
    (async () => { await null; await new Promise((r) => setTimeout(r, 1)); note('await'); })();
    setTimeout(() => note('timeout'), 1);
    setImmediate(() => note('immediate'));
    process.nextTick(() => note('nextTick'));
    queueMicrotask(() => note('microtask'));
  });
  assert.equal(als.getStore(), undefined, 'outside run()');
  done.wait();
  for (const what of ['then', 'await', 'timeout', 'immediate', 'nextTick', 'microtask']) {
    assert.deepEqual(seen[what], { id: 1 }, what);
  }
});

test('a reaction runs in the context of then(), not of resolve()', () => {
  let resolve;
  const p = new Promise((r) => { resolve = r; });
  const got = [];
  als.run('a', () => p.then(() => got.push(als.getStore())));
  als.run('b', () => resolve());
  Fiber.await(p.then(() => {}));
  Fiber.await(Promise.resolve());
  assert.deepEqual(got, ['a']);
});

test('nested run, exit, enterWith, disable; several storages', () => {
  const other = new AsyncLocalStorage();
  als.run(1, () => {
    other.run('x', () => {
      als.run(2, () => assert.deepEqual([als.getStore(), other.getStore()], [2, 'x']));
      assert.equal(als.getStore(), 1);
      als.exit(() => assert.equal(als.getStore(), undefined));
      assert.equal(als.getStore(), 1);
    });
    assert.equal(other.getStore(), undefined);
  });
  const done = event();
  Fiber.run(() => {
    als.enterWith('entered');
    setTimeout(() => { assert.equal(als.getStore(), 'entered'); done.fire(); }, 1);
    als.disable();
    assert.equal(als.getStore(), undefined);
  });
  done.wait();
});

test('each fiber has its own context: one that blocks keeps its store', () => {
  const gate = event();
  const stores = [];
  const a = Fiber.run(() => als.run('fiber a', () => { gate.wait(); stores.push(als.getStore()); }));
  const b = Fiber.run(() => als.run('fiber b', () => { stores.push(als.getStore()); gate.fire(); }));
  a.join();
  b.join();
  assert.deepEqual(stores, ['fiber b', 'fiber a']);
  assert.equal(als.getStore(), undefined);
});

test('bind, snapshot and AsyncResource enter the context they were made in', () => {
  let bound, snap, resource;
  als.run('made', () => {
    bound = AsyncLocalStorage.bind(() => als.getStore());
    snap = AsyncLocalStorage.snapshot();
    resource = new AsyncResource('test');
  });
  assert.equal(bound(), 'made');
  assert.equal(snap(() => als.getStore()), 'made');
  assert.equal(resource.runInAsyncScope(function (x) { return [als.getStore(), this, x]; }, 't', 1).join(), 'made,t,1');
  assert.equal(AsyncResource.bind(() => als.getStore())(), undefined);
  assert.equal(als.run('b', () => AsyncResource.bind(() => als.getStore()))(), 'b');
});

test('an error thrown in run() leaves the context as it was', () => {
  assert.throws(() => als.run('x', () => { throw new Error('boom'); }), { message: 'boom' });
  assert.equal(als.getStore(), undefined);
});
