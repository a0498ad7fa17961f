// internalBinding('buffer'): the byte work Node's buffer.js leaves to C++ --
// in C where __primordials.buffer has it (below), else
// the string codecs (utf8 over __primordials.encoding, which is C; latin1,
// ascii, ucs2, hex, base64 and base64url here, in JS), search, compare, fill
// and byte swaps, with the argument checks and return codes of Node's
// node_buffer.cc. The *Slice and *Write functions are Buffer.prototype
// methods (`this` is the buffer).

import P from 'corojs:internal/primordials';

const E = P.encoding;

function coded(Ctor, code, message) {
  const e = new Ctor(message);
  e.code = code;
  return e;
}
const outOfRange = () => coded(RangeError, 'ERR_OUT_OF_RANGE', 'Index out of range');

// An index argument: undefined is `def`, a negative one is out of range.
function index(value, def) {
  if (value === undefined) return def;
  const n = Math.trunc(Number(value)) || 0;
  if (n < 0) throw outOfRange();
  return n;
}

// --- slices: bytes [start, end) of `this` as a string

function sliceRange(buf, start, end) {
  if (buf.length === 0) return null;
  const s = index(start, 0);
  let e = index(end, buf.length);
  if (e < s) e = s;
  if (e > buf.length) throw outOfRange();
  return buf.subarray(s, e);
}

// String.fromCharCode over chunks (its argument count is bounded).
function charCodes(bytes, mask) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode.apply(null, mask === 0xff ? chunk : chunk.map((b) => b & mask));
  }
  return out;
}

const hexDigits = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const urlAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64(bytes, chars, pad) {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += chars[n >> 18] + chars[(n >> 12) & 63] + chars[(n >> 6) & 63] + chars[n & 63];
  }
  if (i < bytes.length) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += chars[n >> 18] + chars[(n >> 12) & 63];
    out += i + 1 < bytes.length ? chars[(n >> 6) & 63] + (pad ? '=' : '') : pad ? '==' : '';
  }
  return out;
}

function toUcs2(bytes) {
  let out = '';
  const n = bytes.length & ~1;
  for (let i = 0; i < n; i += 16384) {
    const end = Math.min(n, i + 16384);
    const units = new Array((end - i) >> 1);
    for (let j = i; j < end; j += 2) units[(j - i) >> 1] = bytes[j] | (bytes[j + 1] << 8);
    out += String.fromCharCode.apply(null, units);
  }
  return out;
}

const slicers = {
  utf8: (b) => E.decode(b, false),
  latin1: (b) => charCodes(b, 0xff),
  ascii: (b) => charCodes(b, 0x7f),
  ucs2: toUcs2,
  hex: (b) => {
    let out = '';
    for (let i = 0; i < b.length; i++) out += hexDigits[b[i]];
    return out;
  },
  base64: (b) => toBase64(b, alphabet, true),
  base64url: (b) => toBase64(b, urlAlphabet, false),
};

// --- writes: the string's bytes into `dest`, as many as fit; returns how many

// Base64 of either alphabet, as Node's forgiving decoder reads it: other
// characters are skipped, the first '=' ends the data.
const base64Values = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  base64Values[alphabet.charCodeAt(i)] = i;
  base64Values[urlAlphabet.charCodeAt(i)] = i;
}

function writeBase64(dest, str) {
  let bits = 0, nbits = 0, n = 0;
  for (let i = 0; i < str.length && n < dest.length; i++) {
    const c = str.charCodeAt(i);
    if (c === 61) break; // '='
    const v = c < 256 ? base64Values[c] : -1;
    if (v < 0) continue;
    bits = ((bits << 6) | v) & 0xffffff;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      dest[n++] = (bits >> nbits) & 0xff;
    }
  }
  return n;
}

