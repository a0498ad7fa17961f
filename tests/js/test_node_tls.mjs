// flags: --expose-internals
// with: tests/tls/run-with-tls.sh
// node:tls and node:https: Node's own _tls_wrap.js, tls.js and https.js over
// our tls_wrap binding (src/prim/tls_wrap.c, tls_context.c, x509.c), with
// real peers: `openssl s_server` (TLS_PEER_PORT, tests/tls/run-with-tls.sh),
// `openssl s_client` and curl against our servers, all on loopback. And the
// bad input of issue 11: broken certificates and keys, a wrong passphrase,
// untrusted, expired and misnamed certificates, a plaintext client, a peer
// that vanishes mid-handshake. Each test waits on events, never on a clock.
import { test, assert, event } from './harness.mjs';
import { requireBuiltin } from 'corojs:internal/node/builtins';

const tls = requireBuiltin('tls');
const https = requireBuiltin('https');
const net = requireBuiltin('net');
const fs = requireBuiltin('fs');
const cp = requireBuiltin('child_process');
const { X509Certificate } = requireBuiltin('crypto');
const { duplexPair } = requireBuiltin('stream');

const dir = process.env.TLS_CERTS;
const peerPort = Number(process.env.TLS_PEER_PORT);
const read = (name) => fs.readFileSync(`${dir}/${name}`);
const ca = read('ca.pem');
const A = { key: read('a.key'), cert: read('a.pem') };

// A listening TLS server (handler for 'secureConnection'), once it listens.
function listening(options, handler = (s) => s.pipe(s)) {
  const server = tls.createServer(options, handler);
  const ready = event();
  server.listen(0, '127.0.0.1', () => ready.fire());
  ready.wait();
  return server;
}

function closeServer(server) {
  const closed = event();
  server.close(() => closed.fire());
  closed.wait();
}

// connect(options) -> { socket, error } once it is secure or failed.
function connect(options) {
  const done = event();
  const socket = tls.connect({ host: '127.0.0.1', ...options }, () => done.fire({ socket }));
  socket.on('error', (error) => done.fire({ socket, error }));
  return done.wait();
}

// A child's stdout, its input given, once it exits.
function run(cmd, args, input) {
  const done = event();
  const child = cp.spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  child.on('close', (status) => done.fire({ status, out, err }));
  child.stdin.end(input);
  return done.wait();
}

test('echo between our server and client: authorized, the peer certificate, cipher, protocol, ALPN, SNI', () => {
  const seen = event();
  const server = listening({ ...A, ALPNProtocols: ['h2', 'x'] }, (s) => {
    seen.fire({ servername: s.servername, alpn: s.alpnProtocol });
    s.pipe(s);
  });
  const { socket, error } = connect({ port: server.address().port, ca, servername: 'a.test', ALPNProtocols: ['x'] });
  assert.equal(error, undefined);
  assert.equal(socket.authorized, true);
  assert.equal(socket.getProtocol(), 'TLSv1.3');
  assert.equal(socket.getCipher().version, 'TLSv1.3');
  assert.equal(socket.alpnProtocol, 'x');
  const cert = socket.getPeerCertificate(true);
  assert.equal(cert.subject.CN, 'a');
  assert.equal(cert.subjectaltname, 'DNS:a.test, DNS:localhost, IP Address:127.0.0.1');
  assert.equal(cert.issuerCertificate.subject.CN, 'CoroJS Test CA');
  assert.equal(cert.issuerCertificate.issuerCertificate, cert.issuerCertificate); // self-signed root
  assert.ok(Buffer.isBuffer(cert.raw));
  const x509 = socket.getPeerX509Certificate();
  assert.equal(x509.subject, 'CN=a');
  assert.equal(x509.checkHost('a.test'), 'a.test');
  assert.equal(x509.fingerprint256, new X509Certificate(A.cert).fingerprint256);
  assert.deepEqual(seen.wait(), { servername: 'a.test', alpn: 'x' });
  const got = event();
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (d) => (data += d));
  socket.on('end', () => got.fire());
  socket.end('x'.repeat(100000));
  got.wait();
  assert.equal(data.length, 100000);
  closeServer(server);
});

