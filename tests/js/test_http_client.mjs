// with: tests/http/run-with-python.sh
// The HTTP client and fetch() against a real peer, Python's http.server
// (tests/http/pyserver.py), and against servers of our own for what Python
// cannot be made to do on cue.
import { test, assert, event } from './harness.mjs';
import { ClientResponse } from 'corojs:http';

const base = `http://${process.env.PY_HTTP}`;
const root = process.env.PY_HTTP_ROOT;
const dec = new TextDecoder();

test('GET a file: status, headers, body', () => {
  const r = http.get(`${base}/hello.txt`);
  assert.ok(r instanceof ClientResponse);
  assert.equal(r.status, 200);
  assert.equal(r.statusText, 'OK');
  assert.equal(r.ok, true);
  assert.equal(r.headers['content-type'], 'text/plain');
  assert.equal(r.headers['content-length'], '18');
  assert.ok(r.rawHeaders.some((h) => h.toLowerCase() === 'content-type'), 'names as sent');
  assert.equal(r.text(), 'hello from python\n');
  assert.equal(r.read(), null, 'read to the end');
});

test('a 1 MiB body, read in chunks, equals the file', () => {
  const want = fs.readFile(`${root}/big.bin`, null);
  const r = http.get(`${base}/big.bin`);
  let total = 0;
  let same = true;
  for (const chunk of r) {
    for (let i = 0; i < chunk.length && same; i++) same = chunk[i] === want[total + i];
    total += chunk.length;
  }
  assert.equal(total, want.length);
  assert.ok(same);
});

test('404 and other statuses are responses, not errors', () => {
  const r = http.get(`${base}/nothing-here`);
  assert.equal(r.status, 404);
  assert.equal(r.ok, false);
  r.text();
  assert.equal(http.get(`${base}/status/204`).status, 204);
  assert.equal(http.request(`${base}/status/500`).status, 500);
});

