// examples/hello.mjs: blocking-style code on fibers.
// Run: ./build/corojs examples/hello.mjs

console.log('hello from CoroJS', process.versions.corojs);

// Three fibers sleep at once; each blocks only itself.
const started = performance.now();
const fibers = [300, 100, 200].map((ms) => Fiber.run(() => {
  Fiber.sleep(ms);
  return `slept ${ms} ms`;
}));
console.log(fibers.map((f) => f.join()));
console.log(`all three took ${Math.round(performance.now() - started)} ms, not 600`);

// Files, in blocking style: each call parks this fiber while the disk works.
const path = `/tmp/corojs-hello-${process.pid}.txt`;
fs.writeFile(path, 'written and read back\n');
console.log(fs.readFile(path).trim());
fs.unlink(path);

// A promise from async code, awaited without async/await.
const answer = Fiber.await(new Promise((resolve) => setTimeout(() => resolve(42), 50)));
console.log({ answer });
