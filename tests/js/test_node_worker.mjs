// node:worker_threads on isolates: Worker (lib/node/bindings/worker.js over
// src/prim/worker.c, Node's internal/worker.js on top), ports whose ends
// live in different isolates (src/prim/messaging.c's channel ends), the
// structured clone to bytes between them, and the faults: a missing file, a
// worker that throws, one that spins until terminated, what cannot be
// cloned, closed ports.
import { test, assert, event, tmpdir } from './harness.mjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const {
  Worker, MessageChannel, receiveMessageOnPort, isMainThread, threadId, parentPort, workerData,
  SHARE_ENV, setEnvironmentData, markAsUntransferable, resourceLimits,
} = require('worker_threads');
const fs = require('fs');
const { spawnSync } = require('child_process');

// The 'exit' of w (and the 'error' before it, if any): a promise, watched
// from when the worker is made (watch(w)), so none is missed.
const ends = new WeakMap();
function watch(w) {
  const done = event();
  let error;
  w.on('error', (e) => { error = e; });
  w.on('exit', (code) => done.fire({ code, error }));
  ends.set(w, done);
  return w;
}
const ended = (w) => ends.get(w);

// The next message of an emitter (a Worker or a port).
function next(emitter) {
  const got = event();
  emitter.once('message', got.fire);
  return got.wait();
}

// A worker of `code` (evaluated, as Node's eval: true) with options.
const evalWorker = (code, options = {}) => watch(new Worker(code, { eval: true, ...options }));

test('the main thread', () => {
  assert.equal(isMainThread, true);
  assert.equal(threadId, 0);
  assert.equal(parentPort, null);
  assert.equal(workerData, null);
  assert.deepEqual(resourceLimits, {});
});

test('a worker from a file: workerData, argv, env, online, message, exit', () => {
  const file = `${tmpdir}/worker_file.cjs`;
  fs.writeFileSync(file, `
    const { parentPort, workerData, isMainThread, threadId } = require('worker_threads');
    parentPort.postMessage({ isMainThread, threadId, workerData, argv: process.argv.slice(2), env: process.env.WORKER_VAR });
  `);
  const online = event();
  const w = watch(new Worker(file, { workerData: { n: 1, list: [1, 2] }, argv: ['a', 2], env: { WORKER_VAR: 'v' } }));
  const end = ended(w);
  w.on('online', online.fire);
  const msg = next(w);
  online.wait();
  assert.equal(msg.isMainThread, false);
  assert.ok(msg.threadId > 0 && msg.threadId === w.threadId);
  assert.deepEqual(msg.workerData, { n: 1, list: [1, 2] });
  assert.deepEqual(msg.argv, ['a', '2']);
  assert.equal(msg.env, 'v');
  assert.deepEqual(end.wait(), { code: 0, error: undefined });
  assert.equal(w.threadId, -1);
});

test('a file: URL and an ES module', () => {
  const file = `${tmpdir}/worker_esm.mjs`;
  fs.writeFileSync(file, `
    import { parentPort } from 'node:worker_threads';
    parentPort.postMessage(typeof require);
  `);
  const w = watch(new Worker(new URL(`file://${file}`)));
  assert.equal(next(w), 'undefined');
  assert.equal(ended(w).wait().code, 0);
});

test('messages are real structured clones, both ways', () => {
  const w = evalWorker(`
    const { parentPort } = require('worker_threads');
    parentPort.on('message', (v) => parentPort.postMessage(v));
  `);
  class Point { constructor() { this.x = 1; } }
  const sent = {
    map: new Map([['k', new Set([1, 'two'])]]), date: new Date(7), re: /a+/gi, big: 12345678901234567890n,
    err: Object.assign(new RangeError('range'), { code: 'E_X' }), bytes: new Uint16Array([1, 65535]),
    dv: new DataView(new ArrayBuffer(4), 1, 2), point: new Point(), boxed: Object('s'), nested: [[[]]],
    get computed() { return 'got'; },
  };
  sent.self = sent;
  const back = next((w.postMessage(sent), w));
  assert.equal(back.self, back);
  assert.ok(back.map instanceof Map && back.map.get('k') instanceof Set);
  assert.deepEqual([...back.map.get('k')], [1, 'two']);
  assert.equal(back.date.getTime(), 7);
  assert.ok(back.re instanceof RegExp && back.re.source === 'a+' && back.re.flags === 'gi');
  assert.equal(back.big, 12345678901234567890n);
  assert.ok(back.err instanceof RangeError);
  assert.equal(back.err.message, 'range');
  assert.equal(back.err.code, undefined); // own properties other than message, stack, cause are not cloned
  assert.ok(back.bytes instanceof Uint16Array);
  assert.deepEqual([...back.bytes], [1, 65535]);
  assert.ok(back.dv instanceof DataView && back.dv.byteOffset === 1 && back.dv.byteLength === 2);
  assert.equal(Object.getPrototypeOf(back.point), Object.prototype);
  assert.equal(back.point.x, 1);
  assert.equal(back.boxed.valueOf(), 's');
  assert.equal(back.computed, 'got');
  w.terminate();
  ended(w).wait();
});

