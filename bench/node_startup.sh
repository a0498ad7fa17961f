#!/bin/sh
# bench/node_startup.sh: start-up time, corojs beside node in the same run,
# the median of N runs (BENCH_RUNS, default 50) in ms, and the ratio:
#   plain       bench/hello.mjs: a program that uses nothing of the Node layer
#               (not `-e 0`: corojs runs -e code as Node's [eval] script,
#               with the CommonJS loader)
#   builtins    a program that loads node:path, events, util and buffer
#   globals     a program that touches Buffer, process.on and structuredClone
#   app.cjs     issue 10's goal: `corojs app.cjs` (bench/require/startup.cjs)
#               requiring path, events, util and buffer through the CommonJS
#               loader
# (builtins: corojs loads them through corojs:internal/node/builtins, with
# --expose-internals, so that this runs without the CommonJS loader; Node
# through require). Not part of the tests; `make bench` runs it. On a loaded
# machine the wall times drift; docs/performance.md says how to count
# instructions instead (callgrind), which do not.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
runs=${BENCH_RUNS:-50}

# ms CMD...: the median wall time of $runs runs of CMD, in ms
ms() {
    i=0
    while [ "$i" -lt "$runs" ]; do
        s=$(date +%s%N)
        "$@" > /dev/null
        e=$(date +%s%N)
        echo $(((e - s) / 1000))
        i=$((i + 1))
    done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'
}

row() { # name corojs-ms node-ms
    printf '%-10s corojs %7s ms  node %7s ms  node/corojs %s\n' "$1" "$2" "$3" \
        "$(awk -v c="$2" -v n="$3" 'BEGIN { printf "%.1f", n / c }')"
}

load='import { requireBuiltin as r } from "corojs:internal/node/builtins"; r("path"); r("events"); r("util"); r("buffer")'
echo "== start-up (median of $runs runs)"
row plain "$(ms build/corojs bench/hello.mjs)" "$(ms node bench/hello.mjs)"
row builtins "$(ms build/corojs --expose-internals -e "$load")" \
    "$(ms node -e 'require("path"); require("events"); require("util"); require("buffer")')"
row globals "$(ms build/corojs -e 'Buffer.from("x"); process.on("exit", () => {}); structuredClone({})')" \
    "$(ms node -e 'Buffer.from("x"); process.on("exit", () => {}); structuredClone({})')"
row app.cjs "$(ms build/corojs bench/require/startup.cjs)" "$(ms node bench/require/startup.cjs)"
