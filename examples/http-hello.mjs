// examples/http-hello.mjs: a hello-world HTTP server.
// Run: ./build/corojs examples/http-hello.mjs [port]     (default 8080)
//      ./build/corojs --workers 2 examples/http-hello.mjs  (one process per core)
//
// listen() blocks the main fiber and serves until the server is closed.
// Each connection is served in a fiber of its own, so a handler may block
// (Fiber.sleep, fs.readFile, a request to another server) without holding
// up the others.

const port = Number(process.argv[2] ?? 8080);

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(`Hello World! (${req.method} ${req.url}, process ${process.pid})\n`);
});

console.log(`listening on http://127.0.0.1:${port}/`);
server.listen(port, '127.0.0.1');
