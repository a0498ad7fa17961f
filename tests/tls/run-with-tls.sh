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
. "$here/../lib/peer.sh"

need openssl openssl
if ! sh "$here/certs.sh" "$dir/certs" > "$dir/certs.log" 2>&1; then
    echo "not ok - cannot make the test certificates"
    sed 's/^/  # /' "$dir/certs.log"
    exit 1
fi
head -c 4194304 /dev/urandom > "$dir/certs/big.bin"

start_s_server() {
    (cd "$dir/certs" && exec openssl s_server -accept "127.0.0.1:$port" -cert a.pem -key a.key \
        -alpn h2,http/1.1 -WWW) >> "$dir/log" 2>&1 &
}
start_peer "openssl s_server" ACCEPT start_s_server

TLS_CERTS="$dir/certs" TLS_PEER_PORT="$port" run_with_peer s_server "$@"