test('https.get from openssl s_server: 4 MiB over TLS, the same bytes', () => {
  const done = event();
  https.get({ host: '127.0.0.1', port: peerPort, path: '/big.bin', ca, servername: 'localhost' }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => done.fire({ status: res.statusCode, body: Buffer.concat(chunks) }));
  }).on('error', (e) => done.fire({ error: e }));
  const { status, body, error } = done.wait();
  assert.equal(error, undefined);
  assert.equal(status, 200);
  assert.ok(body.equals(read('big.bin')));
});

test('openssl s_client against our server: the handshake and an echo', () => {
  // s_client -quiet reads until the server closes
  const server = listening(A, (s) => s.once('data', (d) => s.end(`echo ${d}`)));
  const { out, status } = run('openssl', ['s_client', '-connect', `127.0.0.1:${server.address().port}`,
    '-CAfile', `${dir}/ca.pem`, '-servername', 'a.test', '-quiet', '-verify_return_error'], 'hello from s_client\n');
  assert.equal(status, 0);
  assert.ok(out.includes('echo hello from s_client'), out);
  closeServer(server);
});

test('curl against our https server, TLS 1.2 and 1.3', () => {
  const server = https.createServer(A, (req, res) => res.end(`${req.method} ${req.url} ${req.socket.getProtocol()}`));
  const ready = event();
  server.listen(0, '127.0.0.1', () => ready.fire());
  ready.wait();
  const url = `https://localhost:${server.address().port}/path?q=1`;
  for (const [flag, proto] of [['--tlsv1.3', 'TLSv1.3'], ['--tls-max', 'TLSv1.2']]) {
    const args = ['-sS', '--cacert', `${dir}/ca.pem`, flag === '--tls-max' ? '--tls-max' : flag];
    if (flag === '--tls-max') args.push('1.2');
    const { out, status, err } = run('curl', [...args, url], '');
    assert.equal(status, 0, err);
    assert.equal(out, `GET /path?q=1 ${proto}`);
  }
  closeServer(server);
});

test('tls over a JS Duplex (JSStreamSocket): both ends on a duplexPair', () => {
  const [a, b] = duplexPair();
  const got = event();
  const server = new tls.TLSSocket(a, { isServer: true, ...A, secureContext: tls.createSecureContext(A) });
  server.on('data', (d) => server.end(`echo ${d}`));
  const client = tls.connect({ socket: b, ca, servername: 'a.test' }, () => client.write('over a stream'));
  let data = '';
  client.on('data', (d) => (data += d));
  client.on('end', () => got.fire());
  got.wait();
  assert.equal(data, 'echo over a stream');
  assert.equal(client.authorized, true);
});

