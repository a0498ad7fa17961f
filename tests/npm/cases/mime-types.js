const mime = require('mime-types');
for (const p of ['file.html', 'a/b/c.json', 'x.md', 'photo.JPG', 'noext', '.css', 'a.wasm', 'a.mjs'])
    console.log(p, mime.lookup(p), mime.contentType(p));
console.log(mime.extension('text/html'), mime.extension('application/octet-stream'), mime.extension('nope/nope'));
console.log(mime.contentType('text/plain; charset=x'), mime.charset('text/markdown'), mime.extensions['image/png']);
