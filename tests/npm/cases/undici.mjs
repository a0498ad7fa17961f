import { request, fetch, Agent, Pool, setGlobalDispatcher } from 'undici';
import http from 'node:http';
const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
        if (req.url === '/json') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"undici":true}');
        res.writeHead(200, { 'content-type': 'text/plain', 'x-req': req.method }).end(`${req.method} ${req.url} ${body}`);
    });
});
server.listen(0, '127.0.0.1', async () => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    const agent = new Agent({ keepAliveTimeout: 10 });
    setGlobalDispatcher(agent);
    const { statusCode, headers, body } = await request(`${origin}/json`);
    console.log(statusCode, headers['content-type'], JSON.stringify(await body.json()));
    const r2 = await request(`${origin}/post`, { method: 'POST', body: 'data here' });
    console.log(r2.headers['x-req'], await r2.body.text());
    const r3 = await fetch(`${origin}/fetch?x=1`, { method: 'PATCH', body: JSON.stringify({ a: 1 }) });
    console.log(r3.status, await r3.text());
    const pool = new Pool(origin, { connections: 2 });
    const texts = await Promise.all([1, 2, 3, 4].map(async (i) => (await (await pool.request({ path: `/p${i}`, method: 'GET' })).body.text())));
    console.log(texts.join(' | '));
    await pool.close();
    try { await request('http://127.0.0.1:1/'); } catch (e) { console.log('error', e.code); }
    await agent.close();
    server.close(() => console.log('closed'));
});
