#!/bin/sh
# process as Node's EventEmitter, seen from outside: 'exit' and 'beforeExit'
# at the natural end and on process.exit(), an error of the main module's top
# level taken by an 'uncaughtException' listener, warnings on stderr.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# matches FILE REGEX: EMPTY wants nothing written, '' anything
matches() {
    case $2 in
        EMPTY) [ ! -s "$1" ] ;;
        '') true ;;
        *) grep -Eq "$2" "$1" ;;
    esac
}

# check NAME STATUS STDOUT-REGEX STDERR-REGEX CODE
check() {
    "$bin" -e "$5" > "$out" 2> "$err"
    status=$?
    if [ "$status" -eq "$2" ] && matches "$out" "$3" && matches "$err" "$4"; then
        echo "ok - $1"
    else
        echo "not ok - $1 (status $status, expected $2)"
        sed 's/^/#   stdout: /' "$out"
        sed 's/^/#   stderr: /' "$err"
    fi
}

check "'beforeExit' then 'exit' when nothing is left to do, with the exit code" 3 '^before 3 exit 3$' EMPTY \
    "let s = ''; process.on('beforeExit', (c) => { s += 'before ' + c; });
     process.on('exit', (c) => console.log(s + ' exit ' + c)); process.exitCode = 3;
     setTimeout(() => {}, 5)"
check "'exit' on process.exit(n), once" 4 '^exit 4$' EMPTY \
    "process.on('exit', (c) => console.log('exit', c)); process.exit(4)"
check "a top-level throw taken by 'uncaughtException' ends nothing" 0 '^took top, then later$' EMPTY \
    "process.on('uncaughtException', (e) => console.log('took ' + e.message + ', then later'));
     setTimeout(() => {}, 1); throw new Error('top')"
check "without listeners an uncaught error ends the program with status 1" 1 EMPTY 'Uncaught Error: top' \
    "process.on('exit', () => {}); throw new Error('top')"
check "emitWarning prints as Node does" 0 EMPTY '^\(corojs:[0-9]+\) \[DEP0999\] DeprecationWarning: old$' \
    "process.emitWarning('old', 'DeprecationWarning', 'DEP0999')"
check "a 'warning' listener gets it" 0 '^Warning careful$' '' \
    "process.on('warning', (w) => console.log(w.name, w.message)); process.emitWarning('careful')"
