// flags: --allow-syscall
// with: unshare --mount --net --uts --propagation private
// corojs:sys, the libc in JS, on the real kernel. It runs in mount, network
// and UTS namespaces of its own (unshare, as root), so the mounts, addresses,
// routes and host name it sets never touch the machine's.
import { test, assert, condition, tmpdir } from './harness.mjs';
import sys, { O, S, MS, RB, reboot } from 'corojs:sys';
import { syscall, SYS } from 'corojs:syscall';

test('files: open, write, read, close, stat, readFile, writeFile, unlink', () => {
  const path = `${tmpdir}/a.txt`;
  const fd = sys.open(path, O.WRONLY | O.CREAT | O.EXCL, 0o640);
  assert.equal(sys.write(fd, 'hello '), 6);
  assert.equal(sys.write(fd, new TextEncoder().encode('world')), 5);
  sys.close(fd);
  const st = sys.stat(path);
  assert.equal(st.size, 11);
  assert.equal(st.mode & 0o777, 0o640);
  assert.equal(st.mode & S.IFMT, S.IFREG);
  const rd = sys.open(path);
  const b = new Uint8Array(5);
  assert.equal(sys.read(rd, b), 5);
  assert.equal(new TextDecoder().decode(b), 'hello');
  assert.equal(sys.pread(rd, b, 6, 3), 3);
  assert.equal(new TextDecoder().decode(b.subarray(0, 3)), 'wor');
  sys.close(rd);
  assert.equal(sys.readFile(path), 'hello world');
  sys.writeFile(path, 'again');
  assert.equal(sys.readFile(path), 'again');
  assert.match(sys.readFile('/proc/self/stat'), /^\d+ \(corojs\)/, '/proc files, whose size is 0');
  sys.unlink(path);
  assert.throws(() => sys.stat(path), { code: 'ENOENT', syscall: 'statx', path });
});

