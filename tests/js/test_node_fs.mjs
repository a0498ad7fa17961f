// flags: --expose-internals
// node:fs: Node's own lib/fs.js over internalBinding('fs') (lib/node/bindings/
// fs.js, src/prim/nodefs.c), on real files in this test's directory: the
// sync forms (exclusive: no other fiber runs meanwhile), the callback forms
// (always called later, never from inside the call), fs/promises, Dir,
// streams, and Node's errors (code, errno, syscall, path, dest, message).
import { test, assert, event, tmpdir } from './harness.mjs';
import { requireBuiltin, internalBinding } from 'corojs:internal/node/builtins';
import corofs from 'corojs:fs';
import P from 'corojs:internal/primordials';

const fs = requireBuiltin('fs');
const fsp = requireBuiltin('fs/promises');
const { Buffer } = requireBuiltin('buffer');
const root = fs.mkdtempSync(`${tmpdir}/node-fs-`);
const at = (name) => `${root}/${name}`;

test('writeFileSync, readFileSync (utf8 and bytes), appendFileSync, existsSync', () => {
  fs.writeFileSync(at('a.txt'), 'héllo');
  fs.appendFileSync(at('a.txt'), Buffer.from(' wörld'));
  assert.equal(fs.readFileSync(at('a.txt'), 'utf8'), 'héllo wörld');
  const bytes = fs.readFileSync(at('a.txt'));
  assert.ok(Buffer.isBuffer(bytes));
  assert.equal(bytes.length, 13);
  assert.equal(fs.readFileSync(at('a.txt'), 'base64'), Buffer.from('héllo wörld').toString('base64'));
  assert.ok(fs.existsSync(at('a.txt')) && !fs.existsSync(at('none')));
});

test('statSync, lstatSync, fstatSync: Node\'s Stats, bigint too', () => {
  const st = fs.statSync(at('a.txt'));
  assert.ok(st.isFile() && !st.isDirectory());
  assert.equal(st.size, 13);
  assert.ok(st.mtime instanceof Date && st.mtimeMs > 0);
  assert.equal(st.ino, corofs.stat(at('a.txt')).ino);
  assert.ok(fs.statSync(root).isDirectory());
  const big = fs.statSync(at('a.txt'), { bigint: true });
  assert.equal(big.size, 13n);
  assert.equal(typeof big.mtimeNs, 'bigint');
  assert.equal(fs.lstatSync(at('none'), { throwIfNoEntry: false }), undefined);
  assert.equal(fs.statSync(at('none/x'), { throwIfNoEntry: false }), undefined);
  const fd = fs.openSync(at('a.txt'), 'r');
  assert.equal(fs.fstatSync(fd).size, 13);
  fs.closeSync(fd);
});

test('openSync, writeSync, readSync at positions, ftruncateSync, fsyncSync', () => {
  const fd = fs.openSync(at('b.bin'), 'w+', 0o600);
  assert.equal(typeof fd, 'number');
  assert.equal(fs.writeSync(fd, 'abcdef'), 6);
  assert.equal(fs.writeSync(fd, Buffer.from('XY'), 0, 2, 1), 2);
  const buf = Buffer.alloc(10, '.');
  assert.equal(fs.readSync(fd, buf, 2, 6, 0), 6);
  assert.equal(buf.toString(), '..aXYdef..');
  assert.equal(fs.readSync(fd, buf, { position: 10 }), 0, 'a read past the end reads nothing');
  fs.ftruncateSync(fd, 3);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  assert.equal(fs.readFileSync(at('b.bin'), 'latin1'), 'aXY');
  assert.equal(fs.statSync(at('b.bin')).mode & 0o777, 0o600);
});

test('directories: mkdirSync -p, readdirSync (types, recursive), rmdirSync, rmSync -r', () => {
  assert.equal(fs.mkdirSync(at('d/e/f'), { recursive: true }), at('d'));
  assert.equal(fs.mkdirSync(at('d/e'), { recursive: true }), undefined);
  fs.writeFileSync(at('d/e/g.txt'), 'g');
  assert.deepEqual(fs.readdirSync(at('d/e')).sort(), ['f', 'g.txt']);
  const types = fs.readdirSync(at('d/e'), { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1));
  assert.deepEqual(types.map((d) => [d.name, d.isDirectory(), d.isFile()]), [['f', true, false], ['g.txt', false, true]]);
  assert.deepEqual(fs.readdirSync(at('d'), { recursive: true }).sort(), ['e', 'e/f', 'e/g.txt']);
  fs.rmdirSync(at('d/e/f'));
  assert.throws(() => fs.rmdirSync(at('d')), { code: 'ENOTEMPTY', syscall: 'rmdir', path: at('d') });
  fs.rmSync(at('d'), { recursive: true });
  assert.ok(!fs.existsSync(at('d')));
  fs.rmSync(at('d'), { force: true });
});

