// corojs:internal/node/webcrypto: the global `crypto` --
// getRandomValues and randomUUID over the system's CSPRNG
// (__primordials.os.randomFill), and crypto.subtle: Node's SubtleCrypto
// (lib/internal/crypto/webcrypto.js over internalBinding('crypto')), loaded
// on first use so that the global stays cheap.
import P from 'corojs:internal/primordials';
import { domException, requireNode } from 'corojs:internal/node/builtins';

const integerArrays = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];

function getRandomValues(array) {
  const kind = P.util.classOf(array);
  if (!integerArrays.includes(kind)) {
    const DOMException = domException();
    throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
  }
  if (array.byteLength > 65536) {
    const DOMException = domException();
    throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of ` +
      'bytes of entropy available via this API (65536)', 'QuotaExceededError');
  }
  P.os.randomFill(array);
  return array;
}

const hex = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

// A version 4 UUID (RFC 4122): 122 random bits.
function randomUUID() {
  const b = new Uint8Array(16);
  P.os.randomFill(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => hex[x]);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-` +
    `${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}

class Crypto {
  getRandomValues(array) {
    if (!(this instanceof Crypto)) {
      throw Object.assign(new TypeError('Value of "this" must be of type Crypto'), { code: 'ERR_INVALID_THIS' });
    }
    if (arguments.length === 0) throw Object.assign(new TypeError('The "typedArray" argument must be specified'), { code: 'ERR_MISSING_ARGS' });
    return getRandomValues(array);
  }

  randomUUID() { return randomUUID(); }

  get subtle() { return requireNode('internal/crypto/webcrypto').crypto.subtle; }

  get [Symbol.toStringTag]() { return 'Crypto'; }
}

export const crypto = new Crypto();
export default crypto;
