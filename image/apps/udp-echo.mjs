// The runtime.js demo service: a UDP server that answers each datagram with
// the sender's address and port, and what it said.
//
//   corojs udp-echo.mjs [port]      (the image starts it on port 9000)
//   $ echo hello | nc -u -w1 HOST 9000   ->   10.0.2.2:53210 said: hello
const port = Number(process.argv[2] ?? 9000);
const socket = dgram.createSocket('udp4');
socket.bind(port);
console.log(`udp-echo: answering on udp port ${socket.address().port}`);
for (;;) {
  const { data, address, port: from } = socket.recv();
  const text = new TextDecoder().decode(data).replace(/\n$/, '');
  socket.send(`${address}:${from} said: ${text}\n`, from, address);
}
