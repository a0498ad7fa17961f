// flags: --expose-internals
// corojs:internal/node/builtins: Node's own lib/ JS compiled into the binary
// and run over our bindings (lib/node/bindings/). Node's own test/parallel
// files (tests/node/run.sh) measure the modules in depth; these check the
// interface the loader uses and one thing per binding.
import { test, assert, event } from './harness.mjs';
import { requireBuiltin, requireNode, builtinIds, isBuiltin } from 'corojs:internal/node/builtins';

test('isBuiltin and builtinIds follow Node 20', () => {
  assert.ok(isBuiltin('path') && isBuiltin('node:path') && isBuiltin('fs/promises'));
  assert.ok(isBuiltin('node:test') && !isBuiltin('test'), 'test is reachable only as node:test');
  assert.ok(!isBuiltin('nope') && !isBuiltin(42) && !isBuiltin('internal/nope'));
  assert.ok(isBuiltin('internal/util'), 'internal/ ids are builtins with --expose-internals, as in Node');
  assert.ok(builtinIds.includes('events') && !builtinIds.includes('node:events'));
});

test('requireBuiltin: node: prefix or not, one module, loaded once', () => {
  const path = requireBuiltin('path');
  assert.equal(requireBuiltin('node:path'), path);
  assert.equal(path.join('/a', 'b', '../c'), '/a/c');
  assert.equal(path.win32.join('a', 'b'), 'a\\b');
  assert.equal(requireBuiltin('path/posix'), path.posix);
});

test('node:process is the process object', () => {
  assert.equal(requireBuiltin('process'), process);
  assert.equal(requireBuiltin('node:process'), process);
});