test('transfer moves an ArrayBuffer: the sender\'s is detached', () => {
  const w = evalWorker(`
    const { parentPort } = require('worker_threads');
    parentPort.on('message', ({ buf }) => {
      const view = new Uint8Array(buf);
      view[0] += 1;
      parentPort.postMessage({ buf, first: view[0] }, [buf]);
      parentPort.postMessage(buf.byteLength);
    });
  `);
  const buf = new ArrayBuffer(1 << 20);
  new Uint8Array(buf)[0] = 41;
  const reply = event();
  const got = [];
  w.on('message', (m) => { got.push(m); if (got.length === 2) reply.fire(); });
  w.postMessage({ buf }, [buf]);
  assert.equal(buf.byteLength, 0);
  reply.wait();
  assert.equal(got[0].first, 42);
  assert.equal(got[0].buf.byteLength, 1 << 20);
  assert.equal(new Uint8Array(got[0].buf)[0], 42);
  assert.equal(got[1], 0, 'detached in the worker too');
  w.terminate();
  ended(w).wait();
});

test('markAsUntransferable: copied, not moved', () => {
  const w = evalWorker(`require('worker_threads').parentPort.once('message', (b) => require('worker_threads').parentPort.postMessage(b.byteLength))`);
  const buf = new ArrayBuffer(8);
  markAsUntransferable(buf);
  w.postMessage(buf, [buf]);
  assert.equal(buf.byteLength, 8);
  assert.equal(next(w), 8);
  ended(w).wait();
});

test('a SharedArrayBuffer is shared with the worker', () => {
  const sab = new SharedArrayBuffer(4);
  const w = evalWorker(`
    const { parentPort, workerData } = require('worker_threads');
    new Int32Array(workerData)[0] = 99;
    parentPort.postMessage('written');
  `, { workerData: sab });
  assert.equal(next(w), 'written');
  assert.equal(new Int32Array(sab)[0], 99);
  ended(w).wait();
});

test('a MessagePort sent to a worker keeps working, both ways, and moves on', () => {
  const echo = `
    const { parentPort } = require('worker_threads');
    parentPort.once('message', ({ port }) => {
      port.on('message', (m) => {
        if (m === 'close') return port.close();
        port.postMessage('echo ' + m);
      });
    });
  `;
  const a = evalWorker(echo);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage('queued before the move');
  a.postMessage({ port: port2 }, [port2]);
  assert.equal(next(port1), 'echo queued before the move');
  port1.postMessage('hi');
  assert.equal(next(port1), 'echo hi');
  // a port whose other end is in a worker, sent to another worker
  const relay = evalWorker(`
    const { parentPort, MessageChannel } = require('worker_threads');
    parentPort.once('message', ({ port }) => {
      port.postMessage('from the relay');
      const { port1, port2 } = new MessageChannel();
      port.postMessage({ inner: port2 }, [port2]);
      port1.on('message', (m) => { port1.postMessage('inner got ' + m); });
    });
  `);
  const ch = new MessageChannel();
  relay.postMessage({ port: ch.port2 }, [ch.port2]);
  assert.equal(next(ch.port1), 'from the relay');
  const { inner } = next(ch.port1);
  inner.postMessage('x');
  assert.equal(next(inner), 'inner got x');
  // receiveMessageOnPort takes what came from another isolate synchronously
  inner.postMessage('y');
  let got;
  const polled = event();
  const poll = () => {
    got = receiveMessageOnPort(inner);
    if (got) polled.fire();
    else setImmediate(poll);
  };
  poll();
  polled.wait();
  assert.deepEqual(got, { message: 'inner got y' });
  // closing one end closes the other, in the worker too
  const closed = event();
  port1.on('close', closed.fire);
  port1.postMessage('close');
  closed.wait();
  inner.close();
  ch.port1.close();
  for (const w of [a, relay]) w.terminate();
  ended(a).wait();
  ended(relay).wait();
});

