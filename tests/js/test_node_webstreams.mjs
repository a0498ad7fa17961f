// Web streams as globals, as Node 20 has them: Node's own stream/web
// (lib/internal/bootstrap.js installs each name as a getter loading it on
// first use).
import { test, assert } from './harness.mjs';
import web from 'node:stream/web';
import { Readable, Writable } from 'node:stream';

const settle = (promise) => Fiber.await(promise);
const collect = (stream) => settle((async () => {
  const out = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
})());

test('the globals are stream/web\'s classes', () => {
  for (const name of ['ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
    'ReadableByteStreamController', 'WritableStream', 'WritableStreamDefaultWriter', 'TransformStream',
    'ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'TextEncoderStream', 'TextDecoderStream']) {
    assert.equal(typeof globalThis[name], 'function', name);
    assert.equal(globalThis[name], web[name], name);
  }
  assert.equal(Object.getOwnPropertyDescriptor(globalThis, 'ReadableStream').enumerable, false);
});

test('pipeThrough and pipeTo', () => {
  const seen = [];
  const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
  const source = new ReadableStream({ start(c) { for (const s of ['a', 'b', 'c']) c.enqueue(s); c.close(); } });
  settle(source.pipeThrough(upper).pipeTo(new WritableStream({ write(chunk) { seen.push(chunk); } })));
  assert.deepEqual(seen, ['A', 'B', 'C']);
  assert.ok(!source.locked); // released once the pipe is done
});

test('tee gives both branches every chunk', () => {
  const [a, b] = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } }).tee();
  assert.deepEqual(collect(a), [1, 2]);
  assert.deepEqual(collect(b), [1, 2]);
});

test('BYOB reads fill the caller\'s buffer', () => {
  const bytes = new ReadableStream({
    type: 'bytes',
    start(c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5])); c.close(); },
  });
  const reader = bytes.getReader({ mode: 'byob' });
  assert.ok(reader instanceof ReadableStreamBYOBReader);
  const first = settle(reader.read(new Uint8Array(2)));
  assert.deepEqual([...first.value], [1, 2]);
  const rest = settle(reader.read(new Uint8Array(8)));
  assert.deepEqual([...rest.value], [3, 4, 5]);
  assert.equal(settle(reader.read(new Uint8Array(1))).done, true);
});

test('backpressure: desiredSize and writer.ready follow the queue', () => {
  const pending = [];
  const sink = new WritableStream({
    write() { return new Promise((resolve) => pending.push(resolve)); },
  }, new CountQueuingStrategy({ highWaterMark: 2 }));
  const writer = sink.getWriter();
  assert.equal(writer.desiredSize, 2);
  writer.write('a');
  writer.write('b');
  writer.write('c');
  assert.equal(writer.desiredSize, -1);
  let ready = false;
  writer.ready.then(() => { ready = true; });
  settle(Promise.resolve());
  assert.equal(ready, false);
  while (!ready) {
    pending.shift()?.();
    settle(new Promise((resolve) => setImmediate(resolve)));
  }
  assert.ok(writer.desiredSize > 0);
  const strategy = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
  assert.equal(strategy.size(new Uint8Array(5)), 5);
});

test('an AbortSignal aborts pipeTo', () => {
  const ac = new AbortController();
  const never = new ReadableStream({ pull() { return new Promise(() => {}); } });
  const piped = never.pipeTo(new WritableStream(), { signal: ac.signal });
  ac.abort();
  const error = assert.throws(() => settle(piped), {});
  assert.equal(error.name, 'AbortError');
});

test('TextEncoderStream and TextDecoderStream', () => {
  const text = new ReadableStream({ start(c) { c.enqueue('hé'); c.enqueue('llo'); c.close(); } })
    .pipeThrough(new TextEncoderStream())
    .pipeThrough(new TextDecoderStream());
  assert.equal(collect(text).join(''), 'héllo');
});

test('Readable.toWeb and Readable.fromWeb round trip; Writable.toWeb', () => {
  const webStream = Readable.toWeb(Readable.from(['x', 'y', 'z']));
  assert.ok(webStream instanceof ReadableStream);
  const back = Readable.fromWeb(webStream, { objectMode: true });
  assert.deepEqual(collect(back), ['x', 'y', 'z']);
  const got = [];
  const writable = Writable.toWeb(new Writable({ write(chunk, enc, cb) { got.push(String(chunk)); cb(); } }));
  const writer = writable.getWriter();
  settle(writer.write(new TextEncoder().encode('hi')));
  settle(writer.close());
  assert.deepEqual(got, ['hi']);
});

test('bad input: Node\'s errors', () => {
  assert.throws(() => new ReadableStream({ type: 'nope' }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => settle(new ReadableStream().pipeTo({})), { code: 'ERR_INVALID_ARG_TYPE' });
  const locked = new ReadableStream();
  locked.getReader();
  assert.throws(() => locked.getReader(), { code: 'ERR_INVALID_STATE', name: 'TypeError' });
  assert.throws(() => new TransformStream({ readableType: 'bytes' }), { code: 'ERR_INVALID_ARG_VALUE' });
});
