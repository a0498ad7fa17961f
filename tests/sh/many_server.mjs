// The server side of test_10k_connections.sh: echo, count connections, stop
// after the expected number closed.
const [portFile, expected] = process.argv.slice(2);
let done = 0;
const server = net.createServer((s) => {
  for (let c; (c = s.read()) !== null;) s.write(c);
  if (++done === Number(expected)) server.close();
});
Fiber.run(() => server.listen(0, '127.0.0.1'));
fs.writeFile(portFile, String(server.address().port));
