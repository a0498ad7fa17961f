// flags: --expose-internals
// node:http -- Node's own _http_* JS over internalBinding('http_parser')
// (src/prim/http_parser.c, llhttp) and node:net's TCP handles -- with real
// clients: curl (through child_process) and Node's http client, on
// loopback, on ports the kernel chooses. And the faults issue 11 names: a
// handler that throws, a client that vanishes mid-response,
// ERR_HTTP_HEADERS_SENT, ERR_STREAM_WRITE_AFTER_END, a response finished
// later from a timer and from another fiber. Each test waits on events,
// never on a clock.
import { test, assert, event } from './harness.mjs';
import { requireBuiltin, internalBinding } from 'corojs:internal/node/builtins';
import { Fiber } from 'corojs:fiber';

const http = requireBuiltin('http');
const net = requireBuiltin('net');
const cp = requireBuiltin('child_process');

// A server on 127.0.0.1 with `handler`, listening; its base URL.
function serve(handler) {
  const server = http.createServer(handler);
  const ready = event();
  server.listen(0, '127.0.0.1', () => ready.fire());
  ready.wait();
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

function close(server) {
  const done = event();
  server.close(() => done.fire());
  server.closeAllConnections?.();
  done.wait();
}

// curl ARGS... -> { code, stdout, stderr }
function curl(...args) {
  const done = event();
  cp.execFile('curl', ['-sS', ...args], { encoding: 'latin1', maxBuffer: 64 << 20 },
    (err, stdout, stderr) => done.fire({ code: err ? err.code : 0, stdout, stderr }));
  return done.wait();
}

// Node's http.get(url) -> { res, body }
function get(url, options = {}) {
  const done = event();
  http.get(url, options, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (d) => (body += d));
    res.on('end', () => done.fire({ res, body }));
  }).on('error', (error) => done.fire({ error }));
  return done.wait();
}

test('curl: GET, headers both ways, status and body', () => {
  const { server, base } = serve((req, res) => {
    res.setHeader('X-Seen', req.headers['x-mine'] ?? 'none');
    res.writeHead(201, { 'Content-Type': 'text/plain' });
    res.end(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
  });
  const r = curl('-i', '-H', 'X-Mine: abc', `${base}/path?q=1`);
  close(server);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.startsWith('HTTP/1.1 201 Created\r\n'), r.stdout);
  assert.ok(/\r\nX-Seen: abc\r\n/.test(r.stdout), r.stdout);
  assert.ok(r.stdout.endsWith('\r\n\r\nGET /path?q=1 HTTP/1.1'), r.stdout);
});

