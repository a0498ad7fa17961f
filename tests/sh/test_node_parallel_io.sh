#!/bin/sh
# Node.js's own tests for node:zlib and node:fs (test-zlib-*, test-fs-*);
# under asan the zlib files and the sync fs calls of fs-exists, fs-stat, fs-open.
exec sh "$(dirname "$0")/../node/group.sh" io "zlib fs-exists fs-stat fs-open"
