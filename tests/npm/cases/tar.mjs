import * as tar from 'tar';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-'));
const src = path.join(dir, 'src');
for (const [f, body] of [['hello.txt', 'hello tar\n'], ['sub/deep/data.bin', 'x'.repeat(70000)], ['sub/empty.txt', '']]) {
    fs.mkdirSync(path.join(src, path.dirname(f)), { recursive: true });
    fs.writeFileSync(path.join(src, f), body);
}
fs.symlinkSync('hello.txt', path.join(src, 'link'));
const mtime = new Date('2020-01-02T03:04:05Z');
await tar.c({ file: path.join(dir, 'a.tar'), cwd: src, portable: true, mtime }, ['hello.txt', 'sub', 'link']);
console.log('tar size', fs.statSync(path.join(dir, 'a.tar')).size);
const listed = [];
await tar.t({ file: path.join(dir, 'a.tar'), onReadEntry: (e) => listed.push(`${e.type} ${e.path} ${e.size}`) });
console.log(listed.sort().join('\n'));
fs.mkdirSync(path.join(dir, 'out'));
await tar.x({ file: path.join(dir, 'a.tar'), cwd: path.join(dir, 'out') });
console.log(fs.readFileSync(path.join(dir, 'out/hello.txt'), 'utf8').trim(),
    fs.statSync(path.join(dir, 'out/sub/deep/data.bin')).size, fs.readlinkSync(path.join(dir, 'out/link')));
tar.c({ sync: true, file: path.join(dir, 'b.tar'), cwd: src, portable: true, mtime }, ['hello.txt']);
fs.mkdirSync(path.join(dir, 'out2'));
tar.x({ sync: true, file: path.join(dir, 'b.tar'), cwd: path.join(dir, 'out2'), strip: 0 });
console.log(fs.readdirSync(path.join(dir, 'out2')));
// stream form: create to a stream, parse from it
const chunks = [];
await new Promise((resolve, reject) => tar.c({ cwd: src, portable: true, mtime }, ['sub']).on('data', (c) => chunks.push(c)).on('end', resolve).on('error', reject));
const names = [];
await new Promise((resolve) => {
    const p = new tar.Parser({ onReadEntry: (e) => { names.push(e.path); e.resume(); } });
    p.on('end', resolve);
    p.end(Buffer.concat(chunks));
});
console.log(names.sort());
try { await tar.x({ file: path.join(dir, 'missing.tar'), cwd: dir }); } catch (e) { console.log('missing', e.code); }
fs.rmSync(dir, { recursive: true });
