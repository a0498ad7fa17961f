// flags: --expose-internals
// with: tests/dns/run-with-dns.sh
// node:dns and dns/promises (Node's own dns.js and internal/dns/*) over our
// cares_wrap binding (lib/node/bindings/cares_wrap.js, src/prim/dns.c),
// against a real DNS server: dnsmasq on loopback serving tests/dns/zone.conf
// at DNS_SERVER. lookup and lookupService ask the machine (getaddrinfo,
// getnameinfo: /etc/hosts for localhost).
import { test, assert, event } from './harness.mjs';
import { requireBuiltin } from 'corojs:internal/node/builtins';

const dns = requireBuiltin('dns');
const dnsPromises = requireBuiltin('dns/promises');

const server = process.env.DNS_SERVER;
if (!server) throw new Error('run this test under tests/dns/run-with-dns.sh');
dns.setServers([server]);
dnsPromises.setServers([server]);

// A callback API's (err, ...results) as a value.
function call(fn, ...args) {
  const done = event();
  fn(...args, (err, ...results) => done.fire({ err, results }));
  return done.wait();
}
const ok = (fn, ...args) => {
  const { err, results } = call(fn, ...args);
  if (err) throw err;
  return results[0];
};
const awaited = (promise) => Fiber.await(promise);
const sorted = (list, key) => [...list].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));

test('getServers: what setServers set', () => {
  assert.deepEqual(dns.getServers(), [server]);
  const r = new dns.Resolver();
  r.setServers(['127.0.0.1', '[::1]:5353', '127.0.0.2:53']);
  assert.deepEqual(r.getServers(), ['127.0.0.1', '[::1]:5353', '127.0.0.2']);
});

test('resolve4/resolve6, with ttl; resolve() with A the default', () => {
  assert.deepEqual(ok(dns.resolve4, 'example.test'), ['192.0.2.1']);
  assert.deepEqual(ok(dns.resolve6, 'example.test'), ['2001:db8::1']);
  assert.deepEqual(ok(dns.resolve4, 'example.test', { ttl: true }), [{ address: '192.0.2.1', ttl: 300 }]);
  assert.deepEqual(ok(dns.resolve, 'multi.example.test').sort(), ['192.0.2.10', '192.0.2.11']);
  assert.deepEqual(ok(dns.resolve, 'example.test', 'AAAA'), ['2001:db8::1']);
});

test('MX, TXT, SRV, NS, SOA, CNAME, CAA, NAPTR in Node\'s shapes', () => {
  assert.deepEqual(sorted(ok(dns.resolveMx, 'example.test'), 'priority'), [
    { exchange: 'mail.example.test', priority: 10 },
    { exchange: 'mail2.example.test', priority: 20 },
  ]);
  assert.deepEqual(ok(dns.resolveTxt, 'example.test').sort((a, b) => a.length - b.length),
    [['hello world'], ['v=spf1', ' -all']]);
  assert.deepEqual(sorted(ok(dns.resolveSrv, '_sip._tcp.example.test'), 'port'), [
    { name: 'sip.example.test', port: 5060, priority: 10, weight: 60 },
    { name: 'sip2.example.test', port: 5061, priority: 20, weight: 0 },
  ]);
  assert.deepEqual(ok(dns.resolveNs, 'example.test'), ['ns1.example.test']);
  assert.deepEqual(ok(dns.resolveSoa, 'example.test'), {
    nsname: 'ns1.example.test', hostmaster: 'hostmaster.example.test', serial: 2024010101,
    refresh: 3600, retry: 600, expire: 86400, minttl: 300,
  });
  assert.deepEqual(ok(dns.resolveCname, 'www.example.test'), ['example.test']);
  assert.deepEqual(sorted(ok(dns.resolveCaa, 'example.test'), 'critical'), [
    { critical: 0, issue: 'ca.example.net' },
    { critical: 128, iodef: 'mailto:security@example.test' },
  ]);
  assert.equal(ok(dns.resolveNaptr, 'example.test').length, 2);
});

test('reverse and resolvePtr', () => {
  assert.deepEqual(ok(dns.reverse, '192.0.2.25'), ['mail.example.test']);
  assert.deepEqual(ok(dns.reverse, '2001:db8::1'), ['example.test']);
  assert.deepEqual(ok(dns.resolvePtr, '7.2.0.192.in-addr.arpa'), ['seven.example.test']);
  assert.throws(() => dns.reverse('not-an-ip', () => {}), { code: 'EINVAL', syscall: 'getHostByAddr' });
});

test('resolveAny: every type, each with its type', () => {
  const any = ok(dns.resolveAny, 'example.test');
  const types = new Set(any.map((r) => r.type));
  for (const t of ['A', 'AAAA', 'MX', 'NS', 'TXT', 'SOA', 'CAA', 'NAPTR']) assert.ok(types.has(t), `has ${t}`);
  assert.deepEqual(any.find((r) => r.type === 'A'), { address: '192.0.2.1', ttl: 300, type: 'A' });
  assert.deepEqual(any.filter((r) => r.type === 'TXT').map((r) => r.entries.length).sort(), [1, 2]);
});

