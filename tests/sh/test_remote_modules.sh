#!/bin/sh
# https: modules (lib/node/loader.js) served by `openssl s_server -WWW` on
# loopback (tests/tls/run-with-tls.sh), verified against the test CA named by
# SSL_CERT_FILE (the client's default verify paths are OpenSSL's); refused
# without the CA, over http:, and to an isolate without net.
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "${TLS_CERTS:-}" ] || exec sh "$top/tests/tls/run-with-tls.sh" sh "$0"
bin=${COROJS:?set COROJS to the corojs binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$TLS_CERTS/remote.mjs" <<'EOF2'
import { dep } from './remote_dep.mjs';
export const answer = dep + 1;
export const url = import.meta.url;
EOF2
echo 'export const dep = 41;' > "$TLS_CERTS/remote_dep.mjs"
base="https://localhost:$TLS_PEER_PORT"

check() { # name regex command...
    name=$1 want=$2
    shift 2
    out=$("$@" 2>&1)
    if echo "$out" | grep -Eq -- "$want"; then echo "ok - $name"; else
        echo "not ok - $name"; echo "$out" | head -10 | sed 's/^/  # /'; fi
}

check "import of an https: module and its relative import, verified" "^42 $base/remote\.mjs$" \
    env SSL_CERT_FILE="$TLS_CERTS/ca.pem" "$bin" -e "const m = await import('$base/remote.mjs'); console.log(m.answer, m.url)"
check "a server the CAs do not vouch for: the import fails" "certificate|CERT" \
    env SSL_CERT_FILE=/dev/null "$bin" -e "await import('$base/remote.mjs')"
printf 'export const x = 1;\nexport const = 2;\n' > "$TLS_CERTS/broken.mjs"
check "a remote module's syntax error names its URL and line" "$base/broken\.mjs:2" \
    env SSL_CERT_FILE="$TLS_CERTS/ca.pem" "$bin" -e "await import('$base/broken.mjs')"
check "http: is refused: ERR_UNSUPPORTED_ESM_URL_SCHEME" "ERR_UNSUPPORTED_ESM_URL_SCHEME" \
    "$bin" -e "await import('http://localhost:$TLS_PEER_PORT/remote.mjs')"
echo "try { await import('$base/remote.mjs') } catch (e) { console.log(e.code, e.message) }" > "$work/child.mjs"
check "an isolate without net: ERR_ACCESS_DENIED" "^ERR_ACCESS_DENIED .*net capability" \
    env SSL_CERT_FILE="$TLS_CERTS/ca.pem" "$bin" -e "new Isolate('$work/child.mjs', { net: false }).join()"
