// flags: --expose-gc
import { test, assert, tmpdir } from './harness.mjs';
import fsModule, { open, FileHandle, Stats } from 'corojs:fs';

const enc = new TextEncoder();
const p = (name) => `${tmpdir}/${name}`;

test('fs is a global and the corojs:fs default export', () => {
  assert.equal(fs, fsModule);
  assert.equal(fs.open, open);
});

test('write then read back, with and without offsets', () => {
  const fh = fs.open(p('a.txt'), 'w+');
  assert.ok(fh instanceof FileHandle);
  assert.equal(fh.write('hello '), 6n);
  assert.equal(fh.write(enc.encode('world')), 5n);
  assert.equal(fh.write('HE', 0), 2n, 'positional write');
  assert.deepEqual(fh.read(5, 0), enc.encode('HEllo'));
  assert.deepEqual(fh.read(100, 6), enc.encode('world'));
  assert.equal(fh.read(10, 11), null, 'null at the end of the file');
  const dv = new DataView(enc.encode('xxABxx').buffer, 2, 2);
  assert.equal(fh.write(dv, 11), 2n, 'a DataView is bytes too');
  assert.deepEqual(fh.read(2, 11), enc.encode('AB'));
  fh.write(new Uint16Array([0x6968]), 11);
  assert.deepEqual(fh.read(2, 11), enc.encode('hi'), 'any typed array, by its bytes');
  fh.close();
});

test('read without an offset continues from the current position', () => {
  fs.writeFile(p('seq.txt'), 'abcdefgh');
  const fh = fs.open(p('seq.txt'));
  assert.deepEqual(fh.read(3), enc.encode('abc'));
  assert.deepEqual(fh.read(3), enc.encode('def'));
  assert.deepEqual(fh.read(3, 0), enc.encode('abc'), 'a positional read leaves the position');
  assert.deepEqual(fh.read(3), enc.encode('gh'));
  assert.equal(fh.read(3), null);
  assert.deepEqual(fh.read(0), new Uint8Array(0));
  fh.close();
});

test('every open flag', () => {
  const f = p('flags.txt');
  fs.writeFile(f, 'base');
  let fh = fs.open(f, 'r');
  assert.throws(() => fh.write('x'), { code: 'EBADF', syscall: 'write' });
  fh.close();
  fh = fs.open(f, 'r+');
  fh.write('B', 0);
  fh.close();
  assert.equal(fs.readFile(f), 'Base');
  fs.open(f, 'a').write('+a');
  assert.equal(fs.readFile(f), 'Base+a');
  fh = fs.open(f, 'a+');
  fh.write('!');
  assert.deepEqual(fh.read(4, 0), enc.encode('Base'));
  fh.close();
  assert.equal(fs.readFile(f), 'Base+a!');
  fs.open(f, 'w').close();
  assert.equal(fs.readFile(f), '', 'w truncates');
  fh = fs.open(f, 'w+');
  fh.write('wplus');
  assert.deepEqual(fh.read(5, 0), enc.encode('wplus'));
  fh.close();
  assert.throws(() => fs.open(f, 'wx'), { code: 'EEXIST', syscall: 'open', path: f });
  fs.open(p('new-wx.txt'), 'wx').close();
  assert.ok(fs.exists(p('new-wx.txt')));
  assert.throws(() => fs.open(f, 'rw'), { code: 'ERR_INVALID_ARG_VALUE', message: /flags/ });
  assert.throws(() => fs.open(f, 7), { name: 'TypeError', message: /"flags"/ });
});

test('missing files: ENOENT with code, syscall and path', () => {
  const missing = p('no/such/file');
  const e = assert.throws(() => fs.open(missing), { code: 'ENOENT', syscall: 'open', path: missing });
  assert.match(e.message, /^ENOENT: no such file or directory, open '.*no\/such\/file'$/);
  assert.equal(e.errno, -2);
  assert.throws(() => fs.readFile(missing), { code: 'ENOENT' });
  assert.throws(() => fs.stat(missing), { code: 'ENOENT', syscall: 'stat' });
  assert.throws(() => fs.unlink(missing), { code: 'ENOENT', syscall: 'unlink' });
  assert.throws(() => fs.readdir(missing), { code: 'ENOENT', syscall: 'scandir' });
  assert.throws(() => fs.rename(missing, p('x')), { code: 'ENOENT', syscall: 'rename', dest: p('x') });
  assert.equal(fs.exists(missing), false);
});

test('wrong argument types are TypeErrors naming the argument', () => {
  assert.throws(() => fs.open(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /"path"/ });
  assert.throws(() => fs.readFile({}), { name: 'TypeError', message: /"path"/ });
  assert.throws(() => fs.writeFile(p('t'), 12), { name: 'TypeError', message: /"data"/ });
  assert.throws(() => fs.mkdir(null), { name: 'TypeError', message: /"path"/ });
  assert.throws(() => fs.rename(p('a.txt'), 1), { name: 'TypeError', message: /"to"/ });
  const fh = fs.open(p('a.txt'));
  assert.throws(() => fh.read('10'), { name: 'TypeError', message: /"length"/ });
  assert.throws(() => fh.read(-1), { name: 'RangeError', message: /"length"/ });
  assert.throws(() => fh.read(1, -5), { name: 'RangeError', message: /"offset"/ });
  assert.throws(() => fh.read(1.5), { name: 'RangeError' });
  assert.throws(() => fs.open(p('m'), 'w', 'rw'), { name: 'TypeError', message: /"mode"/ });
  fh.close();
});

