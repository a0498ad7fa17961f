#!/bin/sh
# Node.js's own tests of issue 10's timers and streams (test-timers-*,
# test-stream*, test-readable-*); under asan the stream-duplex-from files.
exec sh "$(dirname "$0")/../node/group.sh" streams stream-duplex-from
