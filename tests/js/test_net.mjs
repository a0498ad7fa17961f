// flags: --expose-internals
import { test, assert, event, tmpdir } from './harness.mjs';
import netModule, { Socket, Server, isIP } from 'corojs:net';
import P from 'corojs:internal/primordials';

const enc = new TextEncoder();

// Start a server in a fiber of its own; returns it once it listens.
function serve(handler, options = {}, listenArgs = [0, '127.0.0.1']) {
  const server = net.createServer(options, handler);
  Fiber.run(() => server.listen(...listenArgs));
  return server;
}

const echo = (s) => { for (let c; (c = s.readBytes()) !== null;) s.write(c); };

test('net is a global and the corojs:net default export', () => {
  assert.equal(net, netModule);
  assert.equal(isIP('127.0.0.1'), 4);
  assert.equal(isIP('::1'), 6);
  assert.equal(isIP('example.com'), 0);
});

test('echo over TCP: write, read, end, close', () => {
  const server = serve(echo);
  const { port, address, family } = server.address();
  assert.equal(address, '127.0.0.1');
  assert.equal(family, 'IPv4');
  assert.ok(port > 0);
  const c = net.connect(port, '127.0.0.1');
  assert.ok(c instanceof Socket);
  c.write('hello');
  assert.equal(c.read(), 'hello');
  c.write(enc.encode('bytes'));
  assert.deepEqual(c.readBytes(), enc.encode('bytes'));
  c.end();
  assert.equal(c.read(), null, 'the server closes after our end');
  assert.equal(c.read(), null, 'and null again');
  c.close();
  server.close();
});

test('address() is usable while listen() blocks; close() makes listen() return', () => {
  const server = net.createServer(echo);
  assert.equal(server.address(), null);
  assert.ok(server instanceof Server);
  let returned = false;
  const f = Fiber.run(() => { server.listen(0, '127.0.0.1'); returned = true; });
  assert.equal(server.listening, true);
  assert.ok(server.address().port > 0);
  assert.equal(returned, false);
  server.close();
  f.join();
  assert.equal(returned, true);
  assert.equal(server.listening, false);
  assert.throws(() => server.listen(0), { code: 'ERR_SERVER_ALREADY_LISTEN' });
});

test('socket addresses', () => {
  const server = serve((s) => { s.write(`${s.remoteAddress}:${s.remotePort}`); s.read(); });
  const c = net.connect(server.address().port, 'localhost');
  assert.equal(c.read(), `127.0.0.1:${c.localPort}`);
  assert.equal(c.remoteAddress, '127.0.0.1');
  assert.equal(c.remotePort, server.address().port);
  assert.equal(c.remoteFamily, 'IPv4');
  assert.equal(c.localAddress, '127.0.0.1');
  c.close();
  server.close();
});

test('IPv6 on ::1', () => {
  const server = serve(echo, {}, [0, '::1']);
  assert.equal(server.address().family, 'IPv6');
  const c = net.connect(server.address().port, '::1');
  c.write('six');
  assert.equal(c.read(), 'six');
  assert.equal(c.remoteAddress, '::1');
  c.close();
  server.close();
});

test('Unix domain sockets; the path is removed on close', () => {
  const path = `${tmpdir}/echo.sock`;
  const server = serve(echo, {}, [path]);
  assert.equal(server.address(), path);
  const c = net.connect(path);
  c.write('unix');
  assert.equal(c.read(), 'unix');
  c.close();
  const d = net.connect({ path });
  d.write('again');
  assert.equal(d.read(), 'again');
  d.close();
  server.close();
  assert.equal(fs.exists(path), false);
});

test('read() decodes UTF-8 correctly when a character is split between reads', () => {
  const bytes = enc.encode('a€😀b');
  const server = serve((s) => {
    for (let i = 0; i < bytes.length; i++) {
      s.write(bytes.subarray(i, i + 1)); // one byte at a time
      Fiber.yield(); // most often read one by one
    }
  });
  const c = net.connect(server.address().port, '127.0.0.1');
  let text = '';
  for (let chunk; (chunk = c.read()) !== null;) {
    assert.ok(!chunk.includes('\ufffd'), `a broken character in ${JSON.stringify(chunk)}`);
    text += chunk;
  }
  assert.equal(text, 'a€😀b');
  c.close();
  server.close();
});

test('a character cut off by the end of the stream becomes U+FFFD', () => {
  const server = serve((s) => { s.write(new Uint8Array([0x61, 0xe2, 0x82])); });
  const c = net.connect(server.address().port, '127.0.0.1');
  let text = '';
  for (let chunk; (chunk = c.read()) !== null;) text += chunk;
  assert.equal(text, 'a\ufffd');
  c.close();
  server.close();
});

