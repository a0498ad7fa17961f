// flags: --expose-internals
// A path holding a NUL byte is refused, never cut short at it (issue 13,
// item 17): fs calls, the working directory, Unix socket paths, isolates'
// modules and jails, imports.
import { test, assert, tmpdir } from './harness.mjs';
import fs from 'corojs:fs';
import net from 'corojs:net';
import P from 'corojs:internal/primordials';

const nul = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: /without null bytes.*\\x00/ };

test('fs refuses a path with a NUL byte instead of cutting it', () => {
  fs.writeFile(`${tmpdir}/real.txt`, 'real');
  const cut = `${tmpdir}/real.txt\0.evil`;
  assert.throws(() => fs.readFile(cut), nul);
  assert.throws(() => fs.writeFile(cut, 'x'), nul);
  assert.throws(() => fs.open(cut), nul);
  assert.throws(() => fs.stat(cut), nul);
  assert.throws(() => fs.lstat(cut), nul);
  assert.throws(() => fs.unlink(cut), nul);
  assert.throws(() => fs.readdir(`${tmpdir}\0/x`), nul);
  assert.throws(() => fs.mkdir(`${tmpdir}/made\0x`), nul);
  assert.throws(() => fs.rmdir(`${tmpdir}\0x`), nul);
  assert.throws(() => fs.rename(cut, `${tmpdir}/other`), nul);
  assert.throws(() => fs.rename(`${tmpdir}/real.txt`, `${tmpdir}/other\0x`), { ...nul, message: /'to'/ });
  assert.equal(fs.readFile(`${tmpdir}/real.txt`), 'real', 'nothing was touched');
  assert.equal(fs.exists(`${tmpdir}/made`), false);
  assert.equal(fs.exists(`${tmpdir}/other`), false);
});

test("fs.readFile('') is ENOENT, jailed or not", () => {
  assert.throws(() => fs.readFile(''), { code: 'ENOENT' });
  const c = new Isolate(`${import.meta.dirname}/fixtures/isolate/fsuser.mjs`, { fs: tmpdir });
  assert.throws(() => c.call('read', ''), { code: 'ENOENT' });
  assert.throws(() => c.call('read', `in\0side`), nul);
  c.terminate();
});

test('the working directory and Unix socket paths refuse NUL bytes', () => {
  assert.throws(() => process.chdir(`${tmpdir}\0/x`), nul);
  assert.throws(() => net.connect(`${tmpdir}/sock\0et`), nul);
  const server = net.createServer(() => {});
  assert.throws(() => server.listen(`${tmpdir}/sock\0et`), nul);
});

test('modules, isolates and jails refuse NUL bytes', () => {
  fs.writeFile(`${tmpdir}/mod.mjs`, 'export default 1;');
  let error;
  Fiber.await(import(`${tmpdir}/mod.mjs\0.x`).catch((e) => { error = e; }));
  assert.equal(error?.code, 'ERR_INVALID_ARG_VALUE', `import: ${error}`);
  assert.match(String(error?.message), /without null bytes/);
  assert.throws(() => new Isolate(`${tmpdir}/mod.mjs\0.x`), nul);
  assert.throws(() => new Isolate(`${tmpdir}/mod.mjs`, { fs: `${tmpdir}\0/x` }), nul);
  assert.throws(() => P.isolate.create(0, { path: `${tmpdir}/mod.mjs\0x`, argv: [] }), nul);
});
