// bench/pingpong.mjs: what handing the CPU from one piece of JS to another costs.
// Two fibers (corojs: Fiber.yield) or two async functions (node: `await null`)
// take turns N times each; prints the mean cost of one switch as JSON.
//   corojs bench/pingpong.mjs [N]     node bench/pingpong.mjs [N]
const n = Number(process.argv[2] ?? 2000000);
const now = () => performance.now();
const print = (ns) => console.log(JSON.stringify({ switchNs: Number(ns.toFixed(1)) }));

if (typeof Fiber === 'function') {
  const turn = (n) => { for (let i = 0; i < n; i++) Fiber.yield(); };
  const pingpong = (n) => { const a = Fiber.run(turn, n), b = Fiber.run(turn, n); a.join(); b.join(); };
  pingpong(n / 10); // warm up
  const t = now();
  pingpong(n);
  print((now() - t) * 1e6 / (2 * n));
} else {
  const turn = async (n) => { for (let i = 0; i < n; i++) await null; };
  await Promise.all([turn(n / 10), turn(n / 10)]); // warm up
  const t = now();
  await Promise.all([turn(n), turn(n)]);
  print((now() - t) * 1e6 / (2 * n));
}
