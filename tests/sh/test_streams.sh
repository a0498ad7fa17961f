#!/bin/sh
# Streams over descriptors: process.stdin from a pipe, a file and /dev/null;
# FIFOs read through the loop, never the thread pool: a child isolate
# blocked reading one can be terminated and joined, and fibers blocked on
# more FIFOs than the pool has threads leave fs and dns.lookup working.
set -u
bin=${COROJS:?set COROJS to the corojs binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

result() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "  # $3"; fi; }

read_all='let s = ""; for (const c of process.stdin) s += c; console.log(JSON.stringify(s))'

out=$(printf 'one\ntwo' | "$bin" -e "$read_all")
[ "$out" = '"one\ntwo"' ]
result $? "process.stdin from a pipe" "$out"

printf 'from a file\n' > "$work/in.txt"
out=$("$bin" -e "$read_all" < "$work/in.txt")
[ "$out" = '"from a file\n"' ]
result $? "process.stdin from a file" "$out"

out=$("$bin" -e 'console.log(process.stdin.read(), process.stdin.readBytes())' < /dev/null)
[ "$out" = 'null null' ]
result $? "process.stdin from /dev/null ends at once" "$out"

out=$(printf 'abc' | "$bin" -e '
const b = process.stdin.readBytes();
console.log(b instanceof Uint8Array, b.length, process.stdin.readBytes())')
[ "$out" = 'true 3 null' ]
result $? "process.stdin.readBytes" "$out"

# a FIFO opened for reading waits for a writer, and its read for the data
mkfifo "$work/fifo"
cat > "$work/fifo_read.mjs" <<'EOF2'
import fs from 'corojs:fs';
const f = fs.open(process.argv[2], 'r');
const text = new TextDecoder().decode(f.read());
console.log(JSON.stringify(text), f.read());
f.close();
EOF2
( "$bin" "$work/fifo_read.mjs" "$work/fifo" > "$work/out" 2>&1; echo "status $?" >> "$work/out" ) &
reader=$!
printf 'through the fifo' > "$work/fifo"
wait $reader
out=$(cat "$work/out")
[ "$out" = '"through the fifo" null
status 0' ]
result $? "a FIFO is read through the loop" "$out"

# A child isolate blocked reading a FIFO nobody writes: terminate and join
# end it; meanwhile more fibers than the pool has threads block on FIFOs
# while the parent reads a file and looks a name up.
mkfifo "$work/f1" "$work/f2" "$work/f3" "$work/f4" "$work/f5" "$work/f6"
cat > "$work/child.mjs" <<'EOF2'
import fs from 'corojs:fs';
fs.open(process.argv[2], 'r').read();
console.log('child: read returned');
EOF2
cat > "$work/parent.mjs" <<'EOF2'
import fs from 'corojs:fs';
import dns from 'corojs:dns';
const dir = process.argv[2];
let opened = 0;
[1, 2, 3, 4, 5].map((i) => Fiber.run(() => {
  const f = fs.open(`${dir}/f${i}`, 'r');
  opened++;
  f.read(); // parks here until the end
}));
const child = new Isolate(`${dir}/child.mjs`, { fs: dir, argv: [`${dir}/f6`] });
while (opened < 5) Fiber.yield(); // each one went on from open to read
console.log('file:', fs.readFile(`${dir}/child.mjs`, 'utf8').length > 0);
console.log('lookup:', dns.lookup('localhost').address !== undefined);
child.terminate();
console.log('join:', JSON.stringify(child.join()));
process.exit(0);
EOF2
out=$(timeout 20 "$bin" "$work/parent.mjs" "$work" 2>&1)
status=$?
[ $status = 0 ] && [ "$out" = 'file: true
lookup: true
join: {"code":1}' ]
result $? "FIFO readers hold no pool thread; a child blocked on one is terminated and joined" "status $status: $out"
