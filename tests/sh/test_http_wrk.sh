#!/bin/sh
# A short load run with wrk against the HTTP server: every request answered
# with 200, no socket errors. (Speed is measured by bench/http.sh, not here.)
. "$(dirname "$0")/http_lib.sh"
need wrk wrk
start_server

# load NAME WRK-ARGS...: one second of wrk; every answer a 200
load() {
    name=$1
    shift
    wrk -d1s "$@" "$base/" > "$work/wrk" 2>&1
    requests=$(awk '/requests in/ { print $1 }' "$work/wrk")
    if [ "${requests:-0}" -gt 0 ] && ! grep -q 'Non-2xx\|Socket errors' "$work/wrk"; then
        echo "ok - $name: $requests requests, all answered 200"
    else
        echo "not ok - $name"
        sed 's/^/  # /' "$work/wrk"
    fi
}

load "wrk, 32 keep-alive connections" -t1 -c32
load "wrk, a new connection per request" -t1 -c8 -H 'Connection: close'
if [ "$(curl -sS "$base/")" = hello ]; then echo "ok - the server still serves"; else echo "not ok - the server still serves"; fi
