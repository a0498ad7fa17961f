#!/bin/sh
# A short load run with wrk against the HTTP server: every request answered
# with 200, no socket errors. (Speed is measured by bench/http.sh, not here.)
here=$(dirname "$0")
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v wrk > /dev/null; then
    echo "not ok - wrk is missing (sh deps/deps.sh packages installs it)"
    exit 1
fi
"$COROJS" "$here/http_server.mjs" "$work/port" "$work" &
server=$!
for i in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
base="http://127.0.0.1:$(cat "$work/port")"

wrk -t1 -c32 -d1s "$base/" > "$work/wrk" 2>&1
requests=$(awk '/requests in/ { print $1 }' "$work/wrk")
if [ "${requests:-0}" -gt 0 ] && ! grep -q 'Non-2xx\|Socket errors' "$work/wrk"; then
    echo "ok - wrk: $requests requests, all answered 200"
else
    echo "not ok - wrk"
    sed 's/^/  # /' "$work/wrk"
fi
# keep-alive off: a new connection per request
wrk -t1 -c8 -d1s -H 'Connection: close' "$base/" > "$work/wrk2" 2>&1
requests=$(awk '/requests in/ { print $1 }' "$work/wrk2")
if [ "${requests:-0}" -gt 0 ] && ! grep -q 'Non-2xx\|Socket errors' "$work/wrk2"; then
    echo "ok - wrk with Connection: close: $requests requests"
else
    echo "not ok - wrk with Connection: close"
    sed 's/^/  # /' "$work/wrk2"
fi
if [ "$(curl -sS "$base/")" = hello ]; then echo "ok - the server still serves"; else echo "not ok - the server still serves"; fi