test('a name that does not exist: ENOTFOUND with syscall and hostname', () => {
  const { err } = call(dns.resolve4, 'nope.example.test');
  assert.equal(err.code, 'ENOTFOUND');
  assert.equal(err.syscall, 'queryA');
  assert.equal(err.hostname, 'nope.example.test');
  assert.equal(err.message, 'queryA ENOTFOUND nope.example.test');
  const nodata = call(dns.resolve6, 'seven.example.test').err;
  assert.equal(nodata.code, 'ENODATA');
  assert.equal(nodata.syscall, 'queryAaaa');
});

test('dns/promises: resolve*, reverse, lookup; failures reject with the same errors', () => {
  assert.deepEqual(awaited(dnsPromises.resolve4('example.test')), ['192.0.2.1']);
  assert.deepEqual(awaited(dnsPromises.resolve('example.test', 'NS')), ['ns1.example.test']);
  assert.deepEqual(awaited(dnsPromises.reverse('192.0.2.25')), ['mail.example.test']);
  assert.deepEqual(awaited(dnsPromises.lookup('127.0.0.1')), { address: '127.0.0.1', family: 4 });
  const e = assert.throws(() => awaited(dnsPromises.resolveMx('nope.example.test')), { code: 'ENOTFOUND' });
  assert.equal(e.syscall, 'queryMx');
  assert.equal(dns.promises, dnsPromises);
});

test('lookup: localhost from /etc/hosts, family, all, verbatim and order, IP literals', () => {
  const { err, results } = call(dns.lookup, 'localhost');
  assert.equal(err, null);
  assert.ok(['127.0.0.1', '::1'].includes(results[0]));
  assert.deepEqual(ok(dns.lookup, 'localhost', { family: 4, all: true }), [{ address: '127.0.0.1', family: 4 }]);
  assert.deepEqual(call(dns.lookup, '::1').results, ['::1', 6]);
  assert.deepEqual(call(dns.lookup, '192.0.2.1', { family: 4 }).results, ['192.0.2.1', 4]);
  const all = ok(dns.lookup, 'localhost', { all: true, order: 'ipv4first' });
  assert.equal(all[0].family, 4);
  const missing = call(dns.lookup, 'no-such-host.invalid').err;
  assert.equal(missing.code, 'ENOTFOUND');
  assert.equal(missing.syscall, 'getaddrinfo');
  assert.equal(missing.hostname, 'no-such-host.invalid');
});

test('lookupService: getnameinfo of a loopback address and port', () => {
  const { err, results } = call(dns.lookupService, '127.0.0.1', 22);
  assert.equal(err, null);
  assert.equal(results[0], 'localhost');
  assert.equal(results[1], 'ssh');
  assert.deepEqual(awaited(dnsPromises.lookupService('127.0.0.1', 80)), { hostname: 'localhost', service: 'http' });
});

test('cancel: pending queries end with ECANCELLED', () => {
  const r = new dns.Resolver();
  r.setServers([server]);
  const done = event();
  r.resolve4('example.test', (err) => done.fire(err));
  r.cancel();
  const err = done.wait();
  assert.equal(err.code, 'ECANCELLED');
  assert.equal(err.syscall, 'queryA');
});

test('setServers while queries are pending: ERR_DNS_SET_SERVERS_FAILED', () => {
  const r = new dns.Resolver();
  r.setServers([server]);
  const done = event();
  r.resolve4('example.test', () => done.fire());
  assert.throws(() => r.setServers(['127.0.0.1']), {
    code: 'ERR_DNS_SET_SERVERS_FAILED', message: /There are pending queries/,
  });
  done.wait();
});

test('wrong argument types and values: Node\'s codes, thrown at once', () => {
  assert.throws(() => dns.lookup(1, () => {}), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  assert.throws(() => dns.lookup('localhost', { family: 5 }, () => {}), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => dns.lookup('localhost', { hints: -1 }, () => {}), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => dns.lookup('localhost'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => dns.resolve4(1, () => {}), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => dns.resolve('example.test', 'BOGUS', () => {}), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => dns.lookupService('nope', 80, () => {}), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => dns.lookupService('127.0.0.1', 70000, () => {}), { code: 'ERR_SOCKET_BAD_PORT' });
  assert.throws(() => dns.setServers(['not an ip']), { code: 'ERR_INVALID_IP_ADDRESS' });
  assert.throws(() => dns.setServers('127.0.0.1'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new dns.Resolver({ timeout: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new dns.Resolver().setLocalAddress('bad'), { code: 'ERR_INVALID_IP_ADDRESS' });
  assert.throws(() => dnsPromises.setDefaultResultOrder('sideways'), { code: 'ERR_INVALID_ARG_VALUE' });
});
