// bench/zlib.cjs: gzip and gunzip of 10 MB with node:zlib, run by
// bench/zlib.sh under node and corojs alike. The data: access-log lines with
// random ids, addresses and numbers (gzip makes it about 3:1). Prints one
// JSON line: {"op": milliseconds, ...}, each the best of several rounds.
const zlib = require('zlib');
const { pipeline, Readable, Writable } = require('stream');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SIZE = 10 << 20;

function data() {
  const parts = [];
  const paths = ['items', 'users', 'orders', 'search', 'login', 'static/app.js', 'health'];
  let n = 0, x = 1;
  const next = () => (x = (x * 1103515245 + 12345) >>> 0);
  while (n < SIZE) {
    const line = `2026-12-03T${next() % 24}:${next() % 60}:${next() % 60}.${next() % 1000}Z ` +
      `${next().toString(16)}${next().toString(16)} 10.${next() % 256}.${next() % 256}.${next() % 256} ` +
      `GET /api/${paths[next() % paths.length]}/${next() % 100000} ${[200, 200, 200, 304, 404][next() % 5]} ` +
      `${next() % 90000} bytes in ${next() % 1000} ms\n`;
    parts.push(line);
    n += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, SIZE);
}

const callback = (fn, input) => new Promise((resolve, reject) =>
  fn(input, (err, out) => (err ? reject(err) : resolve(out))));

// the input in 64 KB chunks through a stream, the output counted
function stream(make, input) {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const chunks = [];
    for (let i = 0; i < input.length; i += 65536) chunks.push(input.subarray(i, i + 65536));
    pipeline(Readable.from(chunks), make(), new Writable({
      write(c, _, cb) { bytes += c.length; cb(); },
    }), (err) => (err ? reject(err) : resolve(bytes)));
  });
}

async function best(fn) {
  let min = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return Number(min.toFixed(1));
}

(async () => {
  const input = data();
  const packed = zlib.gzipSync(input);
  const r = { ratio: Number((input.length / packed.length).toFixed(2)) };
  r['gzipSync'] = await best(() => zlib.gzipSync(input));
  r['gunzipSync'] = await best(() => zlib.gunzipSync(packed));
  r['gzip (callback)'] = await best(() => callback(zlib.gzip, input));
  r['gunzip (callback)'] = await best(() => callback(zlib.gunzip, packed));
  r['createGzip (stream)'] = await best(() => stream(zlib.createGzip, input));
  r['createGunzip (stream)'] = await best(() => stream(zlib.createGunzip, packed));
  r['brotliCompressSync q4'] = await best(() =>
    zlib.brotliCompressSync(input, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }));
  console.log(JSON.stringify(r));
})();
