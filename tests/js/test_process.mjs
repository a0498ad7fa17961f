import { test, assert, event } from './harness.mjs';

test('argv: execPath, the absolute script path, then the arguments', () => {
  assert.equal(process.argv[0], process.execPath);
  assert.match(process.argv[1], /^\/.*test_process\.mjs$/);
  assert.ok(process.execPath.endsWith('corojs'));
});

test('env is a plain object of strings', () => {
  assert.equal(typeof process.env.PATH, 'string');
  assert.equal(process.env.TEST_TMPDIR !== undefined, true);
});

test('pid, platform, versions', () => {
  assert.equal(typeof process.pid, 'number');
  assert.equal(process.platform, 'linux');
  assert.match(process.version, /^v\d+\.\d+\.\d+$/);
  assert.match(process.versions.quickjs, /^2025/);
  assert.equal(typeof process.versions.uv, 'string');
});

test('cwd and chdir; chdir to a missing directory is ENOENT', () => {
  const here = process.cwd();
  process.chdir('/');
  assert.equal(process.cwd(), '/');
  process.chdir(here);
  assert.equal(process.cwd(), here);
  assert.throws(() => process.chdir('/no/such/dir'), { code: 'ENOENT', syscall: 'chdir' });
  assert.throws(() => process.chdir(5), { name: 'TypeError' });
});

test('hrtime, performance.now and uptime move forward', () => {
  const a = process.hrtime.bigint();
  const p = performance.now();
  Fiber.sleep(5);
  assert.ok(process.hrtime.bigint() - a >= 4000000n);
  assert.ok(performance.now() - p >= 4);
  const [s, ns] = process.hrtime([0, 0]);
  assert.ok(s >= 0 && ns >= 0 && ns < 1e9);
  assert.ok(process.uptime() > 0);
  const before = Date.now();
  const now = performance.timeOrigin + performance.now();
  const after = Date.now();
  assert.ok(now >= before - 1 && now <= after + 1, 'timeOrigin + now() is the wall clock');
});

test('memoryUsage reports rss, heap and the bytes of live ArrayBuffers', () => {
  const m = process.memoryUsage();
  assert.ok(m.rss > 0 && m.heapUsed > 0);
  let held = new ArrayBuffer(4 << 20);
  const withBuffer = process.memoryUsage();
  assert.ok(withBuffer.arrayBuffers - m.arrayBuffers >= 4 << 20, 'a 4 MiB ArrayBuffer is counted');
  assert.ok(withBuffer.external >= withBuffer.arrayBuffers);
  structuredClone(held, { transfer: [held] }); // detached: its bytes moved to the clone, now garbage
  held = null;
  assert.ok(process.memoryUsage().arrayBuffers < withBuffer.arrayBuffers, 'a detached buffer is not counted');
});

test('process says [object process] and stays so as an EventEmitter', () => {
  assert.equal(Object.prototype.toString.call(process), '[object process]');
  const tag = Object.getOwnPropertyDescriptor(process, Symbol.toStringTag);
  assert.deepEqual([tag.value, tag.enumerable, tag.configurable], ['process', false, false], 'a tag of its own, as Node\'s');
  const copy = Object.setPrototypeOf({}, Object.getPrototypeOf(process));
  assert.equal(Object.prototype.toString.call(copy), '[object Object]', 'an object with process\'s prototype is not tagged');
  process.once('corojs-test', () => {});
  process.emit('corojs-test');
  assert.equal(Object.prototype.toString.call(process), '[object process]');
});

test('nextTick runs callbacks with their arguments', () => {
  const ran = event();
  process.nextTick((a, b) => ran.fire(a + b), 1, 2);
  assert.equal(ran.wait(), 3);
});

test('exitCode is checked', () => {
  assert.throws(() => { process.exitCode = 'x'; }, { name: 'TypeError' });
  process.exitCode = 0;
});

test('stdout.write writes strings and bytes', () => {
  process.stdout.write('# written by stdout.write\n');
  process.stdout.write(new TextEncoder().encode('# and as bytes\n'));
});
