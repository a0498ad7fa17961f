// flags: --expose-gc
// with: tests/tls/run-with-tls.sh
import { test, assert, condition, event } from './harness.mjs';
import tlsModule, { Socket, Server } from 'corojs:tls';

// Certificates from tests/tls/certs.sh; an `openssl s_server -WWW` on
// TLS_PEER_PORT serving that directory (tests/tls/run-with-tls.sh).
const dir = process.env.TLS_CERTS;
const peerPort = Number(process.env.TLS_PEER_PORT);
const pair = (name) => ({ key: fs.readFile(`${dir}/${name}.key`), cert: fs.readFile(`${dir}/${name}.pem`) });
const ca = fs.readFile(`${dir}/ca.pem`);
const A = pair('a'), B = pair('b');
const enc = new TextEncoder();

// A TLS server in a fiber of its own; returns it once it listens.
function serve(options, handler) {
  const server = tls.createServer(options, handler);
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  return server;
}

const echo = (s) => { for (let c; (c = s.readBytes()) !== null;) s.write(c); };

// A server for a.test and b.test that records the names it was asked for
// and the errors of its connections.
function namedServer(handler = echo, extra = {}) {
  const names = [], errors = [];
  const server = serve({
    certificateResolver(name) {
      names.push(name);
      if (name === 'throw.test') throw new Error('resolver broke');
      return { 'a.test': A, 'b.test': B, localhost: A }[name];
    },
    onError: record(errors),
    ...extra,
  }, handler);
  return { server, port: server.address().port, names, errors };
}

// The server still serves a good client.
function stillServes(port) {
  const c = tls.connect(port, '127.0.0.1', { servername: 'a.test', ca });
  c.write('still there?');
  assert.equal(c.read(), 'still there?');
  c.close();
}

// Notified whenever a server of these tests records an error or an end.
const changed = condition();
const record = (errors) => (e) => { errors.push(e); changed.notify(); };

test('tls is a global and the corojs:tls default export', () => {
  assert.equal(tls, tlsModule);
  assert.equal(typeof tls.createServer, 'function');
  assert.equal(typeof tls.connect, 'function');
});

