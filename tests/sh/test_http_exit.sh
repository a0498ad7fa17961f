#!/bin/sh
# Programs that end while their HTTP server is busy: process.exit in a
# handler with other connections idle, parked in a handler, or half way
# through a head or a body; the client's pooled connections at the end; an
# isolate serving HTTP, terminated. Each must end with its status and
# nothing else on stderr (under ASan: no leak, no use after free).
. "$(dirname "$0")/http_lib.sh"

run() { # name status script
    printf '%s\n' "$3" > "$work/prog.mjs"
    "$COROJS" "$work/prog.mjs" > "$work/out" 2> "$work/err"
    status=$?
    if [ "$status" = "$2" ] && [ ! -s "$work/err" ]; then
        echo "ok - $1"
    else
        echo "not ok - $1 (status $status, expected $2)"
        sed 's/^/  # /' "$work/err" | head -20
    fi
}

common='
const arrived = { park: Promise.withResolvers(), body: Promise.withResolvers() };
const server = http.createServer((req, res) => {
  if (req.url === "/exit") { res.end("bye"); process.exit(3); }
  if (req.url === "/park") { arrived.park.resolve(); Fiber.sleep(100000); }
  if (req.url === "/body") { arrived.body.resolve(); req.bytes(); }
  res.end("ok");
});
Fiber.run(() => server.listen(0, "127.0.0.1"));
const port = server.address().port;
const raw = (text) => { const s = net.connect(port, "127.0.0.1"); s.write(text); return s; };
'

run "process.exit in a handler, other connections idle, parked, mid-head and mid-body" 3 "$common
for (let i = 0; i < 5; i++) http.get(\`http://127.0.0.1:\${port}/\`).text();
const idle = raw('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); idle.read();
raw('GET /park HTTP/1.1\r\nHost: x\r\n\r\n');
raw('GET / HTTP/1.1\r\nHost: x');
raw('POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
Fiber.await(arrived.park.promise);
Fiber.await(arrived.body.promise);
http.get(\`http://127.0.0.1:\${port}/exit\`);
"

run "process.exit from the main fiber with a request parked" 4 "$common
raw('GET /park HTTP/1.1\r\nHost: x\r\n\r\n');
Fiber.await(arrived.park.promise);
process.exit(4);
"

run "the program ends once the server is closed, with pooled client connections" 0 "$common
for (let i = 0; i < 3; i++) http.get(\`http://127.0.0.1:\${port}/\`).text();
Fiber.await(fetch(\`http://127.0.0.1:\${port}/\`)).text();
server.close();
"

run "an isolate serving HTTP, terminated with a request parked and idle connections" 0 "
fs.writeFile('$work/child.mjs', \`
  const parked = Promise.withResolvers();
  export function whenParked() { return parked.promise; }
  export function start() {
    const s = http.createServer((req, res) => { if (req.url === '/park') { parked.resolve(); Fiber.sleep(100000); } res.end('child'); });
    Fiber.run(() => s.listen(0, '127.0.0.1'));
    return s.address().port;
  }\`);
const child = new Isolate('$work/child.mjs', { net: true });
const port = child.call('start');
if (http.get(\`http://127.0.0.1:\${port}/\`).text() !== 'child') process.exit(1);
const s = net.connect(port, '127.0.0.1'); s.write('GET /park HTTP/1.1\r\nHost: x\r\n\r\n');
const t = net.connect(port, '127.0.0.1'); t.write('GET / HTTP/1.1\r\nHost: x\r\n');
child.call('whenParked');
child.terminate();
const { code } = child.join();
if (code !== 1) process.exit(2);
if (s.read() !== null) process.exit(5);
s.close(); t.close();
http.closeIdleConnections();
"
