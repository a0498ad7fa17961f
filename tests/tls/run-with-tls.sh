#!/bin/sh
# tests/tls/run-with-tls.sh COMMAND [ARGS...]: run COMMAND with test
# certificates and a real TLS server on loopback.
#
# The certificates (tests/tls/certs.sh) go into a fresh directory, named to
# COMMAND as TLS_CERTS, with big.bin (4 MiB of random bytes) beside them.
# `openssl s_server -WWW` serves that directory over TLS 1.2 or 1.3 with
# a.pem (localhost, from ca.pem) and ALPN h2 and http/1.1 on 127.0.0.1 and
# a free port, TLS_PEER_PORT. It is stopped when COMMAND ends, also when it
# fails or this script is killed (tests/run.sh's timeout sends TERM).
#
# A JS test asks tests/run.sh for it with a line at its top:
#     // with: tests/tls/run-with-tls.sh
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../peer.sh"

if ! command -v openssl >/dev/null; then
    echo "not ok - openssl is missing (sh deps/deps.sh packages installs it)"
    exit 1
fi
if ! sh "$here/certs.sh" "$dir/certs" > "$dir/certs.log" 2>&1; then
    echo "not ok - cannot make the test certificates"
    sed 's/^/  # /' "$dir/certs.log"
    exit 1
fi
head -c 4194304 /dev/urandom > "$dir/certs/big.bin"

# Start s_server as our child and wait until it accepts (it says ACCEPT) or
# dies; a port in use makes it die at once: then try another random one.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
    (cd "$dir/certs" && exec openssl s_server -accept "127.0.0.1:$port" -cert a.pem -key a.key \
        -alpn h2,http/1.1 -WWW) > "$dir/log" 2>&1 &
    pid=$!
    waited=0
    while kill -0 "$pid" 2>/dev/null && ! grep -q ACCEPT "$dir/log" && [ $waited -lt 200 ]; do
        sleep 0.05
        waited=$((waited + 1))
    done
    grep -q ACCEPT "$dir/log" && kill -0 "$pid" 2>/dev/null && break
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=""
done
if [ -z "$pid" ]; then
    echo "not ok - cannot start openssl s_server"
    sed 's/^/  # /' "$dir/log"
    exit 1
fi

TLS_CERTS="$dir/certs" TLS_PEER_PORT="$port" "$@"
status=$?
[ "$status" -eq 0 ] || tail -n 30 "$dir/log" | sed "s/^/s_server: /" >&2
exit "$status"
