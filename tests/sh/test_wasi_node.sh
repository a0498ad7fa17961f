#!/bin/sh
# Node.js's own WASI tests: the 25 C programs of test/wasi/c (poll_win.c is
# Windows' version of poll.c) from Node's source (`sh deps/deps.sh nodejs`
# fetches it into build/deps/nodejs; done here if it is missing), built by
# Debian's clang for wasm32-wasi with wasi-libc (tests/wasi/build.sh), run
# under corojs:wasi as Node's test/wasi/*.js run them (tests/wasi/node.mjs
# is Node's fixture) and held to the same expectations: the exit status and
# what they print. One line per program, then the variants (returnOnExit,
# stdio on files).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
node=$top/build/deps/nodejs/test
if [ ! -d "$node/wasi/c" ]; then
    sh "$top/deps/deps.sh" nodejs >&2 || { echo "not ok - cannot fetch Node.js's source (test/wasi)"; exit 1; }
fi
progs=$top/build/test-wasi/node
sh "$top/tests/wasi/build.sh" "$progs" $(ls "$node"/wasi/c/*.c | grep -v poll_win) || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME WANT_STATUS WANT_STDOUT SANDBOX [VAR=VALUE...]: stdin is an empty
# pipe, as under Node's spawnSync
run() {
    name=$1 want_status=$2 want_out=$3 sandbox=$4
    shift 4
    rm -rf "$work/tmp" && mkdir "$work/tmp"
    : | env NODE_PLATFORM=linux "$@" "$bin" "$top/tests/wasi/node.mjs" "$progs/$name.wasm" "$sandbox" \
        "$work/tmp" > "$work/out" 2> "$work/err"
    check "$name${label:+ ($label)}" $? "$want_status" "$want_out"
}

check() { # what status want_status want_out
    if [ "$2" -eq "$3" ] && [ "$(cat "$work/out")" = "$4" ]; then
        echo "ok - node test/wasi: $1"
    else
        echo "not ok - node test/wasi: $1: status $2 (expected $3)"
        sed 's/^/  # out: /' "$work/out" | head -5
        sed 's/^/  # err: /' "$work/err" | head -10
    fi
}

fixtures=$node/fixtures/wasi
label=""
# test-wasi.js: status 0
for p in clock_getres getrusage readdir cant_dotdot fd_prestat_get_refresh ftruncate getentropy \
         gettimeofday main_args notdir preopen_populates stat sock write_file; do
    run $p 0 "" "$fixtures"
done
# test-wasi-io.js, test-wasi-poll.js, test-wasi-exitcode.js
run freopen 0 "hello from input2.txt" "$fixtures"
run read_file 0 "hello from input.txt" "$fixtures"
run read_file_twice 0 "hello from input.txt
hello from input.txt" "$fixtures"
rm -rf "$work/tmp" && mkdir "$work/tmp"
printf 'hello world' | "$bin" "$top/tests/wasi/node.mjs" "$progs/stdin.wasm" "$fixtures" "$work/tmp" \
    > "$work/out" 2> "$work/err"
check stdin $? 0 "hello world"
run poll 0 "" "$fixtures"
run exitcode 0 "" "$fixtures"

# test-wasi-symlinks.js: a sandbox with links in it, one leading out, a loop
s=$work/sym
mkdir -p "$s/sandbox/subdir" "$s/tmp"
printf 'hello from input.txt' > "$s/sandbox/input.txt"
printf 'hello from input in subdir.txt' > "$s/sandbox/subdir/input-in-subdir.txt"
printf 'this should be inaccessible' > "$s/outside.txt"
ln -s ./input-in-subdir.txt "$s/sandbox/subdir/input_link.txt"
ln -s ../../outside.txt "$s/sandbox/subdir/outside.txt"
ln -s loop2 "$s/sandbox/subdir/loop1"
ln -s loop1 "$s/sandbox/subdir/loop2"
run create_symlink 0 "hello from input in subdir.txt" "$s/sandbox"
run follow_symlink 0 "hello from input in subdir.txt" "$s/sandbox"
run link 0 "" "$s/sandbox"
run symlink_escape 0 "" "$s/sandbox"
run symlink_loop 0 "" "$s/sandbox"

# the variants: returnOnExit true and false (test-wasi-exitcode.js)
label="returnOnExit: true" run exitcode 0 "start() returned 120" "$fixtures" RETURN_ON_EXIT=true WASI_PRINT_CODE=1
label="returnOnExit: false" run exitcode 120 "" "$fixtures" RETURN_ON_EXIT=false
# test-wasi-stdio.js: stdio on files given as descriptors (33 x's in, 31 out)
printf 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' > "$work/stdin.txt"
: > "$work/stdout.txt"
: > "$work/stderr.txt"
WASI_STDIO=3,4,5 WASI_PRINT_CODE=1 "$bin" "$top/tests/wasi/node.mjs" "$progs/stdin.wasm" "$fixtures" "$work/tmp" \
    3< "$work/stdin.txt" 4>> "$work/stdout.txt" 5>> "$work/stderr.txt" > "$work/out" 2> "$work/err"
status=$?
printf '%s' "$(cat "$work/out") $(cat "$work/stdout.txt") [$(cat "$work/stderr.txt")]" > "$work/out"
check "stdin (stdio on files, test-wasi-stdio.js)" $status 0 "start() returned 0 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx []"