test('unknown, internal and missing ids say so', () => {
  assert.throws(() => requireBuiltin('nope'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE', message: /nope/ });
  assert.equal(typeof requireBuiltin('internal/util').deprecate, 'function');
  assert.throws(() => requireBuiltin('node:internal/util'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' });
  assert.throws(() => requireBuiltin('node:inspector'), { message: /not implemented by CoroJS yet/ });
  // node:http2 loads with its constants (packages require it at load); using it says so
  assert.equal(requireBuiltin('node:http2').constants.HTTP2_HEADER_CONTENT_TYPE, 'content-type');
  assert.throws(() => requireBuiltin('node:http2').connect('https://localhost'), { code: 'ERR_NOT_IMPLEMENTED' });
  assert.throws(() => requireBuiltin('wasi'), { message: /the closest it has is corojs:wasi/ });
  assert.throws(() => requireBuiltin(undefined), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' });
});

test('util.inspect and format are Node\'s', () => {
  const util = requireBuiltin('util');
  assert.equal(util.inspect({ a: [1, { b: new Map([[1, 2]]) }], s: new Set([1]) }),
    '{ a: [ 1, { b: [Map] } ], s: Set(1) { 1 } }');
  assert.equal(util.format('%s=%d %j', 'x', 42, { a: 1 }), 'x=42 {"a":1}');
  assert.ok(util.types.isPromise(Promise.resolve()) && !util.types.isPromise({ then() {} }));
  assert.equal(util.inspect(new Map([[1, 2]]).entries()), '[Map Entries] { [ 1, 2 ] }');
  assert.equal(util.getSystemErrorName(-2), 'ENOENT');
});

test('events: EventEmitter, once, errors', () => {
  const EventEmitter = requireBuiltin('events');
  const e = new EventEmitter();
  const got = [];
  e.on('x', (v) => got.push(v));
  e.once('x', (v) => got.push(`once ${v}`));
  e.emit('x', 1);
  e.emit('x', 2);
  assert.deepEqual(got, [1, 'once 1', 2]);
  assert.throws(() => e.emit('error', new Error('boom')), { message: 'boom' });
  assert.throws(() => e.on('x', 1), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('buffer codecs: utf8, base64, base64url, hex, latin1, ucs2', () => {
  const { Buffer } = requireBuiltin('buffer');
  const b = Buffer.from('héllo wörld €');
  assert.equal(b.toString('base64'), 'aMOpbGxvIHfDtnJsZCDigqw=');
  assert.equal(b.toString('base64url'), 'aMOpbGxvIHfDtnJsZCDigqw');
  assert.equal(Buffer.from('aMOpbGxv IHfDtnJsZCDigqw', 'base64').toString(), 'héllo wörld €');
  assert.equal(Buffer.from('68c3a9zz', 'hex').toString('hex'), '68c3a9');
  assert.equal(Buffer.from('hé', 'latin1').length, 2);
  assert.equal(Buffer.from('h€', 'ucs2').toString('ucs2'), 'h€');
  assert.equal(Buffer.byteLength('€'), 3);
  assert.equal(b.indexOf('wörld'), 7);
  assert.equal(b.lastIndexOf('l'), 11);
  assert.equal(Buffer.compare(Buffer.from('a'), Buffer.from('b')), -1);
  assert.equal(Buffer.alloc(5, 'ab').toString(), 'ababa');
  assert.equal(Buffer.alloc(2, '').toString('hex'), '0000');
  assert.throws(() => Buffer.alloc(2, 'zz', 'hex'), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.equal(b.toString('utf8', 0, 100), 'héllo wörld €');
});

test('atob and btoa follow the HTML spec', () => {
  const { atob, btoa } = requireBuiltin('buffer');
  assert.equal(btoa('hé'), 'aOk=');
  assert.equal(atob(' aO k= '), 'hé');
  const invalid = (fn) => assert.equal(assert.throws(fn, { code: 5 }).name, 'InvalidCharacterError');
  invalid(() => btoa('€'));
  invalid(() => atob('a'));
  invalid(() => atob('a*bc'));
});

test('string_decoder keeps characters split across chunks', () => {
  const { Buffer } = requireBuiltin('buffer');
  const { StringDecoder } = requireBuiltin('string_decoder');
  const d = new StringDecoder('utf8');
  assert.equal(d.write(Buffer.from([0xe2, 0x82])), '');
  assert.equal(d.end(Buffer.from([0xac])), '€');
  assert.equal(d.end(Buffer.from([0xe2])), '\ufffd');
  const u = new StringDecoder('utf16le');
  assert.equal(u.write(Buffer.from([0x61])) + u.write(Buffer.from([0x00])), 'a');
  const b = new StringDecoder('base64');
  assert.equal(b.write(Buffer.from('ab')) + b.end(), 'YWI=');
});

test('assert gives Node\'s messages', () => {
  const assert2 = requireBuiltin('assert');
  const e = assert.throws(() => assert2.strictEqual(1, 2), { code: 'ERR_ASSERTION' });
  assert.equal(e.message, 'Expected values to be strictly equal:\n\n1 !== 2\n');
  assert.throws(() => assert2.deepStrictEqual({ a: 1 }, { a: 2 }), { message: /strictly deep-equal/ });
});

test('querystring, url.parse, punycode', () => {
  assert.equal(requireBuiltin('querystring').stringify({ a: [1, 2], b: 'x y' }), 'a=1&a=2&b=x%20y');
  const u = requireBuiltin('url').parse('http://user@a.com:8080/p?q=1#h', true);
  assert.deepEqual([u.host, u.auth, u.pathname, u.query.q, u.hash], ['a.com:8080', 'user', '/p', '1', '#h']);
  assert.equal(requireBuiltin('punycode').toASCII('mañana.com'), 'xn--maana-pta.com');
});

test('node:url URL over our parser: the parts Node slices from the href', () => {
  const { URL } = requireBuiltin('url');
  const u = new URL('https://us:pw@example.com:8443/a/b?x=1#frag');
  assert.deepEqual([u.protocol, u.username, u.password, u.hostname, u.port, u.pathname, u.search, u.hash],
    ['https:', 'us', 'pw', 'example.com', '8443', '/a/b', '?x=1', '#frag']);
  u.pathname = '/c';
  u.searchParams.set('y', '2');
  assert.equal(u.href, 'https://us:pw@example.com:8443/c?x=1&y=2#frag');
  assert.throws(() => new URL('nope'), { code: 'ERR_INVALID_URL', input: 'nope' });
});

test('os over libuv', () => {
  const os = requireBuiltin('os');
  assert.equal(os.platform(), 'linux');
  assert.ok(os.cpus().length > 0 && os.totalmem() > os.freemem());
  assert.equal(os.constants.signals.SIGTERM, 15);
  assert.equal(os.constants.errno.ENOENT, 2);
  assert.equal(typeof os.hostname(), 'string');
  assert.throws(() => os.setPriority(-1, 0), { code: 'ERR_SYSTEM_ERROR' });
});

test('stream: Readable.from, pipeline through a Transform', () => {
  const { Readable, Transform, Writable, pipeline } = requireBuiltin('stream');
  const got = [];
  const done = event();
  pipeline(
    Readable.from(['a', 'b', 'c']),
    new Transform({ transform(chunk, enc, cb) { cb(null, String(chunk).toUpperCase()); } }),
    new Writable({ write(chunk, enc, cb) { got.push(String(chunk)); cb(); } }),
    done.fire);
  assert.equal(done.wait(), undefined);
  assert.deepEqual(got, ['A', 'B', 'C']);
});

test('Node\'s timers and timers/promises', () => {
  const order = [];
  const done = event();
  const timers = requireBuiltin('timers');
  timers.setTimeout(() => order.push('timeout 2'), 2);
  timers.setImmediate(() => order.push('immediate'));
  const t = timers.setTimeout(() => order.push('cleared'), 1);
  timers.clearTimeout(t);
  requireBuiltin('timers/promises').setTimeout(5, 'value').then(done.fire);
  assert.equal(done.wait(), 'value');
  assert.deepEqual(order, ['immediate', 'timeout 2']);
});

test('perf_hooks, diagnostics_channel, async_hooks load', () => {
  const { performance } = requireBuiltin('perf_hooks');
  assert.ok(performance.now() >= 0);
  const dc = requireBuiltin('diagnostics_channel');
  const seen = [];
  dc.subscribe('corojs-test', (m) => seen.push(m));
  dc.channel('corojs-test').publish(1);
  assert.deepEqual(seen, [1]);
  const { AsyncLocalStorage } = requireBuiltin('async_hooks');
  assert.equal(typeof AsyncLocalStorage, 'function');
});

test('Node\'s overrideStackTrace makes the stack of the error it names (call sites)', () => {
  const { overrideStackTrace } = requireNode('internal/errors');
  const err = {};
  Error.captureStackTrace(err);
  overrideStackTrace.set(err, (e, frames) => frames);
  const frames = err.stack;
  assert.ok(Array.isArray(frames));
  assert.match(frames[0].getFileName(), /test_node_builtins\.mjs$/);
  assert.equal(typeof frames[0].getLineNumber(), 'number');
  const plain = new Error('x'); // others keep V8's text
  assert.match(plain.stack, /^Error: x\n {4}at /);
});

test('console.Console is Node\'s; console writes through process.stdout once it is made', () => {
  const { Writable } = requireBuiltin('stream');
  const seen = [];
  const c = new console.Console(new Writable({ write(chunk, enc, cb) { seen.push(String(chunk)); cb(); } }));
  c.log('to %s', 'stream');
  assert.deepEqual(seen, ['to stream\n']);
  const write = process.stdout.write;
  process.stdout.write = (chunk) => { seen.push(String(chunk)); return true; };
  try {
    console.log('captured');
    requireBuiltin('util').log('logged');
  } finally {
    process.stdout.write = write;
  }
  assert.equal(seen[1], 'captured\n');
  assert.match(seen[2], /^\d{1,2} [A-Z][a-z]{2} \d\d:\d\d:\d\d - logged\n$/);
});

test('util.parseEnv parses as Node\'s C++ dotenv parser does', () => {
  const { parseEnv } = requireBuiltin('util');
  assert.deepEqual(parseEnv('A=1 # c\nexport B = "x\\ny"\nC=\'multi\nline\'\nD="open\n# note\nE=tail # x'),
    { A: '1', B: 'x\ny', C: 'multi\nline', D: '"open', E: 'tail' });
  assert.deepEqual(Object.keys(parseEnv('b=1\na=2')), ['a', 'b']);
  assert.deepEqual(parseEnv('no equals here'), {});
  assert.deepEqual(parseEnv('K='), { K: '' });
  assert.throws(() => parseEnv(1), { code: 'ERR_INVALID_ARG_TYPE' });
});
