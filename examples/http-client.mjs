// examples/http-client.mjs: the HTTP client and fetch().
// Run: ./build/corojs examples/http-client.mjs [url]
//
// With no URL it starts a small server of its own to talk to. http.request
// blocks the calling fiber until the response's head is in, then the body is
// read in blocking style; connections to a host are kept and reused. fetch()
// is the web's API: it returns a Promise, which `await` or Fiber.await waits
// for.

let url = process.argv[2];
let server;
if (!url) {
  server = http.createServer((req, res) => {
    if (req.url === '/old') {
      res.writeHead(301, { Location: '/json' });
      return res.end();
    }
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, body: req.text() }));
  });
  Fiber.run(() => server.listen(0, '127.0.0.1'));
  url = `http://127.0.0.1:${server.address().port}/json`;
}

// blocking style
const res = http.get(url);
console.log(res.status, res.statusText, res.headers['content-type']);
console.log((res.text()).slice(0, 200));

const posted = http.request(url, { method: 'POST', body: JSON.stringify({ hello: 'world' }),
  headers: { 'Content-Type': 'application/json' }, timeout: 5000 });
console.log('POST ->', posted.status, posted.text().slice(0, 200));

// ten requests at once, each in a fiber of its own
const fibers = Array.from({ length: 10 }, (_, i) => Fiber.run(() => http.get(`${url}?n=${i}`).status));
console.log('statuses:', fibers.map((f) => f.join()).join(' '));

// fetch, with await
const r = await fetch(server ? url.replace('/json', '/old') : url); // a redirect is followed
console.log('fetch ->', r.status, r.redirected ? `(redirected to ${r.url})` : '', (await r.text()).slice(0, 200));

server?.close();
