// flags: --expose-gc
// with: tests/dns/run-with-dns.sh
// corojs:dns against a real DNS server: dnsmasq on loopback, serving the zone
// of tests/dns/zone.conf at DNS_SERVER (see tests/dns/run-with-dns.sh).
import { test, assert, condition } from './harness.mjs';
import dnsModule, { Resolver, lookup, resolve, resolveMx } from 'corojs:dns';
import { createSocket } from 'corojs:dgram';

const fixtures = `${import.meta.dirname}/fixtures/isolate/`;

const server = process.env.DNS_SERVER;
if (!server) throw new Error('run this test under tests/dns/run-with-dns.sh');
// Never ask the machine's own resolver (resolv.conf): only the test server.
dns.setServers([server]);

const byKey = (key) => (a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0);

// A UDP port that swallows queries: a socket of this test whose fiber reads
// and ignores them. close() ends it.
function silentServer() {
  const sock = createSocket('udp4').bind(0, '127.0.0.1');
  const seen = { count: 0 };
  const changed = condition();
  const reader = Fiber.run(() => {
    try {
      for (;;) {
        sock.recv();
        seen.count++;
        changed.notify();
      }
    } catch (e) {
      if (e.code !== 'EBADF') throw e;
    }
  });
  return {
    address: `127.0.0.1:${sock.address().port}`,
    seen,
    until(n) { changed.until(() => seen.count >= n); }, // n queries have come
    close() { sock.close(); reader.join(); },
  };
}

// A UDP port nobody listens on: bound, then closed.
function closedPort() {
  const sock = createSocket('udp4').bind(0, '127.0.0.1');
  const { port } = sock.address();
  sock.close();
  return `127.0.0.1:${port}`;
}

test('dns is a global and the corojs:dns default export', () => {
  assert.equal(dns, dnsModule);
  assert.equal(dns.resolve, resolve);
  assert.equal(dns.lookup, lookup);
  assert.equal(dns.Resolver, Resolver);
});

test('setServers and getServers', () => {
  assert.deepEqual(dns.getServers(), [server]);
  const r = new Resolver();
  r.setServers(['127.0.0.1', '127.0.0.2:5353', '::1', '[::1]:5353', '[::2]', '127.0.0.3:53']);
  assert.deepEqual(r.getServers(), ['127.0.0.1', '127.0.0.2:5353', '::1', '[::1]:5353', '::2', '127.0.0.3']);
  r.setServers([]);
  assert.deepEqual(r.getServers(), []);
});

test('A and AAAA', () => {
  assert.deepEqual(dns.resolve('example.test'), { A: ['192.0.2.1'] }, 'A is the default');
  assert.deepEqual(dns.resolve('example.test', 'A'), { A: ['192.0.2.1'] });
  assert.deepEqual(dns.resolve('example.test', 'AAAA'), { AAAA: ['2001:db8::1'] });
  assert.deepEqual(dns.resolve('multi.example.test', 'A').A.sort(), ['192.0.2.10', '192.0.2.11']);
  assert.deepEqual(dns.resolve4('example.test'), ['192.0.2.1']);
  assert.deepEqual(dns.resolve6('example.test'), ['2001:db8::1']);
  assert.deepEqual(dns.resolve4('example.test', { ttl: true }), [{ address: '192.0.2.1', ttl: 300 }]);
  assert.deepEqual(dns.resolve6('example.test', { ttl: true }), [{ address: '2001:db8::1', ttl: 300 }]);
});

test('MX', () => {
  assert.deepEqual(dns.resolve('example.test', 'MX').MX.sort(byKey('priority')), [
    { exchange: 'mail.example.test', priority: 10 },
    { exchange: 'mail2.example.test', priority: 20 },
  ]);
  assert.equal(resolveMx('example.test').length, 2);
});

test('TXT: one array of chunks per record', () => {
  const { TXT } = dns.resolve('example.test', 'TXT');
  assert.deepEqual(TXT.sort((a, b) => a.length - b.length), [['hello world'], ['v=spf1', ' -all']]);
  assert.equal(dns.resolveTxt('example.test').length, 2);
});

test('SRV', () => {
  assert.deepEqual(dns.resolve('_sip._tcp.example.test', 'SRV').SRV.sort(byKey('port')), [
    { name: 'sip.example.test', port: 5060, priority: 10, weight: 60 },
    { name: 'sip2.example.test', port: 5061, priority: 20, weight: 0 },
  ]);
  assert.equal(dns.resolveSrv('_sip._tcp.example.test').length, 2);
});

