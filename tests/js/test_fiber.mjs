import { test, assert, tmpdir, event } from './harness.mjs';
import { Fiber as FiberFromModule } from 'corojs:fiber';

test('Fiber is a global and the corojs:fiber export', () => {
  assert.equal(FiberFromModule, Fiber);
});

test('run starts at once and passes its arguments; join returns the result', () => {
  const order = [];
  const f = Fiber.run((a, b) => { order.push('child'); return a * b; }, 6, 7);
  order.push('parent');
  assert.deepEqual(order, ['child', 'parent']);
  assert.equal(f.join(), 42);
  assert.equal(f.join(), 42, 'join again gives the same result');
});

test('a parent continues when its child blocks', () => {
  const order = [];
  const f = Fiber.run(() => { order.push('child starts'); Fiber.sleep(5); order.push('child ends'); });
  order.push('parent');
  assert.equal(f.done, false);
  f.join();
  assert.equal(f.done, true);
  assert.deepEqual(order, ['child starts', 'parent', 'child ends']);
});

test('join rethrows the exception of the fiber', () => {
  const f = Fiber.run(() => { throw new RangeError('inner'); });
  assert.throws(() => f.join(), { name: 'RangeError', message: /inner/ });
  assert.throws(() => f.join(), { name: 'RangeError' });
});

test('join waits for a fiber that throws later', () => {
  const f = Fiber.run(() => { Fiber.sleep(5); throw new Error('late'); });
  assert.throws(() => f.join(), { message: /late/ });
});

test('many fibers can join the same fiber', () => {
  const target = Fiber.run(() => { Fiber.sleep(10); return 'v'; });
  const joiners = [1, 2, 3].map(() => Fiber.run(() => target.join()));
  assert.deepEqual(joiners.map((j) => j.join()), ['v', 'v', 'v']);
});

test('a fiber cannot join itself', () => {
  const f = Fiber.run(() => {
    Fiber.sleep(1);
    return Fiber.current.join();
  });
  assert.throws(() => f.join(), { code: 'ERR_FIBER_JOIN_SELF' });
});

test('Fiber.current is the same object in a fiber, distinct between fibers', () => {
  const main = Fiber.current;
  assert.ok(main instanceof Fiber);
  assert.equal(Fiber.current, main);
  let inner;
  const f = Fiber.run(() => { inner = Fiber.current; Fiber.sleep(1); return Fiber.current === inner; });
  assert.equal(f, inner);
  assert.equal(f.join(), true);
  assert.notEqual(inner, main);
  assert.equal(main.done, false);
});

test('run rejects a non-function with a TypeError naming the argument', () => {
  assert.throws(() => Fiber.run(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"fn"/ });
  assert.throws(() => Fiber.run(), { name: 'TypeError' });
});

test('sleep blocks only the calling fiber and checks its argument', () => {
  let ticks = 0;
  const ticker = Fiber.run(() => { for (let i = 0; i < 5; i++) { ticks++; Fiber.sleep(1); } });
  const t0 = performance.now();
  Fiber.sleep(30);
  assert.ok(performance.now() - t0 >= 29, 'never wakes early');
  // the ticker's first sleep ends before this one (timers run in order)
  assert.ok(ticks >= 2, 'the ticker ran meanwhile');
  ticker.join();
  assert.equal(ticks, 5);
  assert.throws(() => Fiber.sleep('10'), { name: 'TypeError', message: /"ms"/ });
  assert.throws(() => Fiber.sleep(-1), { name: 'RangeError' });
  assert.throws(() => Fiber.sleep(NaN), { name: 'RangeError' });
  Fiber.sleep(0);
});

test('yield lets the other ready fibers run', () => {
  const order = [];
  const a = Fiber.run(() => { for (let i = 0; i < 3; i++) { order.push('a'); Fiber.yield(); } });
  const b = Fiber.run(() => { for (let i = 0; i < 3; i++) { order.push('b'); Fiber.yield(); } });
  a.join();
  b.join();
  assert.deepEqual(order.join(''), 'ababab');
});

