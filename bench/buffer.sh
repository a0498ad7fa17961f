#!/bin/sh
# bench/buffer.sh: Buffer base64/hex/utf8 encode and decode of 1 MB, corojs
# beside node in the same run (bench/buffer.mjs), as MB/s and the ratio
# node/corojs (how many times slower corojs is; the goal is <= 2). Not part
# of the tests; `make bench` runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
c=$(build/corojs --expose-internals bench/buffer.mjs)
n=$(node bench/buffer.mjs)
echo "== Buffer codecs, 1 MB (MB/s, best of ${BENCH_ROUNDS:-30} rounds)"
printf '%s\n%s\n' "$c" "$n" | node -e '
const [c, n] = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
for (const op of Object.keys(c))
  console.log(`${op.padEnd(32)} corojs ${c[op].toFixed(0).padStart(6)}  node ${n[op].toFixed(0).padStart(6)}  node/corojs ${(n[op] / c[op]).toFixed(2)}`);
'
