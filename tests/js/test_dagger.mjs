// flags: --allow-syscall
// with: tests/wasi/with-programs.sh tests/tls/run-with-tls.sh
// corojs:dagger: Dagger's five calls from wasm modules written in the text
// format (tests/wasi/fixtures/dagger_*.wat): every scheme and every error
// code, http:// against a server of ours on loopback and https:// against
// our TLS server with the test CA (TLS_CERTS), pipes from corojs:sys for
// stdio and fd://, Dagger apps as isolates with their capabilities.
import { test, assert } from './harness.mjs';
import { Dagger } from 'corojs:dagger';
import sys from 'corojs:sys';

const progs = process.env.WASI_PROGRAMS;
const certs = process.env.TLS_CERTS;
const tmp = process.env.TEST_TMPDIR;
const module = (name) => new WebAssembly.Module(fs.readFile(`${progs}/${name}.wasm`, null));
const calls = module('dagger_calls');
const BAD_URL = -1, BAD_INPUT = -2, UNKNOWN_SCHEME = -3, FAILED = -1, FAULT = -2;

// Runs body(g) inside dagger_main (the calls then have the memory start()
// set), g driving the module's exported forwarders; returns the status.
function run(options, body) {
  const dagger = new Dagger(options);
  let instance;
  const g = {
    dagger,
    get ex() { return instance.exports; },
    get mem() { return new Uint8Array(instance.exports.memory.buffer); },
    put(ptr, s) { const b = typeof s === 'string' ? new TextEncoder().encode(s) : s; g.mem.set(b, ptr); return b.length; },
    text(ptr, len) { return new TextDecoder().decode(g.mem.slice(ptr, ptr + len)); },
    open(url) { return g.ex.open(100, g.put(100, url)); },
    write(fd, s) { return g.ex.write(fd, 4096, g.put(4096, s)); },
    read(fd, len = 4096) { const n = g.ex.read(fd, 16384, len); return [n, n > 0 ? g.text(16384, n) : '']; },
    // read to the end, up to 64 KiB
    readAll(fd) {
      let out = '';
      for (let [n, s] = g.read(fd); n > 0; [n, s] = g.read(fd)) out += s;
      return out;
    },
  };
  instance = new WebAssembly.Instance(calls, { ...dagger.getImportObject(), test: { body: () => body(g) } });
  return dagger.start(instance);
}

// What a pipe's read end has now.
function drain(fd) {
  const b = new Uint8Array(65536);
  return new TextDecoder().decode(b.subarray(0, sys.read(fd, b, b.length)));
}

function sandbox() {
  const root = `${tmp}/dagger`;
  fs.mkdir(`${root}/box/sub`, { recursive: true });
  fs.writeFile(`${root}/box/in.txt`, 'inside the box');
  fs.writeFile(`${root}/outside.txt`, 'secret');
  sys.symlink('../outside.txt', `${root}/box/out_link`);
  return root;
}
const root = sandbox();

