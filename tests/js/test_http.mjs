// The HTTP server: requests and responses, keep-alive, pipelining, bodies
// both ways, limits and timeouts, and malformed requests sent raw over a
// socket, after each of which the server must still serve a good request.
import { test, assert, event } from './harness.mjs';
import httpModule, { IncomingMessage, ServerResponse, STATUS_CODES, defaults } from 'corojs:http';

const dec = new TextDecoder();

// A server on a free port of 127.0.0.1, listening in a fiber of its own.
function serve(handler, options = {}) {
  const server = http.createServer(options, handler);
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  return server;
}

// Send bytes on a new connection and read until the server closes it: what
// came back, as a string (or, with `bytes`, as bytes).
function raw(server, data, { end = false, bytes = false } = {}) {
  const s = net.connect(server.address().port, '127.0.0.1');
  for (const part of Array.isArray(data) ? data : [data]) s.write(part);
  if (end) s.end();
  let out = '';
  const chunks = [];
  try {
    if (bytes) for (let c; (c = s.readBytes()) !== null;) chunks.push(...c);
    else for (let c; (c = s.read()) !== null;) out += c;
  } catch (e) {
    if (e.code !== 'ECONNRESET') throw e;
  }
  s.close();
  return bytes ? String.fromCharCode(...chunks) : out;
}

// The status codes of the responses in a raw answer.
const statuses = (text) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

// A good request, answered: the server still serves.
function stillServes(server) {
  const r = http.get(`http://127.0.0.1:${server.address().port}/still`);
  assert.equal(r.status, 200);
  assert.equal(r.text(), 'ok /still');
}

const hello = (req, res) => res.end(`ok ${req.url}`);

test('http is a global and the corojs:http default export', () => {
  assert.equal(http, httpModule);
  assert.equal(STATUS_CODES[404], 'Not Found');
  assert.equal(defaults.maxHeaderSize, 16384);
  assert.throws(() => new IncomingMessage(), { name: 'TypeError' });
  assert.throws(() => new ServerResponse(), { name: 'TypeError' });
});