test('bad keys and certificates: Node codes, at once', () => {
  assert.throws(() => tls.createSecureContext({ cert: 'not a certificate' }), { code: 'ERR_OSSL_PEM_NO_START_LINE' });
  assert.throws(() => tls.createSecureContext({ key: 'not a key' }), { code: 'ERR_OSSL_UNSUPPORTED' }); // as Node 20
  assert.throws(() => tls.createSecureContext({ key: 42 }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => tls.createSecureContext({ ciphers: 'NO-SUCH-CIPHER' }), { message: /no cipher match/ });
  assert.throws(() => tls.createSecureContext({ ecdhCurve: 'nope' }), { message: 'Failed to set ECDH curve' });
  assert.throws(() => tls.createSecureContext({ secureProtocol: 'SSLv3_method' }), { code: 'ERR_TLS_INVALID_PROTOCOL_METHOD' });
  assert.throws(() => tls.createSecureContext({ pfx: Buffer.from('junk') }), { name: 'Error' });
  // a key that does not match the certificate
  assert.throws(() => tls.createSecureContext({ key: read('b.key'), cert: A.cert }), { message: /key values mismatch/ });
  assert.throws(() => new X509Certificate('junk'), { name: 'Error' });
});

test('a wrong passphrase: bad decrypt', () => {
  const { status } = run('openssl', ['pkey', '-in', `${dir}/a.key`, '-aes256', '-passout', 'pass:right',
    '-out', `${dir}/enc.key`], '');
  assert.equal(status, 0);
  const key = read('enc.key');
  assert.throws(() => tls.createSecureContext({ key, cert: A.cert, passphrase: 'wrong' }), { message: /bad decrypt/ });
  assert.throws(() => tls.createSecureContext({ key, cert: A.cert }), { message: /bad decrypt/ });
  tls.createSecureContext({ key, cert: A.cert, passphrase: 'right' });
});

test('untrusted, self-signed, expired and misnamed certificates: the client refuses with Node codes', () => {
  const cases = [
    ['untrusted', 'localhost', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['self', 'localhost', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['expired', 'localhost', 'CERT_HAS_EXPIRED'],
    ['b', 'a.test', 'ERR_TLS_CERT_ALTNAME_INVALID'],
  ];
  for (const [name, servername, code] of cases) {
    const server = listening({ key: read(`${name}.key`), cert: read(`${name}.pem`) });
    const clientError = event();
    server.on('tlsClientError', () => {});
    const { error } = connect({ port: server.address().port, ca, servername });
    assert.equal(error?.code, code, name);
    // and without rejectUnauthorized the connection is made, with the reason
    const { socket } = connect({ port: server.address().port, ca, servername, rejectUnauthorized: false });
    assert.equal(socket.authorized, false);
    socket.destroy();
    clientError.fire();
    closeServer(server);
  }
});

test('a plaintext client to a TLS server: tlsClientError, the server goes on', () => {
  const server = listening(A);
  const failed = event();
  server.on('tlsClientError', (e) => failed.fire(e));
  const closed = event();
  const plain = net.connect(server.address().port, '127.0.0.1', () => plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  plain.on('error', () => {});
  plain.on('close', () => closed.fire());
  const e = failed.wait();
  assert.equal(e.code, 'ERR_SSL_HTTP_REQUEST');
  closed.wait();
  const { socket, error } = connect({ port: server.address().port, ca, servername: 'a.test' });
  assert.equal(error, undefined);
  socket.destroy();
  closeServer(server);
});

test('a peer that vanishes mid-handshake: ECONNRESET on both sides, nothing left open', () => {
  // the server end: a client that sends half a ClientHello and leaves
  const server = listening(A);
  const failed = event();
  server.on('tlsClientError', (e) => failed.fire(e));
  const raw = net.connect(server.address().port, '127.0.0.1', () => raw.end(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])));
  raw.on('error', () => {});
  assert.equal(failed.wait().code, 'ECONNRESET');
  closeServer(server);
  // the client end: a server that takes the ClientHello and closes
  const rude = net.createServer((s) => s.once('data', () => s.destroy()));
  const ready = event();
  rude.listen(0, '127.0.0.1', () => ready.fire());
  ready.wait();
  const { error } = connect({ port: rude.address().port, ca, servername: 'a.test' });
  assert.equal(error.code, 'ECONNRESET');
  assert.match(error.message, /Client network socket disconnected before secure TLS connection was established/);
  closeServer(rude);
});

test('a client certificate: requestCert with the CA; a client without one is refused', () => {
  // a client certificate (extendedKeyUsage clientAuth) from the test CA
  const sh = (cmd) => assert.equal(run('sh', ['-c', cmd], '').status, 0, cmd);
  sh(`cd ${dir} && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client.key 2>/dev/null && ` +
    'openssl req -new -key client.key -subj /CN=client -out client.csr && ' +
    "printf 'extendedKeyUsage=clientAuth\\n' > client.ext && " +
    'openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile client.ext ' +
    '-out client.pem 2>/dev/null');
  const server = listening({ ...A, ca, requestCert: true, rejectUnauthorized: true }, (s) => {
    s.end(s.getPeerCertificate().subject.CN);
  });
  server.on('tlsClientError', () => {});
  const talk = (options) => {
    const done = event();
    const c = tls.connect({ port: server.address().port, host: '127.0.0.1', ca, servername: 'a.test', ...options });
    let data = '';
    c.setEncoding('utf8').on('data', (d) => (data += d));
    c.on('error', (error) => done.fire({ error }));
    c.on('close', () => done.fire({ data }));
    return done.wait();
  };
  assert.deepEqual(talk({ key: read('client.key'), cert: read('client.pem') }), { data: 'client' });
  const refused = talk({});
  assert.ok(refused.error || refused.data === '', JSON.stringify(refused));
  closeServer(server);
});

test('session resumption: a session from the first connection resumes the second (TLS 1.2)', () => {
  const server = listening({ ...A, maxVersion: 'TLSv1.2' });
  const first = connect({ port: server.address().port, ca, servername: 'a.test' }).socket;
  const session = first.getSession();
  assert.ok(Buffer.isBuffer(session));
  first.destroy();
  const second = connect({ port: server.address().port, ca, servername: 'a.test', session }).socket;
  assert.equal(second.isSessionReused(), true);
  second.destroy();
  closeServer(server);
});
