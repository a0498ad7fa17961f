// flags: --allow-syscall
// corojs:syscall: the raw system call, its capability, pointers, errors, the
// thread pool, and the struct helper.
import { test, assert } from './harness.mjs';
import sc, { syscall, syscall64, SYS, SYS_BY_ARCH, arch, isInline, errnoName, sysError, check, struct } from 'corojs:syscall';

const fixtures = import.meta.dirname + '/fixtures/syscall';
const EFAULT = 14, EBADF = 9, ENOENT = 2;
const AT_FDCWD = -100;

function pipe() {
  const fds = new Int32Array(2);
  check(syscall(SYS.pipe2, fds, 0), 'pipe2');
  return [fds[0], fds[1]];
}

function closeAll(...fds) {
  for (const fd of fds) check(syscall(SYS.close, fd), 'close');
}

function readString(fd, n) {
  const b = new Uint8Array(n);
  const got = check(syscall(SYS.read, fd, b, n), 'read');
  return new TextDecoder().decode(b.subarray(0, got));
}

test('getpid equals process.pid, inline, as a number and as a BigInt', () => {
  assert.ok(isInline(SYS.getpid));
  assert.equal(syscall(SYS.getpid), process.pid);
  assert.equal(syscall64(SYS.getpid), BigInt(process.pid));
  assert.equal(syscall.pool(SYS.getpid), process.pid, 'the pool runs it too');
  assert.equal(syscall64.inline(SYS.getpid), BigInt(process.pid));
});

test('SYS has the numbers of x86-64 and aarch64, from the kernel headers', () => {
  assert.equal(SYS, SYS_BY_ARCH[arch]);
  assert.equal(SYS_BY_ARCH.x86_64.read, 0);
  assert.equal(SYS_BY_ARCH.x86_64.getpid, 39);
  assert.equal(SYS_BY_ARCH.aarch64.getpid, 172);
  assert.equal(SYS_BY_ARCH.aarch64.openat, 56);
  assert.equal(SYS_BY_ARCH.aarch64.open, undefined, 'aarch64 has only openat');
  assert.ok(Object.isFrozen(SYS));
  assert.equal(sc.syscall, syscall);
});

test('a write to a pipe: strings and buffers are pointers to their bytes', () => {
  const [r, w] = pipe();
  assert.equal(syscall(SYS.write, w, 'hello', 5), 5);
  assert.equal(syscall(SYS.write, w, new Uint8Array([32, 119, 111]), 3), 3);
  const dv = new DataView(new ArrayBuffer(8));
  dv.setUint8(4, 33);
  assert.equal(syscall(SYS.write, w, new Uint8Array(dv.buffer, 4, 1), 1), 1, 'a view starts at its offset');
  assert.equal(readString(r, 64), 'hello wo!');
  closeAll(r, w);
});

test('a read fills the buffer itself, also a big one and a DataView', () => {
  const [r, w] = pipe();
  const big = new Uint8Array(70000).fill(7);
  const wrote = syscall(SYS.write, w, big, 60000); // a pipe holds 64 KiB
  assert.equal(wrote, 60000);
  const into = new Uint8Array(70000);
  assert.equal(syscall(SYS.read, r, into, 70000), 60000);
  assert.equal(into[59999], 7);
  assert.equal(into[60000], 0);
  syscall(SYS.write, w, 'xy', 2);
  const dv = new DataView(new ArrayBuffer(4), 2);
  assert.equal(syscall(SYS.read, r, dv, 2), 2);
  assert.equal(dv.getUint8(1), 121);
  closeAll(r, w);
});

test('numbers are never pointers: the kernel gets the number and says EFAULT', () => {
  const [r, w] = pipe();
  assert.equal(syscall(SYS.write, w, 16, 4), -EFAULT);
  assert.equal(syscall(SYS.write, w, 0x1000n, 4), -EFAULT);
  assert.equal(syscall(SYS.openat, AT_FDCWD, 4096, 0), -EFAULT);
  syscall(SYS.write, w, 'abcd', 4);
  assert.equal(syscall(SYS.read, r, 0xffff800000000000n, 4), -EFAULT, 'a kernel address');
  assert.equal(syscall(SYS.write, w, '16', 2), 2, 'a numeric string is a string');
  assert.equal(readString(r, 8), 'abcd16', 'the failed read took nothing');
  closeAll(r, w);
});

