// Our changes to QuickJS (deps/patches/quickjs/ and src/core/quickjs_ext.c):
// errors at the memory limit, BigInt, what "is not a function" names,
// the regexp search that starts at its first character, and rest parameters,
// array literals and apply() without the generic property path (0021).
import { test, assert } from './harness.mjs';

const dir = import.meta.dirname + '/fixtures/quickjs';

test('a 2 MiB child throwing errors at its memory limit ends with out of memory, alone', () => {
  // (the errors themselves, thrown at the limit, are tested in the root:
  // test_quickjs_limit.mjs; a child that reaches its limit ends at once)
  const child = new Isolate(`${dir}/at_limit.mjs`, { memoryLimit: 2 << 20 });
  assert.throws(() => child.call('throwAtLimit', 150), { code: 'ERR_ISOLATE_OUT_OF_MEMORY' });
  assert.equal(child.join().code, 1);
});

test('an error still gets its stack away from the limit', () => {
  const e = (() => { try { null.x; } catch (e) { return e; } })();
  assert.ok(e instanceof TypeError);
  assert.match(e.stack, /test_quickjs\.mjs:\d+/);
});

test('BigInt.asUintN of negative values and of values as wide as the result', () => {
  assert.equal(BigInt.asUintN(64, -1n), 2n ** 64n - 1n);
  assert.equal(BigInt.asUintN(64, -5n), 2n ** 64n - 5n);
  assert.equal(BigInt.asUintN(65, -1n), 2n ** 65n - 1n);
  assert.equal(BigInt.asUintN(128, -1n), 2n ** 128n - 1n);
  assert.equal(BigInt.asUintN(200, -(2n ** 130n)), 2n ** 200n - 2n ** 130n);
  assert.equal(BigInt.asUintN(64, 2n ** 64n + 2n ** 63n), 2n ** 63n);
  assert.equal(BigInt.asUintN(128, 2n ** 128n + 2n ** 127n + 5n), 2n ** 127n + 5n);
  assert.equal(BigInt.asUintN(32, -1n), 4294967295n);
  assert.equal(BigInt.asUintN(64, 2n ** 64n), 0n);
  assert.equal(BigInt.asUintN(0, -1n), 0n);
  assert.equal(BigInt.asUintN(70, 5n), 5n);
  assert.throws(() => BigInt.asUintN(2 ** 53 - 1, -1n), { name: 'RangeError' });
});

test('BigInt.asIntN is unchanged', () => {
  assert.equal(BigInt.asIntN(64, 2n ** 63n), -(2n ** 63n));
  assert.equal(BigInt.asIntN(64, -1n), -1n);
  assert.equal(BigInt.asIntN(65, 2n ** 64n), -(2n ** 64n));
  assert.equal(BigInt.asIntN(8, 255n), -1n);
  assert.equal(BigInt.asIntN(200, -5n), -5n);
  assert.equal(BigInt.asIntN(2 ** 53 - 1, -1n), -1n);
});

test('BigInt to string: no stray digit, no read past the number', () => {
  assert.equal((2n ** 63n).toString(16), '8000000000000000');
  assert.equal((-(2n ** 63n)).toString(16), '-8000000000000000');
  assert.equal((2n ** 64n - 1n).toString(), '18446744073709551615'); // clz(0) under UBSan
  assert.equal((2n ** 64n - 1n).toString(2), '1'.repeat(64));
  assert.equal((2n ** 127n).toString(16), '8' + '0'.repeat(31));
  assert.equal((2n ** 126n).toString(8), '1' + '0'.repeat(42)); // read past the end under ASan
  assert.equal((2n ** 126n + 2n ** 125n).toString(8), '14' + '0'.repeat(41));
  assert.equal((2n ** 189n).toString(32), 'g' + '0'.repeat(37));
  assert.equal(String(-(2n ** 64n)), '-18446744073709551616');
});

test('normalize() of the empty string (UBSan: memcpy of a null buffer)', () => {
  for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD']) assert.equal(''.normalize(form), '');
  assert.equal('\u0041\u030a'.normalize('NFC'), '\u00c5');
});

// V8's wording: the expression that was called.
function messageOf(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof TypeError, String(e));
    return e.message;
  }
  throw new Error('no error');
}

