// The client side of test_10k_connections.sh: N connections at once, all
// open together, each echoing twice.
const [port, n] = process.argv.slice(2).map(Number);
const sockets = [];
const openers = [];
for (let i = 0; i < n; i++) {
  openers.push(Fiber.run(() => {
    const s = net.connect(port, '127.0.0.1');
    s.write(`hello ${i}`);
    if (s.read() !== `hello ${i}`) throw new Error(`bad echo on ${i}`);
    sockets[i] = s;
  }));
}
openers.forEach((f) => f.join());
console.log(`ok - ${n} connections open at once`);
let good = 0;
const talkers = sockets.map((s, i) => Fiber.run(() => {
  s.write(`again ${i}`);
  if (s.read() === `again ${i}`) good++;
  s.close();
}));
talkers.forEach((f) => f.join());
console.log(good === n ? `ok - all ${n} echoed a second time` : `not ok - ${good} of ${n} echoed`);
