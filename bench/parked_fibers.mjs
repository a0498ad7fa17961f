// RSS per parked fiber: N fibers each blocked in Fiber.sleep.
const N = Number(process.argv[2] ?? 30000);
Fiber.run(() => 0).join(); // warm up the pool and the library
const before = process.memoryUsage().rss;
const fibers = [];
for (let i = 0; i < N; i++) fibers.push(Fiber.run(() => Fiber.sleep(1000)));
const after = process.memoryUsage().rss;
console.log(JSON.stringify({ n: N, bytesPerWaiter: (after - before) / N, rss: after }));
for (const f of fibers) f.join();
