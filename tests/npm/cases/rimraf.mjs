import { rimraf, rimrafSync, native, manual } from 'rimraf';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
function tree(name) {
    const d = path.join(os.tmpdir(), `rimraf-${process.pid}-${name}`);
    for (const f of ['a/b/c/d.txt', 'a/e.txt', 'f/g.txt', 'h.txt']) {
        fs.mkdirSync(path.join(d, path.dirname(f)), { recursive: true });
        fs.writeFileSync(path.join(d, f), f);
    }
    fs.symlinkSync(path.join(d, 'f'), path.join(d, 'a', 'link'));
    return d;
}
const d1 = tree('async');
console.log(await rimraf(d1), fs.existsSync(d1));
const d2 = tree('sync');
console.log(rimrafSync(d2), fs.existsSync(d2));
const d3 = tree('native');
console.log(await native(d3), fs.existsSync(d3));
const d4 = tree('manual');
console.log(await manual(d4), fs.existsSync(d4));
const d5 = tree('filter');
console.log(await rimraf(d5, { filter: (p) => !p.endsWith('g.txt') && !p.endsWith(`${path.sep}f`) && p !== d5 }));
console.log(fs.readdirSync(d5).sort(), fs.existsSync(path.join(d5, 'f', 'g.txt')));
const d6 = tree('glob');
console.log(await rimraf(path.join(d6, '**/*.txt').split(path.sep).join('/'), { glob: true }));
console.log(fs.readdirSync(d6).sort(), fs.readdirSync(path.join(d6, 'a', 'b', 'c')));
await rimraf([d5, d6]);
console.log(await rimraf(path.join(os.tmpdir(), 'rimraf-does-not-exist')), fs.existsSync(d5) || fs.existsSync(d6));
