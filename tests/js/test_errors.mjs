// flags: --expose-internals
// The library's errors (corojs:internal/errors): Node's codes, kinds and
// messages, word for word (the strings here are what Node 20 prints for the
// same mistake), through the public API and the makers themselves.
import { test, assert } from './harness.mjs';
import * as errors from 'corojs:internal/errors';
import { createSocket } from 'corojs:dgram';
import { Resolver } from 'corojs:dns';

// What a call throws, as [code, kind, message].
function thrown(fn) {
  const e = assert.throws(fn);
  return [e.code, e.constructor.name, e.message];
}

test('a received value is named as Node names it', () => {
  const cases = [
    [undefined, 'undefined'], [null, 'null'], [42, 'type number (42)'], [-0, 'type number (-0)'],
    [NaN, 'type number (NaN)'], [10n, 'type bigint (10n)'], [true, 'type boolean (true)'],
    [Symbol('s'), 'type symbol (Symbol(s))'], ['it', "type string ('it')"], ["it's", 'type string ("it\'s")'],
    ['a'.repeat(30), `type string ('${'a'.repeat(25)}...')`], [function named() {}, 'function named'],
    [[], 'an instance of Array'], [new Map(), 'an instance of Map'], [{}, 'an instance of Object'],
  ];
  for (const [v, want] of cases) assert.equal(errors.describe(v), want);
  assert.match(errors.describe(Object.create(null)), /null prototype/);
});

test('ERR_INVALID_ARG_TYPE: arguments, properties, types, classes and the rest', () => {
  const cases = [
    [['host', 'string', 5], 'The "host" argument must be of type string. Received type number (5)'],
    [['options.tries', 'number', 'x'], 'The "options.tries" property must be of type number. Received type string (\'x\')'],
    [['options.port', ['number', 'string'], {}], 'The "options.port" property must be one of type number or string. Received an instance of Object'],
    [['url', ['string', 'URL'], 42], 'The "url" argument must be of type string or an instance of URL. Received type number (42)'],
    [['path', ['string', 'Buffer', 'URL'], () => 1], 'The "path" argument must be of type string or an instance of Buffer or URL. Received function '],
    [['options', 'Object', null], 'The "options" argument must be of type object. Received null'],
    [['x', ['Object', 'Array'], 1], 'The "x" argument must be an instance of Array or Object. Received type number (1)'],
    [['f', 'a path', 1], 'The "f" argument must be a path. Received type number (1)'],
  ];
  for (const [args, want] of cases) {
    const e = errors.ERR_INVALID_ARG_TYPE(...args);
    assert.ok(e instanceof TypeError);
    assert.equal(e.code, 'ERR_INVALID_ARG_TYPE');
    assert.equal(e.message, want);
  }
});

test('ERR_OUT_OF_RANGE and ERR_INVALID_ARG_VALUE show the value as Node does', () => {
  assert.equal(errors.ERR_OUT_OF_RANGE('n', '>= 0', 2 ** 40).message,
    'The value of "n" is out of range. It must be >= 0. Received 1_099_511_627_776');
  assert.equal(errors.ERR_OUT_OF_RANGE('n', '>= 0', -(2n ** 40n)).message,
    'The value of "n" is out of range. It must be >= 0. Received -1_099_511_627_776n');
  assert.equal(errors.ERR_OUT_OF_RANGE('n', '>= 0', -1.5).message, 'The value of "n" is out of range. It must be >= 0. Received -1.5');
  assert.ok(errors.ERR_OUT_OF_RANGE('n', '>= 0', 1) instanceof RangeError);
  assert.equal(errors.ERR_INVALID_ARG_VALUE('options.family', 5, 'must be one of: 0, 4, 6').message,
    "The property 'options.family' must be one of: 0, 4, 6. Received 5");
  const long = errors.ERR_INVALID_ARG_VALUE('x', 'y'.repeat(300)).message;
  assert.ok(long.endsWith("...") && long.length < 200, long);
});

