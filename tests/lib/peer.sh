# tests/lib/peer.sh: sourced by the wrappers that run a test beside a real
# peer (tests/dns/run-with-dns.sh, tests/tls/run-with-tls.sh,
# tests/http/run-with-python.sh).
#
# Sourcing it makes $dir, a fresh directory, and arranges for the peer to be
# stopped and $dir removed when the wrapper ends, also when it is killed
# (tests/run.sh's timeout sends TERM).
#
# start_peer NAME READY START: START is a function that starts the peer in
# the background as our child, on port $port, logging to $dir/log. It is
# tried on random ports until the log matches the grep pattern READY (a
# port in use makes a peer die at once); then $pid and $port are set.
# Otherwise it prints "not ok - cannot start NAME" with the log, and exits.

. "$(dirname "$0")/../lib/common.sh"

dir=$(mktemp -d)
pid=""
peer_cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$dir"
}
trap peer_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

start_peer() {
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
        : > "$dir/log"
        chmod 666 "$dir/log"
        "$3"
        pid=$!
        wait_until "$pid" grep -q "$2" "$dir/log" && kill -0 "$pid" 2>/dev/null && return 0
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        pid=""
    done
    echo "not ok - cannot start $1"
    sed 's/^/  # /' "$dir/log"
    exit 1
}

# run_with_peer NAME COMMAND...: run the test command, and show the end of
# the peer's log if it fails; exits with the command's status.
run_with_peer() {
    name=$1
    shift
    "$@"
    status=$?
    [ "$status" -eq 0 ] || tail -n 30 "$dir/log" | sed "s/^/$name: /" >&2
    exit "$status"
}
