import { test, assert, event } from './harness.mjs';
import timers, { Timeout } from 'corojs:timers';
import nodeTimers from 'node:timers';
import { promisify } from 'node:util';

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
  assert.equal(t._destroyed, true);
  assert.equal(t.hasRef(), true, "as Node's: hasRef() says whether it would hold the program");
  const other = {};
  assert.equal(Timeout.prototype.unref.call(other), other, 'on another object: nothing, as Node');
});

test("Node's shape: `this`, _destroyed, _onTimeout and _repeat read when it fires", () => {
  const done = event();
  const seen = [];
  const t = setTimeout(function (a) {
    seen.push(this === t, a, this._destroyed);
    if (!this._repeat) this._repeat = 1; // a timeout becomes an interval, as Node's code does
    else { clearInterval(this); done.fire(); }
  }, 1, 'x');
  done.wait();
  assert.deepEqual(seen, [true, 'x', false, true, 'x', false]);
  assert.equal(t._destroyed, true);
  const i = setInterval(() => {}, 1);
  i._onTimeout = null; // Node's way to stop it
  const after = event();
  setTimeout(() => after.fire(), 5);
  after.wait();
  assert.equal(i._destroyed, true);
});

test('refresh() of a timeout that fired runs it again; in its callback too', () => {
  let n = 0;
  const twice = event();
  const t = setTimeout(() => { if (++n === 1) t.refresh(); else twice.fire(); }, 1);
  twice.wait();
  assert.equal(n, 2);
  assert.equal(t._destroyed, true);
  t.refresh();
  const third = event();
  setTimeout(() => third.fire(), 10);
  third.wait();
  assert.equal(n, 3);
  clearTimeout(t);
  assert.equal(t.refresh(), t, 'a cleared timeout stays cleared');
});

test('[Symbol.toPrimitive]() gives a number clearTimeout takes, as a string too', () => {
  let fired = 0;
  const a = setTimeout(() => fired++, 1);
  const b = setInterval(() => fired++, 1);
  assert.equal(typeof +a, 'number');
  assert.notEqual(+a, +b);
  assert.equal(`${a}`, String(+a));
  clearTimeout(+a);
  clearInterval(`${b}`);
  assert.equal(a._destroyed && b._destroyed, true);
  const c = setTimeout(() => {}, 1000);
  c[Symbol.dispose]();
  assert.equal(c._destroyed, true);
  const after = event();
  setTimeout(() => after.fire(), 5);
  after.wait();
  assert.equal(fired, 0);
});

test('immediates run in order; one set by an immediate waits for the next turn', () => {
  const order = [];
  const done = event();
  const first = setImmediate(function () {
    order.push(this === first);
    setImmediate(() => { order.push('nested'); done.fire(); });
    clearImmediate(second);
  });
  setImmediate(() => order.push('a'));
  const second = setImmediate(() => order.push('cleared'));
  setImmediate((x, y) => order.push(x + y), 'b', '!');
  done.wait();
  assert.deepEqual(order, [true, 'a', 'b!', 'nested']);
  assert.equal(first.constructor.name, 'Immediate');
  assert.equal(first._destroyed && second._destroyed, true);
  assert.equal(clearTimeout(first), undefined, 'clearTimeout ignores an Immediate, as Node');
});

test('a delay past 2^31-1 ms is 1 ms with a TimeoutOverflowWarning', () => {
  const warned = event();
  let warning;
  process.once('warning', (w) => { warning = w; warned.fire(); });
  const fired = event();
  setTimeout(() => fired.fire(), 2 ** 31);
  fired.wait();
  warned.wait();
  assert.equal(warning.name, 'TimeoutOverflowWarning');
  assert.match(warning.message, /^2147483648 does not fit into a 32-bit signed integer/);
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
  setTimeout(() => n++, NaN);
  setTimeout(() => n++);
  Fiber.sleep(20); // due after all of them: timers run in order
  assert.equal(n, 4);
});

test("node:timers gives the global functions; util.promisify gives Node's promise forms", () => {
  for (const name of ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate']) {
    assert.equal(nodeTimers[name], globalThis[name], name);
  }
  assert.equal(Fiber.await(promisify(setTimeout)(1, 'later')), 'later');
  assert.equal(Fiber.await(promisify(setImmediate)('soon')), 'soon');
  const ac = new AbortController();
  const long = promisify(setTimeout)(1e6, null, { signal: ac.signal });
  ac.abort(); // clears a timer of Node's own lists, through the global clearTimeout's hand-over
  assert.throws(() => Fiber.await(long), { name: 'AbortError' });
});
