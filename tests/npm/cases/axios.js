const axios = require('axios');
const http = require('http');
const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
        if (req.url.startsWith('/json')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, auth: req.headers.authorization ?? null }));
        if (req.url === '/fail') return res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
        if (req.url === '/slow') return setTimeout(() => res.end('late'), 300);
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ${req.headers['content-type']} ${body}`);
    });
});
server.listen(0, '127.0.0.1', async () => {
    const client = axios.create({ baseURL: `http://127.0.0.1:${server.address().port}`, headers: { Authorization: 'Bearer t' } });
    client.interceptors.request.use((cfg) => { cfg.headers['x-intercepted'] = '1'; return cfg; });
    const r1 = await client.get('/json', { params: { a: 1, b: 'x y' } });
    console.log(r1.status, JSON.stringify(r1.data), r1.headers['content-type']);
    const r2 = await client.post('/echo', { hello: 'world' });
    console.log(r2.data);
    const r3 = await client.put('/echo', 'k=v', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    console.log(r3.data);
    try { await client.get('/fail'); } catch (e) { console.log(e.name, e.message, e.response.status, e.response.data); }
    try { await client.get('/slow', { timeout: 50 }); } catch (e) { console.log(e.code, e.message); }
    try { await axios.get('http://127.0.0.1:1/'); } catch (e) { console.log(e.code); }
    const r4 = await client.get('/json', { responseType: 'stream' });
    let s = '';
    for await (const c of r4.data) s += c;
    console.log('stream', s.length > 0);
    server.close(() => console.log('closed'));
});
