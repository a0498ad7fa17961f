#!/bin/sh
# bench/net.sh: TCP benchmarks, corojs against Node.js and a plain-C libuv
# server, in one run. Each server is pinned to CPU 0, the load generator
# (bench/tcp_client.c) to CPU 1.
#   echo:  request/response round trips per second over 50 connections (64 B),
#          and the server's CPU time per round trip (on a 2-core machine the
#          load generator, as busy as the server, caps the throughput; the
#          CPU cost shows how much of its core each server needs)
#   bulk:  one connection, the server writing 64 KiB chunks as fast as it can
#   idle:  RSS per idle connection with 10,000 connections open
# Throughput figures are the median of BENCH_ROUNDS runs (default 3), taken
# in turns so that a noisy neighbour hits all servers alike.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${BENCH_SECONDS:-3}
rounds=${BENCH_ROUNDS:-3}
mkdir -p build/bench
cc -O2 -o build/bench/tcp_client bench/tcp_client.c
cc -O2 -o build/bench/tcp_server_uv bench/tcp_server_uv.c $(pkg-config --cflags --libs libuv)
client=build/bench/tcp_client
. bench/lib.sh
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# start NAME MODE: start a server on CPU 0, set $pid and $port
start() {
    case $1 in
        corojs) serve build/corojs bench/tcp_server.mjs "$2" ;;
        node) serve node bench/tcp_server_node.mjs "$2" ;;
        c) serve build/bench/tcp_server_uv "$2" ;;
    esac
}

for round in $(seq "$rounds"); do
    for name in corojs node c; do
        start "$name" echo
        t0=$(cpu_ticks "$pid")
        rps=$(taskset -c 1 $client echo "$port" 50 "$secs" 64)
        t1=$(cpu_ticks "$pid")
        stop
        # CPU microseconds per round trip (ticks are 1/100 s)
        echo "echo $name $rps $(echo "$t0 $t1 $rps $secs" | awk '{ printf "%.2f", ($2 - $1) * 10000 / ($3 * $4) }')" >> "$results"
        start "$name" source
        echo "bulk $name $(taskset -c 1 $client sink "$port" "$secs")" >> "$results"
        stop
    done
done

for name in corojs node c; do
    start "$name" echo
    set -- $(idle_growth taskset -c 1 $client idle "$port" 10000)
    echo "idle $name $(( $2 * 1024 / 10000 ))" >> "$results"
    stop
done

label_width=40
header
row "echo round trips/s (50 connections)" echo 3
row "server CPU us per echo round trip" echo 4
row "bulk MB/s (1 connection, 64 KiB writes)" bulk 3
row "bytes of RSS per idle connection" idle 3
