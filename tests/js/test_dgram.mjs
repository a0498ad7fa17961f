// flags: --expose-gc
// corojs:dgram: UDP sockets on loopback.
import { test, assert, condition } from './harness.mjs';
import dgramModule, { createSocket, Socket } from 'corojs:dgram';

const enc = new TextEncoder();
const dec = new TextDecoder();

// An echo server on its own fiber: answers `count` datagrams, then closes.
function echoServer(type, host, count = 1) {
  const sock = createSocket(type).bind(0, host);
  const fiber = Fiber.run(() => {
    for (let i = 0; i < count; i++) {
      const { data, address, port } = sock.recv();
      sock.send(data, port, address);
    }
    sock.close();
  });
  return { port: sock.address().port, fiber };
}

test('dgram is a global and the corojs:dgram default export', () => {
  assert.equal(dgram, dgramModule);
  assert.equal(dgram.createSocket, createSocket);
  const s = createSocket('udp4');
  assert.ok(s instanceof Socket);
  assert.equal(s.type, 'udp4');
  s.close();
});

test('echo between two sockets on 127.0.0.1', () => {
  const server = echoServer('udp4', '127.0.0.1');
  const client = createSocket('udp4').bind(0, '127.0.0.1');
  client.send('hello', server.port, '127.0.0.1');
  const reply = client.recv();
  assert.equal(dec.decode(reply.data), 'hello');
  assert.ok(reply.data instanceof Uint8Array);
  assert.equal(reply.address, '127.0.0.1');
  assert.equal(reply.family, 'IPv4');
  assert.equal(reply.port, server.port);
  server.fiber.join();
  client.close();
});

test('echo between two sockets on ::1', () => {
  const server = echoServer('udp6', '::1');
  const client = createSocket('udp6').bind(0, '::1');
  assert.deepEqual(client.address(), { address: '::1', family: 'IPv6', port: client.address().port });
  client.send(enc.encode('over six'), server.port, '::1');
  const reply = client.recv();
  assert.equal(dec.decode(reply.data), 'over six');
  assert.deepEqual([reply.address, reply.family, reply.port], ['::1', 'IPv6', server.port]);
  server.fiber.join();
  client.close();
});

test('bind defaults: port 0 on every address; address() tells the port', () => {
  const s = createSocket('udp4').bind();
  const a = s.address();
  assert.equal(a.address, '0.0.0.0');
  assert.equal(a.family, 'IPv4');
  assert.ok(a.port > 0);
  const six = createSocket('udp6').bind();
  assert.equal(six.address().address, '::');
  const c = createSocket('udp4');
  c.send('to any', a.port); // the default destination is localhost
  assert.equal(dec.decode(s.recv().data), 'to any');
  s.close();
  six.close();
  c.close();
});

test('data as String, Uint8Array, ArrayBuffer, a view with an offset, and empty', () => {
  const server = createSocket('udp4').bind(0, '127.0.0.1');
  const { port } = server.address();
  const c = createSocket('udp4');
  const bytes = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
  c.send('héllo', port, '127.0.0.1');
  c.send(bytes, port, '127.0.0.1');
  c.send(bytes.buffer, port, '127.0.0.1');
  c.send(bytes.subarray(2, 5), port, '127.0.0.1');
  c.send(new DataView(bytes.buffer, 6), port, '127.0.0.1');
  c.send('', port, '127.0.0.1');
  assert.deepEqual(server.recv().data, enc.encode('héllo'));
  assert.deepEqual(server.recv().data, bytes);
  assert.deepEqual(server.recv().data, bytes);
  assert.deepEqual(server.recv().data, new Uint8Array([2, 3, 4]));
  assert.deepEqual(server.recv().data, new Uint8Array([6, 7]));
  assert.deepEqual(server.recv().data, new Uint8Array(0), 'an empty datagram');
  server.close();
  c.close();
});

test('a 60 KB datagram arrives whole', () => {
  const server = echoServer('udp4', '127.0.0.1');
  const client = createSocket('udp4').bind(0, '127.0.0.1');
  const big = new Uint8Array(60000).map((_, i) => (i * 7) & 255);
  client.send(big, server.port, '127.0.0.1');
  const reply = client.recv();
  assert.equal(reply.data.length, 60000);
  assert.deepEqual(reply.data, big);
  server.fiber.join();
  client.close();
});