test('"is not a function" names what was called', () => {
  const o = { a: { b: {} }, arr: [1], f() { return {}; } };
  let x;
  const k = 'key';
  assert.equal(messageOf(() => console.lg('a typo')), 'console.lg is not a function');
  assert.equal(messageOf(() => process.nextTik(() => {})), 'process.nextTik is not a function');
  assert.equal(messageOf(() => x()), 'x is not a function');
  assert.equal(messageOf(() => o.a.b.c(1, 2, 3)), 'o.a.b.c is not a function');
  assert.equal(messageOf(() => o.a.b.c(o.f(), x ? 1 : 2, () => 3)), 'o.a.b.c is not a function');
  assert.equal(messageOf(() => o[k]()), 'o[k] is not a function');
  assert.equal(messageOf(() => o['lit']()), 'o.lit is not a function');
  assert.equal(messageOf(() => o.arr[0]()), 'o.arr[0] is not a function');
  assert.equal(messageOf(() => o.f().g()), 'o.f(...).g is not a function');
  assert.equal(messageOf(() => o.f()()), 'o.f(...) is not a function');
  assert.equal(messageOf(() => o?.a.zz()), 'o.a.zz is not a function');
  assert.equal(messageOf(() => ({}).nope()), '(intermediate value).nope is not a function');
  assert.equal(messageOf(() => { const local = 1; local(); }), 'local is not a function');
  assert.equal(messageOf(() => Math.nope(1)), 'Math.nope is not a function');
  const arg = (p) => p();
  assert.equal(messageOf(() => arg(5)), 'p is not a function');
  class A { m() { return this.q(); } }
  assert.equal(messageOf(() => new A().m()), 'this.q is not a function');
});

test('"is not a constructor" names it too', () => {
  const o = { a: {} };
  let x;
  assert.equal(messageOf(() => new o.a()), 'o.a is not a constructor');
  assert.equal(messageOf(() => new x()), 'x is not a constructor');
  assert.equal(messageOf(() => new Math.max()), 'Math.max is not a constructor');
});

test('a call from native code keeps the plain message', () => {
  assert.throws(() => Reflect.apply(1, null, []), { name: 'TypeError', message: /not a function/ });
  assert.throws(() => [1].map(null), { name: 'TypeError', message: /not a function/ });
});

// 0014: an unanchored search for a pattern that starts with a character
// starts at its next occurrence; what it finds must not change.
test('a regexp search that skips to its first character finds what it found before', () => {
  const all = (re, s) => [...s.matchAll(re)].map((m) => `${m.index}:${m[0]}:${m[1]}`).join(',');
  assert.equal(all(/%[dfijoOs]/g, 'The "%s" argument must be %d or %o and 100%'), '5:%s:undefined,26:%d:undefined,32:%o:undefined');
  assert.equal(all(/%[dfijoOs]/g, 'no percent here'), '');
  assert.equal(all(/a(b)?c/g, 'xxabcxxacxab'), '2:abc:b,7:ac:undefined'); // no stale capture
  assert.equal(all(/é/g, 'café crème é'), '3:é:undefined,11:é:undefined'); // 8-bit string
  assert.equal(all(/€/g, 'price 5€ or 6€'), '7:€:undefined,13:€:undefined'); // 16-bit string
  assert.equal(all(/€/g, 'latin1 only ÿ'), ''); // a char an 8-bit string cannot hold
  assert.equal(all(/😀/gu, 'a😀b😀'), '1:😀:undefined,4:😀:undefined');
  assert.equal(/\uDE00/u.exec('a😀b\uDE00').index, 4); // never inside a pair
  assert.equal(/\uDE00/.exec('a😀b').index, 2);
  assert.equal(/X/gi.exec('axbxX').index, 1); // ignoreCase searches as before
  assert.equal(/x/y.exec('axb'), null); // sticky: only at lastIndex
  const re = /%/g;
  re.lastIndex = 50;
  assert.equal(re.exec('%%'), null);
  assert.equal(re.lastIndex, 0);
  assert.deepEqual('l1\nl2\n'.split(/\n/), ['l1', 'l2', '']);
  assert.equal('a,b,,c'.replace(/,/g, ';'), 'a;b;;c');
});

test('rest parameters and array literals (made at their final size): plain arrays of their values', () => {
  function rest(a, ...more) { return more; }
  assert.deepEqual(rest(), []);
  assert.deepEqual(rest(1), []);
  const r = rest(1, 'x', { y: 2 }, undefined, null);
  assert.deepEqual(r, ['x', { y: 2 }, undefined, null]);
  assert.equal(r.length, 4);
  assert.ok(Array.isArray(r));
  assert.equal(Object.getPrototypeOf(r), Array.prototype);
  r.push(5);
  r.length = 2;
  assert.deepEqual(r, ['x', { y: 2 }]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(r, 0), { value: 'x', writable: true, enumerable: true, configurable: true });
  // the rest array is its own: changing it leaves the arguments alone
  function both(...xs) { xs[0] = 'changed'; return arguments[0]; }
  assert.equal(both('kept'), 'kept');
  const many = rest(0, ...Array.from({ length: 1000 }, (_, i) => i));
  assert.equal(many.length, 1000);
  assert.equal(many[999], 999);
  const n = 7;
  const lit = [n, 'two', [3], n + 1];
  assert.deepEqual(lit, [7, 'two', [3], 8]);
  assert.equal(lit.length, 4);
  assert.deepEqual([], []);
  assert.deepEqual([1, , 3].length, 3); // a hole takes the other path
  assert.ok(!(1 in [1, , 3]));
  // values freed with their array (the ASan build checks for leaks)
  for (let i = 0; i < 1000; i++) rest(i, { i }, [i], `s${i}`);
});