test('a closed FileHandle throws EBADF on every call, close included', () => {
  const fh = fs.open(p('a.txt'));
  fh.close();
  for (const call of [() => fh.read(1), () => fh.write('x'), () => fh.fstat(), () => fh.fsync(),
    () => fh.fdatasync(), () => fh.close()]) {
    assert.throws(call, { code: 'EBADF' });
  }
});

test('fstat, stat and lstat', () => {
  fs.writeFile(p('s.txt'), '12345');
  const fh = fs.open(p('s.txt'));
  const st = fh.fstat();
  assert.ok(st instanceof Stats);
  assert.equal(st.size, 5);
  assert.ok(st.isFile() && !st.isDirectory());
  assert.ok(st.mtimeMs > 0 && st.mtime instanceof Date);
  assert.equal(st.mode & 0o170000, 0o100000);
  fh.fsync();
  fh.fdatasync();
  fh.close();
  const d = fs.stat(tmpdir);
  assert.ok(d.isDirectory() && !d.isFile());
  assert.ok(fs.lstat(p('s.txt')).isFile());
});

test('readFile and writeFile, as text and as bytes; appendFile', () => {
  const text = 'línea 1\nlínea 2 😀\n';
  fs.writeFile(p('t.txt'), text);
  assert.equal(fs.readFile(p('t.txt')), text);
  assert.deepEqual(fs.readFile(p('t.txt'), null), enc.encode(text));
  assert.deepEqual(fs.readFile(p('t.txt'), 'bytes'), enc.encode(text));
  fs.appendFile(p('t.txt'), 'more');
  assert.equal(fs.readFile(p('t.txt')), text + 'more');
  const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 255);
  fs.writeFile(p('big.bin'), big);
  assert.deepEqual(fs.readFile(p('big.bin'), null), big);
  assert.throws(() => fs.readFile(p('t.txt'), 'latin1'), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => fs.readFile(tmpdir), { code: 'EISDIR' });
});

test('directories: mkdir, readdir, rename, unlink, rmdir', () => {
  const d = p('dir');
  fs.mkdir(d);
  assert.throws(() => fs.mkdir(d), { code: 'EEXIST', syscall: 'mkdir', path: d });
  fs.writeFile(`${d}/b`, 'b');
  fs.writeFile(`${d}/a`, 'a');
  assert.deepEqual(fs.readdir(d).sort(), ['a', 'b']);
  fs.rename(`${d}/a`, `${d}/c`);
  assert.deepEqual(fs.readdir(d).sort(), ['b', 'c']);
  assert.throws(() => fs.rmdir(d), { code: 'ENOTEMPTY', syscall: 'rmdir' });
  fs.unlink(`${d}/b`);
  fs.unlink(`${d}/c`);
  fs.rmdir(d);
  assert.equal(fs.exists(d), false);
  assert.throws(() => fs.readdir(p('a.txt')), { code: 'ENOTDIR' });
});

test('mkdir with recursive creates parents and accepts existing ones', () => {
  const deep = p('r1/r2/r3');
  fs.mkdir(deep, { recursive: true });
  fs.mkdir(deep, { recursive: true });
  assert.ok(fs.stat(deep).isDirectory());
  fs.writeFile(p('r1/file'), '');
  assert.throws(() => fs.mkdir(p('r1/file/sub'), { recursive: true }), { code: 'ENOTDIR' });
});

test('many fibers read and write at once', () => {
  const fibers = [];
  for (let i = 0; i < 50; i++) {
    fibers.push(Fiber.run((n) => {
      const name = p(`par-${n}.txt`);
      fs.writeFile(name, `content ${n}`.repeat(100));
      return fs.readFile(name) === `content ${n}`.repeat(100);
    }, i));
  }
  assert.ok(fibers.every((f) => f.join()));
});

test('closing a file while another fiber reads from it', () => {
  fs.writeFile(p('race.txt'), 'x'.repeat(1 << 20));
  const fh = fs.open(p('race.txt'));
  const reader = Fiber.run(() => fh.read(1 << 20, 0));
  fh.close(); // the read in flight finishes; the descriptor closes after it
  const got = reader.join();
  assert.equal(got.length, 1 << 20);
  assert.throws(() => fh.read(1), { code: 'EBADF' });
});

test('a dropped FileHandle has its descriptor closed by the GC', () => {
  const count = () => fs.readdir('/proc/self/fd').length;
  const before = count();
  (() => {
    for (let i = 0; i < 20; i++) fs.open(p('a.txt'));
  })();
  gc();
  // the FinalizationRegistry's callbacks run as promise jobs and close in
  // the background (the thread pool): each count() goes through it after them
  for (let i = 0; i < 100 && count() > before; i++) Fiber.yield();
  assert.ok(count() <= before, `${count() - before} descriptors leaked`);
});
