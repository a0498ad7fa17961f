# bench/lib.sh: what the benchmark scripts share (sourced by net.sh,
# http.sh, run.sh and require.sh). A server started in the background sets $pid.

# serve CMD...: start a server on CPU 0 that prints its port first; sets
# $pid and $port.
serve() {
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    taskset -c 0 "$@" > "$fifo" &
    pid=$!
    read -r port < "$fifo"
    rm -f "$fifo"
}

stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }

# CPU time of process $1 so far, in ticks of 1/100 s
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# idle_growth CLIENT...: start the client (which opens its connections to
# the server $pid, prints "ready" and holds them until its stdin closes),
# and print the server's RSS in KB once they are all open, and its growth.
idle_growth() {
    before=$(rss_kb "$pid")
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    "$@" < "$fifo" > "$fifo.out" &
    holder=$!
    exec 9> "$fifo"
    while ! grep -q ready "$fifo.out" 2>/dev/null; do
        kill -0 "$holder" 2>/dev/null || { echo "bench: the idle client failed" >&2; break; }
        sleep 0.1
    done
    sleep 1
    after=$(rss_kb "$pid")
    exec 9>&-
    wait "$holder" || true
    rm -f "$fifo" "$fifo.out"
    echo "$after $((after - before))"
}

ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }

# wall_ms CMD...: the mean wall time of $runs runs of CMD, in ms
wall_ms() {
    start=$(date +%s%N)
    i=0
    while [ $i -lt "$runs" ]; do "$@" > /dev/null; i=$((i + 1)); done
    end=$(date +%s%N)
    echo "$start $end $runs" | awk '{ printf "%.2f", ($2 - $1) / 1e6 / $3 }'
}

# The table of $results (lines "KEY NAME FIELDS..."): a header, then one row
# per `row LABEL KEY FIELD`, the median of each server's values and the
# ratios. $label_width sets the first column's width.
pick() { awk -v k="$1" -v n="$2" -v f="$3" '$1 == k && $2 == n { print $f }' "$results" | median; }
header() { printf "%-${label_width}s %10s %10s %10s %11s %9s\n" "" corojs node plain-C corojs/node corojs/C; }
row() { # label key field
    co=$(pick "$2" corojs "$3"); no=$(pick "$2" node "$3"); c=$(pick "$2" c "$3")
    printf "%-${label_width}s %10s %10s %10s %11s %9s\n" "$1" "$co" "$no" "$c" "$(ratio "$co" "$no")" "$(ratio "$co" "$c")"
}

# wrk's latency ("630.00us", "1.23ms", "1.02s") in ms
to_ms() { awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[^m]s$/) v *= 1000; printf "%.3f", v }'; }

# wrk_load NAME: wrk -t1 -c50 from CPU 1 against the server $pid on $port,
# a 1 s warm-up then $secs s; sets $rps, $p99 (ms) and $cpu (the server's CPU
# microseconds per request; ticks are 1/100 s). NAME is for error messages.
wrk_load() {
    taskset -c 1 wrk -t1 -c50 -d1s "http://127.0.0.1:$port/" > /dev/null
    t0=$(cpu_ticks "$pid")
    out=$(taskset -c 1 wrk -t1 -c50 -d"${secs}s" --latency "http://127.0.0.1:$port/")
    t1=$(cpu_ticks "$pid")
    rps=$(echo "$out" | awk '/^Requests\/sec/ { printf "%.0f", $2 }')
    p99=$(echo "$out" | awk '$1 == "99%" { print $2 }' | to_ms)
    errors=$(echo "$out" | grep -c 'Non-2xx\|Socket errors' || true)
    [ "$errors" = 0 ] || echo "bench: $1 had errors: $out" >&2
    cpu=$(echo "$t0 $t1 $rps $secs" | awk '{ printf "%.2f", ($2 - $1) * 10000 / ($3 * $4) }')
}

# beside SCRIPT: run the JS benchmark SCRIPT under node and under corojs
# (each prints one JSON line, {"op": figure, ...}); sets $n and $c to them.
beside() {
    command -v node >/dev/null || { echo "bench: node is needed for the comparison" >&2; exit 1; }
    n=$(node "$1")
    c=$(build/corojs "$1")
}

# side_by_side rate|time: print $n and $c as a table with the ratio that says
# how many times slower corojs is (rate: node/corojs, higher is better;
# time: corojs/node). A "ratio" entry is the data's compression ratio.
side_by_side() {
    printf '%s\n%s\n' "$n" "$c" | node -e '
const [n, c] = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
const rate = process.argv[1] === "rate";
const ops = Object.keys(n).filter((k) => k !== "ratio");
const w = Math.max(16, ...ops.map((k) => k.length));
console.log(`${"".padEnd(w)} ${"node".padStart(8)} ${"corojs".padStart(8)} ${"ratio".padStart(6)}`);
if (n.ratio !== undefined) console.log(`(compression ratio ${n.ratio}:1)`);
for (const op of ops) {
  const r = rate ? n[op] / c[op] : c[op] / n[op];
  console.log(`${op.padEnd(w)} ${n[op].toFixed(1).padStart(8)} ${c[op].toFixed(1).padStart(8)} ${r.toFixed(2).padStart(6)}`);
}' "$1"
}
