// An HTTP hello app: who is serving, and for how long.
//
//   corojs hello-http.mjs [port]    (the image starts it on port 80)
const port = Number(process.argv[2] ?? 8080);
const started = Date.now();
const host = fs.readFile('/proc/sys/kernel/hostname').trim();
const release = fs.readFile('/proc/sys/kernel/osrelease').trim();

http.createServer((req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.end(`Hello from CoroJS on ${host} (Linux ${release}): ${req.method} ${req.url}, ` +
          `up ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}).listen(port);
console.log(`hello-http: serving on tcp port ${port}`);
