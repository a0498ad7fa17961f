const { Readable, Writable, Transform, PassThrough, pipeline, finished, Duplex } = require('readable-stream');
let i = 0;
const src = new Readable({ read() { this.push(i < 5 ? `chunk${i++}\n` : null); } });
const t = new Transform({ transform(c, e, cb) { cb(null, c.toString().replace('chunk', 'C')); } });
const got = [];
const dst = new Writable({ highWaterMark: 4, write(c, e, cb) { got.push(c.toString()); setImmediate(cb); } });
pipeline(src, t, new PassThrough(), dst, (err) => {
    console.log('pipeline done', err, JSON.stringify(got.join('')));
    const r = Readable.from([1, 2, 3], { objectMode: true });
    (async () => {
        const seen = [];
        for await (const x of r) seen.push(x);
        console.log('async iter', seen);
        const broken = new Readable({ read() { this.destroy(new Error('boom')); } });
        finished(broken, (e) => console.log('finished with', e && e.message));
        broken.resume();
        const d = new Duplex({ read() {}, write(c, e, cb) { this.push(c); cb(); }, final(cb) { this.push(null); cb(); } });
        const echoed = [];
        d.on('data', (c) => echoed.push(c.toString()));
        d.on('end', () => console.log('duplex', echoed.join(',')));
        d.write('a'); d.write('b'); d.end('c');
        const w = new Writable({ write(c, e, cb) { cb(); } });
        w.end();
        w.write('late', (e) => console.log('write after end:', e.code));
        w.on('error', () => {});
    })();
});
