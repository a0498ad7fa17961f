#!/bin/sh
# WebAssembly apps from the command line: `corojs [--dir HOST[::GUEST]]...
# [--env NAME[=VALUE]]... app.wasm [args...]` runs a WASI command or a
# Dagger module (told apart by imports and exports), with wasmtime's
# conventions (nothing of the host unless given); `corojs run a.wasm b.mjs`
# runs wasm beside JS; bad modules and traps say what went wrong. The
# programs are tests/wasi/fixtures, built by tests/wasi/build.sh.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
progs=$top/build/test-wasi/programs
sh "$top/tests/wasi/build.sh" "$progs" "$top"/tests/wasi/fixtures/*.wat "$top"/tests/wasi/fixtures/*.c || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# expect NAME STATUS STDOUT STDERR_REGEX -- COMMAND...: stdout exactly,
# stderr matching a grep -E pattern ("" for anything, EMPTY for nothing)
expect() {
    name=$1 want_status=$2 want_out=$3 want_err=$4
    shift 5
    "$@" > out 2> err < /dev/null
    status=$?
    problem=""
    [ "$status" -eq "$want_status" ] || problem="status $status, expected $want_status"
    [ "$(cat out)" = "$want_out" ] || problem="$problem; stdout differs"
    if [ "$want_err" = EMPTY ]; then [ ! -s err ] || problem="$problem; stderr is not empty"
    elif [ -n "$want_err" ]; then grep -Eq -- "$want_err" err || problem="$problem; stderr does not match /$want_err/"; fi
    if [ -z "$problem" ]; then
        echo "ok - $name"
    else
        echo "not ok - $name"
        echo "  # $problem"
        sed 's/^/  # out: /' out | head -10
        sed 's/^/  # err: /' err | head -10
    fi
}

mkdir box
printf 'from the box\n' > box/in.txt

expect "a WASI command sees nothing of the host unless given" 5 "argc=2 [report.wasm] [a b]
FOO=(none)
in.txt: Capabilities insufficient
../: Capabilities insufficient" EMPTY -- env FOO=host "$bin" "$progs/report.wasm" "a b"
expect "--dir HOST::GUEST and --env NAME=VALUE" 5 "argc=1 [report.wasm]
FOO=given
in.txt: from the box
../: Capabilities insufficient" EMPTY -- "$bin" --dir box::/ --env FOO=given "$progs/report.wasm"
[ "$(head -1 box/report.txt)" = "argc=1 [report.wasm]" ] && echo "ok - the app wrote into its --dir" ||
    echo "not ok - the app wrote into its --dir"
expect "--env NAME takes the host's value; --dir=HOST (the same name inside)" 5 "argc=1 [report.wasm]
FOO=host
in.txt: Capabilities insufficient
../: Capabilities insufficient" EMPTY -- env FOO=host "$bin" --env FOO --dir="$work/box" "$progs/report.wasm"
expect "stdin and stdout are the process's (a pipe here)" 0 "piped through" EMPTY -- \
    sh -c "printf 'piped through' | '$bin' '$progs/wasi_cat.wasm'"
expect "a --dir that is not there fails with its error" 1 "" "ENOENT.*nothing" -- \
    "$bin" --dir nothing::/x "$progs/report.wasm"
expect "a Dagger module (imports from env): hello, world" 0 "Hello, world!" EMPTY -- "$bin" "$progs/dagger_hello.wasm"
cp "$progs/dagger_caps.wasm" box/
expect "a Dagger app from the command line may open http://, file:// in its own directory, fd://" 0 "" EMPTY -- \
    "$bin" box/dagger_caps.wasm
expect "a trap ends the app with status 1 and says where" 1 "" \
    'RuntimeError: unreachable \(in wasm function [0-9]+ "deep" at byte offset [0-9]+\)' -- "$bin" "$progs/wasi_trap.wasm"
expect "a missing import is a LinkError naming module and field" 1 "" \
    'LinkError: import "wasi_snapshot_preview1" "fd_frobnicate"' -- "$bin" "$progs/wasi_badimport.wasm"
printf '\0asm\1\0\0\0\1\5' > bad.wasm
expect "a malformed module is a CompileError naming the byte offset" 1 "" 'CompileError: .*at byte [0-9]+' -- \
    "$bin" bad.wasm
expect "memory.grow meets --memory-limit" 42 "" EMPTY -- "$bin" --memory-limit 8m "$progs/wasi_grow.wasm"
cat > side.mjs <<'EOF'
console.log('js beside wasm');
EOF
"$bin" run "$progs/dagger_hello.wasm" side.mjs "$progs/report.wasm" > out 2> err
status=$?
if [ $status -eq 5 ] && [ "$(sort out | tr '\n' '|')" = "../: Capabilities insufficient|FOO=(none)|Hello, world!|argc=1 [report.wasm]|in.txt: Capabilities insufficient|js beside wasm|" ]; then
    echo "ok - corojs run: a Dagger app, a JS app and a WASI app in one process, the first failure's status"
else
    echo "not ok - corojs run: status $status"
    sed 's/^/  # /' out err | head -20
fi

# the examples of the README (examples/wasm), built and run as it says
sh "$top/tests/wasi/build.sh" "$work/examples" "$top/examples/wasm/hello.c" "$top/examples/wasm/hello_dagger.wat" || exit 1
mkdir ex && : > ex/file.txt
expect "examples/wasm/hello.c as the README runs it" 0 "hi from hello.wasm, with 2 arguments
  argument 1: one
  argument 2: two
in /: file.txt
2 lines on stdin" EMPTY -- sh -c "printf 'a\nb\n' | '$bin' --dir ex::/ --env GREETING=hi '$work/examples/hello.wasm' one two"
expect "examples/wasm/hello_dagger.wat" 0 "Hello, world!" EMPTY -- "$bin" "$work/examples/hello_dagger.wasm"
expect "examples/wasm/run-wasi.mjs" 0 "hi from ../examples/hello.wasm, with 0 arguments
in /: file.txt
0 lines on stdin
exit code 0" EMPTY -- sh -c "cd ex && '$bin' '$top/examples/wasm/run-wasi.mjs' ../examples/hello.wasm"
