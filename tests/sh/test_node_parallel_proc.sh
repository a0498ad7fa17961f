#!/bin/sh
# Node.js's own tests for process.stdin/stdout/stderr, tty, signals, readline
# and dgram (test-stdin*, test-stdout*, test-stdio*, test-tty*, test-signal*,
# test-readline*, test-dgram*: 129 files, about 95 s on 2 cores, the two
# readline interface files 13 s each); under asan the signal, tty and stdout
# files.
exec sh "$(dirname "$0")/../node/group.sh" proc "signal tty stdout"
