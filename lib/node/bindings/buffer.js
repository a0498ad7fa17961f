// internalBinding('buffer'): the byte work Node's buffer.js leaves to C++ --
// Buffer's C half, src/prim/buffer.c (__primordials.buffer: the codecs, search,
// compare, fill and swaps under Node's names and conventions), and here
// what it has not: atob and btoa (HTML's forgiving base64, over its base64
// codec) and the zero-fill toggle.
import P from 'corojs:internal/primordials';

const B = P.buffer;
const latin1 = (bytes) => B.latin1Slice.call(bytes, 0, bytes.length);

// btoa(latin1 string) -> base64, or -1 for a character above U+00FF.
function btoa(str) {
  const bytes = new Uint8Array(str.length);
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c > 0xff) return -1;
    bytes[i] = c;
  }
  return B.base64Slice.call(bytes, 0, bytes.length);
}

// atob(base64) -> latin1 string (the HTML forgiving-base64 decode), or -2 for
// an invalid character, -1 for a length that cannot be base64.
function atob(input) {
  let str = input.replace(/[\t\n\f\r ]/g, '');
  if (str.length % 4 === 0) str = str.replace(/={1,2}$/, '');
  if (/[^A-Za-z0-9+/]/.test(str)) return -2;
  if (str.length % 4 === 1) return -1;
  const out = new Uint8Array((str.length * 3) >> 2);
  return latin1(out.subarray(0, B.base64Write.call(out, str, 0, out.length)));
}

const binding = { atob, btoa };
for (const name of Object.getOwnPropertyNames(B)) binding[name] = B[name];
// copyArrayBuffer(destination, destinationOffset, source, sourceOffset,
// bytesToCopy), for web streams' byte streams.
binding.copyArrayBuffer = (dest, destOffset, src, srcOffset, n) =>
  new Uint8Array(dest, destOffset, n).set(new Uint8Array(src, srcOffset, n));
// QuickJS zero-fills every new ArrayBuffer; Node's toggle has nothing to turn.
binding.getZeroFillToggle = () => new Uint32Array(1);

export default binding;
