// URL and URLSearchParams. The expected values were printed by Node.js 20
// for the same inputs (WHATWG URL), so these cases hold us to its parser.
import { test, assert } from './harness.mjs';
import urlModule from 'corojs:url';

const cases = [
  ["http://example.com", null, {"href": "http://example.com/", "protocol": "http:", "username": "", "password": "", "host": "example.com", "hostname": "example.com", "port": "", "pathname": "/", "search": "", "hash": "", "origin": "http://example.com"}],
  ["HTTP://EXAMPLE.COM:80/a/../b/./c?x=1#y", null, {"href": "http://example.com/b/c?x=1#y", "protocol": "http:", "username": "", "password": "", "host": "example.com", "hostname": "example.com", "port": "", "pathname": "/b/c", "search": "?x=1", "hash": "#y", "origin": "http://example.com"}],
  ["https://user:pa ss@host:8443/p%20q/ r?a=b c&d#f g", null, {"href": "https://user:pa%20ss@host:8443/p%20q/%20r?a=b%20c&d#f%20g", "protocol": "https:", "username": "user", "password": "pa%20ss", "host": "host:8443", "hostname": "host", "port": "8443", "pathname": "/p%20q/%20r", "search": "?a=b%20c&d", "hash": "#f%20g", "origin": "https://host:8443"}],
  ["http://[::1]:8080/x", null, {"href": "http://[::1]:8080/x", "protocol": "http:", "username": "", "password": "", "host": "[::1]:8080", "hostname": "[::1]", "port": "8080", "pathname": "/x", "search": "", "hash": "", "origin": "http://[::1]:8080"}],
  ["http://[::1]/", null, {"href": "http://[::1]/", "protocol": "http:", "username": "", "password": "", "host": "[::1]", "hostname": "[::1]", "port": "", "pathname": "/", "search": "", "hash": "", "origin": "http://[::1]"}],
  ["http://127.0.0.1:3000", null, {"href": "http://127.0.0.1:3000/", "protocol": "http:", "username": "", "password": "", "host": "127.0.0.1:3000", "hostname": "127.0.0.1", "port": "3000", "pathname": "/", "search": "", "hash": "", "origin": "http://127.0.0.1:3000"}],
  ["https://example.com:443/", null, {"href": "https://example.com/", "protocol": "https:", "username": "", "password": "", "host": "example.com", "hostname": "example.com", "port": "", "pathname": "/", "search": "", "hash": "", "origin": "https://example.com"}],
  ["/rel/path?q", "http://h.com/a/b/c", {"href": "http://h.com/rel/path?q", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/rel/path", "search": "?q", "hash": "", "origin": "http://h.com"}],
  ["rel2", "http://h.com/a/b/c", {"href": "http://h.com/a/b/rel2", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/a/b/rel2", "search": "", "hash": "", "origin": "http://h.com"}],
  ["../up", "http://h.com/a/b/c", {"href": "http://h.com/a/up", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/a/up", "search": "", "hash": "", "origin": "http://h.com"}],
  ["//other.org/x", "https://h.com/a", {"href": "https://other.org/x", "protocol": "https:", "username": "", "password": "", "host": "other.org", "hostname": "other.org", "port": "", "pathname": "/x", "search": "", "hash": "", "origin": "https://other.org"}],
  ["?only=query", "http://h.com/a/b?old#frag", {"href": "http://h.com/a/b?only=query", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/a/b", "search": "?only=query", "hash": "", "origin": "http://h.com"}],
  ["#newfrag", "http://h.com/a/b?old#frag", {"href": "http://h.com/a/b?old#newfrag", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/a/b", "search": "?old", "hash": "#newfrag", "origin": "http://h.com"}],
  ["", "http://h.com/a/b?old#frag", {"href": "http://h.com/a/b?old", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/a/b", "search": "?old", "hash": "", "origin": "http://h.com"}],
  ["http://h.com/a/b/../../..", null, {"href": "http://h.com/", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/", "search": "", "hash": "", "origin": "http://h.com"}],
  ["http://h.com/%7Efoo/ä", null, {"href": "http://h.com/%7Efoo/%C3%A4", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/%7Efoo/%C3%A4", "search": "", "hash": "", "origin": "http://h.com"}],
  ["file:///etc/passwd", null, {"href": "file:///etc/passwd", "protocol": "file:", "username": "", "password": "", "host": "", "hostname": "", "port": "", "pathname": "/etc/passwd", "search": "", "hash": "", "origin": "null"}],
  ["mailto:someone@example.com", null, {"href": "mailto:someone@example.com", "protocol": "mailto:", "username": "", "password": "", "host": "", "hostname": "", "port": "", "pathname": "someone@example.com", "search": "", "hash": "", "origin": "null"}],
  ["http://h.com:0/", null, {"href": "http://h.com:0/", "protocol": "http:", "username": "", "password": "", "host": "h.com:0", "hostname": "h.com", "port": "0", "pathname": "/", "search": "", "hash": "", "origin": "http://h.com:0"}],
  ["ws://h.com:80/", null, {"href": "ws://h.com/", "protocol": "ws:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/", "search": "", "hash": "", "origin": "ws://h.com"}],
  ["http://h.com/a?b=%zz", null, {"href": "http://h.com/a?b=%zz", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/a", "search": "?b=%zz", "hash": "", "origin": "http://h.com"}],
  ["http://h.com\\a\\b", null, {"href": "http://h.com/a/b", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/a/b", "search": "", "hash": "", "origin": "http://h.com"}],
  ["  http://h.com/trim  ", null, {"href": "http://h.com/trim", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/trim", "search": "", "hash": "", "origin": "http://h.com"}],
  ["http://H.com/A?B#C", null, {"href": "http://h.com/A?B#C", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/A", "search": "?B", "hash": "#C", "origin": "http://h.com"}],
  ["http://h.com/?q=it's", null, {"href": "http://h.com/?q=it%27s", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/", "search": "?q=it%27s", "hash": "", "origin": "http://h.com"}],
  ["http://h.com/`{}", null, {"href": "http://h.com/%60%7B%7D", "protocol": "http:", "username": "", "password": "", "host": "h.com", "hostname": "h.com", "port": "", "pathname": "/%60%7B%7D", "search": "", "hash": "", "origin": "http://h.com"}],
];

test('URL and URLSearchParams are globals and the corojs:url exports', () => {
  assert.equal(URL, urlModule.URL);
  assert.equal(URLSearchParams, urlModule.URLSearchParams);
});

test('parsing and resolving, field by field, as Node does', () => {
  for (const [input, base, want] of cases) {
    const u = base === null ? new URL(input) : new URL(input, base);
    for (const [k, v] of Object.entries(want)) {
      assert.equal(u[k], v, `${JSON.stringify(input)} on ${base}: ${k}`);
    }
    assert.equal(String(u), want.href);
    assert.equal(JSON.stringify(u), JSON.stringify(want.href));
  }
});

test('what is not a URL throws ERR_INVALID_URL', () => {
  const bad = ["nope", "http://", "http://a:99999/", "http://[::1/", "http://a b/"];
  for (const b of bad) assert.throws(() => new URL(b), { name: 'TypeError', code: 'ERR_INVALID_URL' });
  assert.equal(URL.canParse('http://x'), true);
  assert.equal(URL.canParse('x'), false);
  assert.equal(URL.parse('x'), null);
  assert.equal(URL.canParse('x', 'http://h/'), true);
});

test('URLSearchParams: parse, get, getAll, append, delete, set, sort, serialise', () => {
  const sp = new URLSearchParams('a=1&b=2&a=3&c=%20x+y&d');
  assert.deepEqual([["1", "3"], " x y", "", "a=1&b=2&a=3&c=+x+y&d=", ["a", "b", "a", "c", "d"], 5],
    [sp.getAll('a'), sp.get('c'), sp.get('d'), sp.toString(), [...sp.keys()], sp.size]);
  sp.append('e', 'é&=');
  sp.delete('a');
  sp.set('b', 'z');
  sp.sort();
  assert.equal(sp.toString(), "b=z&c=+x+y&d=&e=%C3%A9%26%3D");
  assert.equal(`${new URLSearchParams({ x: '1', y: 'two words' })} ${new URLSearchParams([['k', 'v'], ['k', 'w']])}`,
    "x=1&y=two+words k=v&k=w");
  assert.equal(sp.has('b'), true);
  assert.equal(sp.has('b', 'nope'), false);
  assert.equal(sp.get('missing'), null);
  assert.throws(() => new URLSearchParams([['one']]), { name: 'TypeError' });
});

test('setters and searchParams write through to href', () => {
  const u = new URL('http://h.com/p?a=1');
  u.searchParams.append('b', '2 3');
  u.hash = 'h';
  u.pathname = '/new path';
  u.port = '8080';
  assert.equal(u.href, "http://h.com:8080/new%20path?a=1&b=2+3#h");
  u.search = '?x=y';
  assert.equal(u.searchParams.get('x'), 'y');
  u.port = '80';
  assert.equal(u.host, 'h.com');
  u.hostname = 'Other.ORG';
  assert.equal(u.href, 'http://other.org/new%20path?x=y#h');
  u.href = 'https://z.net/q';
  assert.equal(u.origin, 'https://z.net');
  assert.equal(u.searchParams.size, 0);
});

test('hosts as the WHATWG host parser has them: IPv4 in every form, IPv6 normalised', () => {
  // every way of writing 127.0.0.1 is 127.0.0.1, so a deny-list sees it
  for (const h of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0x7F000001', '127.0.0.1.', '0177.1', '127.0x0.0.1']) {
    assert.equal(new URL(`http://${h}/`).hostname, '127.0.0.1', h);
  }
  assert.equal(new URL('http://0/').hostname, '0.0.0.0');
  assert.equal(new URL('http://4294967295/').hostname, '255.255.255.255');
  for (const h of ['256.1.1.1', '1.2.3.256', '4294967296', '0x100000000', '1.2.3.4.5', '09.1.1.1', 'foo.09', 'a.b.0x']) {
    assert.throws(() => new URL(`http://${h}/`), { code: 'ERR_INVALID_URL' }, h);
  }
  assert.equal(new URL('http://[0:0:0:0:0:0:0:1]/').hostname, '[::1]');
  assert.equal(new URL('http://[2001:DB8:0:0:1:0:0:1]:8080/').host, '[2001:db8::1:0:0:1]:8080');
  assert.equal(new URL('http://[::ffff:127.0.0.1]/').hostname, '[::ffff:7f00:1]');
  assert.equal(new URL('http://[1:0::]/').hostname, '[1::]');
  for (const h of ['[1:2:3:4:5:6:7:8:9]', '[1::2::3]', '[::1', '[12345::]', '[::1.2.3]', '[1:2:3:4:5:6:7:1.2.3.4]', '[g::]']) {
    assert.throws(() => new URL(`http://${h}/`), { code: 'ERR_INVALID_URL' }, h);
  }
  assert.equal(new URL('http://EXAMPLE.com./').hostname, 'example.com.');
  assert.equal(new URL('http://ex%41mple.com/').hostname, 'example.com', 'percent-decoded, then lower-cased');
  assert.equal(new URL('http://Ｇｏ.com/').hostname, 'go.com');
  assert.equal(new URL('https://faß.ExAmPlE/').hostname, 'xn--fa-hia.example');
  assert.equal(new URL('http://你好你好/').hostname, 'xn--6qqa088eba');
  assert.throws(() => new URL('http://a%b/'), { code: 'ERR_INVALID_URL' });
  assert.equal(new URL('foo://2130706433/').hostname, '2130706433', 'an opaque host stays as written');
  const u = new URL('http://example.com/');
  u.hostname = '0x7f.1';
  assert.equal(u.href, 'http://127.0.0.1/');
});

test('URL without arguments: ERR_MISSING_ARGS; revokeObjectURL is Node\'s', () => {
  for (const fn of [() => new URL(), () => URL.canParse(), () => URL.revokeObjectURL()])
    assert.throws(fn, { code: 'ERR_MISSING_ARGS', message: 'The "url" argument must be specified' });
  assert.equal(URL.canParse('https://a.example/'), true);
  assert.equal(URL.canParse('nope'), false);
  assert.equal(URL.revokeObjectURL('blob:nodedata:unknown'), undefined);
  assert.throws(() => URL.createObjectURL(), { code: /ERR_INVALID_ARG_TYPE|ERR_NO_CRYPTO/ });
});
