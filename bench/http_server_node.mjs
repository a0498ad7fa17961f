// The Node.js side of the HTTP benchmarks (bench/http.sh): a hello-world
// server on 127.0.0.1 and a free port, which it prints. Keep-alive idle
// connections are kept for a minute (Node's default is 5 s), as the corojs
// server is told to, so the idle-memory figure measures holding them.
import http from 'node:http';

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World!');
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
