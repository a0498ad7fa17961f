# tests/lib/wait.sh: sourced by the shell tests and the peer wrappers, to
# wait for an event rather than for a while.
#
# wait_until PID COMMAND...: run COMMAND every 20 ms until it succeeds, or
# until process PID (the one that should make it succeed) has ended, when
# it runs COMMAND once more and returns its status. There is no time limit:
# tests/run.sh's TEST_TIMEOUT ends a test that hangs, and names it.
wait_until() {
    wait_pid=$1
    shift
    until "$@"; do
        kill -0 "$wait_pid" 2>/dev/null || { "$@"; return; }
        sleep 0.02
    done
}
