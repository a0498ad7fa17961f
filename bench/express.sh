#!/bin/sh
# bench/express.sh: a bare node:http server and Express and Koa "hello" apps
# (bench/node-http/*.js, the packages pinned by
# bench/node-http/package-lock.json and installed with `npm ci` into
# build/node-http) under corojs and under node, in one run.
# Each server is pinned to CPU 0, wrk to CPU 1.
#   requests/s: wrk -t1 -c50 -d${BENCH_SECONDS:-5}s after a 1 s warm-up
#   p99 latency, and the server's CPU time per request
#   peak RSS: the server's VmHWM once wrk is done (start-up, packages and load)
# Figures are the median of BENCH_ROUNDS runs (default 3), taken in turns.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
command -v wrk > /dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
command -v node > /dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
command -v npm > /dev/null || { echo "bench: npm is needed to install Express and Koa" >&2; exit 1; }

work=$top/build/node-http
src=$top/bench/node-http
if ! cmp -s "$src/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules" ]; then
    rm -rf "$work" && mkdir -p "$work"
    cp "$src/package.json" "$src/package-lock.json" "$work/"
    (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --cache "$top/build/npm-cache" > npm-ci.log 2>&1) ||
        { echo "bench: npm ci failed (is the npm registry reachable?)" >&2; rm -f "$work/package-lock.json"; exit 1; }
fi
cp "$src"/*.js "$work/"

. bench/lib.sh
results=$(mktemp)
trap 'rm -f "$results"' EXIT

hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

for round in $(seq "$rounds"); do
    for app in http express koa; do
        for name in corojs node; do
            bin=$([ "$name" = corojs ] && echo "$top/build/corojs" || echo node)
            serve "$bin" "$work/${app}_hello.js"
            wrk_load "$app under $name"
            hwm=$(hwm_kb "$pid")
            stop
            echo "$app $name $rps $p99 $cpu $hwm" >> "$results"
        done
    done
done

label_width=40
printf "%-${label_width}s %10s %10s %11s\n" "" corojs node corojs/node
for app in http express koa; do
    for f in "3 requests/s (wrk -t1 -c50)" "4 p99 latency, ms" "5 server CPU us per request" "6 peak RSS, KB"; do
        field=${f%% *}
        co=$(pick "$app" corojs "$field"); no=$(pick "$app" node "$field")
        printf "%-${label_width}s %10s %10s %11s\n" "$app: ${f#* }" "$co" "$no" "$(ratio "$co" "$no")"
    done
done
