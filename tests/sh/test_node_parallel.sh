#!/bin/sh
# Node.js's own tests (test/parallel) of issue 10's modules (454 files, about
# 3 minutes on 2 cores); under asan the small modules' files only. The other
# groups have test files of their own: test_node_parallel_*.sh.
exec sh "$(dirname "$0")/../node/group.sh" base \
    "path querystring string-decoder url punycode os next-tick event-emitter"
