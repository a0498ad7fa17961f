// flags: --expose-gc
// with: tests/wasm/with-fixtures.sh
// WebAssembly: the JS API on our engine, blocking imports, preemption and
// limits in isolates, bad input, ES module imports of .wasm files. The
// modules are tests/wasm/fixtures/*.wat, assembled by wat2wasm beforehand.
import { test, assert } from './harness.mjs';

const dir = process.env.WASM_FIXTURES;
const bytes = (name) => fs.readFile(`${dir}/${name}.wasm`, null);
const { Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError } = WebAssembly;

const logged = [];
const env = { log: (x) => logged.push(x), add64: (a, b) => a + b };
const basic = new Instance(new Module(bytes('basic')), { env }).exports;

test('exports: functions, memory, table, globals; the exports object is frozen', () => {
  assert.equal(basic.add(2, 3), 5);
  assert.ok(basic.memory instanceof Memory);
  assert.ok(basic.table instanceof Table);
  assert.ok(basic.counter instanceof Global);
  assert.ok(Object.isFrozen(basic));
  assert.equal(Object.getPrototypeOf(basic), null);
  assert.deepEqual(Module.exports(new Module(bytes('grow'))), [
    { name: 'memory', kind: 'memory' }, { name: 'grow', kind: 'function' }, { name: 'size', kind: 'function' }]);
  assert.deepEqual(Module.imports(new Module(bytes('blocking'))), [{ module: 'host', name: 'next', kind: 'function' }]);
});

test('exported functions: name is the function index, length the parameter count, one object each', () => {
  assert.equal(basic.add.name, '2');
  assert.equal(basic.add.length, 2);
  assert.equal(typeof basic.add, 'function');
  assert.equal(basic.table.get(0), basic.add);
  assert.throws(() => new basic.add(1, 2), { name: 'TypeError' });
});

test('i64 is BigInt both ways; numbers convert as the JS API says', () => {
  assert.equal(basic.mul64(3n, -4n), -12n);
  assert.equal(basic.mul64(2n ** 62n, 4n), 0n);
  assert.equal(basic.callAdd64(2n ** 63n - 1n, 1n), -(2n ** 63n));
  assert.throws(() => basic.mul64(1, 2), { name: 'TypeError' });
  assert.equal(basic.add(2.9, '3'), 5);
  assert.equal(basic.add(2 ** 32 + 1, 0), 1);
  assert.equal(basic.big.value, -5n);
});

test('multi-value results are arrays; v128 cannot cross into JS', () => {
  assert.deepEqual(basic.swap(1, 2.5), [2.5, 1]);
  assert.throws(() => basic.simd(0), { name: 'TypeError' });
});

test('JS functions as imports are called with converted arguments', () => {
  logged.length = 0;
  basic.logTwice(21);
  assert.deepEqual(logged, [21, 42]);
});

test('an exception thrown by an import crosses wasm frames unchanged', () => {
  const e = new Error('from JS');
  const i = new Instance(new Module(bytes('blocking')), { host: { next() { throw e; } } });
  assert.equal(assert.throws(() => i.exports.sum(3)), e);
});

test('traps are RuntimeErrors naming the function and the byte offset', () => {
  const err = assert.throws(() => basic.divide(1, 0), { name: 'RuntimeError' });
  assert.match(err.message, /^integer divide by zero \(in wasm function \d+ "divide" at byte offset \d+\)$/);
  assert.ok(err instanceof WebAssembly.RuntimeError && err instanceof Error);
  assert.throws(() => basic.divide(-(2 ** 31), -1), { message: /^integer overflow/ });
  assert.throws(() => basic.load(65536), { message: /^out of bounds memory access/ });
  assert.throws(() => basic.callTable(1, 1, 2), { message: /^uninitialized element/ });
  assert.throws(() => basic.callTable(5, 1, 2), { message: /^undefined element/ });
  assert.equal(basic.callTable(0, 1, 2), 3);
});

test('deep wasm recursion is a RangeError, and the instance still works after', () => {
  assert.throws(() => basic.recurse(0), { name: 'RangeError', message: /call stack/ });
  assert.equal(basic.add(1, 1), 2);
});

test('Memory: grow detaches the old buffer, also when wasm grows it; the maximum holds', () => {
  const m = basic.memory;
  const before = m.buffer;
  assert.equal(before, m.buffer);
  assert.equal(new TextDecoder().decode(new Uint8Array(before, 16, 5)), 'hello');
  assert.equal(m.grow(1), 1);
  assert.equal(before.byteLength, 0, 'detached');
  assert.equal(m.buffer.byteLength, 2 * 65536);
  const b2 = m.buffer;
  assert.equal(basic.grow(1), 2);
  assert.equal(b2.byteLength, 0, 'detached by memory.grow in wasm');
  assert.equal(m.buffer.byteLength, 3 * 65536);
  assert.equal(basic.grow(1), -1, 'past the maximum');
  assert.throws(() => m.grow(1), { name: 'RangeError' });
  assert.equal(new TextDecoder().decode(new Uint8Array(m.buffer, 16, 5)), 'hello');
});

