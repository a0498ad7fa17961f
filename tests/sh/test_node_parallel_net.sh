#!/bin/sh
# Node.js's own tests (test/parallel) for node:net and node:dns (test-net-*,
# test-dns*, test-tcp-*, test-pipe-*, test-socket*: 191 files): tests/node/run.sh
# with NODE_TEST_GROUP=net against this build, compared with
# tests/node/expected-failures.txt, in a test file of its own so that it has
# its own time (about 80 s on 2 cores). The asan build runs the TCP handle's
# own files only (tcp-wrap).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
case "${COROJS_TEST_VARIANT:-release}" in
    release) export NODE_TEST_GROUP=net
             prefixes= ;;
    *) prefixes=tcp-wrap
       export NODE_TEST_TIMEOUT=${NODE_TEST_TIMEOUT:-120} ;;
esac
# shellcheck disable=SC2086
COROJS=$bin sh "$top/tests/node/run.sh" $prefixes
