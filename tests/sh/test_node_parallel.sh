#!/bin/sh
# Node.js's own tests (test/parallel) of issue 10's modules but timers and
# streams (path, events, util, buffer, assert, url, ...); under asan the small
# modules' files only. The other groups have test files of their own:
# test_node_parallel_*.sh.
exec sh "$(dirname "$0")/../node/group.sh" base \
    "path querystring string-decoder url punycode os next-tick event-emitter"