test('each name gets its own certificate; the client verifies chain and name', () => {
  const { server, port, names } = namedServer();
  const a = tls.connect(port, '127.0.0.1', { servername: 'a.test', ca });
  assert.ok(a instanceof Socket);
  assert.equal(a.authorized, true);
  assert.equal(a.authorizationError, undefined);
  assert.match(a.getPeerCertificate().subjectaltname, /DNS:a\.test/);
  a.write('to a');
  assert.equal(a.read(), 'to a');
  a.close();
  const b = tls.connect(port, '127.0.0.1', { servername: 'b.test', ca });
  const cert = b.getPeerCertificate();
  assert.equal(cert.subjectaltname, 'DNS:b.test');
  assert.equal(cert.issuer, 'CN=CoroJS Test CA');
  assert.match(cert.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.match(cert.valid_to, /GMT$/);
  assert.equal(b.servername, 'b.test');
  b.close();
  assert.deepEqual(names, ['a.test', 'b.test']);
  server.close();
});

test('the server sees the name, the protocol and the ALPN choice', () => {
  let seen;
  const { server, port } = namedServer((s) => {
    seen = { servername: s.servername, alpn: s.alpnProtocol, protocol: s.getProtocol(), remote: s.remoteAddress };
  }, { alpn: ['h2', 'http/1.1'] });
  const c = tls.connect(port, 'localhost', { ca, alpn: ['http/1.1', 'h2'] });
  assert.equal(c.alpnProtocol, 'h2', "the server's order wins");
  assert.equal(c.servername, 'localhost', 'servername defaults to the host');
  assert.equal(c.read(), null);
  c.close();
  assert.deepEqual(seen, { servername: 'localhost', alpn: 'h2', protocol: 'TLSv1.3', remote: '127.0.0.1' });
  const d = tls.connect(port, 'localhost', { ca });
  assert.equal(d.alpnProtocol, false, 'no ALPN asked, none chosen');
  d.close();
  assert.throws(() => tls.connect(port, 'localhost', { ca, alpn: ['spdy/1'] }),
    { code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL', library: 'SSL routines' });
  server.close();
});

test('a client that names no server: the resolver gets an empty string', () => {
  const names = [];
  const server = serve({ certificateResolver: (n) => { names.push(n); return A; } }, echo);
  const c = tls.connect(server.address().port, '127.0.0.1', { ca });
  assert.equal(c.servername, undefined, 'an IP address is never sent as SNI');
  assert.equal(c.authorized, true, 'the IP address is in the certificate');
  c.close();
  assert.deepEqual(names, ['']);
  server.close();
});

test('key and cert without a resolver; with one, they serve names it has nothing for', () => {
  const plain = serve({ ...A }, echo);
  const c = tls.connect(plain.address().port, 'localhost', { ca });
  c.write('x');
  assert.equal(c.read(), 'x');
  c.close();
  plain.close();
  const both = serve({ ...A, certificateResolver: (n) => (n === 'b.test' ? B : undefined) }, echo);
  const b = tls.connect(both.address().port, '127.0.0.1', { servername: 'b.test', ca });
  assert.equal(b.getPeerCertificate().subjectaltname, 'DNS:b.test');
  b.close();
  const other = tls.connect(both.address().port, 'localhost', { ca });
  assert.match(other.getPeerCertificate().subjectaltname, /DNS:a\.test/);
  other.close();
  both.close();
});

test('the contexts a resolver yields are cached by key and cert', () => {
  let calls = 0;
  const server = serve({ certificateResolver: () => { calls++; return { key: A.key, cert: A.cert }; } }, echo);
  const port = server.address().port;
  for (let i = 0; i < 5; i++) tls.connect(port, 'localhost', { ca }).close();
  assert.equal(calls, 5, 'the resolver is asked on every handshake');
  server.close();
});

test('a resolver may block, or return a promise', () => {
  const asked = event(), gate = event();
  const server = serve({
    certificateResolver(name) {
      if (name === 'a.test') { asked.fire(); gate.wait(); return A; }
      return new Promise((resolve) => setImmediate(() => resolve(B)));
    },
  }, echo);
  const port = server.address().port;
  const slow = Fiber.run(() => {
    const c = tls.connect(port, '127.0.0.1', { servername: 'a.test', ca });
    const san = c.getPeerCertificate().subjectaltname;
    c.close();
    return san;
  });
  asked.wait();
  const fast = tls.connect(port, '127.0.0.1', { servername: 'b.test', ca });
  assert.equal(slow.done, false, 'a blocked resolver holds up only its own handshake');
  assert.equal(fast.getPeerCertificate().subjectaltname, 'DNS:b.test');
  fast.close();
  gate.fire();
  assert.match(slow.join(), /DNS:a\.test/);
  server.close();
});

test('an unknown name: that handshake fails, the server goes on', () => {
  const { server, port, errors } = namedServer();
  assert.throws(() => tls.connect(port, '127.0.0.1', { servername: 'nobody.test', ca }),
    { code: 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME' });
  stillServes(port);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'ERR_TLS_NO_CERTIFICATE');
  assert.equal(errors[0].servername, 'nobody.test');
  assert.equal(errors[0].message, "no certificate for the server name 'nobody.test'");
  server.close();
});

test('a resolver that throws: that handshake fails, the server goes on', () => {
  const { server, port, errors } = namedServer();
  assert.throws(() => tls.connect(port, '127.0.0.1', { servername: 'throw.test', ca }),
    { code: 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR' });
  stillServes(port);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'ERR_TLS_CERTIFICATE_RESOLVER');
  assert.equal(errors[0].cause.message, 'resolver broke');
  assert.match(errors[0].message, /throw\.test.*resolver broke/);
  server.close();
});

test('a resolver returning garbage or a broken PEM: that handshake fails', () => {
  const errors = [];
  const server = serve({
    certificateResolver: (n) => (n === 'garbage.test' ? 42 : n === 'broken.test' ? { key: 'nope', cert: 'nope' } : A),
    onError: record(errors),
  }, echo);
  const port = server.address().port;
  assert.throws(() => tls.connect(port, '127.0.0.1', { servername: 'garbage.test', ca }), { code: 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR' });
  assert.throws(() => tls.connect(port, '127.0.0.1', { servername: 'broken.test', ca }), { code: 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR' });
  stillServes(port);
  changed.until(() => errors.length === 2);
  assert.equal(errors[0].name, 'TypeError');
  assert.equal(errors[0].code, 'ERR_INVALID_RETURN_VALUE');
  assert.equal(errors[1].code, 'ERR_OSSL_PEM_NO_START_LINE');
  server.close();
});

test('a plain-text client on the TLS port: its connection fails, the server goes on', () => {
  const { server, port, errors } = namedServer();
  const plain = net.connect(port, '127.0.0.1');
  plain.write('GET / HTTP/1.0\r\n\r\n');
  const answer = plain.readBytes(); // a TLS alert, then the end
  assert.ok(answer === null || answer[0] === 21, 'an alert record or nothing');
  plain.close();
  stillServes(port);
  changed.until(() => errors.length === 1);
  assert.equal(errors[0].code, 'ERR_SSL_HTTP_REQUEST');
  const junk = net.connect(port, '127.0.0.1');
  junk.write(new Uint8Array(300).fill(0x42));
  junk.readBytes();
  junk.close();
  stillServes(port);
  changed.until(() => errors.length === 2);
  assert.match(errors[1].code, /^ERR_SSL_/);
  server.close();
});

test('the default onError is quiet about what peers do, and the server goes on', () => {
  const server = serve({ certificateResolver: (n) => (n === 'a.test' ? A : undefined) }, echo);
  const port = server.address().port;
  const plain = net.connect(port, '127.0.0.1');
  plain.write('hello?\r\n\r\n');
  plain.readBytes();
  plain.close();
  assert.throws(() => tls.connect(port, '127.0.0.1', { servername: 'x.test', ca }), { code: 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME' });
  stillServes(port);
  server.close();
});

// A server with one certificate, for the client's checks.
function certServer(name) {
  const errors = [];
  const server = serve({ ...pair(name), onError: record(errors) }, (s) => s.write('hi'));
  return { server, port: server.address().port, errors };
}

test('client verification: expired, self-signed, unknown CA, wrong name, system store', () => {
  const cases = [
    ['expired', 'localhost', 'CERT_HAS_EXPIRED', /expired/],
    ['self', 'localhost', 'DEPTH_ZERO_SELF_SIGNED_CERT', /self.signed/],
    ['untrusted', 'localhost', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', /unable to get local issuer/],
    ['b', 'localhost', 'ERR_TLS_CERT_ALTNAME_INVALID', /Host: localhost is not in the cert's altnames: DNS:b\.test/],
  ];
  for (const [name, host, code, message] of cases) {
    const { server, port, errors } = certServer(name);
    const e = assert.throws(() => tls.connect(port, host, { ca }), { code, message });
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') assert.equal(e.host, 'localhost');
    changed.until(() => errors.length === 1);
    assert.match(errors[0].code, /^ERR_SSL_/);
    // and the server goes on
    const c = tls.connect(port, host, { ca, rejectUnauthorized: false });
    assert.equal(c.authorized, false);
    assert.equal(c.authorizationError, code);
    assert.equal(c.read(), 'hi');
    c.close();
    server.close();
  }
  const { server, port } = certServer('a');
  assert.throws(() => tls.connect(port, 'localhost'), { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  const ip = tls.connect(port, '127.0.0.1', { ca });
  assert.equal(ip.authorized, true, 'an IP address is checked against the IP entries');
  ip.close();
  const raw = net.connect(port, '127.0.0.1');
  assert.throws(() => tls.connect({ socket: raw, host: '127.0.0.2', ca }),
    { code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: /IP: 127\.0\.0\.2 is not in the cert's altnames: DNS:a.test, DNS:localhost, IP Address:127.0.0.1$/ });
  assert.equal(raw.closed, true, 'a failed handshake closes the socket');
  server.close();
});

test('our client against openssl s_server: TLS 1.3 with ALPN, a large download', () => {
  const c = tls.connect(peerPort, 'localhost', { ca, alpn: ['http/1.1'] });
  assert.equal(c.authorized, true);
  assert.equal(c.alpnProtocol, 'http/1.1');
  assert.equal(c.getProtocol(), 'TLSv1.3');
  c.write('GET /big.bin HTTP/1.0\r\n\r\n');
  const chunks = [];
  for (let b; (b = c.readBytes()) !== null;) chunks.push(b);
  c.close();
  const all = new Uint8Array(chunks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of chunks) { all.set(b, at); at += b.length; }
  const head = new TextDecoder().decode(all.subarray(0, 100));
  assert.match(head, /^HTTP\/1\.0 200 ok/);
  const body = all.subarray(head.indexOf('\r\n\r\n') + 4);
  assert.equal(body.length, 4 * 1024 * 1024);
  assert.deepEqual(body, fs.readFile(`${dir}/big.bin`, null));
});

test('our client against openssl s_server: TLS 1.2, h2 chosen by the server', () => {
  const c = tls.connect(peerPort, 'localhost', { ca, alpn: ['h2', 'http/1.1'], maxVersion: 'TLSv1.2' });
  assert.equal(c.getProtocol(), 'TLSv1.2');
  assert.equal(c.alpnProtocol, 'h2');
  c.write('GET /ca.pem HTTP/1.0\r\n\r\n');
  const text = [...c].join('');
  assert.ok(text.endsWith(ca), 'the file arrived whole');
  c.close();
  assert.throws(() => tls.connect(peerPort, 'localhost', { ca, servername: 'other.test' }),
    { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'servername is what is verified');
});

test('large transfers both ways at once, and many writers do not interleave', () => {
  const total = 16 * 1000000;
  const { server, port } = namedServer((s) => {
    let n = 0;
    const sender = Fiber.run(() => {
      const chunk = new Uint8Array(1000000).fill(3);
      for (let sent = 0; sent < total; sent += chunk.length) s.write(chunk);
    });
    for (let c; (c = s.readBytes()) !== null;) n += c.length;
    sender.join();
    s.write(`\ngot ${n}`);
  });
  const c = tls.connect(port, 'localhost', { ca });
  const reader = Fiber.run(() => {
    let n = 0, last = '';
    for (let b; (b = c.readBytes()) !== null;) {
      n += b.length;
      last = (last + new TextDecoder().decode(b.subarray(-20))).slice(-20);
    }
    return [n, last];
  });
  const blocks = ['a', 'b', 'c', 'd'].map((ch) => ch.repeat(4 * 1024 * 1024));
  blocks.map((b) => Fiber.run(() => c.write(b))).forEach((w) => w.join());
  c.end();
  const [n, last] = reader.join();
  const sent = blocks.length * blocks[0].length;
  assert.equal(n, total + `\ngot ${sent}`.length);
  assert.ok(last.endsWith(`got ${sent}`), last);
  c.close();
  server.close();
});

test('many writers to one TLS socket: each write arrives in one piece', () => {
  const { server, port } = namedServer((s) => {
    let all = '';
    for (let c; (c = s.read()) !== null;) all += c;
    s.write(all);
  });
  const c = tls.connect(port, 'localhost', { ca });
  const blocks = ['a', 'b', 'c', 'd'].map((ch) => ch.repeat(300000));
  blocks.map((b) => Fiber.run(() => c.write(b))).forEach((w) => w.join());
  c.end();
  const back = [...c].join('');
  assert.equal(back.length, 1200000);
  for (const b of blocks) assert.ok(back.includes(b), `block ${b[0]} arrived in one piece`);
  c.close();
  server.close();
});

test('half-close: end() sends close_notify, the peer reads the end and still answers', () => {
  const { server, port } = namedServer((s) => {
    let got = '';
    for (let c; (c = s.read()) !== null;) got += c;
    s.write(`got ${got.length} chars`);
  });
  const c = tls.connect(port, 'localhost', { ca });
  c.write('x'.repeat(1000));
  c.end();
  c.end(); // twice is nothing
  assert.equal(c.read(), 'got 1000 chars');
  assert.equal(c.read(), null);
  assert.throws(() => c.write('late'), { code: 'EPIPE', syscall: 'write' });
  c.close();
  server.close();
});

test('read() keeps UTF-8 characters split between records whole', () => {
  const bytes = enc.encode('a€😀b');
  const { server, port } = namedServer((s) => {
    for (let i = 0; i < bytes.length; i++) {
      s.write(bytes.subarray(i, i + 1)); // a record each
      Fiber.yield(); // most often read one by one
    }
    s.write(new Uint8Array([0xe2, 0x82])); // cut off by the end
  });
  const c = tls.connect(port, 'localhost', { ca });
  const chunks = [...c];
  assert.ok(chunks.slice(0, -1).every((s) => !s.includes('\ufffd')));
  assert.equal(chunks.join(''), 'a€😀b\ufffd');
  c.close();
  server.close();
});

test('closing a socket wakes the fibers blocked on it with EBADF; then every call throws EBADF', () => {
  const gate = Promise.withResolvers();
  const { server, port } = namedServer(() => Fiber.await(gate.promise));
  const c = tls.connect(port, 'localhost', { ca });
  const readers = [1, 2].map(() => Fiber.run(() => { try { c.read(); return 'no error'; } catch (e) { return e.code; } }));
  c.close();
  assert.deepEqual(readers.map((r) => r.join()), ['EBADF', 'EBADF']);
  c.close();
  assert.equal(c.closed, true);
  assert.throws(() => c.write('x'), { code: 'EBADF' });
  assert.throws(() => c.read(), { code: 'EBADF' });
  assert.throws(() => c.readBytes(), { code: 'EBADF' });
  assert.throws(() => c.end(), { code: 'EBADF' });
  assert.throws(() => c.getPeerCertificate(), { code: 'EBADF' });
  assert.equal(c.alpnProtocol, false, 'what the handshake settled stays readable');
  gate.resolve();
  server.close();
});

test('timeouts: a blocked read, a handshake the peer never answers, a server handshake', () => {
  const gate = Promise.withResolvers();
  const { server, port } = namedServer((s) => { s.read(); Fiber.await(gate.promise); });
  const c = tls.connect(port, 'localhost', { ca });
  c.setTimeout(30);
  assert.throws(() => c.read(), { code: 'ETIMEDOUT', syscall: 'read' });
  c.setTimeout(0);
  c.write('still usable');
  c.close();
  gate.resolve();
  server.close();

  const silent = net.createServer((s) => { while (s.read() !== null); });
  Fiber.run(() => silent.listen(0, '127.0.0.1'));
  assert.throws(() => tls.connect(silent.address().port, 'localhost', { ca, timeout: 50 }),
    { code: 'ETIMEDOUT', syscall: 'handshake' });
  silent.close();

  const errors = [];
  const slow = serve({ ...A, handshakeTimeout: 50, onError: record(errors) }, echo);
  const quiet = net.connect(slow.address().port, '127.0.0.1'); // says nothing
  assert.equal(quiet.read(), null, 'the server gave up on it');
  quiet.close();
  assert.equal(errors[0]?.code, 'ETIMEDOUT');
  assert.equal(errors[0]?.syscall, 'handshake');
  slow.close();
});

test('a peer that vanishes mid-handshake: ECONNRESET on both sides', () => {
  const errors = [];
  const server = serve({ ...A, onError: record(errors) }, echo);
  const raw = net.connect(server.address().port, '127.0.0.1');
  raw.write(new Uint8Array([22, 3, 1, 0, 200, 1])); // the start of a ClientHello
  raw.close();
  changed.until(() => errors.length === 1);
  assert.equal(errors[0].code, 'ECONNRESET');
  assert.match(errors[0].message, /before the TLS handshake was done/);
  const gone = net.createServer((s) => {});
  Fiber.run(() => gone.listen(0, '127.0.0.1'));
  assert.throws(() => tls.connect(gone.address().port, 'localhost', { ca }), { code: 'ECONNRESET', syscall: 'handshake' });
  gone.close();
  server.close();
});

// A TLS 1.2 connection through a proxy that can drop the server's alerts
// (close_notify among them) or cut its first application record in half.
function proxy(target, mode) {
  const p = net.createServer((down) => {
    const up = net.connect(target, '127.0.0.1');
    Fiber.run(() => { try { for (let b; (b = down.readBytes()) !== null;) up.write(b); } catch {} });
    let buf = new Uint8Array(0);
    try {
      for (let b; (b = up.readBytes()) !== null;) {
        const joined = new Uint8Array(buf.length + b.length);
        joined.set(buf);
        joined.set(b, buf.length);
        buf = joined;
        while (buf.length >= 5) {
          const len = 5 + ((buf[3] << 8) | buf[4]);
          if (buf.length < len) break;
          const record = buf.subarray(0, len);
          buf = buf.slice(len);
          if (mode === 'cut' && record[0] === 23) {
            down.write(record.subarray(0, 12));
            up.close();
            return;
          }
          if (!(mode === 'drop-alerts' && record[0] === 21)) down.write(record);
        }
      }
    } catch {}
    up.close();
  });
  Fiber.run(() => p.listen(0, '127.0.0.1'));
  return p;
}

test('a peer that closes without close_notify: the end of the stream; cut mid-record: ECONNRESET', () => {
  const { server, port } = namedServer((s) => { s.write('bye'); });
  const p1 = proxy(port, 'drop-alerts');
  const c = tls.connect(p1.address().port, 'localhost', { ca, maxVersion: 'TLSv1.2' });
  assert.equal(c.read(), 'bye');
  assert.equal(c.read(), null);
  c.close();
  p1.close();
  const p2 = proxy(port, 'cut');
  const d = tls.connect(p2.address().port, 'localhost', { ca, maxVersion: 'TLSv1.2' });
  assert.throws(() => d.read(), { code: 'ECONNRESET', message: /middle of a TLS record/ });
  d.close();
  p2.close();
  server.close();
});

test('upgrading a connected net socket with connect({ socket })', () => {
  const { server, port } = namedServer();
  const raw = net.connect(port, '127.0.0.1');
  const c = tls.connect({ socket: raw, servername: 'b.test', ca });
  assert.equal(c.getPeerCertificate().subjectaltname, 'DNS:b.test');
  assert.equal(c.remotePort, port);
  c.write('over the old socket');
  assert.equal(c.read(), 'over the old socket');
  c.close();
  assert.equal(raw.closed, true);
  server.close();
});

test('sockets dropped without close() are closed by the garbage collector', () => {
  const { server, port } = namedServer();
  let ended = 0;
  const watch = serve({ ...A }, (s) => { if (s.read() === null) ended++; changed.notify(); });
  (() => { for (let i = 0; i < 3; i++) tls.connect(watch.address().port, 'localhost', { ca }); })();
  gc();
  changed.until(() => ended === 3);
  stillServes(port);
  watch.close();
  server.close();
});

test('bad arguments: TypeError naming the argument', () => {
  const h = () => {};
  assert.throws(() => tls.createServer(h), { name: 'TypeError', message: /"options"/ });
  assert.throws(() => tls.createServer({}, h), { name: 'TypeError', code: 'ERR_MISSING_OPTION' });
  assert.throws(() => tls.createServer({ certificateResolver: 'x' }, h), { name: 'TypeError', message: /"options\.certificateResolver" property/ });
  assert.throws(() => tls.createServer({ certificateResolver: h }, 'x'), { name: 'TypeError', message: /"handler"/ });
  assert.throws(() => tls.createServer({ certificateResolver: h, alpn: 'h2' }, h), { name: 'TypeError', message: /"options\.alpn"/ });
  assert.throws(() => tls.createServer({ certificateResolver: h, alpn: [''] }, h), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => tls.createServer({ certificateResolver: h, minVersion: 'TLSv1' }, h),
    { code: 'ERR_TLS_INVALID_PROTOCOL_VERSION', message: '"TLSv1" is not a valid minimum TLS protocol version' });
  assert.throws(() => tls.createServer({ key: 42, cert: A.cert }, h), { name: 'TypeError', message: /"options\.key"/ });
  assert.throws(() => tls.createServer({ key: A.key, cert: B.cert }, h), { code: 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' });
  assert.throws(() => tls.createServer({ key: 'junk', cert: 'junk' }, h), { code: 'ERR_OSSL_PEM_NO_START_LINE', library: 'PEM routines' });
  assert.throws(() => tls.connect(443, 'localhost', { rejectUnauthorized: 'no' }), { name: 'TypeError', message: /"options\.rejectUnauthorized"/ });
  assert.throws(() => tls.connect(443, 'localhost', { servername: 42 }), { name: 'TypeError', message: /"options\.servername"/ });
  assert.throws(() => tls.connect(443, 'localhost', { ca: 42 }), { name: 'TypeError', message: /"options\.ca"/ });
  assert.throws(() => tls.connect(443, 'localhost', { ca: 'not a certificate' }), { code: 'ERR_OSSL_PEM_NO_START_LINE' });
  assert.throws(() => tls.connect({ socket: {} }), { name: 'TypeError', message: /"options\.socket"/ });
  assert.throws(() => tls.connect(443, 42), { name: 'TypeError', message: /"host"/ });
  assert.throws(() => tls.connect(70000, 'localhost'), { name: 'RangeError' });
  assert.throws(() => new Socket(), { name: 'TypeError' });
  assert.throws(() => new Server(), { name: 'TypeError' });
});

test('handshakeTimeout covers the certificate resolver: one that blocks or never settles', () => {
  // a peer that never answers: a resolver blocked reading from it is let go
  // when it closes, at the end
  const silent = net.createServer((s) => { s.read(); });
  Fiber.run(() => silent.listen(0, '127.0.0.1'));
  const blocked = [];
  let failed;
  const server = serve({
    handshakeTimeout: 200,
    onError: (e) => failed(e),
    certificateResolver(name) {
      if (name === 'never.test') return new Promise(() => {}); // never settles
      if (name === 'blocks.test') {
        const s = net.connect(silent.address().port, '127.0.0.1');
        blocked.push(s);
        s.read(); // blocks until the end of the test
      }
      return A;
    },
  }, echo);
  const port = server.address().port;
  try {
    for (const name of ['never.test', 'blocks.test']) {
      const error = new Promise((resolve) => { failed = resolve; });
      assert.throws(() => tls.connect(port, '127.0.0.1', { servername: name, ca, rejectUnauthorized: false }),
        { name: 'Error' }, `${name}: the client is let go`);
      const e = Fiber.await(error);
      assert.equal(e.code, 'ERR_TLS_CERTIFICATE_RESOLVER', `${name}: ${e}`);
      assert.equal(e.servername, name);
      assert.equal(e.cause?.code, 'ETIMEDOUT');
      assert.equal(e.cause?.syscall, 'handshake');
      assert.match(e.message, /handshakeTimeout/);
    }
    stillServes(port);
  } finally {
    server.close();
    silent.close();
    for (const s of blocked) s.close();
  }
});
