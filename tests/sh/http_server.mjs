// The server the curl and wrk tests talk to. Writes its port to the file
// named by the first argument; a worker of --workers also makes the file
// listening.N (N its index) in the directory given as second argument.
//   /echo          the request body back
//   /proxy         the body sent on to /echo as it comes (body: req), the
//                  answer back (plain HTTP only)
//   /file?name=N   a file of the directory given as second argument
//   /stream?n=N    N bytes in chunks of 64 KiB (no length: chunked)
//   /pid           this process's pid (the workers test)
//   anything else  hello
// With TLS_DIR set (certificates of tests/tls/certs.sh) it serves HTTPS,
// with a.pem.
const [portfile, dir] = process.argv.slice(2);
const tlsDir = process.env.TLS_DIR;
const options = { maxBodySize: 64 << 20 };
if (tlsDir) Object.assign(options, { key: fs.readFile(`${tlsDir}/a.key`), cert: fs.readFile(`${tlsDir}/a.pem`) });
const server = (tlsDir ? https : http).createServer(options, (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/echo') {
    res.end(req.bytes());
  } else if (url.pathname === '/proxy') {
    const headers = req.headers.expect ? { Expect: req.headers.expect } : {};
    const up = http.request(`http://127.0.0.1:${server.address().port}/echo`, { method: 'POST', body: req, headers });
    res.end(up.bytes());
  } else if (url.pathname === '/file') {
    res.end(fs.readFile(`${dir}/${url.searchParams.get('name')}`, null));
  } else if (url.pathname === '/stream') {
    const chunk = new Uint8Array(65536).fill(120);
    for (let left = Number(url.searchParams.get('n')); left > 0; left -= chunk.length) {
      res.write(left >= chunk.length ? chunk : chunk.subarray(0, left));
    }
    res.end();
  } else if (url.pathname === '/pid') {
    res.end(String(process.pid));
  } else {
    res.end('hello\n');
  }
});
Fiber.run(() => server.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', reusePort: process.env.PORT !== undefined }));
fs.writeFile(`${portfile}.${process.pid}`, String(server.address().port));
fs.rename(`${portfile}.${process.pid}`, portfile);
if (process.env.COROJS_WORKER) fs.writeFile(`${dir}/listening.${process.env.COROJS_WORKER}`, '');
