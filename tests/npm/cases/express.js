const express = require('express');
const http = require('http');
const app = express();
app.use(express.json());
app.use((req, res, next) => { res.set('X-Seen', '1'); next(); });
app.get('/hello/:name', (req, res) => res.send(`hello ${req.params.name} q=${req.query.q}`));
app.post('/echo', (req, res) => res.status(201).json({ got: req.body, type: req.get('content-type') }));
const router = express.Router();
router.get('/item/:id', (req, res, next) => (/^\d+$/.test(req.params.id) ? res.json({ id: Number(req.params.id) }) : next()));
app.use('/api', router);
app.get('/async-throw', async () => { throw new Error('async boom'); });
app.get('/throw', () => { throw new Error('sync boom'); });
app.get('/later', (req, res) => setTimeout(() => res.type('text').send('ended later'), 5));
app.use((req, res) => res.status(404).send('no route'));
app.use((err, req, res, next) => res.status(500).json({ error: err.message }));
function request(port, method, path, body) {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method, path, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
            let data = '';
            res.setEncoding('utf8');
            res.on('data', (c) => { data += c; });
            res.on('end', () => resolve(`${method} ${path} -> ${res.statusCode} ${res.headers['content-type']} ${res.headers['x-seen']} ${data}`));
        });
        req.on('error', reject);
        req.end(body && JSON.stringify(body));
    });
}
const server = app.listen(0, '127.0.0.1', async () => {
    const { port } = server.address();
    for (const [m, p, b] of [['GET', '/hello/ann?q=1'], ['POST', '/echo', { a: [1, 2] }], ['GET', '/api/item/42'], ['GET', '/api/item/x'],
        ['GET', '/throw'], ['GET', '/async-throw'], ['GET', '/later'], ['HEAD', '/hello/x']]) {
        console.log(await request(port, m, p, b));
    }
    server.close(() => console.log('closed'));
});
