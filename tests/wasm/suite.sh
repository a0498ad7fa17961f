# tests/wasm/suite.sh, sourced by the wasm test scripts: finds the
# WebAssembly spec testsuite (the pinned copy in shared/wasm-testsuite beside
# the repository, see its SOURCE.md; or WASM_TESTSUITE=/path, a checkout of
# WebAssembly/testsuite) and wast2json. Sets $suite, or fails the test.
suite=${WASM_TESTSUITE:-}
if [ -z "$suite" ]; then
    for d in "$top/../shared/wasm-testsuite" "$top/../../shared/wasm-testsuite"; do
        [ -d "$d" ] && suite=$d && break
    done
fi
if [ -z "$suite" ] || [ ! -f "$suite/i32.wast" ]; then
    echo "not ok - no WebAssembly testsuite: set WASM_TESTSUITE=/path/to/testsuite"
    exit 1
fi
for tool in wast2json wat2wasm; do
    command -v $tool >/dev/null || { echo "not ok - $tool missing (sh deps/deps.sh packages installs wabt)"; exit 1; }
done
