#!/bin/sh
# tests/cross-aarch64.sh: build the context-switch unit test for AArch64 and run it
# under qemu-user, for checking src/switch_aarch64.c on an x86-64 machine.
# Needs gcc-aarch64-linux-gnu and qemu-user (apt-get install them); not part of CI.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/cross"
mkdir -p "$out"
for backend in aarch64 ucontext; do
    defs=""
    [ "$backend" = ucontext ] && defs=-DCORO_SWITCH_UCONTEXT
    # shellcheck disable=SC2086
    aarch64-linux-gnu-gcc -O2 -static $defs -I"$top/src" -o "$out/test_switch_$backend" \
        "$top/tests/c/test_switch.c" "$top/src/switch_$backend.c"
    echo "# aarch64, $backend backend"
    qemu-aarch64 "$out/test_switch_$backend"
done
