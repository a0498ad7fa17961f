#!/bin/sh
# corojs --workers N: N processes serve one port (SO_REUSEPORT); the parent
# forwards SIGTERM and exits with the first failure's status.
. "$(dirname "$0")/http_lib.sh"

result() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "  # $3"; fi; }

# each worker sees its index and the count
out=$("$COROJS" --workers 3 -e 'console.log(`${process.env.COROJS_WORKER}/${process.env.COROJS_WORKERS}`)' | sort | tr '\n' ' ')
[ "$out" = "0/3 1/3 2/3 " ]
result $? "each worker knows its index" "$out"

"$COROJS" --workers 3 -e 'process.exit(process.env.COROJS_WORKER === "1" ? 7 : 0)'
status=$?
[ "$status" = 7 ]
result $? "the parent exits with the failing worker's status" "status $status"

"$COROJS" --workers 0 -e '' 2> "$work/err"
status=$?
[ "$status" = 9 ] && grep -q -- '--workers' "$work/err"
result $? "--workers 0 is refused"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PORT=$port start_server --workers 2
parent=$server
both_listen() { [ -e "$work/listening.0" ] && [ -e "$work/listening.1" ]; }
wait_until "$parent" both_listen
: > "$work/pids"
for i in $(seq 60); do
    curl -s -H 'Connection: close' "http://127.0.0.1:$port/pid" >> "$work/pids"
    echo >> "$work/pids"
done
distinct=$(sort -u "$work/pids" | grep -c .)
[ "$distinct" = 2 ] && ! grep -qx "$parent" "$work/pids"
result $? "two workers both serve one port: $distinct pids answered" "$(sort "$work/pids" | uniq -c | tr '\n' ' ')"

kill -TERM "$parent"
wait "$parent"
status=$?
server=""
[ "$status" = 143 ]
result $? "SIGTERM to the parent ends the workers; it exits 128+15" "status $status"
left=0
for pid in $(sort -u "$work/pids"); do kill -0 "$pid" 2>/dev/null && left=$((left + 1)); done
[ "$left" = 0 ]
result $? "no worker is left running" "$left left"
