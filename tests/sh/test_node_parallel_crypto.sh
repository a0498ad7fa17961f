#!/bin/sh
# Node.js's own tests for node:crypto and WebCrypto (test-crypto-*,
# test-webcrypto-*); under asan the hash and HMAC files, and DH, ECDH and primes.
exec sh "$(dirname "$0")/../node/group.sh" crypto "crypto-hash crypto-hmac crypto-dh-errors crypto-dh-curves crypto-dh-padding crypto-dh-stateless crypto-ecdh crypto-prime"
