#!/bin/sh
# bench/require.sh: the Node loader beside Node.js, in one run.
#  - require() of a 100-module CommonJS tree (10 packages in node_modules,
#    each a package.json "main" and 9 relative files): the time inside the
#    process (best of 5 runs) and the whole process's wall time;
#  - start-up of `corojs app.cjs` requiring path, events, util and buffer
#    (those this build has; it says which).
# Not part of the tests; run with `sh bench/require.sh` after `make`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin=build/corojs
runs=${BENCH_RUNS:-50}
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
. bench/lib.sh # wall_ms, ratio

# the tree: app.js -> pkg0..pkg9 (node_modules) -> lib/m1..m9.js each
tree=build/bench/require-tree
rm -rf "$tree"
mkdir -p "$tree"
{
    echo "const parts = [];"
    for p in 0 1 2 3 4 5 6 7 8 9; do echo "parts.push(require('pkg$p'));"; done
    echo "exports.sum = () => parts.reduce((s, p) => s + p.sum(), 0);"
} > "$tree/app.js"
for p in 0 1 2 3 4 5 6 7 8 9; do
    d="$tree/node_modules/pkg$p"
    mkdir -p "$d/lib"
    echo "{ \"name\": \"pkg$p\", \"version\": \"1.0.0\", \"main\": \"lib/index.js\" }" > "$d/package.json"
    {
        echo "'use strict';"
        for m in 1 2 3 4 5 6 7 8 9; do echo "const m$m = require('./m$m');"; done
        echo "exports.sum = () => $((p * 10)) + m1.value + m2.value + m3.value + m4.value + m5.value + m6.value + m7.value + m8.value + m9.value;"
    } > "$d/lib/index.js"
    for m in 1 2 3 4 5 6 7 8 9; do
        {
            echo "'use strict';"
            echo "function helper(x) { return x * 2 + 1; }"
            echo "module.exports = { value: $((p * 10 + m)), helper, name: 'm$m' };"
        } > "$d/lib/m$m.js"
    done
done

best_ms() { # the best in-process time of 5 runs
    for i in 1 2 3 4 5; do "$@" bench/require/tree.js "$top/$tree"; done |
        sed 's/.*"ms":\([0-9.]*\).*/\1/' | sort -n | head -1
}
echo "== require() of a 101-module CommonJS tree"
c=$(best_ms "$bin")
n=$(best_ms node)
printf 'in process: corojs %.2f ms, node %.2f ms (corojs/node %s)\n' "$c" "$n" "$(ratio "$c" "$n")"
cw=$(wall_ms "$bin" bench/require/tree.js "$top/$tree")
nw=$(wall_ms node bench/require/tree.js "$top/$tree")
printf 'whole process (%s runs): corojs %s ms, node %s ms (corojs/node %s)\n' "$runs" "$cw" "$nw" "$(ratio "$cw" "$nw")"

echo "== start-up of app.cjs requiring path, events, util, buffer"
echo "corojs has: $("$bin" bench/require/startup.cjs)"
cw=$(wall_ms "$bin" bench/require/startup.cjs)
nw=$(wall_ms node bench/require/startup.cjs)
hw=$(wall_ms "$bin" bench/hello.mjs)
printf 'wall (%s runs): corojs %s ms, node %s ms (corojs/node %s); corojs hello.mjs %s ms\n' \
    "$runs" "$cw" "$nw" "$(ratio "$cw" "$nw")" "$hw"
