#!/bin/sh
# bench/crypto.sh: node:crypto -- sha256, hmac-sha256 and aes-256-gcm of 100 MB
# in 64 KB updates, pbkdf2-sha256 of 100,000 iterations -- corojs beside node
# in the same run (bench/crypto.mjs), and the ratio node/corojs (how many
# times slower corojs is; the goal is <= 1.2: both are OpenSSL underneath).
# Not part of the tests; `make bench` runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
n=$(node bench/crypto.mjs)
c=$(build/corojs bench/crypto.mjs)
echo "== node:crypto, 100 MB (MB/s, best of ${BENCH_ROUNDS:-3} rounds; ratio: node/corojs)"
printf '%s\n%s\n' "$n" "$c" | node -e '
const [n, c] = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
const col = (x) => x.toFixed(1).padStart(8);
console.log(`${"".padEnd(16)} ${"node".padStart(8)} ${"corojs".padStart(8)} ${"ratio".padStart(6)}`);
for (const op of Object.keys(n))
  console.log(`${op.padEnd(16)} ${col(n[op])} ${col(c[op])} ${(n[op] / c[op]).toFixed(2).padStart(6)}`);
'
