#!/bin/sh
# tests/node/run.sh [-j N] [PREFIX...]: Node.js's own tests (test/parallel of
# Node's Debian source package, fetched by `sh deps/deps.sh nodejs` into
# build/deps/nodejs) run unmodified against corojs, each file in a process of
# its own under a timeout, with Node's test/common as it is. A file passes
# when it exits with status 0 without skipping itself (test/common's skip():
# "1..0 # Skipped: ..."; such files are counted apart, never as passing).
#
# Which files: those whose name starts with test-PREFIX for the PREFIXes given,
# by default the modules of issue 10 (path, events, util, buffer, ...:
# $base_prefixes; timers and streams: $streams_prefixes) and of issue 11
# that are there, in groups: net, dns, tcp_wrap, pipes ($net_prefixes); zlib
# and fs ($io_prefixes); crypto ($crypto_prefixes); of http's 370 test-http-
# files the parser's, server's and client's, for make test's time (`sh
# tests/node/run.sh http-` runs them all: $http_prefixes); stdio, tty,
# signals, readline and dgram ($proc_prefixes); worker_threads and
# MessagePorts ($worker_prefixes). NODE_TEST_GROUP=NAME picks
# one group. A file's `// Flags:` line is honoured: the flags
# corojs has (--expose-internals, --expose-gc) on its command line, Node's
# other options (--pending-deprecation, --no-warnings, ...) in NODE_OPTIONS,
# where Node's lib reads them (internalBinding('options')).
#
# tests/node/expected-failures.txt names the files expected to fail, one a
# line with the reason after it. The run fails on any difference: a listed
# file that passes (take it off the list) or an unlisted one that fails (a
# regression). With PREFIXes given, only their files are compared. A reason
# starting "skip:" means the file is not run at all (it would pass or fail by
# the machine's load, or hog it); it counts as not passing.
#
# Environment: COROJS (the binary, default build/corojs), NODE_TEST_TIMEOUT
# (seconds per file, default 60), NODE_TEST_JOBS (files run at once, default
# 2), NODE_TEST_OUT (a directory to keep each file's output in, as
# NAME.out, for a closer look). Prints one line per file that differs from the list, then a TAP line
# and "# node tests: N of M files pass".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
node_src=$top/build/deps/nodejs
expected=$top/tests/node/expected-failures.txt
timeout_s=${NODE_TEST_TIMEOUT:-60}
jobs=${NODE_TEST_JOBS:-2}
base_prefixes="path event-emitter events querystring string-decoder url assert buffer util os punycode
next-tick"
streams_prefixes="timers stream2 stream3 readable stream-"
net_prefixes="net- dns tcp- pipe- socket"
io_prefixes="zlib fs"
crypto_prefixes="crypto webcrypto"
http_prefixes="http-parser http-server http-client"
proc_prefixes="stdin stdout stdio tty signal readline dgram"
worker_prefixes="worker messagechannel messageport messageevent broadcastchannel structuredClone"
groups="base streams net io crypto http proc worker"

if [ "${1:-}" = -j ]; then
    jobs=$2
    shift 2
fi
# NODE_TEST_GROUP=NAME (one of $groups): only that group's prefixes (make
# test runs each group as a test file of its own, each with its own time).
all_prefixes=
for g in ${NODE_TEST_GROUP:-$groups}; do
    all_prefixes="$all_prefixes $(eval echo "\${${g}_prefixes:?no group $g}")"
done
prefixes=${*:-$all_prefixes}

if [ ! -d "$node_src/test/parallel" ]; then
    sh "$top/deps/deps.sh" nodejs >&2 || { echo "not ok - cannot fetch Node.js's source"; exit 1; }
fi

files=$(cd "$node_src/test/parallel" && for p in $prefixes; do ls test-"$p"*.js test-"$p"*.mjs 2>/dev/null; done | sort -u)
[ -n "$files" ] || { echo "not ok - no Node test file starts with any of: $prefixes"; exit 1; }

