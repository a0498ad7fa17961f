// examples/tls-server.mjs: an HTTPS server with a certificate for each of two
// names, chosen by the name the client asks for (SNI).
//
// Run: ./build/corojs examples/tls-server.mjs [port] [dir]   (default 8443 /tmp/corojs-certs)
//
// dir holds a.test.pem, a.test.key, b.test.pem and b.test.key. To make
// self-signed ones:
//
//   mkdir -p /tmp/corojs-certs && cd /tmp/corojs-certs &&
//   for n in a.test b.test; do
//     openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
//       -subj /CN=$n -addext subjectAltName=DNS:$n -keyout $n.key -out $n.pem
//   done
//
// Then ask for each name (curl's --cacert trusts the self-signed certificate):
//
//   curl --cacert /tmp/corojs-certs/a.test.pem --resolve a.test:8443:127.0.0.1 https://a.test:8443/
//   curl --cacert /tmp/corojs-certs/b.test.pem --resolve b.test:8443:127.0.0.1 https://b.test:8443/
//   openssl s_client -connect 127.0.0.1:8443 -servername b.test < /dev/null | grep subject
//
// A request for /stop stops the server.

const port = Number(process.argv[2] ?? 8443);
const dir = process.argv[3] ?? '/tmp/corojs-certs';

const names = ['a.test', 'b.test'];
const certs = {};
for (const name of names) {
  certs[name] = { key: fs.readFile(`${dir}/${name}.key`), cert: fs.readFile(`${dir}/${name}.pem`) };
}

const server = tls.createServer({
  // Called during each handshake with the name the client asked for ('' if
  // none). It may block (read a file, ask a database); nothing means no
  // certificate, and that one handshake fails.
  certificateResolver: (servername) => certs[servername] ?? certs[names[0]],
  alpn: ['http/1.1'],
}, (socket) => {
  let request = '';
  for (let chunk; !request.includes('\r\n\r\n') && (chunk = socket.read()) !== null;) request += chunk;
  const path = request.split(' ')[1];
  const body = `hello from ${socket.servername ?? 'a server nobody named'} over ${socket.getProtocol()}\n`;
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  if (path === '/stop') server.close();
}); // the socket is closed (with close_notify) when the handler returns

Fiber.run(() => server.listen(port, '127.0.0.1'));
console.log(`serving ${names.join(' and ')} on https://127.0.0.1:${server.address().port}/`);
