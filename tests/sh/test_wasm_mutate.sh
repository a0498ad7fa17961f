#!/bin/sh
# Mutated modules against the decoder and validator (tests/wasm/mutate.mjs):
# the spec testsuite's modules (converted by wast2json here, see
# test_wasm_spec.sh for where the suite comes from) and our fixtures.
# WASM_MUTATE_ROUNDS sets mutations per module (default 40).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
. "$top/tests/wasm/suite.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in "$suite"/*.wast "$suite"/proposals/*/*.wast; do
    wast2json --enable-all "$f" -o "$out/$(basename "$f" .wast).json" >/dev/null 2>&1 || true
done
for f in "$top"/tests/wasm/fixtures/*.wat; do
    wat2wasm "$f" -o "$out/fixture-$(basename "$f" .wat).wasm"
done
# modules that compile (the invalid ones are half-broken already)
"$bin" "$top/tests/wasm/mutate.mjs" "${WASM_MUTATE_ROUNDS:-40}" $(ls "$out"/*.wasm | awk 'NR % 4 == 1')
