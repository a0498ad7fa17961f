// The corojs side of the HTTP benchmarks (bench/http.sh): a hello-world
// server on 127.0.0.1 and a free port, which it prints. Idle keep-alive
// connections are kept for a minute, as the Node server is told to.
const server = http.createServer({ idleTimeout: 60000 }, (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World!');
});
Fiber.run(() => server.listen(0, '127.0.0.1'));
console.log(server.address().port);
