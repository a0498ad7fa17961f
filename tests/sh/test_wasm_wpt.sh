#!/bin/sh
# The WPT tests of the WebAssembly JS API (wasm/jsapi, the 31 files that are
# not tentative and run in a plain JS shell) from Node.js's source package,
# which `sh deps/deps.sh nodejs` fetches into build/deps/nodejs (done here if
# it is missing). Each file runs in a process of its own under our harness,
# tests/wasm/wpt.mjs; tests/wasm/wpt-expected.txt names the subtests known
# to fail, and why. Prints one TAP line per file and the subtest counts.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
jsapi=$top/build/deps/nodejs/test/fixtures/wpt/wasm/jsapi

if [ ! -d "$jsapi" ]; then
    sh "$top/deps/deps.sh" nodejs >&2 || { echo "not ok - cannot fetch Node.js's source (WPT data)"; exit 1; }
fi
files=$(cd "$jsapi" && grep -l "META: global=window,dedicatedworker,jsshell" $(find . -name '*.any.js' ! -name '*tentative*') |
        sed 's|^\./||' | sort)
[ -n "$files" ] || { echo "not ok - no WPT wasm/jsapi files in $jsapi"; exit 1; }
passed=0 failed=0
for f in $files; do
    out=$("$bin" "$top/tests/wasm/wpt.mjs" "$jsapi" "$jsapi/$f" "$top/tests/wasm/wpt-expected.txt" 2>&1)
    echo "$out" | grep -v '^# subtests:'
    echo "$out" | grep -q '^# subtests:' || echo "not ok - wpt/$f: no result"
    set -- $(echo "$out" | sed -n 's/^# subtests: \([0-9]*\) passed, \([0-9]*\) failed/\1 \2/p')
    passed=$((passed + ${1:-0}))
    failed=$((failed + ${2:-0}))
done
echo "# WPT wasm/jsapi subtests: $passed passed, $failed failed (see tests/wasm/wpt-expected.txt)"
