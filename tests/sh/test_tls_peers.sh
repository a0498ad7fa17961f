#!/bin/sh
# Real TLS clients against a corojs TLS server (tests/tls/server.mjs):
# openssl s_client gets each name's own certificate, curl gets an answer,
# and after a plain-text client, an unknown name and a failing resolver the
# server still serves. Certificates are made by tests/tls/certs.sh.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/sh/http_lib.sh"

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; shift; for l in "$@"; do echo "  # $l"; done; }
check() { # name command...: ok if the command succeeds
    name=$1
    shift
    if "$@" > "$work/out" 2>&1; then ok "$name"; else nok "$name" "$(tail -n 5 "$work/out")"; fi
}

need openssl openssl
need curl curl
sh "$top/tests/tls/certs.sh" "$work" > "$work/certs.log" 2>&1 || { nok "make certificates" "$(cat "$work/certs.log")"; exit 1; }

"$COROJS" "$top/tests/tls/server.mjs" "$work" > "$work/server.log" 2>&1 &
server=$!
wait_until "$server" test -s "$work/port"
port=$(cat "$work/port" 2>/dev/null)
[ -n "$port" ] || { nok "the server starts" "$(cat "$work/server.log")"; exit 1; }

# The SAN of the certificate the server gives for a name (s_client args).
san() {
    openssl s_client -connect "127.0.0.1:$port" -CAfile "$work/ca.pem" -verify_return_error "$@" \
        < /dev/null 2> "$work/s_client.err" | openssl x509 -noout -ext subjectAltName 2>/dev/null | tail -n 1
}
good_curl() {
    curl -sS --cacert "$work/ca.pem" --resolve "a.test:$port:127.0.0.1" "https://a.test:$port/" > "$work/curl.out" 2>&1 &&
        grep -q '^hello a.test http/1.1$' "$work/curl.out"
}

got=$(san -servername a.test)
case $got in *DNS:a.test*) ok "s_client -servername a.test gets a.test's certificate" ;;
    *) nok "s_client -servername a.test gets a.test's certificate" "got: $got" "$(tail -n 3 "$work/s_client.err")" ;; esac
got=$(san -servername b.test)
case $got in *a.test*) nok "s_client -servername b.test gets b.test's certificate" "got: $got" ;;
    *DNS:b.test*) ok "s_client -servername b.test gets b.test's certificate" ;;
    *) nok "s_client -servername b.test gets b.test's certificate" "got: $got" "$(tail -n 3 "$work/s_client.err")" ;; esac
got=$(san -noservername)
case $got in *DNS:a.test*) ok "s_client without SNI gets the certificate the resolver gives for ''" ;;
    *) nok "s_client without SNI gets the certificate the resolver gives for ''" "got: $got" ;; esac

check "curl gets an answer over TLS, with ALPN http/1.1" good_curl

# A plain-text client on the TLS port: that connection fails, the server goes on.
curl -sS --max-time 5 "http://127.0.0.1:$port/" > "$work/plain.out" 2>&1
check "after a plain-text client the server still serves curl" good_curl

# A name without a certificate: the handshake fails with unrecognized_name.
openssl s_client -connect "127.0.0.1:$port" -servername nobody.test < /dev/null > "$work/unknown.out" 2>&1
if grep -q 'unrecognized name' "$work/unknown.out"; then ok "an unknown name fails the handshake with unrecognized_name"
else nok "an unknown name fails the handshake with unrecognized_name" "$(tail -n 3 "$work/unknown.out")"; fi
check "after an unknown name the server still serves curl" good_curl

# A resolver that throws: internal_error for that client only.
openssl s_client -connect "127.0.0.1:$port" -servername throw.test < /dev/null > "$work/throw.out" 2>&1
if grep -q 'internal error' "$work/throw.out"; then ok "a throwing resolver fails the handshake with internal_error"
else nok "a throwing resolver fails the handshake with internal_error" "$(tail -n 3 "$work/throw.out")"; fi
check "after a throwing resolver the server still serves curl" good_curl

# curl verifies the other name's certificate too.
if curl -sS --cacert "$work/ca.pem" --resolve "b.test:$port:127.0.0.1" "https://b.test:$port/" 2>&1 | grep -q '^hello b.test'; then
    ok "curl verifies b.test's certificate"
else
    nok "curl verifies b.test's certificate"
fi

# Stop: the server closes after /quit and the process ends by itself (under
# AddressSanitizer a leak would make its status non-zero).
curl -sS --cacert "$work/ca.pem" --resolve "a.test:$port:127.0.0.1" "https://a.test:$port/quit" > /dev/null 2>&1
wait "$server"
status=$?
server=""
if [ "$status" -eq 0 ]; then ok "the server stops by itself, status 0"
else nok "the server stops by itself, status 0" "status $status" "$(tail -n 20 "$work/server.log")"; fi

errors=$(grep '^server-error' "$work/server.log" | sort | uniq | tr '\n' ' ')
case $errors in
    *ERR_SSL_HTTP_REQUEST*ERR_TLS_CERTIFICATE_RESOLVER*ERR_TLS_NO_CERTIFICATE*) ok "the server saw each failure as its own error: $errors" ;;
    *) nok "the server saw each failure as its own error" "got: $errors" ;;
esac

# examples/tls-server.mjs serves both names with the certificates of a directory.
mkdir -p "$work/example"
for n in a b; do cp "$work/$n.pem" "$work/example/$n.test.pem"; cp "$work/$n.key" "$work/example/$n.test.key"; done
"$COROJS" "$top/examples/tls-server.mjs" 0 "$work/example" > "$work/example.log" 2>&1 &
server=$!
wait_until "$server" grep -q 'https://' "$work/example.log"
port=$(sed -n 's|.*https://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/example.log")
answers=""
for n in a b; do
    answers="$answers$(curl -sS --cacert "$work/ca.pem" --resolve "$n.test:$port:127.0.0.1" "https://$n.test:$port/" 2>&1);"
done
curl -sS --cacert "$work/ca.pem" --resolve "a.test:$port:127.0.0.1" "https://a.test:$port/stop" > /dev/null 2>&1
wait "$server"
status=$?
server=""
case "$answers/$status" in
    "hello from a.test over TLSv1.3;hello from b.test over TLSv1.3;/0") ok "examples/tls-server.mjs answers for each name and stops" ;;
    *) nok "examples/tls-server.mjs answers for each name and stops" "answers: $answers status $status" "$(cat "$work/example.log")" ;;
esac
