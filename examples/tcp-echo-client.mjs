// examples/tcp-echo-client.mjs: a TCP client for examples/tcp-echo-server.mjs.
// Run: ./build/corojs examples/tcp-echo-client.mjs [port]
//
// With a port it talks to a server already running there; without one it
// starts the server itself, in a fiber of its own, on a free port. Either
// way it sends a few lines, reads each echo, and ends by sending 'shutdown',
// which stops the server: both programs end by themselves.

import { startEchoServer } from './tcp-echo-server.mjs';

const port = process.argv[2] ? Number(process.argv[2]) : startEchoServer().address().port;

const socket = net.connect(port, 'localhost'); // blocks until connected
for (const line of ['hello', 'from a fiber', 'in blocking style']) {
  socket.write(`${line}\n`);
  console.log('client: echoed', JSON.stringify(socket.read())); // blocks for the echo
}
socket.write('shutdown\n');
console.log('client: the server closed the connection:', socket.read() === null);
socket.close();
