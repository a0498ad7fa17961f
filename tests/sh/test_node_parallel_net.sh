#!/bin/sh
# Node.js's own tests for node:net and node:dns (test-net-*, test-dns*,
# test-tcp-*, test-pipe-*, test-socket*: 191 files, about 80 s on 2 cores);
# under asan the TCP handle's own files.
exec sh "$(dirname "$0")/../node/group.sh" net tcp-wrap
