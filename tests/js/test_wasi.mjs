// flags: --allow-syscall
// with: tests/wasi/with-programs.sh
// corojs:wasi: the API as Node's node:wasi has it (its validation tests
// ported), the calls driven from JS on a reactor's memory (errno values,
// guest pointers out of bounds), escapes from preopens on purpose (.., an
// absolute path, symlinks out, a rename racing the resolution), blocking
// reads and poll_oneoff parking only their fiber (pipes from corojs:sys),
// and WASI apps as isolates (capabilities, memoryLimit, cpuSlice,
// terminate, join). The programs are tests/wasi/fixtures, built beforehand.
import { test, assert, event } from './harness.mjs';
import { WASI } from 'corojs:wasi';
import sys from 'corojs:sys';

const progs = process.env.WASI_PROGRAMS;
const tmp = process.env.TEST_TMPDIR;
const compiled = new Map();
const module = (name) => {
  if (!compiled.has(name)) compiled.set(name, new WebAssembly.Module(fs.readFile(`${progs}/${name}.wasm`, null)));
  return compiled.get(name);
};

// WASI's errno values
const E = { BADF: 8, EXIST: 20, FAULT: 21, INVAL: 28, ISDIR: 31, LOOP: 32, NOBUFS: 42, NOENT: 44,
  NOSYS: 52, NOTDIR: 54, NOTEMPTY: 55, NOTSOCK: 57, SPIPE: 70, NOTCAPABLE: 76 };
const ALL = (1n << 30n) - 1n;
const O = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };

// A WASI instance on a reactor's memory, its imports called from JS.
function reactor(options = {}) {
  const wasi = new WASI({ version: 'preview1', ...options });
  const instance = new WebAssembly.Instance(module('wasi_reactor'), wasi.getImportObject());
  wasi.initialize(instance);
  const w = wasi.wasiImport;
  const g = {
    wasi, instance, w,
    get mem() { return new Uint8Array(instance.exports.memory.buffer); },
    get view() { return new DataView(instance.exports.memory.buffer); },
    put(ptr, s) { const b = typeof s === 'string' ? new TextEncoder().encode(s) : s; g.mem.set(b, ptr); return b.length; },
    text(ptr, len) { return new TextDecoder().decode(g.mem.slice(ptr, ptr + len)); },
    u32: (p) => g.view.getUint32(p, true),
    u64: (p) => g.view.getBigUint64(p, true),
    // path_open(dirfd, path) -> [errno, fd]
    open(dirfd, path, { oflags = 0, rights = ALL, fdflags = 0, follow = 1 } = {}) {
      const n = g.put(1024, path);
      const e = w.path_open(dirfd, follow, 1024, n, oflags, rights, ALL, fdflags, 16);
      return [e, e === 0 ? g.u32(16) : -1];
    },
    // fd_write(fd, text) -> [errno, nwritten]
    write(fd, s) {
      const n = g.put(4096, s);
      g.view.setUint32(0, 4096, true);
      g.view.setUint32(4, n, true);
      const e = w.fd_write(fd, 0, 1, 8);
      return [e, g.u32(8)];
    },
    // fd_read(fd, up to len) -> [errno, text]
    read(fd, len = 1000, at = 8192) {
      g.view.setUint32(0, at, true);
      g.view.setUint32(4, len, true);
      const e = w.fd_read(fd, 0, 1, 8);
      return [e, e === 0 ? g.text(at, g.u32(8)) : ''];
    },
  };
  return g;
}

// A directory under the test's own, with files in it and a way out beside it.
function sandbox(name) {
  const root = `${tmp}/${name}`;
  fs.mkdir(`${root}/box/sub`, { recursive: true });
  fs.writeFile(`${root}/box/in.txt`, 'inside');
  fs.writeFile(`${root}/outside.txt`, 'secret');
  return { root, box: `${root}/box` };
}

// ---- the API, as Node's test/wasi/test-wasi-*-validation.js check it ----

