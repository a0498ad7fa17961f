// flags: --expose-internals
// Node's child_process, net, dgram, tty, v8 and worker_threads load (Node's
// test/common requires them), over bindings that give what they read at load
// (lib/node/bindings/*_wrap.js, worker.js, v8.js, ...). What is not there yet
// throws ERR_NOT_IMPLEMENTED at the use -- it never pretends to work.
import { test, assert } from './harness.mjs';
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
  const stats = requireBuiltin('v8').getHeapStatistics();
  assert.ok(stats.used_heap_size > 0 && stats.total_heap_size >= stats.used_heap_size);
});

test('uses not there yet throw ERR_NOT_IMPLEMENTED', () => {
  const cp = requireBuiltin('child_process');
  notYet(() => cp.spawn('true'), /child_process\.spawn\(\)/);
  notYet(() => cp.exec('true', () => {}), /child_process\.spawn\(\)/);
  notYet(() => cp.spawnSync('true'), /spawnSync/);
  notYet(() => cp.execSync('true'), /spawnSync/);
  notYet(() => requireBuiltin('net').connect(1, '127.0.0.1'), /node:net TCP/);
  const wt = requireBuiltin('worker_threads');
  notYet(() => new wt.Worker('./w.js'), /worker_threads\.Worker/);
  notYet(() => new wt.MessageChannel(), /MessageChannel/);
  notYet(() => requireBuiltin('v8').serialize({}), /v8\.Serializer/);
  notYet(() => new (requireBuiltin('tty').WriteStream)(1), /tty\.ReadStream and tty\.WriteStream/);
});

test('bad arguments still get Node\'s errors first', () => {
  const cp = requireBuiltin('child_process');
  assert.throws(() => cp.spawn(42), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => cp.execFileSync('true', 'not-an-array-nor-options', 1), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new (requireBuiltin('worker_threads').Worker)('x.js'), { code: 'ERR_WORKER_PATH' });
});