test('half-close: the peer reads the end and can still answer', () => {
  const server = serve((s) => {
    let got = '';
    for (let c; (c = s.read()) !== null;) got += c;
    s.write(`got ${got.length} chars`);
  });
  const c = net.connect(server.address().port, '127.0.0.1');
  c.write('x'.repeat(1000));
  c.end();
  assert.equal(c.read(), 'got 1000 chars');
  assert.throws(() => c.write('late'), { code: /EPIPE|ENOTCONN|ECONNRESET/ });
  c.close();
  server.close();
});

test('large writes: all bytes arrive, and a reader that does not read blocks the writer', () => {
  const total = 64 * 1024 * 1024;
  const reading = event();
  const server = serve((s) => {
    reading.wait();
    let n = 0;
    for (let c; (c = s.readBytes()) !== null;) n += c.length;
    s.write(String(n));
  });
  const c = net.connect(server.address().port, '127.0.0.1');
  const chunk = new Uint8Array(1024 * 1024).fill(7);
  const rss0 = process.memoryUsage().rss;
  const writer = Fiber.run(() => {
    for (let sent = 0; sent < total; sent += chunk.length) c.write(chunk);
    c.end();
  });
  assert.equal(writer.done, false, 'the writer waits once the socket buffers are full');
  reading.fire();
  writer.join();
  const grew = process.memoryUsage().rss - rss0;
  assert.equal(c.read(), String(total));
  if (process.env.COROJS_TEST_VARIANT !== 'asan') {
    assert.ok(grew < 32 * 1024 * 1024, `RSS grew ${grew} bytes while writing ${total}`);
  }
  c.close();
  server.close();
});

test('many fibers writing to one socket do not interleave their data', () => {
  const server = serve((s) => {
    let all = '';
    for (let c; (c = s.read()) !== null;) all += c;
    s.write(all);
  });
  const c = net.connect(server.address().port, '127.0.0.1');
  const blocks = ['a', 'b', 'c', 'd'].map((ch) => ch.repeat(300000));
  const writers = blocks.map((b) => Fiber.run(() => c.write(b)));
  writers.forEach((w) => w.join());
  c.end();
  let back = '';
  for (let chunk; (chunk = c.read()) !== null;) back += chunk;
  assert.equal(back.length, 1200000);
  for (const b of blocks) assert.ok(back.includes(b), `block ${b[0]} arrived in one piece`);
  c.close();
  server.close();
});

