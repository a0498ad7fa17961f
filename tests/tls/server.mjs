// tests/tls/server.mjs DIR: the corojs TLS server tests/sh/test_tls_peers.sh
// talks to with openssl s_client and curl. Certificates come from DIR
// (tests/tls/certs.sh); it listens on 127.0.0.1 and a free port, which it
// writes to DIR/port, answers each HTTP request with one line naming the
// server name and ALPN protocol, prints each connection's error as
// "server-error CODE", and stops after a request for /quit.
const dir = process.argv[2];
const pair = (name) => ({ key: fs.readFile(`${dir}/${name}.key`), cert: fs.readFile(`${dir}/${name}.pem`) });
const certs = { 'a.test': pair('a'), 'b.test': pair('b'), '': pair('a') };

const server = tls.createServer({
  certificateResolver(name) {
    if (name === 'throw.test') throw new Error('no certificates today');
    return certs[name];
  },
  alpn: ['http/1.1'],
  onError: (e) => console.log(`server-error ${e.code}`),
}, (socket) => {
  let head = '';
  for (let chunk; !head.includes('\r\n\r\n') && (chunk = socket.read()) !== null;) head += chunk;
  const path = head.split(' ')[1];
  socket.write(`HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello ${socket.servername ?? '(no name)'} ${socket.alpnProtocol}\n`);
  if (path === '/quit') server.close();
});

Fiber.run(() => server.listen(0, '127.0.0.1'));
fs.writeFile(`${dir}/port`, String(server.address().port));
