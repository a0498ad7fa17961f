// flags: --expose-internals
// MessageChannel, MessagePort, BroadcastChannel and receiveMessageOnPort
// within one isolate (lib/node/bindings/messaging.js under Node's
// internal/worker/io.js; the clone is lib/node/structured_clone.js; the
// wake-ups are src/prim/messaging.c).
import { test, assert, event } from './harness.mjs';
import { requireNode as require } from 'corojs:internal/node/builtins';

const { MessageChannel: WtChannel, receiveMessageOnPort, BroadcastChannel: WtBroadcast } = require('worker_threads');
const { spawnSync } = require('child_process');

// The next `n` messages of port, received through 'message' events.
function receive(port, n = 1) {
  const got = [];
  const done = event();
  const listener = (m) => {
    got.push(m);
    if (got.length === n) done.fire();
  };
  port.on('message', listener);
  done.wait();
  port.off('message', listener);
  return n === 1 ? got[0] : got;
}

test('the globals are Node\'s classes, loaded on first use', () => {
  assert.equal(MessageChannel, WtChannel);
  assert.equal(BroadcastChannel, WtBroadcast);
  const { port1 } = new MessageChannel();
  assert.ok(port1 instanceof MessagePort && port1 instanceof EventTarget);
  assert.equal(new MessageEvent('message', { data: 3 }).data, 3);
  port1.close();
});

test('messages arrive later, in order, as structured clones', () => {
  const { port1, port2 } = new MessageChannel();
  const sent = { a: [1, 2], d: new Date(5), m: new Map([['k', new Set([1])]]) };
  sent.self = sent;
  port1.postMessage(sent);
  port1.postMessage('second');
  let early = null;
  port2.on('message', (m) => { early ??= m; });
  assert.equal(early, null); // not delivered synchronously
  port2.removeAllListeners('message');
  const [first, second] = receive(port2, 2);
  assert.ok(first !== sent && first.self === first && first.d.getTime() === 5);
  assert.ok(first.m.get('k').has(1));
  assert.equal(second, 'second');
  port1.close();
});

test('onmessage starts the port and gets a MessageEvent', () => {
  const { port1, port2 } = new MessageChannel();
  const done = event();
  port2.onmessage = (e) => done.fire(e);
  port1.postMessage(42);
  const e = done.wait();
  assert.ok(e instanceof MessageEvent);
  assert.equal(e.data, 42);
  assert.deepEqual(e.ports, []);
  port1.close();
});

test('messages wait until start(); receiveMessageOnPort takes them synchronously', () => {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage({ n: 1 });
  port1.postMessage({ n: 2 });
  assert.deepEqual(receiveMessageOnPort(port2), { message: { n: 1 } });
  assert.deepEqual(receiveMessageOnPort(port2), { message: { n: 2 } });
  assert.equal(receiveMessageOnPort(port2), undefined);
  assert.throws(() => receiveMessageOnPort({}), { code: 'ERR_INVALID_ARG_TYPE' });
  port1.close();
});

test('an ArrayBuffer in the transfer list moves: detached at the sender, views follow', () => {
  const { port1, port2 } = new MessageChannel();
  const bytes = new Uint8Array([1, 2, 3, 4]);
  port1.postMessage({ view: bytes.subarray(1) }, [bytes.buffer]);
  assert.equal(bytes.buffer.byteLength, 0);
  assert.equal(bytes.length, 0);
  const { view } = receiveMessageOnPort(port2).message;
  assert.deepEqual([...view], [2, 3, 4]);
  assert.equal(view.buffer.byteLength, 4);
  const copied = new Uint8Array([9]);
  port1.postMessage(copied); // not in the list: copied, the sender keeps it
  assert.equal(copied[0], 9);
  assert.equal(receiveMessageOnPort(port2).message[0], 9);
  // the options form, and structuredClone's transfer
  const ab = new ArrayBuffer(2);
  port1.postMessage(ab, { transfer: [ab] });
  assert.equal(ab.byteLength, 0);
  const ab2 = new ArrayBuffer(3);
  assert.equal(structuredClone(ab2, { transfer: [ab2] }).byteLength, 3);
  assert.equal(ab2.byteLength, 0);
  port1.close();
});

