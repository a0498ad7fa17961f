#!/bin/sh
# bench/wasm.sh: our WebAssembly engine against native code, wasm2c and
# Node.js, in one run, as ratios to native gcc -O2.
#
# The programs: bench/wasm/kernels.c (CoreMark-like kernels: CRC, matrix,
# list sort, state machine, float) and QuickJS itself (Debian's source,
# which the build fetched) running a fixed JS workload (qjs_workload.c).
# Each is built four ways into build/bench/wasm: native with gcc -O2; for
# wasm32 with Debian's clang 14 (the kernels without libc, QuickJS for
# wasm32-wasi with wasi-libc); that wasm through wasm2c (Debian's wabt) and
# gcc -O2; and the same wasm run by corojs and by node through the JS API
# (bench/wasm/run.mjs; QuickJS's four WASI calls are JS functions there).
# Also: instantiating a small module and calling an export, and the memory
# of an idle instance, on corojs and node.
#
#   sh bench/wasm.sh [N]    N scales the work (default 1)
# Not part of the tests. Needs clang, lld, wasi-libc, wabt (sh deps/deps.sh
# packages) and node.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
n=${1:-1}
out=build/bench/wasm
src=bench/wasm
qjs=$(ls -d build/deps/quickjs-* | head -n 1)
mkdir -p "$out/shim"

for tool in clang wasm2c node; do
    command -v $tool >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done
[ -x build/corojs ] || make -s

# wasi-libc has no setjmp.h; QuickJS's dtoa.c includes it without using it
echo "/* empty: see bench/wasm.sh */" > "$out/shim/setjmp.h"
QJS_C="$src/qjs_workload.c $qjs/quickjs.c $qjs/libregexp.c $qjs/libunicode.c $qjs/cutils.c $qjs/dtoa.c"
# -DEMSCRIPTEN: QuickJS's settings for a wasm target (switch dispatch, no
# atomics, no stack check), for the native build too, so all run the same C
QJS_DEFS="-DEMSCRIPTEN -DCONFIG_VERSION=\"2025-04-26\""

build() { # target sources...: rebuild when a source is newer
    target=$1
    shift
    for s in "$@"; do
        [ "$s" -nt "$target" ] && return 0
    done
    [ -e "$target" ] && return 1
    return 0
}

if build "$out/kernels.wasm" $src/kernels.c; then
    clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export-all -o "$out/kernels.wasm" $src/kernels.c
fi
if build "$out/qjs.wasm" $src/qjs_workload.c; then
    echo "bench: building QuickJS for wasm32-wasi (a minute or so)" >&2
    # shellcheck disable=SC2086
    clang --target=wasm32-wasi -O2 -w $QJS_DEFS -D_WASI_EMULATED_SIGNAL -I"$out/shim" -I"$qjs" \
        -mexec-model=reactor -o "$out/qjs.wasm" $QJS_C -lm -lwasi-emulated-signal
fi
wat2wasm $src/small.wat -o "$out/small.wasm"
if build "$out/native" $src/native_main.c $src/best.h $src/kernels.c $src/qjs_workload.c; then
    # shellcheck disable=SC2086
    gcc -O2 -w $QJS_DEFS -DWITH_QJS -I"$qjs" -o "$out/native" $src/native_main.c $src/kernels.c $QJS_C -lm
fi
if build "$out/w2c" $src/w2c_main.c $src/best.h "$out/kernels.wasm" "$out/qjs.wasm"; then
    echo "bench: wasm2c and gcc -O2 on QuickJS (some minutes)" >&2
    wasm2c -n kernels "$out/kernels.wasm" -o "$out/kernels.c"
    wasm2c -n qjs "$out/qjs.wasm" -o "$out/qjs.c"
    gcc -O2 -w -I"$out" -o "$out/w2c" $src/w2c_main.c "$out/kernels.c" "$out/qjs.c" \
        /usr/share/wabt/wasm2c/wasm-rt-impl.c -lm
fi

"$out/native" "$n" > "$out/native.txt"
"$out/w2c" "$n" > "$out/w2c.txt"
build/corojs --expose-gc $src/run.mjs "$out" "$n" > "$out/corojs.txt"
node --expose-gc $src/run.mjs "$out" "$n" > "$out/node.txt"

awk '
    FILENAME ~ /native/ { nat[$1] = $2; sum[$1] = $3; order[++k] = $1 }
    FILENAME ~ /w2c/ { w2c[$1] = $2; if ($3 != sum[$1]) bad[$1] = 1 }
    FILENAME ~ /corojs/ { cj[$1] = $2; if ($1 in sum && $3 != sum[$1]) bad[$1] = 1 }
    FILENAME ~ /node/ { nd[$1] = $2 }
    END {
        printf "%-10s %10s %18s %18s %18s\n", "", "native ms", "wasm2c+gcc", "node", "corojs"
        for (i = 1; i <= k; i++) {
            x = order[i]
            printf "%-10s %10.1f %9.1f (%5.2fx) %9.1f (%5.2fx) %9.1f (%5.2fx)%s\n", x, nat[x],
                w2c[x], w2c[x] / nat[x], nd[x], nd[x] / nat[x], cj[x], cj[x] / nat[x],
                (x in bad) ? "  CHECKSUM MISMATCH" : ""
        }
        printf "\n%-34s %12s %12s\n", "", "node", "corojs"
        printf "%-34s %12.1f %12.1f\n", "compile QuickJS (985 KB), ms", nd["quickjs-compile"], cj["quickjs-compile"]
        printf "%-34s %12.2f %12.2f\n", "instantiate + call, us", nd["instantiate-call-us"], cj["instantiate-call-us"]
        printf "%-34s %12.2f %12.2f\n", "compile + instantiate + call, us", nd["compile-instantiate-call-us"], cj["compile-instantiate-call-us"]
        printf "%-34s %12d %12d\n", "idle instance (no memory), bytes", nd["idle-instance-bytes"], cj["idle-instance-bytes"]
    }' "$out/native.txt" "$out/w2c.txt" "$out/corojs.txt" "$out/node.txt"
