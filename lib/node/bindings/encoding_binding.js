// internalBinding('encoding_binding'): UTF-8 for Node's TextEncoder and
// TextDecoder, over __primordials.encoding (C).
import P from 'corojs:internal/primordials';

const E = P.encoding;
const encodeIntoResults = new Uint32Array(2);

export default {
  encodeIntoResults,
  encodeUtf8String: (s) => E.encode(s),
  encodeInto(src, dest) {
    const [read, written] = E.encodeInto(src, dest);
    encodeIntoResults[0] = read;
    encodeIntoResults[1] = written;
  },
  decodeUTF8(input, ignoreBOM, fatal) {
    let bytes = ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
      : new Uint8Array(input);
    if (!ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    return E.decode(bytes, fatal);
  },
  toASCII: (s) => P.util.importSync('corojs:internal/idna').domainToASCII(s),
};
