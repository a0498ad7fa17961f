#!/bin/sh
# bench/http.sh: HTTP benchmarks, corojs against Node.js's http and a
# plain-C server (libuv + llhttp, bench/http_server_uv.c), in one run. Each
# server is pinned to CPU 0, the load generator to CPU 1.
#   hello: wrk -t1 -c50 -d${BENCH_SECONDS:-5}s --latency against a hello-world
#          server (after a 1 s warm-up run that is not counted): requests per
#          second, the 99th percentile latency, and the server's CPU time per
#          request (on 2 cores the load generator competes with the server;
#          the CPU cost shows how much of its core each one needs)
#   idle:  RSS of the server holding 10,000 idle keep-alive connections, each
#          of which has served one request (bench/http_idle.c)
# Figures are the median of BENCH_ROUNDS runs (default 3), taken in turns.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
conns=${BENCH_IDLE:-10000}
command -v wrk > /dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
command -v node > /dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
ulimit -n 20000
mkdir -p build/bench
llhttp=build/deps/llhttp
cc -O2 -o build/bench/http_server_uv bench/http_server_uv.c -I$llhttp/include $llhttp/lib/libllhttp.a \
    $(pkg-config --cflags --libs libuv)
cc -O2 -o build/bench/http_idle bench/http_idle.c
. bench/lib.sh
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# start NAME: start a server on CPU 0, set $pid and $port
start() {
    case $1 in
        corojs) serve build/corojs bench/http_server.mjs ;;
        node) serve node bench/http_server_node.mjs ;;
        c) serve build/bench/http_server_uv ;;
    esac
}

for round in $(seq "$rounds"); do
    for name in corojs node c; do
        start "$name"
        wrk_load "$name"
        stop
        echo "hello $name $rps $p99 $cpu" >> "$results"
    done
done

for name in corojs node c; do
    start "$name"
    set -- $(idle_growth taskset -c 1 build/bench/http_idle "$port" "$conns")
    echo "idle $name $1 $(( $2 * 1024 / conns ))" >> "$results"
    stop
done

label_width=44
header
row "hello requests/s (wrk -t1 -c50)" hello 3
row "p99 latency, ms" hello 4
row "server CPU us per request" hello 5
row "RSS KB with $conns idle keep-alive conns" idle 3
row "bytes of RSS per idle connection" idle 4