test('terminate() ends a worker stuck in an infinite loop: a promise of its exit code', () => {
  const w = evalWorker(`require('worker_threads').parentPort.postMessage('spinning'); for (;;);`);
  const end = ended(w);
  assert.equal(next(w), 'spinning');
  const code = Fiber.await(w.terminate());
  assert.equal(code, 1);
  assert.equal(end.wait().code, 1);
  assert.equal(Fiber.await(w.terminate()), undefined, 'again: nothing to end');
});

test('process.exit() in a worker ends only that worker', () => {
  const w = evalWorker(`process.on('exit', (c) => require('worker_threads').parentPort.postMessage('exit ' + c)); process.exit(7)`);
  const msgs = [];
  w.on('message', (m) => msgs.push(m));
  assert.equal(ended(w).wait().code, 7);
  assert.deepEqual(msgs, ['exit 7']);
});

test('an uncaught exception in a worker is its \'error\' event, then exit 1', () => {
  const w = evalWorker(`setTimeout(() => { const e = new TypeError('late'); e.code = 'E_LATE'; throw e; }, 1)`);
  const { code, error } = ended(w).wait();
  assert.equal(code, 1);
  assert.ok(error instanceof TypeError);
  assert.equal(error.message, 'late');
  assert.equal(error.code, 'E_LATE');
  assert.match(error.stack, /late/);
});

test('a worker that throws at load, or does not parse', () => {
  let r = ended(evalWorker(`throw new RangeError('at load')`)).wait();
  assert.ok(r.error instanceof RangeError && r.error.message === 'at load' && r.code === 1);
  r = ended(evalWorker(`let = = ;`)).wait();
  assert.ok(r.error instanceof SyntaxError && r.code === 1);
  r = ended(evalWorker(`throw 42`)).wait();
  assert.equal(r.error, 42);
});

