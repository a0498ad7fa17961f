#!/bin/sh
# tests/node/group.sh GROUP ASAN_PREFIXES: one group of Node's test files
# (tests/node/run.sh's groups: base, net, io, crypto, http) as a test file of
# make test, compared with tests/node/expected-failures.txt. The release build
# runs the whole group; the asan build, 4-5 times slower, only the files of
# ASAN_PREFIXES. NODE_TESTS="prefix ..." picks the prefixes for both builds.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
group=$1 asan_prefixes=$2
case "${COROJS_TEST_VARIANT:-release}" in
    release) prefixes=${NODE_TESTS:-}
             export NODE_TEST_GROUP="$group" ;;
    *) prefixes=${NODE_TESTS:-$asan_prefixes}
       export NODE_TEST_TIMEOUT=${NODE_TEST_TIMEOUT:-120} ;;
esac
# shellcheck disable=SC2086
COROJS=$bin exec sh "$top/tests/node/run.sh" $prefixes