test('links, realpath, rename, copyFile, chmod, utimes, access, mkdtemp', () => {
  fs.symlinkSync('a.txt', at('link'));
  assert.equal(fs.readlinkSync(at('link')), 'a.txt');
  assert.ok(fs.lstatSync(at('link')).isSymbolicLink());
  assert.equal(fs.realpathSync(at('link')), fs.realpathSync(at('a.txt')));
  assert.equal(fs.realpathSync.native(at('link')), fs.realpathSync(at('a.txt')));
  assert.ok(Buffer.isBuffer(fs.readlinkSync(at('link'), 'buffer')));
  fs.linkSync(at('a.txt'), at('hard'));
  assert.equal(fs.statSync(at('hard')).nlink, 2);
  fs.renameSync(at('hard'), at('hard2'));
  fs.copyFileSync(at('a.txt'), at('copy'));
  assert.equal(fs.readFileSync(at('copy'), 'utf8'), 'héllo wörld');
  assert.throws(() => fs.copyFileSync(at('a.txt'), at('copy'), fs.constants.COPYFILE_EXCL),
    { code: 'EEXIST', syscall: 'copyfile', path: at('a.txt'), dest: at('copy') });
  fs.chmodSync(at('copy'), 0o640);
  assert.equal(fs.statSync(at('copy')).mode & 0o777, 0o640);
  fs.utimesSync(at('copy'), 1000, new Date(2000000));
  assert.equal(fs.statSync(at('copy')).mtimeMs, 2000000);
  assert.equal(fs.statSync(at('copy')).atimeMs, 1000000);
  fs.accessSync(at('copy'), fs.constants.R_OK);
  assert.throws(() => fs.accessSync(at('none')), { code: 'ENOENT', syscall: 'access' });
  const dir = fs.mkdtempSync(at('tmp-'));
  assert.match(dir, /\/tmp-[A-Za-z0-9]{6}$/);
  assert.ok(fs.statSync(dir).isDirectory());
});

