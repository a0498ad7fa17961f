// bench/lib.mjs: what the JS benchmarks share (they run under node and
// corojs alike).

// The shortest time of `rounds` runs of fn, in seconds.
export function bestSeconds(fn, rounds) {
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min / 1000;
}
