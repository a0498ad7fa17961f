// internalBinding('string_decoder'): the decoder Node's string_decoder.js
// drives. Its state lives in a small Buffer Node's JS allocates (kSize
// bytes): the bytes of a character not finished yet, how many are buffered
// and missing, and the encoding (Node's enum encoding, `encodings` below).
import buffer from 'corojs:internal/node/bindings/buffer';

export const encodings = ['ascii', 'utf8', 'base64', 'utf16le', 'latin1', 'hex', 'buffer', 'base64url'];
const [ASCII, UTF8, BASE64, UCS2, LATIN1, HEX, BUFFER, BASE64URL] = encodings.keys();
const kIncompleteCharactersStart = 0, kIncompleteCharactersEnd = 4, kMissingBytes = 4, kBufferedBytes = 5;
const kEncodingField = 6, kNumFields = 7;

const slice = {
  [UTF8]: buffer.utf8Slice, [UCS2]: buffer.ucs2Slice, [BASE64]: buffer.base64Slice,
  [BASE64URL]: buffer.base64urlSlice, [LATIN1]: buffer.latin1Slice, [ASCII]: buffer.asciiSlice,
  [HEX]: buffer.hexSlice, [BUFFER]: buffer.latin1Slice,
};
const text = (enc, bytes) => (bytes.length ? slice[enc].call(bytes, 0, bytes.length) : '');

// UTF-16LE as Node's C++ does it: the bytes buffered first take what they
// miss from the chunk (a high surrogate then waits for its pair); of the
// rest, an odd last byte or a last high surrogate waits for the next chunk.
function decodeUcs2(state, input) {
  let buffered = state[kBufferedBytes], missing = state[kMissingBytes], out = '', i = 0;
  while (buffered > 0 && i < input.length) {
    state[buffered++] = input[i++];
    if (--missing > 0) continue;
    const unit = state[0] | (state[1] << 8);
    if (buffered === 2 && unit >= 0xd800 && unit <= 0xdbff) {
      missing = 2;
      continue;
    }
    out += text(UCS2, state.subarray(0, buffered));
    buffered = 0;
  }
  const rest = input.subarray(i);
  if (rest.length > 0) {
    const keep = rest.length % 2 ? 1 : (rest[rest.length - 1] & 0xfc) === 0xd8 ? 2 : 0;
    out += text(UCS2, rest.subarray(0, rest.length - keep));
    state.set(rest.subarray(rest.length - keep), 0);
    buffered = missing = keep;
  }
  state[kBufferedBytes] = buffered;
  state[kMissingBytes] = missing;
  return out;
}

// How many bytes at the end of a UTF-8 chunk begin a character the next
// chunk finishes, and how many it misses (Node's rules: a lead byte that
// cannot start a character, or trailing bytes without one, are left to the
// decoder, which replaces them).
function utf8Tail(data) {
  if (!(data[data.length - 1] & 0x80)) return [0, 0];
  for (let i = data.length - 1, buffered = 1; ; i--, buffered++) {
    const b = data[i];
    if ((b & 0xc0) === 0x80) {
      if (buffered >= 4 || i === 0) return [0, 0];
      continue;
    }
    const length = (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 0;
    return length === 0 || buffered >= length ? [0, 0] : [buffered, length - buffered];
  }
}

// UTF-8 and base64 as Node's C++ does it: the bytes buffered first take
// what they miss from the chunk (for UTF-8, up to a byte that cannot
// continue the character), then the end of the chunk may wait in turn.
function decode(state, chunk) {
  const enc = state[kEncodingField];
  let data = ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    : new Uint8Array(chunk);
  if (enc === UCS2) return decodeUcs2(state, data);
  let buffered = state[kBufferedBytes], missing = state[kMissingBytes], prepend = '';
  if (missing > 0) {
    for (let i = 0; enc === UTF8 && i < data.length && i < missing; i++) {
      if ((data[i] & 0xc0) !== 0x80) {
        missing = 0;
        state.set(data.subarray(0, i), buffered);
        buffered += i;
        data = data.subarray(i);
        break;
      }
    }
    const found = Math.min(data.length, missing);
    state.set(data.subarray(0, found), buffered);
    data = data.subarray(found);
    missing -= found;
    buffered += found;
    if (missing === 0) {
      prepend = text(enc, state.subarray(0, buffered));
      buffered = 0;
    }
  }
  if (data.length > 0) {
    if (enc === UTF8) {
      [buffered, missing] = utf8Tail(data);
    } else if (enc === BASE64 || enc === BASE64URL) {
      buffered = data.length % 3;
      missing = buffered ? 3 - buffered : 0;
    }
    state.set(data.subarray(data.length - buffered), kIncompleteCharactersStart);
    data = data.subarray(0, data.length - buffered);
  }
  state[kBufferedBytes] = buffered;
  state[kMissingBytes] = missing;
  return prepend + text(enc, data);
}

function flush(state) {
  const enc = state[kEncodingField];
  let n = state[kBufferedBytes];
  if (enc === UCS2 && n % 2 === 1) n--;
  state[kBufferedBytes] = 0;
  state[kMissingBytes] = 0;
  return n === 0 ? '' : text(enc, state.slice(0, n));
}

export default {
  encodings, decode, flush,
  kIncompleteCharactersStart, kIncompleteCharactersEnd, kMissingBytes, kBufferedBytes, kEncodingField,
  kNumFields, kSize: kNumFields,
};
