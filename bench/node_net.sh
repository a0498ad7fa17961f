#!/bin/sh
# bench/node_net.sh: node:net's API under corojs (Node's net.js over our
# tcp_wrap) beside Node.js, in one run, with ratios (corojs/node; higher is
# better for corojs):
#   echo, bulk   bench/tcp_server_node.mjs under each, driven by the C load
#                generator of bench/net.sh (bench/tcp_client.c): round trips/s
#                over 50 connections (64 B), MB/s of one connection the server
#                writes 64 KiB chunks to; server on CPU 0, client on CPU 1
#   in-process   bench/node_net.cjs under each (client and server in one
#                process, both through node:net): connections/s, round
#                trips/s, MB/s
# The median of BENCH_ROUNDS runs (default 3), taken in turns. Not part of
# the tests.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
secs=${BENCH_SECONDS:-3}
rounds=${BENCH_ROUNDS:-3}
mkdir -p build/bench
cc -O2 -o build/bench/tcp_client bench/tcp_client.c
client=build/bench/tcp_client
. bench/lib.sh
results=$(mktemp)
trap 'rm -f "$results"' EXIT

for round in $(seq "$rounds"); do
    for name in corojs node; do
        bin=build/corojs
        [ "$name" = node ] && bin=node
        serve "$bin" bench/tcp_server_node.mjs echo
        echo "echo $name $(taskset -c 1 $client echo "$port" 50 "$secs" 64)" >> "$results"
        stop
        serve "$bin" bench/tcp_server_node.mjs source
        echo "bulk $name $(taskset -c 1 $client sink "$port" "$secs")" >> "$results"
        stop
        "$bin" bench/node_net.cjs | tr -d '{}"' | tr ',:' '\n ' | while read -r key value; do
            echo "$key $name $value" >> "$results"
        done
    done
done

line() { # label key
    c=$(awk -v k="$2" '$1 == k && $2 == "corojs" { print $3 }' "$results" | median)
    n=$(awk -v k="$2" '$1 == k && $2 == "node" { print $3 }' "$results" | median)
    printf '%-44s corojs %10s  node %10s  corojs/node %s\n' "$1" "$c" "$n" "$(ratio "$c" "$n")"
}
line "echo round trips/s (50 conns, C client)" echo
line "bulk MB/s (1 conn, C client)" bulk
line "connections/s (in-process, 50 at a time)" connectionsPerSecond
line "round trips/s (in-process, 10 conns)" roundTripsPerSecond
line "MB/s (in-process, 1 conn)" megabytesPerSecond
