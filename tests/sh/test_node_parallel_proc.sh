#!/bin/sh
# Node.js's own tests (test/parallel) for process.stdin/stdout/stderr, tty,
# signals, readline and dgram (test-stdin*, test-stdout*, test-stdio*,
# test-tty*, test-signal*, test-readline*, test-dgram*: 129 files):
# tests/node/run.sh with NODE_TEST_GROUP=proc against this build, compared
# with tests/node/expected-failures.txt, in a test file of its own so that it
# has its own time (about 95 s on 2 cores, the two readline interface files
# 13 s each). The asan build runs the signal, tty and stdout files only.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
case "${COROJS_TEST_VARIANT:-release}" in
    release) export NODE_TEST_GROUP=proc
             prefixes= ;;
    *) prefixes="signal tty stdout"
       export NODE_TEST_TIMEOUT=${NODE_TEST_TIMEOUT:-120} ;;
esac
# shellcheck disable=SC2086
COROJS=$bin sh "$top/tests/node/run.sh" $prefixes
