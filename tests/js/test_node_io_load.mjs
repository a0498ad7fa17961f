// flags: --expose-internals
// Node's child_process, net, dgram, tty, v8 and worker_threads load (Node's
// test/common requires them), over bindings that give what they read at load
// (lib/node/bindings/*_wrap.js, worker.js, v8.js, ...). What is not there yet
// throws ERR_NOT_IMPLEMENTED at the use -- it never pretends to work.
// spawnSync and its friends are real (src/prim/spawn.c), spawn, exec and
// execFile too (tests/js/test_node_child.mjs).
import { test, assert, tmpdir } from './harness.mjs';
import { requireBuiltin } from 'corojs:internal/node/builtins';

const notYet = (fn, what) => assert.throws(fn, { code: 'ERR_NOT_IMPLEMENTED', message: what });

test('child_process, net, dgram, tty, v8, worker_threads load', () => {
  for (const id of ['child_process', 'net', 'dgram', 'tty', 'v8', 'worker_threads']) {
    assert.equal(typeof requireBuiltin(id), 'object', id);
  }
  assert.equal(typeof requireBuiltin('child_process').spawnSync, 'function');
  assert.equal(typeof requireBuiltin('net').Socket, 'function');
});

test('what works already: isIP, isMainThread, isatty, heap figures', () => {
  const net = requireBuiltin('net');
  assert.equal(net.isIP('127.0.0.1'), 4);
  assert.equal(net.isIP('::1'), 6);
  assert.equal(net.isIP('nope'), 0);
  const wt = requireBuiltin('worker_threads');
  assert.equal(wt.isMainThread, true);
  assert.equal(wt.threadId, 0);
  const tty = requireBuiltin('tty');
  assert.equal(tty.isatty(99999), false);
  assert.equal(tty.isatty(-1), false);
  assert.throws(() => new tty.WriteStream(99999), { code: 'ERR_TTY_INIT_FAILED', message: /uv_tty_init returned EINVAL/ });
  const stats = requireBuiltin('v8').getHeapStatistics();
  assert.ok(stats.used_heap_size > 0 && stats.total_heap_size >= stats.used_heap_size);
});

test('uses not there yet throw ERR_NOT_IMPLEMENTED', () => {
  const cp = requireBuiltin('child_process');
  notYet(() => requireBuiltin('v8').serialize({}), /v8\.Serializer/);
  notYet(() => cp.spawnSync('true', { uid: 0 }), /uid or gid/);
  notYet(() => cp.spawnSync('true', { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] }), /stdio\[3\]/);
});

test('spawnSync, execSync, execFileSync run real children', () => {
  const cp = requireBuiltin('child_process');
  const r = cp.spawnSync('sh', ['-c', 'echo out; echo err >&2; cat; exit 3'], { input: 'fed' });
  assert.equal(r.status, 3);
  assert.equal(r.signal, null);
  assert.ok(r.pid > 0);
  assert.equal(r.stdout.toString(), 'out\nfed');
  assert.equal(r.stderr.toString(), 'err\n');
  assert.deepEqual(r.output.map((b) => b && b.toString()), [null, 'out\nfed', 'err\n']);
  assert.equal(cp.execSync('echo hi', { encoding: 'utf8' }), 'hi\n');
  assert.equal(cp.execFileSync('pwd', { cwd: tmpdir, encoding: 'utf8' }).trim(), cp.execFileSync('sh', ['-c', 'cd "$0" && pwd -P', tmpdir], { encoding: 'utf8' }).trim());
  assert.equal(cp.execFileSync('sh', ['-c', 'echo "$FOO"'], { env: { FOO: 'bar' }, encoding: 'utf8' }), 'bar\n');
  assert.equal(cp.spawnSync('sh', ['-c', 'echo x'], { stdio: 'ignore' }).stdout, null);
  const killed = cp.spawnSync('sh', ['-c', 'kill -9 $$']);
  assert.equal(killed.status, null);
  assert.equal(killed.signal, 'SIGKILL');
});

test('spawnSync failures: a missing program, a timeout, maxBuffer, a failing command', () => {
  const cp = requireBuiltin('child_process');
  const missing = cp.spawnSync('/nonexistent/program', ['a']);
  assert.equal(missing.status, null);
  assert.equal(missing.output, null);
  assert.equal(missing.error.code, 'ENOENT');
  assert.equal(missing.error.syscall, 'spawnSync /nonexistent/program');
  assert.equal(missing.error.path, '/nonexistent/program');
  assert.deepEqual(missing.error.spawnargs, ['a']);
  // a child that would never end: the timeout ends it (the test waits on
  // the child's exit, not on a clock)
  const slow = cp.spawnSync('sleep', ['1000'], { timeout: 50 });
  assert.equal(slow.error.code, 'ETIMEDOUT');
  assert.equal(slow.signal, 'SIGTERM');
  const ignoresTerm = cp.spawnSync('sh', ['-c', 'trap "" TERM; exec sleep 1000'], { timeout: 50, killSignal: 'SIGKILL' });
  assert.equal(ignoresTerm.signal, 'SIGKILL');
  const flood = cp.spawnSync('yes', [], { maxBuffer: 1000 });
  assert.equal(flood.error.code, 'ENOBUFS');
  assert.ok(flood.signal === 'SIGTERM' || flood.signal === 'SIGPIPE');
  // a grandchild that keeps the output open does not hold spawnSync past its timeout
  const held = cp.spawnSync('sh', ['-c', 'sleep 1000 & echo $!'], { timeout: 200 });
  cp.execFileSync('kill', [held.stdout.toString().trim()]); // the grandchild
  assert.equal(held.error.code, 'ETIMEDOUT');
  assert.match(held.stdout.toString(), /^\d+\n$/);

  const e = assert.throws(() => cp.execSync('exit 2', { stdio: 'pipe' }), { status: 2 });
  assert.match(e.message, /^Command failed: exit 2/);
});

test('spawnSync is exclusive: no other fiber of the isolate runs meanwhile', () => {
  const cp = requireBuiltin('child_process');
  let ran = false;
  const other = Fiber.run(() => { Fiber.yield(); ran = true; });
  cp.spawnSync('sh', ['-c', 'exit 0']);
  assert.ok(!ran);
  other.join();
  assert.ok(ran);
});

test('bad arguments still get Node\'s errors first', () => {
  const cp = requireBuiltin('child_process');
  assert.throws(() => cp.spawn(42), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => cp.execFileSync('true', 'not-an-array-nor-options', 1), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new (requireBuiltin('worker_threads').Worker)('x.js'), { code: 'ERR_WORKER_PATH' });
});
