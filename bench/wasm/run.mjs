// bench/wasm/run.mjs: the kernels and the QuickJS workload as wasm, run by
// the WebAssembly JS API of whichever runtime runs this file (corojs or
// node): prints "name ms checksum" for each (best of 3), then, on corojs
// and node alike, the cost of instantiating a small module and calling an
// export, and the memory of an idle instance.
//
//   corojs bench/wasm/run.mjs DIR [N]      (DIR holds kernels.wasm, qjs.wasm, small.wasm)

const isNode = typeof process !== 'undefined' && process.release?.name === 'node';
const readBytes = isNode ? (await import('node:fs')).readFileSync : (p) => fs.readFile(p, null);
const [dir, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 1);

function best(name, fn) {
  let min = Infinity, sum;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    sum = fn();
    const t = performance.now() - t0;
    if (t < min) min = t;
  }
  console.log(`${name} ${min.toFixed(3)} ${sum}`);
}

const k = new WebAssembly.Instance(new WebAssembly.Module(readBytes(`${dir}/kernels.wasm`))).exports;
best('crc', () => k.crc_kernel(2000 * n) >>> 0);
best('matrix', () => k.matrix_kernel(400 * n) >>> 0);
best('list', () => k.list_kernel(1000 * n) >>> 0);
best('state', () => k.state_kernel(1000000 * n) >>> 0);
best('float', () => Math.trunc(k.float_kernel(10000 * n)));

// QuickJS needs four WASI calls; none matters to the workload
let memory;
const wasi = {
  clock_time_get: (id, precision, out) => { new BigUint64Array(memory.buffer, out, 1)[0] = 0n; return 0; },
  fd_close: () => 0,
  fd_seek: () => 0,
  fd_write: (fd, iovs, count, out) => { new Uint32Array(memory.buffer, out, 1)[0] = 0; return 0; },
};
const t0 = performance.now();
const qm = new WebAssembly.Module(readBytes(`${dir}/qjs.wasm`));
const q = new WebAssembly.Instance(qm, { wasi_snapshot_preview1: wasi }).exports;
console.log(`quickjs-compile ${(performance.now() - t0).toFixed(3)} 0`);
memory = q.memory;
q._initialize();
best('quickjs', () => q.run(3 * n) >>> 0);

// instantiate a small module and call an export, many times (best of 3 rounds)
const smallBytes = readBytes(`${dir}/small.wasm`);
const small = new WebAssembly.Module(smallBytes);
const perCall = (fn) => {
  const rounds = 2000;
  let min = Infinity;
  for (let r = 0; r < 3; r++) {
    if (typeof gc === 'function') gc();
    const t = performance.now();
    for (let i = 0; i < rounds; i++) fn(i);
    min = Math.min(min, (performance.now() - t) * 1000 / rounds);
  }
  return min.toFixed(2);
};
console.log(`instantiate-call-us ${perCall((i) => new WebAssembly.Instance(small).exports.add(i, 1))} 0`);
console.log(`compile-instantiate-call-us ${perCall((i) => new WebAssembly.Instance(new WebAssembly.Module(smallBytes)).exports.add(i, 1))} 0`);

// the memory of idle instances (without linear memory: small.wasm has none)
if (typeof gc === 'function') gc();
const rss0 = process.memoryUsage().rss;
const keep = [];
for (let i = 0; i < 5000; i++) keep.push(new WebAssembly.Instance(small));
if (typeof gc === 'function') gc();
console.log(`idle-instance-bytes ${((process.memoryUsage().rss - rss0) / keep.length).toFixed(0)} 0`);
