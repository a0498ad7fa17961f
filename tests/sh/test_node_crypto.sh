#!/bin/sh
# Node.js's own tests of node:crypto and crypto.subtle (test-crypto-*,
# test-webcrypto-*: 128 files) against this build, compared with
# tests/node/expected-failures.txt (tests/node/run.sh). The release build runs
# them all (about 1.5 minutes on 2 cores); the asan build, 4-5 times slower,
# the digests, HMAC, ciphers and key derivations (NODE_TESTS_ASAN).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
case "${COROJS_TEST_VARIANT:-release}" in
    release) prefixes="crypto webcrypto" ;;
    *) prefixes=${NODE_TESTS_ASAN:-crypto-hash crypto-hmac crypto-cipheriv crypto-authenticated crypto-pbkdf2 crypto-scrypt crypto-hkdf crypto-random webcrypto-digest}
       export NODE_TEST_TIMEOUT=${NODE_TEST_TIMEOUT:-120} ;;
esac
# shellcheck disable=SC2086
COROJS=$bin sh "$top/tests/node/run.sh" $prefixes
