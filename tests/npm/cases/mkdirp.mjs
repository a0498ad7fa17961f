import { mkdirp, mkdirpSync, mkdirpNative, mkdirpManual, useNative } from 'mkdirp';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mkdirp-'));
const rel = (p) => p && path.relative(dir, p).split(path.sep).join('/');
console.log(rel(await mkdirp(path.join(dir, 'a/b/c'))), rel(await mkdirp(path.join(dir, 'a/b/c'))));
console.log(rel(mkdirpSync(path.join(dir, 'a/x/y'), 0o755)), fs.statSync(path.join(dir, 'a/x/y')).isDirectory());
console.log(rel(await mkdirpManual(path.join(dir, 'm/n'))), rel(await mkdirpNative(path.join(dir, 'n/o'))));
console.log(typeof useNative());
fs.writeFileSync(path.join(dir, 'file'), 'x');
try { await mkdirp(path.join(dir, 'file/sub')); } catch (e) { console.log('error', e.code); }
try { mkdirpSync(path.join(dir, 'file')); } catch (e) { console.log('error sync', e.code); }
try { await mkdirp(path.join(dir, 'bad\0name')); } catch (e) { console.log('bad path', e.code); }
console.log(fs.readdirSync(dir).sort());
fs.rmSync(dir, { recursive: true });