test('NS and SOA', () => {
  assert.deepEqual(dns.resolve('example.test', 'NS'), { NS: ['ns1.example.test'] });
  assert.deepEqual(dns.resolveNs('example.test'), ['ns1.example.test']);
  assert.deepEqual(dns.resolve('example.test', 'SOA'), {
    SOA: {
      nsname: 'ns1.example.test',
      hostmaster: 'hostmaster.example.test',
      serial: 2024010101,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minttl: 300,
    },
  });
  assert.equal(dns.resolveSoa('example.test').serial, 2024010101);
});

test('CNAME', () => {
  assert.deepEqual(dns.resolve('www.example.test', 'CNAME'), { CNAME: ['example.test'] });
  assert.deepEqual(dns.resolveCname('www.example.test'), ['example.test']);
  assert.deepEqual(dns.resolve4('www.example.test'), ['192.0.2.1'], 'A follows the CNAME');
});

test('PTR and reverse', () => {
  assert.deepEqual(dns.resolve('7.2.0.192.in-addr.arpa', 'PTR'), { PTR: ['seven.example.test'] });
  assert.deepEqual(dns.resolvePtr('1.2.0.192.in-addr.arpa'), ['example.test']);
  assert.deepEqual(dns.reverse('192.0.2.25'), ['mail.example.test']);
  assert.deepEqual(dns.reverse('2001:db8::1'), ['example.test']);
  const e = assert.throws(() => dns.reverse('192.0.2.99'), { code: 'ENOTFOUND', syscall: 'getHostByAddr' });
  assert.equal(e.hostname, '192.0.2.99');
  assert.equal(e.message, 'getHostByAddr ENOTFOUND 192.0.2.99');
});

test('CAA', () => {
  assert.deepEqual(dns.resolve('example.test', 'CAA').CAA.sort(byKey('critical')), [
    { critical: 0, issue: 'ca.example.net' },
    { critical: 128, iodef: 'mailto:security@example.test' },
  ]);
  assert.equal(dns.resolveCaa('example.test').length, 2);
});

