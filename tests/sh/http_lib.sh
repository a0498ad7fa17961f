# tests/sh/http_lib.sh: sourced by the HTTP shell tests. Makes $work (a
# directory removed at exit) and starts tests/sh/http_server.mjs with
# start_server [corojs options]: $server is its pid (killed at exit), $base
# its URL once it listens.
here=$(dirname "$0")
. "$here/../lib/wait.sh"
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

need() { # program package
    command -v "$1" > /dev/null && return 0
    echo "not ok - $1 is missing (sh deps/deps.sh packages installs $2)"
    exit 1
}

start_server() {
    "$COROJS" "$@" "$here/http_server.mjs" "$work/port" "$work" &
    server=$!
    wait_until "$server" test -s "$work/port"
    base="http://127.0.0.1:$(cat "$work/port")"
}