test('the public API throws Node\'s errors, word for word', () => {
  const cases = [
    [() => net.connect(70000), ['ERR_SOCKET_BAD_PORT', 'RangeError', 'Port should be >= 0 and < 65536. Received type number (70000).']],
    [() => net.createServer(() => {}).listen(123456), ['ERR_SOCKET_BAD_PORT', 'RangeError', 'options.port should be >= 0 and < 65536. Received type number (123456).']],
    [() => net.connect({ port: true }), ['ERR_INVALID_ARG_TYPE', 'TypeError', 'The "options.port" property must be one of type number or string. Received type boolean (true)']],
    [() => new Resolver({ tries: 'x' }), ['ERR_INVALID_ARG_TYPE', 'TypeError', 'The "options.tries" property must be of type number. Received type string (\'x\')']],
    [() => new Resolver({ tries: 0 }), ['ERR_OUT_OF_RANGE', 'RangeError', 'The value of "options.tries" is out of range. It must be >= 1 && <= 2147483647. Received 0']],
    [() => new Resolver({ timeout: 1.5 }), ['ERR_OUT_OF_RANGE', 'RangeError', 'The value of "options.timeout" is out of range. It must be an integer. Received 1.5']],
    [() => new Resolver({ timeout: 2 ** 40 }), ['ERR_OUT_OF_RANGE', 'RangeError', 'The value of "options.timeout" is out of range. It must be >= -1 && <= 2147483647. Received 1_099_511_627_776']],
    [() => dns.resolve('x', 'BOGUS'), ['ERR_INVALID_ARG_VALUE', 'TypeError', "The argument 'rrtype' is invalid. Received 'BOGUS'"]],
    [() => dns.lookup(42), ['ERR_INVALID_ARG_TYPE', 'TypeError', 'The "hostname" argument must be of type string. Received type number (42)']],
    [() => dns.lookup('x', { family: 5 }), ['ERR_INVALID_ARG_VALUE', 'TypeError', "The property 'options.family' must be one of: 0, 4, 6. Received 5"]],
    [() => dns.setServers('x'), ['ERR_INVALID_ARG_TYPE', 'TypeError', 'The "servers" argument must be an instance of Array. Received type string (\'x\')']],
    [() => dns.setServers([42]), ['ERR_INVALID_ARG_TYPE', 'TypeError', 'The "servers[0]" argument must be of type string. Received type number (42)']],
    [() => dns.setServers(['x']), ['ERR_INVALID_IP_ADDRESS', 'TypeError', 'Invalid IP address: x']],
    [() => createSocket('udp5'), ['ERR_SOCKET_BAD_TYPE', 'TypeError', 'Bad socket type specified. Valid types are: udp4, udp6']],
    [() => createSocket('udp4').send('x', 0, '127.0.0.1'), ['ERR_SOCKET_BAD_PORT', 'RangeError', 'Port should be > 0 and < 65536. Received type number (0).']],
    [() => new URL('nope'), ['ERR_INVALID_URL', 'TypeError', 'Invalid URL']],
    [() => new URLSearchParams([[1]]), ['ERR_INVALID_TUPLE', 'TypeError', 'Each query pair must be an iterable [name, value] tuple']],
    [() => new TextEncoder().encodeInto('a', []), ['ERR_INVALID_ARG_TYPE', 'TypeError', 'The "destination" argument must be an instance of Uint8Array. Received an instance of Array']],
    [() => fs.readFile('/etc/hostname', 'latin2'), ['ERR_INVALID_ARG_VALUE', 'TypeError', "The argument 'encoding' is invalid encoding. Received 'latin2'"]],
    [() => tls.createServer({ certificateResolver() {}, minVersion: 'TLSv1.5' }, () => {}), ['ERR_TLS_INVALID_PROTOCOL_VERSION', 'TypeError', '"TLSv1.5" is not a valid minimum TLS protocol version']],
    [() => tls.createServer({ certificateResolver() {}, handshakeTimeout: 'x' }, () => {}), ['ERR_INVALID_ARG_TYPE', 'TypeError', 'The "options.handshakeTimeout" property must be of type number. Received type string (\'x\')']],
    [() => http.request('http://x', { method: 'G T' }), ['ERR_INVALID_HTTP_TOKEN', 'TypeError', 'Method must be a valid HTTP token ["G T"]']],
    [() => http.request('http://x', { headers: { 'a b': 1 } }), ['ERR_INVALID_HTTP_TOKEN', 'TypeError', 'Header name must be a valid HTTP token ["a b"]']],
    [() => http.request('http://x', { headers: { ab: '\n' } }), ['ERR_INVALID_CHAR', 'TypeError', 'Invalid character in header content ["ab"]']],
    [() => http.request('http://x', { headers: { ab: undefined } }), ['ERR_HTTP_INVALID_HEADER_VALUE', 'TypeError', 'Invalid value "undefined" for header "ab"']],
    [() => Fiber.run(5), ['ERR_INVALID_ARG_TYPE', 'TypeError', 'The "fn" argument must be of type function. Received type number (5)']],
  ];
  for (const [fn, want] of cases) assert.deepEqual(thrown(fn), want);
});

