#!/bin/sh
# Node.js's own tests for node:crypto and WebCrypto (test-crypto-*,
# test-webcrypto-*); under asan the hash and HMAC files.
exec sh "$(dirname "$0")/../node/group.sh" crypto "crypto-hash crypto-hmac"
