# tests/wasm/suite.sh, sourced by the wasm test scripts: finds the
# WebAssembly spec testsuite (the pinned copy in shared/wasm-testsuite beside
# the repository or beside a folder above it, see its SOURCE.md; or
# WASM_TESTSUITE=/path, a checkout of WebAssembly/testsuite) and wast2json.
# Sets $suite, or fails the test.
suite=${WASM_TESTSUITE:-}
d=$top
while [ -z "$suite" ] && [ "$d" != / ]; do
    d=$(dirname "$d")
    [ -f "$d/shared/wasm-testsuite/i32.wast" ] && suite=$d/shared/wasm-testsuite
done
if [ -z "$suite" ] || [ ! -f "$suite/i32.wast" ]; then
    echo "not ok - no WebAssembly testsuite: set WASM_TESTSUITE=/path/to/testsuite"
    exit 1
fi
for tool in wast2json wat2wasm; do
    command -v $tool >/dev/null || { echo "not ok - $tool missing (sh deps/deps.sh packages installs wabt)"; exit 1; }
done