function hexValue(c) {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 0x20;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

function writeHex(dest, str) {
  let n = 0;
  for (; n < dest.length && 2 * n + 1 < str.length; n++) {
    const hi = hexValue(str.charCodeAt(2 * n)), lo = hexValue(str.charCodeAt(2 * n + 1));
    if (hi < 0 || lo < 0) break;
    dest[n] = (hi << 4) | lo;
  }
  return n;
}

function writeLatin1(dest, str) {
  const n = Math.min(dest.length, str.length);
  for (let i = 0; i < n; i++) dest[i] = str.charCodeAt(i);
  return n;
}

function writeUcs2(dest, str) {
  const n = Math.min(dest.length >> 1, str.length);
  for (let i = 0; i < n; i++) {
    const c = str.charCodeAt(i);
    dest[2 * i] = c & 0xff;
    dest[2 * i + 1] = c >> 8;
  }
  return 2 * n;
}

const writers = {
  utf8: (dest, str) => E.encodeInto(str, dest)[1],
  latin1: writeLatin1,
  ascii: writeLatin1,
  ucs2: writeUcs2,
  hex: writeHex,
  base64: writeBase64,
  base64url: writeBase64,
};

function stringWrite(buf, write, string, offset, length) {
  if (typeof string !== 'string')
    throw coded(TypeError, 'ERR_INVALID_ARG_TYPE', 'argument must be a string');
  const start = index(offset, 0);
  if (start > buf.length)
    throw coded(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', '"offset" is outside of buffer bounds');
  const max = Math.min(buf.length - start, index(length, buf.length - start));
  return max === 0 ? 0 : write(buf.subarray(start, start + max), string);
}

const binding = {
  kMaxLength: 2 ** 32,
  kStringMaxLength: 2 ** 29 - 24,
  // QuickJS zero-fills every new ArrayBuffer; Node's toggle has nothing to turn.
  getZeroFillToggle: () => new Uint32Array(1),
  byteLengthUtf8: (str) => E.encode(str).length,
};
for (const [name, slice] of Object.entries(slicers)) {
  binding[`${name}Slice`] = function (start, end) {
    const bytes = sliceRange(this, start, end);
    return bytes === null ? '' : slice(bytes);
  };
  binding[`${name}Write`] = function (string, offset, length) {
    return stringWrite(this, writers[name], string, offset, length);
  };
}

// --- search

// Where a search of a needle of `needle` bytes starts (Node's IndexOfOffset).
function searchStart(length, offset, needle, forward) {
  if (offset < 0) {
    if (offset + length >= 0) return length + offset;
    return forward || needle === 0 ? 0 : -1;
  }
  if (offset + needle <= length) return offset;
  if (needle === 0) return length;
  return forward ? -1 : length - 1;
}

function search(hay, needle, offset, forward, step = 1) {
  const start = searchStart(hay.length, offset, needle.length, forward);
  if (needle.length === 0) return start;
  if (hay.length === 0 || start < 0 || needle.length > hay.length) return -1;
  if (forward && needle.length + start > hay.length) return -1;
  const last = hay.length - needle.length;
  const matches = (i) => {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) return false;
    return true;
  };
  if (forward) {
    for (let i = start - (start % step); i <= last; i += step) if (matches(i)) return i;
  } else {
    for (let i = Math.min(start, last); i >= 0; i--) if (i % step === 0 && matches(i)) return i;
  }
  return -1;
}

const encodingNames = ['ascii', 'utf8', 'base64', 'ucs2', 'latin1', 'hex', 'buffer', 'base64url'];

function stringBytes(str, enc) {
  const name = encodingNames[enc] ?? 'utf8';
  if (name === 'utf8' || name === 'buffer') return E.encode(str);
  const out = new Uint8Array(name === 'ucs2' ? str.length * 2 : str.length * 3);
  return out.subarray(0, writers[name](out, str));
}

binding.indexOfString = (buf, str, offset, enc, forward) =>
  search(buf, stringBytes(str, enc), Number(offset), forward, encodingNames[enc] === 'ucs2' ? 2 : 1);
binding.indexOfBuffer = (buf, needle, offset, enc, forward) =>
  search(buf, needle, Number(offset), forward, encodingNames[enc] === 'ucs2' ? 2 : 1);
binding.indexOfNumber = (buf, num, offset, forward) => {
  const start = searchStart(buf.length, Number(offset), 1, forward);
  if (start < 0 || buf.length === 0) return -1;
  return forward ? buf.indexOf(num & 0xff, start) : buf.lastIndexOf(num & 0xff, start);
};

// --- compare, fill, swap

function order(diff, a, b) {
  if (diff === 0) return a > b ? 1 : a < b ? -1 : 0;
  return diff > 0 ? 1 : -1;
}

function compareBytes(a, b, n) {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

binding.compare = (a, b) => order(compareBytes(a, b, Math.min(a.length, b.length)), a.length, b.length);

binding.compareOffset = (source, target, targetStart, sourceStart, targetEnd, sourceEnd) => {
  if (sourceStart > source.length)
    throw coded(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "sourceStart" is out of range.');
  if (targetStart > target.length)
    throw coded(RangeError, 'ERR_OUT_OF_RANGE', 'The value of "targetStart" is out of range.');
  const n = Math.min(sourceEnd - sourceStart, targetEnd - targetStart, source.length - sourceStart);
  const diff = n > 0 ? compareBytes(source.subarray(sourceStart), target.subarray(targetStart), n) : 0;
  return order(diff, sourceEnd - sourceStart, targetEnd - targetStart);
};

// fill(buf, value, start, end, encoding): -1 when value gives no bytes, -2
// when the range is outside buf.
binding.fill = (buf, value, start, end, encoding) => {
  if (start > end || end > buf.length) return -2;
  let bytes;
  if (typeof value === 'string') {
    const enc = encodingNames.indexOf(encoding === 'utf16le' ? 'ucs2' : encoding ?? 'utf8');
    bytes = stringBytes(value, enc < 0 ? 1 : enc);
  } else if (ArrayBuffer.isView(value)) {
    bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  } else {
    buf.fill(Number(value) & 255, start, end);
    return undefined;
  }
  if (bytes.length === 0) return -1;
  for (let at = start; at < end; at += bytes.length) buf.set(bytes.subarray(0, end - at), at);
  return undefined;
};

function swapper(size) {
  return (buf) => {
    for (let i = 0; i + size <= buf.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = buf[a];
        buf[a] = buf[b];
        buf[b] = t;
      }
    }
    return buf;
  };
}
binding.swap16 = swapper(2);
binding.swap32 = swapper(4);
binding.swap64 = swapper(8);

function bytesOf(input) {
  return ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    : new Uint8Array(input);
}
binding.isAscii = (input) => bytesOf(input).every((b) => b < 0x80);
binding.isUtf8 = (input) => {
  try {
    E.decode(bytesOf(input), true);
    return true;
  } catch {
    return false;
  }
};

// btoa(latin1 string) -> base64, or -1 for a character above U+00FF.
binding.btoa = (str) => {
  const bytes = new Uint8Array(str.length);
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c > 0xff) return -1;
    bytes[i] = c;
  }
  return toBase64(bytes, alphabet, true);
};