test('too large a datagram: EMSGSIZE', () => {
  const c = createSocket('udp4');
  const e = assert.throws(() => c.send(new Uint8Array(70000), 9, '127.0.0.1'),
    { code: 'EMSGSIZE', syscall: 'send', address: '127.0.0.1', port: 9 });
  assert.equal(e.message, 'send EMSGSIZE 127.0.0.1:9');
  c.close();
});

test('many datagrams, in order', () => {
  const server = createSocket('udp4').bind(0, '127.0.0.1');
  const { port } = server.address();
  const client = createSocket('udp4');
  const got = [];
  const changed = condition();
  const reader = Fiber.run(() => {
    try {
      for (let i = 0; i < 2000; i++) {
        got.push(Number(dec.decode(server.recv().data)));
        changed.notify();
      }
    } catch (e) {
      if (e.code !== 'EBADF') throw e;
    }
  });
  // In bursts the kernel's receive buffer holds; the next burst waits until
  // the reader has caught up.
  for (let i = 0; i < 2000; i++) {
    client.send(String(i), port, '127.0.0.1');
    if (i % 50 === 49) changed.until(() => got.length > i);
  }
  server.close();
  reader.join();
  assert.equal(got.length, 2000);
  assert.ok(got.every((v, i) => v === i), 'in the order sent');
  client.close();
});

test('send to a name: localhost is looked up', () => {
  const server = echoServer('udp4', '127.0.0.1');
  const client = createSocket('udp4');
  client.send('by name', server.port, 'localhost');
  assert.equal(dec.decode(client.recv().data), 'by name');
  server.fiber.join();
  client.close();
});

test('two fibers receiving on one socket are served in order', () => {
  const server = createSocket('udp4').bind(0, '127.0.0.1');
  const { port } = server.address();
  const order = [];
  const readers = ['first', 'second', 'third'].map((name) => Fiber.run(() => {
    const text = dec.decode(server.recv().data);
    order.push(name);
    return text;
  }));
  const c = createSocket('udp4');
  for (const text of ['a', 'b', 'c']) c.send(text, port, '127.0.0.1');
  assert.deepEqual(readers.map((f) => f.join()), ['a', 'b', 'c']);
  assert.deepEqual(order, ['first', 'second', 'third']);
  server.close();
  c.close();
});

test('recv blocks only its fiber', () => {
  const s = createSocket('udp4').bind(0, '127.0.0.1');
  const { port } = s.address();
  let ticks = 0;
  const reader = Fiber.run(() => dec.decode(s.recv().data));
  for (let i = 0; i < 3; i++) { Fiber.sleep(5); ticks++; }
  assert.equal(ticks, 3);
  assert.equal(reader.done, false, 'still waiting');
  createSocket('udp4').send('late', port, '127.0.0.1');
  assert.equal(reader.join(), 'late');
  s.close();
});

test('close() while another fiber is blocked in recv(): it throws EBADF', () => {
  const s = createSocket('udp4').bind(0, '127.0.0.1');
  const readers = [1, 2].map(() => Fiber.run(() => {
    try { s.recv(); return 'received'; } catch (e) { return e.code; }
  })); // both are blocked in recv() when Fiber.run returns
  s.close();
  assert.deepEqual(readers.map((f) => f.join()), ['EBADF', 'EBADF']);
});

test('a closed socket: every call throws EBADF', () => {
  const s = createSocket('udp4').bind(0, '127.0.0.1');
  s.close();
  assert.throws(() => s.recv(), { code: 'EBADF' });
  assert.throws(() => s.send('x', 9, '127.0.0.1'), { code: 'EBADF' });
  assert.throws(() => s.bind(0, '127.0.0.1'), { code: 'EBADF' });
  assert.throws(() => s.address(), { code: 'EBADF' });
  assert.throws(() => s.connect(9, '127.0.0.1'), { code: 'EBADF' });
  assert.throws(() => s.setBroadcast(true), { code: 'EBADF' });
  assert.throws(() => s.close(), { code: 'EBADF' });
});

