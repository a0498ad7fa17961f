// flags: --expose-internals
// Buffer's C half (__primordials.buffer, src/prim/buffer.c) under Node's
// internalBinding('buffer') names and conventions, and the value checks of
// __primordials.util (classOf, previewEntries, guessHandleType) that
// internalBinding('util') and ('types') are made of. Expected strings and
// bytes are what Node 20 gives for the same calls.
import { test, assert } from './harness.mjs';
import P from 'corojs:internal/primordials';
import { codecResults, primordialCodecs } from './fixtures/buffer_codecs.mjs';

const B = P.buffer;
const U = P.util;
const ENC = { ascii: 0, utf8: 1, base64: 2, ucs2: 3, latin1: 4, hex: 5, buffer: 6, base64url: 7 };
const bytes = (...b) => new Uint8Array(b);

// Write `string` into a fresh buffer of `size` bytes: [written, bytes].
function write(enc, string, size = 16, offset, length) {
  const buf = new Uint8Array(size);
  const n = B[`${enc}Write`].call(buf, string, offset, length);
  return [n, [...buf.subarray(0, n + (offset ?? 0))]];
}

test('encode: every encoding of the same bytes, as Node prints them', () => {
  const u = bytes(104, 105, 0xff, 0xe2, 0x82, 0xac);
  const want = {
    utf8: 'hi\ufffd€', ucs2: '\u6968\ue2ff\uac82', latin1: 'hiÿâ\x82¬', ascii: 'hi\x7fb\x02,',
    hex: '6869ffe282ac', base64: 'aGn/4oKs', base64url: 'aGn_4oKs',
  };
  for (const [enc, s] of Object.entries(want)) {
    assert.equal(B[`${enc}Slice`].call(u), s, enc);
    assert.equal(B.encode(u, ENC[enc]), s, enc);
  }
  assert.equal(B.base64Slice.call(bytes(1)), 'AQ==');
  assert.equal(B.base64Slice.call(bytes(1, 2)), 'AQI=');
  assert.equal(B.base64urlSlice.call(bytes(1)), 'AQ');
  assert.equal(B.base64urlSlice.call(bytes(0xfb, 0xff)), '-_8');
  assert.equal(B.utf8Slice.call(new Uint8Array(0)), '');
  assert.equal(B.utf8Slice.call(bytes(0x63, 0xc3, 0xa9, 0xc2, 0xa0)), 'c\xe9\xa0'); // Latin-1 characters only
  assert.equal(B.utf8Slice.call(bytes(0xf0, 0x9f, 0x98, 0x80, 0xc3)), '\u{1f600}\ufffd');
  assert.equal(B.utf8Slice.call(bytes(0xed, 0xa0, 0x80, 0x41)), '\ufffd\ufffd\ufffdA'); // no surrogates from UTF-8
  assert.equal(B.utf8Slice.call(bytes(0xc3, 0x28)), '\ufffd(');
  assert.equal(B.ucs2Slice.call(bytes(0x3d, 0xd8, 0x00, 0xde, 0x41)), '😀'); // odd byte left out
  assert.equal(B.ucs2Slice.call(new Uint8Array(bytes(0, 0x41, 0).buffer, 1)), 'A'); // unaligned view
});