test('Memory, Table and Global made in JS and shared with wasm', () => {
  assert.throws(() => new Memory({ initial: 2, maximum: 1 }), { name: 'RangeError' });
  assert.throws(() => new Memory({}), { name: 'TypeError' });
  assert.throws(() => Memory({ initial: 1 }), { name: 'TypeError' });
  const t = new Table({ element: 'anyfunc', initial: 1 });
  assert.equal(t.get(0), null);
  t.set(0, basic.add);
  assert.equal(t.get(0), basic.add);
  assert.throws(() => t.set(0, () => 1), { name: 'TypeError' });
  assert.throws(() => t.get(1), { name: 'RangeError' });
  assert.equal(t.grow(2), 1);
  assert.equal(t.length, 3);
  const g = new Global({ value: 'i64', mutable: true }, 7n);
  g.value = 8n;
  assert.equal(g.valueOf(), 8n);
  assert.throws(() => { basic.big.value = 1n; }, { name: 'TypeError' });
  assert.equal(basic.bump(), 1);
  basic.counter.value = 10;
  assert.equal(basic.bump(), 11);
});

test('externref and funcref values live in tables and globals through GC', () => {
  const r = new Instance(new Module(bytes('refs'))).exports;
  const kept = { name: 'kept' };
  r.put(0, kept);
  r.put(1, undefined);
  r.hold({ name: 'held' });
  gc();
  assert.equal(r.take(0), kept);
  assert.equal(r.take(1), undefined);
  assert.equal(r.take(2), null);
  assert.equal(r.held.value.name, 'held');
  assert.equal(r.isNull(null), 1);
  assert.equal(r.isNull(undefined), 0);
  assert.equal(r.externs.get(0), kept);
  assert.equal(r.getF(), r.f);
  assert.equal(r.getF()(), 42);
});

test('bad modules are CompileErrors naming the byte offset and what was expected', () => {
  const valid = bytes('spin');
  const cut = valid.slice(0, valid.length - 3);
  assert.throws(() => new Module(cut), { name: 'CompileError', message: /unexpected end.*\(at byte \d+\)$/ });
  assert.throws(() => new Module(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0])),
    { name: 'CompileError', message: 'unknown binary version: expected 1 (at byte 4)' });
  assert.throws(() => new Module(new Uint8Array([1, 2, 3, 4])), { message: /magic header not detected.*at byte 0/ });
  // a LEB128 count of six bytes in the type section
  assert.throws(() => new Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 0x80, 0x80, 0x80, 0x80, 0x80, 0])),
    { message: /integer representation too long \(at byte 10\)/ });
  // a function returning i32 whose body is i64.const 0
  const bad = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0,
    10, 6, 1, 4, 0, 0x42, 0, 0x0b]);
  assert.throws(() => new Module(bad), { name: 'CompileError', message: /type mismatch: expected i32, got i64 \(at byte \d+\)/ });
  assert.equal(WebAssembly.validate(bad), false);
  assert.equal(WebAssembly.validate(valid), true);
  assert.throws(() => new Module(), { name: 'TypeError' });
  assert.throws(() => new Module('not bytes'), { name: 'TypeError' });
});

test('link errors name the module and the field', () => {
  const m = new Module(bytes('basic'));
  assert.throws(() => new Instance(m, { env: { log() {} } }),
    { name: 'LinkError', message: /import "env" "add64": expected a function/ });
  assert.throws(() => new Instance(m, {}), { name: 'TypeError', message: /module "env" is not an object/ });
  assert.throws(() => new Instance(m), { name: 'TypeError' });
  const wrongType = new Instance(new Module(bytes('reenter')), { host: { call: (x) => x } }).exports.twice;
  assert.throws(() => new Instance(m, { env: { log: wrongType, add64() {} } }),
    { name: 'LinkError', message: /import "env" "log": function of another type/ });
});

test('compile and instantiate return promises; failures reject', () => {
  const { module, instance } = Fiber.await(WebAssembly.instantiate(bytes('spin')));
  assert.ok(module instanceof Module);
  assert.equal(instance.exports.count(10), 10);
  const again = Fiber.await(WebAssembly.instantiate(module));
  assert.ok(again instanceof Instance);
  let err;
  Fiber.await(WebAssembly.compile(new Uint8Array([0, 1, 2])).catch((e) => { err = e; }));
  assert.ok(err instanceof CompileError);
  Fiber.await(WebAssembly.instantiate(42).catch((e) => { err = e; }));
  assert.ok(err instanceof TypeError);
});

test('an import may call back into its instance (calls nest on one stack)', () => {
  let i;
  i = new Instance(new Module(bytes('reenter')), { host: { call: (x) => i.exports.inc(x) + 10 } });
  assert.equal(i.exports.twice(1), 24);
});

