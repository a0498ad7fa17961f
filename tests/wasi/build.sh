#!/bin/sh
# tests/wasi/build.sh OUT SOURCE...: build WebAssembly test programs into OUT:
# a .wat file with Debian's wat2wasm (package wabt), a .c file with Debian's
# clang for wasm32-wasi and wasi-libc (packages clang, lld, wasi-libc,
# libclang-rt-14-dev-wasm32; deps/deps.sh installs them for the tests). A
# program newer than its source is kept, so the release and ASan runs build
# it once. Prints "not ok" lines and fails when a tool is missing or a build
# fails.
set -u
out=$1
shift
mkdir -p "$out"
# Node's Makefile for its test/wasi programs uses these flags too.
CFLAGS="-O1 -D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-process-clocks"
status=0
for src in "$@"; do
    name=$(basename "$src")
    wasm="$out/${name%.*}.wasm"
    [ "$wasm" -nt "$src" ] && continue
    case "$src" in
    *.wat)
        command -v wat2wasm >/dev/null || { echo "not ok - wat2wasm is missing (sh deps/deps.sh packages installs wabt)"; exit 1; }
        wat2wasm --debug-names "$src" -o "$wasm.tmp" ;;
    *.c)
        command -v clang >/dev/null || { echo "not ok - clang is missing (sh deps/deps.sh packages installs clang, lld, wasi-libc)"; exit 1; }
        # shellcheck disable=SC2086
        clang --target=wasm32-wasi $CFLAGS -o "$wasm.tmp" "$src" ;;
    esac
    if [ $? -eq 0 ]; then mv "$wasm.tmp" "$wasm"; else echo "not ok - cannot build $src"; rm -f "$wasm.tmp"; status=1; fi
done
exit $status
