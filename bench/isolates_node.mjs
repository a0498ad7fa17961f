// bench/isolates_node.mjs: the same figures for Node's worker_threads, the
// nearest thing Node has to isolates in one process.
//   node bench/isolates_node.mjs idle N | start N | call N
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';

const [mode = 'call', arg] = process.argv.slice(2);
const src = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => parentPort.postMessage(m));`;
const start = () => new Worker(src, { eval: true });
const ask = async (w, v) => { w.postMessage(v); return (await once(w, 'message'))[0]; };
const print = (o) => console.log(JSON.stringify(o));

if (mode === 'idle') {
  const n = Number(arg ?? 100);
  const before = process.memoryUsage().rss;
  const list = [];
  for (let i = 0; i < n; i++) list.push(start());
  for (const w of list) await ask(w, 1);
  print({ idle: n, bytesPerWorker: Math.round((process.memoryUsage().rss - before) / n) });
  for (const w of list) await w.terminate();
} else if (mode === 'start') {
  const n = Number(arg ?? 50);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const w = start();
    await ask(w, i);
    total += performance.now() - t;
    await w.terminate();
  }
  print({ startAndCallUs: Number((total * 1000 / n).toFixed(2)) });
} else {
  const n = Number(arg ?? 20000);
  const w = start();
  for (let i = 0; i < 1000; i++) await ask(w, i);
  const t = performance.now();
  for (let i = 0; i < n; i++) await ask(w, i);
  print({ callUs: Number(((performance.now() - t) * 1000 / n).toFixed(2)) });
  await w.terminate();
}
