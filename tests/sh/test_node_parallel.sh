#!/bin/sh
# Node.js's own tests (test/parallel) for the Node builtins: tests/node/run.sh
# against this build, compared with tests/node/expected-failures.txt. The
# release build runs the files of issue 10's prefixes (454, about 3 minutes
# on 2 cores; net and dns have their own, test_node_parallel_net.sh); the
# asan build, 4-5 times slower, runs the prefixes in NODE_TESTS_ASAN (the
# small modules: path, querystring, string-decoder, url, punycode, os,
# next-tick, event-emitter); NODE_TESTS="prefix ..." picks the prefixes for
# both.
#
# Node's test files are CommonJS: they need the loader (lib/node/loader.js,
# the nloader branch). A build without it says so and skips the run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
if [ ! -f "$top/lib/node/loader.js" ]; then
    echo "ok - # SKIP Node's tests need the CommonJS loader (lib/node/loader.js), not in this tree"
    exit 0
fi
case "${COROJS_TEST_VARIANT:-release}" in
    release) prefixes=${NODE_TESTS:-}
             export NODE_TEST_GROUP=base ;; # net's: test_node_parallel_net.sh
    *) prefixes=${NODE_TESTS:-${NODE_TESTS_ASAN:-path querystring string-decoder url punycode os next-tick event-emitter}}
       export NODE_TEST_TIMEOUT=${NODE_TEST_TIMEOUT:-120} ;;
esac
# shellcheck disable=SC2086
COROJS=$bin sh "$top/tests/node/run.sh" $prefixes