test('slice(start, end) takes a range; a bad range is ERR_OUT_OF_RANGE', () => {
  const u = bytes(97, 98, 99, 100);
  assert.equal(B.latin1Slice.call(u, 1, 3), 'bc');
  assert.equal(B.latin1Slice.call(u, 3, 1), ''); // end before start
  assert.equal(B.hexSlice.call(u, 2), '6364');
  assert.throws(() => B.latin1Slice.call(u, 0, 5), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => B.latin1Slice.call(u, -1), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => B.utf8Slice.call({}), { name: 'TypeError', message: /"this" argument/ });
  assert.throws(() => B.hexSlice.call('abc'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('decode: whole characters that fit, lone surrogates as U+FFFD', () => {
  assert.deepEqual(write('utf8', 'h€llo😀', 10), [7, [104, 226, 130, 172, 108, 108, 111]]);
  assert.deepEqual(write('utf8', 'h€llo😀', 11), [11, [104, 226, 130, 172, 108, 108, 111, 240, 159, 152, 128]]);
  assert.deepEqual(write('utf8', 'a\ud800b'), [5, [97, 0xef, 0xbf, 0xbd, 98]]);
  assert.deepEqual(write('utf8', '\udc00'), [3, [0xef, 0xbf, 0xbd]]);
  assert.deepEqual(write('ucs2', 'A€', 3), [2, [65, 0]]);
  assert.deepEqual(write('ucs2', 'A€'), [4, [65, 0, 0xac, 0x20]]);
  assert.deepEqual(write('latin1', 'aÿ€'), [3, [97, 255, 0xac]]);
  assert.deepEqual(write('ascii', 'aÿ'), [2, [97, 255]]); // Node writes ascii as latin1
});

test('hex: pairs up to the first that is not hex', () => {
  assert.deepEqual(write('hex', 'abCD'), [2, [0xab, 0xcd]]);
  assert.deepEqual(write('hex', 'abzz12'), [1, [0xab]]);
  assert.deepEqual(write('hex', 'abc'), [1, [0xab]]);
  assert.deepEqual(write('hex', 'zz'), [0, []]);
  assert.deepEqual([...B.decode('0g', ENC.hex)], []);
});

test("base64: Node's lenient reading, either alphabet, '=' ends it", () => {
  assert.deepEqual([...B.decode('aGVsbG8=', ENC.base64)], [104, 101, 108, 108, 111]);
  assert.deepEqual([...B.decode('aGVs\nbG8', ENC.base64)], [104, 101, 108, 108, 111]);
  assert.deepEqual([...B.decode('a G V s b G 8', ENC.base64)], [104, 101, 108, 108, 111]);
  assert.deepEqual([...B.decode('-_8', ENC.base64)], [0xfb, 0xff]);
  assert.deepEqual([...B.decode('+/8=', ENC.base64url)], [0xfb, 0xff]);
  assert.deepEqual([...B.decode('AQ==AQ==', ENC.base64)], [1]);
  assert.deepEqual([...B.decode('A', ENC.base64)], []);
  assert.deepEqual([...B.decode('', ENC.base64)], []);
  assert.deepEqual([...B.decode('€€aGk', ENC.base64)], [104, 105]);
  assert.deepEqual(write('base64', 'aGVsbG8gd29ybGQ=', 4), [4, [104, 101, 108, 108]]);
});

test('write(string, offset, length): bounds as Node checks them', () => {
  assert.deepEqual(write('latin1', 'abc', 6, 2), [3, [0, 0, 97, 98, 99]]);
  assert.deepEqual(write('latin1', 'abc', 6, 2, 1), [1, [0, 0, 97]]);
  assert.deepEqual(write('latin1', 'abc', 4, 4), [0, [0, 0, 0, 0]]);
  assert.throws(() => write('utf8', 'x', 4, 5), { name: 'RangeError', code: 'ERR_BUFFER_OUT_OF_BOUNDS' });
  assert.throws(() => write('utf8', 'x', 4, -1), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  const e = assert.throws(() => write('utf8', 5), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.match(e.message, /"argument" argument must be of type string/);
  // a valueOf that detaches the buffer meanwhile finds nothing to write into
  const buf = new Uint8Array(new ArrayBuffer(8));
  const evil = { valueOf() { buf.buffer.transfer?.(); return 0; } };
  const n = B.utf8Write.call(buf, 'abc', evil);
  assert.ok(n === 0 || n === 3);
});

test('a long string goes through the fast paths and back', () => {
  const big = new Uint8Array(300001);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 255;
  for (const enc of ['base64', 'base64url', 'hex', 'latin1']) {
    const text = B.encode(big, ENC[enc]);
    assert.deepEqual(B.decode(text, ENC[enc]), big, enc);
  }
  const text = 'añ€😀'.repeat(50000);
  assert.equal(B.utf8Slice.call(B.decode(text, ENC.utf8)), text);
  assert.equal(B.ucs2Slice.call(B.decode(text, ENC.ucs2)), text);
  assert.equal(B.byteLengthUtf8(text), 50000 * (1 + 2 + 3 + 4));
  const rope = 'x'.repeat(1000) + 'y'.repeat(1000); // a rope is joined first
  assert.equal(B.decode(rope, ENC.latin1).length, 2000);
});

test('byteLengthUtf8, compare, compareOffset, copy', () => {
  assert.equal(B.byteLengthUtf8('h€😀\ud800'), 11);
  assert.equal(B.byteLengthUtf8(''), 0);
  assert.throws(() => B.byteLengthUtf8(1), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.deepEqual([B.compare(bytes(1, 2), bytes(1, 2, 3)), B.compare(bytes(2), bytes(1, 9)), B.compare(bytes(), bytes())], [-1, 1, 0]);
  assert.throws(() => B.compare(bytes(), 'x'), { name: 'TypeError', message: /"buf2"/ });
  assert.equal(B.compareOffset(bytes(1, 2, 3), bytes(9, 2, 3), 1, 1, 3, 3), 0);
  assert.equal(B.compareOffset(bytes(1, 2, 3), bytes(9, 2, 3), 0, 0, 3, 3), -1);
  assert.throws(() => B.compareOffset(bytes(1), bytes(1), 0, 5, 1, 1), { code: 'ERR_OUT_OF_RANGE' });
  const dst = new Uint8Array(4);
  assert.equal(B.copy(bytes(1, 2, 3), dst, 2, 0, 3), 2);
  assert.deepEqual([...dst], [0, 0, 1, 2]);
  assert.equal(B.copy(bytes(1, 2, 3), dst, 9, 0, 3), 0);
  const self = bytes(1, 2, 3, 4); // overlapping copy
  B.copy(self, self, 1, 0, 3);
  assert.deepEqual([...self], [1, 1, 2, 3]);
});

test('fill: bytes, strings in an encoding, buffers; Node\'s -1 and -2', () => {
  const f = new Uint8Array(7);
  assert.equal(B.fill(f, 'ab', 1, 6, ENC.utf8), undefined);
  assert.deepEqual([...f], [0, 97, 98, 97, 98, 97, 0]);
  B.fill(f, 0x1ff, 0, 7);
  assert.deepEqual([...f], [255, 255, 255, 255, 255, 255, 255]);
  B.fill(f, 'abcd', 0, 7, ENC.hex);
  assert.deepEqual([...f], [0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab]);
  B.fill(f, bytes(1, 2, 3), 0, 7);
  assert.deepEqual([...f], [1, 2, 3, 1, 2, 3, 1]);
  assert.equal(B.fill(f, '', 0, 7, ENC.utf8), -1);
  assert.equal(B.fill(f, 'zz', 0, 7, ENC.hex), -1);
  assert.equal(B.fill(f, 1, 0, 8), -2);
  assert.equal(B.fill(f, 1, 5, 2), -2);
  assert.throws(() => B.fill(f, 'a', 0, 1, 99), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  // Node's buffer.js passes fill's encoding by name
  B.fill(f, 'ABCD', 0, 7, 'hex');
  assert.deepEqual([...f], [0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab]);
  B.fill(f, 'ÿa', 0, 4, 'latin1');
  assert.deepEqual([...f.subarray(0, 4)], [255, 97, 255, 97]);
  B.fill(f, 'a', 0, 2, 'UCS-2');
  assert.deepEqual([...f.subarray(0, 2)], [97, 0]);
  B.fill(f, 'é', 0, 2, undefined);
  assert.deepEqual([...f.subarray(0, 2)], [0xc3, 0xa9]);
  assert.throws(() => B.fill(f, 'a', 0, 1, 'klingon'), { name: 'TypeError', code: 'ERR_UNKNOWN_ENCODING', message: 'Unknown encoding: klingon' });
  assert.throws(() => B.fill(f, 'a', 0, 1, 'a-very-long-encoding-name'), { name: 'TypeError', code: 'ERR_UNKNOWN_ENCODING' });
  assert.throws(() => B.fill('f', 1, 0, 1), { name: 'TypeError', message: /"buf"/ });
});

test('indexOfString, indexOfBuffer, indexOfNumber: forward, backward, offsets', () => {
  const hay = bytes(97, 98, 99, 98, 99);
  assert.equal(B.indexOfString(hay, 'bc', 0, ENC.utf8, true), 1);
  assert.equal(B.indexOfString(hay, 'bc', 2, ENC.utf8, true), 3);
  assert.equal(B.indexOfString(hay, 'bc', -1, ENC.utf8, false), 3);
  assert.equal(B.indexOfString(hay, 'bc', 2, ENC.utf8, false), 1);
  assert.equal(B.indexOfString(hay, 'bc', -2, ENC.utf8, true), 3);
  assert.equal(B.indexOfString(hay, 'zz', 0, ENC.utf8, true), -1);
  assert.equal(B.indexOfString(hay, '6263', 0, ENC.hex, true), 1);
  assert.equal(B.indexOfString(hay, 'c', 99, ENC.utf8, true), -1);
  assert.equal(B.indexOfString(hay, '', 2, ENC.utf8, true), 2);
  assert.equal(B.indexOfBuffer(hay, bytes(99, 98), 0, ENC.utf8, true), 2);
  assert.equal(B.indexOfBuffer(hay, bytes(99), undefined, ENC.utf8, false), 4);
  const ucs = B.decode('abab', ENC.ucs2); // 61 00 62 00 61 00 62 00
  assert.equal(B.indexOfString(ucs, '\u6200', 0, ENC.ucs2, true), -1); // never across units
  assert.equal(B.indexOfString(ucs, 'b', 0, ENC.ucs2, true), 2);
  assert.equal(B.indexOfNumber(hay, 99, 0, true), 2);
  assert.equal(B.indexOfNumber(hay, 99 + 256, -1, false), 4);
  assert.equal(B.indexOfNumber(hay, 99, 3, false), 2);
  assert.equal(B.indexOfNumber(hay, 1, 0, true), -1);
  assert.throws(() => B.indexOfNumber(null, 1, 0, true), { name: 'TypeError', message: /"buffer"/ });
});

test('swap16/32/64, isUtf8, isAscii, the limits', () => {
  const s = bytes(1, 2, 3, 4, 5, 6, 7, 8);
  B.swap16(s);
  assert.deepEqual([...s], [2, 1, 4, 3, 6, 5, 8, 7]);
  B.swap32(s);
  assert.deepEqual([...s], [3, 4, 1, 2, 7, 8, 5, 6]);
  B.swap64(s);
  assert.deepEqual([...s], [6, 5, 8, 7, 2, 1, 4, 3]);
  assert.throws(() => B.swap32(bytes(1, 2)), { name: 'RangeError', code: 'ERR_INVALID_BUFFER_SIZE' });
  assert.deepEqual([B.isUtf8(bytes(0xe2, 0x82, 0xac)), B.isUtf8(bytes(0xe2, 0x82)), B.isUtf8(bytes(0xed, 0xa0, 0x80))], [true, false, false]);
  assert.deepEqual([B.isAscii(bytes(1, 127)), B.isAscii(bytes(128))], [true, false]);
  assert.throws(() => B.isUtf8('x'), { name: 'TypeError', message: /"input"/ });
  assert.equal(typeof B.kMaxLength, 'number');
  assert.equal(B.kStringMaxLength, 2 ** 30 - 1);
});

test('util.classOf: the engine\'s class, not what the value says of itself', () => {
  const m = new Map();
  const cases = [
    [{}, 'Object'], [[], 'Array'], [new TypeError(), 'Error'], [new Date(), 'Date'], [/x/, 'RegExp'],
    [m, 'Map'], [new Set(), 'Set'], [new WeakMap(), 'WeakMap'], [m.keys(), 'Map Iterator'],
    [new Set().values(), 'Set Iterator'], [new Proxy([], {}), 'Proxy'], [Promise.resolve(), 'Promise'],
    [async () => 1, 'AsyncFunction'], [function* g() {}, 'GeneratorFunction'], [(function* g() {})(), 'Generator'],
    [new Uint8Array(1), 'Uint8Array'], [new ArrayBuffer(1), 'ArrayBuffer'], [(function () { return arguments; })(), 'Arguments'],
    [Object(1n), 'BigInt'], [Object('s'), 'String'], [new (class extends Map {})(), 'Map'],
    [{ [Symbol.toStringTag]: 'Map' }, 'Object'], [Object.setPrototypeOf({}, Map.prototype), 'Object'],
  ];
  for (const [v, want] of cases) assert.equal(U.classOf(v), want, want);
  for (const prim of [1, 's', null, undefined, 1n, Symbol()]) assert.equal(U.classOf(prim), undefined);
  assert.equal(U.classOf(P), 'Object');
});

test('util.previewEntries: collections and iterators, without moving them', () => {
  const m = new Map([[1, 'a'], [2, 'b'], [3, 'c']]);
  const it = m.entries();
  it.next();
  assert.deepEqual(U.previewEntries(m), [[1, 'a', 2, 'b', 3, 'c'], true]);
  assert.deepEqual(U.previewEntries(it), [[2, 'b', 3, 'c'], true]);
  assert.deepEqual(U.previewEntries(m.values()), [['a', 'b', 'c'], false]);
  assert.deepEqual(U.previewEntries(m.keys()), [[1, 2, 3], false]);
  assert.deepEqual([...it], [[2, 'b'], [3, 'c']]);
  assert.deepEqual(U.previewEntries(it), [[], true]); // finished
  const s = new Set(['x', 'y']);
  s.delete('x');
  s.add('z');
  assert.deepEqual(U.previewEntries(s), [['y', 'z'], false]);
  assert.deepEqual(U.previewEntries(s.entries()), [['y', 'y', 'z', 'z'], true]);
  const key = {};
  assert.deepEqual(U.previewEntries(new WeakMap([[key, 1]])), [[key, 1], true]);
  assert.deepEqual(U.previewEntries(new WeakSet([key])), [[key], false]);
  for (const other of [{}, [], 1, null, 'x', [1].values()]) assert.equal(U.previewEntries(other), undefined);
});

test('util.guessHandleType names what a descriptor is', () => {
  assert.ok(['FILE', 'PIPE', 'TTY', 'UNKNOWN', 'TCP', 'UDP'].includes(U.guessHandleType(1)));
  assert.equal(U.guessHandleType(987654), 'UNKNOWN');
  assert.throws(() => U.guessHandleType('1'), { name: 'TypeError', message: /"fd" argument/ });
  assert.throws(() => U.guessHandleType(-1), { name: 'RangeError' });
});

test('util.ownNonIndexProperties: V8\'s GetOwnNonIndexProperties with Node\'s filters', () => {
  const ONLY_WRITABLE = 1, ONLY_ENUMERABLE = 2, SKIP_STRINGS = 8, SKIP_SYMBOLS = 16;
  const s = Symbol('s');
  const o = { b: 1, a: 2, 3: 'x', [s]: 1 };
  Object.defineProperty(o, 'hidden', { value: 1, enumerable: false });
  Object.defineProperty(o, 'acc', { get() {}, set(v) {}, enumerable: true });
  Object.defineProperty(o, 'ro', { get() {}, enumerable: true });
  Object.defineProperty(o, 'fixed', { value: 1, writable: false, enumerable: true });
  const keys = (v, f) => U.ownNonIndexProperties(v, f);
  // what Node 20 answers for the same objects
  assert.deepEqual(keys(o, 0), ['b', 'a', 'hidden', 'acc', 'ro', 'fixed', s]);
  assert.deepEqual(keys(o, ONLY_ENUMERABLE), ['b', 'a', 'acc', 'ro', 'fixed', s]);
  assert.deepEqual(keys(o, ONLY_WRITABLE), ['b', 'a', 'acc', 'ro', s]); // accessors pass, as in V8
  assert.deepEqual(keys(o, SKIP_STRINGS), [s]);
  assert.deepEqual(keys(o, SKIP_SYMBOLS), ['b', 'a', 'hidden', 'acc', 'ro', 'fixed']);
  const big = new Uint8Array(1 << 20);
  big.extra = 1;
  assert.deepEqual(keys(big, ONLY_ENUMERABLE), ['extra']);
  const arr = [1, 2];
  arr.x = 1;
  arr[10] = 5;
  assert.deepEqual([keys(arr, 0), keys(arr, ONLY_ENUMERABLE)], [['length', 'x'], ['x']]);
  assert.deepEqual(keys(new Proxy(o, {}), ONLY_ENUMERABLE), ['b', 'a', 'acc', 'ro', 'fixed', s]);
  assert.deepEqual(keys({ 4294967295: 1, 4294967294: 2 }, 0), ['4294967295']); // not an index: 2^32-1
  delete o.b;
  assert.deepEqual(keys(o, SKIP_SYMBOLS | ONLY_ENUMERABLE), ['a', 'acc', 'ro', 'fixed']);
  assert.throws(() => keys(1, 0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"object" argument/ });
});

test('util.sleep blocks for the time given; bad input', () => {
  const start = process.hrtime.bigint();
  U.sleep(5);
  assert.ok(process.hrtime.bigint() - start >= 5_000_000n);
  assert.throws(() => U.sleep('5'), { name: 'TypeError', message: /"msec" argument/ });
  assert.throws(() => U.sleep(-1), { name: 'RangeError' });
});

// Random bytes and strings through every codec (tests/js/fixtures/buffer_codecs.mjs):
// Node 20's Buffer gives 15000 results whose hash is this one.
test('15000 random codec results equal Node\'s', () => {
  assert.deepEqual(codecResults(primordialCodecs(B)), [15000, 3699919539]);
});

test('isAscii/isUtf8 of a detached buffer throw ERR_INVALID_STATE; fill with a non-buffer object', () => {
  const ab = new ArrayBuffer(8);
  const view = new Uint8Array(ab);
  structuredClone(ab, { transfer: [ab] });
  for (const v of [ab, view]) {
    assert.throws(() => B.isAscii(v), { code: 'ERR_INVALID_STATE', message: 'Cannot validate on a detached buffer' });
    assert.throws(() => B.isUtf8(v), { code: 'ERR_INVALID_STATE' });
  }
  assert.equal(B.isAscii(new Uint8Array(0)), true);
  // Node's C++ fill: what is not a buffer or string is a number ([] is 0)
  assert.deepEqual([...Buffer.alloc(3, [])], [0, 0, 0]);
  assert.deepEqual([...Buffer.alloc(2, [7])], [7, 7]);
  assert.deepEqual([...Buffer.alloc(2, { valueOf: () => 258 })], [2, 2]);
});
