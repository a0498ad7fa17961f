#!/bin/sh
# process.stdin, stdout and stderr as Node's streams (lib/node/stdio.js) on
# real pipes, files and a pseudo-terminal; readline and readline/promises on
# them; signals (process.on('SIGTERM'), the signal_wrap binding) with and
# without a listener. Fault cases: a closed stdout (EPIPE), stdio closed at
# start, process.exit() right after a large write to a pipe.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

result() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "  # $(printf '%s' "$3" | head -c 600)"; fi; }
js() { printf '%s\n' "$1" > "$work/$2"; }

# What kind of stream each descriptor gets, and writes in order with console's.
js 'process.stdout.write("a\n"); console.log("b"); process.stdout.write("c\n");
console.error(process.stdout.constructor.name, process.stdout._type, process.stdout.isTTY, process.stdout.fd);' kinds.js
out=$("$bin" "$work/kinds.js" 2>"$work/err" | cat)
[ "$out" = "$(printf 'a\nb\nc')" ] && [ "$(cat "$work/err")" = "Socket pipe undefined 1" ]
result $? "stdout on a pipe: a net.Socket, writes in order with console.log" "$out $(cat "$work/err")"
"$bin" "$work/kinds.js" > "$work/out.txt" 2>"$work/err"
[ "$(cat "$work/out.txt")" = "$(printf 'a\nb\nc')" ] && [ "$(cat "$work/err")" = "SyncWriteStream fs undefined 1" ]
result $? "stdout on a file: a SyncWriteStream, writes in order with console.log" "$(cat "$work/out.txt" "$work/err")"

# stdin on a pipe and a file: 'data' and 'end', readline's async iterator.
js 'let n = 0; process.stdin.on("data", (d) => { n += d.length; }).on("end", () => console.log("bytes", n, process.stdin.constructor.name));' data.js
out=$(printf 'hello\nworld\n' | "$bin" "$work/data.js")
[ "$out" = "bytes 12 Socket" ]
result $? "stdin on a pipe: 'data' then 'end'" "$out"
printf 'hello\nworld\n' > "$work/in.txt"
out=$("$bin" "$work/data.js" < "$work/in.txt")
[ "$out" = "bytes 12 ReadStream" ]
result $? "stdin on a file: an fs.ReadStream" "$out"
js 'const readline = require("readline");
(async () => {
  const lines = [];
  for await (const line of readline.createInterface({ input: process.stdin })) lines.push(line);
  console.log(JSON.stringify(lines));
})();' lines.js
out=$(printf 'one\ntwo\r\n\nlast' | "$bin" "$work/lines.js")
[ "$out" = '["one","two","","last"]' ]
result $? "for await over readline.createInterface({ input: process.stdin })" "$out"
js 'const rl = require("readline/promises").createInterface({ input: process.stdin, output: process.stdout });
rl.on("close", () => console.log("[closed]"));
rl.question("name? ").then(async (a) => { console.log(`hi ${a}`); console.log(`age ${await rl.question("age? ")}`); rl.close(); });' question.js
out=$(printf 'ann\n42\n' | "$bin" "$work/question.js")
# (as in Node: both lines arrive before the second question, which sees the end)
[ "$out" = "$(printf 'name? hi ann\nage? [closed]')" ]
result $? "readline/promises question() over a pipe, then 'close' at its end" "$out"
js 'const readline = require("readline");
const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (l) => console.log("line", l)).on("close", () => console.log("close", rl.history.length));' events.js
out=$(printf 'x\ny\n' | "$bin" "$work/events.js")
[ "$out" = "$(printf 'line x\nline y\nclose 0')" ]
result $? "readline 'line' and 'close' events, no history off a terminal" "$out"

# stdin.pipe(stdout): 20 MB through, whole and in order (the reader waits for
# the writer: writes to a pipe block the thread while the other end is full).
head -c 20000000 /dev/urandom > "$work/big.bin"
sum=$(md5sum < "$work/big.bin")
got=$(cat "$work/big.bin" | "$bin" -e 'process.stdin.pipe(process.stdout)' | md5sum)
[ "$got" = "$sum" ]
result $? "process.stdin.pipe(process.stdout): 20 MB through pipes, whole" "$got"
got=$("$bin" -e 'process.stdin.pipe(process.stdout)' < "$work/big.bin" | (sleep 0; dd bs=4096 2>/dev/null) | md5sum)
[ "$got" = "$sum" ]
result $? "process.stdin.pipe(process.stdout): a file in, a pipe out" "$got"

# Nothing lost at exit: process.exit() right after 1 MB to a pipe.
n=$("$bin" -e 'process.stdout.write("x".repeat(1 << 20)); console.log("end"); process.exit(0)' | wc -c)
[ "$n" = $(((1 << 20) + 4)) ]
result $? "process.exit() after 1 MB written to a pipe: all of it arrives" "$n bytes"

