// with: tests/tls/run-with-tls.sh
// Ending an isolate while TLS handshakes, reads and writes are under way:
// an isolate terminated inside its resolver, then process.exit with a
// client handshake waiting for a silent peer, a server handshake waiting
// for the client's next flight, a resolver blocked inside OpenSSL's
// callback, and a reader and a writer parked on an open connection. The
// process must end with the status given, and (under AddressSanitizer)
// without a leak.
import { test, assert, event } from './harness.mjs';

const dir = process.env.TLS_CERTS;
const pair = (name) => ({ key: fs.readFile(`${dir}/${name}.key`), cert: fs.readFile(`${dir}/${name}.pem`) });
const ca = fs.readFile(`${dir}/ca.pem`);
const A = pair('a');

function serve(server) {
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  return server.address().port;
}

test('a child isolate terminated while its resolver blocks in a handshake', () => {
  const child = new Isolate(`${import.meta.dirname}/../tls/child_server.mjs`, { net: true });
  const port = child.call('port');
  const client = Fiber.run(() => {
    try { tls.connect(port, '127.0.0.1', { servername: 'a.test', ca }); return 'connected'; } catch (e) { return e.code; }
  });
  child.call('resolving'); // the child's connection fiber is inside its resolver now
  child.terminate();
  assert.equal(child.join().code, 1);
  assert.equal(client.join(), 'ECONNRESET');
});

const resolving = event();
const never = Promise.withResolvers().promise;
const blocked = tls.createServer({
  certificateResolver() { resolving.fire(); Fiber.await(never); },
}, () => {});
const blockedPort = serve(blocked);

const stuck = tls.createServer({ ...A }, () => Fiber.await(never)); // reads and writes nothing
const stuckPort = serve(stuck);

const silent = net.createServer((s) => { while (s.read() !== null); });
const silentPort = serve(silent);

const states = [];
// a client handshake waiting for a peer that never answers
Fiber.run(() => { states.push('client handshake'); tls.connect(silentPort, 'localhost', { ca }); states.push('not reached'); });
// a server handshake inside a resolver that blocks
Fiber.run(() => { tls.connect(blockedPort, '127.0.0.1', { servername: 'a.test', ca }); states.push('not reached'); });
// a server handshake waiting for the rest of a ClientHello
const raw = net.connect(stuckPort, '127.0.0.1');
raw.write(new Uint8Array([22, 3, 1, 0, 200, 1]));
// a reader and a writer parked on an open connection whose peer does not read
const c = tls.connect(stuckPort, 'localhost', { ca });
Fiber.run(() => { states.push('reader'); c.read(); c.read(); states.push('not reached'); });
Fiber.run(() => { states.push('writer'); c.write(new Uint8Array(64 << 20)); states.push('not reached'); });

resolving.wait(); // the last to get under way
test('everything is under way', () => {
  assert.deepEqual(states.sort(), ['client handshake', 'reader', 'writer']);
});
process.exit(0);
