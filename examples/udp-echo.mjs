// examples/udp-echo.mjs: a UDP echo server and a client talking to it.
// Run: ./build/corojs examples/udp-echo.mjs [port]
//
// The server runs in its own fiber and blocks in recv(); the client, in the
// main fiber, sends a few messages and blocks for each echo. Neither blocks
// the other. The server stops when it receives 'bye'.

const port = Number(process.argv[2] ?? 0); // 0: any free port
const decoder = new TextDecoder();

const server = dgram.createSocket('udp4').bind(port, '127.0.0.1');
const serverPort = server.address().port;
console.log('echo server on', server.address());

const serving = Fiber.run(() => {
  let count = 0;
  for (;;) {
    const { data, address, port: from } = server.recv(); // parks this fiber only
    const text = decoder.decode(data);
    if (text === 'bye') break;
    count++;
    server.send(`echo: ${text} ${count}`, from, address);
  }
  server.close();
  return count;
});

const client = dgram.createSocket('udp4');
for (const text of ['hello', 'hello', 'hello']) {
  client.send(text, serverPort, 'localhost'); // a name is looked up
  const reply = client.recv();
  console.log(decoder.decode(reply.data), 'from', `${reply.address}:${reply.port}`);
}
client.send('bye', serverPort, '127.0.0.1');
client.close();
console.log('the server answered', serving.join(), 'messages');