test('Buffer\'s pool is copied, never transferred (Node marks it untransferable)', () => {
  const a = Buffer.from('hello');
  const b = Buffer.from('world');
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(a, [a.buffer]);
  assert.equal(a.buffer, b.buffer);
  assert.equal(a.toString(), 'hello');
  assert.equal(Buffer.from(receiveMessageOnPort(port2).message).toString(), 'hello');
  port1.close();
});

test('a transferred port keeps its channel; the old object closes', () => {
  const outer = new MessageChannel();
  const inner = new MessageChannel();
  const closed = event();
  inner.port1.on('close', () => closed.fire());
  outer.port1.postMessage({ port: inner.port1 }, [inner.port1]);
  inner.port2.postMessage('queued before the move');
  const e = event();
  outer.port2.onmessage = (ev) => e.fire(ev);
  const ev = e.wait();
  const moved = ev.data.port;
  assert.ok(moved instanceof MessagePort && moved !== inner.port1);
  assert.deepEqual(ev.ports, [moved]);
  closed.wait();
  assert.equal(receive(moved), 'queued before the move');
  inner.port2.postMessage('after');
  assert.equal(receive(moved), 'after');
  moved.postMessage('back');
  assert.equal(receive(inner.port2), 'back');
  outer.port1.close();
  moved.close();
});

test('close() fires \'close\' on both ends; a closed port drops what it is sent', () => {
  const { port1, port2 } = new MessageChannel();
  const both = [event(), event()];
  port1.on('close', () => both[0].fire());
  port2.on('close', () => both[1].fire());
  port1.close();
  assert.equal(port1.hasRef(), true); // until the close is done
  both[0].wait();
  both[1].wait();
  assert.equal(port1.hasRef(), false);
  port1.postMessage('dropped'); // no error, as Node
  port1.close(); // twice is fine
  assert.equal(receiveMessageOnPort(port2), undefined);
});

test('ref, unref and hasRef; a \'message\' listener refs the port', () => {
  const { port1, port2 } = new MessageChannel();
  assert.equal(port1.hasRef(), false);
  port1.ref();
  assert.equal(port1.hasRef(), true);
  port1.unref();
  assert.equal(port1.hasRef(), false);
  const listener = () => {};
  port1.on('message', listener);
  assert.equal(port1.hasRef(), true);
  port1.off('message', listener);
  assert.equal(port1.hasRef(), false);
  port1.close();
  port2.close();
});

test('BroadcastChannel: every other channel of the name gets the message', () => {
  const a = new BroadcastChannel('news');
  const b = new BroadcastChannel('news');
  const c = new BroadcastChannel('news');
  const other = new BroadcastChannel('other');
  const got = [];
  const done = event();
  const seen = (who) => (e) => {
    got.push(`${who}:${e.data.v}`);
    if (got.length === 2) done.fire();
  };
  a.onmessage = () => got.push('a (the sender)');
  b.onmessage = seen('b');
  c.onmessage = seen('c');
  other.onmessage = () => got.push('other');
  const sent = { v: 1 };
  a.postMessage(sent);
  done.wait();
  assert.deepEqual(got.sort(), ['b:1', 'c:1']);
  for (const ch of [a, b, c, other]) ch.close();
  assert.equal(assert.throws(() => a.postMessage(1), { message: 'BroadcastChannel is closed.' }).name,
    'InvalidStateError');
  assert.throws(() => new BroadcastChannel(), { code: 'ERR_MISSING_ARGS' });
});

// fn() throws a DOMException DataCloneError saying `message`
function cloneError(fn, message) {
  const e = assert.throws(fn, { message });
  assert.equal(e.name, 'DataCloneError');
}