test('errors are Node\'s: code, errno, syscall, path, dest, message', () => {
  const e = assert.throws(() => fs.openSync('/nonexistent/x'), {
    name: 'Error', code: 'ENOENT', errno: -2, syscall: 'open', path: '/nonexistent/x',
  });
  assert.equal(e.message, "ENOENT: no such file or directory, open '/nonexistent/x'");
  assert.throws(() => fs.renameSync(at('none'), at('other')), {
    code: 'ENOENT', syscall: 'rename', path: at('none'), dest: at('other'),
    message: /^ENOENT: no such file or directory, rename '.*none' -> '.*other'$/,
  });
  assert.throws(() => fs.mkdirSync(root), { code: 'EEXIST', syscall: 'mkdir' });
  assert.throws(() => fs.readFileSync(root), { code: 'EISDIR', syscall: 'read' });
  assert.throws(() => fs.mkdirSync(at('a.txt/sub'), { recursive: true }), { code: 'ENOTDIR' });
  assert.throws(() => fs.closeSync(987654), { code: 'EBADF', syscall: 'close' });
  assert.throws(() => fs.mkdtempSync('/nonexistent/p-'), { code: 'ENOENT', syscall: 'mkdtemp' });
  // bad arguments throw at once, as in Node
  assert.throws(() => fs.openSync({}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => fs.readFileSync('a\0b'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => fs.stat(at('a.txt')), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => fs.readSync(1.5, Buffer.alloc(1)), { code: 'ERR_OUT_OF_RANGE' });
  // the binding checks descriptors itself, as node_file.cc does
  assert.throws(() => fs.closeSync(''), {
    name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "fd" argument must be of type number. Received type string (\'\')',
  });
  assert.throws(() => fs.close(-1), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => fs.fchmodSync(null, 0o644), { code: 'ERR_INVALID_ARG_TYPE' });
  fs.watch(root).close(); // fs.watch is there now: tests/js/test_node_fs_watch.mjs
});

test('a *Sync call is exclusive: no other fiber of the isolate runs meanwhile', () => {
  fs.writeFileSync(at('big'), Buffer.alloc(1 << 20, 'x'));
  // The control: corojs:fs parks only the calling fiber, so another runs.
  let ran = false;
  let other = Fiber.run(() => { Fiber.yield(); ran = true; });
  corofs.readFile(at('big'), null);
  assert.ok(ran, 'the control: a fiber ready meanwhile ran during a plain fs call');
  other.join();
  ran = false;
  other = Fiber.run(() => { Fiber.yield(); ran = true; });
  assert.equal(fs.readFileSync(at('big')).length, 1 << 20);
  fs.statSync(at('big'));
  fs.writeFileSync(at('big2'), 'y');
  assert.ok(!ran, 'no other fiber ran inside the *Sync calls');
  other.join();
  assert.ok(ran);
});

test('a *Sync call runs on the calling thread: it completes while every pool thread is held', () => {
  // The child holds both of its pool threads with reads of FIFOs nobody
  // writes yet (libuv's pool: UV_THREADPOOL_SIZE=2), then makes sync calls:
  // they must not queue behind the reads. Then it releases the reads.
  const cp = requireBuiltin('child_process');
  const script = `
    const fs = require('fs');
    const dir = ${JSON.stringify(root)};
    const fifos = [0, 1].map((i) => dir + '/fifo' + i);
    for (const f of fifos) { try { fs.unlinkSync(f); } catch {} require('child_process').execFileSync('mkfifo', [f]); }
    const fds = fifos.map((f) => fs.openSync(f, fs.constants.O_RDWR));
    let read = 0;
    for (const fd of fds) fs.read(fd, Buffer.alloc(1), 0, 1, null, () => { if (++read === 2) console.log('reads done'); });
    setImmediate(() => {
      fs.writeFileSync(dir + '/during', 'x');
      const st = fs.statSync(dir + '/during');
      console.log('sync done', st.size, fs.existsSync(dir + '/none'));
      for (const fd of fds) fs.writeSync(fd, 'y');
    });`;
  const out = cp.execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '2' }, timeout: 60000, encoding: 'utf8',
  });
  assert.equal(out, 'sync done 1 false\nreads done\n');
});

