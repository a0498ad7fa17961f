# tests/lib/common.sh: sourced by the shell tests and the peer wrappers.
#
# need PROGRAM PACKAGE: go on if PROGRAM is installed; otherwise print a
# failed result naming the Debian package (deps/deps.sh installs it) and exit.
need() {
    command -v "$1" > /dev/null && return 0
    echo "not ok - $1 is missing (sh deps/deps.sh packages installs $2)"
    exit 1
}

# wait_until PID COMMAND...: wait for an event rather than for a while: run
# COMMAND every 20 ms until it succeeds, or until process PID (the one that
# should make it succeed) has ended, when it runs COMMAND once more and
# returns its status. There is no time limit: tests/run.sh's TEST_TIMEOUT
# ends a test that hangs, and names it.
wait_until() {
    wait_pid=$1
    shift
    until "$@"; do
        kill -0 "$wait_pid" 2>/dev/null || { "$@"; return; }
        sleep 0.02
    done
}
