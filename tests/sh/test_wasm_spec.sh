#!/bin/sh
# The WebAssembly spec testsuite, run through our JS API (tests/wasm/spec.mjs).
# The .wast scripts come from the pinned copy in shared/wasm-testsuite (see its
# SOURCE.md), or from WASM_TESTSUITE=/path (a checkout of WebAssembly/testsuite);
# Debian's wast2json (package wabt) converts them here, at test time, into a
# temporary directory. Core scripts run with the proposals after 2.0 switched
# off; each proposal's scripts with that proposal on. One TAP line per script,
# then the assertion counts of each group.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}

. "$top/tests/wasm/suite.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# group NAME FEATURES WAST2JSON-FLAGS FILES...: convert, then run
group() {
    name=$1 features=$2 flags=$3
    shift 3
    mkdir -p "$out/$name"
    names=""
    for f in "$@"; do
        b=$(basename "$f" .wast)
        # shellcheck disable=SC2086
        if wast2json $flags "$f" -o "$out/$name/$b.json" 2>"$out/err"; then
            names="$names $b"
        else
            echo "not ok - $name/$b: wast2json failed: $(head -c 300 "$out/err")"
        fi
    done
    # shellcheck disable=SC2086
    "$bin" "$top/tests/wasm/spec.mjs" --features "$features" "$out/$name" $names |
        sed -E "s|^(not ok\|ok) [0-9]+ - |\\1 - $name/|; s|^# assertions:|# $name assertions:|"
}

group core 0 "" "$suite"/*.wast
group tail-call 1 --enable-tail-call "$suite"/proposals/tail-call/*.wast
group extended-const 2 --enable-extended-const "$suite"/proposals/extended-const/*.wast
group multi-memory 4 --enable-multi-memory "$suite"/proposals/multi-memory/*.wast
group memory64 8 --enable-memory64 "$suite"/proposals/memory64/*.wast
