import { glob, globSync, globStream, hasMagic, escape } from 'glob';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glob-'));
for (const f of ['a.js', 'b.ts', 'src/x.js', 'src/y.mjs', 'src/deep/z.js', 'src/deep/.hidden.js', 'node_modules/m/i.js', 'docs/readme.md']) {
    fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), f);
}
fs.symlinkSync(path.join(dir, 'docs'), path.join(dir, 'src', 'link'));
const sorted = (a) => a.map((p) => p.split(path.sep).join('/')).sort();
console.log(sorted(await glob('**/*.js', { cwd: dir, ignore: 'node_modules/**' })));
console.log(sorted(globSync('**/*.{js,mjs}', { cwd: dir, dot: true, ignore: ['node_modules/**'] })));
console.log(sorted(await glob('src/**', { cwd: dir, nodir: true, follow: false })));
console.log(sorted(await glob('src/*/', { cwd: dir, mark: true })));
console.log(sorted(await glob('**/*.md', { cwd: dir, follow: true })));
const abs = await glob('*.ts', { cwd: dir, absolute: true });
console.log(abs.length, abs[0] === path.join(dir, 'b.ts'));
const streamed = [];
for await (const p of globStream('src/*.js', { cwd: dir })) streamed.push(p);
console.log(streamed);
const withStats = await glob('*.js', { cwd: dir, withFileTypes: true, stat: true });
console.log(withStats.map((p) => [p.name, p.isFile(), p.size]));
console.log(hasMagic('a/*.js'), hasMagic('a/b.js'), escape('a[b]*.js'));
console.log(await glob('nothing/**/*.zz', { cwd: dir }));
fs.rmSync(dir, { recursive: true });
