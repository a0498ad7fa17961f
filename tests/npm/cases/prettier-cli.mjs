// The prettier command checks and writes files, run by this runtime
// (process.execPath) with a .prettierrc.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
const ugly = 'const   x = {a:1,b:[1,2,3],  c: function(){return "str"}}\nexport default   x ?? f?.(1)\n';
const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('prettier')), 'bin', 'prettier.cjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prettier-'));
fs.writeFileSync(path.join(dir, 'a.js'), ugly);
fs.writeFileSync(path.join(dir, 'b.ts'), 'let  y : number=1\n');
fs.writeFileSync(path.join(dir, '.prettierrc'), '{ "semi": false }\n');
// Without colours whatever the caller's environment (picocolors colours any
// output when CI is set).
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: undefined };
for (const args of [['--check', '.'], ['--write', '.'], ['--check', '.'], ['a.js']]) {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env });
    console.log(`prettier ${args.join(' ')} -> ${r.status}\n${r.stdout.replace(/ \d+ms/g, '').trimEnd()}\n${r.stderr.trimEnd()}`);
}
fs.rmSync(dir, { recursive: true });
