#!/bin/sh
# tests/run.sh VARIANT [--total]: run every test against build VARIANT
# (release or asan): the C unit tests, each JS test file in its own process
# with a timeout, and the command-line tests. Prints one line per file and
# ends with "N passed, N failed". With --total, the counts of the release
# run just before are added in, for `make test`.
#
# The top lines of a JS test may say how to run it:
#     // flags: --expose-gc              options for corojs (first line only)
#     // with: tests/dns/run-with-dns.sh  a wrapper that starts a peer (a real
#                                        server on loopback), runs the test
#                                        under it and stops the peer
set -u

variant=${1:-release}
total=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
if [ "$variant" = release ]; then bin="$top/build/corojs"; else bin="$top/build/$variant/corojs"; fi
results="$top/build/test-results-$variant"
timeout_s=${TEST_TIMEOUT:-180}

export COROJS_TEST_VARIANT="$variant"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
failures=""

# Count "ok"/"not ok" lines of one run; a run that exits non-zero or prints
# no result at all counts as one more failure.
tally() { # name status outfile
    p=$(grep -c '^ok ' "$3")
    f=$(grep -c '^not ok ' "$3")
    if [ "$2" -ne 0 ] || [ $((p + f)) -eq 0 ]; then
        f=$((f + 1))
        echo "not ok - $1 exited with status $2" >> "$3"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -eq 0 ]; then
        printf 'PASS %-40s %d\n' "$1" "$p"
    else
        printf 'FAIL %-40s %d passed, %d failed\n' "$1" "$p" "$f"
        grep -A 30 '^not ok' "$3" | sed 's/^/    /' | head -60
        failures="$failures $1"
    fi
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

for t in build/"$variant"/tests/test_*; do
    [ -x "$t" ] || continue
    timeout "$timeout_s" "$t" > "$out" 2>&1
    tally "c/$(basename "$t")" $? "$out"
done

for t in tests/js/test_*.mjs; do
    flags=$(sed -n '1s|^// flags: ||p' "$t")
    with=$(sed -n '1,3s|^// with: ||p' "$t")
    dir=$(mktemp -d)
    # shellcheck disable=SC2086
    TEST_TMPDIR="$dir" timeout "$timeout_s" $with "$bin" $flags "$t" > "$out" 2>&1
    status=$?
    rm -rf "$dir"
    tally "js/$(basename "$t")" $status "$out"
done

COROJS="$bin" timeout "$timeout_s" sh tests/cli.sh > "$out" 2>&1
tally "cli/cli.sh" $? "$out"

# Tests that need more than one process or a shell around corojs.
for t in tests/sh/test_*.sh; do
    COROJS="$bin" timeout "$timeout_s" sh "$t" > "$out" 2>&1
    tally "sh/$(basename "$t")" $? "$out"
done

echo "$passed $failed" > "$results"
echo "$variant: $passed passed, $failed failed${failures:+ (failed:$failures)}"
if [ "$total" = --total ] && [ -f "$top/build/test-results-release" ] && [ "$variant" != release ]; then
    read -r rp rf < "$top/build/test-results-release"
    passed=$((passed + rp))
    failed=$((failed + rf))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