test('the API: options checked, the imports under dagger and env, start once, no calls before it', () => {
  assert.throws(() => new Dagger({ fsRoot: '/' }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => new Dagger({ dir: 1 }), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.dir/ });
  assert.throws(() => new Dagger({ fds: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.fds/ });
  assert.throws(() => new Dagger({ stdout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => new Dagger({ dir: `${root}/nothing` }), { code: 'ENOENT', syscall: 'open' });
  const d = new Dagger();
  const imports = d.getImportObject();
  assert.equal(imports.dagger, imports.env);
  assert.deepEqual(Object.keys(imports.dagger), ['open', 'close', 'read', 'write', 'flush']);
  assert.throws(() => imports.dagger.open(0, 0), { code: 'ERR_DAGGER_NOT_STARTED' });
  assert.throws(() => d.start({ exports: { dagger_main() {} } }), { code: 'ERR_INVALID_ARG_TYPE', message: /instance\.exports\.memory/ });
  assert.throws(() => d.start({ exports: {} }), { code: 'ERR_DAGGER_ALREADY_STARTED' });
  assert.throws(() => new Dagger().start({ exports: { memory: new WebAssembly.Memory({ initial: 1 }) } }),
    { code: 'ERR_INVALID_ARG_TYPE', message: /instance\.exports\.dagger_main/ });
  assert.equal(run({}, (g) => g.ex.set_result(7)), 7, 'dagger_main\'s result is start()\'s');
});

test('open: -1 bad URL, -2 bad URL input, -3 unknown scheme; no stream open at the start', () => {
  run({ dir: `${root}/box` }, (g) => {
    for (const url of ['://x', 'http://a:b/', 'file://%zz', 'log://?prefix=%', 'stdout://\n', 'std\0out://']) {
      assert.equal(g.open(url), url === 'log://?prefix=%' ? 0 : BAD_URL, JSON.stringify(url));
      if (url === 'log://?prefix=%') g.ex.close(0); // Go's Query() skips a bad pair, as url.Parse does not fail
    }
    for (const url of ['file:///nothing.txt', 'file:///sub/nothing', 'file://sub/../in.txt', 'fd://abc', 'fd://1', 'fd://', 'http://',
      'file://../outside.txt', 'file:///../outside.txt', 'file:///out_link']) {
      assert.equal(g.open(url), BAD_INPUT, url);
    }
    for (const url of ['gopher://x', '', 'nothing', 'unknown+scheme://some.host/files/i/guess', 'FILEX://in.txt']) {
      assert.equal(g.open(url), UNKNOWN_SCHEME, JSON.stringify(url));
    }
    assert.equal(g.ex.open(65530, 100), BAD_INPUT, 'a URL outside the memory');
    assert.equal(g.ex.open(-5, 10), BAD_INPUT);
    assert.equal(g.ex.read(0, 0, 1), FAILED, 'descriptor 0 is not open yet');
  });
});

test('descriptors: the lowest free slot is reused; bad descriptors and pointers are -1 and -2', () => {
  run({}, (g) => {
    assert.deepEqual([g.open('random://'), g.open('random://'), g.open('random://')], [0, 1, 2]);
    assert.equal(g.ex.close(1), 0);
    assert.equal(g.ex.close(1), FAILED);
    assert.equal(g.open('random://'), 1);
    assert.equal(g.ex.close(99), FAILED);
    assert.equal(g.ex.flush(99), FAILED);
    assert.equal(g.ex.write(99, 0, 1), FAILED);
    assert.equal(g.ex.read(0, 65530, 10), FAULT);
    assert.equal(g.ex.read(0, 0, -1), FAULT);
    assert.equal(g.ex.write(0, 65535, 2), FAULT);
    assert.equal(g.ex.read(99, 65530, 10), FAULT, 'the pointer is checked first');
  });
});

test('random:// reads the kernel\'s random bytes and takes no writes', () => {
  run({}, (g) => {
    const fd = g.open('random://');
    assert.equal(g.ex.read(fd, 1000, 256), 256);
    assert.ok(g.mem.slice(1000, 1256).some((b) => b !== 0));
    assert.equal(g.write(fd, 'x'), FAILED);
    assert.equal(g.ex.flush(fd), 0);
  });
});

test('stdout://, stderr:// and stdin:// are the host descriptors given; a read waits for a pipe', () => {
  const [outR, outW] = sys.pipe(), [inR, inW] = sys.pipe();
  run({ stdin: inR, stdout: outW, stderr: outW }, (g) => {
    const out = g.open('stdout://'), err = g.open('stderr://'), inp = g.open('stdin://');
    assert.deepEqual([out, err, inp], [0, 1, 2]);
    assert.equal(g.write(out, 'to stdout '), 10);
    assert.equal(g.write(err, 'to stderr'), 9);
    assert.equal(drain(outR), 'to stdout to stderr');
    assert.equal(g.read(out)[0], FAILED, 'stdout:// is not read');
    assert.equal(g.write(inp, 'x'), FAILED, 'stdin:// is not written');
    const writer = Fiber.run(() => { Fiber.sleep(1); sys.write(inW, 'typed'); });
    assert.deepEqual(g.read(inp), [5, 'typed'], 'the read parked until the writer ran');
    writer.join();
    sys.close(inW);
    assert.deepEqual(g.read(inp), [0, ''], 'the end of the stream is 0');
    assert.equal(g.ex.flush(out), 0);
  });
  for (const fd of [outR, outW, inR]) sys.close(fd);
});

test('log://?prefix=: each write one line, prefix and time as Go\'s log writes them', () => {
  const [r, w] = sys.pipe();
  run({ stdout: w }, (g) => {
    const fd = g.open('log://?prefix=app%3A+');
    assert.equal(g.write(fd, 'started'), 7);
    assert.equal(g.write(fd, 'two\n'), 4);
    assert.deepEqual(g.read(fd), [0, '']);
    assert.equal(g.open('log://'), 1);
    assert.equal(g.write(1, 'bare'), 4);
  });
  const lines = drain(r).split('\n');
  assert.match(lines[0], /^app: \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d started$/);
  assert.match(lines[1], /^app: \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d two$/);
  assert.equal(lines[2], '', 'Println adds its newline after the message\'s own');
  assert.match(lines[3], /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d bare$/);
  sys.close(r);
  sys.close(w);
});

test('file:// reads files beneath the directory given, read-only; fd:// where the host allows it', () => {
  const [r, w] = sys.pipe();
  run({ dir: `${root}/box`, fds: true }, (g) => {
    const fd = g.open('file:///in.txt');
    assert.deepEqual(g.read(fd, 6), [6, 'inside']);
    assert.deepEqual(g.read(fd), [8, ' the box']);
    assert.deepEqual(g.read(fd), [0, '']);
    assert.equal(g.write(fd, 'x'), FAILED, 'read-only, as the reference\'s afero Open');
    assert.equal(g.open('file:///sub/../in.txt'), 1);
    assert.equal(g.read(g.open('file://in.txt'))[0], FAILED, 'in.txt is the host: the path is empty, the directory');
    const pipe = g.open(`fd://${w}`);
    assert.equal(g.write(pipe, 'through fd'), 10);
    assert.equal(g.open('fd://987654'), BAD_INPUT, 'not open');
  });
  assert.equal(drain(r), 'through fd');
  sys.close(r);
  sys.close(w);
  run({}, (g) => assert.equal(g.open('file:///in.txt'), BAD_INPUT, 'no dir, no file://'));
});

test('a read waiting in a pipe lands where the memory is when the data comes', () => {
  const [r, w] = sys.pipe();
  run({ stdin: r }, (g) => {
    const fd = g.open('stdin://');
    const reader = Fiber.run(() => g.ex.read(fd, 60000, 100));
    assert.equal(g.ex.grow(100), 1, 'grown while the read waits');
    sys.write(w, 'moved');
    assert.equal(reader.join(), 5);
    assert.equal(g.text(60000, 5), 'moved');
  });
  sys.close(r);
  sys.close(w);
});

// ---- http:// and https:// ----

// listen() serves until close(): in a fiber of its own
function serve(server) {
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  return server;
}

function echoHandler(req, res) {
  const body = req.text();
  res.setHeader('X-Echo', 'yes');
  res.end(`${req.method} ${req.url} ${req.headers['x-test'] ?? '-'} ${req.headers.host} [${body}]`);
}

test('http://: write a raw request, flush performs it on our client, read returns the raw response', () => {
  const server = serve(http.createServer(echoHandler));
  const { port } = server.address();
  try {
    run({}, (g) => {
      const fd = g.open(`http://127.0.0.1:${port}/`);
      assert.deepEqual(g.read(fd), [0, ''], 'nothing to read before the flush');
      const req = 'POST /echo?x=1 HTTP/1.1\r\nHost: a.test\r\nX-Test: yes\r\nContent-Length: 5\r\n\r\nhello';
      assert.equal(g.write(fd, req.slice(0, 20)), 20);
      assert.equal(g.write(fd, req.slice(20)), req.length - 20);
      assert.equal(g.ex.flush(fd), 0, 'the server (a fiber of this isolate) answered while flush waited');
      const res = g.readAll(fd);
      assert.match(res, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(res, /\r\nX-Echo: yes\r\n/i);
      assert.match(res, /\r\nContent-Length: 33\r\n\r\nPOST \/echo\?x=1 yes a\.test \[hello\]$/);
      // the reference's own test request: lines ending in LF only
      const lf = 'GET / HTTP/1.1\nHost: 127.0.0.1\nUser-Agent: Go-http-client/1.1\n\n';
      assert.equal(g.write(fd, lf), lf.length);
      assert.equal(g.ex.flush(fd), 0);
      assert.match(g.readAll(fd), /\r\n\r\nGET \/ - 127\.0\.0\.1 \[\]$/);
      // a chunked request body
      assert.equal(g.write(fd, 'PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n') > 0, true);
      assert.equal(g.ex.flush(fd), 0);
      assert.match(g.readAll(fd), /PUT \/c - h \[abcde\]$/);
      assert.equal(g.write(fd, 'not http at all'), 15);
      assert.equal(g.ex.flush(fd), FAILED, 'a request that does not parse');
      const other = g.open('http://127.0.0.1:9/');
      assert.equal(g.write(other, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 27);
      assert.equal(g.ex.flush(other), FAILED, 'nobody listens there');
      assert.equal(g.ex.close(fd), 0);
    });
  } finally {
    server.close();
  }
});

test('dagger_main of its own: an HTTP exchange end to end (dagger_get.wat)', () => {
  const server = serve(http.createServer((req, res) => res.end('x'.repeat(50000))));
  const url = `http://127.0.0.1:${server.address().port}/big`;
  const request = 'GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n';
  try {
    const dagger = new Dagger();
    const instance = new WebAssembly.Instance(module('dagger_get'), dagger.getImportObject());
    const view = new DataView(instance.exports.memory.buffer), mem = new Uint8Array(instance.exports.memory.buffer);
    view.setUint32(0, url.length, true);
    mem.set(new TextEncoder().encode(url), 4);
    view.setUint32(2048, request.length, true);
    mem.set(new TextEncoder().encode(request), 2052);
    const total = dagger.start(instance);
    const res = new TextDecoder().decode(mem.subarray(8192, 8192 + total));
    assert.match(res, /^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 50000\r\n\r\nx{50000}$/);
  } finally {
    server.close();
  }
});

test('https:// against our TLS server, verified with the test CA (and refused without it)', () => {
  const server = serve(https.createServer({ key: fs.readFile(`${certs}/a.key`), cert: fs.readFile(`${certs}/a.pem`) },
    echoHandler));
  const { port } = server.address();
  const req = 'GET /tls HTTP/1.1\r\nHost: localhost\r\n\r\n';
  try {
    run({ ca: fs.readFile(`${certs}/ca.pem`) }, (g) => {
      const fd = g.open(`https://localhost:${port}/`);
      assert.equal(g.write(fd, req), req.length);
      assert.equal(g.ex.flush(fd), 0);
      assert.match(g.readAll(fd), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nGET \/tls - localhost \[\]$/);
    });
    run({}, (g) => {
      const fd = g.open(`https://localhost:${port}/`);
      g.write(fd, req);
      assert.equal(g.ex.flush(fd), FAILED, 'the server\'s certificate is not from a CA the system trusts');
    });
  } finally {
    server.close();
  }
});

// ---- Dagger apps as isolates ----

test('a Dagger app in an isolate: its capabilities decide what it may open', () => {
  assert.equal(new Isolate(`${progs}/dagger_caps.wasm`).join().code, 7, 'no net, no fs, no fd://');
  assert.equal(new Isolate(`${progs}/dagger_caps.wasm`, { net: true, fs: progs }).join().code, 4,
    'http:// and file:// in its directory, but no fd:// in a jail');
  const hello = new Isolate(`${progs}/dagger_hello.wasm`);
  assert.deepEqual(hello.join(), { code: 0, error: undefined });
});

test('terminate() ends an isolate whose flush waits for an answer that never comes', () => {
  let connected = false;
  const silent = serve(net.createServer((socket) => { connected = true; while (socket.read() !== null); }));
  fs.writeFile(`${tmp}/fetcher.mjs`, `
    import { Dagger } from 'corojs:dagger';
    export function fetch(url) {
      const d = new Dagger();
      const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFile('${progs}/dagger_get.wasm', null)),
        d.getImportObject());
      const m = new Uint8Array(instance.exports.memory.buffer), v = new DataView(instance.exports.memory.buffer);
      const req = 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n';
      v.setUint32(0, url.length, true); m.set(new TextEncoder().encode(url), 4);
      v.setUint32(2048, req.length, true); m.set(new TextEncoder().encode(req), 2052);
      return d.start(instance);
    }`);
  const child = new Isolate(`${tmp}/fetcher.mjs`, { net: true, fs: '/' });
  const call = child.callAsync('fetch', `http://127.0.0.1:${silent.address().port}/`);
  call.catch(() => {});
  while (!connected) Fiber.sleep(1); // the flush has connected: it waits for the answer now
  child.terminate();
  assert.equal(child.join().code, 1);
  assert.throws(() => Fiber.await(call), { code: 'ERR_ISOLATE_TERMINATED' });
  silent.close();
});
