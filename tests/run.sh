#!/bin/sh
# tests/run.sh VARIANT [--total] [PATTERN...]: run the tests against build
# VARIANT (release or asan): the C unit tests, each JS test file in its own
# process, the command-line tests and the shell tests. Prints one line per
# file (with the seconds it took) and ends with "N passed, N failed". With
# --total, the counts of the release run just before are added in, for
# `make test`.
#
# A test is named by its kind and file: c/test_fiber, js/test_http.mjs,
# cli/cli.sh, sh/test_workers.sh. With PATTERNs (or TESTS="PATTERN..." in the
# environment, which `make test` passes on), only the tests whose name
# contains one of them run: `sh tests/run.sh release http` runs
# js/test_http.mjs, js/test_http_client.mjs, sh/test_http_curl.sh, ...
# (shell wildcards work too: 'js/*tls*').
#
# Every test file runs under a timeout of TEST_TIMEOUT seconds (default 300;
# a whole file, not one case), which kills the file's whole process group
# (peers included); one that runs out is reported as "timed out after N s"
# with the last lines it printed.
#
# COROJS_CHECK_HANDLES=1 is set for every corojs the tests start: a program
# whose loop still has a handle or a request after teardown fails with
# status 70 and names them on stderr (src/core/loop.c).
#
# The top lines of a JS test may say how to run it:
#     // flags: --expose-gc              options for corojs (first line only)
#     // with: tests/dns/run-with-dns.sh  a wrapper that starts a peer (a real
#                                        server on loopback), runs the test
#                                        under it and stops the peer
set -u

variant=${1:-release}
[ $# -gt 0 ] && shift
total=""
if [ "${1:-}" = --total ]; then
    total=--total
    shift
fi
patterns="$* ${TESTS:-}"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
if [ "$variant" = release ]; then bin="$top/build/corojs"; else bin="$top/build/$variant/corojs"; fi
results="$top/build/test-results-$variant"
timeout_s=${TEST_TIMEOUT:-300}

export COROJS_TEST_VARIANT="$variant"
export COROJS_CHECK_HANDLES=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
ran=0
failures=""

# Whether test NAME is selected by the patterns (all are without any).
selected() {
    test_name=$1
    # shellcheck disable=SC2086
    set -f -- $patterns
    set +f
    [ $# -eq 0 ] && return 0
    for p in "$@"; do
        # shellcheck disable=SC2254
        case "$test_name" in *$p*) return 0 ;; esac
    done
    return 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run NAME COMMAND...: run one test file under the timeout, its output in $out.
run() {
    name=$1
    shift
    selected "$name" || return 0
    ran=$((ran + 1))
    start=$(now_ms)
    timeout -k 10 "$timeout_s" "$@" > "$out" 2>&1
    status=$?
    ms=$(($(now_ms) - start))
    tally "$name" "$status" "$out" "$ms"
}

# Count "ok"/"not ok" lines of one run; a run that exits non-zero or prints
# no result at all counts as one more failure.
tally() { # name status outfile ms
    p=$(grep -c '^ok ' "$3")
    f=$(grep -c '^not ok ' "$3")
    took=$(printf '%d.%d s' $(($4 / 1000)) $(($4 % 1000 / 100)))
    if [ "$2" -eq 124 ] || [ "$2" -eq 137 ]; then
        f=$((f + 1))
        last=$(tail -n 10 "$3")
        echo "not ok - $1 timed out after $timeout_s s (TEST_TIMEOUT); its last lines:" >> "$3"
        echo "$last" | sed 's/^/    /' >> "$3"
    elif [ "$2" -ne 0 ] || [ $((p + f)) -eq 0 ]; then
        if [ "$f" -eq 0 ]; then # nothing failed by name: show how it ended
            last=$(tail -n 10 "$3")
            echo "not ok - $1 exited with status $2; its last lines:" >> "$3"
            echo "$last" | sed 's/^/    /' >> "$3"
        else
            echo "not ok - $1 exited with status $2" >> "$3"
        fi
        f=$((f + 1))
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -eq 0 ]; then
        printf 'PASS %-40s %4d  %s\n' "$1" "$p" "$took"
    else
        printf 'FAIL %-40s %d passed, %d failed  %s\n' "$1" "$p" "$f" "$took"
        grep -A 30 '^not ok' "$3" | sed 's/^/    /' | head -60
        grep -h 'did not close at exit' "$3" | sed 's/^/    /'
        failures="$failures $1"
    fi
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

for t in build/"$variant"/tests/test_*; do
    [ -x "$t" ] || continue
    run "c/$(basename "$t")" "$t"
done

for t in tests/js/test_*.mjs; do
    selected "js/$(basename "$t")" || continue
    flags=$(sed -n '1s|^// flags: ||p' "$t")
    with=$(sed -n '1,3s|^// with: ||p' "$t")
    dir=$(mktemp -d)
    export TEST_TMPDIR="$dir"
    # shellcheck disable=SC2086
    run "js/$(basename "$t")" $with "$bin" $flags "$t"
    rm -rf "$dir"
done

unset TEST_TMPDIR
export COROJS="$bin"
run "cli/cli.sh" sh tests/cli.sh

# Tests that need more than one process or a shell around corojs.
for t in tests/sh/test_*.sh; do
    run "sh/$(basename "$t")" sh "$t"
done

if [ "$ran" -eq 0 ]; then
    echo "no test name contains any of:$patterns"
    failed=1
fi
echo "$passed $failed" > "$results"
echo "$variant: $passed passed, $failed failed${failures:+ (failed:$failures)}"
if [ "$total" = --total ] && [ -f "$top/build/test-results-release" ] && [ "$variant" != release ]; then
    read -r rp rf < "$top/build/test-results-release"
    passed=$((passed + rp))
    failed=$((failed + rf))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
