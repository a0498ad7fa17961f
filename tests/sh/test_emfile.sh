#!/bin/sh
# A server out of file descriptors waits and retries (tests/sh/emfile.mjs).
ulimit -n 64
exec "$COROJS" "$(dirname "$0")/emfile.mjs"
