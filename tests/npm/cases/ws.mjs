import { WebSocketServer, WebSocket } from 'ws';
// The two ends see the close at about the same time: the client's line waits
// for the server's, so the order printed does not depend on the scheduler.
let serverStopped = false;
let clientClosed = null;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (socket, req) => {
    console.log('server: connection', req.url, req.headers['x-hello']);
    socket.on('message', (data, isBinary) => {
        if (isBinary) socket.send(Buffer.from(data).reverse());
        else socket.send(`echo: ${data}`);
    });
    socket.on('close', (code, reason) => {
        console.log('server: closed', code, reason.toString());
        wss.close(() => {
            console.log('server: stopped');
            serverStopped = true;
            if (clientClosed) console.log(clientClosed);
        });
    });
    socket.send('welcome');
});
wss.on('listening', () => {
    const { port } = wss.address();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat?x=1`, { headers: { 'x-hello': 'there' } });
    const got = [];
    ws.on('open', () => {
        ws.send('one');
        ws.send('two'.repeat(40000));
        ws.send(Buffer.from([1, 2, 3, 4]), { binary: true });
        ws.ping('p');
    });
    ws.on('pong', (d) => console.log('client: pong', d.toString()));
    ws.on('message', (data, isBinary) => {
        got.push(isBinary ? [...data] : String(data).slice(0, 20) + ` (${data.length})`);
        if (got.length === 4) {
            console.log('client: got', JSON.stringify(got));
            ws.close(1000, 'bye');
        }
    });
    ws.on('close', (code, reason) => {
        clientClosed = `client: closed ${code} ${reason}`;
        if (serverStopped) console.log(clientClosed);
    });
});
