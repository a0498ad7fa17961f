#!/bin/sh
# Express and Koa, real npm packages (bench/node-http/package-lock.json,
# installed by `npm ci` into build/node-http, again only when the lock file
# changes), under corojs on Node's http, with curl as the client: answers,
# and the faults of issue 11 -- a handler that throws (500, the server goes
# on), an error passed on from a timer, a response ended later.
here=$(dirname "$0")
. "$here/http_lib.sh"
top=$(cd "$here/../.." && pwd)
need curl curl
need npm npm

pkgs=$top/build/node-http
src=$top/bench/node-http
if ! cmp -s "$src/package-lock.json" "$pkgs/package-lock.json" || [ ! -d "$pkgs/node_modules" ]; then
    rm -rf "$pkgs" && mkdir -p "$pkgs" && cp "$src/package.json" "$src/package-lock.json" "$pkgs/"
    if ! (cd "$pkgs" && npm ci --ignore-scripts --no-audit --no-fund --cache "$top/build/npm-cache" > npm-ci.log 2>&1); then
        echo "not ok - npm ci of Express and Koa failed (is the npm registry reachable?)"
        tail -n 5 "$pkgs/npm-ci.log" | sed 's/^/  # /'
        rm -f "$pkgs/package-lock.json"
        exit 1
    fi
fi
cp "$src/faults.js" "$pkgs/"

NODE_ENV=production "$COROJS" "$pkgs/faults.js" < /dev/null > "$work/ports" 2> "$work/stderr" &
server=$! # http_lib.sh stops it at exit
wait_until "$server" test -s "$work/ports"
read -r ep kp < "$work/ports"
express=http://127.0.0.1:$ep koa=http://127.0.0.1:$kp

check() { # name expected command...: ok if the command prints expected
    name=$1 want=$2
    shift 2
    got=$("$@" 2>&1)
    if [ "$got" = "$want" ]; then echo "ok - $name"; else echo "not ok - $name"; echo "  # expected: $want"; echo "  # got: $got"; fi
}
code() { curl -s -o /dev/null -w '%{http_code}' "$1"; }

check "Express: GET / answers" "hello" curl -sS "$express/"
check "Express: a handler that throws gives 500" "500" code "$express/throw"
check "Express: the 500's body is finalhandler's" "Internal Server Error" \
    sh -c "curl -sS '$express/throw' | sed -n 's/.*<pre>\(.*\)<\/pre>.*/\1/p'"
check "Express: next(err) from a timer gives 500" "500" code "$express/next-error"
check "Express: an async handler answers later" '{"late":true}' curl -sS "$express/async"
check "Express: the server still serves after the faults" "hello" curl -sS "$express/"
check "Koa: middleware answers after a timer" '{"koa":"/x"}' curl -sS "$koa/x"
check "Koa: middleware that throws gives 500" "500" code "$koa/throw"
check "Koa: ... with Koa's body" "Internal Server Error" curl -sS "$koa/throw"
check "Koa: ctx.throw(418) gives 418" "418" code "$koa/status"
check "Koa: ... with its message" "short and stout" curl -sS "$koa/status"
check "Koa: the server still serves after the faults" '{"koa":"/y"}' curl -sS "$koa/y"
if kill -0 "$server" 2>/dev/null; then echo "ok - the server is still running"; else echo "not ok - the server died"; sed 's/^/  # /' "$work/stderr"; fi