# A closed stdout: stdout.write gets EPIPE as an 'error' (uncaught: status 1),
# or a listener takes it; console.log's errors are swallowed, as in Node.
"$bin" -e 'for (let i = 0; i < 1e5; i++) process.stdout.write(`${i}\n`)' 2>"$work/err" | head -1 > /dev/null
status=$(cat "$work/err" | grep -c "Error: write EPIPE")
[ "$status" = 1 ]
result $? "stdout.write to a closed pipe: an uncaught EPIPE error" "$(cat "$work/err")"
js 'process.stdout.on("error", (e) => { console.error("caught", e.code, e.syscall); process.exit(3); });
const more = () => { for (let i = 0; i < 1000; i++) process.stdout.write(`${i}\n`); setImmediate(more); };
more();' epipe.js
("$bin" "$work/epipe.js" 2>"$work/err"; echo $? > "$work/status") | head -1 > /dev/null
[ "$(cat "$work/status")" = 3 ] && [ "$(cat "$work/err")" = "caught EPIPE write" ]
result $? "stdout.write to a closed pipe: an 'error' listener gets EPIPE" "status $(cat "$work/status"): $(cat "$work/err")"
("$bin" -e 'for (let i = 0; i < 1e5; i++) console.log(i)' 2>"$work/err"; echo $? > "$work/status") | head -1 > /dev/null
[ "$(cat "$work/status")" = 0 ] && [ ! -s "$work/err" ]
result $? "console.log to a closed pipe: no error, as in Node" "status $(cat "$work/status"): $(cat "$work/err")"
"$bin" -e 'process.stdout.write("x\n"); console.log("y"); process.stdin.on("data", () => {}); console.error("z")' <&- >&- 2>&-
result $? "stdin, stdout and stderr closed at start: /dev/null, status 0" "status $?"

# Signals: a listener replaces the default action; without one, the default.
out=$("$bin" -e 'process.on("SIGTERM", (s) => { console.log("got", s); });
process.kill(process.pid, "SIGTERM"); setTimeout(() => console.log("still here"), 50)')
[ "$out" = "$(printf 'got SIGTERM\nstill here')" ]
result $? "process.kill(process.pid, 'SIGTERM') with a listener: it runs, the program goes on" "$out"
"$bin" -e 'process.kill(process.pid, "SIGTERM"); setTimeout(() => console.log("not reached"), 5000)' > "$work/out.txt"
status=$?
[ "$status" = 143 ] && [ ! -s "$work/out.txt" ]
result $? "process.kill(process.pid, 'SIGTERM') without a listener: killed by SIGTERM" "status $status"
# A server shuts down gracefully on SIGINT sent from outside.
js 'const server = require("net").createServer ? null : null;
const timer = setInterval(() => {}, 1000);
process.on("SIGINT", () => { clearInterval(timer); console.log("graceful"); });
console.log("ready");' graceful.js
"$bin" "$work/graceful.js" > "$work/out.txt" &
pid=$!
i=0
until grep -q ready "$work/out.txt" || [ $i -ge 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $pid
wait $pid
status=$?
[ "$status" = 0 ] && [ "$(cat "$work/out.txt")" = "$(printf 'ready\ngraceful')" ]
result $? "SIGINT from outside: the listener stops the work, the program ends with 0" "status $status: $(cat "$work/out.txt")"
js 'const { internalBinding } = require("internal/test/binding");
const { Signal } = internalBinding("signal_wrap");
const assert = require("assert");
assert.throws(() => { const s = new Signal(); ({ start: s.start }).start(10); }, { name: "TypeError", message: "Illegal invocation" });
const s = new Signal();
assert.strictEqual(s.start(9), require("os").constants.errno.EINVAL * -1);
s.onsignal = (n) => { console.log("onsignal", n); s.close(); };
assert.strictEqual(s.start(require("os").constants.signals.SIGUSR2), 0);
assert.strictEqual(s.hasRef(), true);
process.kill(process.pid, "SIGUSR2");' signal_wrap.js
out=$("$bin" --expose-internals "$work/signal_wrap.js" 2>/dev/null)
[ "$out" = "onsignal 12" ]
result $? "signal_wrap's Signal: Illegal invocation, EINVAL for SIGKILL, onsignal; a started one keeps the program alive" "$out"

# A terminal: tty streams, the window's size, raw mode, readline on it.
if command -v python3 > /dev/null; then
    js 'const rl = require("readline/promises").createInterface({ input: process.stdin, output: process.stdout });
console.log("tty", process.stdin.isTTY, process.stdout.isTTY, process.stdout.columns, process.stdout.rows,
  process.stdout.constructor.name, process.stdin.constructor.name, process.stdout.getColorDepth() > 1);
console.log("READY");
rl.question("name? ").then((a) => { console.log(`hi ${JSON.stringify(a)}`); rl.close(); console.log("EXIT"); });' tty.js
    out=$(python3 "$top/tests/sh/node_stdio_pty.py" "$bin" "$work/tty.js" 'ann\r')
    printf '%s' "$out" | grep -q "tty true true 101 33 WriteStream ReadStream true" &&
        printf '%s' "$out" | grep -q 'hi "ann"' && printf '%s' "$out" | grep -q "STATUS 0"
    result $? "a terminal: tty.WriteStream/ReadStream, its size, readline's question, and the program ends" "$out"
    js 'process.stdin.setRawMode(true);
console.log("raw", process.stdin.isRaw, "READY");
process.stdin.once("data", (d) => { console.log("key", JSON.stringify(String(d))); process.stdin.setRawMode(false); process.stdin.pause(); console.log("EXIT"); });' raw.js
    out=$(python3 "$top/tests/sh/node_stdio_pty.py" "$bin" "$work/raw.js" 'q')
    printf '%s' "$out" | grep -q 'key "q"' && printf '%s' "$out" | grep -q "STATUS 0"
    result $? "a terminal in raw mode: a key without Enter, then pause() lets the program end" "$out"
else
    echo "ok - # SKIP no python3 for the pseudo-terminal cases"
fi
