// eslint lints files with a flat config (eslint.config.js) through its API
// and as the eslint command run by this runtime; --fix rewrites a file.
import { ESLint } from 'eslint';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eslint-'));
fs.writeFileSync(path.join(dir, 'eslint.config.js'), `import js from ${JSON.stringify(require.resolve('@eslint/js'))};
export default [
  js.configs.recommended,
  { files: ['**/*.js'], languageOptions: { sourceType: 'module', globals: { console: 'readonly' } },
    rules: { semi: ['error', 'always'], quotes: ['warn', 'single'], 'no-var': 'error', eqeqeq: 'error', 'prefer-const': 'warn' } },
];
`);
fs.writeFileSync(path.join(dir, 'bad.js'), `var a = "double"
let unusedThing = 1
if (a == 2) { console.log(undefinedVar) }
function dup(x, x2) { return x; return x2 }
debugger
`);
fs.writeFileSync(path.join(dir, 'good.js'), "const b = 'single';\nconsole.log(b);\n");
fs.writeFileSync(path.join(dir, 'syntax.js'), 'const = 1;\n');
const eslint = new ESLint({ cwd: dir });
const results = await eslint.lintFiles(['*.js']);
for (const r of results) {
    console.log(path.basename(r.filePath), r.errorCount, r.warningCount, r.fixableErrorCount);
    for (const m of r.messages) console.log(`  ${m.line}:${m.column} ${m.severity} ${m.ruleId} ${m.message}`);
}
const formatter = await eslint.loadFormatter('stylish');
const text = await formatter.format(results);
console.log(text.replaceAll(dir, '<dir>'));
console.log(JSON.stringify(await eslint.calculateConfigForFile('good.js').then((c) => c.rules.semi)));
const fixer = new ESLint({ cwd: dir, fix: true });
const fixed = await fixer.lintText('var z = "q"\nlet k = 2\nconsole.log(z, k)\n', { filePath: path.join(dir, 'text.js') });
console.log(fixed[0].output);
const bin = path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');
for (const args of [['good.js'], ['bad.js', '--format', 'json'], ['--fix', 'bad.js'], ['--print-config', 'good.js']]) {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
    const out = args[0] === '--print-config' ? Object.keys(JSON.parse(r.stdout).rules).length + ' rules'
        : args.includes('json') ? JSON.parse(r.stdout).map((f) => `${path.basename(f.filePath)}: ${f.messages.map((m) => m.ruleId).join(',')}`).join('\n')
        : r.stdout.replaceAll(dir, '<dir>').trimEnd();
    console.log(`eslint ${args.join(' ')} -> ${r.status}\n${out}\n${r.stderr.trimEnd()}`);
}
console.log(fs.readFileSync(path.join(dir, 'bad.js'), 'utf8'));
fs.rmSync(dir, { recursive: true });
