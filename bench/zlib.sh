#!/bin/sh
# bench/zlib.sh: node:zlib on 10 MB (bench/zlib.cjs: gzip and gunzip in
# their sync, callback and stream forms, and brotli), corojs beside node in
# the same run, as milliseconds (best of BENCH_ROUNDS, default 5) and the
# ratio corojs/node (the goal is <= 1.2: both are the same C underneath).
# Not part of the tests; `make bench` runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. bench/lib.sh
beside bench/zlib.cjs
echo "== node:zlib, 10 MB of access-log lines (ms, best of ${BENCH_ROUNDS:-5}; ratio: corojs/node)"
side_by_side time
