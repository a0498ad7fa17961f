#!/bin/sh
# Node.js's own tests (test/parallel) for issue 11's modules: zlib and fs
# (tests/node/run.sh --set 11), compared with tests/node/expected-failures.txt,
# on the release build (about 3 minutes on a loaded 2-core machine: fs's 236
# files take most of it). The asan build runs the prefixes in
# NODE_TESTS_ASAN_IO, none by default (zlib's 53 files take 1.5 minutes there;
# tests/js/test_node_zlib.mjs covers the binding under ASan).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
case "${COROJS_TEST_VARIANT:-release}" in
    release) prefixes="--set 11" ;;
    *) prefixes=${NODE_TESTS_ASAN_IO:-}
       export NODE_TEST_TIMEOUT=${NODE_TEST_TIMEOUT:-120}
       if [ -z "$prefixes" ]; then
           echo "ok - # SKIP issue 11's Node files run on the release build (NODE_TESTS_ASAN_IO=zlib runs them here)"
           exit 0
       fi ;;
esac
# shellcheck disable=SC2086
COROJS=$bin sh "$top/tests/node/run.sh" $prefixes
