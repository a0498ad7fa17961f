#!/bin/sh
# bench/buffer.sh: Buffer base64/hex/utf8 encode and decode of 1 MB, corojs
# beside node in the same run (bench/buffer.mjs), as MB/s and the ratio
# node/corojs (how many times slower corojs is; the goal is <= 2). corojs is
# measured twice: its global Buffer (Node's buffer.js over
# internalBinding('buffer')) and the C codecs of __primordials.buffer alone.
# Not part of the tests; `make bench` runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
n=$(node bench/buffer.mjs)
c=$(build/corojs --expose-internals bench/buffer.mjs c)
b=$(build/corojs bench/buffer.mjs)
echo "== Buffer codecs, 1 MB (MB/s, best of ${BENCH_ROUNDS:-30} rounds; ratio: node/corojs)"
printf '%s\n%s\n%s\n' "$n" "$c" "$b" | node -e '
const [n, c, b] = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
const col = (x) => x.toFixed(0).padStart(6);
console.log(`${"".padEnd(30)} ${"node".padStart(6)}  ${"C codecs".padStart(8)} ${"ratio".padStart(6)}  ${"Buffer".padStart(6)} ${"ratio".padStart(6)}`);
for (const op of Object.keys(n))
  console.log(`${op.padEnd(30)} ${col(n[op])}  ${col(c[op]).padStart(8)} ${(n[op] / c[op]).toFixed(2).padStart(6)}  ${col(b[op])} ${(n[op] / b[op]).toFixed(2).padStart(6)}`);
'