test('options are checked as Node checks them', () => {
  new WASI({ version: 'preview1' });
  assert.throws(() => new WASI({ version: 'preview1', args: 'fhqwhgads' }), { code: 'ERR_INVALID_ARG_TYPE', message: /\bargs\b/ });
  assert.throws(() => new WASI({ version: 'preview1', env: 'fhqwhgads' }), { code: 'ERR_INVALID_ARG_TYPE', message: /\benv\b/ });
  assert.throws(() => new WASI({ version: 'preview1', preopens: 'fhqwhgads' }), { code: 'ERR_INVALID_ARG_TYPE', message: /\bpreopens\b/ });
  assert.throws(() => new WASI({ version: 'preview1', returnOnExit: 'fhqwhgads' }), { code: 'ERR_INVALID_ARG_TYPE', message: /\breturnOnExit\b/ });
  for (const k of ['stdin', 'stdout', 'stderr']) {
    assert.throws(() => new WASI({ version: 'preview1', [k]: 'fhqwhgads' }), { code: 'ERR_INVALID_ARG_TYPE', message: new RegExp(`\\b${k}\\b`) });
  }
  for (const value of [null, 'foo', '', 0, NaN, Symbol(), true, false, () => {}]) {
    assert.throws(() => new WASI(value), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  assert.throws(() => new WASI({ version: { x: 'y' } }), { code: 'ERR_INVALID_ARG_TYPE', message: /\bversion\b/ });
  assert.throws(() => new WASI(), { code: 'ERR_INVALID_ARG_TYPE', message: /\bversion\b/ });
  assert.throws(() => new WASI({ version: 'not_a_version' }), { code: 'ERR_INVALID_ARG_VALUE', message: /\bversion\b/ });
  assert.throws(() => new WASI({ version: 'preview1', args: ['a\0b'] }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => new WASI({ version: 'preview1', preopens: { '/sandbox': `${tmp}/__/not/real/path` } }),
    { code: 'ENOENT', syscall: 'open' });
  assert.throws(() => new WASI({ version: 'preview1', stdin: 12345 }), { code: 'EBADF' });
});

test('getImportObject names the version\'s module; wasiImport is it; all 46 calls are there', () => {
  const a = new WASI({ version: 'preview1' });
  assert.equal(a.getImportObject().wasi_snapshot_preview1, a.wasiImport);
  assert.equal(new WASI({ version: 'unstable' }).getImportObject().wasi_unstable !== undefined, true);
  assert.equal(Object.keys(a.wasiImport).length, 46);
  assert.equal(a.wasiImport.fd_write.length, 4);
  assert.equal(a.wasiImport.path_open.length, 9);
});

test('start() and initialize() check the instance as Node does', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const fake = (exports) => ({ exports });
  assert.throws(() => new WASI({ version: 'preview1' }).start(), { code: 'ERR_INVALID_ARG_TYPE', message: /"instance" argument must be of type object/ });
  assert.throws(() => new WASI({ version: 'preview1' }).start(fake(null)), { code: 'ERR_INVALID_ARG_TYPE', message: /"instance\.exports" property must be of type object/ });
  assert.throws(() => new WASI({ version: 'preview1' }).start(fake({ memory })), { code: 'ERR_INVALID_ARG_TYPE', message: /"instance\.exports\._start" property must be of type function/ });
  assert.throws(() => new WASI({ version: 'preview1' }).start(fake({ _start() {}, _initialize() {}, memory })),
    { code: 'ERR_INVALID_ARG_TYPE', message: 'The "instance.exports._initialize" property must be undefined. Received function _initialize' });
  assert.throws(() => new WASI({ version: 'preview1' }).start(fake({ _start() {} })),
    { code: 'ERR_INVALID_ARG_TYPE', message: /"instance\.exports\.memory" property must be a WebAssembly\.Memory object/ });
  const once = new WASI({ version: 'preview1' });
  once.start(fake({ _start() {}, memory }));
  assert.throws(() => once.start(fake({ _start() {}, memory })), { code: 'ERR_WASI_ALREADY_STARTED' });
  assert.throws(() => once.initialize(fake({ memory })), { code: 'ERR_WASI_ALREADY_STARTED' });
  assert.throws(() => new WASI({ version: 'preview1' }).initialize(fake({ _start() {}, memory })),
    { code: 'ERR_INVALID_ARG_TYPE', message: /"instance\.exports\._start" property must be undefined/ });
  assert.throws(() => new WASI({ version: 'preview1' }).initialize(fake({ _initialize: 1, memory })),
    { code: 'ERR_INVALID_ARG_TYPE', message: /_initialize" property must be of type function/ });
});

test('a call before start() throws ERR_WASI_NOT_STARTED, as in Node', () => {
  const wasi = new WASI({ version: 'preview1', args: ['foo'] });
  assert.throws(() => wasi.wasiImport.args_sizes_get(0, 4), { code: 'ERR_WASI_NOT_STARTED', message: 'wasi.start() has not been called' });
});

test('proc_exit unwinds the wasm frames: start() returns its code; a patched proc_exit\'s error comes out', () => {
  const wasi = new WASI({ version: 'preview1', returnOnExit: true });
  assert.equal(wasi.start(new WebAssembly.Instance(module('wasi_grow'), wasi.getImportObject())), 42);
  const patched = new WASI({ version: 'preview1' });
  patched.wasiImport.proc_exit = () => { throw new Error('test error'); };
  assert.throws(() => patched.start(new WebAssembly.Instance(module('wasi_grow'), patched.getImportObject())),
    { message: 'test error' });
});

// ---- the calls ----

test('args and environ: sizes, pointers, NUL-terminated strings', () => {
  const g = reactor({ args: ['prog', 'é'], env: { X: '1', Y: undefined, Z: 'two' } });
  assert.equal(g.w.args_sizes_get(0, 4), 0);
  assert.deepEqual([g.u32(0), g.u32(4)], [2, 5 + 3]);
  assert.equal(g.w.args_get(16, 64), 0);
  assert.equal(g.u32(16), 64);
  assert.equal(g.text(64, 8), 'prog\0é\0');
  assert.equal(g.u32(20), 69);
  assert.equal(g.w.environ_sizes_get(0, 4), 0);
  assert.deepEqual([g.u32(0), g.u32(4)], [2, 10]);
  assert.equal(g.w.environ_get(16, 64), 0);
  assert.equal(g.text(64, 10), 'X=1\0Z=two\0');
});

test('clocks, random_get, sched_yield, proc_raise', () => {
  const g = reactor();
  assert.equal(g.w.clock_time_get(1, 1n, 0), 0);
  const t0 = g.u64(0);
  g.w.sched_yield();
  assert.equal(g.w.clock_time_get(1, 1n, 0), 0);
  assert.ok(g.u64(0) >= t0);
  assert.equal(g.w.clock_time_get(0, 1n, 0), 0);
  assert.ok(g.u64(0) > 1600000000n * 1000000000n, 'the realtime clock is in ns since 1970');
  assert.equal(g.w.clock_res_get(1, 8), 0);
  assert.ok(g.u64(8) > 0n);
  assert.equal(g.w.clock_time_get(9, 1n, 0), E.INVAL);
  assert.equal(g.w.random_get(100, 256), 0);
  assert.ok(g.mem.slice(100, 356).some((b) => b !== 0));
  assert.equal(g.w.proc_raise(9), E.NOSYS);
});

test('guest pointers and lengths outside the memory are EFAULT, never a crash', () => {
  const g = reactor({ args: ['a'], preopens: { '/box': sandbox('fault').box } });
  const end = 65536;
  assert.equal(g.w.args_get(end - 2, 0), E.FAULT);
  assert.equal(g.w.args_sizes_get(end, 0), E.FAULT);
  assert.equal(g.w.clock_time_get(0, 0n, end - 4), E.FAULT);
  assert.equal(g.w.clock_time_get(0, 0n, -1), E.FAULT);
  assert.equal(g.w.random_get(end - 10, 11), E.FAULT);
  assert.equal(g.w.random_get(-1, 1), E.FAULT);
  assert.equal(g.w.fd_write(1, end - 4, 1, 0), E.FAULT, 'the iovec array');
  g.view.setUint32(0, end - 1, true);
  g.view.setUint32(4, 2, true);
  assert.equal(g.w.fd_write(1, 0, 1, 8), E.FAULT, 'an iovec\'s buffer');
  assert.equal(g.w.fd_read(0, 0, 1, 8), E.FAULT);
  g.view.setUint32(4, 0xffffffff, true);
  assert.equal(g.w.fd_write(1, 0, 1, 8), E.FAULT, 'a length past the end');
  assert.equal(g.w.fd_write(1, 0, 0x7fffffff, 8), E.INVAL, 'more iovecs than IOV_MAX');
  assert.equal(g.w.fd_write(1, 0, 0, end), E.FAULT, 'the result pointer');
  assert.equal(g.w.path_open(3, 1, end - 2, 10, 0, ALL, ALL, 0, 16), E.FAULT);
  assert.equal(g.w.path_open(3, 1, 1024, g.put(1024, 'in.txt'), 0, ALL, ALL, 0, end), E.FAULT);
  assert.equal(g.w.fd_prestat_dir_name(3, end - 2, 4), E.FAULT);
  assert.equal(g.w.fd_prestat_dir_name(3, 0, 2), E.NOBUFS);
  assert.equal(g.w.path_filestat_get(3, 1, 1024, g.put(1024, 'in.txt'), end - 63), E.FAULT);
  assert.equal(g.w.fd_readdir(3, end - 10, 100, 0n, 0), E.FAULT);
  assert.equal(g.w.poll_oneoff(0, 0, 4000, 8), E.FAULT, '4000 subscriptions take more than the memory');
  assert.equal(g.w.poll_oneoff(0, 0, 0x10000000, 8), E.INVAL, 'more than 65536 subscriptions');
  assert.equal(g.w.random_get(0, 65536), 0, 'a large random_get, in pieces');
  assert.equal(g.w.path_open(3, 1, 1024, g.put(1024, 'in\0.txt'), 0, ALL, ALL, 0, 16), E.INVAL, 'a NUL in a path');
});

test('descriptors: stdio, the preopen\'s prestat, EBADF, fd_close, fd_renumber, rights only shrink', () => {
  const { box } = sandbox('fds');
  const g = reactor({ preopens: { '/box': box } });
  assert.equal(g.w.fd_prestat_get(3, 0), 0);
  assert.deepEqual([g.mem[0], g.u32(4)], [0, 4]);
  assert.equal(g.w.fd_prestat_dir_name(3, 8, 4), 0);
  assert.equal(g.text(8, 4), '/box');
  assert.equal(g.w.fd_prestat_get(0, 0), E.BADF, 'stdin is no preopen');
  assert.equal(g.w.fd_prestat_get(99, 0), E.BADF);
  assert.equal(g.w.fd_fdstat_get(3, 0), 0);
  assert.equal(g.mem[0], 3, 'a directory');
  const [e, fd] = g.open(3, 'in.txt');
  assert.equal(e, 0);
  assert.equal(fd, 4);
  assert.equal(g.w.fd_fdstat_get(fd, 0), 0);
  assert.equal(g.mem[0], 4, 'a regular file');
  assert.equal(g.w.fd_fdstat_set_rights(fd, 2n, 0n), 0, 'FD_READ only');
  assert.equal(g.write(fd, 'x')[0], E.NOTCAPABLE);
  assert.equal(g.w.fd_fdstat_set_rights(fd, ALL, 0n), E.NOTCAPABLE, 'rights do not grow back');
  assert.deepEqual(g.read(fd), [0, 'inside']);
  assert.equal(g.w.fd_renumber(fd, 0), 0, 'the file becomes stdin');
  assert.deepEqual(g.read(fd), [E.BADF, '']);
  assert.equal(g.w.fd_seek(0, 0n, 0, 0), E.NOTCAPABLE, 'FD_SEEK was given up');
  assert.deepEqual(g.read(0), [0, ''], 'at its end');
  assert.equal(g.w.fd_close(0), 0);
  assert.equal(g.w.fd_close(0), E.BADF);
  assert.equal(g.open(3, 'in.txt')[1], 0, 'the lowest free slot is taken');
  assert.equal(g.w.fd_renumber(0, 77), E.BADF);
  assert.equal(g.w.sock_accept(3, 0, 0), E.NOTSOCK);
  assert.equal(g.w.sock_accept(77, 0, 0), E.BADF);
  assert.equal(g.w.sock_send(1, 0, 0, 0, 8), E.NOTSOCK);
});

test('files: create, write, seek, tell, pread, pwrite, size, times, sync, readdir', () => {
  const { box } = sandbox('files');
  const g = reactor({ preopens: { '/box': box } });
  assert.equal(g.w.path_create_directory(3, 1024, g.put(1024, 'made')), 0);
  assert.equal(g.w.path_create_directory(3, 1024, g.put(1024, 'made')), E.EXIST);
  const [e, fd] = g.open(3, 'made/new.txt', { oflags: O.CREAT | O.EXCL });
  assert.equal(e, 0);
  assert.equal(g.open(3, 'made/new.txt', { oflags: O.CREAT | O.EXCL })[0], E.EXIST);
  assert.deepEqual(g.write(fd, 'hello world'), [0, 11]);
  assert.equal(g.w.fd_tell(fd, 0), 0);
  assert.equal(g.u64(0), 11n);
  assert.equal(g.w.fd_seek(fd, -5n, 1, 0), 0);
  assert.equal(g.u64(0), 6n);
  assert.deepEqual(g.read(fd), [0, 'world']);
  g.put(4096, 'W');
  g.view.setUint32(0, 4096, true);
  g.view.setUint32(4, 1, true);
  assert.equal(g.w.fd_pwrite(fd, 0, 1, 6n, 8), 0);
  g.view.setUint32(0, 8192, true);
  g.view.setUint32(4, 100, true);
  assert.equal(g.w.fd_pread(fd, 0, 1, 0n, 8), 0);
  assert.equal(g.text(8192, g.u32(8)), 'hello World');
  assert.equal(g.w.fd_filestat_set_size(fd, 5n), 0);
  assert.equal(g.w.fd_filestat_set_times(fd, 4000000000n, 9000000000n, 1 | 4), 0);
  assert.equal(g.w.fd_filestat_get(fd, 0), 0);
  assert.deepEqual([g.mem[16], g.u64(32), g.u64(40), g.u64(48)], [4, 5n, 4000000000n, 9000000000n]);
  assert.equal(g.w.fd_filestat_set_times(fd, 0n, 0n, 3), E.INVAL, 'ATIM with ATIM_NOW');
  assert.equal(g.w.fd_sync(fd), 0);
  assert.equal(g.w.fd_datasync(fd), 0);
  assert.equal(g.w.fd_allocate(fd, 0n, 100n), 0);
  assert.equal(g.w.fd_advise(fd, 0n, 0n, 1), 0);
  assert.equal(g.w.fd_advise(fd, 0n, 0n, 9), E.INVAL);
  assert.equal(fs.stat(`${box}/made/new.txt`).size, 100);
  assert.equal(g.w.fd_close(fd), 0);
  for (let i = 0; i < 20; i++) g.open(3, `made/f${String(i).padStart(2, '0')}`, { oflags: O.CREAT });
  // fd_readdir: a buffer smaller than the listing, taken up with the cookies
  const [, dfd] = g.open(3, 'made', { oflags: O.DIRECTORY });
  const names = [];
  let cookie = 0n;
  for (;;) {
    assert.equal(g.w.fd_readdir(dfd, 8192, 100, cookie, 0), 0);
    const used = g.u32(0);
    let at = 8192;
    while (at + 24 <= 8192 + used) {
      const len = g.u32(at + 16);
      if (at + 24 + len > 8192 + used) break; // cut off: asked again from its cookie
      names.push(g.text(at + 24, len));
      cookie = g.u64(at);
      at += 24 + len;
    }
    if (used < 100) break;
  }
  assert.deepEqual(names.sort(), ['f00', 'f01', 'f02', 'f03', 'f04', 'f05', 'f06', 'f07', 'f08', 'f09', 'f10',
    'f11', 'f12', 'f13', 'f14', 'f15', 'f16', 'f17', 'f18', 'f19', 'new.txt'], 'no . and .., as in Node');
  assert.equal(g.w.fd_readdir(4, 8192, 100, 0n, 0), E.NOTCAPABLE, 'a file has no FD_READDIR');
  assert.equal(g.w.fd_readdir(99, 8192, 100, 0n, 0), E.BADF);
  assert.equal(g.read(dfd)[0], E.NOTCAPABLE, 'a directory opened without FD_READ');
  const [r, w] = sys.pipe();
  const piped = reactor({ stdin: r });
  sys.close(r);
  sys.close(w);
  assert.equal(piped.w.fd_seek(0, 0n, 0, 0), E.SPIPE, 'a pipe cannot seek');
  assert.equal(g.w.path_unlink_file(3, 1024, g.put(1024, 'made')), E.ISDIR);
  assert.equal(g.w.path_remove_directory(3, 1024, g.put(1024, 'made')), E.NOTEMPTY);
  assert.equal(g.w.path_unlink_file(3, 1024, g.put(1024, 'made/new.txt/')), E.NOTDIR);
  assert.equal(g.w.path_unlink_file(3, 1024, g.put(1024, 'made/new.txt')), 0);
  assert.equal(fs.exists(`${box}/made/new.txt`), false);
  assert.equal(g.open(3, 'in.txt', { oflags: O.DIRECTORY })[0], E.NOTDIR);
  assert.equal(g.open(3, 'nothing.txt')[0], E.NOENT);
});

test('symlinks and renames inside the preopen work', () => {
  const { box } = sandbox('links');
  const g = reactor({ preopens: { '/box': box } });
  const a = g.put(1024, 'in.txt'), b = g.put(2048, 'sub/link');
  assert.equal(g.w.path_symlink(1024, g.put(1024, '../in.txt'), 3, 2048, b), 0);
  assert.equal(g.w.path_readlink(3, 2048, b, 4096, 100, 0), 0);
  assert.equal(g.text(4096, g.u32(0)), '../in.txt');
  assert.deepEqual(g.read(g.open(3, 'sub/link')[1]), [0, 'inside']);
  assert.equal(g.open(3, 'sub/link', { follow: 0 })[0], E.LOOP, 'not followed: a symlink is no file to open');
  assert.equal(g.w.path_filestat_get(3, 0, 2048, b, 0), 0);
  assert.equal(g.mem[16], 7, 'lstat: a symbolic link');
  assert.equal(g.w.path_filestat_get(3, 1, 2048, b, 0), 0);
  assert.equal(g.mem[16], 4, 'stat: the file');
  assert.equal(g.w.path_link(3, 0, 1024, g.put(1024, 'in.txt'), 3, 2048, g.put(2048, 'sub/hard.txt')), 0);
  assert.equal(g.w.path_rename(3, 2048, g.put(2048, 'sub/hard.txt'), 3, 3072, g.put(3072, 'moved.txt')), 0);
  assert.equal(fs.readFile(`${box}/moved.txt`), 'inside');
  assert.equal(a, 6);
});

// ---- escapes ----

test('preopens cannot be escaped: .., absolute paths, symlinks out (ENOTCAPABLE)', () => {
  const { root, box } = sandbox('escape');
  sys.symlink(`${root}/outside.txt`, `${box}/abs_link`);
  sys.symlink('../outside.txt', `${box}/rel_link`);
  sys.symlink('..', `${box}/up`);
  const g = reactor({ preopens: { '/box': box } });
  const path = (p) => [1024, g.put(1024, p)];
  for (const p of ['../outside.txt', 'sub/../../outside.txt', `${root}/outside.txt`, '/etc/passwd', 'abs_link',
    'rel_link', 'up/outside.txt', 'up/box/in.txt', '..', 'sub/../..']) {
    assert.equal(g.open(3, p)[0], E.NOTCAPABLE, `open ${p}`);
    assert.equal(g.w.path_filestat_get(3, 1, ...path(p), 0), E.NOTCAPABLE, `stat ${p}`);
  }
  assert.equal(g.open(3, 'rel_link', { follow: 0 })[0], E.LOOP);
  assert.deepEqual(g.read(g.open(3, 'sub/../in.txt')[1]), [0, 'inside'], 'a .. that stays inside is fine');
  assert.equal(g.w.path_create_directory(3, ...path('../made')), E.NOTCAPABLE);
  assert.equal(g.w.path_create_directory(3, ...path('up/made')), E.NOTCAPABLE);
  assert.equal(g.w.path_unlink_file(3, ...path('../outside.txt')), E.NOTCAPABLE);
  assert.equal(g.w.path_unlink_file(3, ...path('up/outside.txt')), E.NOTCAPABLE);
  assert.equal(g.w.path_remove_directory(3, ...path('up/box')), E.NOTCAPABLE);
  assert.equal(g.w.path_rename(3, 1024, g.put(1024, 'in.txt'), 3, 2048, g.put(2048, '../stolen.txt')), E.NOTCAPABLE);
  assert.equal(g.w.path_rename(3, 1024, g.put(1024, 'up/outside.txt'), 3, 2048, g.put(2048, 'got.txt')), E.NOTCAPABLE);
  assert.equal(g.w.path_link(3, 1, 1024, g.put(1024, 'rel_link'), 3, 2048, g.put(2048, 'hard')), E.NOTCAPABLE,
    'a hard link to what a symlink out names');
  assert.equal(g.w.path_symlink(1024, g.put(1024, '/etc/passwd'), 3, 2048, g.put(2048, 'new_link')), E.NOTCAPABLE,
    'a symlink with an absolute target');
  assert.equal(g.w.path_filestat_set_times(3, 1, ...path('rel_link'), 0n, 0n, 2), E.NOTCAPABLE);
  assert.equal(g.w.path_readlink(3, ...path('rel_link'), 4096, 100, 0), 0, 'reading a link is fine');
  assert.equal(g.text(4096, g.u32(0)), '../outside.txt');
  assert.equal(fs.readFile(`${root}/outside.txt`), 'secret');
  assert.deepEqual(fs.readdir(root).sort(), ['box', 'outside.txt']);
});

test('a rename racing the resolution of a path with .. never leads out', () => {
  const { root, box } = sandbox('race');
  fs.mkdir(`${box}/a/b`, { recursive: true });
  fs.mkdir(`${root}/x/y`, { recursive: true });
  fs.writeFile(`${root}/x/secret.txt`, 'secret');
  const g = reactor({ preopens: { '/box': box } });
  let moving = true, moves = 0;
  // a/b goes back and forth between the box and x/y; while it is out,
  // "a/b/../../secret.txt" resolved naively from inside b would reach x/secret.txt
  const mover = Fiber.run(() => {
    while (moving) {
      fs.rename(`${box}/a/b`, `${root}/x/y/b`);
      fs.rename(`${root}/x/y/b`, `${box}/a/b`);
      moves++;
    }
  });
  const outcomes = new Map();
  for (let i = 0; i < 300; i++) {
    const [e, fd] = g.open(3, 'a/b/../../secret.txt');
    if (e === 0) outcomes.set('opened', g.read(fd)[1]);
    else outcomes.set(e, (outcomes.get(e) ?? 0) + 1);
  }
  moving = false;
  mover.join();
  assert.ok(moves > 0);
  assert.equal(outcomes.has('opened'), false, `escaped: ${outcomes.get('opened')}`);
  assert.ok([...outcomes.keys()].every((e) => e === E.NOENT || e === E.NOTCAPABLE), [...outcomes.keys()].join());
});

test('an isolate jailed to a directory gives WASI no way out of it either', () => {
  const { root } = sandbox('jailed');
  fs.writeFile(`${root}/box/main.mjs`, `
    import { WASI } from 'corojs:wasi';
    export function tryOpen(host) {
      try { new WASI({ version: 'preview1', preopens: { '/x': host } }); return 'opened'; } catch (e) { return e.code; }
    }
    export function noFs() { return 'x'; }`);
  const child = new Isolate(`${root}/box/main.mjs`, { fs: `${root}/box` });
  assert.equal(child.call('tryOpen', '.'), 'opened');
  assert.equal(child.call('tryOpen', 'sub'), 'opened');
  assert.equal(child.call('tryOpen', `${root}/box/sub`), 'opened');
  assert.equal(child.call('tryOpen', '..'), 'EACCES');
  assert.equal(child.call('tryOpen', root), 'EACCES');
  assert.equal(child.call('tryOpen', '/tmp'), 'EACCES');
  child.terminate();
  child.join();
  const bare = new Isolate(`${root}/box/main.mjs`, { fs: `${root}/box`, memoryLimit: 8 << 20 });
  bare.terminate();
  bare.join();
  const none = new Isolate(`${root}/box/main.mjs`);
  assert.equal(none.call('tryOpen', '.'), 'ERR_ACCESS_DENIED');
  none.terminate();
  none.join();
});

// ---- waiting: pipes read through the loop, poll_oneoff ----

test('reads of pipes park their fiber and hold no thread of the pool', () => {
  const pipes = [sys.pipe(), sys.pipe(), sys.pipe(), sys.pipe()];
  const readers = pipes.map(([r]) => {
    const g = reactor({ stdin: r });
    sys.close(r);
    return Fiber.run(() => g.read(0));
  });
  // four readers wait; an isolate holds at most three pool threads, so a
  // file read now would wait behind them if they held any
  assert.equal(fs.readFile(`${progs}/wasi_cat.wasm`, null).length > 0, true);
  pipes.forEach(([, w], i) => sys.write(w, `pipe ${i}`));
  assert.deepEqual(readers.map((f) => f.join()), pipes.map((p, i) => [0, `pipe ${i}`]));
  for (const [, w] of pipes) sys.close(w);
});

test('a read waiting for a pipe lands in the memory where it is when the data comes', () => {
  const [r, w] = sys.pipe();
  const g = reactor({ stdin: r });
  sys.close(r);
  const reader = Fiber.run(() => g.read(0, 100, 60000));
  const before = g.instance.exports.memory.buffer;
  assert.equal(g.instance.exports.grow(200), 1, 'grown while the read waits');
  assert.equal(before.byteLength, 0, 'the old buffer is detached');
  sys.write(w, 'after the move');
  assert.deepEqual(reader.join(), [0, 'after the move']);
  sys.close(w);
  assert.deepEqual(g.read(0), [0, ''], 'the end of the pipe');
});

// subscription i at in + 48 i: clock (id, timeout, flags) or fd
function subscribe(g, subs) {
  subs.forEach((s, i) => {
    const p = 16384 + 48 * i;
    g.mem.fill(0, p, p + 48);
    g.view.setBigUint64(p, BigInt(s.userdata), true);
    g.mem[p + 8] = s.type;
    if (s.type === 0) {
      g.view.setUint32(p + 16, s.clock ?? 1, true);
      g.view.setBigUint64(p + 24, s.timeout, true);
      g.view.setUint16(p + 40, s.flags ?? 0, true);
    } else {
      g.view.setUint32(p + 16, s.fd, true);
    }
  });
  const e = g.w.poll_oneoff(16384, 24576, subs.length, 0);
  const events = [];
  for (let i = 0; e === 0 && i < g.u32(0); i++) {
    const p = 24576 + 32 * i;
    events.push({ userdata: Number(g.u64(p)), error: g.view.getUint16(p + 8, true), type: g.mem[p + 10],
      nbytes: Number(g.u64(p + 16)), hangup: g.mem[p + 24] });
  }
  return [e, events];
}

test('poll_oneoff: a clock sleeps on the loop; fd_read waits for a pipe; EOF is a hangup; errors are events', () => {
  const [r, w] = sys.pipe();
  const g = reactor({ stdin: r });
  sys.close(r);
  let ticks = 0;
  const ticker = Fiber.run(() => { for (let i = 0; i < 3; i++) { Fiber.sleep(1); ticks++; } });
  assert.deepEqual(subscribe(g, [{ userdata: 7, type: 0, timeout: 30000000n }]),
    [0, [{ userdata: 7, error: 0, type: 0, nbytes: 0, hangup: 0 }]]);
  ticker.join();
  assert.equal(ticks, 3);
  const now = (() => { g.w.clock_time_get(0, 1n, 0); return g.u64(0); })();
  assert.equal(subscribe(g, [{ userdata: 1, type: 0, clock: 0, timeout: now + 1000000n, flags: 1 }])[1][0].userdata, 1,
    'an absolute realtime deadline');
  const writer = Fiber.run(() => sys.write(w, 'ready'));
  const [e, events] = subscribe(g, [{ userdata: 1, type: 0, timeout: 60000000000n }, { userdata: 2, type: 1, fd: 0 }]);
  writer.join();
  assert.equal(e, 0);
  assert.deepEqual(events, [{ userdata: 2, error: 0, type: 1, nbytes: 5, hangup: 0 }], 'the pipe, not the minute');
  assert.deepEqual(g.read(0), [0, 'ready']);
  assert.deepEqual(subscribe(g, [{ userdata: 3, type: 2, fd: 1 }, { userdata: 4, type: 1, fd: 99 }])[1],
    [{ userdata: 3, error: 0, type: 2, nbytes: 0, hangup: 0 }, { userdata: 4, error: E.BADF, type: 1, nbytes: 0, hangup: 0 }]);
  sys.close(w);
  assert.deepEqual(subscribe(g, [{ userdata: 5, type: 1, fd: 0 }])[1], [{ userdata: 5, error: 0, type: 1, nbytes: 0, hangup: 1 }]);
  assert.equal(g.w.poll_oneoff(16384, 24576, 0, 0), E.INVAL);
  assert.deepEqual(subscribe(g, [{ userdata: 6, type: 0, clock: 2, timeout: 1n }])[1][0].error, E.INVAL,
    'no waiting on CPU time');
});

test('a terminated isolate unwinds a WASI call waiting in poll_oneoff or a read', () => {
  fs.writeFile(`${tmp}/waiter.mjs`, `
    import { WASI } from 'corojs:wasi';
    import sys from 'corojs:sys';
    const [r] = sys.pipe();
    const wasi = new WASI({ version: 'preview1', stdin: r });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFile('${progs}/wasi_cat.wasm', null)),
      wasi.getImportObject());
    export function waitForever() { return wasi.start(instance); }`);
  const child = new Isolate(`${tmp}/waiter.mjs`, { fs: '/', syscall: true });
  let outcome;
  child.callAsync('waitForever').catch((e) => { outcome = e.code; });
  Fiber.sleep(5);
  child.terminate();
  assert.equal(child.join().code, 1);
  Fiber.sleep(1);
  assert.equal(outcome, 'ERR_ISOLATE_TERMINATED');
});

// ---- WASI apps as isolates ----

test('a WASI app in an isolate: its fs directory preopened as /, its env and argv; join() gives its status', () => {
  const { root } = sandbox('app');
  fs.writeFile(`${root}/box/in.txt`, 'from the jail\n');
  const child = new Isolate(`${progs}/report.wasm`, { fs: `${root}/box`, env: { FOO: 'bar' }, argv: ['--quiet', 'x'] });
  assert.deepEqual(child.join(), { code: 5, error: undefined });
  assert.equal(fs.readFile(`${root}/box/report.txt`), 'argc=3 [report.wasm] [--quiet] [x]\nFOO=bar\n' +
    'in.txt: from the jail\n../: Capabilities insufficient\n');
  const bare = new Isolate(`${progs}/report.wasm`, { argv: ['--quiet'] });
  assert.equal(bare.join().code, 5, 'without fs it has no preopen and no report');
});

test('a WASI app in an isolate: memoryLimit bounds its memory, cpuSlice preempts it, terminate() ends it', () => {
  assert.equal(new Isolate(`${progs}/wasi_grow.wasm`, { memoryLimit: 8 << 20 }).join().code, 42,
    'memory.grow said -1 at the limit');
  const spin = new Isolate(`${progs}/wasi_spin.wasm`, { cpuSlice: 2 });
  let ticks = 0;
  for (let k = 0; k < 5; k++) { Fiber.sleep(2); ticks++; }
  assert.equal(ticks, 5, 'this isolate\'s timers fired while the app spun');
  assert.equal(spin.stats().state, 'running');
  spin.terminate();
  assert.equal(spin.join().code, 1);
});

test('a trapping app ends alone, its RuntimeError kept for join()', () => {
  const { code, error } = new Isolate(`${progs}/wasi_trap.wasm`).join();
  assert.equal(code, 1);
  assert.equal(error.name, 'RuntimeError');
  assert.match(error.message, /unreachable \(in wasm function \d+ "deep"/);
  const missing = new Isolate(`${progs}/wasi_badimport.wasm`).join();
  assert.equal(missing.error.name, 'LinkError');
  assert.match(missing.error.message, /import "wasi_snapshot_preview1" "fd_frobnicate"/);
});

test('an app imported as an ES module is refused: it is run, not imported', () => {
  fs.writeFile(`${tmp}/imports_app.mjs`, `import '${progs}/report.wasm';`);
  const { error } = new Isolate(`${tmp}/imports_app.mjs`).join();
  assert.equal(error.code, 'ERR_WASM_APP_IMPORTED');
  assert.match(error.message, /report\.wasm is a WebAssembly app/);
});
