// An HTTP hello server on a free port of 127.0.0.1, and a runaway loop, for
// bench/isolates.mjs spin-http.
import http from 'corojs:http';
export function spin() { for (;;) { /* a runaway app */ } }
export function serve() {
  const server = http.createServer((req, res) => res.end('hello'));
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  return server.address().port;
}
