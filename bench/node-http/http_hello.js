// A bare node:http "hello" server (bench/express.sh): what Express and Koa
// run on, alone. Prints its port, then serves.
const http = require('http');

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello, World!');
});
server.listen(0, '127.0.0.1', () => {
  console.log(server.address().port);
});