test('await returns the value of a promise, or throws its rejection', () => {
  assert.equal(Fiber.await(new Promise((r) => setTimeout(() => r('later'), 5))), 'later');
  assert.equal(Fiber.await(Promise.resolve(1)), 1);
  assert.throws(() => Fiber.await(Promise.reject(new TypeError('no'))), { name: 'TypeError', message: /no/ });
  assert.throws(() => Fiber.await(new Promise((_, j) => setTimeout(() => j(new Error('late no')), 2))),
    { message: /late no/ });
  assert.equal(Fiber.await(5), 5, 'a plain value is returned as it is');
  assert.equal(Fiber.await({ then(r) { r('thenable'); } }), 'thenable');
});

test('await works inside promise callbacks and async functions', () => {
  const v = Fiber.await(Promise.resolve(1).then((x) => x + Fiber.await(Promise.resolve(2))));
  assert.equal(v, 3);
  async function f() { await null; return 'async'; }
  assert.equal(Fiber.await(f()), 'async');
});

test('a promise job that blocks does not stall the other jobs', () => {
  const order = [];
  const gate = event();
  const slow = Promise.resolve().then(() => { gate.wait(); order.push('slow'); });
  const fast = Promise.resolve().then(() => order.push('fast'));
  Fiber.await(fast);
  assert.deepEqual(order, ['fast']);
  gate.fire();
  Fiber.await(slow);
  assert.deepEqual(order, ['fast', 'slow']);
});

test('deep recursion throws a catchable RangeError and the fiber goes on', () => {
  function down(n) { return down(n + 1) + 1; }
  const f = Fiber.run(() => {
    let err;
    try { down(0); } catch (e) { err = e; }
    return [err instanceof RangeError, /stack/i.test(err.message), 'after'];
  });
  assert.deepEqual(f.join(), [true, true, 'after']);
  assert.throws(() => down(0), { name: 'RangeError' });
  // and again, from a fiber nested in a fiber
  assert.equal(Fiber.run(() => Fiber.run(() => { try { down(0); } catch (e) { return e.name; } }).join()).join(), 'RangeError');
});

test('an uncaught recursion overflow in a fiber is rethrown by join', () => {
  function down() { return down() + 1; }
  assert.throws(() => Fiber.run(down).join(), { name: 'RangeError' });
});

test('10,000 fibers sleep at once', () => {
  const fibers = [];
  for (let i = 0; i < 10000; i++) fibers.push(Fiber.run((n) => { Fiber.sleep(20); return n; }, i));
  assert.ok(Fiber.stats().live >= 10000);
  let sum = 0;
  for (const f of fibers) sum += f.join();
  assert.equal(sum, (9999 * 10000) / 2);
});

test('frame chain: A starts B and ends, then B throws and prints its stack, 10,000 times', () => {
  let good = 0;
  for (let i = 0; i < 10000; i++) {
    let b;
    const a = Fiber.run(() => {
      b = Fiber.run(() => {
        Fiber.yield(); // A ends meanwhile; its stack goes back to the pool
        try {
          throw new Error(`round ${i}`);
        } catch (e) {
          if (e.stack.includes('test_fiber.mjs')) good++;
          return e.stack.split('\n').length;
        }
      });
    });
    a.join();
    assert.ok(b.join() >= 1);
  }
  assert.equal(good, 10000);
});

test('fibers are reused: running many in sequence keeps memory flat', () => {
  for (let i = 0; i < 2000; i++) Fiber.run(() => i).join();
  const live = Fiber.stats().live;
  const rss1 = process.memoryUsage().rss;
  for (let i = 0; i < 20000; i++) Fiber.run(() => i).join();
  const rss2 = process.memoryUsage().rss;
  assert.equal(Fiber.stats().live, live);
  assert.ok(Fiber.stats().pooled > 0);
  // (AddressSanitizer's quarantine holds freed memory back on purpose)
  if (process.env.COROJS_TEST_VARIANT !== 'asan') {
    assert.ok(rss2 - rss1 < 8 * 1024 * 1024, `RSS grew by ${rss2 - rss1} bytes`);
  }
});

