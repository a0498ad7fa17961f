#!/bin/sh
# tests/dns/run-with-dns.sh COMMAND [ARGS...]: run COMMAND with a real DNS
# server on loopback.
#
# dnsmasq (from Debian's dnsmasq-base, which deps/deps.sh installs; its
# install starts no service) serves tests/dns/zone.conf on 127.0.0.1 and a
# free port, and COMMAND finds it in the environment as
# DNS_SERVER=127.0.0.1:PORT. The server is stopped when COMMAND ends, also
# when it fails or this script is killed (tests/run.sh's timeout sends TERM).
# Prints the server's log to stderr if COMMAND fails.
#
# A JS test asks tests/run.sh for it with a line at its top:
#     // with: tests/dns/run-with-dns.sh
set -u
PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../peer.sh"
chmod 755 "$dir" # dnsmasq drops root, and still writes its log here

if ! command -v dnsmasq >/dev/null; then
    echo "not ok - dnsmasq is missing (sh deps/deps.sh packages installs dnsmasq-base)"
    exit 1
fi

# Start dnsmasq in the foreground as our child (so it is ours to stop and
# reap) and wait until it serves, which it logs, or dies. A port in use makes
# it die at once: then try another random one.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
    : > "$dir/log"
    chmod 666 "$dir/log"
    dnsmasq --keep-in-foreground --conf-file="$here/zone.conf" --port="$port" \
        --log-facility="$dir/log" 2> "$dir/err" &
    pid=$!
    waited=0
    while kill -0 "$pid" 2>/dev/null && ! grep -q 'started, version' "$dir/log" && [ $waited -lt 200 ]; do
        sleep 0.05
        waited=$((waited + 1))
    done
    grep -q 'started, version' "$dir/log" && kill -0 "$pid" 2>/dev/null && break
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=""
    grep -q 'in use' "$dir/err" || break
done
if [ -z "$pid" ]; then
    echo "not ok - cannot start dnsmasq"
    sed 's/^/  # /' "$dir/err" "$dir/log"
    exit 1
fi

DNS_SERVER="127.0.0.1:$port" "$@"
status=$?
[ "$status" -eq 0 ] || tail -n 30 "$dir/log" | sed "s/^/dnsmasq: /" >&2
exit "$status"
