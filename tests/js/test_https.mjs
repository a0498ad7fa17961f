// with: tests/tls/run-with-tls.sh
// HTTPS: the HTTP server on a TLS server (certificates by SNI), the client
// on https URLs, verified by default, against our server and against
// `openssl s_server -WWW` (TLS_PEER_PORT, serving TLS_CERTS).
import { test, assert } from './harness.mjs';
import httpsModule from 'corojs:https';

const dir = process.env.TLS_CERTS;
const peerPort = Number(process.env.TLS_PEER_PORT);
const pair = (name) => ({ key: fs.readFile(`${dir}/${name}.key`), cert: fs.readFile(`${dir}/${name}.pem`) });
const ca = fs.readFile(`${dir}/ca.pem`);
const certs = { 'a.test': pair('a'), 'b.test': pair('b') };

function serve(handler, options = {}) {
  const server = https.createServer({ certificateResolver: (name) => certs[name] ?? certs['a.test'], ...options }, handler);
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  return server;
}

const echo = (req, res) => {
  res.setHeader('X-Port', req.socket.remotePort);
  res.end(`${req.method} ${req.url} ${req.text()}`);
};

test('https is a global and the corojs:https default export', () => {
  assert.equal(https, httpsModule);
  assert.equal(typeof https.createServer, 'function');
  assert.throws(() => https.createServer({}, echo), { code: 'ERR_MISSING_OPTION' }, 'no certificate at all');
  assert.throws(() => https.createServer({ certificateResolver: () => {}, nope: 1 }, echo), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('a request over TLS, verified against the CA; keep-alive reuses the TLS connection', () => {
  const server = serve(echo);
  const url = `https://localhost:${server.address().port}`;
  const a = https.get(`${url}/a`, { ca });
  assert.equal(a.status, 200);
  assert.equal(a.text(), 'GET /a ');
  const b = http.request(`${url}/b`, { ca, method: 'POST', body: 'over tls' });
  assert.equal(b.text(), 'POST /b over tls');
  assert.equal(a.headers['x-port'], b.headers['x-port'], 'one connection for both');
  server.close();
});

test('the certificate is chosen by the name the client asks for (SNI)', () => {
  const server = serve((req, res) => res.end('sni'));
  const port = server.address().port;
  assert.equal(https.get(`https://127.0.0.1:${port}/`, { ca, servername: 'b.test' }).text(), 'sni');
  assert.throws(() => https.get(`https://127.0.0.1:${port}/`, { ca, servername: 'c.test' }),
    { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'a.test answers for c.test: the name does not match');
  server.close();
});

test('verification: an unknown CA is refused by default; rejectUnauthorized: false allows it', () => {
  const server = https.createServer({ ...pair('untrusted') }, (req, res) => res.end('untrusted'));
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `https://localhost:${server.address().port}/`;
  const e = assert.throws(() => https.get(url, { ca }));
  assert.match(e.code, /CERT|ISSUER|SIGNATURE/);
  assert.equal(https.get(url, { rejectUnauthorized: false }).text(), 'untrusted');
  server.close();
});

test('large bodies both ways over TLS', () => {
  const server = serve((req, res) => res.end(req.bytes()), { maxBodySize: 8 << 20 });
  const body = new Uint8Array(3 << 20).map((_, i) => (i * 7) % 256);
  const r = https.request(`https://localhost:${server.address().port}/`, { ca, method: 'PUT', body });
  assert.deepEqual(r.bytes(), body);
  server.close();
});

test('chunked responses, HEAD and pipelining over TLS', () => {
  const server = serve((req, res) => { res.write('a'); res.write('b'); res.end('c'); });
  const url = `https://localhost:${server.address().port}/`;
  assert.equal(https.get(url, { ca }).text(), 'abc');
  const h = https.request(url, { ca, method: 'HEAD' });
  assert.equal(h.read(), null);
  const s = tls.connect(server.address().port, 'localhost', { ca });
  s.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  let out = '';
  for (let c; (c = s.read()) !== null;) out += c;
  s.close();
  assert.equal(out.match(/HTTP\/1\.1 200 OK/g).length, 2);
  server.close();
});

test('a plain-text request to the HTTPS port fails its handshake; the server goes on', () => {
  const server = serve(echo);
  const port = server.address().port;
  const s = net.connect(port, '127.0.0.1');
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  let out = '';
  try { for (let c; (c = s.readBytes()) !== null;) out += c.length; } catch { /* reset */ }
  s.close();
  assert.equal(https.get(`https://localhost:${port}/still`, { ca }).text(), 'GET /still ');
  server.close();
});

test('idle TLS connections wait in their fiber: closed when idle too long, and by close()', () => {
  const server = serve(echo, { idleTimeout: 200, headersTimeout: 300 });
  const port = server.address().port;
  const s = tls.connect(port, 'localhost', { ca });
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(s.read(), /GET \/ $/);
  assert.equal(s.read(), null, 'closed after idleTimeout');
  s.close();
  const slow = tls.connect(port, 'localhost', { ca });
  slow.write('GET / HTTP/1.1\r\n');
  let out = '';
  for (let c; (c = slow.read()) !== null;) out += c;
  slow.close();
  assert.match(out, /^HTTP\/1\.1 408 /, 'a slow head: 408');
  const idle = tls.connect(port, 'localhost', { ca });
  idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  idle.read();
  server.close();
  assert.equal(idle.read(), null, 'close() closes an idle TLS connection');
  idle.close();
});

test('the client against openssl s_server -WWW', () => {
  const r = https.get(`https://localhost:${peerPort}/ca.pem`, { ca });
  assert.equal(r.status, 200);
  assert.equal(r.text(), ca);
  const big = https.get(`https://localhost:${peerPort}/big.bin`, { ca }).bytes();
  assert.deepEqual(big, fs.readFile(`${dir}/big.bin`, null));
});

test('fetch over https (ca as a non-standard option)', () => {
  const server = serve(echo);
  const url = `https://localhost:${server.address().port}/f`;
  const r = Fiber.await(fetch(url, { ca, method: 'POST', body: 'fetched' }));
  assert.equal(Fiber.await(r.text()), 'POST /f fetched');
  assert.throws(() => Fiber.await(fetch(url)), { name: 'TypeError' }, 'not verified: fetch failed');
  server.close();
});