test('an import that blocks parks the fiber under the wasm frames (Fiber.sleep)', () => {
  let others = 0;
  const other = Fiber.run(() => { for (let k = 0; k < 3; k++) { others++; Fiber.yield(); } });
  const i = new Instance(new Module(bytes('blocking')), { host: { next(x) { Fiber.sleep(1); return x * 10; } } });
  assert.equal(i.exports.sum(4), 60);
  other.join();
  assert.equal(others, 3, 'the other fiber ran while wasm waited');
});

test('an import that blocks on a real socket; two fibers in one instance at once', () => {
  const server = net.createServer((s) => { for (const chunk of s) s.write(String(Number(chunk) * 2)); });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const { port } = server.address();
  const conns = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
  let current = 0;
  const mod = new Module(bytes('blocking'));
  // each fiber's calls go to its own connection: the request, then a blocking read of the answer
  const make = (sock) => new Instance(mod, { host: { next(x) { sock.write(String(x + 1)); return Number(sock.read()); } } });
  const a = make(conns[0]);
  const b = make(conns[1]);
  const fb = Fiber.run(() => b.exports.sum(3));
  const ra = a.exports.sum(4);
  assert.equal(ra, 2 * (1 + 2 + 3 + 4));
  assert.equal(fb.join(), 2 * (1 + 2 + 3));
  current = conns.length;
  for (const c of conns) c.close();
  server.close();
  assert.equal(current, 2);
});

test('cpuSlice preempts a wasm loop in a child isolate, terminate() stops it', () => {
  const child = new Isolate(`${dir}/child.mjs`, { cpuSlice: 2, fs: dir });
  assert.equal(child.call('count', 1000), 1000);
  let outcome;
  child.callAsync('spin').catch((e) => { outcome = e.code; });
  let ticks = 0;
  for (let k = 0; k < 5; k++) { Fiber.sleep(2); ticks++; }
  assert.equal(ticks, 5, 'this isolate ran while the child spun in wasm');
  assert.equal(child.stats().state, 'running');
  child.terminate();
  assert.equal(child.join().code, 1);
  Fiber.sleep(1);
  assert.equal(outcome, 'ERR_ISOLATE_TERMINATED');
});

test('linear memory counts against memoryLimit: memory.grow past it returns -1', () => {
  const child = new Isolate(`${dir}/child.mjs`, { memoryLimit: 32 << 20, fs: dir });
  assert.equal(child.call('grow', 100), 1, 'the first 6.5 MB fit');
  assert.equal(child.call('grow', 1000), -1, '64 MB more do not');
  assert.equal(child.call('size'), 101);
  assert.equal(child.call('newMemory', 1000), 'RangeError');
  assert.equal(child.call('newMemory', 10), 10 * 65536);
  child.terminate();
  child.join();
});

test('import from a .wasm file: named exports, the exports object as default', () => {
  const ns = Fiber.await(import(`${dir}/esm.wasm`));
  assert.equal(ns.plus(5), 105);
  assert.ok(ns.answer instanceof Global);
  assert.equal(ns.default.default(), 7);
  assert.equal(ns.default.plus, ns.plus);
});

test('require() of a .wasm file: the module import gives', () => {
  const { createRequire } = Fiber.await(import('node:module'));
  const ns = createRequire(`${dir}/x.js`)('./esm.wasm');
  assert.equal(ns.plus(5), 105);
  assert.equal(ns, Fiber.await(import(`${dir}/esm.wasm`)));
});

test('compileStreaming and instantiateStreaming over a Response', () => {
  const wasm = bytes('spin');
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', req.url === '/ok' ? 'application/wasm' : 'text/plain');
    res.end(wasm);
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `http://127.0.0.1:${server.address().port}`;
  const { instance } = Fiber.await(WebAssembly.instantiateStreaming(fetch(`${url}/ok`)));
  assert.equal(instance.exports.count(5), 5);
  const m = Fiber.await(WebAssembly.compileStreaming(fetch(`${url}/ok`)));
  assert.ok(m instanceof Module);
  let err;
  Fiber.await(WebAssembly.compileStreaming(fetch(`${url}/text`)).catch((e) => { err = e; }));
  assert.ok(err instanceof TypeError);
  assert.match(err.message, /application\/wasm/);
  server.close();
});

test('many instances come and go: memory does not grow', () => {
  const m = new Module(bytes('basic'));
  const round = () => { for (let k = 0; k < 2000; k++) new Instance(m, { env }).exports.add(k, 1); gc(); };
  round();
  const before = process.memoryUsage().rss;
  round();
  round();
  const grew = process.memoryUsage().rss - before;
  // (AddressSanitizer keeps freed memory in quarantine: there its leak check at exit is the test)
  if (process.env.COROJS_TEST_VARIANT !== 'asan') assert.ok(grew < 8 << 20, `rss grew by ${grew} bytes`);
});