// atob(base64) -> latin1 string (the HTML forgiving-base64 decode), or -2 for
// an invalid character, -1 for a length that cannot be base64.
binding.atob = (input) => {
  let str = input.replace(/[\t\n\f\r ]/g, '');
  if (str.length % 4 === 0) str = str.replace(/={1,2}$/, '');
  if (str.length % 4 === 1) return /[^A-Za-z0-9+/]/.test(str) ? -2 : -1;
  if (/[^A-Za-z0-9+/]/.test(str)) return -2;
  const out = new Uint8Array((str.length * 3) >> 2);
  return charCodes(out.subarray(0, writeBase64(out, str)), 0xff);
};

// Buffer's C half (src/prim/buffer.c, __primordials.buffer: the same names
// and conventions, in C) replaces these where the build has it.
// Its fill takes the encoding by number; Node's buffer.js gives its name.
for (const name of Object.getOwnPropertyNames(P.buffer ?? {})) binding[name] = P.buffer[name];
const encodingNumber = (name) => {
  const n = encodingNames.indexOf(name === 'utf16le' ? 'ucs2' : name);
  return n < 0 ? 1 : n;
};
if (P.buffer) {
  binding.fill = (buf, value, start, end, encoding) =>
    P.buffer.fill(buf, value, start, end, typeof encoding === 'string' ? encodingNumber(encoding) : encoding);
}

export default binding;
