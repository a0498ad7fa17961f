// Node's nearest equivalent of a parked fiber: an async function awaiting a timer.
const N = Number(process.argv[2] ?? 30000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(1);
const before = process.memoryUsage().rss;
const waiters = [];
for (let i = 0; i < N; i++) waiters.push((async () => { await sleep(1000); })());
const after = process.memoryUsage().rss;
console.log(JSON.stringify({ n: N, bytesPerWaiter: (after - before) / N, rss: after }));
await Promise.all(waiters);