test('arguments that are not numbers, strings or buffers are refused', () => {
  const [r, w] = pipe();
  assert.throws(() => syscall(SYS.write, w, { byteLength: 4 }, 4), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: /args\[1\]/ });
  assert.throws(() => syscall(SYS.write, w, undefined, 0), { name: 'TypeError' });
  assert.throws(() => syscall(SYS.write, w, Symbol('x'), 0), { name: 'TypeError' });
  assert.throws(() => syscall(SYS.write, w, new SharedArrayBuffer(4), 4), { name: 'TypeError', message: /not shared/ });
  assert.throws(() => syscall(SYS.write, 1.5, 'x', 1), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => syscall(SYS.write, 2 ** 64, 'x', 1), { name: 'RangeError' });
  assert.throws(() => syscall(SYS.write, 2n ** 64n, 'x', 1), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => syscall(SYS.openat, AT_FDCWD, '/tmp\0/x', 0), { code: 'ERR_INVALID_ARG_VALUE', message: /null bytes/ });
  assert.throws(() => syscall(SYS.getpid, 1, 2, 3, 4, 5, 6, 7), { code: 'ERR_INVALID_ARG_VALUE', message: /at most 6/ });
  assert.throws(() => syscall('getpid'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => syscall(-1), { name: 'RangeError' });
  assert.equal(syscall(SYS.write, w, null, 0), 0, 'null is a NULL pointer');
  assert.equal(syscall(100000), -38, 'no such call: ENOSYS');
  closeAll(r, w);
});

test('the kernel may write into a string argument: only our copy changes', () => {
  const [r, w] = pipe();
  const s = 'unchanged';
  syscall(SYS.write, w, 'XXXX', 4);
  assert.equal(syscall(SYS.read, r, s, 4), 4);
  assert.equal(s, 'unchanged');
  closeAll(r, w);
});

test('errno is mapped to codes; check() throws Node-style errors', () => {
  assert.equal(errnoName(ENOENT), 'ENOENT');
  assert.equal(errnoName(EBADF), 'EBADF');
  assert.equal(errnoName(13), 'EACCES');
  assert.equal(errnoName(4000), undefined);
  const ret = syscall(SYS.openat, AT_FDCWD, '/no/such/file', 0);
  assert.equal(ret, -ENOENT);
  const e = assert.throws(() => check(ret, 'open', '/no/such/file'), {
    code: 'ENOENT', errno: -ENOENT, syscall: 'open', path: '/no/such/file',
    message: /^ENOENT: no such file or directory, open '\/no\/such\/file'$/,
  });
  assert.ok(e instanceof Error);
  assert.throws(() => check(syscall(SYS.close, 100000), 'close'), { code: 'EBADF', syscall: 'close', message: /^EBADF: bad file descriptor, close$/ });
  assert.equal(check(5, 'x'), 5);
  assert.equal(sysError(28, 'write').code, 'ENOSPC');
  assert.throws(() => check(-5n, 'read'), { code: 'EIO' });
  assert.equal(check(-5000n, 'mmap'), -5000n, 'a BigInt below -4095 is an address, not an error');
});

test('a blocking read on a pipe blocks only its fiber', () => {
  const [r, w] = pipe();
  assert.ok(!isInline(SYS.read));
  const steps = [];
  const reader = Fiber.run(() => {
    steps.push('reading');
    const got = readString(r, 16);
    steps.push(`read ${got}`);
    return got;
  });
  // the reader is parked in the pool; this fiber and others go on
  const other = Fiber.run(() => { for (let i = 0; i < 3; i++) { steps.push(`tick ${i}`); Fiber.yield(); } });
  other.join();
  steps.push('writing');
  assert.equal(syscall(SYS.write, w, 'ping', 4), 4);
  assert.equal(reader.join(), 'ping');
  assert.deepEqual(steps, ['reading', 'tick 0', 'tick 1', 'tick 2', 'writing', 'read ping']);
  closeAll(r, w);
});

test('a buffer is pinned while a pooled call uses it: it cannot be transferred away', () => {
  const [r, w] = pipe();
  const buf = new Uint8Array(16);
  const reader = Fiber.run(() => syscall(SYS.read, r, buf, 16));
  const lib = new Isolate(import.meta.dirname + '/fixtures/isolate/lib.mjs');
  assert.throws(() => lib.call('echo', Isolate.transfer(buf)));
  assert.equal(buf.length, 16, 'still attached');
  syscall(SYS.write, w, 'ok', 2);
  assert.equal(reader.join(), 2);
  assert.equal(buf[0], 111);
  lib.terminate();
  lib.join();
  closeAll(r, w);
});

test('syscall64 returns addresses as BigInts: mmap and munmap', () => {
  const addr = syscall64(SYS.mmap, 0, 4096, 3, 0x22, -1, 0); // PROT_READ|WRITE, MAP_PRIVATE|ANONYMOUS
  assert.equal(typeof addr, 'bigint');
  assert.ok(addr > 0n);
  assert.equal(syscall(SYS.munmap, addr, 4096), 0);
});