test('POST, PUT, DELETE with bodies: strings and bytes, a length sent', () => {
  const r = http.request(`${base}/echo`, { method: 'POST', body: 'héllo', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(r.headers['x-method'], 'POST');
  assert.equal(r.headers['content-type'], 'text/plain');
  assert.equal(r.text(), 'héllo');
  const bytes = new Uint8Array(300000).map((_, i) => i % 251);
  const r2 = http.request(`${base}/echo`, { method: 'put', body: bytes });
  assert.equal(r2.headers['x-method'], 'PUT');
  assert.deepEqual(r2.bytes(), bytes);
  const r3 = http.request(`${base}/echo`, { method: 'DELETE' });
  assert.equal(r3.text(), '');
});

test('HEAD: headers only', () => {
  const r = http.request(`${base}/hello.txt`, { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-length'], '18');
  assert.equal(r.read(), null);
  assert.equal(http.get(`${base}/hello.txt`).text(), 'hello from python\n', 'the connection goes on');
});

test('a chunked response is decoded', () => {
  assert.equal(http.get(`${base}/chunked`).text(), 'hello in chunks');
});

test('keep-alive: a connection read to its end is reused for the next request', () => {
  const a = http.get(`${base}/echo`);
  a.text();
  const b = http.get(`${base}/echo`);
  b.text();
  assert.equal(a.headers['x-client-port'], b.headers['x-client-port']);
  const c = http.get(`${base}/close`);
  assert.equal(c.text(), 'closing');
  const d = http.get(`${base}/echo`);
  d.text();
  assert.notEqual(d.headers['x-client-port'], c.headers['x-client-port'], 'Connection: close is not reused');
});

test('a pooled connection the server closed meanwhile is not used', () => {
  // our own server, which drops the idle connection on cue (Python's does
  // after a second; the test does not wait on a clock)
  const pooled = event(), dropped = event();
  const server = net.createServer((s) => {
    s.read();
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${String(s.remotePort).length}\r\n\r\n${s.remotePort}`);
    pooled.wait();
    s.close();
    dropped.fire();
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const a = http.get(url).text();
  pooled.fire();
  dropped.wait();
  const b = http.get(url).text();
  assert.notEqual(a, b, 'a new connection');
  server.close();
});

test('a response not read to its end is closed with close(); its connection is not reused', () => {
  const a = http.get(`${base}/big.bin`);
  a.read();
  a.close();
  assert.equal(a.read(), null);
  assert.equal(http.get(`${base}/hello.txt`).text(), 'hello from python\n');
});

test('redirects are not followed by http.request', () => {
  const r = http.get(`${base}/redirect?to=/hello.txt`);
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, '/hello.txt');
  assert.equal(r.text(), 'moved');
});

test('timeout: a response slower than it throws ETIMEDOUT', () => {
  // the server answers /late only after the client gave up: without the
  // timeout, the request would never end
  const gaveUp = event();
  const server = http.createServer((req, res) => {
    if (req.url === '/late') gaveUp.wait();
    res.end('answer');
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `http://127.0.0.1:${server.address().port}`;
  assert.throws(() => http.get(`${url}/late`, { timeout: 200 }), { code: 'ETIMEDOUT' });
  gaveUp.fire();
  assert.equal(http.get(`${url}/soon`, { timeout: 60000 }).text(), 'answer', 'in time');
  server.close();
});

test('errors: refused connections, bad URLs, methods and headers', () => {
  assert.throws(() => http.get('http://127.0.0.1:1/'), { code: 'ECONNREFUSED' });
  assert.throws(() => http.get('not a url'), { code: 'ERR_INVALID_URL' });
  assert.throws(() => http.get('ftp://example.com/'), { code: 'ERR_INVALID_PROTOCOL' });
  assert.throws(() => http.request(base, { method: 'G T' }), { code: 'ERR_INVALID_HTTP_TOKEN' });
  assert.throws(() => http.request(base, { headers: { 'X-A': 'a\r\nInjected: 1' } }), { code: 'ERR_INVALID_CHAR' });
  assert.throws(() => http.request(base, { headers: { 'Bad Name': '1' } }), { code: 'ERR_INVALID_HTTP_TOKEN' });
  assert.throws(() => http.request(base, { body: 42 }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => http.get(42), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('request headers are sent as given; Host is added', () => {
  const h = http.get(`${base}/headers`, { headers: { 'X-One': '1', 'X-List': ['a', 'b'] } }).json();
  assert.equal(h.Host, process.env.PY_HTTP);
  assert.equal(h['X-One'], '1');
});

test('a reused connection that fails before any answer is retried once on a new one', () => {
  // a server that answers the first request of each connection and drops
  // the connection at the second, as a server closing an idle connection
  // just as the request arrives does
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    let seen = 0;
    for (let chunk; (chunk = s.read()) !== null;) {
      if (chunk.includes('\r\n\r\n')) seen++;
      if (seen === 2) return; // closed without an answer
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    }
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `http://127.0.0.1:${server.address().port}/`;
  assert.equal(http.get(url).text(), 'ok');
  assert.equal(http.get(url).text(), 'ok', 'retried');
  assert.equal(connections, 2);
  http.closeIdleConnections();
  const r = http.request(url, { method: 'POST', body: 'x' });
  r.text();
  assert.throws(() => http.request(url, { method: 'POST', body: 'x' }), { code: 'ECONNRESET' },
    'POST is not retried');
  server.close();
});

test('malformed responses are errors', () => {
  const server = net.createServer((s) => {
    s.read();
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  assert.throws(() => http.get(`http://127.0.0.1:${server.address().port}/`), { code: 'HPE_INVALID_TRANSFER_ENCODING' });
  server.close();
  const cut = net.createServer((s) => { s.read(); s.write('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort'); });
  Fiber.run(() => cut.listen(0, '127.0.0.1'));
  const r = http.get(`http://127.0.0.1:${cut.address().port}/`);
  assert.throws(() => r.text(), { code: 'ECONNRESET' }, 'a body cut short');
  cut.close();
});

test('our client and our server: 100 requests over the pool', () => {
  const server = http.createServer((req, res) => res.end(`${req.method} ${req.url} ${req.text()}`));
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `http://127.0.0.1:${server.address().port}`;
  for (let i = 0; i < 100; i++) {
    assert.equal(http.request(`${url}/${i}`, { method: 'POST', body: `b${i}` }).text(), `POST /${i} b${i}`);
  }
  server.close();
});

test('fetch: text, json, arrayBuffer, headers, ok', () => {
  const r = Fiber.await(fetch(`${base}/hello.txt`));
  assert.ok(r instanceof Response);
  assert.equal(r.status, 200);
  assert.equal(r.ok, true);
  assert.equal(r.headers.get('Content-Type'), 'text/plain');
  assert.equal(r.url, `${base}/hello.txt`);
  assert.equal(r.redirected, false);
  assert.equal(Fiber.await(r.text()), 'hello from python\n');
  assert.equal(r.bodyUsed, true);
  const h = Fiber.await(Fiber.await(fetch(`${base}/headers`)).json());
  assert.equal(h['user-agent'], 'corojs');
  assert.equal(h.accept, '*/*');
  const ab = Fiber.await(Fiber.await(fetch(`${base}/big.bin`)).arrayBuffer());
  assert.ok(ab instanceof ArrayBuffer);
  assert.equal(ab.byteLength, 1048576);
});

test('fetch with await, a POST body and its content type', () => {
  const r = Fiber.await((async () => {
    const res = await fetch(`${base}/echo`, { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } });
    return [res.headers.get('x-method'), res.headers.get('content-type'), await res.json()];
  })());
  assert.deepEqual(r, ['POST', 'application/json', { a: 1 }]);
  const form = Fiber.await(fetch(`${base}/echo`, { method: 'POST', body: new URLSearchParams({ q: 'a b', n: '1' }) }));
  assert.equal(form.headers.get('content-type'), 'application/x-www-form-urlencoded;charset=UTF-8');
  assert.equal(Fiber.await(form.text()), 'q=a+b&n=1');
  const text = Fiber.await(fetch(`${base}/echo`, { method: 'PUT', body: 'plain' }));
  assert.equal(text.headers.get('content-type'), 'text/plain;charset=UTF-8');
});

test('fetch follows redirects (303 turns a POST into a GET); manual and error do not', () => {
  const r = Fiber.await(fetch(`${base}/redirect?to=/redirect%3Fto%3D/hello.txt`));
  assert.equal(r.status, 200);
  assert.equal(r.redirected, true);
  assert.equal(r.url, `${base}/hello.txt`);
  assert.equal(Fiber.await(r.text()), 'hello from python\n');
  const p = Fiber.await(fetch(`${base}/redirect?to=/echo&status=303`, { method: 'POST', body: 'gone' }));
  assert.equal(p.headers.get('x-method'), 'GET');
  assert.equal(Fiber.await(p.text()), '');
  const k = Fiber.await(fetch(`${base}/redirect?to=/echo&status=307`, { method: 'POST', body: 'kept' }));
  assert.equal(k.headers.get('x-method'), 'POST');
  assert.equal(Fiber.await(k.text()), 'kept');
  const m = Fiber.await(fetch(`${base}/redirect?to=/hello.txt`, { redirect: 'manual' }));
  assert.equal(m.status, 302);
  assert.equal(m.headers.get('location'), '/hello.txt');
  assert.throws(() => Fiber.await(fetch(`${base}/redirect?to=/hello.txt`, { redirect: 'error' })), { name: 'TypeError' });
  const loop = `${base}/redirect?to=${encodeURIComponent(`${base}/redirect?to=/redirect%3Fto%3Dx`)}`;
  assert.throws(() => Fiber.await(fetch(`${base}/redirect?to=/redirect`)), { name: 'TypeError' }, 'a bad Location');
  void loop;
});

test('fetch: too many redirects, refused connections and bad input reject with TypeError', () => {
  const server = http.createServer((req, res) => { res.writeHead(302, { Location: req.url }); res.end(); });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const e = assert.throws(() => Fiber.await(fetch(`http://127.0.0.1:${server.address().port}/loop`)), { name: 'TypeError', message: /fetch failed/ });
  assert.match(e.cause.message, /redirect count exceeded/);
  server.close();
  const refused = assert.throws(() => Fiber.await(fetch('http://127.0.0.1:1/')), { name: 'TypeError' });
  assert.equal(refused.cause.code, 'ECONNREFUSED');
  assert.throws(() => Fiber.await(fetch('nope')), { name: 'TypeError' });
  assert.throws(() => Fiber.await(fetch(`${base}/`, { method: 'GET', body: 'x' })), { name: 'TypeError' });
  assert.throws(() => Fiber.await(fetch('file:///etc/passwd')), { name: 'TypeError' });
});

test('fetch: a body read chunk by chunk through body.getReader() and for await', () => {
  const r = Fiber.await(fetch(`${base}/big.bin`));
  const reader = r.body.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = Fiber.await(reader.read());
    if (done) break;
    total += value.length;
  }
  assert.equal(total, 1048576);
  const r2 = Fiber.await(fetch(`${base}/chunked`));
  const parts = Fiber.await((async () => { const out = []; for await (const c of r2.body) out.push(dec.decode(c)); return out.join(''); })());
  assert.equal(parts, 'hello in chunks');
  assert.throws(() => Fiber.await(r2.text()), { name: 'TypeError' }, 'a body is read once');
});

test('many fetches at once, each in its own fiber', () => {
  const results = Fiber.await(Promise.all(Array.from({ length: 20 }, (_, i) =>
    fetch(`${base}/echo`, { method: 'POST', body: `n${i}` }).then((r) => r.text()))));
  assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => `n${i}`));
});

test('closeIdleConnections empties the pool', () => {
  http.get(`${base}/echo`).text();
  http.closeIdleConnections();
  http.get(`${base}/echo`).text();
});

// A raw server: for each request head it reads, `answer(head, socket)`
// writes what it likes. Returns the server and its URL.
function rawServer(answer) {
  const server = net.createServer((s) => {
    let buf = '';
    for (let chunk; (chunk = s.read()) !== null;) {
      buf += chunk;
      let end;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        buf = answer(head, s, buf) ?? buf;
      }
    }
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  return [server, `http://127.0.0.1:${server.address().port}`];
}

test('1xx responses before the real one are skipped, any number of them', () => {
  const [server, url] = rawServer((head, s) => {
    const n = Number(/^GET \/(\d+)/.exec(head)[1]);
    const interim = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n';
    for (let sent = 0; sent < n; sent += 1000) s.write(interim.repeat(Math.min(1000, n - sent)));
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${String(n).length}\r\n\r\n${n}`);
  });
  for (const n of [1, 2, 50000]) {
    const r = http.get(`${url}/${n}`);
    assert.equal(r.status, 200);
    assert.equal(r.text(), String(n), `${n * 2} interim responses`);
  }
  assert.equal(Fiber.await(fetch(`${url}/3`).then((r) => r.text())), '3', 'fetch too');
  http.closeIdleConnections(); // the raw server's reader ends with them
  server.close();
});

test('Expect: 100-continue: the body waits for 100 Continue; an answer before it keeps the body', () => {
  const server = http.createServer((req, res) => {
    if (req.url === '/refuse') {
      res.statusCode = 403; // the body is never read, so 100 Continue is never sent
      return res.end('no');
    }
    res.end(`got ${req.text()}`);
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `http://127.0.0.1:${server.address().port}`;
  const expect = { 'Expect': '100-continue' };
  assert.equal(http.request(`${url}/take`, { method: 'PUT', headers: expect, body: 'data' }).text(), 'got data');
  const refused = http.request(`${url}/refuse`, { method: 'PUT', headers: expect, body: 'x'.repeat(1 << 20) });
  assert.equal(refused.status, 403);
  assert.equal(refused.text(), 'no');
  assert.equal(http.request(`${url}/again`, { method: 'PUT', headers: expect, body: 'more' }).text(), 'got more');
  server.close();

  // a raw server tells whether body bytes ever came after it refused
  let counted;
  const bodyBytes = new Promise((resolve) => { counted = resolve; });
  const [refuser, rurl] = rawServer((head, s, rest) => {
    s.write('HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n');
    let n = rest.length;
    for (let c; (c = s.read()) !== null;) n += c.length; // until the client closes
    counted(n);
  });
  const r = http.request(rurl, { method: 'POST', headers: expect, body: 'secret body' });
  assert.equal(r.status, 417);
  r.text();
  assert.equal(Fiber.await(bodyBytes), 0, 'the body was never sent, and the connection not kept');
  refuser.close();

  // a server that never says 100 gets the body anyway after a while, as from curl
  const [silent, surl] = rawServer((head, s, rest) => {
    let body = rest;
    for (let c; body.length < 4 && (c = s.read()) !== null;) body += c;
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    return '';
  });
  assert.equal(http.request(surl, { method: 'POST', headers: expect, body: 'late' }).text(), 'late');
  http.closeIdleConnections();
  silent.close();
});

test('a request body streamed from an iterable, an async iterable or a readable', () => {
  const server = http.createServer({ maxBodySize: Infinity }, (req, res) => {
    const body = req.text();
    res.end(JSON.stringify({ te: req.headers['transfer-encoding'] ?? null, cl: req.headers['content-length'] ?? null, body }));
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `http://127.0.0.1:${server.address().port}`;
  const post = (body, headers) => JSON.parse(http.request(url, { method: 'POST', body, headers }).text());
  assert.deepEqual(post(function* () { yield 'a'; yield new Uint8Array([98]); yield ''; yield 'c'; }()),
    { te: 'chunked', cl: null, body: 'abc' });
  assert.deepEqual(post(['x', 'y']), { te: 'chunked', cl: null, body: 'xy' });
  assert.deepEqual(post((async function* () { yield 'as'; await null; yield 'ync'; })()), { te: 'chunked', cl: null, body: 'async' });
  assert.deepEqual(post(['12', '3'], { 'Content-Length': 3 }), { te: null, cl: '3', body: '123' }, 'a length given: sent as it is');
  const file = `${process.env.TEST_TMPDIR ?? '/tmp'}/stream-me.txt`;
  fs.writeFile(file, 'from a file');
  const fh = fs.open(file);
  assert.deepEqual(post(fh), { te: 'chunked', cl: null, body: 'from a file' }, 'a FileHandle is a readable');
  fh.close();
  // a proxy: the request it serves is the body of the one it makes
  const proxy = http.createServer({ maxBodySize: Infinity }, (req, res) => {
    const up = http.request(url, { method: 'POST', body: req, headers: { expect: req.headers.expect } });
    res.end(up.text());
  });
  Fiber.run(() => proxy.listen(0, '127.0.0.1'));
  const big = 'z'.repeat(3 << 20);
  const via = JSON.parse(http.request(`http://127.0.0.1:${proxy.address().port}/`,
    { method: 'PUT', body: big, headers: { Expect: '100-continue' } }).text());
  assert.equal(via.body.length, big.length, 'a 3 MiB upload through the proxy, with Expect');
  assert.equal(via.te, 'chunked');
  assert.throws(() => http.request(url, { method: 'POST', body: ['ok', 42] }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => http.request(url, { method: 'POST', body: ['12'], headers: { 'Content-Length': 3 } }),
    { code: 'ERR_HTTP_CONTENT_LENGTH_MISMATCH' });
  proxy.close();
  server.close();
});

test('a streamed body goes out as it comes, not gathered first', () => {
  let gotFirst;
  const first = new Promise((resolve) => { gotFirst = resolve; });
  const server = http.createServer((req, res) => {
    const parts = [dec.decode(req.read())];
    gotFirst();
    for (let c; (c = req.read()) !== null;) parts.push(dec.decode(c));
    res.end(parts.join('|'));
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  function* body() {
    yield 'first';
    // the server has the first chunk before the second is made (a client
    // that gathered the body first would never get here: the test would hang)
    Fiber.await(first);
    yield 'second';
  }
  const r = http.request(`http://127.0.0.1:${server.address().port}/`, { method: 'POST', body: body() });
  assert.equal(r.text(), 'first|second');
  http.closeIdleConnections();
  server.close();
});
