#!/bin/sh
# bench/run.sh: CoroJS's core figures beside Node.js's, measured in one run:
# fiber switch cost, JS-level yield ping-pong, start-up time and memory of a hello-world module, and
# the memory a parked fiber costs. Not part of the tests; run with `make bench`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin=build/corojs
runs=${BENCH_RUNS:-200}

command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >/dev/null; else
        echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; fi
fi

mkdir -p build/bench
cc -O2 -fno-pie -no-pie -Isrc -o build/bench/switch bench/switch.c build/release/libcorojs.a \
    $(pkg-config --libs libuv) -lm -lpthread -ldl

echo "== fiber switch"
build/bench/switch

# the best of 5 runs: a busy machine only ever makes a run slower
best_of_5() {
    for i in 1 2 3 4 5; do "$@" bench/pingpong.mjs; done |
        sed 's/.*"switchNs":\([0-9.]*\).*/\1/' | sort -n | head -1
}
echo "== yield ping-pong (two fibers: Fiber.yield; node: two async functions: await null)"
cp=$(best_of_5 "$bin")
np=$(best_of_5 node)
printf 'per switch: corojs %s ns, node %s ns (corojs/node %.2f)\n' "$cp" "$np" "$(echo "$cp $np" | awk '{ print $1 / $2 }')"

. bench/lib.sh # wall_ms

# peak RSS in MB
rss_mb() {
    /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'
}

echo "== hello world ($runs runs each)"
cw=$(wall_ms "$bin" bench/hello.mjs)
nw=$(wall_ms node bench/hello.mjs)
cr=$(rss_mb "$bin" bench/hello.mjs)
nr=$(rss_mb node bench/hello.mjs)
printf 'wall: corojs %s ms, node %s ms (%.0fx faster)\n' "$cw" "$nw" "$(echo "$nw $cw" | awk '{ print $1 / $2 }')"
printf 'rss:  corojs %s MB, node %s MB (%.1fx smaller)\n' "$cr" "$nr" "$(echo "$nr $cr" | awk '{ print $1 / $2 }')"

echo "== 30,000 parked waiters (corojs: fibers in Fiber.sleep; node: async functions awaiting a timer)"
c=$("$bin" bench/parked_fibers.mjs 30000)
n=$(node bench/parked_async.mjs 30000)
cb=$(echo "$c" | sed 's/.*"bytesPerWaiter":\([0-9.]*\).*/\1/')
nb=$(echo "$n" | sed 's/.*"bytesPerWaiter":\([0-9.]*\).*/\1/')
printf 'per waiter: corojs %.2f KB (a whole stackful fiber), node %.2f KB (a promise chain)\n' \
    "$(echo "$cb" | awk '{ print $1 / 1024 }')" "$(echo "$nb" | awk '{ print $1 / 1024 }')"

echo "== isolates (corojs: isolates in one process; node: worker_threads)"
"$bin" --expose-gc bench/isolates.mjs idle 1000
"$bin" --expose-gc bench/isolates.mjs idle 10000
node bench/isolates_node.mjs idle 100
"$bin" bench/isolates.mjs start 1000
node bench/isolates_node.mjs start 50
"$bin" bench/isolates.mjs call 200000
node bench/isolates_node.mjs call 20000
"$bin" bench/isolates.mjs transfer
"$bin" bench/isolates.mjs spin 1000
"$bin" bench/isolates.mjs spin-http 1000
"$bin" bench/isolates.mjs spin-native 200

echo "== TCP (bench/net.sh)"
sh bench/net.sh

echo "== HTTP (bench/http.sh)"
sh bench/http.sh

echo "== Buffer codecs (bench/buffer.sh)"
sh bench/buffer.sh

echo "== node:zlib (bench/zlib.sh)"
sh bench/zlib.sh
echo "== node:crypto (bench/crypto.sh)"
sh bench/crypto.sh
echo "== node:fs sync calls (bench/fs_sync.sh)"
sh bench/fs_sync.sh

echo "== Node layer start-up (bench/node_startup.sh)"
sh bench/node_startup.sh

echo "== worker_threads (bench/worker.sh)"
sh bench/worker.sh
