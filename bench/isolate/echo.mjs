// An echo server on a free port of 127.0.0.1, for bench/isolates.mjs.
import net from 'corojs:net';
export function spin() { for (;;) { /* a runaway app */ } }
// A runaway app whose loop is a slow native call (about 3 ms each).
export function spinNative() { const s = 'a'.repeat(4e6); for (;;) s.indexOf('b'); }
export function serve() {
  const server = net.createServer((s) => { for (let d; (d = s.read()) !== null;) s.write(d); });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  return server.address().port;
}
