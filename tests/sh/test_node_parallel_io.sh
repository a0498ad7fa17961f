#!/bin/sh
# Node.js's own tests for node:zlib and node:fs (test-zlib-*, test-fs-*);
# under asan the zlib files.
exec sh "$(dirname "$0")/../node/group.sh" io zlib
