#!/bin/sh
# bench/tools.sh: npm tools under corojs beside node in the same run, the
# median wall time of BENCH_RUNS runs (default 5) each, and the ratio
# corojs/node (issue 11's goal: at most 3):
#   tsc        TypeScript 5's tsc -p on the committed project
#              tests/npm/projects/tsc (a fresh copy, emits JS and .d.ts)
#   prettier   prettier formatting a 2,000-line ES module through its API
#              (path-scurry's dist/esm/index.js, 2,010 lines, pinned in
#              tests/npm/package-lock.json)
# The packages are those of the npm tests (tests/sh/test_npm.sh installs
# them into build/npm-tests). Not part of the tests; docs/performance.md has
# the figures and where the time goes (perf).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
NPM_INSTALL_ONLY=1 sh tests/sh/test_npm.sh
runs=${BENCH_RUNS:-5}
mods=$top/build/npm-tests/node_modules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r tests/npm/projects/tsc "$tmp/tsc"
file=$mods/path-scurry/dist/esm/index.js
cp bench/tools/prettier.mjs "$top/build/npm-tests/bench-prettier.mjs" # beside node_modules

# ms CMD...: the medians of $runs runs of CMD: wall time and CPU time (user
# + system, all threads: Node compiles and collects garbage on helper
# threads), in ms. On a loaded machine CPU time is the steadier figure.
ms() {
    i=0
    while [ "$i" -lt "$runs" ]; do
        rm -rf "$tmp/tsc/out"
        /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" > /dev/null || { echo "bench: $* failed" >&2; exit 1; }
        awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$tmp/time"
        i=$((i + 1))
    done > "$tmp/runs"
    wall=$(cut -d' ' -f1 "$tmp/runs" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    cpu=$(cut -d' ' -f2 "$tmp/runs" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    echo "$wall $cpu"
}

row() { # name "corojs-wall corojs-cpu" "node-wall node-cpu"
    echo "$1 $2 $3" | awk '{ printf "%-9s wall: corojs %5d ms  node %5d ms  corojs/node %.2f   cpu: corojs %5d ms  node %5d ms  corojs/node %.2f\n", $1, $2, $4, $2 / $4, $3, $5, $3 / $5 }'
}

echo "== tools (median of $runs runs, $(wc -l < "$file") lines for prettier)"
tsc=$mods/typescript/bin/tsc
row tsc "$(ms build/corojs "$tsc" -p "$tmp/tsc")" "$(ms node "$tsc" -p "$tmp/tsc")"
row prettier "$(ms build/corojs build/npm-tests/bench-prettier.mjs "$file")" \
    "$(ms node build/npm-tests/bench-prettier.mjs "$file")"
