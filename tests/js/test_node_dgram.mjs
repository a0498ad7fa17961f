// flags: --expose-internals
// node:dgram: Node's own lib/dgram.js over internalBinding('udp_wrap')
// (lib/node/bindings/udp_wrap.js, src/prim/dgram.c), on loopback sockets the
// kernel numbers. Each test waits on the sockets' events, never on a clock.
import { test, assert, event } from './harness.mjs';
import { requireBuiltin } from 'corojs:internal/node/builtins';

const dgram = requireBuiltin('dgram');

// A socket bound to 127.0.0.1 (or ::1) on a port the kernel chooses.
function bound(type = 'udp4') {
  const s = dgram.createSocket(type);
  const up = event();
  s.bind(0, type === 'udp6' ? '::1' : '127.0.0.1', up.fire);
  up.wait();
  return s;
}

test('an echo over udp4: message with rinfo, send callbacks with the byte count', () => {
  const server = bound();
  server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address));
  const client = dgram.createSocket('udp4');
  const got = event(), sent = event();
  client.on('message', (msg, rinfo) => got.fire([String(msg), rinfo]));
  client.send(['hel', Buffer.from('lo')], server.address().port, '127.0.0.1', (err, n) => sent.fire([err, n]));
  assert.deepEqual(sent.wait(), [null, 5]);
  const [text, rinfo] = got.wait();
  assert.equal(text, 'hello');
  assert.deepEqual(rinfo, { address: '127.0.0.1', family: 'IPv4', port: server.address().port, size: 5 });
  client.close();
  server.close();
});

test('udp6, connect/disconnect, remoteAddress, datagrams in order', () => {
  const server = bound('udp6');
  const client = dgram.createSocket('udp6');
  const connected = event();
  client.connect(server.address().port, '::1', connected.fire);
  connected.wait();
  assert.equal(client.remoteAddress().port, server.address().port);
  const all = event();
  const seen = [];
  server.on('message', (msg) => { seen.push(String(msg)); if (seen.length === 100) all.fire(); });
  for (let i = 0; i < 100; i++) client.send(`${i}`);
  all.wait();
  assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => `${i}`));
  client.disconnect();
  assert.throws(() => client.remoteAddress(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
  assert.throws(() => client.disconnect(), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' });
  client.close();
  server.close();
});

test('options: TTL, broadcast, multicast, buffer sizes; ref and unref', () => {
  const s = bound();
  assert.equal(s.setTTL(64), 64);
  s.setBroadcast(true);
  s.setMulticastTTL(2);
  s.setMulticastLoopback(true);
  s.addMembership('224.0.0.114', '127.0.0.1');
  s.dropMembership('224.0.0.114', '127.0.0.1');
  assert.throws(() => s.dropMembership('224.0.0.114', '127.0.0.1'), { code: 'EADDRNOTAVAIL', syscall: 'dropMembership' });
  s.setRecvBufferSize(65536);
  assert.ok(s.getRecvBufferSize() >= 65536);
  assert.ok(s.getSendBufferSize() > 0);
  assert.equal(s.getSendQueueCount(), 0);
  assert.equal(s.unref(), s);
  assert.equal(s.ref(), s);
  s.close();
});

test('bad input: ERR_INVALID_ARG_TYPE, ERR_SOCKET_BAD_PORT, ERR_SOCKET_BAD_TYPE, and use after close', () => {
  assert.throws(() => dgram.createSocket('udp5'), { code: 'ERR_SOCKET_BAD_TYPE' });
  const s = dgram.createSocket('udp4');
  assert.throws(() => s.send(42, 1234, '127.0.0.1'), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  assert.throws(() => s.send('x', 70000, '127.0.0.1'), { code: 'ERR_SOCKET_BAD_PORT', name: 'RangeError' });
  assert.throws(() => s.send('x', 0, '127.0.0.1'), { code: 'ERR_SOCKET_BAD_PORT' });
  assert.throws(() => s.connect(70000, '127.0.0.1'), { code: 'ERR_SOCKET_BAD_PORT' });
  assert.throws(() => s.setTTL('x'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => s.setTTL(64), { code: 'EBADF', syscall: 'setTTL' }); // not bound yet
  assert.throws(() => s.addMembership(), { code: 'ERR_MISSING_ARGS' });
  s.close();
  assert.throws(() => s.send('x', 1234, '127.0.0.1'), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
  assert.throws(() => s.close(), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
});

test('a name that does not resolve (a custom lookup): the send callback gets its error', () => {
  const lookup = (host, family, cb) => {
    if (requireBuiltin('net').isIP(host)) return queueMicrotask(() => cb(null, host, family));
    const e = new Error(`getaddrinfo ENOTFOUND ${host}`);
    e.code = 'ENOTFOUND';
    queueMicrotask(() => cb(e));
  };
  const s = dgram.createSocket({ type: 'udp4', lookup });
  const done = event();
  s.send('x', 1234, 'nowhere.test', (err) => done.fire(err));
  assert.equal(done.wait()?.code, 'ENOTFOUND');
  s.close();
});

test('bind to an address in use: an error event with EADDRINUSE', () => {
  const a = bound();
  const b = dgram.createSocket('udp4');
  const failed = event();
  b.on('error', failed.fire);
  b.bind(a.address().port, '127.0.0.1');
  const err = failed.wait();
  assert.equal(err.code, 'EADDRINUSE');
  assert.equal(err.syscall, 'bind');
  b.close();
  a.close();
});