test('request fields, lower-cased headers, rawHeaders; a response with a length', () => {
  let seen;
  const server = serve((req, res) => {
    seen = {
      method: req.method, url: req.url, headers: req.headers, raw: req.rawHeaders,
      v: req.httpVersion, major: req.httpVersionMajor, minor: req.httpVersionMinor,
      isReq: req instanceof IncomingMessage, isRes: res instanceof ServerResponse,
      peer: req.socket.remoteAddress,
    };
    res.statusCode = 201;
    res.setHeader('X-Thing', 'yes');
    res.end('made');
  });
  const out = raw(server, 'PUT /a/b?c=d HTTP/1.1\r\nHost: h\r\nX-Mixed-Case: V\r\nConnection: close\r\n\r\n');
  assert.match(out, /^HTTP\/1\.1 201 Created\r\n/);
  assert.match(out, /\r\nX-Thing: yes\r\n/);
  assert.match(out, /\r\nContent-Length: 4\r\n/);
  assert.match(out, /\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
  assert.match(out, /\r\nConnection: close\r\n\r\nmade$/);
  assert.equal(seen.method, 'PUT');
  assert.equal(seen.url, '/a/b?c=d');
  assert.deepEqual(seen.headers, { host: 'h', 'x-mixed-case': 'V', connection: 'close' });
  assert.deepEqual(seen.raw, ['Host', 'h', 'X-Mixed-Case', 'V', 'Connection', 'close']);
  assert.equal(seen.v, '1.1');
  assert.equal(seen.major, 1);
  assert.equal(seen.minor, 1);
  assert.ok(seen.isReq && seen.isRes);
  assert.equal(seen.peer, '127.0.0.1');
  server.close();
});

test('repeated request headers are merged as Node merges them', () => {
  let headers;
  const server = serve((req, res) => { headers = req.headers; res.end(); });
  raw(server, 'GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: a\r\nUser-Agent: b\r\nAccept: x\r\nAccept: y\r\n' +
    'Cookie: c=1\r\nCookie: d=2\r\nSet-Cookie: e=3\r\nContent-Type: t/1\r\nContent-Type: t/2\r\n' +
    'Connection: close\r\n\r\n');
  assert.equal(headers['user-agent'], 'a');
  assert.equal(headers.accept, 'x, y');
  assert.equal(headers.cookie, 'c=1; d=2');
  assert.deepEqual(headers['set-cookie'], ['e=3']);
  assert.equal(headers['content-type'], 't/1');
  server.close();
});

test('keep-alive: many requests on one connection; pipelined requests answered in order', () => {
  const server = serve(hello);
  const s = net.connect(server.address().port, '127.0.0.1');
  for (let i = 0; i < 3; i++) {
    s.write(`GET /k${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const out = s.read();
    assert.match(out, new RegExp(`^HTTP/1\\.1 200 OK\\r\\n[^]*\\r\\n\\r\\nok /k${i}$`));
    assert.ok(!/Connection: close/.test(out));
  }
  s.close();
  const piped = raw(server, 'GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n' +
    'GET /p3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.deepEqual([...piped.matchAll(/ok \/p\d/g)].map((m) => m[0]), ['ok /p1', 'ok /p2', 'ok /p3']);
  server.close();
});

test('HTTP/1.0: closed after the response unless keep-alive is asked; no chunks', () => {
  const server = serve((req, res) => { res.write('a'); res.end('b'); });
  const out = raw(server, 'GET / HTTP/1.0\r\n\r\n');
  assert.match(out, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(!/Transfer-Encoding/.test(out));
  assert.match(out, /\r\n\r\nab$/);
  server.close();
  const server2 = serve(hello);
  const s = net.connect(server2.address().port, '127.0.0.1');
  s.write('GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
  const first = s.read();
  assert.match(first, /\r\nConnection: keep-alive\r\n/);
  assert.match(first, /ok \/ka$/);
  s.write('GET /again HTTP/1.0\r\n\r\n');
  let rest = '';
  for (let c; (c = s.read()) !== null;) rest += c;
  assert.match(rest, /ok \/again$/);
  s.close();
  server2.close();
});

test('res.write without a length sends chunks; end() closes them', () => {
  const server = serve((req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.write('hello ');
    res.write(new TextEncoder().encode('chunked '));
    res.end('world');
  });
  const out = raw(server, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(out, /\r\nTransfer-Encoding: chunked\r\n/);
  assert.match(out, /\r\n\r\n6\r\nhello \r\n8\r\nchunked \r\n5\r\nworld\r\n0\r\n\r\n$/);
  const r = http.get(`http://127.0.0.1:${server.address().port}/`);
  assert.equal(r.text(), 'hello chunked world');
  server.close();
});

test('request bodies: Content-Length and chunked; read(), text(), json(), bytes()', () => {
  const server = serve((req, res) => {
    if (req.url === '/json') {
      res.end(JSON.stringify({ got: req.json() }));
    } else if (req.url === '/chunks') {
      const parts = [];
      for (const chunk of req) parts.push(chunk.length);
      res.end(`${parts.reduce((a, b) => a + b, 0)} ${req.read()}`);
    } else {
      res.end(`${req.bytes().length}:${req.complete}`);
    }
  });
  const out = raw(server, 'POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{"a": 42}' +
    'POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n' +
    'POST /bytes HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc');
  assert.match(out, /\{"got":\{"a":42\}\}/);
  assert.match(out, /11 null/);
  assert.match(out, /3:true/);
  server.close();
});

test('trailers of a chunked body: req.trailers once the body is read, never in req.headers', () => {
  let seen;
  const server = serve((req, res) => {
    const before = req.trailers;
    const body = req.text();
    seen = { before, body, trailers: req.trailers, raw: req.rawTrailers, headers: Object.keys(req.headers) };
    res.end();
  });
  raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
    '3\r\nabc\r\n0\r\nX-Sum: 42\r\n\r\n');
  assert.deepEqual(seen, { before: {}, body: 'abc', trailers: { 'x-sum': '42' }, raw: ['X-Sum', '42'],
    headers: ['host', 'transfer-encoding', 'connection'] });
  server.close();
});

test('a body the handler did not read is drained; the connection goes on', () => {
  const server = serve(hello);
  const out = raw(server, `POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n${'z'.repeat(5000)}` +
    'GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.deepEqual(statuses(out), [200, 200]);
  assert.match(out, /ok \/after$/);
  server.close();
});

test('HEAD: the length of the body, no body', () => {
  const server = serve((req, res) => res.end('twelve bytes'));
  const out = raw(server, 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const [head, rest] = out.split(/\r\n\r\n/);
  assert.match(head, /Content-Length: 12/);
  assert.match(rest, /^HTTP\/1\.1 200 OK/, 'the next response follows the head at once');
  assert.match(out, /twelve bytes$/);
  server.close();
});

test('204 and 304 carry no body and no length', () => {
  const server = serve((req, res) => { res.statusCode = req.url === '/204' ? 204 : 304; res.end(); });
  const out = raw(server, 'GET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.deepEqual(statuses(out), [204, 304]);
  assert.ok(!/Content-Length|Transfer-Encoding/.test(out));
  server.close();
});

test('Expect: 100-continue: 100 is sent when the handler reads the body', () => {
  const server = serve((req, res) => {
    if (req.url === '/still') return hello(req, res);
    if (req.url === '/no') { res.statusCode = 401; res.end(); return; }
    res.end(`got ${req.text()}`);
  });
  const s = net.connect(server.address().port, '127.0.0.1');
  s.write('POST /yes HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n');
  assert.equal(s.read(), 'HTTP/1.1 100 Continue\r\n\r\n');
  s.write('body');
  assert.match(s.read(), /got body$/);
  s.close();
  // refused without reading: no 100, and the connection closes (the body never came)
  const out = raw(server, 'POST /no HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n');
  assert.match(out, /^HTTP\/1\.1 401 Unauthorized\r\n/);
  assert.match(out, /Connection: close/);
  assert.ok(!/100 Continue/.test(out));
  assert.match(raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: other\r\n\r\nx'), /^HTTP\/1\.1 417 /);
  stillServes(server);
  server.close();
});

test('writeHead(status, [message], headers) and the header calls', () => {
  let checks;
  const server = serve((req, res) => {
    res.setHeader('X-One', 1);
    res.setHeader('X-Two', ['a', 'b']);
    res.setHeader('x-one', 'replaced');
    checks = {
      get: res.getHeader('X-ONE'), has: res.hasHeader('x-two'), names: res.getHeaderNames(),
      all: res.getHeaders(), sentBefore: res.headersSent,
    };
    res.removeHeader('X-Two');
    res.writeHead(202, 'Fine', { 'Content-Type': 'text/x', 'X-Three': 3 });
    checks.sentAfter = res.headersSent;
    checks.late = (() => { try { res.setHeader('a', 'b'); } catch (e) { return e.code; } })();
    res.end('w');
  });
  const out = raw(server, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(out, /^HTTP\/1\.1 202 Fine\r\n/);
  assert.match(out, /\r\nx-one: replaced\r\n/);
  assert.match(out, /\r\nContent-Type: text\/x\r\n/);
  assert.match(out, /\r\nX-Three: 3\r\n/);
  assert.ok(!/X-Two/i.test(out));
  assert.equal(checks.get, 'replaced');
  assert.equal(checks.has, true);
  assert.deepEqual(checks.names, ['x-two', 'x-one']);
  assert.deepEqual(checks.all, { 'x-two': ['a', 'b'], 'x-one': 'replaced' });
  assert.equal(checks.sentBefore, false);
  assert.equal(checks.sentAfter, true);
  assert.equal(checks.late, 'ERR_HTTP_HEADERS_SENT');
  server.close();
});

test('setHeader refuses header injection and bad names, as Node does', () => {
  const errors = [];
  const server = serve((req, res) => {
    for (const [name, value] of [['X-Bad', 'a\r\nSet-Cookie: evil=1'], ['X-Bad', 'a\nb'], ['Bad Name', 'v'],
      ['X-Bad', '\u0100'], ['', 'v'], ['X-Bad:', 'v'], ['X-Und', undefined]]) {
      try {
        res.setHeader(name, value);
        errors.push('none');
      } catch (e) {
        errors.push(`${e.name}:${e.code}`);
      }
    }
    try { res.writeHead(200, { 'X\r\nY': 'z' }); } catch (e) { errors.push(e.code); }
    try { res.writeHead(42); } catch (e) { errors.push(`${e.name}:${e.code}`); }
    res.setHeader('X-Latin1', 'caf\u00e9');
    res.end();
  });
  const out = raw(server, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { bytes: true });
  assert.deepEqual(errors, [
    'TypeError:ERR_INVALID_CHAR', 'TypeError:ERR_INVALID_CHAR', 'TypeError:ERR_INVALID_HTTP_TOKEN',
    'TypeError:ERR_INVALID_CHAR', 'TypeError:ERR_INVALID_HTTP_TOKEN', 'TypeError:ERR_INVALID_HTTP_TOKEN',
    'TypeError:ERR_HTTP_INVALID_HEADER_VALUE', 'ERR_INVALID_HTTP_TOKEN', 'RangeError:ERR_HTTP_INVALID_STATUS_CODE',
  ]);
  assert.ok(!/evil/.test(out));
  assert.match(out, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(out, /\r\nX-Latin1: caf\u00e9\r\n/, 'a Latin-1 value goes out as its one byte');
  server.close();
});

test('a handler that returns without end(): the response is ended for it', () => {
  const server = serve((req, res) => {
    if (req.url === '/stream') res.write('partial');
    else res.setHeader('X-Left', 'alone');
  });
  const out = raw(server, 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(out, /^HTTP\/1\.1 200 OK\r\nX-Left: alone\r\n[^]*Content-Length: 0\r\n\r\n/);
  assert.match(out, /7\r\npartial\r\n0\r\n\r\n$/);
  server.close();
});

test('a handler that throws: 500 before the head, the connection cut after it; the server goes on', () => {
  const errors = [];
  const server = serve((req, res) => {
    if (req.url === '/still') return hello(req, res);
    if (req.url === '/late') { res.write('started'); throw new Error('late'); }
    res.setHeader('X-Gone', 'yes');
    throw new Error('early');
  }, { onError: (e, req, res) => errors.push(`${e.message} ${req.url} ${res.headersSent}`) });
  const out = raw(server, 'GET /early HTTP/1.1\r\nHost: x\r\n\r\nGET /late HTTP/1.1\r\nHost: x\r\n\r\n');
  const [first, second] = out.split(/(?=HTTP\/1\.1 )/);
  assert.match(first, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
  assert.ok(!/X-Gone/.test(first), 'what the handler set is not sent with the 500');
  assert.match(second, /^HTTP\/1\.1 200 OK\r\n[^]*7\r\nstarted\r\n$/, 'cut off: no last chunk');
  assert.deepEqual(errors, ['early /early false', 'late /late true']);
  stillServes(server);
  server.close();
});

test('an async handler is awaited; a rejected one answers 500', () => {
  const server = serve(async (req, res) => {
    await new Promise((r) => setImmediate(r));
    if (req.url === '/reject') throw new Error('async no');
    res.end('async ok');
  }, { onError() {} });
  const base = `http://127.0.0.1:${server.address().port}`;
  assert.equal(http.get(`${base}/`).text(), 'async ok');
  assert.equal(http.get(`${base}/reject`).status, 500);
  server.close();
});

test('a handler may block; connections are served at once meanwhile', () => {
  const entered = event(), gate = event();
  const server = serve((req, res) => {
    if (req.url === '/slow') { entered.fire(); gate.wait(); }
    res.end(req.url);
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  const slow = Fiber.run(() => http.get(`${base}/slow`).text());
  entered.wait();
  assert.equal(http.get(`${base}/fast`).text(), '/fast', 'served while the slow one blocks');
  assert.equal(slow.done, false);
  gate.fire();
  assert.equal(slow.join(), '/slow');
  server.close();
});

test('malformed requests get 400 and a clean close; the server keeps serving', () => {
  const server = serve(hello);
  const cases = {
    'a bad request line': 'GARBAGE\r\n\r\n',
    'a bad method': 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n',
    'a bad version': 'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
    'spaces in the target': 'GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n',
    'Content-Length and Transfer-Encoding': 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'two Content-Lengths': 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
    'a bad Content-Length': 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n',
    'chunked after another coding': 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n',
    'a bare LF in a header': 'GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n',
    'a header without a colon': 'GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n',
    'a space before the colon': 'GET / HTTP/1.1\r\nHost : x\r\n\r\n',
    'a NUL in a header': 'GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n',
  };
  for (const [what, req] of Object.entries(cases)) {
    const out = raw(server, req);
    assert.match(out, /^HTTP\/1\.1 400 Bad Request\r\n[^]*Connection: close\r\n\r\n$/, `${what}: ${JSON.stringify(out)}`);
    stillServes(server);
  }
  server.close();
});

test('a malformed body: the read throws, the answer is 400 and the connection closes', () => {
  let error;
  const server = serve((req, res) => {
    if (req.url === '/still') return res.end('ok /still');
    try { req.bytes(); } catch (e) { error = e.code; throw e; }
  }, { onError() {} });
  const out = raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n');
  assert.equal(error, 'HPE_INVALID_CHUNK_SIZE');
  assert.match(out, /^HTTP\/1\.1 400 Bad Request\r\n[^]*Connection: close\r\n/);
  stillServes(server);
  server.close();
});

test('truncated requests are dropped quietly; the server keeps serving', () => {
  const server = serve((req, res) => res.end(req.url === '/still' ? 'ok /still' : `${req.bytes().length}`),
    { onError() {} });
  assert.equal(raw(server, 'GET / HTTP/1.1\r\nHost: x', { end: true }), '', 'half a head');
  assert.match(raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc', { end: true }),
    /^HTTP\/1\.1 400 Bad Request\r\n[^]*Connection: close\r\n/, 'half a body, the rest never comes: the read throws');
  raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab', { end: true });
  stillServes(server);
  server.close();
});

test('limits: a head over maxHeaderSize gets 431, a body over maxBodySize 413', () => {
  const server = serve((req, res) => res.end(req.url === '/still' ? 'ok /still' : `${req.bytes().length}`),
    { maxHeaderSize: 1024, maxBodySize: 100, onError() {} });
  const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2000)}\r\n\r\n`;
  assert.match(raw(server, big), /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  assert.match(raw(server, ['GET / HTTP/1.1\r\n', `X-A: ${'a'.repeat(600)}\r\n`, `X-B: ${'b'.repeat(600)}\r\n\r\n`]),
    /^HTTP\/1\.1 431 /, 'a head too big in pieces');
  assert.match(raw(server, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n${'x'.repeat(101)}`),
    /^HTTP\/1\.1 413 Payload Too Large\r\n/, 'a length over the limit: the read throws at once, the answer is 413');
  assert.match(raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n' + 'x'.repeat(100)),
    /\r\n\r\n100$/, 'at the limit: fine');
  const chunks = `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${'32\r\n' + 'y'.repeat(50) + '\r\n'}`.repeat(1);
  const out = raw(server, chunks + '32\r\n' + 'y'.repeat(50) + '\r\n' + '32\r\n' + 'y'.repeat(50) + '\r\n0\r\n\r\n');
  assert.match(out, /^HTTP\/1\.1 413 /, 'chunks over the limit: the read throws, the answer is 413');
  stillServes(server);
  server.close();
});

test('timeouts: a silent or slow client is dropped (408 for a slow head)', () => {
  const server = serve(hello, { headersTimeout: 300, idleTimeout: 200, requestTimeout: 300 });
  // not before its time: a timer of 100 ms armed before the connection
  // fires before the server's of 200 ms (the loop runs timers in order)
  let shorter = false;
  setTimeout(() => { shorter = true; }, 100);
  assert.equal(raw(server, ''), '', 'a connection that sends nothing is closed');
  assert.ok(shorter, 'closed by the idle timeout, not at once');
  const s = net.connect(server.address().port, '127.0.0.1');
  s.write('GET / HTTP/1.1\r\n');
  s.write('Host: x\r\n'); // never a whole head
  let out = '';
  for (let c; (c = s.read()) !== null;) out += c;
  s.close();
  assert.match(out, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  // keep-alive: after a response, the wait for the next request is the idle timeout
  const k = net.connect(server.address().port, '127.0.0.1');
  k.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(k.read(), /ok \/1$/);
  assert.equal(k.read(), null, 'closed when idle');
  k.close();
  stillServes(server);
  server.close();
});

test('a slow body runs into requestTimeout: the read throws ETIMEDOUT, the answer is 408', () => {
  let error;
  const server = serve((req, res) => {
    try { req.bytes(); } catch (e) { error = e.code; throw e; }
  }, { requestTimeout: 200, onError() {} });
  const out = raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
  assert.equal(error, 'ETIMEDOUT');
  assert.match(out, /^HTTP\/1\.1 408 /);
  server.close();
});

test('server.close(): listen() returns, idle keep-alive connections close, a busy one finishes', () => {
  const entered = event(), gate = event();
  const server = http.createServer((req, res) => {
    if (req.url === '/busy') { entered.fire(); gate.wait(); }
    res.end('done');
  });
  let returned = false;
  const f = Fiber.run(() => { server.listen(0, '127.0.0.1'); returned = true; });
  const port = server.address().port;
  const idle = net.connect(port, '127.0.0.1');
  idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(idle.read(), /done$/);
  const busy = net.connect(port, '127.0.0.1');
  busy.write('GET /busy HTTP/1.1\r\nHost: x\r\n\r\n');
  entered.wait();
  server.close();
  assert.equal(idle.read(), null, 'the idle one was closed at once');
  gate.fire();
  f.join();
  assert.ok(returned);
  assert.equal(server.listening, false);
  let out = '';
  for (let c; (c = busy.read()) !== null;) out += c;
  assert.match(out, /Connection: close\r\n\r\ndone$/, 'the busy one got its answer, then closed');
  assert.throws(() => net.connect(port, '127.0.0.1'), { code: 'ECONNREFUSED' });
  assert.throws(() => server.listen(0), { code: 'ERR_SERVER_ALREADY_LISTEN' });
  idle.close();
  busy.close();
});

test('bad arguments', () => {
  assert.throws(() => http.createServer(), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => http.createServer({ maxBodySize: -1 }, hello), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => http.createServer({ maxBodySize: '1' }, hello), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => http.createServer({ nope: 1 }, hello), { code: 'ERR_INVALID_ARG_VALUE' });
  const s = http.createServer({ maxBodySize: Infinity }, hello);
  s.close();
});

test('a write after end throws; end() twice is harmless', () => {
  const codes = [];
  const server = serve((req, res) => {
    res.end('once');
    res.end();
    try { res.write('more'); } catch (e) { codes.push(e.code); }
    try { res.end('more'); } catch (e) { codes.push(e.code); }
  });
  assert.match(raw(server, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), /once$/);
  assert.deepEqual(codes, ['ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_WRITE_AFTER_END']);
  server.close();
});

test('many connections at once, each with requests in flight', () => {
  const server = serve((req, res) => { Fiber.yield(); res.end(req.url); });
  const base = `http://127.0.0.1:${server.address().port}`;
  const fibers = [];
  for (let i = 0; i < 50; i++) {
    fibers.push(Fiber.run(() => {
      let ok = 0;
      for (let j = 0; j < 10; j++) if (http.get(`${base}/${i}/${j}`).text() === `/${i}/${j}`) ok++;
      return ok;
    }));
  }
  assert.equal(fibers.reduce((n, f) => n + f.join(), 0), 500);
  server.close();
});

test('an isolate without net cannot listen; one with it serves', () => {
  const dir = `${process.env.TEST_TMPDIR ?? '/tmp'}`;
  fs.writeFile(`${dir}/iso_http.mjs`, `
    export function start() {
      const s = http.createServer((req, res) => res.end('from the isolate'));
      Fiber.run(() => s.listen(0, '127.0.0.1'));
      return s.address().port;
    }
    export function denied() {
      try { http.createServer(() => {}).listen(0, '127.0.0.1'); } catch (e) { return e.code; }
    }`);
  const without = new Isolate(`${dir}/iso_http.mjs`);
  assert.equal(without.call('denied'), 'ERR_ACCESS_DENIED');
  without.terminate();
  const withNet = new Isolate(`${dir}/iso_http.mjs`, { net: true });
  const port = withNet.call('start');
  assert.equal(http.get(`http://127.0.0.1:${port}/`).text(), 'from the isolate');
  withNet.terminate();
  withNet.join();
});

test('a Transfer-Encoding not ending in chunked: 400 without the handler, one response', () => {
  let called = 0;
  const server = serve((req, res) => { called++; hello(req, res); }, { onError() {} });
  for (const te of ['gzip', 'identity', 'chunked, gzip', 'gzip, chunked, gzip', 'gzip\r\nTransfer-Encoding: identity']) {
    const out = raw(server, `POST /te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\n3\r\nabc\r\n0\r\n\r\n`);
    assert.deepEqual(statuses(out), [400], `${te}: ${JSON.stringify(out)}`);
    assert.match(out, /Connection: close\r\n\r\n$/);
  }
  assert.equal(called, 0, 'the handler never ran');
  assert.deepEqual(statuses(raw(server, 'POST /te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n')),
    [200], 'chunked last is fine');
  stillServes(server);
  server.close();
});

test('HTTP/1.1 needs exactly one Host: none or two is 400 without the handler', () => {
  let called = 0;
  const server = serve((req, res) => { called++; hello(req, res); });
  const cases = {
    'no Host': 'GET /h HTTP/1.1\r\n\r\n',
    'two Hosts': 'GET /h HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    'two Hosts, one empty': 'GET /h HTTP/1.1\r\nHost:\r\nHost: b\r\n\r\n',
    'two Hosts in HTTP/1.0': 'GET /h HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n',
    'a Host that is no host': 'GET /h HTTP/1.1\r\nHost: a/b@c\r\n\r\n',
  };
  for (const [what, req] of Object.entries(cases)) {
    const out = raw(server, req);
    assert.match(out, /^HTTP\/1\.1 400 Bad Request\r\n[^]*Connection: close\r\n\r\n$/, `${what}: ${JSON.stringify(out)}`);
  }
  assert.equal(called, 0, 'the handler never ran');
  assert.deepEqual(statuses(raw(server, 'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\n\r\n')), [200, 400],
    'a pipelined request without Host');
  assert.match(raw(server, 'GET /old HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 200 OK\r\n[^]*ok \/old$/, 'HTTP/1.0 may leave it out');
  assert.match(raw(server, 'GET /e HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 200 /, 'an empty Host is one');
  assert.match(raw(server, 'GET /v6 HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 200 /);
  assert.equal(called, 4);
  stillServes(server);
  server.close();
});

test('trailers over maxHeaderSize get 431, as a head does', () => {
  let error;
  const server = serve((req, res) => {
    if (req.url === '/still') return res.end('ok /still');
    try { req.bytes(); } catch (e) { error = e; throw e; }
    res.end('read');
  }, { maxHeaderSize: 1024, onError() {} });
  const out = raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n' +
    `X-Trailer: ${'t'.repeat(2000)}\r\n\r\n`);
  assert.match(out, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[^]*Connection: close\r\n/, JSON.stringify(out));
  assert.equal(error?.code, 'HPE_HEADER_OVERFLOW');
  assert.equal(error?.status, 431);
  assert.match(raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\nX-T: small\r\n\r\n'),
    /\r\n\r\nread$/, 'small trailers are fine');
  stillServes(server);
  server.close();
});

test('writeHead with [[name, value], ...] or a flat list keeps every value of a repeated name', () => {
  const server = serve((req, res) => {
    if (req.url === '/nested') {
      res.writeHead(200, [['Set-Cookie', 'a=1'], ['X-One', '1'], ['set-cookie', 'b=2']]);
    } else if (req.url === '/flat') {
      res.writeHead(200, ['Set-Cookie', 'a=1', 'X-One', '1', 'Set-Cookie', 'b=2']);
    } else {
      res.setHeader('Set-Cookie', 'old=0');
      res.setHeader('X-Keep', 'k');
      res.writeHead(200, 'Fine', ['Set-Cookie', 'a=1', 'Set-Cookie', ['b=2', 'c=3']]);
    }
    res.end('ok');
  });
  const cookies = (out) => [...out.matchAll(/\r\nset-cookie: ([^\r]*)/gi)].map((m) => m[1]);
  for (const path of ['/nested', '/flat']) {
    const out = raw(server, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.deepEqual(cookies(out), ['a=1', 'b=2'], `${path}: ${JSON.stringify(out)}`);
    assert.match(out, /\r\nX-One: 1\r\n/);
  }
  const out = raw(server, 'GET /mixed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.deepEqual(cookies(out), ['a=1', 'b=2', 'c=3'], 'the list replaces what setHeader set, keeping its own repeats');
  assert.match(out, /^HTTP\/1\.1 200 Fine\r\n(?:[^]*\r\n)?X-Keep: k\r\n/);
  const r = http.get(`http://127.0.0.1:${server.address().port}/flat`);
  assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2'], 'our client sees both');
  r.text();
  server.close();
});

test('maxBodySize: a Content-Length over it and chunks over it are treated the same', () => {
  const seen = [];
  const server = serve((req, res) => {
    if (req.url === '/still') return res.end('ok /still');
    if (req.url === '/ignore') return res.end('ignored');
    try {
      req.bytes();
      seen.push('read');
    } catch (e) {
      seen.push(`${e.code} ${e.status}`);
      throw e;
    }
  }, { maxBodySize: 100, onError() {} });
  const overLength = raw(server, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n${'x'.repeat(101)}`);
  const overChunks = raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
    `${'32\r\n' + 'y'.repeat(50) + '\r\n'}`.repeat(3) + '0\r\n\r\n');
  assert.deepEqual(seen, ['ERR_HTTP_BODY_TOO_LARGE 413', 'ERR_HTTP_BODY_TOO_LARGE 413'], 'the handler runs, the read throws');
  for (const out of [overLength, overChunks]) {
    assert.match(out, /^HTTP\/1\.1 413 Payload Too Large\r\n[^]*Connection: close\r\n\r\n$/, JSON.stringify(out));
  }
  // a client that waits for 100 Continue is told 413 at once, never asked for the body
  const waiting = raw(server, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n');
  assert.deepEqual(statuses(waiting), [413], JSON.stringify(waiting));
  // a handler that leaves the body unread answers as it likes; the connection closes
  for (const head of ['Content-Length: 101\r\n\r\n' + 'x'.repeat(101),
    'Transfer-Encoding: chunked\r\n\r\n' + `${'32\r\n' + 'y'.repeat(50) + '\r\n'}`.repeat(3) + '0\r\n\r\n']) {
    const out = raw(server, `POST /ignore HTTP/1.1\r\nHost: x\r\n${head}GET /never HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(out, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nignored$/, JSON.stringify(out));
  }
  stillServes(server);
  server.close();
});
