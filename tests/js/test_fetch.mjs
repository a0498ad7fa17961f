// Headers, Request and Response as the WHATWG Fetch standard has them (the
// expected values are what Node.js 20 gives), and fetch() against our own
// server.
import { test, assert } from './harness.mjs';
import fetchModule from 'corojs:fetch';

test('fetch, Headers, Request, Response are globals and the corojs:fetch exports', () => {
  assert.equal(fetch, fetchModule.fetch);
  assert.equal(Headers, fetchModule.Headers);
  assert.equal(Request, fetchModule.Request);
  assert.equal(Response, fetchModule.Response);
});

test('Headers: case-insensitive, combined, sorted, set-cookie apart', () => {
  const h = new Headers({ 'Content-Type': 'text/plain', 'X-B': ' padded \t' });
  h.append('x-a', '1');
  h.append('X-A', '2');
  h.append('Set-Cookie', 'a=1');
  h.append('set-cookie', 'b=2');
  assert.equal(h.get('content-type'), 'text/plain');
  assert.equal(h.get('X-B'), 'padded');
  assert.equal(h.get('x-a'), '1, 2');
  assert.equal(h.get('missing'), null);
  assert.deepEqual(h.getSetCookie(), ['a=1', 'b=2']);
  assert.deepEqual([...h], [['content-type', 'text/plain'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'],
    ['x-a', '1, 2'], ['x-b', 'padded']]);
  assert.deepEqual([...h.keys()], ['content-type', 'set-cookie', 'set-cookie', 'x-a', 'x-b']);
  h.set('X-A', 'only');
  assert.equal(h.get('x-a'), 'only');
  h.delete('x-b');
  assert.equal(h.has('X-B'), false);
  const seen = [];
  h.forEach((v, k) => seen.push(k));
  assert.deepEqual(seen, ['content-type', 'set-cookie', 'set-cookie', 'x-a']);
  assert.deepEqual([...new Headers([['a', '1'], ['b', '2']])], [['a', '1'], ['b', '2']]);
  assert.deepEqual([...new Headers(h)].length, 4);
});

test('Headers refuses bad names and values', () => {
  assert.throws(() => new Headers({ 'bad name': 'x' }), { name: 'TypeError' });
  assert.throws(() => new Headers().append('x', 'a\r\nb'), { name: 'TypeError' });
  assert.throws(() => new Headers().set('x', 'a\0b'), { name: 'TypeError' });
  assert.throws(() => new Headers([['only-one']]), { name: 'TypeError' });
  assert.throws(() => new Headers(42), { name: 'TypeError' });
});

test('Request: method, url, headers, body; GET and HEAD have none', () => {
  const r = new Request('http://h.com/a/../b', { method: 'post', body: 'data', headers: { 'X-Y': 'z' } });
  assert.equal(r.url, 'http://h.com/b');
  assert.equal(r.method, 'POST');
  assert.equal(r.headers.get('x-y'), 'z');
  assert.equal(r.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assert.equal(r.redirect, 'follow');
  assert.equal(Fiber.await(r.text()), 'data');
  assert.equal(r.bodyUsed, true);
  assert.throws(() => Fiber.await(r.text()), { name: 'TypeError' });
  assert.equal(new Request('http://h.com/', { method: 'patch' }).method, 'PATCH');
  assert.equal(new Request('http://h.com/', { method: 'custom' }).method, 'custom');
  assert.throws(() => new Request('http://h.com/', { body: 'x' }), { name: 'TypeError' });
  assert.throws(() => new Request('http://h.com/', { method: 'HEAD', body: 'x' }), { name: 'TypeError' });
  assert.throws(() => new Request('nope'), { name: 'TypeError' });
  assert.throws(() => new Request('http://u:p@h.com/'), { name: 'TypeError' });
  assert.throws(() => new Request('http://h.com/', { method: 'bad method' }), { name: 'TypeError' });
  assert.throws(() => new Request('http://h.com/', { method: 'CONNECT' }), { name: 'TypeError' });
  assert.throws(() => new Request('http://h.com/', { redirect: 'sometimes' }), { name: 'TypeError' });
  const copy = new Request(new Request('http://h.com/', { method: 'PUT', body: new Uint8Array([1, 2]) }));
  assert.equal(copy.method, 'PUT');
  assert.deepEqual(new Uint8Array(Fiber.await(copy.arrayBuffer())), new Uint8Array([1, 2]));
});

test('Response: status, ok, statusText, body kinds, json(), clone()', () => {
  const r = new Response('hello', { status: 201, statusText: 'Made', headers: { 'X-A': '1' } });
  assert.equal(r.status, 201);
  assert.equal(r.ok, true);
  assert.equal(r.statusText, 'Made');
  assert.equal(r.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assert.equal(r.type, 'default');
  const c = r.clone();
  assert.equal(Fiber.await(r.text()), 'hello');
  assert.equal(Fiber.await(c.text()), 'hello');
  assert.equal(new Response(null, { status: 404 }).ok, false);
  assert.equal(new Response().body, null);
  const j = Response.json({ a: [1] }, { status: 200 });
  assert.equal(j.headers.get('content-type'), 'application/json');
  assert.deepEqual(Fiber.await(j.json()), { a: [1] });
  assert.deepEqual(Fiber.await(new Response(new Uint8Array([104, 105])).bytes()), new Uint8Array([104, 105]));
  const redirect = Response.redirect('http://h.com/x', 301);
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), 'http://h.com/x');
  assert.equal(Response.error().type, 'error');
  assert.equal(Response.error().status, 0);
  assert.throws(() => new Response('x', { status: 99 }), { name: 'RangeError' });
  assert.throws(() => new Response('x', { status: 204 }), { name: 'TypeError' });
  assert.throws(() => Response.redirect('http://h.com/', 200), { name: 'RangeError' });
});

test('Response and Request bodies from a ReadableStream of bytes and from a Blob', () => {
  const enc = new TextEncoder();
  const stream = (...parts) => new ReadableStream({
    start(c) { for (const p of parts) c.enqueue(typeof p === 'string' ? enc.encode(p) : p); c.close(); },
  });
  assert.equal(Fiber.await(new Response(stream('hi ', 'there')).text()), 'hi there');
  assert.equal(Fiber.await(new Response(stream('a', 'b')).clone().text()), 'ab');
  const reader = new Response(stream('one', 'two')).body.getReader();
  assert.equal(new TextDecoder().decode(Fiber.await(reader.read()).value), 'one');
  assert.equal(Fiber.await(new Request('http://h.com/', { method: 'POST', body: stream('{"a":1}') }).json()).a, 1);
  const blob = new Response(new Blob(['a', 'bc'], { type: 'text/x' }));
  assert.equal(blob.headers.get('content-type'), 'text/x');
  assert.equal(Fiber.await(blob.text()), 'abc');
  const notBytes = new ReadableStream({ start(c) { c.enqueue('a string'); c.close(); } });
  assert.throws(() => Fiber.await(new Response(notBytes).text()), { name: 'TypeError', message: /non-Uint8Array/ });
  const locked = stream('x');
  locked.getReader();
  assert.throws(() => new Response(locked), { name: 'TypeError', message: /disturbed or locked/ });
  assert.throws(() => new Response(stream('x'), { status: 204 }), { name: 'TypeError' });
});

test('FormData: entries as the standard keeps them, Blobs become Files, TypeErrors on missing arguments', () => {
  const fd = new FormData();
  fd.append('a', '1');
  fd.append('a', 2);
  fd.append('f', new Blob(['hello'], { type: 'text/plain' }), 'h.txt');
  fd.append('g', new Blob(['x']));
  assert.deepEqual(fd.getAll('a'), ['1', '2']);
  assert.equal(fd.get('f').name, 'h.txt');
  assert.ok(fd.get('f') instanceof File);
  assert.equal(fd.get('g').name, 'blob');
  assert.equal(fd.get('none'), null);
  fd.set('a', 'only');
  assert.deepEqual([...fd.keys()], ['a', 'f', 'g']);
  fd.delete('g');
  assert.deepEqual([...fd].map(([k, v]) => [k, typeof v === 'string' ? v : v.name]), [['a', 'only'], ['f', 'h.txt']]);
  assert.equal(Object.prototype.toString.call(fd), '[object FormData]');
  assert.throws(() => fd.append('x'), { name: 'TypeError', message: /2 arguments required/ });
  assert.throws(() => new FormData({}), { name: 'TypeError' });
  const urlencoded = new Response('a=1&b=%20x', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.deepEqual([...Fiber.await(urlencoded.formData())], [['a', '1'], ['b', ' x']]);
  assert.throws(() => Fiber.await(new Response('junk', { headers: { 'content-type': 'text/plain' } }).formData()), { name: 'TypeError' });
});

test('FormData as a fetch body: multipart/form-data our server receives, and read back with formData()', () => {
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', req.headers['content-type']);
    res.end(req.bytes());
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const fd = new FormData();
  fd.append('name"\r', 'line 1\nline 2');
  fd.append('file', new File([new Uint8Array([0, 255, 13, 10, 45, 45])], 'bin.dat', { type: 'application/x-bin' }));
  const res = Fiber.await(fetch(`http://127.0.0.1:${server.address().port}/`, { method: 'POST', body: fd }));
  assert.match(res.headers.get('content-type'), /^multipart\/form-data; boundary=-+formdata-corojs-/);
  const back = Fiber.await(res.formData());
  assert.deepEqual([...back.keys()], ['name%22%0D%0A', 'file']);
  assert.equal(back.get('name%22%0D%0A'), 'line 1\r\nline 2', 'line breaks are sent as CRLF');
  const file = back.get('file');
  assert.equal(file.name, 'bin.dat');
  assert.equal(file.type, 'application/x-bin');
  assert.deepEqual(new Uint8Array(Fiber.await(file.arrayBuffer())), new Uint8Array([0, 255, 13, 10, 45, 45]));
  server.close();
});

test('fetch against our server: a real Promise, usable with await and Fiber.await', () => {
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Set-Cookie', ['a=1', 'b=2']);
    res.end(JSON.stringify({ method: req.method, url: req.url, body: req.text(), type: req.headers['content-type'] ?? null }));
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  const url = `http://127.0.0.1:${server.address().port}`;
  const p = fetch(`${url}/x?y=1`);
  assert.ok(p instanceof Promise);
  const r = Fiber.await(p);
  assert.deepEqual(Fiber.await(r.json()), { method: 'GET', url: '/x?y=1', body: '', type: null });
  assert.deepEqual(r.headers.getSetCookie(), ['a=1', 'b=2']);
  assert.throws(() => r.headers.set('x', 'y'), { name: 'TypeError' }, 'a fetched response\'s headers are immutable');
  const viaAwait = Fiber.await((async () => {
    const res = await fetch(new Request(`${url}/post`, { method: 'POST', body: new Uint8Array([97, 98]) }));
    return res.json();
  })());
  assert.deepEqual(viaAwait, { method: 'POST', url: '/post', body: 'ab', type: null });
  const head = Fiber.await(fetch(`${url}/`, { method: 'HEAD' }));
  assert.equal(head.body, null);
  server.close();
});
