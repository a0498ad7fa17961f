#!/bin/sh
# bench/net.sh: TCP benchmarks, corojs against Node.js and a plain-C libuv
# server, in one run. Each server is pinned to CPU 0, the load generator
# (bench/tcp_client.c) to CPU 1.
#   echo:  request/response round trips per second over 50 connections (64 B)
#   bulk:  one connection, the server writing 64 KiB chunks as fast as it can
#   idle:  RSS per idle connection with 10,000 connections open
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${BENCH_SECONDS:-5}
mkdir -p build/bench
cc -O2 -o build/bench/tcp_client bench/tcp_client.c
cc -O2 -o build/bench/tcp_server_uv bench/tcp_server_uv.c $(pkg-config --cflags --libs libuv)
client=build/bench/tcp_client

# start NAME MODE: start a server on CPU 0, set $pid and $port
start() {
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    case $1 in
        corojs) taskset -c 0 build/corojs bench/tcp_server.mjs "$2" > "$fifo" & ;;
        node) taskset -c 0 node bench/tcp_server_node.mjs "$2" > "$fifo" & ;;
        c) taskset -c 0 build/bench/tcp_server_uv "$2" > "$fifo" & ;;
    esac
    pid=$!
    read -r port < "$fifo"
    rm -f "$fifo"
}

stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

for name in corojs node c; do
    start "$name" echo
    eval "echo_$name=\$(taskset -c 1 $client echo $port 50 $secs 64)"
    stop
    start "$name" source
    eval "bulk_$name=\$(taskset -c 1 $client sink $port $secs)"
    stop
    start "$name" echo
    before=$(rss_kb "$pid")
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    taskset -c 1 $client idle "$port" 10000 < "$fifo" > "$fifo.out" &
    holder=$!
    exec 9> "$fifo"
    while ! grep -q ready "$fifo.out" 2>/dev/null; do sleep 0.1; done
    sleep 1
    after=$(rss_kb "$pid")
    exec 9>&-
    wait "$holder" || true
    rm -f "$fifo" "$fifo.out"
    eval "idle_$name=\$(( (after - before) * 1024 / 10000 ))"
    stop
done

ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
printf '%-34s %12s %12s %12s %10s %10s\n' "" corojs node plain-C corojs/node corojs/C
printf '%-34s %12s %12s %12s %10s %10s\n' "echo round trips/s (50 conns)" "$echo_corojs" "$echo_node" "$echo_c" \
    "$(ratio "$echo_corojs" "$echo_node")" "$(ratio "$echo_corojs" "$echo_c")"
printf '%-34s %12s %12s %12s %10s %10s\n' "bulk MB/s (1 conn, 64 KiB writes)" "$bulk_corojs" "$bulk_node" "$bulk_c" \
    "$(ratio "$bulk_corojs" "$bulk_node")" "$(ratio "$bulk_corojs" "$bulk_c")"
printf '%-34s %12s %12s %12s %10s %10s\n' "bytes of RSS per idle connection" "$idle_corojs" "$idle_node" "$idle_c" \
    "$(ratio "$idle_corojs" "$idle_node")" "$(ratio "$idle_corojs" "$idle_c")"
