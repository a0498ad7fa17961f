// examples/http-static.mjs: a static file server.
// Run: ./build/corojs examples/http-static.mjs [directory] [port]   (default . and 8080)
//
// Files are sent in 64 KiB pieces read in blocking style: each read parks
// only this connection's fiber. Paths are resolved inside the directory
// (".." cannot climb out of it), a directory serves its index.html or a
// listing, HEAD works, and a file's type comes from its extension.

const root = fs.stat(process.argv[2] ?? '.').isDirectory() ? (process.argv[2] ?? '.') : '.';
const port = Number(process.argv[3] ?? 8080);
const types = {
  html: 'text/html; charset=utf-8', css: 'text/css', js: 'text/javascript', mjs: 'text/javascript',
  json: 'application/json', txt: 'text/plain; charset=utf-8', md: 'text/markdown; charset=utf-8',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml',
  ico: 'image/x-icon', wasm: 'application/wasm', pdf: 'application/pdf',
};
const escape = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

// The path inside root that a URL path names, with . and .. resolved.
function resolve(urlPath) {
  const parts = [];
  for (const part of decodeURIComponent(urlPath).split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return { file: [root, ...parts].join('/'), clean: `/${parts.join('/')}` };
}

function sendFile(req, res, file, stat) {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  res.writeHead(200, {
    'Content-Type': types[ext] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'Last-Modified': stat.mtime.toUTCString(),
  });
  if (req.method === 'HEAD') return res.end();
  const fh = fs.open(file);
  try {
    for (let chunk; (chunk = fh.read(65536)) !== null;) res.write(chunk);
  } finally {
    fh.close();
  }
  res.end();
}

function sendListing(res, dir, clean) {
  const names = fs.readdir(dir).sort();
  const base = clean.endsWith('/') ? clean : `${clean}/`;
  const items = names.map((n) => `<li><a href="${escape(base + encodeURIComponent(n))}">${escape(n)}</a></li>`);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><title>${escape(clean)}</title><h1>${escape(clean)}</h1><ul>${items.join('')}</ul>\n`);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    return res.end();
  }
  let target;
  try {
    target = resolve(new URL(req.url, 'http://localhost').pathname);
  } catch {
    res.statusCode = 400;
    return res.end('bad path\n');
  }
  let stat;
  try {
    stat = fs.stat(target.file);
    if (stat.isDirectory()) {
      if (fs.exists(`${target.file}/index.html`)) {
        target.file += '/index.html';
        stat = fs.stat(target.file);
      } else {
        return sendListing(res, target.file, target.clean);
      }
    }
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return res.end(`not found: ${target.clean}\n`);
  }
  sendFile(req, res, target.file, stat);
});

console.log(`serving ${root} on http://127.0.0.1:${port}/`);
server.listen(port, '127.0.0.1');
