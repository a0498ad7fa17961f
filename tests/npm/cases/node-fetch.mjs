import fetch, { Headers, Request, FetchError } from 'node-fetch';
import http from 'node:http';
const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
        if (req.url === '/json') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"n":[1,2]}');
        if (req.url === '/redirect') return res.writeHead(302, { location: '/json' }).end();
        if (req.url === '/missing') return res.writeHead(404).end('nope');
        res.writeHead(200, { 'content-type': 'text/plain', 'x-method': req.method }).end(`${req.method} ${req.url} ${req.headers['x-test'] ?? ''} ${body}`);
    });
});
server.listen(0, '127.0.0.1', async () => {
    const base = `http://127.0.0.1:${server.address().port}`;
    const r1 = await fetch(`${base}/json`);
    console.log(r1.status, r1.ok, r1.headers.get('content-type'), JSON.stringify(await r1.json()));
    const r2 = await fetch(`${base}/post`, { method: 'POST', body: 'payload', headers: new Headers({ 'x-test': 'yes' }) });
    console.log(r2.headers.get('x-method'), await r2.text());
    const r3 = await fetch(`${base}/redirect`);
    console.log(r3.redirected, new URL(r3.url).pathname, r3.status);
    const r4 = await fetch(`${base}/missing`);
    console.log(r4.status, r4.statusText, r4.ok, await r4.text());
    const r5 = await fetch(new Request(`${base}/stream`, { method: 'PUT', body: 'x'.repeat(100000) }));
    let n = 0;
    for await (const chunk of r5.body) n += chunk.length;
    console.log('streamed', n);
    const r6 = await fetch(`${base}/redirect`, { redirect: 'manual' });
    console.log(r6.status, r6.headers.get('location'));
    try { await fetch('http://127.0.0.1:1/'); } catch (e) { console.log(e instanceof FetchError, e.type, e.code); }
    server.close(() => console.log('closed'));
});