test('codes Node lacks: ours, with the same shape', () => {
  const [code, kind, message] = thrown(() => http.request('ftp://x'));
  assert.deepEqual([code, kind], ['ERR_INVALID_PROTOCOL', 'TypeError']);
  assert.equal(message, 'Protocol "ftp:" not supported. Expected "http:" or "https:"');
  assert.deepEqual(thrown(() => new (net.Socket)()),
    ['ERR_ILLEGAL_CONSTRUCTOR', 'TypeError', 'Illegal constructor: Socket objects are made by net.connect() or a server']);
  const cause = new Error('broken');
  const e = errors.ERR_TLS_CERTIFICATE_RESOLVER('a.test', cause);
  assert.deepEqual([e.code, e.servername, e.cause, e.message],
    ['ERR_TLS_CERTIFICATE_RESOLVER', 'a.test', cause, "certificateResolver failed for 'a.test': broken"]);
});

test('the stack starts where the library threw, not in the error makers', () => {
  const e = assert.throws(() => net.connect(80, 5));
  assert.ok(!/corojs:internal\/(errors|validators)/.test(e.stack), e.stack);
  assert.match(e.stack.split('\n')[1], /at resolveHost \(corojs:internal\/net:/);
  assert.match(e.stack, /test_errors\.mjs/);
});

test('an error revived from another isolate keeps its class and fields', () => {
  const e = errors.reviveError({ name: 'RangeError', message: 'far', code: 'E_FAR', stack: 'at x' });
  assert.ok(e instanceof RangeError);
  assert.deepEqual([e.message, e.code, e.stack], ['far', 'E_FAR', 'at x']);
  assert.ok(errors.reviveError({ name: 'DataCloneError', message: 'm' }) instanceof errors.DataCloneError);
  assert.equal(errors.reviveError({ name: 'NoSuchError', message: 'm' }).constructor, Error);
});

test('public modules export only their public API', () => {
  const internal = ['socketFromId', 'socketIdOf', 'resolveHost', 'openListener', 'tlsSocketIdOf', 'reviveError',
    'serverHandle', 'connectSocket', 'tlsSocketFromId'];
  for (const name of ['net', 'tls', 'http', 'https', 'isolate', 'dns', 'dgram', 'fs', 'fiber', 'timers', 'url',
    'encoding', 'fetch', 'process', 'console', 'util', 'shell']) {
    const m = Fiber.await(import(`corojs:${name}`));
    for (const key of internal) assert.ok(!(key in m), `corojs:${name} exports ${key}`);
  }
});