test('connection refused: ECONNREFUSED with syscall, address and port', () => {
  const server = serve(echo);
  const port = server.address().port;
  server.close();
  const e = assert.throws(() => net.connect(port, '127.0.0.1'),
    { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port });
  assert.match(e.message, /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
});

test('listen on a port in use: EADDRINUSE', () => {
  const server = serve(echo);
  const other = net.createServer(echo);
  assert.throws(() => other.listen(server.address().port, '127.0.0.1'),
    { code: 'EADDRINUSE', syscall: 'listen' });
  server.close();
});

test('bad ports and hosts: TypeError or RangeError', () => {
  assert.throws(() => net.connect(70000, '127.0.0.1'), { name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT' });
  assert.throws(() => net.connect(-1, '127.0.0.1'), { name: 'RangeError' });
  assert.throws(() => net.connect(1.5, '127.0.0.1'), { name: 'RangeError' });
  assert.throws(() => net.connect({}, '127.0.0.1'), { name: 'TypeError' });
  assert.throws(() => net.connect(80, 42), { name: 'TypeError', message: /"host"/ });
  assert.throws(() => net.createServer(echo).listen(99999), { name: 'RangeError' });
  assert.throws(() => net.createServer('nope'), { name: 'TypeError', message: /"handler"/ });
  assert.throws(() => net.connect(80, '999.1.1.1'), { code: /ENOTFOUND|ERR_UNKNOWN_BUILTIN_MODULE|EAI/ });
});

test('a closed socket: every call throws EBADF, close twice is harmless', () => {
  const server = serve(echo);
  const c = net.connect(server.address().port, '127.0.0.1');
  c.close();
  c.close();
  assert.equal(c.closed, true);
  assert.throws(() => c.write('x'), { code: 'EBADF' });
  assert.throws(() => c.read(), { code: 'EBADF' });
  assert.throws(() => c.readBytes(), { code: 'EBADF' });
  assert.throws(() => c.end(), { code: 'EBADF' });
  assert.throws(() => c.setTimeout(5), { code: 'EBADF' });
  server.close();
});

test('closing a socket wakes the fibers blocked on it with EBADF', () => {
  const done = event();
  const server = serve(() => done.wait());
  const c = net.connect(server.address().port, '127.0.0.1');
  const readers = [1, 2].map(() => Fiber.run(() => { try { c.read(); return 'no error'; } catch (e) { return e.code; } }));
  c.close();
  assert.deepEqual(readers.map((r) => r.join()), ['EBADF', 'EBADF']);
  done.fire();
  server.close();
});

test('setTimeout: a blocked read throws ETIMEDOUT, the socket stays usable', () => {
  const server = serve((s) => { s.read(); s.write('late'); s.read(); }); // answers after 'go'
  const c = net.connect(server.address().port, '127.0.0.1');
  c.setTimeout(20);
  assert.throws(() => c.read(), { code: 'ETIMEDOUT', syscall: 'read' });
  c.setTimeout(0);
  c.write('go');
  assert.equal(c.read(), 'late');
  c.close();
  server.close();
});

test('setTimeout: a write the peer never reads throws ETIMEDOUT and closes', () => {
  const gate = Promise.withResolvers();
  const server = serve(() => Fiber.await(gate.promise)); // never reads
  const c = net.connect(server.address().port, '127.0.0.1');
  c.setTimeout(50);
  const big = new Uint8Array(16 * 1024 * 1024); // more than the socket buffers hold
  assert.throws(() => c.write(big), { code: 'ETIMEDOUT', syscall: 'write' });
  assert.throws(() => c.write('x'), { code: 'EBADF' });
  c.close();
  gate.resolve();
  server.close();
});

test('the peer going away mid-write is an exception (no SIGPIPE)', () => {
  const failed = event();
  const server = serve((s) => {
    const big = new Uint8Array(1024 * 1024);
    try { for (;;) s.write(big); } catch (e) { failed.fire(e); }
  });
  const c = net.connect(server.address().port, '127.0.0.1');
  c.readBytes();
  c.close();
  const error = failed.wait();
  assert.ok(error, 'the writer got an error');
  assert.match(error.code, /^(EPIPE|ECONNRESET)$/);
  server.close();
});

test('a handler that throws: its connection closes, the server goes on', () => {
  const errors = [];
  const server = serve((s) => {
    const cmd = s.read();
    if (cmd === 'throw') throw new Error('handler failed');
    s.write('fine');
  }, { onError: (e) => errors.push(e.message) });
  const bad = net.connect(server.address().port, '127.0.0.1');
  bad.write('throw');
  assert.equal(bad.read(), null, 'closed by the server');
  bad.close();
  const good = net.connect(server.address().port, '127.0.0.1');
  good.write('hello');
  assert.equal(good.read(), 'fine');
  good.close();
  assert.deepEqual(errors, ['handler failed']);
  server.close();
});

test('2,000 idle connections do not hold up an active one', () => {
  const server = serve(echo);
  const port = server.address().port;
  const idle = [];
  for (let i = 0; i < 2000; i++) idle.push(net.connect(port, '127.0.0.1'));
  const c = net.connect(port, '127.0.0.1');
  for (let i = 0; i < 100; i++) {
    c.write(`ping ${i}`);
    assert.equal(c.read(), `ping ${i}`);
  }
  c.close();
  idle.forEach((s) => s.close());
  server.close();
});

test('iterating a socket yields what read() returns', () => {
  const server = serve((s) => { s.write('one'); Fiber.yield(); s.write('two'); });
  const c = net.connect(server.address().port, '127.0.0.1');
  assert.deepEqual([...c].join(''), 'onetwo');
  c.close();
  server.close();
});

test('connect with a timeout to a server that never answers: ETIMEDOUT', () => {
  // a listener with a backlog of one that never accepts: once its queue is
  // full the kernel drops further SYNs, so those connects hang
  const id = P.net.listen('127.0.0.1', 0, 1, 0);
  const port = P.net.serverAddress(id).port;
  const held = [];
  let error;
  for (let i = 0; i < 5 && !error; i++) {
    try { held.push(net.connect(port, '127.0.0.1', { timeout: 100 })); } catch (e) { error = e; }
  }
  assert.ok(error, 'a connect timed out');
  assert.equal(error.code, 'ETIMEDOUT');
  assert.equal(error.syscall, 'connect');
  held.forEach((s) => s.close());
  P.net.close(id);
});

test('a buffer being written cannot be transferred to an isolate until the write is done', () => {
  const gate = Promise.withResolvers(), allRead = event();
  let got = 0;
  const server = serve((s) => {
    Fiber.await(gate.promise); // read nothing at first: the write blocks
    for (let c; (c = s.readBytes()) !== null;) got += c.length;
    allRead.fire();
  });
  const c = net.connect(server.address().port, '127.0.0.1');
  const big = new Uint8Array(32 * 1024 * 1024).fill(1);
  const writer = Fiber.run(() => { c.write(big); c.end(); });
  assert.equal(writer.done, false, 'the write is blocked');
  assert.throws(() => Isolate.transfer(big.buffer), { code: 'ERR_BUFFER_IN_USE' });
  gate.resolve();
  writer.join();
  allRead.wait();
  assert.equal(got, big.length, 'every byte arrived');
  Isolate.transfer(big.buffer); // free to move now
  c.close();
  server.close();
});