skipped=$(sed -n 's/^\(test-[^[:space:]]*\)[[:space:]][[:space:]]*skip:.*/\1/p' "$expected")
run_files=$(printf '%s\n' $files | grep -v -x -F "${skipped:-/}")

if [ -n "${NODE_TEST_OUT:-}" ]; then
    results=$NODE_TEST_OUT
    mkdir -p "$results"
else
    results=$(mktemp -d)
    trap 'rm -rf "$results"' EXIT
fi

# One file: its status in $results/NAME.status, its output in $results/NAME.out.
run_one() {
    f=$1
    # The file's `// Flags:`: those corojs has on its command line, Node's
    # other options in NODE_OPTIONS (Node's lib reads them from there).
    all=$(sed -n 's|^// Flags: ||p' "$node_src/test/parallel/$f" | tr ' ' '\n' | sed 's/_/-/g' | grep -v '^$')
    flags=$(echo "$all" | grep -x -e '--expose-internals' -e '--expose-gc' | sort -u | tr '\n' ' ')
    options=$(echo "$all" | grep -v -x -e '--expose-internals' -e '--expose-gc' | tr '\n' ' ')
    cd "$node_src" || exit 1
    # test/common/tmpdir.js: the file's scratch directory is test/.tmp.$TEST_THREAD_ID
    # shellcheck disable=SC2086
    NODE_OPTIONS="$options" TEST_THREAD_ID=$$ timeout -k 5 "$timeout_s" "$bin" $flags "test/parallel/$f" \
        > "$results/$f.out" 2>&1 < /dev/null
    echo $? > "$results/$f.status"
    rm -rf "test/.tmp.$$"
}

export bin node_src results timeout_s
# test/common re-runs a file whose `// Flags:` are not all in process.execArgv
# (Node's options are in NODE_OPTIONS here, see run_one): it need not.
export NODE_SKIP_FLAG_CHECK=1
# POSIX sh has no exported functions: each job is a sh -c of the same code.
job=$(sed -n '/^run_one() {$/,/^}$/p' "$0")
printf '%s\n' $run_files | xargs -P "$jobs" -I{} sh -c "$job"'
run_one "$1"' sh {}

listed() { grep -q "^$1[[:space:]]" "$expected"; }

pass=0 total=0 diffs=0 selfskip=0
for f in $files; do
    total=$((total + 1))
    echo "$skipped" | grep -q -x -F "$f" && continue
    status=$(cat "$results/$f.status" 2>/dev/null || echo 1)
    if [ "$status" -eq 0 ]; then
        # test/common's skip() exits 0 after "1..0 # Skipped: why": the file
        # tested nothing, so it is not counted as passing.
        if grep -q '^1\.\.0 # Skipped' "$results/$f.out"; then
            selfskip=$((selfskip + 1))
        else
            pass=$((pass + 1))
        fi
        if listed "$f"; then
            echo "not ok - newly passing (take it off tests/node/expected-failures.txt): $f"
            diffs=$((diffs + 1))
        fi
    elif ! listed "$f"; then
        why=$([ "$status" -eq 124 ] && echo "timed out after $timeout_s s" || echo "exit status $status")
        echo "not ok - regression: $f ($why); its last lines:"
        tail -n 8 "$results/$f.out" | sed 's/^/#     /'
        diffs=$((diffs + 1))
    fi
done
# Listed files that no longer exist (of the prefixes that ran).
for p in $prefixes; do
    for f in $(sed -n "s/^\(test-$p[^[:space:]]*\).*/\1/p" "$expected"); do
        [ -f "$node_src/test/parallel/$f" ] && continue
        echo "# listed but not in Node's tests: $f"
        diffs=$((diffs + 1))
    done
done

if [ "$diffs" -eq 0 ]; then
    echo "ok - Node's test/parallel: $pass of $total files pass, as tests/node/expected-failures.txt says"
else
    echo "not ok - Node's test/parallel: $diffs files differ from tests/node/expected-failures.txt"
fi
echo "# node tests: $pass of $total files pass ($((pass * 100 / total))%); $selfskip skipped themselves (not counted)"
[ "$diffs" -eq 0 ]
