const fse = require('fs-extra');
const os = require('os');
const path = require('path');
(async () => {
    const dir = await fse.mkdtemp(path.join(os.tmpdir(), 'fse-'));
    const p = (...a) => path.join(dir, ...a);
    await fse.outputFile(p('a/b/c.txt'), 'hello');
    await fse.outputJson(p('a/data.json'), { x: 1, list: [1, 2] }, { spaces: 2 });
    console.log(await fse.readFile(p('a/b/c.txt'), 'utf8'), JSON.stringify(await fse.readJson(p('a/data.json'))));
    console.log(fse.readFileSync(p('a/data.json'), 'utf8'));
    await fse.copy(p('a'), p('copy'));
    console.log((await fse.readdir(p('copy'))).sort(), await fse.pathExists(p('copy/b/c.txt')));
    await fse.move(p('copy'), p('moved'));
    console.log(await fse.pathExists(p('copy')), await fse.pathExists(p('moved/b/c.txt')));
    await fse.ensureDir(p('x/y/z'));
    await fse.ensureFile(p('x/y/z/f.txt'));
    await fse.ensureSymlink(p('a/b/c.txt'), p('x/link.txt'));
    console.log((await fse.lstat(p('x/link.txt'))).isSymbolicLink(), await fse.readFile(p('x/link.txt'), 'utf8'));
    await fse.emptyDir(p('x'));
    console.log(await fse.readdir(p('x')));
    fse.copySync(p('a/b'), p('sync'), { filter: (src) => !src.endsWith('.tmp') });
    fse.writeJsonSync(p('sync/j.json'), [true]);
    console.log(fse.readJsonSync(p('sync/j.json')), fse.existsSync(p('sync/c.txt')));
    try { await fse.copy(p('nope'), p('dest')); } catch (e) { console.log('copy error', e.code, e.syscall); }
    try { fse.readJsonSync(p('a/b/c.txt')); } catch (e) { console.log('json error', e.name); }
    fse.removeSync(p('sync'));
    await fse.remove(dir);
    console.log('removed', fse.existsSync(dir));
    fse.ensureDir(p('cb'), (err) => console.log('callback', err, fse.existsSync(p('cb'))) || fse.removeSync(dir));
})();
