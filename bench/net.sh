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
results=$(mktemp)
trap 'rm -f "$results"' EXIT

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

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

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
    echo "idle $name $(( (after - before) * 1024 / 10000 ))" >> "$results"
    stop
done

pick() { awk -v k="$1" -v n="$2" -v f="$3" '$1 == k && $2 == n { print $f }' "$results" | median; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
row() { # label key field
    co=$(pick "$2" corojs "$3"); no=$(pick "$2" node "$3"); c=$(pick "$2" c "$3")
    printf '%-40s %10s %10s %10s %11s %9s\n' "$1" "$co" "$no" "$c" "$(ratio "$co" "$no")" "$(ratio "$co" "$c")"
}
printf '%-40s %10s %10s %10s %11s %9s\n' "" corojs node plain-C corojs/node corojs/C
row "echo round trips/s (50 connections)" echo 3
row "server CPU us per echo round trip" echo 4
row "bulk MB/s (1 connection, 64 KiB writes)" bulk 3
row "bytes of RSS per idle connection" idle 3
