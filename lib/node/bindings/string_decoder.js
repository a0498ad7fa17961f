// internalBinding('string_decoder'): the decoder Node's string_decoder.js
// drives. Its state lives in a small Buffer Node's JS allocates (kSize
// bytes): the bytes of a character not finished yet, how many are buffered
// and missing, and the encoding (Node's enum encoding, `encodings` below).
import P from 'corojs:internal/primordials';
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

// How many bytes at the end of `bytes` must wait for the next chunk, and how
// many more that character needs.
function pending(enc, bytes) {
  if (enc === UTF8) {
    const tail = P.encoding.tail(bytes);
    if (tail === 0) return [0, 0];
    const lead = bytes[bytes.length - tail];
    return [tail, (lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2) - tail];
  }
  if (enc === UCS2) {
    if (bytes.length % 2 === 1) return [1, 1];
    const last = bytes.length >= 2 ? bytes[bytes.length - 2] | (bytes[bytes.length - 1] << 8) : 0;
    return last >= 0xd800 && last <= 0xdbff ? [2, 2] : [0, 0];
  }
  if (enc === BASE64 || enc === BASE64URL) {
    const rest = bytes.length % 3;
    return [rest, rest ? 3 - rest : 0];
  }
  return [0, 0];
}

function decode(state, chunk) {
  const enc = state[kEncodingField];
  const input = ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    : new Uint8Array(chunk);
  const buffered = state[kBufferedBytes];
  let bytes = input;
  if (buffered) {
    bytes = new Uint8Array(buffered + input.length);
    bytes.set(state.subarray(0, buffered));
    bytes.set(input, buffered);
  }
  const [tail, missing] = pending(enc, bytes);
  state.set(bytes.subarray(bytes.length - tail), kIncompleteCharactersStart);
  state[kBufferedBytes] = tail;
  state[kMissingBytes] = missing;
  return text(enc, bytes.subarray(0, bytes.length - tail));
}

function flush(state) {
  const enc = state[kEncodingField];
  let n = state[kBufferedBytes];
  if (enc === UCS2 && n % 2 === 1) n--;
  state[kBufferedBytes] = 0;
  state[kMissingBytes] = 0;
  if (n === 0) return '';
  return enc === UTF8 ? '\ufffd' : text(enc, state.slice(0, n));
}

export default {
  encodings, decode, flush,
  kIncompleteCharactersStart, kIncompleteCharactersEnd, kMissingBytes, kBufferedBytes, kEncodingField,
  kNumFields, kSize: kNumFields,
};