test('a worker file that does not exist, and bad arguments', () => {
  const r = ended(watch(new Worker(`${tmpdir}/no-such-worker.js`))).wait();
  assert.equal(r.code, 1);
  assert.equal(r.error.code, 'ERR_MODULE_NOT_FOUND');
  assert.throws(() => new Worker('bare-name.js'), { name: 'TypeError', code: 'ERR_WORKER_PATH' });
  assert.throws(() => new Worker(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new Worker(new URL('http://x/y.js')), { code: 'ERR_INVALID_URL_SCHEME' });
  assert.throws(() => new Worker('0', { eval: true, env: 3 }), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('what cannot be cloned throws DataCloneError, and nothing moves', () => {
  const w = evalWorker(`require('worker_threads').parentPort.on('message', () => {})`);
  const buf = new ArrayBuffer(4);
  for (const v of [() => 1, Symbol('s'), { deep: [new WeakMap()] }]) {
    const e = assert.throws(() => w.postMessage({ v, buf }, [buf]), { name: 'DOMException', code: 25 });
    assert.equal(e.name, 'DataCloneError');
    assert.equal(buf.byteLength, 4);
  }
  const { port1 } = new MessageChannel();
  assert.throws(() => w.postMessage({ port1 }), { code: 'ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST' });
  assert.throws(() => w.postMessage(1, [{}]), { code: 'ERR_INVALID_TRANSFER_OBJECT' });
  port1.close();
  w.terminate();
  ended(w).wait();
});

test('closed ports: posting does nothing, the other end hears \'close\'', () => {
  const w = evalWorker(`
    const { parentPort } = require('worker_threads');
    parentPort.on('message', ({ port }) => {
      port.on('close', () => parentPort.postMessage('the other end closed'));
    });
  `);
  const { port1, port2 } = new MessageChannel();
  w.postMessage({ port: port2 }, [port2]);
  port1.close();
  assert.equal(next(w), 'the other end closed');
  assert.equal(port1.postMessage('into the void'), undefined);
  assert.equal(assert.throws(() => w.postMessage({ port2 }, [port2])).name, 'DataCloneError');
  w.terminate();
  ended(w).wait();
});

test('after its end, a worker\'s messages are all delivered, then \'exit\'', () => {
  const w = evalWorker(`
    const { parentPort } = require('worker_threads');
    for (let i = 0; i < 2000; i++) parentPort.postMessage(i);
  `);
  let count = 0;
  w.on('message', () => count++);
  assert.equal(ended(w).wait().code, 0);
  assert.equal(count, 2000);
  assert.equal(w.postMessage('late'), undefined);
});

test('the worker\'s stdout and stderr: worker.stdout with stdout: true', () => {
  const w = evalWorker(`console.log('to stdout'); console.error('to stderr'); process.stdout.write('raw\\n')`,
    { stdout: true, stderr: true });
  let out = '', err = '';
  w.stdout.on('data', (d) => { out += d; });
  w.stderr.on('data', (d) => { err += d; });
  const outEnded = event();
  w.stdout.on('end', outEnded.fire);
  ended(w).wait();
  outEnded.wait();
  assert.equal(out, 'to stdout\nraw\n');
  assert.equal(err, 'to stderr\n');
});

test('a worker\'s console reaches the process\'s stdout', () => {
  const script = `${tmpdir}/worker_stdout.cjs`;
  fs.writeFileSync(script, `
    const { Worker } = require('worker_threads');
    console.log('parent');
    new Worker("console.log('from the worker'); console.error('worker err')", { eval: true })
      .on('exit', (c) => console.log('exit', c));
  `);
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'parent\nfrom the worker\nexit 0\n');
  assert.equal(r.stderr, 'worker err\n');
});

test('environment data, env copies and SHARE_ENV', () => {
  setEnvironmentData('key', { v: 1 });
  process.env.COROJS_WORKER_TEST = 'parent';
  const w = evalWorker(`
    const { parentPort, getEnvironmentData } = require('worker_threads');
    parentPort.postMessage({ data: getEnvironmentData('key'), env: process.env.COROJS_WORKER_TEST });
    process.env.COROJS_WORKER_TEST = 'changed by the worker';
  `);
  assert.deepEqual(next(w), { data: { v: 1 }, env: 'parent' });
  ended(w).wait();
  assert.equal(process.env.COROJS_WORKER_TEST, 'parent', 'a copy by default');
  const shared = evalWorker(`process.env.COROJS_WORKER_TEST = 'shared'`, { env: SHARE_ENV });
  ended(shared).wait();
  assert.equal(process.env.COROJS_WORKER_TEST, 'shared');
  setEnvironmentData('key', undefined);
});

test('resourceLimits: the worker sees them; past its heap it ends with ERR_WORKER_OUT_OF_MEMORY', () => {
  const limits = { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2, codeRangeSizeMb: 1, stackSizeMb: 1 };
  const w = evalWorker(`
    const { parentPort, resourceLimits } = require('worker_threads');
    parentPort.postMessage(resourceLimits);
    const a = [];
    for (;;) a.push({ filler: [1, 2, 3, 4] });
  `, { resourceLimits: limits });
  assert.deepEqual(w.resourceLimits, limits);
  assert.deepEqual(next(w), limits);
  const { code, error } = ended(w).wait();
  assert.equal(code, 1);
  assert.equal(error.code, 'ERR_WORKER_OUT_OF_MEMORY');
  assert.deepEqual(w.resourceLimits, {});
});

test('many workers started and ended leave nothing behind', () => {
  for (let i = 0; i < 20; i++) {
    const w = evalWorker(`require('worker_threads').parentPort.postMessage(${i})`);
    assert.equal(next(w), i);
    assert.equal(ended(w).wait().code, 0);
  }
});

test('a BroadcastChannel reaches the channels of its name in workers', () => {
  const bc = new BroadcastChannel('corojs-news');
  const workers = [0, 1].map((i) => evalWorker(`
    const { BroadcastChannel, parentPort } = require('worker_threads');
    const bc = new BroadcastChannel('corojs-news');
    bc.onmessage = ({ data }) => {
      if (data.go) { bc.postMessage({ from: ${i}, got: data.go }); bc.close(); }
    };
    parentPort.postMessage('ready');
  `));
  for (const w of workers) assert.equal(next(w), 'ready');
  const got = [];
  const both = event();
  bc.onmessage = ({ data }) => { got.push(data); if (got.length === 2) both.fire(); };
  bc.postMessage({ go: new Map([[1, 2]]) });
  both.wait();
  got.sort((a, b) => a.from - b.from);
  assert.deepEqual(got.map((m) => m.from), [0, 1]);
  assert.ok(got.every((m) => m.got instanceof Map && m.got.get(1) === 2));
  bc.close();
  for (const w of workers) assert.equal(ended(w).wait().code, 0);
});
