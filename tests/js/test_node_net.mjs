// flags: --expose-internals
// node:net on fibers: Node's own lib/net.js over our tcp_wrap and pipe_wrap
// bindings (lib/node/bindings/connection_wrap.js, src/prim/net.c), with real
// sockets on loopback and Unix sockets in the test's directory. The faults
// and bad input of issue 11: refused connections, ports in use, a socket
// destroyed mid-pipe, a peer that vanishes, writes after end, wrong argument
// types, and a server taking 1000 connections from a client loop. Each test
// waits on the sockets' events, never on a clock.
import { test, assert, event, condition, tmpdir } from './harness.mjs';
import { requireBuiltin } from 'corojs:internal/node/builtins';
import { kStream } from 'corojs:internal/node/bindings/stream_wrap';
import P from 'corojs:internal/primordials';

const net = requireBuiltin('net');
const { Readable } = requireBuiltin('stream');
const cp = requireBuiltin('child_process');

// A listening server (handler for 'connection'), once it listens.
function listening(handler, options = {}, ...where) {
  const server = net.createServer(options, handler);
  const ready = event();
  server.listen(...(where.length ? where : [0, '127.0.0.1']), () => ready.fire());
  ready.wait();
  return server;
}

function closeServer(server) {
  const closed = event();
  server.close(() => closed.fire());
  closed.wait();
}

// What a socket went through until 'close': its events in order, its data.
function record(socket) {
  const done = event();
  const seen = { events: [], data: '', error: null };
  socket.setEncoding('utf8');
  socket.on('connect', () => seen.events.push('connect'));
  socket.on('data', (d) => (seen.data += d));
  socket.on('end', () => seen.events.push('end'));
  socket.on('error', (e) => {
    seen.events.push('error');
    seen.error = e;
  });
  socket.on('close', (hadError) => {
    seen.events.push(`close ${hadError}`);
    done.fire(seen);
  });
  return done;
}

test("echo: 'connect', data, 'end', 'close' in Node's order; addresses", () => {
  const server = listening((s) => s.pipe(s));
  const { address, family, port } = server.address();
  assert.equal(address, '127.0.0.1');
  assert.equal(family, 'IPv4');
  const client = net.connect(port, '127.0.0.1');
  const done = record(client);
  client.on('connect', () => {
    assert.equal(client.remotePort, port);
    assert.equal(client.remoteAddress, '127.0.0.1');
    assert.equal(client.localAddress, '127.0.0.1');
    client.end('hello');
  });
  const seen = done.wait();
  assert.deepEqual(seen.events, ['connect', 'end', 'close false']);
  assert.equal(seen.data, 'hello');
  assert.equal(client.bytesWritten, 5);
  assert.equal(client.bytesRead, 5);
  closeServer(server);
});