test('NAPTR', () => {
  assert.deepEqual(dns.resolve('example.test', 'NAPTR').NAPTR.sort(byKey('order')), [
    { flags: 'S', service: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.test', order: 100, preference: 10 },
    { flags: 'U', service: 'E2U+sip', regexp: '!^.*$!sip:info@example.test!', replacement: '', order: 200, preference: 20 },
  ]);
  assert.equal(dns.resolveNaptr('example.test').length, 2);
});

test('a missing name: ENOTFOUND; a name without that type: ENODATA', () => {
  let e = assert.throws(() => dns.resolve('nothere.example.test', 'MX'),
    { name: 'Error', code: 'ENOTFOUND', syscall: 'queryMx', hostname: 'nothere.example.test' });
  assert.equal(e.message, 'queryMx ENOTFOUND nothere.example.test');
  e = assert.throws(() => dns.resolve('mail.example.test', 'MX'),
    { code: 'ENODATA', syscall: 'queryMx', hostname: 'mail.example.test' });
  assert.equal(e.message, 'queryMx ENODATA mail.example.test');
  assert.throws(() => dns.resolve4('v6only.example.test'), { code: 'ENODATA', syscall: 'queryA' });
  assert.throws(() => dns.resolve6('mail.example.test'), { code: 'ENODATA', syscall: 'queryAaaa' });
  assert.throws(() => dns.resolveTxt('nothere.example.test'), { code: 'ENOTFOUND', syscall: 'queryTxt' });
});

test('a server that refuses to answer: EREFUSED', () => {
  // the test server answers only for its own zone, and forwards nothing
  const e = assert.throws(() => dns.resolve4('example.org'),
    { code: 'EREFUSED', syscall: 'queryA', hostname: 'example.org' });
  assert.equal(e.message, 'queryA EREFUSED example.org');
});

test('a name c-ares refuses fails at once: EBADNAME', () => {
  assert.throws(() => dns.resolve4(`${'a'.repeat(64)}.example.test`), { code: 'EBADNAME', syscall: 'queryA' });
});

test('a server that never answers: ETIMEOUT, while other fibers run', () => {
  const silent = silentServer();
  const r = new Resolver({ timeout: 150, tries: 2 });
  r.setServers([silent.address]);
  const query = Fiber.run(() => assert.throws(() => r.resolve('example.test', 'A'),
    { code: 'ETIMEOUT', syscall: 'queryA', hostname: 'example.test' }));
  silent.until(1); // this fiber runs while the query waits
  assert.equal(query.done, false);
  assert.equal(query.join().message, 'queryA ETIMEOUT example.test');
  silent.until(2);
  assert.equal(silent.seen.count, 2, 'one query per try');
  silent.close();
});

test('a closed port: ECONNREFUSED', () => {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([closedPort()]);
  assert.throws(() => r.resolve('example.test', 'MX'),
    { code: 'ECONNREFUSED', syscall: 'queryMx', hostname: 'example.test' });
});

test('no server at all: ESERVFAIL', () => {
  const r = new Resolver();
  r.setServers([]);
  assert.throws(() => r.resolve4('example.test'), { code: 'ESERVFAIL' });
});

test('a second server answers when the first never does', () => {
  const silent = silentServer();
  const r = new Resolver({ timeout: 100, tries: 2 });
  r.setServers([silent.address, server]);
  assert.deepEqual(r.resolve4('example.test'), ['192.0.2.1']);
  silent.close();
});

test('cancel: pending queries fail with ECANCELLED', () => {
  const silent = silentServer();
  const r = new Resolver({ timeout: 5000, tries: 1 });
  r.setServers([silent.address]);
  const waiters = [1, 2, 3].map(() => Fiber.run(() => {
    try { r.resolve4('example.test'); return 'answered'; } catch (e) { return e.code; }
  }));
  assert.throws(() => r.setServers([server]), { code: 'ERR_DNS_SET_SERVERS_FAILED' });
  r.cancel();
  assert.deepEqual(waiters.map((f) => f.join()), ['ECANCELLED', 'ECANCELLED', 'ECANCELLED']);
  r.setServers([server]);
  assert.deepEqual(r.resolve4('example.test'), ['192.0.2.1'], 'usable after cancel');
  silent.close();
});

test('many concurrent resolves from many fibers', () => {
  const types = ['A', 'AAAA', 'MX', 'TXT', 'NS', 'SOA', 'CAA', 'NAPTR'];
  const fibers = [];
  for (let i = 0; i < 200; i++) {
    const type = types[i % types.length];
    fibers.push(Fiber.run(() => [type, dns.resolve(i % 3 ? 'example.test' : 'nothere.example.test', type)]));
  }
  let answered = 0, missing = 0;
  for (const [i, f] of fibers.entries()) {
    try {
      const [type, answer] = f.join();
      assert.deepEqual(Object.keys(answer), [type]);
      answered++;
    } catch (e) {
      assert.equal(e.code, 'ENOTFOUND', `fiber ${i}: ${e.message}`);
      missing++;
    }
  }
  assert.equal(answered, 133);
  assert.equal(missing, 67);
});

test('concurrent resolves on several resolvers', () => {
  const resolvers = [0, 1, 2, 3].map(() => { const r = new Resolver(); r.setServers([server]); return r; });
  const fibers = [];
  for (let i = 0; i < 40; i++) fibers.push(Fiber.run(() => resolvers[i % 4].resolve4('multi.example.test').length));
  assert.deepEqual(fibers.map((f) => f.join()), new Array(40).fill(2));
});

test('lookup: localhost, IP addresses, all, family', () => {
  assert.deepEqual(lookup('localhost', { family: 4 }), { address: '127.0.0.1', family: 4 });
  assert.deepEqual(lookup('localhost', 4), { address: '127.0.0.1', family: 4 });
  assert.ok(lookup('localhost', { all: true, family: 4 }).some((a) => a.address === '127.0.0.1'));
  assert.deepEqual(lookup('192.0.2.7'), { address: '192.0.2.7', family: 4 });
  assert.deepEqual(lookup('2001:db8::7'), { address: '2001:db8::7', family: 6 });
  assert.deepEqual(lookup('::1', { all: true }), [{ address: '::1', family: 6 }]);
  assert.deepEqual(lookup('127.0.0.1', { family: 'IPv4' }), { address: '127.0.0.1', family: 4 });
});

test('lookup honours /etc/hosts', () => {
  // the first IPv4 entry of the machine's own /etc/hosts
  const entry = fs.readFile('/etc/hosts').split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
    .find((f) => f.length > 1 && /^\d+\.\d+\.\d+\.\d+$/.test(f[0]));
  assert.ok(entry, 'an IPv4 entry in /etc/hosts');
  for (const name of entry.slice(1)) {
    const all = lookup(name, { all: true, family: 4 }).map((a) => a.address);
    assert.ok(all.includes(entry[0]), `${name}: ${all}`);
  }
});

test('lookup failure: ENOTFOUND from getaddrinfo', () => {
  // glibc refuses a label longer than 63 bytes without sending a query
  const name = `${'a'.repeat(64)}.invalid`;
  const e = assert.throws(() => lookup(name), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: name });
  assert.equal(e.message, `getaddrinfo ENOTFOUND ${name}`);
});

