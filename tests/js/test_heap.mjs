// flags: --expose-internals --expose-gc
// What a client can make a server do many times leaves the heap as it was
// (issue 13, item 15: the library's lazy imports compiled a module per use).
import { test, assert } from './harness.mjs';
import P from 'corojs:internal/primordials';
import http from 'corojs:http';
import net from 'corojs:net';

// Collect garbage, and let the finalizers it queued run (they close the
// handles of fibers and connections dropped), then collect what they let go.
function settle() {
  gc();
  Fiber.yield();
  gc();
}

// Heap bytes that n more calls of fn leave behind, after a warm-up.
function growth(n, fn) {
  for (let i = 0; i < 50; i++) fn(i);
  settle();
  const before = Isolate.self().memory;
  for (let i = 0; i < n; i++) fn(i);
  settle();
  return Isolate.self().memory - before;
}

test('a library module imported lazily is compiled once, not per use', () => {
  const grown = growth(5000, () => P.util.importSync('corojs:util'));
  assert.ok(grown < 64 << 10, `5,000 imports grew the heap by ${grown} bytes`);
  assert.equal(P.util.importSync('corojs:util'), P.util.importSync('corojs:util'), 'one namespace');
  assert.throws(() => P.util.importSync('corojs:nothing'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' });
});

test('fetch() and connecting to a host name do not grow the heap per call', () => {
  const server = http.createServer((req, res) => res.end('ok'));
  const serving = Fiber.run(() => server.listen(0, '127.0.0.1'));
  const { port } = server.address();
  try {
    const fetched = growth(500, () => Fiber.await(fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())));
    assert.ok(fetched < 64 << 10, `500 fetches grew the heap by ${fetched} bytes`);
    // '127.1' is no IP address to net (it goes through dns.lookup), and
    // the resolver reads it as 127.0.0.1 without asking any server
    const byName = () => net.connect(port, '127.1').close();
    const connected = growth(500, byName);
    assert.ok(connected < 64 << 10, `500 connections by name grew the heap by ${connected} bytes`);
  } finally {
    server.close();
    serving.join();
  }
});

test('WeakRef: a target nothing else holds lives until its run of JS ends (a job, a fiber), then goes', () => {
  const ref = new WeakRef({ a: 1 }); // undici's fetch resolves with such a deref()
  gc();
  assert.equal(ref.deref()?.a, 1, 'kept through a collection in the same run');
  Fiber.await(Promise.resolve().then(() => 0)); // a job ran: the list it was kept on is emptied
  gc();
  assert.equal(ref.deref(), undefined, 'collected once the job ended');
  let inFiber;
  Fiber.run(() => { inFiber = new WeakRef({ b: 2 }); assert.equal(inFiber.deref().b, 2); }).join();
  gc();
  assert.equal(inFiber.deref(), undefined, 'collected once its fiber ended');
  const held = { c: 3 };
  const strong = new WeakRef(held);
  Fiber.await(Promise.resolve().then(() => 0));
  gc();
  assert.equal(strong.deref(), held, 'a target held elsewhere stays');
});
