import { test, assert } from './harness.mjs';

const enc = new TextEncoder();
const bytes = (...b) => new Uint8Array(b);

test('encode: ASCII, multi-byte, astral', () => {
  assert.deepEqual(enc.encode('A'), bytes(0x41));
  assert.deepEqual(enc.encode('é'), bytes(0xc3, 0xa9));
  assert.deepEqual(enc.encode('€'), bytes(0xe2, 0x82, 0xac));
  assert.deepEqual(enc.encode('😀'), bytes(0xf0, 0x9f, 0x98, 0x80));
  assert.deepEqual(enc.encode(), bytes());
  assert.equal(enc.encoding, 'utf-8');
});

test('encode: a lone surrogate becomes U+FFFD', () => {
  assert.deepEqual(enc.encode('a\ud800b'), bytes(0x61, 0xef, 0xbf, 0xbd, 0x62));
  assert.deepEqual(enc.encode('\udc00'), bytes(0xef, 0xbf, 0xbd));
});

test('encodeInto writes whole characters only', () => {
  const dst = new Uint8Array(5);
  assert.deepEqual(enc.encodeInto('a€😀', dst), { read: 2, written: 4 });
  assert.deepEqual(dst.subarray(0, 4), bytes(0x61, 0xe2, 0x82, 0xac));
  assert.deepEqual(enc.encodeInto('😀', new Uint8Array(4)), { read: 2, written: 4 });
  assert.throws(() => enc.encodeInto('x', []), { name: 'TypeError' });
});

test('decode: valid text round-trips', () => {
  const s = 'héllo wörld € 😀 日本';
  assert.equal(new TextDecoder().decode(enc.encode(s)), s);
  assert.equal(new TextDecoder().decode(enc.encode(s).buffer), s);
  assert.equal(new TextDecoder().decode(new DataView(enc.encode(s).buffer)), s);
  assert.equal(new TextDecoder().decode(), '');
});

test('decode: each invalid sequence becomes one U+FFFD', () => {
  const d = new TextDecoder();
  assert.equal(d.decode(bytes(0xff)), '\ufffd');
  assert.equal(d.decode(bytes(0x61, 0x80, 0x62)), 'a\ufffdb');
  assert.equal(d.decode(bytes(0xc0, 0xaf)), '\ufffd\ufffd', 'overlong');
  assert.equal(d.decode(bytes(0xed, 0xa0, 0x80)), '\ufffd\ufffd\ufffd', 'encoded surrogate');
  assert.equal(d.decode(bytes(0xe2, 0x82)), '\ufffd', 'cut off at the end');
  assert.equal(d.decode(bytes(0xe2, 0x82, 0x41)), '\ufffdA', 'maximal subpart');
  assert.equal(d.decode(bytes(0xf4, 0x90, 0x80, 0x80)), '\ufffd\ufffd\ufffd\ufffd', 'above U+10FFFF');
});

test('decode with fatal throws on invalid input', () => {
  const d = new TextDecoder('utf-8', { fatal: true });
  assert.equal(d.fatal, true);
  assert.throws(() => d.decode(bytes(0xff)), { name: 'TypeError', code: 'ERR_ENCODING_INVALID_ENCODED_DATA' });
  assert.equal(d.decode(bytes(0x41)), 'A');
});

test('decode with stream keeps a character split between chunks', () => {
  const d = new TextDecoder();
  const euro = enc.encode('€');
  assert.equal(d.decode(euro.subarray(0, 1), { stream: true }), '');
  assert.equal(d.decode(euro.subarray(1, 2), { stream: true }), '');
  assert.equal(d.decode(euro.subarray(2), { stream: true }), '€');
  const emoji = enc.encode('x😀');
  assert.equal(d.decode(emoji.subarray(0, 3), { stream: true }), 'x');
  assert.equal(d.decode(emoji.subarray(3)), '😀');
  assert.equal(d.decode(bytes(0xe2), { stream: true }), '');
  assert.equal(d.decode(), '\ufffd', 'the end flushes an unfinished character');
});

test('decode strips the BOM unless ignoreBOM', () => {
  assert.equal(new TextDecoder().decode(bytes(0xef, 0xbb, 0xbf, 0x41)), 'A');
  assert.equal(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes(0xef, 0xbb, 0xbf, 0x41)), '\ufeffA');
});

test('labels: utf-8 aliases accepted, other encodings refused', () => {
  assert.equal(new TextDecoder('UTF8').encoding, 'utf-8');
  assert.equal(new TextDecoder(' unicode-1-1-utf-8 ').encoding, 'utf-8');
  assert.throws(() => new TextDecoder('latin1'), { name: 'RangeError', code: 'ERR_ENCODING_NOT_SUPPORTED' });
  assert.throws(() => new TextDecoder().decode('text'), { name: 'TypeError' });
});
