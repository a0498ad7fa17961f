#!/bin/sh
# bench/worker.sh: worker_threads, corojs beside node in the same run
# (bench/worker.cjs): the ms to start a worker that posts one message and
# ends (50 one after another), and the us of a message's round trip to a live
# worker (20,000), with the ratios. Not part of the tests; `make bench` runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
set -- $(build/corojs bench/worker.cjs) $(node bench/worker.cjs)
echo "== worker_threads"
printf 'start a worker   corojs %7s ms  node %7s ms  node/corojs %s\n' "$1" "$3" \
    "$(awk -v c="$1" -v n="$3" 'BEGIN { printf "%.1f", n / c }')"
printf 'round trip       corojs %7s us  node %7s us  node/corojs %s\n' "$2" "$4" \
    "$(awk -v c="$2" -v n="$4" 'BEGIN { printf "%.1f", n / c }')"