test('two fibers yielding to each other hand over directly: about one switch a yield', () => {
  const n = 50000;
  const turn = () => { for (let i = 0; i < n; i++) Fiber.yield(); };
  const before = Fiber.stats().switches;
  const a = Fiber.run(turn), b = Fiber.run(turn);
  a.join();
  b.join();
  const switches = Fiber.stats().switches - before;
  // through main it was two switches a yield (4n); a few more come from the
  // loop polling IO once a tick
  assert.ok(switches < 3 * n, `${switches} switches for ${2 * n} yields`);
});

test('two fibers yielding to each other forever starve neither timers nor sockets', () => {
  let stop = false;
  const spin = () => { while (!stop) Fiber.yield(); };
  const a = Fiber.run(spin), b = Fiber.run(spin);
  // a timer fires
  Fiber.await(new Promise((resolve) => setTimeout(resolve, 1)));
  // a socket read gets its bytes
  const server = net.createServer((s) => { s.write(s.read()); s.close(); });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const c = net.connect(server.address().port, '127.0.0.1');
  c.write('ping');
  assert.equal(c.read(), 'ping');
  c.close();
  server.close();
  Fiber.sleep(1);
  stop = true;
  a.join();
  b.join();
});

test('Fiber.exclusive: no timer, promise job or other fiber of the isolate runs until it returns', () => {
  const file = `${tmpdir}/exclusive.txt`;
  fs.writeFile(file, 'data');
  let x = 0;
  setTimeout(() => { x = 1; }, 0);
  Promise.resolve().then(() => { x = 2; });
  const other = Fiber.run(() => { Fiber.sleep(0); x = 3; });
  const seen = [x];
  const r = Fiber.exclusive((a) => {
    const data = fs.readFile(file); // parks on the thread pool
    Fiber.sleep(5);                 // parks until the timers above are long due
    seen.push(x);
    return `${a} ${data}`;
  }, 'read');
  seen.push(x); // the statement right after: still nothing else has run
  assert.equal(r, 'read data');
  assert.deepEqual(seen, [0, 0, 0]);
  other.join();
  Fiber.sleep(5);
  assert.ok(x !== 0, 'they all run after it');
});

test('Fiber.exclusive: other isolates go on meanwhile; sections nest', () => {
  const child = new Isolate(`${import.meta.dirname}/fixtures/isolate/lib.mjs`);
  let ran = false;
  setTimeout(() => { ran = true; }, 0);
  const r = Fiber.exclusive(() => {
    Fiber.sleep(2);
    return Fiber.exclusive(() => child.call('sleepy', 2)) + child.call('add', 1, 2);
  });
  assert.equal(r, 'slept3');
  assert.equal(ran, false);
  child.terminate();
  child.join();
});

test('Fiber.exclusive: waiting for the isolate itself throws ERR_FIBER_EXCLUSIVE', () => {
  assert.throws(() => Fiber.exclusive(() => Fiber.await(new Promise(() => {}))), { code: 'ERR_FIBER_EXCLUSIVE' });
  let f;
  assert.throws(() => Fiber.exclusive(() => { f = Fiber.run(() => 'later'); f.join(); }), { code: 'ERR_FIBER_EXCLUSIVE' });
  assert.equal(f.join(), 'later', 'the fiber it started runs once it returns');
  assert.equal(Fiber.exclusive(() => Fiber.await(Promise.resolve(5))), 5, 'a settled promise is fine');
  assert.throws(() => Fiber.exclusive(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => Fiber.exclusive(() => { throw new RangeError('inside'); }), { name: 'RangeError' });
  let ok = false;
  setTimeout(() => { ok = true; }, 0);
  Fiber.sleep(5);
  assert.ok(ok, 'a section that threw has let go');
});

test('Fiber.exclusive: an isolate blocked forever inside one still terminates and joins', () => {
  const child = new Isolate(`${import.meta.dirname}/fixtures/isolate/exclusive.mjs`);
  Fiber.sleep(5); // its timers fire and are held back
  child.terminate();
  assert.deepEqual(child.join(), { code: 1, error: undefined });
});
