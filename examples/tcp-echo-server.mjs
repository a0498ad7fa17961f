// examples/tcp-echo-server.mjs: a TCP echo server.
// Run: ./build/corojs examples/tcp-echo-server.mjs [port]        (default 7000)
// and in another terminal: ./build/corojs examples/tcp-echo-client.mjs 7000
// (or the client alone, which starts this server in a fiber of its own).
//
// Each connection runs the handler in a fiber of its own, so a handler that
// blocks in read() holds up no other. The socket is closed when the handler
// returns. A client that sends the line 'shutdown' stops the server, and the
// program ends once the last connection is done.

export function startEchoServer(port = 0, host = '127.0.0.1') {
  const server = net.createServer((socket) => {
    console.log('server: connection from', `${socket.remoteAddress}:${socket.remotePort}`);
    for (const chunk of socket) { // what read() returns, until the client ends
      if (chunk.trim() === 'shutdown') {
        server.close(); // listen() returns; open connections go on
        break;
      }
      socket.write(chunk);
    }
  });
  Fiber.run(() => server.listen(port, host)); // listen() blocks its fiber, serving
  return server;
}

if (import.meta.main) {
  const server = startEchoServer(Number(process.argv[2] ?? 7000));
  console.log('server: echoing on', server.address());
}