test('connect: send without an address, remoteAddress', () => {
  const server = echoServer('udp4', '127.0.0.1');
  const c = createSocket('udp4');
  c.connect(server.port, '127.0.0.1');
  assert.deepEqual(c.remoteAddress(), { address: '127.0.0.1', family: 'IPv4', port: server.port });
  c.send('connected');
  assert.equal(dec.decode(c.recv().data), 'connected');
  server.fiber.join();
  c.close();
  const d = createSocket('udp4');
  assert.throws(() => d.send('nowhere'), { code: 'EDESTADDRREQ', syscall: 'send' });
  assert.throws(() => d.remoteAddress(), { code: 'ENOTCONN' });
  d.close();
});

test('a connected socket learns that nobody listens: ECONNREFUSED', () => {
  const gone = createSocket('udp4').bind(0, '127.0.0.1');
  const { port } = gone.address();
  gone.close();
  const c = createSocket('udp4');
  c.connect(port, '127.0.0.1');
  c.send('anyone?');
  assert.throws(() => c.recv(), { code: 'ECONNREFUSED', syscall: 'recvmsg' });
  c.close();
});

test('bind errors: EADDRINUSE, with address and port; reuseAddr shares a port', () => {
  const a = createSocket('udp4').bind(0, '127.0.0.1');
  const { port } = a.address();
  const b = createSocket('udp4');
  const e = assert.throws(() => b.bind(port, '127.0.0.1'),
    { code: 'EADDRINUSE', syscall: 'bind', address: '127.0.0.1', port });
  assert.equal(e.message, `bind EADDRINUSE 127.0.0.1:${port}`);
  b.close();
  a.close();
  const r1 = createSocket({ type: 'udp4', reuseAddr: true }).bind(0, '127.0.0.1');
  const r2 = createSocket({ type: 'udp4', reuseAddr: true }).bind(r1.address().port, '127.0.0.1');
  assert.equal(r2.address().port, r1.address().port);
  r1.close();
  r2.close();
});

test('setBroadcast', () => {
  const s = createSocket('udp4').bind(0, '127.0.0.1');
  s.setBroadcast(true);
  s.setBroadcast(false);
  s.close();
});

test('bad socket type: TypeError ERR_SOCKET_BAD_TYPE', () => {
  for (const bad of ['tcp', 'udp', undefined, 4, {}, { type: 'udp5' }]) {
    assert.throws(() => createSocket(bad), { name: 'TypeError', code: 'ERR_SOCKET_BAD_TYPE' });
  }
  assert.equal(createSocket({ type: 'udp6' }).type, 'udp6');
});

test('bad ports: RangeError ERR_SOCKET_BAD_PORT', () => {
  const s = createSocket('udp4');
  for (const bad of [-1, 65536, 1.5, NaN, 'abc', '', null, {}, true]) {
    assert.throws(() => s.bind(bad, '127.0.0.1'), { name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT' });
  }
  for (const bad of [0, -1, 65536, 'x', undefined]) {
    assert.throws(() => s.send('x', bad, '127.0.0.1'), { name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT' });
  }
  assert.throws(() => s.connect(0, '127.0.0.1'), { name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT' });
  s.bind('0', '127.0.0.1'); // a numeric string is a port, as in Node
  s.close();
});

test('bad hosts and data: TypeError', () => {
  const s = createSocket('udp4');
  assert.throws(() => s.send('x', 9, 42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"address"/ });
  assert.throws(() => s.send('x', 9, ''), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => s.bind(0, {}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  for (const bad of [42, null, {}, [1, 2], undefined]) {
    assert.throws(() => s.send(bad, 9, '127.0.0.1'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"data"/ });
  }
  s.close();
});

test('a socket dropped without close() is closed by the GC', () => {
  let port;
  (() => {
    const s = createSocket('udp4').bind(0, '127.0.0.1');
    port = s.address().port;
  })();
  gc();
  Fiber.yield(); // let the FinalizationRegistry run
  const again = createSocket('udp4').bind(port, '127.0.0.1'); // the port is free again
  again.close();
});
