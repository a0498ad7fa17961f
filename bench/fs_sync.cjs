// bench/fs_sync.cjs: Node's synchronous fs calls, run by bench/fs_sync.sh
// under node and corojs alike, in a directory of the system's temporary one.
// (Rewriting one file is left out: ext4 flushes a file truncated and
// rewritten at close, so the disk decides that figure.) Each loop does LOOPS rounds of one pattern; prints one JSON line
// {"op": milliseconds, ...}, each the best of BENCH_ROUNDS.
const fs = require('fs');
const os = require('os');
const path = require('path');

const LOOPS = Number(process.env.BENCH_LOOPS ?? 10000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fs-'));
const file = path.join(dir, 'f');
const data = Buffer.alloc(100, 'x');

function best(fn) {
  let min = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return Number(min.toFixed(1));
}

const r = {};
r['open/write/close/unlink'] = best(() => {
  for (let i = 0; i < LOOPS; i++) {
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, data);
    fs.closeSync(fd);
    fs.rmSync(file);
  }
});
fs.writeFileSync(file, 'hello');
r['statSync'] = best(() => { for (let i = 0; i < LOOPS; i++) fs.statSync(file); });
r['existsSync (missing)'] = best(() => { for (let i = 0; i < LOOPS; i++) fs.existsSync(file + 'x'); });
r['readFileSync (5 bytes)'] = best(() => { for (let i = 0; i < LOOPS; i++) fs.readFileSync(file); });
r['readdirSync'] = best(() => { for (let i = 0; i < LOOPS; i++) fs.readdirSync(dir); });
fs.rmSync(dir, { recursive: true });
console.log(JSON.stringify(r));
