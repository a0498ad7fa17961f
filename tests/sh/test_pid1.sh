#!/bin/sh
# tests/sh/test_pid1.sh: corojs as PID 1 (in a PID namespace of its own, made
# with unshare as root) never ends: when its program ends, the shell takes
# over its input with the same capabilities, and when that ends too, PID 1
# waits instead of exiting (the kernel would panic).
set -u
. "$(dirname "$0")/../lib/common.sh"
bin=${COROJS:?set COROJS}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT

if ! unshare --pid --fork --kill-child true 2>/dev/null; then
    echo "ok - PID 1 skipped: no PID namespaces here (unshare --pid needs root)"
    exit 0
fi
printf 'echo from-the-shell\nifconfig\n' > "$work/input"
unshare --pid --fork --kill-child "$bin" --allow-syscall -e 'console.log("init is", process.pid); process.exit(3)' \
    < "$work/input" > "$work/out" 2>&1 &
pid=$!
wait_until "$pid" grep -q 'nothing left to run' "$work/out"
check() { # name pattern
    if grep -q -- "$2" "$work/out"; then echo "ok - $1"; else echo "not ok - $1"; sed 's/^/  # /' "$work/out"; fi
}
check "the program runs as PID 1" '^init is 1$'
check "its end is not the end of PID 1: the shell takes over" 'PID 1 ended with status 3: the shell takes over'
check "the shell reads the input" '^from-the-shell$'
check "with the same capabilities (ifconfig needs syscall)" '^1: lo: <'
check "when the shell ends, PID 1 waits" 'PID 1 has nothing left to run'
if kill -0 "$pid" 2>/dev/null; then echo "ok - and it is still there"; else echo "not ok - PID 1 ended"; fi
