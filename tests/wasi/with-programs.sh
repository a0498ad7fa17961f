#!/bin/sh
# tests/wasi/with-programs.sh COMMAND [ARGS...]: run COMMAND with the WASI and
# Dagger test programs built (tests/wasi/fixtures/*.wat and *.c, by
# tests/wasi/build.sh into build/test-wasi), named to it as WASI_PROGRAMS.
# A JS test asks for it with `// with: tests/wasi/with-programs.sh`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../build/test-wasi/programs"
sh "$here/build.sh" "$out" "$here"/fixtures/*.wat "$here"/fixtures/*.c || exit 1
WASI_PROGRAMS=$(cd "$out" && pwd) exec "$@"
