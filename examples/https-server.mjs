// examples/https-server.mjs: an HTTPS server with a certificate for each
// name it serves, chosen by the name the client asks for (SNI).
// Run: ./build/corojs examples/https-server.mjs [port] [dir]   (default 8443 /tmp/corojs-certs)
//
// dir holds NAME.pem and NAME.key for each name. To make self-signed ones
// for two names:
//
//   mkdir -p /tmp/corojs-certs && cd /tmp/corojs-certs &&
//   for n in a.test b.test; do
//     openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
//       -subj /CN=$n -addext subjectAltName=DNS:$n -keyout $n.key -out $n.pem
//   done
//
//   curl --cacert /tmp/corojs-certs/a.test.pem --resolve a.test:8443:127.0.0.1 https://a.test:8443/
//   curl --cacert /tmp/corojs-certs/b.test.pem --resolve b.test:8443:127.0.0.1 https://b.test:8443/hello

const port = Number(process.argv[2] ?? 8443);
const dir = process.argv[3] ?? '/tmp/corojs-certs';

// name -> { key, cert }, read when a client first asks for the name
const certs = new Map();
function certificateFor(name) {
  if (!certs.has(name)) {
    try {
      certs.set(name, { key: fs.readFile(`${dir}/${name}.key`), cert: fs.readFile(`${dir}/${name}.pem`) });
    } catch {
      certs.set(name, undefined); // no certificate: that handshake fails
    }
  }
  return certs.get(name);
}

const server = https.createServer({
  // Called in each handshake, in the connection's fiber, with the name the
  // client asked for; it may block (here: read the files once).
  certificateResolver: certificateFor,
}, (req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.end(`hello over TLS: ${req.headers.host} asked for ${req.url}\n`);
});

console.log(`listening on https://127.0.0.1:${port}/ (certificates in ${dir})`);
server.listen(port, '127.0.0.1');
