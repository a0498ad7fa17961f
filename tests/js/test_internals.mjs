// flags: --expose-internals
// The primordials must survive any argument, forged handle IDs above all.
import { test, assert, tmpdir } from './harness.mjs';
import P from 'corojs:internal/primordials';

test('forged, stale and mistyped handle IDs throw EBADF', () => {
  for (const id of [0n, 1n, 12345n, (1n << 63n) - 1n, -1n, 0xffffffffffffffffn]) {
    assert.throws(() => P.fs.read(id, 1), { code: 'EBADF' });
    assert.throws(() => P.fs.close(id), { code: 'EBADF' });
    assert.throws(() => P.fiber.join(id), { code: 'EBADF' });
  }
  const file = P.fs.open('/dev/null', 'r');
  const timer = P.timers.start(() => {}, 1000, false, []);
  assert.throws(() => P.timers.immediate(() => {}, null), { name: 'TypeError', message: /"args"/ });
  assert.throws(() => P.fiber.join(file), { code: 'EBADF', message: /Fiber/ });
  assert.throws(() => P.fs.read(timer, 1), { code: 'EBADF', message: /File/ });
  P.timers.stop(timer);
  P.fs.close(file);
  assert.throws(() => P.fs.read(file, 1), { code: 'EBADF' });
  assert.throws(() => P.fs.fstat(file), { code: 'EBADF' });
  // a nearby ID: same slot, next generation
  assert.throws(() => P.fs.read(file + (1n << 24n), 1), { code: 'EBADF' });
});

test('handle IDs must be BigInts', () => {
  for (const id of [1, '1', null, undefined, {}, Symbol('x')]) {
    assert.throws(() => P.fs.read(id, 1), { name: 'TypeError', message: /"handle"/ });
  }
});

test('primordials survive garbage arguments', () => {
  const garbage = [undefined, null, 0, -1, 1.5, NaN, '', 'x', {}, [], () => {}, Symbol('s'), 10n, new Uint8Array(1)];
  let calls = 0;
  process.chdir(tmpdir); // the fs calls get relative paths like 'x'
  for (const area of Object.keys(P)) {
    // (nodefs works on the process's own descriptors, 0 among them, and
    // spawn starts programs: tests/js/test_node_fs.mjs feeds them garbage)
    if (area === 'nodefs' || area === 'spawn') continue;
    for (const name of Object.getOwnPropertyNames(P[area])) {
      const fn = P[area][name];
      // (timers.start could make a 1 ms interval nobody can clear; exit ends the test)
      if (typeof fn !== 'function' ||
          ['exit', 'sleep', 'yield', 'await', 'setReporter', 'setWrap', 'start'].includes(name)) continue;
      for (const a of garbage) {
        for (const b of garbage) {
          try { fn(a, b, a); } catch { /* a clean exception is fine */ }
          calls++;
        }
      }
    }
  }
  P.process.setExitCode(0); // garbage set it too
  assert.ok(calls > 1000);
});
