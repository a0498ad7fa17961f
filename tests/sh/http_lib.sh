# tests/sh/http_lib.sh: sourced by the HTTP and TLS shell tests. Makes $work
# (a directory removed at exit) and kills $server (a pid) at exit; starts
# tests/sh/http_server.mjs with start_server [corojs options]: $server is
# its pid, $base its URL once it listens.
here=$(dirname "$0")
. "$here/../lib/common.sh"
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM # tests/run.sh's timeout: clean up too

start_server() {
    "$COROJS" "$@" "$here/http_server.mjs" "$work/port" "$work" &
    server=$!
    wait_until "$server" test -s "$work/port"
    base="http://127.0.0.1:$(cat "$work/port")"
}