test('bad input: a function, a symbol, a missing transfer, a port twice, a closed port, itself', () => {
  const { port1, port2 } = new MessageChannel();
  const ab = new ArrayBuffer(4);
  const fn = assert.throws(() => port1.postMessage({ f() {} }, [ab]), {});
  assert.equal(fn.name, 'DataCloneError');
  assert.ok(fn instanceof DOMException && fn.code === 25);
  assert.equal(ab.byteLength, 4); // nothing is transferred when the clone fails
  assert.equal(assert.throws(() => port1.postMessage(Symbol('s')), {}).name, 'DataCloneError');
  assert.throws(() => port1.postMessage(), { code: 'ERR_MISSING_ARGS' });
  assert.throws(() => port1.postMessage(1, 1), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => port1.postMessage(1, [{}]), { code: 'ERR_INVALID_TRANSFER_OBJECT' });
  const other = new MessageChannel();
  assert.throws(() => port1.postMessage(other.port1), { code: 'ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST' });
  cloneError(() => port1.postMessage(null, [other.port1, other.port1]), 'Transfer list contains duplicate MessagePort');
  cloneError(() => port1.postMessage(null, [ab, ab]), 'Transfer list contains duplicate ArrayBuffer');
  cloneError(() => port1.postMessage(null, [port1]), 'Transfer list contains source port');
  port1.postMessage(null, [other.port1]); // transferred once: detached here
  cloneError(() => port1.postMessage(null, [other.port1]), 'MessagePort in transfer list is already detached');
  other.port2.close();
  const closed = event();
  other.port2.on('close', () => closed.fire());
  closed.wait();
  cloneError(() => port1.postMessage(null, [other.port2]), 'MessagePort in transfer list is already detached');
  structuredClone(ab, { transfer: [ab] });
  cloneError(() => port1.postMessage(ab), 'An ArrayBuffer is detached and could not be cloned.');
  assert.throws(() => new MessagePort(), { code: 'ERR_CONSTRUCT_CALL_INVALID' });
  assert.throws(() => MessageChannel(), { code: 'ERR_CONSTRUCT_CALL_REQUIRED' });
  assert.throws(() => structuredClone(1, 1), { code: 'ERR_INVALID_ARG_TYPE' });
  port1.close();
});

test('what cannot be made again on the receiving side is a messageerror', () => {
  const { JSTransferable, kClone, kDeserialize } = require('internal/worker/js_transferable');
  class Gone extends JSTransferable {
    [kClone]() { return { data: 1, deserializeInfo: 'internal/no-such-module:Gone' }; }
    [kDeserialize]() {}
  }
  const { port1, port2 } = new MessageChannel();
  const done = event();
  port2.on('message', () => done.fire('message'));
  port2.on('messageerror', (err) => done.fire(err)); // on() gets the event's data
  port1.postMessage(new Gone());
  const err = done.wait();
  assert.ok(err instanceof Error);
  port1.close();
});

test('a program whose port is unref\'d, or has no listener, ends; one with a listener does not', () => {
  const run = (code) => spawnSync(process.execPath, ['-e', code], { timeout: 20000, encoding: 'utf8' });
  const unref = run(`const { port1, port2 } = new MessageChannel();
    port1.on('message', () => {}); port1.unref(); port2.postMessage(1); console.log('end')`);
  assert.equal(unref.status, 0);
  assert.equal(unref.stdout, 'end\n');
  const idle = run('const { port1 } = new MessageChannel(); port1.postMessage(1); console.log("end")');
  assert.equal(idle.status, 0);
  // with a listener it runs until the channel closes: here nothing else
  // keeps it alive (the timer is unref'd)
  const held = run(`const { port1, port2 } = new MessageChannel();
    port1.on('message', (m) => { console.log('got', m); port1.close(); });
    port1.on('close', () => console.log('closed'));
    setTimeout(() => port2.postMessage('late'), 20).unref();`);
  assert.equal(held.stdout, 'got late\nclosed\n');
  assert.equal(held.status, 0);
});

test('a ReadableStream moves through a port (Node\'s webstreams transfer over ports)', () => {
  const rs = new ReadableStream({ start(c) { c.enqueue('a'); c.enqueue('b'); c.close(); } });
  const { port1, port2 } = new MessageChannel();
  const done = event();
  port2.onmessage = async ({ data }) => {
    const out = [];
    for await (const chunk of data) out.push(chunk);
    done.fire(out);
  };
  port1.postMessage(rs, [rs]);
  assert.ok(rs.locked);
  assert.deepEqual(done.wait(), ['a', 'b']);
  port1.close();
});
