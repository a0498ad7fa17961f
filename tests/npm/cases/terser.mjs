// terser minifies through its API (compress, mangle, source maps) and as a command.
import { minify } from 'terser';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
const code = {
    'lib.js': `export function add(first, second) { const unused = 3; return first + second; }
export class Counter { constructor(start) { this.count = start; } inc(by = 1) { this.count += by; return this; } }
if (false) { console.log('dead'); }
const message = 'hello' + ' ' + 'world';
export default function greet(name) { return message + ', ' + name + '!'; }`,
    'app.js': `(function () { var longVariableName = [1, 2, 3].map(function (x) { return x * 2; });
  for (var i = 0; i < longVariableName.length; i++) { console.log(longVariableName[i]); } })();`,
};
const r1 = await minify(code, { module: true, compress: { passes: 2 }, mangle: true, sourceMap: { filename: 'out.js', url: 'out.js.map' } });
console.log(r1.code);
const map = JSON.parse(r1.map);
console.log(map.version, map.sources.join(','), map.names.length > 0, map.mappings.length > 10);
console.log((await minify(code['app.js'], { compress: false, mangle: false, format: { beautify: true } })).code);
console.log((await minify('let a = 1 + 2 * 3; console.log(a, typeof a === "number")', { toplevel: true })).code);
try { await minify('function (', {}); } catch (e) { console.log(e.name, e.message, e.line, e.col); }
const bin = createRequire(import.meta.url).resolve('terser/bin/terser');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terser-'));
fs.writeFileSync(path.join(dir, 'app.js'), code['app.js']);
const r = spawnSync(process.execPath, [bin, 'app.js', '-c', '-m', '--toplevel', '-o', 'app.min.js'], { cwd: dir, encoding: 'utf8' });
console.log(r.status, r.stderr, fs.readFileSync(path.join(dir, 'app.min.js'), 'utf8'));
fs.rmSync(dir, { recursive: true });