test('apply and Reflect.apply: short dense arrays and every other array-like give the same calls', () => {
  function params(a, b, c) { a = 'mutated'; return [a, b, c, arguments.length, this]; }
  const args = ['a', 'b'];
  assert.deepEqual(params.apply('t', args), ['mutated', 'b', undefined, 2, 't']);
  assert.deepEqual(args, ['a', 'b']); // the callee's writes stay its own
  assert.deepEqual(Reflect.apply(params, null, [1, 2, 3, 4]).slice(1, 4), [2, 3, 4]);
  const nine = Array.from({ length: 9 }, (_, i) => i);
  assert.equal(Reflect.apply(Math.max, null, nine), 8);
  assert.equal(Reflect.apply(Math.max, null, nine.slice(0, 8)), 7);
  const longer = [1, 2];
  longer.length = 4; // length past the values: holes read as undefined
  assert.deepEqual(params.apply(null, longer).slice(1, 4), [2, undefined, 4]);
  class MyArray extends Array {}
  assert.deepEqual(params.apply(null, MyArray.from([1, 2, 3])).slice(1, 4), [2, 3, 3]);
  assert.deepEqual(params.apply(null, { length: 2, 0: 'x', 1: 'y' }).slice(1, 4), ['y', undefined, 2]);
  (function () { assert.deepEqual(params.apply(null, arguments).slice(1, 4), ['q', undefined, 2]); })('p', 'q');
  assert.deepEqual(params.apply(null).slice(3), [0, null]);
  assert.throws(() => Reflect.apply(params, null, null), TypeError);
  assert.throws(() => Reflect.apply(params, null, 1), TypeError);
  assert.throws(() => params.apply(null, [1, 2].concat(new Array(70000))), RangeError);
  assert.equal(Reflect.construct(Array, [3]).length, 3);
  let thrown = null;
  try { Reflect.apply(() => { throw new Error('inside'); }, null, [{}]); } catch (e) { thrown = e; }
  assert.equal(thrown?.message, 'inside');
});

test('leaving a for await loop awaits the iterator\'s return(); a loop run to its end does not call it', () => Fiber.await((async () => {
  const log = [];
  const source = () => ({
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: async () => ({ value: i, done: i++ >= 2 }),
        return: async () => { await new Promise((r) => setTimeout(r, 1)); log.push('return'); return { done: true }; },
      };
    },
  });
  async function* gen() { try { yield 1; yield 2; } finally { await null; log.push('finally'); } }
  for await (const x of gen()) { log.push(x); break; }
  log.push('after break');
  for await (const x of source()) log.push(x);
  log.push('after the end');
  outer: for (const y of [1]) { for await (const x of source()) { log.push(y + x); continue outer; } }
  log.push('after continue');
  const returns = async () => { for await (const x of source()) return x + 5; };
  log.push(await returns());
  assert.deepEqual(log, [1, 'finally', 'after break', 0, 1, 'after the end',
    1, 'return', 'after continue', 'return', 5]);
  const bad = { [Symbol.asyncIterator]: () => ({ next: async () => ({ value: 1, done: false }), return: () => 1 }) };
  let error;
  try { for await (const x of bad) break; } catch (e) { error = e; }
  assert.ok(error instanceof TypeError, 'a return() result that is not an object is a TypeError');
})()));

test('an exception in a for await loop awaits the iterator\'s return() and is thrown again; one from next() does not close it', () => Fiber.await((async () => {
  const log = [];
  const source = ({ returnThrows = false, nextThrows = false } = {}) => ({
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: async () => {
          if (nextThrows) throw new Error('from next');
          return { value: i, done: i++ >= 2 };
        },
        return: async () => {
          await new Promise((r) => setTimeout(r, 1));
          log.push('return');
          if (returnThrows) throw new Error('from return');
          return { done: true };
        },
      };
    },
  });
  const caught = async (fn) => { try { await fn(); } catch (e) { log.push(`caught ${e.message}`); } };
  await caught(async () => { for await (const x of source()) throw new Error('body'); });
  await caught(async () => { for await (const x of source({ returnThrows: true })) throw new Error('body'); });
  await caught(async () => { for await (const x of source({ nextThrows: true })) log.push(x); });
  await caught(async () => {
    for await (const y of source()) {
      try { for await (const x of source()) throw new Error('inner'); } catch (e) { log.push(`in ${e.message}`); }
      throw new Error('outer');
    }
  });
  async function* gen() { for await (const x of source()) yield x; }
  await caught(async () => { const it = gen(); await it.next(); await it.throw(new Error('thrown in')); });
  assert.deepEqual(log, ['return', 'caught body', 'return', 'caught body', 'caught from next',
    'return', 'in inner', 'return', 'caught outer', 'return', 'caught thrown in']);
})()));