test('ECONNREFUSED: code, errno, syscall connect, address and port', () => {
  const server = listening(() => {});
  const { port } = server.address();
  closeServer(server);
  const seen = record(net.connect(port, '127.0.0.1')).wait();
  assert.deepEqual(seen.events, ['error', 'close true']);
  const e = seen.error;
  assert.equal(e.code, 'ECONNREFUSED');
  assert.equal(e.errno, -111);
  assert.equal(e.syscall, 'connect');
  assert.equal(e.address, '127.0.0.1');
  assert.equal(e.port, port);
  assert.equal(e.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
});

test("EADDRINUSE: the second server's 'error' with syscall listen, address, port", () => {
  const first = listening(() => {});
  const { port } = first.address();
  const second = net.createServer();
  const failed = event();
  second.on('error', (e) => failed.fire(e));
  second.listen(port, '127.0.0.1', () => failed.fire(null));
  const e = failed.wait();
  assert.equal(e.code, 'EADDRINUSE');
  assert.equal(e.syscall, 'listen');
  assert.equal(e.address, '127.0.0.1');
  assert.equal(e.port, port);
  assert.equal(second.listening, false);
  closeServer(first);
});

test('a socket destroyed mid-pipe: both ends close and their streams are freed', () => {
  const serverSide = event();
  // An endless source piped into the connection: the client's destroy must
  // stop it and close everything, whatever is in flight.
  const server = listening((s) => {
    const source = new Readable({ read() { this.push(Buffer.alloc(64 * 1024, 'x')); } });
    const done = record(s);
    source.pipe(s);
    serverSide.fire({ s, source, id: s._handle[kStream], done });
  });
  const client = net.connect(server.address().port, '127.0.0.1');
  const clientDone = record(client);
  let clientId;
  client.once('data', () => {
    clientId = client._handle[kStream];
    client.destroy();
  });
  const seen = clientDone.wait();
  assert.deepEqual(seen.events, ['connect', 'close false']);
  assert.equal(client.destroyed, true);
  const { s, source, id, done } = serverSide.wait();
  const serverSeen = done.wait();
  assert.equal(serverSeen.events.at(-1).startsWith('close'), true);
  assert.equal(s.destroyed, true);
  assert.equal(source.destroyed || source.readableFlowing === false || source.isPaused(), true,
    'the source stops when its destination goes');
  for (const stream of [clientId, id]) {
    assert.throws(() => P.stream.readBytes(stream), { code: 'EBADF' });
  }
  const count = event();
  server.getConnections((err, n) => count.fire(n));
  assert.equal(count.wait(), 0);
  closeServer(server);
});

test("a peer that vanishes: a killed client's connection ends on the server", () => {
  const gone = event();
  const server = listening((s) => {
    s.resume();
    record(s).promise.then((seen) => gone.fire(seen));
    s.write('hello');
  });
  const { port } = server.address();
  const script = `require('net').connect(${port}, '127.0.0.1').on('data', () => process.kill(process.pid, 'SIGKILL'))`;
  const child = cp.spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const exited = event();
  child.on('exit', (code, signal) => exited.fire(signal));
  assert.equal(exited.wait(), 'SIGKILL');
  const seen = gone.wait();
  assert.deepEqual(seen.events, ['end', 'close false'], 'the kernel ends a killed process\'s socket');
  closeServer(server);
});

test("a peer that resets: ECONNRESET on the other end, then 'close' with hadError", () => {
  const serverSide = event();
  const server = listening((s) => {
    const done = record(s);
    s.write('x', () => serverSide.fire(done));
  });
  const client = net.connect(server.address().port, '127.0.0.1');
  client.once('data', () => client.resetAndDestroy());
  record(client).wait();
  const seen = serverSide.wait().wait();
  assert.deepEqual(seen.events, ['error', 'close true']);
  assert.equal(seen.error.code, 'ECONNRESET');
  assert.equal(seen.error.syscall, 'read');
  closeServer(server);
});

test('a write after end: ERR_STREAM_WRITE_AFTER_END to its callback and as an error', () => {
  const server = listening((s) => s.resume());
  const client = net.connect(server.address().port, '127.0.0.1');
  const done = record(client);
  const cb = event();
  client.on('connect', () => {
    client.end('bye');
    client.write('more', (e) => cb.fire(e));
  });
  const e = cb.wait();
  assert.equal(e.code, 'ERR_STREAM_WRITE_AFTER_END');
  assert.equal(e.message, 'write after end');
  const seen = done.wait();
  assert.equal(seen.error.code, 'ERR_STREAM_WRITE_AFTER_END');
  closeServer(server);
});

test('allowHalfOpen: the server writes after the client has ended', () => {
  const server = listening((s) => {
    s.on('end', () => s.end('after your end'));
    s.resume();
  }, { allowHalfOpen: true });
  const client = net.connect(server.address().port, '127.0.0.1');
  client.on('connect', () => client.end());
  const seen = record(client).wait();
  assert.equal(seen.data, 'after your end');
  assert.deepEqual(seen.events, ['connect', 'end', 'close false']);
  closeServer(server);
});

test("setTimeout: an idle socket gets 'timeout' and stays open until destroyed", () => {
  const server = listening((s) => s.resume());
  const client = net.connect(server.address().port, '127.0.0.1');
  const timedOut = event();
  client.setTimeout(1, () => timedOut.fire(client.destroyed));
  assert.equal(timedOut.wait(), false);
  const done = record(client);
  client.destroy();
  assert.deepEqual(done.wait().events, ['close false']);
  closeServer(server);
});

test('wrong argument types and values: Node\'s codes, thrown at once', () => {
  assert.throws(() => net.connect({ port: 'nope' }), { code: 'ERR_SOCKET_BAD_PORT', name: 'RangeError' });
  assert.throws(() => net.connect({ port: 70000 }), { code: 'ERR_SOCKET_BAD_PORT' });
  assert.throws(() => net.connect({ host: 1, port: 80 }), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  assert.throws(() => net.createServer().listen({ port: -1 }), { code: 'ERR_SOCKET_BAD_PORT' });
  assert.throws(() => net.createServer().listen({}), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => net.createServer('x'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new net.Socket().setTimeout('1'), { code: 'ERR_INVALID_ARG_TYPE' });
  const server = listening((s) => s.resume());
  const client = net.connect(server.address().port, '127.0.0.1');
  const done = record(client);
  client.on('connect', () => {
    assert.throws(() => client.write(123), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
    assert.throws(() => client.write(null), { code: 'ERR_STREAM_NULL_VALUES' });
    assert.throws(() => client._handle.writeBuffer({}, 'text'), { code: 'ERR_INVALID_ARG_TYPE' });
    client.end();
  });
  assert.deepEqual(done.wait().events, ['connect', 'end', 'close false']);
  closeServer(server);
});

test('1000 connections from a client loop, all open at once, each echoed and closed', () => {
  const N = 1000;
  let accepted = 0;
  const server = listening((s) => {
    accepted++;
    s.pipe(s);
  });
  const { port } = server.address();
  const state = { closed: 0, ok: 0 };
  const changed = condition();
  for (let i = 0; i < N; i++) {
    const c = net.connect(port, '127.0.0.1', () => c.end(`${i}`));
    let got = '';
    c.setEncoding('utf8');
    c.on('data', (d) => (got += d));
    c.on('close', () => {
      state.closed++;
      if (got === `${i}`) state.ok++;
      changed.notify();
    });
  }
  changed.until(() => state.closed === N);
  assert.equal(state.ok, N);
  assert.equal(accepted, N);
  const count = event();
  server.getConnections((err, n) => count.fire(n));
  assert.equal(count.wait(), 0);
  closeServer(server);
});

test('IPC paths: a Unix-socket server and client; ENOENT for a missing path', () => {
  const path = `${tmpdir}/nnet-${process.pid}.sock`;
  const server = listening((s) => s.pipe(s), {}, path);
  assert.equal(server.address(), path);
  const client = net.connect(path);
  client.on('connect', () => client.end('over a pipe'));
  const seen = record(client).wait();
  assert.equal(seen.data, 'over a pipe');
  closeServer(server);
  const missing = record(net.connect(path)).wait();
  assert.equal(missing.error.code, 'ENOENT');
  assert.equal(missing.error.syscall, 'connect');
  assert.equal(missing.error.address, path);
});

test('an unref()ed server and a ref()ed one: hasRef follows', () => {
  const server = listening(() => {});
  server.unref();
  assert.equal(server._handle.hasRef(), false);
  server.ref();
  assert.equal(server._handle.hasRef(), true);
  closeServer(server);
});

test("writev's bytes: a corked socket's strings in their encodings and buffers, gathered in C as Buffer.from would make them", () => {
  const { Buffer } = requireBuiltin('buffer');
  const pieces = [
    ['héllo, wörld \u{1f600} \ud800 lone', 'utf8'], ['café', 'latin1'], ['ÿ binary', 'binary'], ['ascii', 'ascii'],
    ['çà', 'ucs2'], ['68656c6c6f', 'hex'], ['aGVsbG8=', 'base64'], ['aGk_', 'base64url'],
    [Buffer.from([0, 1, 2, 255]), 'buffer'], ['', 'utf8'], [new Uint8Array([7, 8]), 'buffer'],
  ];
  const expected = Buffer.concat(pieces.map(([c, e]) => (typeof c === 'string' ? Buffer.from(c, e) : c)));
  const flat = pieces.flat();
  assert.deepEqual([...P.buffer.gather(flat, false)], [...expected]);
  assert.deepEqual([...P.buffer.gather([Buffer.from('a'), new Uint8Array([98])], true)], [97, 98]);
  assert.equal(P.buffer.gather([], false).length, 0);
  assert.throws(() => P.buffer.gather('not a list', false), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => P.buffer.gather(['x', 'klingon'], false), { code: 'ERR_UNKNOWN_ENCODING' });
  assert.throws(() => P.buffer.gather([{}], true), { code: 'ERR_INVALID_ARG_TYPE' });

  // the same list through a socket: cork, write each piece, uncork (Node's
  // Writable hands them to the handle's writev at once)
  const received = event();
  const server = listening((s) => {
    const got = [];
    s.on('data', (d) => got.push(d));
    s.on('end', () => {
      received.fire(Buffer.concat(got));
      s.end();
    });
  });
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    client.cork();
    for (const [c, e] of pieces) client.write(c, e === 'buffer' ? undefined : e);
    client.uncork();
    client.end();
  });
  assert.deepEqual([...received.wait()], [...expected]);
  assert.equal(client.bytesWritten, expected.length);
  closeServer(server);
});
