#!/bin/sh
# bench/crypto.sh: node:crypto -- sha256, hmac-sha256 and aes-256-gcm of 100 MB
# in 64 KB updates, pbkdf2-sha256 of 100,000 iterations -- corojs beside node
# in the same run (bench/crypto.mjs), and the ratio node/corojs (how many
# times slower corojs is; the goal is <= 1.2: both are OpenSSL underneath).
# Not part of the tests; `make bench` runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. bench/lib.sh
beside bench/crypto.mjs
echo "== node:crypto, 100 MB (MB/s, best of ${BENCH_ROUNDS:-3} rounds; ratio: node/corojs)"
side_by_side rate
