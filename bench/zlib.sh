#!/bin/sh
# bench/zlib.sh: node:zlib on 10 MB (bench/zlib.cjs: gzip and gunzip in
# their sync, callback and stream forms, and brotli), corojs beside node in
# the same run, as milliseconds (best of BENCH_ROUNDS, default 5) and the
# ratio corojs/node (the goal is <= 1.2: both are the same C underneath).
# Not part of the tests; `make bench` runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
n=$(node bench/zlib.cjs)
c=$(build/corojs bench/zlib.cjs)
echo "== node:zlib, 10 MB of access-log lines (ms, best of ${BENCH_ROUNDS:-5}; ratio: corojs/node)"
printf '%s\n%s\n' "$n" "$c" | node -e '
const [n, c] = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
console.log(`${"".padEnd(24)} ${"node".padStart(8)} ${"corojs".padStart(8)} ${"ratio".padStart(6)}`);
console.log(`(gzip: ${n.ratio}:1)`);
for (const op of Object.keys(n).filter((k) => k !== "ratio"))
  console.log(`${op.padEnd(24)} ${n[op].toFixed(1).padStart(8)} ${c[op].toFixed(1).padStart(8)} ${(c[op] / n[op]).toFixed(2).padStart(6)}`);
'
