#!/bin/sh
# The HTTP server with curl as the client: keep-alive, chunked uploads,
# large bodies both ways, 100-continue, HTTP/1.0, HEAD, an oversized head;
# then HTTPS.
. "$(dirname "$0")/http_lib.sh"

check() { # name command...: ok if the command succeeds
    name=$1
    shift
    if "$@" > "$work/out" 2>&1; then echo "ok - $name"; else echo "not ok - $name"; sed 's/^/  # /' "$work/out" | head -20; fi
}

need curl curl
head -c 5000000 /dev/urandom > "$work/big.bin"
start_server

check "GET" sh -c "[ \"\$(curl -sS $base/)\" = hello ]"
check "keep-alive: the second request reuses the connection" sh -c \
    "curl -sSv $base/a $base/b 2>&1 | grep -q 'Re-using existing connection'"
check "a 5 MB upload with Content-Length comes back the same" sh -c \
    "curl -sS --data-binary @$work/big.bin $base/echo -o $work/echo1 && cmp $work/big.bin $work/echo1"
check "a chunked upload comes back the same" sh -c \
    "curl -sS -H 'Transfer-Encoding: chunked' --data-binary @$work/big.bin $base/echo -o $work/echo2 && cmp $work/big.bin $work/echo2"
check "100-continue: curl waits for 100 Continue, then sends" sh -c \
    "curl -sSv -H 'Expect: 100-continue' --data-binary @$work/big.bin $base/echo -o $work/echo3 2>$work/v3 &&
     grep -q '< HTTP/1.1 100 Continue' $work/v3 && cmp $work/big.bin $work/echo3"
check "a proxy passes a 5 MB upload on as it comes, with curl's Expect: 100-continue" sh -c \
    "curl -sS -H 'Expect: 100-continue' --data-binary @$work/big.bin $base/proxy -o $work/echo5 && cmp $work/big.bin $work/echo5"
check "a 5 MB file download" sh -c "curl -sS '$base/file?name=big.bin' -o $work/down && cmp $work/big.bin $work/down"
check "a 20 MB chunked download" sh -c \
    "[ \"\$(curl -sS '$base/stream?n=20000000' | wc -c)\" -eq 20000000 ] &&
     curl -sSv '$base/stream?n=10' 2>&1 | grep -qi 'transfer-encoding: chunked'"
check "HTTP/1.0: an answer, then the connection closes" sh -c \
    "curl -sSv -0 $base/ 2>&1 | grep -q 'Closing connection' && [ \"\$(curl -sS -0 '$base/stream?n=5')\" = xxxxx ]"
check "HEAD" sh -c "curl -sSI $base/ | grep -qi '^content-length: 6'"
big=$(head -c 20000 /dev/zero | tr '\0' a)
check "a head over 16 KiB: 431" sh -c \
    "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Big: $big' $base/)\" = 431 ]"
check "the server still serves" sh -c "[ \"\$(curl -sS $base/)\" = hello ]"

# HTTPS: the same server on TLS, with the test certificates
kill "$server" && wait "$server" 2>/dev/null
rm -f "$work/port"
if sh "$here/../tls/certs.sh" "$work/certs" > "$work/certs.log" 2>&1; then
    TLS_DIR="$work/certs" start_server
    tls="--cacert $work/certs/ca.pem https://localhost:$(cat "$work/port")"
    check "HTTPS: GET, verified" sh -c "[ \"\$(curl -sS $tls/)\" = hello ]"
    check "HTTPS: keep-alive" sh -c "curl -sSv $tls/a $tls/b 2>&1 | grep -q 'Re-using existing connection'"
    check "HTTPS: a 5 MB upload comes back the same" sh -c \
        "curl -sS --data-binary @$work/big.bin $tls/echo -o $work/echo4 && cmp $work/big.bin $work/echo4"
    check "HTTPS: an unknown CA is refused by curl" sh -c "! curl -sS https://localhost:$(cat "$work/port")/ 2>/dev/null"
else
    echo "not ok - cannot make the test certificates"
    sed 's/^/  # /' "$work/certs.log"
fi
