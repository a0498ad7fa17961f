// bench/buffer.mjs [c]: Buffer's codecs on 1 MB, run by bench/buffer.sh under
// node (Buffer) and corojs: its global Buffer, and with the argument `c` (and
// --expose-internals) the C functions Buffer's binding takes them from
// (__primordials.buffer). Prints one JSON line: {"op": MB/s, ...}, each the
// best of several rounds.
import { bestSeconds } from './lib.mjs';

const SIZE = 1 << 20;
const ROUNDS = Number(globalThis.process?.env?.BENCH_ROUNDS ?? 30);

async function codecs(direct) {
  if (!direct) {
    return {
      encode: (u, enc) => u.toString(enc),
      decode: (s, enc) => Buffer.from(s, enc),
      bytes: (u) => Buffer.from(u.buffer, u.byteOffset, u.length),
    };
  }
  const { default: P } = await import('corojs:internal/primordials');
  const B = P.buffer;
  const ENC = { utf8: 1, base64: 2, hex: 5 };
  return {
    encode: (u, enc) => B[`${enc}Slice`].call(u),
    decode: (s, enc) => B.decode(s, ENC[enc]),
    bytes: (u) => u,
  };
}

const best = (fn) => SIZE / (1 << 20) / bestSeconds(fn, ROUNDS); // MB/s

const C = await codecs(process.argv.at(-1) === 'c');
const raw = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) raw[i] = (i * 2654435761) >>> 24;
const bin = C.bytes(raw);
const unit = 'plain ASCII words, then déjà vu, naïve, € and 😀; ';
const text = unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
const textBytes = C.decode(text, 'utf8');
const b64 = C.encode(bin, 'base64');
const hex = C.encode(bin, 'hex');
const result = {
  'base64 encode': best(() => C.encode(bin, 'base64')),
  'base64 decode': best(() => C.decode(b64, 'base64')),
  'hex encode': best(() => C.encode(bin, 'hex')),
  'hex decode': best(() => C.decode(hex, 'hex')),
  'utf8 encode (string to bytes)': best(() => C.decode(text, 'utf8')),
  'utf8 decode (bytes to string)': best(() => C.encode(textBytes, 'utf8')),
};
console.log(JSON.stringify(result));
