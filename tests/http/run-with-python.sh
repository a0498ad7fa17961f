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
. "$here/../peer.sh"

if ! command -v python3 >/dev/null; then
    echo "not ok - python3 is missing (sh deps/deps.sh packages installs it)"
    exit 1
fi
mkdir "$dir/root"
printf 'hello from python\n' > "$dir/root/hello.txt"
head -c 1048576 /dev/urandom > "$dir/root/big.bin"
python3 "$here/pyserver.py" "$dir/port" "$dir/root" 2> "$dir/err" &
pid=$!
waited=0
while [ ! -s "$dir/port" ] && kill -0 "$pid" 2>/dev/null && [ $waited -lt 200 ]; do
    sleep 0.05
    waited=$((waited + 1))
done
if [ ! -s "$dir/port" ]; then
    echo "not ok - cannot start python's http.server"
    sed 's/^/  # /' "$dir/err"
    exit 1
fi
PY_HTTP="127.0.0.1:$(cat "$dir/port")" PY_HTTP_ROOT="$dir/root" "$@"
status=$?
[ "$status" -eq 0 ] || sed 's/^/python: /' "$dir/err" >&2
exit "$status"
