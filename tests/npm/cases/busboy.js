const busboy = require('busboy');
const boundary = '----corojs-boundary';
const body = Buffer.from([
    `--${boundary}`, 'Content-Disposition: form-data; name="field1"', '', 'value one',
    `--${boundary}`, 'Content-Disposition: form-data; name="json"', 'Content-Type: application/json', '', '{"a":1}',
    `--${boundary}`, 'Content-Disposition: form-data; name="upload"; filename="hello.txt"', 'Content-Type: text/plain', '', 'file contents\r\nline 2',
    `--${boundary}`, 'Content-Disposition: form-data; name="bin"; filename="b.bin"', 'Content-Type: application/octet-stream', '', 'x'.repeat(100000),
    `--${boundary}--`, '',
].join('\r\n'));
const bb = busboy({ headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, limits: { fileSize: 200000 } });
bb.on('field', (name, val, info) => console.log('field', name, JSON.stringify(val), info.mimeType));
bb.on('file', (name, file, info) => {
    let size = 0, first = '';
    file.on('data', (d) => { if (!size) first = d.toString().slice(0, 20); size += d.length; });
    file.on('close', () => console.log('file', name, info.filename, info.mimeType, size, JSON.stringify(first)));
});
bb.on('close', () => {
    console.log('multipart done');
    const ue = busboy({ headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    ue.on('field', (n, v) => console.log('urlencoded', n, JSON.stringify(v)));
    ue.on('close', () => {
        console.log('urlencoded done');
        const lim = busboy({ headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, limits: { fileSize: 10 } });
        lim.on('file', (n, f) => { f.on('limit', () => console.log('limit hit', n)); f.resume(); });
        lim.on('close', () => console.log('limited done'));
        lim.end(body);
        try { busboy({ headers: { 'content-type': 'text/plain' } }); } catch (e) { console.log('error', e.message); }
    });
    ue.end('a=1&b=hello+world&c=%E2%9C%93&a=2');
});
// feed in small chunks, as a socket would
for (let i = 0; i < body.length; i += 7777) bb.write(body.subarray(i, i + 7777));
bb.end();
