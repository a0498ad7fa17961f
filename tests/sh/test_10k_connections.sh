#!/bin/sh
# 10,000 concurrent TCP connections echoing through one corojs server. Two
# processes, so each stays under the limit of 20,000 open files.
here=$(dirname "$0")
. "$here/../lib/common.sh"
n=10000
portfile=$(mktemp)
trap 'rm -f "$portfile"' EXIT
"$COROJS" "$here/many_server.mjs" "$portfile" "$n" &
server=$!
wait_until "$server" test -s "$portfile"
"$COROJS" "$here/many_client.mjs" "$(cat "$portfile")" "$n"
client=$?
wait "$server"
status=$?
[ "$client" -eq 0 ] && echo "ok - the client finished" || echo "not ok - the client exited with $client"
[ "$status" -eq 0 ] && echo "ok - the server stopped after $n connections" || echo "not ok - the server exited with $status"
