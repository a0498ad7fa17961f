import { test, assert, event } from './harness.mjs';
import timers from 'corojs:timers';

test('timer globals are the corojs:timers exports', () => {
  assert.equal(setTimeout, timers.setTimeout);
  assert.equal(queueMicrotask, timers.queueMicrotask);
});

test('timeouts fire in order of their delays, with their arguments', () => {
  const order = [];
  const last = event();
  setTimeout((x) => { order.push(x); last.fire(); }, 30, 'c');
  setTimeout((x) => order.push(x), 10, 'a');
  setTimeout((x, y) => order.push(x + y), 20, 'b', '!');
  last.wait();
  assert.deepEqual(order, ['a', 'b!', 'c']);
});

test('clearTimeout cancels; clearing twice, or garbage, is harmless', () => {
  let fired = false;
  const t = setTimeout(() => { fired = true; }, 5);
  clearTimeout(t);
  clearTimeout(t);
  clearTimeout(undefined);
  clearTimeout(123);
  Fiber.sleep(20); // due after the cleared one would have been: timers run in order
  assert.equal(fired, false);
});

test('setInterval repeats until cleared', () => {
  let n = 0;
  const third = event();
  const t = setInterval(() => { n++; if (n === 3) { clearInterval(t); third.fire(); } }, 2);
  third.wait();
  Fiber.sleep(10); // due after the interval's next run would have been
  assert.equal(n, 3);
});

test('setImmediate runs soon; queueMicrotask runs before timers', () => {
  const order = [];
  setImmediate(() => order.push('immediate'));
  queueMicrotask(() => order.push('micro'));
  Promise.resolve().then(() => order.push('promise'));
  const ran = event();
  setImmediate(() => ran.fire());
  ran.wait();
  assert.deepEqual(order, ['micro', 'promise', 'immediate']);
});

test('a timer callback runs in its own fiber and may block', () => {
  const order = [];
  const ended = event();
  setTimeout(() => { order.push('slow start'); Fiber.sleep(20); order.push('slow end'); ended.fire(); }, 1);
  setTimeout(() => order.push('fast'), 5);
  ended.wait();
  assert.deepEqual(order, ['slow start', 'fast', 'slow end']);
});

test('Timeout objects: hasRef, unref, ref, refresh', () => {
  const t = setTimeout(() => {}, 1000);
  assert.equal(t.hasRef(), true);
  assert.equal(t.unref(), t);
  assert.equal(t.hasRef(), false);
  t.ref();
  assert.equal(t.hasRef(), true);
  t.refresh();
  clearTimeout(t);
  assert.equal(t.hasRef(), false, 'a cleared timer holds nothing');
});

test('a non-function callback is a TypeError naming it', () => {
  assert.throws(() => setTimeout('code', 1), { name: 'TypeError', message: /"callback"/ });
  assert.throws(() => setInterval(null, 1), { name: 'TypeError' });
  assert.throws(() => queueMicrotask(1), { name: 'TypeError', message: /"callback"/ });
});

test('odd delays mean 1 ms, as in Node', () => {
  let n = 0;
  setTimeout(() => n++, -5);
  setTimeout(() => n++, 'soon');
  setTimeout(() => n++, 2 ** 40);
  setTimeout(() => n++);
  Fiber.sleep(20); // due after all of them: timers run in order
  assert.equal(n, 4);
});
