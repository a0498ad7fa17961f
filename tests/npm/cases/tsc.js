// tsc (TypeScript 5) compiles the committed project tests/npm/projects/tsc
// in a temporary copy, run as a command by this runtime (process.execPath);
// then a file with type errors, and the emitted program is run.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const tsc = require.resolve('typescript/bin/tsc');
const project = path.join(__dirname, '..', 'projects', 'tsc');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsc-'));
fs.cpSync(project, dir, { recursive: true });
function run(...args) {
    const r = spawnSync(process.execPath, [tsc, ...args], { cwd: dir, encoding: 'utf8' });
    console.log(`tsc ${args.join(' ')} -> status ${r.status}`);
    if (r.stdout) console.log(r.stdout.trimEnd());
}
run('--version');
run('-p', '.');
for (const f of fs.readdirSync(path.join(dir, 'out')).sort()) {
    console.log(`--- out/${f}`);
    console.log(fs.readFileSync(path.join(dir, 'out', f), 'utf8').trimEnd());
}
fs.writeFileSync(path.join(dir, 'src', 'bad.ts'), "import { area } from './shapes.js';\nconst n: string = area({ kind: 'square', side: 2 });\nlet x = undefinedName + 1;\n");
run('-p', '.', '--noEmit', '--pretty', 'false');
fs.rmSync(path.join(dir, 'src', 'bad.ts'));
run('--build', '--pretty', 'false');
console.log(fs.readdirSync(dir).sort().join(' '));
import(path.join(dir, 'out', 'main.js')).then(async (m) => {
    console.log(await m.run());
    fs.rmSync(dir, { recursive: true });
});
