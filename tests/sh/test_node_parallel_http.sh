#!/bin/sh
# Node.js's own tests for node:http: the parser's, server's and client's
# files (121 of the 370 test-http-*; `sh tests/node/run.sh http-` runs all);
# under asan the parser's.
exec sh "$(dirname "$0")/../node/group.sh" http http-parser