test('curl: keep-alive reuses the connection; a 5 MB upload echoes back intact', () => {
  const { server, base } = serve((req, res) => {
    if (req.url === '/echo') req.pipe(res);
    else res.end('hi');
  });
  const r1 = curl('-v', `${base}/a`, `${base}/b`);
  assert.ok(r1.stderr.includes('Re-using existing connection') ||
    r1.stderr.includes('Reusing existing'), r1.stderr);
  const big = Buffer.alloc(5 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  const file = `/tmp/corojs-node-http-${process.pid}.bin`;
  requireBuiltin('fs').writeFileSync(file, big);
  const r2 = curl('--data-binary', `@${file}`, '-H', 'Transfer-Encoding: chunked', `${base}/echo`);
  requireBuiltin('fs').unlinkSync(file);
  close(server);
  assert.equal(r2.code, 0);
  assert.equal(r2.stdout.length, big.length);
  assert.ok(Buffer.from(r2.stdout, 'latin1').equals(big));
});

test("Node's client and server: chunked response, trailers, many headers", () => {
  const { server, base } = serve((req, res) => {
    assert.equal(req.headers['x-40'], 'v40');
    res.writeHead(200, { Trailer: 'X-Sum' });
    res.write('a');
    res.write('b');
    res.addTrailers({ 'X-Sum': '2' });
    res.end();
  });
  const headers = {};
  for (let i = 0; i < 50; i++) headers[`x-${i}`] = `v${i}`; // more than the parser's 32 at once
  const { res, body } = get(`${base}/`, { headers });
  close(server);
  assert.equal(body, 'ab');
  assert.equal(res.headers['transfer-encoding'], 'chunked');
  assert.equal(res.trailers['x-sum'], '2');
});

test('a malformed request: 400 and the parser error on clientError', () => {
  const seen = event();
  const { server, base } = serve(() => assert.fail('no request expected'));
  server.on('clientError', (err, socket) => {
    seen.fire(err);
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  const r = curl('-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'GE T', `${base}/`);
  const err = seen.wait();
  close(server);
  assert.equal(r.stdout, '400');
  assert.equal(err.code, 'HPE_INVALID_METHOD');
  assert.equal(err.message, 'Parse Error: Invalid method encountered');
});

test('an Express-style handler that throws: the router answers 500, the server goes on', () => {
  // what Express's router does: the handler runs in a try, its error is the 500
  const route = (req, res) => {
    if (req.url === '/boom') throw new Error('boom');
    res.end('fine');
  };
  const errors = [];
  const { server, base } = serve((req, res) => {
    try {
      route(req, res);
    } catch (e) {
      errors.push(e.message);
      res.statusCode = 500;
      res.end('Internal Server Error');
    }
  });
  const r = curl('-s', '-w', ' %{http_code}', `${base}/boom`);
  const again = curl(`${base}/ok`);
  close(server);
  assert.equal(r.stdout, 'Internal Server Error 500');
  assert.deepEqual(errors, ['boom']);
  assert.equal(again.stdout, 'fine');
});

test('a handler that throws with nobody catching: uncaughtException, the server goes on', () => {
  const caught = event();
  const onUncaught = (e) => caught.fire(e);
  process.on('uncaughtException', onUncaught);
  const { server, base } = serve((req, res) => {
    if (req.url === '/boom') throw new Error('thrown in the request handler');
    res.end('still here');
  });
  const socket = net.connect(server.address().port, '127.0.0.1');
  socket.write('GET /boom HTTP/1.1\r\nHost: x\r\n\r\n');
  const e = caught.wait();
  socket.destroy();
  process.off('uncaughtException', onUncaught);
  const r = curl(`${base}/ok`);
  close(server);
  assert.equal(e.message, 'thrown in the request handler');
  assert.equal(r.stdout, 'still here');
});

test("a client that vanishes mid-response: 'close' without 'finish', the server goes on", () => {
  const closed = event();
  let wrote = 0;
  const { server, base } = serve((req, res) => {
    if (req.url !== '/stream') return res.end('after');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 << 10, 120);
    let finished = false;
    res.on('finish', () => (finished = true));
    res.on('close', () => closed.fire({ finished, destroyed: res.destroyed }));
    // write until the client is gone (backpressure: wait for 'drain')
    const pump = () => {
      while (!res.destroyed) {
        wrote += chunk.length;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
    };
    pump();
  });
  const port = server.address().port;
  const socket = net.connect(port, '127.0.0.1');
  socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
  const first = event();
  socket.once('data', () => first.fire());
  first.wait();
  socket.destroy();
  const how = closed.wait();
  const r = curl(`${base}/`);
  close(server);
  assert.equal(how.finished, false);
  assert.equal(how.destroyed, true);
  assert.ok(wrote > 0);
  assert.equal(r.stdout, 'after');
});

test('ERR_HTTP_HEADERS_SENT: setHeader and writeHead after the head went out', () => {
  const errors = event();
  const { server, base } = serve((req, res) => {
    res.writeHead(200);
    res.write('x');
    const seen = [];
    for (const f of [() => res.setHeader('X-Late', '1'), () => res.writeHead(500)]) {
      try {
        f();
      } catch (e) {
        seen.push([e.code, e.message]);
      }
    }
    res.end();
    errors.fire(seen);
  });
  curl(`${base}/`);
  const seen = errors.wait();
  close(server);
  assert.deepEqual(seen[0], ['ERR_HTTP_HEADERS_SENT', 'Cannot set headers after they are sent to the client']);
  assert.equal(seen[1][0], 'ERR_HTTP_HEADERS_SENT');
});

test("ERR_STREAM_WRITE_AFTER_END: write() after end() calls back and emits 'error' with it", () => {
  const got = event();
  const { server, base } = serve((req, res) => {
    res.end('done');
    let cbErr;
    res.on('error', (e) => got.fire({ cbErr, e }));
    res.write('more', (e) => (cbErr = e));
  });
  const r = curl(`${base}/`);
  const { cbErr, e } = got.wait();
  close(server);
  assert.equal(r.stdout, 'done');
  assert.equal(e.code, 'ERR_STREAM_WRITE_AFTER_END');
  assert.equal(e.message, 'write after end');
  assert.equal(cbErr?.code, 'ERR_STREAM_WRITE_AFTER_END');
});

test('a response finished later: from a timer, and from another fiber', () => {
  const { server, base } = serve((req, res) => {
    if (req.url === '/timer') {
      setTimeout(() => res.end('from a timer'), 1);
      return; // the handler returns; the connection outlives it
    }
    Fiber.run(() => {
      Fiber.yield();
      res.setHeader('X-Fiber', 'other');
      res.end('from another fiber');
    });
  });
  const a = curl(`${base}/timer`);
  const b = curl('-i', `${base}/fiber`);
  close(server);
  assert.equal(a.stdout, 'from a timer');
  assert.ok(/\r\nX-Fiber: other\r\n/.test(b.stdout), b.stdout);
  assert.ok(b.stdout.endsWith('from another fiber'), b.stdout);
});

test('requests on one connection, pipelined, answered in order', () => {
  let n = 0;
  const { server } = serve((req, res) => {
    const mine = ++n;
    if (mine === 1) setTimeout(() => res.end(`r${mine}`), 5); // the first answers last
    else res.end(`r${mine}`);
  });
  const socket = net.connect(server.address().port, '127.0.0.1');
  let got = '';
  const done = event();
  socket.setEncoding('latin1');
  socket.on('data', (d) => {
    got += d;
    if ((got.match(/\r\n\r\nr\d/g) ?? []).length === 3) done.fire();
  });
  socket.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n');
  done.wait();
  socket.destroy();
  close(server);
  assert.deepEqual(got.match(/\r\n\r\nr\d/g).map((m) => m.slice(4)), ['r1', 'r2', 'r3']);
});

test('the parser binding: bad arguments throw TypeError, a parse error is Node\'s', () => {
  const { HTTPParser } = internalBinding('http_parser');
  const p = new HTTPParser();
  assert.throws(() => p.initialize('x', {}), TypeError);
  assert.throws(() => p.initialize(HTTPParser.REQUEST, 1), TypeError);
  assert.throws(() => p.execute(Buffer.from('x')), TypeError); // not initialized
  p.initialize(HTTPParser.REQUEST, {});
  assert.throws(() => p.execute('GET / HTTP/1.1\r\n\r\n'), TypeError);
  const e = p.execute(Buffer.from('GET / HTTP/1.1\r\nBad Header\r\n\r\n'));
  assert.ok(e instanceof Error);
  assert.equal(e.message, 'Parse Error');
  assert.equal(e.code, 'HPE_INVALID_HEADER_TOKEN');
  assert.equal(typeof e.bytesParsed, 'number');
  assert.equal(typeof e.reason, 'string');
  p.close();
  p.close(); // twice: nothing
});
