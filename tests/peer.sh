# tests/peer.sh: sourced by the wrappers that run a test beside a real peer
# (tests/dns, tests/tls, tests/http). It makes $dir, a fresh directory, and
# when the wrapper ends (also when it is killed: tests/run.sh's timeout
# sends TERM) it stops the peer whose pid the wrapper put in $pid, and
# removes $dir.
dir=$(mktemp -d)
pid=""
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
