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
. "$here/../lib/peer.sh"
chmod 755 "$dir" # dnsmasq drops root, and still writes its log here

need dnsmasq dnsmasq-base

# dnsmasq in the foreground, as our child (so it is ours to stop and reap)
start_dnsmasq() {
    dnsmasq --keep-in-foreground --conf-file="$here/zone.conf" --port="$port" \
        --log-facility="$dir/log" 2>> "$dir/log" &
}
start_peer dnsmasq 'started, version' start_dnsmasq

DNS_SERVER="127.0.0.1:$port" run_with_peer dnsmasq "$@"