test('the quiet checks (existsSync, statSync without throwIfNoEntry) still throw what is not absence', () => {
  fs.symlinkSync(at('loop1'), at('loop2'));
  fs.symlinkSync(at('loop2'), at('loop1'));
  assert.equal(fs.existsSync(at('loop1')), false);
  assert.equal(fs.existsSync(at('a.txt/x')), false);
  assert.equal(fs.statSync(at('a.txt/x'), { throwIfNoEntry: false }), undefined);
  const e = assert.throws(() => fs.statSync(at('loop1'), { throwIfNoEntry: false }), {
    name: 'Error', code: 'ELOOP', errno: -40, syscall: 'stat', path: at('loop1'),
  });
  assert.equal(e.message, `ELOOP: too many symbolic links encountered, stat '${at('loop1')}'`);
  assert.throws(() => fs.lstatSync(at('a.txt\0'), { throwIfNoEntry: false }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.ok(fs.lstatSync(at('loop1'), { throwIfNoEntry: false }).isSymbolicLink());
  assert.equal(fs.statSync(at('a.txt'), { throwIfNoEntry: false, bigint: true }).size, 13n);
});

test('callbacks run later, never inside the call, with Node\'s arguments', () => {
  const done = event();
  const seen = [];
  let returned = false;
  fs.readFile(at('a.txt'), 'utf8', (err, data) => {
    seen.push(['readFile', returned, err, data]);
    fs.stat(at('none'), (err2) => {
      seen.push(['stat', err2.code, err2.syscall, err2.path]);
      fs.unlink(at('copy'), (...args) => {
        seen.push(['unlink', args]);
        fs.open('/nonexistent', 'r', (err3) => {
          seen.push(['open', err3.code]);
          done.fire();
        });
      });
    });
  });
  returned = true;
  done.wait();
  assert.deepEqual(seen, [
    ['readFile', true, null, 'héllo wörld'],
    ['stat', 'ENOENT', 'stat', at('none')],
    ['unlink', [null]],
    ['open', 'ENOENT'],
  ]);
});

test('a callback whose call fails before it parks is still called later', () => {
  // The binding's own argument check (Node's lib validated before) fails in
  // C at once, without a request on the pool.
  const binding = internalBinding('fs');
  const done = event();
  let returned = false, order;
  const req = new binding.FSReqCallback();
  req.oncomplete = (err) => { order = returned; done.fire(err); };
  binding.stat('a\0b', false, req); // a NUL byte: C refuses the path
  returned = true;
  const err = done.wait();
  assert.equal(order, true);
  assert.equal(err.code, 'ERR_INVALID_ARG_VALUE');
});

test('fs/promises: FileHandle, readFile, writeFile, readdir, rejections', () => {
  const fh = Fiber.await(fsp.open(at('p.txt'), 'w+'));
  assert.equal(typeof fh.fd, 'number');
  Fiber.await(fh.writeFile('promised'));
  const { bytesRead, buffer } = Fiber.await(fh.read(Buffer.alloc(8), 0, 8, 0));
  assert.equal(buffer.toString('utf8', 0, bytesRead), 'promised');
  assert.equal(Fiber.await(fh.stat()).size, 8);
  Fiber.await(fh.close());
  assert.equal(fh.fd, -1);
  assert.equal(Fiber.await(fsp.readFile(at('p.txt'), 'utf8')), 'promised');
  Fiber.await(fsp.writeFile(at('p2.txt'), 'two'));
  assert.ok(Fiber.await(fsp.readdir(root)).includes('p2.txt'));
  const err = Fiber.await(fsp.readFile(at('none')).catch((e) => e));
  assert.equal(err.code, 'ENOENT');
  assert.equal(err.syscall, 'open');
  Fiber.await(fsp.rm(at('p2.txt')));
  assert.ok(!fs.existsSync(at('p2.txt')));
});

test('Dir: opendirSync and for await of opendir', () => {
  fs.mkdirSync(at('dir'));
  for (const n of ['x', 'y', 'z']) fs.writeFileSync(at(`dir/${n}`), n);
  const d = fs.opendirSync(at('dir'));
  const names = [];
  for (let e; (e = d.readSync()) !== null;) names.push(e.name);
  d.closeSync();
  assert.deepEqual(names.sort(), ['x', 'y', 'z']);
  const names2 = Fiber.await((async () => {
    const out = [];
    for await (const e of await fsp.opendir(at('dir'))) out.push(e.name);
    return out;
  })());
  assert.deepEqual(names2.sort(), ['x', 'y', 'z']);
  assert.throws(() => fs.opendirSync(at('none')), { code: 'ENOENT', syscall: 'scandir' });
});

test('streams: createWriteStream then createReadStream', () => {
  const finished = event();
  const ws = fs.createWriteStream(at('s.txt'));
  ws.write('one ');
  ws.end('two', finished.fire);
  finished.wait();
  const ended = event();
  const chunks = [];
  fs.createReadStream(at('s.txt'), { encoding: 'utf8', highWaterMark: 3 })
    .on('data', (c) => chunks.push(c))
    .on('end', ended.fire);
  ended.wait();
  assert.equal(chunks.join(''), 'one two');
  assert.ok(chunks.length >= 3);
});

test('the primordials under the bindings (nodefs, spawn) survive garbage arguments', () => {
  // as tests/js/test_internals.mjs does for the others, with descriptors
  // that are no one's (not 0, 1, 2) and paths inside this test's directory
  const garbage = [undefined, null, 987654, -1, 1.5, NaN, '', `${root}/g`, {}, [], () => {}, Symbol('s'), 10n,
    new Uint8Array(1)];
  let calls = 0;
  for (const N of [P.nodefs, P.spawn]) {
    for (const name of Object.getOwnPropertyNames(N)) {
      if (typeof N[name] !== 'function') continue;
      for (const a of garbage) {
        for (const b of garbage) {
          try {
            const r = N[name](a, b, a, b, a, b, a, b, a, b);
            if (typeof r === 'bigint') P.nodefs.unwatch(r); // a watcher it made (watch, watchFile)
          } catch { /* a clean exception is fine */ }
          calls++;
        }
      }
    }
  }
  assert.ok(calls > 1000);
  assert.ok(fs.statSync(root).isDirectory());
});

fs.rmSync(root, { recursive: true, force: true });
