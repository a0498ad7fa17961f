import through2, { objectTransform } from 'through2';
import { Readable, pipeline } from 'node:stream';
const upper = through2(function (chunk, enc, cb) {
    this.push(chunk.toString().toUpperCase());
    cb();
}, function (cb) { this.push('!END'); cb(); });
const out = [];
pipeline(Readable.from(['hello ', 'through', '2']), upper, through2((c, e, cb) => { out.push(c.toString()); cb(null, c); }),
    (err) => {
        console.log('pipeline', err, out.join('|'));
        const objs = [];
        const obj = objectTransform(function (o, e, cb) { if (o.n % 2) this.push({ ...o, sq: o.n * o.n }); cb(); });
        obj.on('data', (o) => objs.push(o));
        obj.on('end', () => console.log(JSON.stringify(objs)));
        for (let n = 1; n <= 5; n++) obj.write({ n });
        obj.end();
        const Ctor = through2.ctor({ objectMode: true }, function (o, e, cb) { cb(null, String(o)); });
        const c = new Ctor();
        c.on('data', (d) => console.log('ctor', typeof d, d));
        c.end(42);
    });