test('bad arguments', () => {
  assert.throws(() => dns.resolve(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"hostname"/ });
  assert.throws(() => dns.resolve('example.test', 'BOGUS'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: /rrtype/ });
  assert.throws(() => dns.resolve('example.test', 'mx'), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => dns.resolve('example.test', 15), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"rrtype"/ });
  assert.throws(() => dns.resolveMx(null), { name: 'TypeError', message: /"hostname"/ });
  assert.throws(() => dns.resolve('a\0b'), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => dns.setServers('127.0.0.1'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"servers"/ });
  assert.throws(() => dns.setServers([53]), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /servers\[0\]/ });
  for (const bad of ['nonsense', '1.2.3', '127.0.0.1:x', '[127.0.0.1]:53', '::1:53x', '[::1', '']) {
    assert.throws(() => dns.setServers([bad]), { name: 'TypeError', code: 'ERR_INVALID_IP_ADDRESS', message: `Invalid IP address: ${bad}` });
  }
  for (const bad of ['127.0.0.1:0', '127.0.0.1:65536']) {
    assert.throws(() => dns.setServers([bad]), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: /invalid port/ });
  }
  assert.deepEqual(dns.getServers(), [server], 'a failed setServers changes nothing');
  assert.throws(() => new Resolver({ timeout: 'x' }), { name: 'TypeError', message: /timeout/ });
  assert.throws(() => new Resolver({ tries: 0 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => new Resolver(5), { name: 'TypeError' });
  assert.throws(() => dns.reverse('example.test'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => dns.reverse(7), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => lookup(5), { name: 'TypeError', message: /"hostname"/ });
  assert.throws(() => lookup('localhost', { family: 5 }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => lookup('localhost', 'x'), { name: 'TypeError' });
});

test('a resolver dropped without use or with queries done is collected', () => {
  for (let i = 0; i < 20; i++) {
    const r = new Resolver();
    r.setServers([server]);
    if (i % 2) r.resolve4('example.test');
  }
  gc();
  Fiber.yield(); // let the FinalizationRegistry close their channels
  assert.deepEqual(dns.resolve4('example.test'), ['192.0.2.1']);
});

test('an isolate with net resolves through its own resolver, alongside this one', () => {
  const child = new Isolate(`${fixtures}dnsuser.mjs`, { net: true });
  child.call('setServers', [server]);
  const theirs = child.callAsync('resolve', 'example.test', 'SOA');
  assert.deepEqual(dns.resolve4('example.test'), ['192.0.2.1']);
  assert.equal(Fiber.await(theirs).SOA.serial, 2024010101);
  assert.deepEqual(child.call('resolve', 'example.test', 'NS'), { NS: ['ns1.example.test'] });
  assert.throws(() => child.call('resolve', 'nothere.example.test', 'A'), { code: 'ENOTFOUND', syscall: 'queryA' });
  child.call('udp');
  child.terminate();
  child.join();
});

test('an isolate without net cannot resolve, look names up or open UDP sockets', () => {
  const child = new Isolate(`${fixtures}dnsuser.mjs`);
  assert.throws(() => child.call('resolve', 'example.test', 'A'), { code: 'ERR_ACCESS_DENIED' });
  assert.throws(() => child.call('lookupName', 'localhost'), { code: 'ERR_ACCESS_DENIED' });
  assert.deepEqual(child.call('lookupName', '127.0.0.1'), { address: '127.0.0.1', family: 4 }, 'an IP address needs no one');
  assert.throws(() => child.call('udp'), { code: 'ERR_ACCESS_DENIED' });
  child.terminate();
  child.join();
});

test('an isolate terminated while it waits in resolve and recv ends cleanly', () => {
  const child = new Isolate(`${fixtures}dnsuser.mjs`, { net: true });
  const pending = child.callAsync('hang').then(() => 'answered', (e) => e.code);
  child.call('hanging');
  child.terminate();
  assert.equal(child.join().code, 1);
  assert.equal(Fiber.await(pending), 'ERR_ISOLATE_TERMINATED');
  assert.deepEqual(dns.resolve4('example.test'), ['192.0.2.1'], 'this isolate resolves on');
});