test('errors name the call and the path, with the errno code', () => {
  assert.throws(() => sys.open('/no/such'), { code: 'ENOENT', errno: -2, syscall: 'openat', path: '/no/such', message: /^ENOENT: no such file or directory, openat '\/no\/such'$/ });
  assert.throws(() => sys.mkdir(tmpdir), { code: 'EEXIST', syscall: 'mkdirat', path: tmpdir });
  assert.throws(() => sys.close(1 << 20), { code: 'EBADF', syscall: 'close' });
  assert.throws(() => sys.open(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => sys.rmdir('/proc/self'), { syscall: 'unlinkat', path: '/proc/self' });
});

test('directories, links, device nodes and pipes', () => {
  const d = `${tmpdir}/dir`;
  sys.mkdir(d, 0o700);
  assert.ok(sys.stat(d).isDirectory);
  sys.writeFile(`${d}/f`, 'x');
  sys.symlink('f', `${d}/link`);
  assert.equal(sys.readlink(`${d}/link`), 'f');
  sys.mknod(`${d}/null`, S.IFCHR | 0o666, sys.makedev(1, 3));
  sys.mknod(`${d}/fifo`, S.IFIFO | 0o600);
  assert.deepEqual(sys.stat(`${d}/null`).rdev, [1, 3]);
  assert.equal(sys.write(sys.open(`${d}/null`, O.WRONLY), 'gone'), 4, 'a real /dev/null');
  const list = sys.readdir(d).sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(list, [{ name: 'f', type: 'f' }, { name: 'fifo', type: 'p' }, { name: 'link', type: 'l' }, { name: 'null', type: 'c' }]);
  assert.equal(sys.makedev(259, 300), (259 << 8) | 44 | (256 << 12));
  const [r, w] = sys.pipe();
  sys.write(w, 'through');
  const b = new Uint8Array(16);
  assert.equal(new TextDecoder().decode(b.subarray(0, sys.read(r, b))), 'through');
  assert.equal(sys.dup2(w, w), w);
  sys.close(r);
  sys.close(w);
  for (const n of ['f', 'link', 'null', 'fifo']) sys.unlink(`${d}/${n}`);
  sys.rmdir(d);
});

test('mount and umount: a tmpfs and procfs', () => {
  const m = `${tmpdir}/mnt`;
  sys.mkdir(m);
  sys.mount('tmpfs', m, 'tmpfs', MS.NOSUID | MS.NODEV, 'size=1m,mode=700');
  assert.match(sys.readFile('/proc/self/mounts'), new RegExp(`tmpfs ${m} tmpfs rw,nosuid,nodev`));
  sys.writeFile(`${m}/in-tmpfs`, 'yes');
  assert.throws(() => sys.rmdir(m), { code: 'EBUSY' });
  sys.umount(m);
  assert.throws(() => sys.stat(`${m}/in-tmpfs`), { code: 'ENOENT' });
  sys.mount('proc', m, 'proc');
  assert.ok(sys.readdir(m).some((e) => e.name === 'self'));
  sys.umount(m, 2);
  assert.throws(() => sys.mount('none', m, 'no-such-fs'), { code: 'ENODEV', syscall: 'mount', path: m });
  assert.throws(() => sys.umount(m), { code: 'EINVAL', syscall: 'umount2' });
  sys.rmdir(m);
});

test('the machine: uname, sysinfo, sethostname, the kernel log', () => {
  const u = sys.uname();
  assert.equal(u.sysname, 'Linux');
  sys.sethostname('corojs-test');
  assert.equal(sys.uname().nodename, 'corojs-test');
  const info = sys.sysinfo();
  assert.ok(info.uptime > 0 && info.totalram > 0 && info.freeram <= info.totalram);
  assert.equal(info.loads.length, 3);
  assert.match(sys.klog(), /Linux version/);
  assert.equal(sys.getpid(), process.pid);
  assert.throws(() => sys.finitModule('/dev/null'), { syscall: 'finit_module', path: '/dev/null' });
  assert.equal(typeof reboot, 'function');
  assert.equal(RB.POWER_OFF, 0x4321fedc);
});

// Fork with a raw clone on the loop's thread; the child only makes raw
// system calls and ends.
function fork() {
  return syscall.inline(SYS.clone, 17 /* SIGCHLD */, 0, 0, 0, 0);
}

test('reap() collects orphans given to a subreaper, as PID 1 does, on SIGCHLD', () => {
  sys.prctl(36 /* PR_SET_CHILD_SUBREAPER */, 1);
  const [r, w] = sys.pipe(); // the child tells the grandchild's pid
  const [gr, gw] = sys.pipe(); // we let the grandchild go (a pipe of its own: it must not read the pid)
  const reaped = new Map();
  const changed = condition();
  const onChild = () => {
    for (const { pid, status } of sys.reap()) reaped.set(pid, status);
    changed.notify();
  };
  process.on('SIGCHLD', onChild);
  const keep = setInterval(() => {}, 60000);
  const child = fork();
  if (child === 0) { // the child: start a grandchild that outlives it, tell its pid, end
    const grandchild = fork();
    if (grandchild === 0) {
      syscall.inline(SYS.read, gr, new Uint8Array(1), 1); // until the child has ended
      syscall.inline(SYS.exit_group, 7);
    }
    syscall.inline(SYS.write, w, new Int32Array([grandchild]), 4);
    syscall.inline(SYS.exit_group, 3);
  }
  try {
    const b = new Int32Array(1);
    assert.equal(sys.read(r, b), 4);
    const grandchild = b[0];
    changed.until(() => reaped.has(child));
    sys.write(gw, 'x'); // the orphan may go now
    changed.until(() => reaped.size === 2);
    assert.equal(reaped.get(child) >> 8, 3);
    assert.equal(reaped.get(grandchild) >> 8, 7, 'the orphan came to us and was reaped');
    assert.deepEqual(sys.reap(), []);
  } finally {
    clearInterval(keep);
    process.off('SIGCHLD', onChild);
    for (const fd of [r, w, gr, gw]) sys.close(fd);
  }
});

test('interfaces over rtnetlink: up, an address, routes', () => {
  assert.equal(sys.ifindex('lo'), 1);
  assert.throws(() => sys.ifindex('nope0'), { code: 'ENODEV' });
  assert.equal(sys.links().find((l) => l.name === 'lo').up, false, 'a new namespace starts with lo down');
  sys.linkUp('lo');
  const lo = sys.links().find((l) => l.name === 'lo');
  assert.ok(lo.up && lo.loopback);
  assert.equal(lo.mtu, 65536);
  sys.addAddress('lo', '10.9.0.1/24');
  assert.ok(sys.addresses().some((a) => a.name === 'lo' && a.address === '10.9.0.1' && a.prefix === 24));
  assert.throws(() => sys.addAddress('lo', '10.9.0.1/24'), { code: 'EEXIST', syscall: 'RTM_NEWADDR' });
  sys.addRoute({ gateway: '10.9.0.2' });
  sys.addRoute({ dst: '10.10.0.0/16', link: 'lo' });
  const routes = sys.routes();
  assert.ok(routes.some((r) => r.dst === '0.0.0.0' && r.prefix === 0 && r.gateway === '10.9.0.2' && r.name === 'lo'), JSON.stringify(routes));
  assert.ok(routes.some((r) => r.dst === '10.10.0.0' && r.prefix === 16 && r.gateway === null));
  assert.throws(() => sys.addRoute({ gateway: '10.9.0.2' }), { code: 'EEXIST' });
  assert.throws(() => sys.addRoute({ dst: '10.11.0.0/16', gateway: '10.77.0.1' }), { code: 'ENETUNREACH' });
  assert.throws(() => sys.addAddress('lo', '10.9.0.300/24'), { code: 'ERR_INVALID_ARG_VALUE' });
  sys.linkUp('lo', false);
  assert.equal(sys.links().find((l) => l.name === 'lo').up, false);
  sys.linkUp('lo');
});

test('the address is real: a datagram to it comes back through corojs:dgram', () => {
  const server = dgram.createSocket('udp4');
  server.bind(0, '10.9.0.1');
  const client = dgram.createSocket('udp4');
  client.send('ping', server.address().port, '10.9.0.1');
  const msg = server.recv();
  assert.equal(new TextDecoder().decode(msg.data), 'ping');
  assert.equal(msg.address, '10.9.0.1');
  client.close();
  server.close();
});

test('formatIP writes IPv4 and shortened IPv6', () => {
  assert.equal(sys.formatIP(new Uint8Array([10, 0, 2, 15])), '10.0.2.15');
  const v6 = new Uint8Array(16);
  v6[0] = 0xfe; v6[1] = 0x80; v6[15] = 1;
  assert.equal(sys.formatIP(v6), 'fe80::1');
  assert.equal(sys.formatIP(new Uint8Array(16)), '::');
});
