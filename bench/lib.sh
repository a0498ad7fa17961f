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
