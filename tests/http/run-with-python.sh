#!/bin/sh
# tests/http/run-with-python.sh COMMAND [ARGS...]: run COMMAND with Python's
# http.server (tests/http/pyserver.py) on 127.0.0.1 and a free port, serving
# a directory of files the command finds in the environment:
#     PY_HTTP=127.0.0.1:PORT   PY_HTTP_ROOT=/the/directory
# The server is stopped when COMMAND ends, also when it fails or this script
# is killed. A JS test asks tests/run.sh for it with a line at its top:
#     // with: tests/http/run-with-python.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/peer.sh"

need python3 python3
mkdir "$dir/root"
printf 'hello from python\n' > "$dir/root/hello.txt"
head -c 1048576 /dev/urandom > "$dir/root/big.bin"

start_python() { python3 "$here/pyserver.py" "$port" "$dir/root" > "$dir/log" 2>&1 & }
start_peer "python's http.server" '^serving' start_python
PY_HTTP="127.0.0.1:$port" PY_HTTP_ROOT="$dir/root" run_with_peer python "$@"
