// corojs:encoding: TextEncoder and TextDecoder (UTF-8, as in the WHATWG
// Encoding standard: invalid bytes become U+FFFD unless `fatal`).

import P from 'corojs:internal/primordials';
import { concatBytes } from 'corojs:internal/bytes';
import { ERR_ENCODING_NOT_SUPPORTED, ERR_INVALID_ARG_TYPE } from 'corojs:internal/errors';

const E = P.encoding;
const labels = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']);

function bytesOf(input) {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw ERR_INVALID_ARG_TYPE('input', ['ArrayBuffer', 'ArrayBufferView'], input);
}

export class TextEncoder {
  get encoding() { return 'utf-8'; }

  encode(input = '') {
    return E.encode(String(input));
  }

  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) throw ERR_INVALID_ARG_TYPE('destination', 'Uint8Array', destination);
    const [read, written] = E.encodeInto(String(source), destination);
    return { read, written };
  }
}

export class TextDecoder {
  #fatal;
  #ignoreBOM;
  #pending = null; // bytes of a character split by the end of a chunk
  #started = false;

  constructor(label = 'utf-8', options = {}) {
    const name = String(label).trim().toLowerCase();
    if (!labels.has(name)) throw ERR_ENCODING_NOT_SUPPORTED(label);
    this.#fatal = Boolean(options.fatal);
    this.#ignoreBOM = Boolean(options.ignoreBOM);
  }

  get encoding() { return 'utf-8'; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }

  decode(input, options = {}) {
    const stream = Boolean(options.stream);
    let bytes = bytesOf(input);
    if (this.#pending) {
      bytes = concatBytes([this.#pending, bytes]);
      this.#pending = null;
    }
    if (stream) {
      const tail = E.tail(bytes);
      if (tail) {
        this.#pending = bytes.slice(bytes.length - tail);
        bytes = bytes.subarray(0, bytes.length - tail);
      }
    }
    if (!this.#started && !this.#ignoreBOM && bytes.length >= 3 &&
        bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3);
    }
    this.#started = stream && (this.#started || bytes.length > 0);
    try {
      return E.decode(bytes, this.#fatal);
    } finally {
      if (!stream) this.#pending = null;
    }
  }
}

export default { TextEncoder, TextDecoder };