test('without the capability, importing corojs:syscall is ERR_ACCESS_DENIED', () => {
  const denied = new Isolate(`${fixtures}/imports.mjs`);
  const { code, error } = denied.join();
  assert.equal(code, 1);
  assert.equal(error.code, 'ERR_ACCESS_DENIED');
  assert.match(error.message, /not granted syscall/);
});

test('a parent with the capability grants it; one without cannot', () => {
  const granted = new Isolate(`${fixtures}/imports.mjs`, { syscall: true });
  assert.equal(granted.call('pid'), process.pid);
  granted.terminate();
  granted.join();
  const plain = new Isolate(`${fixtures}/grants.mjs`);
  assert.equal(plain.call('grant', `${fixtures}/imports.mjs`), 'ERR_ACCESS_DENIED');
  plain.terminate();
  plain.join();
  assert.throws(() => new Isolate(`${fixtures}/imports.mjs`, { syscall: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' });
});

// The thread of the pool that is inside read(fd): /proc tells which call each
// thread is in ("0 0x5 ..." for read of fd 5 on x86-64).
function poolThreadIn(nr, fd) {
  const want = `${nr} 0x${fd.toString(16)} `;
  for (const tid of fs.readdir('/proc/self/task')) {
    try {
      if (fs.readFile(`/proc/self/task/${tid}/syscall`).startsWith(want)) return tid;
    } catch { /* the thread ended */ }
  }
  return null;
}

test('terminating an isolate interrupts its call that blocks in the pool', () => {
  const child = new Isolate(`${fixtures}/blocks.mjs`, { syscall: true });
  const fd = child.call('readFd');
  const pending = child.callAsync('block');
  pending.catch(() => {});
  while (!poolThreadIn(SYS.read, fd)) Fiber.sleep(5); // until it is inside the kernel
  child.terminate();
  const { code } = child.join();
  assert.equal(code, 1);
  assert.equal(poolThreadIn(SYS.read, fd), null);
});

test('struct: C layout, alignment, arrays, nesting, byte order, strings', () => {
  const sockaddr_in = struct([['family', 'u16'], ['port', 'u16be'], ['addr', 'u8', 4], ['zero', 'u8', 8]]);
  assert.equal(sockaddr_in.size, 16);
  const b = sockaddr_in.alloc({ family: 2, port: 0x1234, addr: [127, 0, 0, 1] });
  assert.deepEqual([...b.subarray(0, 8)], [2, 0, 0x12, 0x34, 127, 0, 0, 1]);
  assert.deepEqual(sockaddr_in.read(b), { family: 2, port: 0x1234, addr: [127, 0, 0, 1], zero: [0, 0, 0, 0, 0, 0, 0, 0] });

  const padded = struct([['c', 'u8'], ['n', 'u32'], ['big', 'i64'], ['tail', 'u8']]);
  assert.equal(padded.offsetOf('n'), 4);
  assert.equal(padded.offsetOf('big'), 8);
  assert.equal(padded.size, 24, 'rounded up to its alignment');
  const packed = struct([['c', 'u8'], ['n', 'u32']], { packed: true });
  assert.equal(packed.size, 5);

  const outer = struct([['len', 'u32'], ['inner', padded], ['name', 'str', 8]]);
  assert.equal(outer.offsetOf('inner'), 8);
  assert.equal(outer.size, 40);
  const o = outer.alloc({ len: 1, inner: { big: -2n, tail: 9 }, name: 'eth0' });
  const back = outer.read(o.buffer);
  assert.equal(back.inner.big, -2n);
  assert.equal(back.inner.tail, 9);
  assert.equal(back.name, 'eth0');

  outer.write(o, { len: 7 }, 0);
  assert.equal(outer.read(o).len, 7);
  assert.equal(outer.read(o).name, 'eth0', 'write leaves the other fields');
  const two = new Uint8Array(outer.size * 2);
  outer.write(two, { name: 'lo' }, outer.size);
  assert.equal(outer.read(two, outer.size).name, 'lo');
  assert.throws(() => outer.read(two, outer.size + 1), { name: 'RangeError' });
  assert.throws(() => outer.write(o, { name: 'far too long' }), { name: 'RangeError' });
  assert.throws(() => struct([['x', 'u128']]), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => sockaddr_in.read({}), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('a struct goes to the kernel as a buffer: uname into a utsname', () => {
  const utsname = struct([['sysname', 'str', 65], ['nodename', 'str', 65], ['release', 'str', 65],
    ['version', 'str', 65], ['machine', 'str', 65], ['domainname', 'str', 65]]);
  const b = utsname.alloc();
  check(syscall(SYS.uname, b), 'uname');
  const u = utsname.read(b);
  assert.equal(u.sysname, 'Linux');
  assert.equal(u.machine, arch);
});
