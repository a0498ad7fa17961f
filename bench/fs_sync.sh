#!/bin/sh
# bench/fs_sync.sh: node:fs's *Sync calls (bench/fs_sync.cjs: 10,000 rounds
# of open/write/close/rm, stat, existsSync, readFileSync, readdirSync), corojs beside node in the same run, as milliseconds (best of
# BENCH_ROUNDS, default 3) and the ratio corojs/node. BENCH_LOOPS sets the
# rounds. Not part of the tests; `make bench` runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
n=$(node bench/fs_sync.cjs)
c=$(build/corojs bench/fs_sync.cjs)
echo "== node:fs sync calls, ${BENCH_LOOPS:-10000} each (ms, best of ${BENCH_ROUNDS:-3}; ratio: corojs/node)"
printf '%s\n%s\n' "$n" "$c" | node -e '
const [n, c] = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
console.log(`${"".padEnd(28)} ${"node".padStart(8)} ${"corojs".padStart(8)} ${"ratio".padStart(6)}`);
for (const op of Object.keys(n))
  console.log(`${op.padEnd(28)} ${n[op].toFixed(1).padStart(8)} ${c[op].toFixed(1).padStart(8)} ${(c[op] / n[op]).toFixed(2).padStart(6)}`);
'
