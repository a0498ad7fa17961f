// corojs:sys/fs: files, directories, device nodes and mounts, as thin
// wrappers of the *at system calls (the only ones aarch64 has).
//
//   const fd = open('/dev/kmsg', O.RDONLY | O.NONBLOCK);
//   read(fd, buf) -> bytes read; write(fd, 'text' | buf) -> bytes written
//   mkdir('/proc'); mount('proc', '/proc', 'proc'); mknod('/dev/null', S.IFCHR | 0o666, makedev(1, 3))

import { struct } from 'corojs:syscall';
import { sys, sysPath, pathArg, arch, encoder, decoder } from 'corojs:sys/call';

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;

// open(2) flags; O_DIRECTORY and O_NOFOLLOW differ between the two.
export const O = Object.freeze({
  RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000,
  APPEND: 0o2000, NONBLOCK: 0o4000, CLOEXEC: 0o2000000,
  DIRECTORY: arch === 'aarch64' ? 0o40000 : 0o200000,
  NOFOLLOW: arch === 'aarch64' ? 0o100000 : 0o400000,
});

export const S = Object.freeze({
  IFMT: 0o170000, IFSOCK: 0o140000, IFLNK: 0o120000, IFREG: 0o100000, IFBLK: 0o060000,
  IFDIR: 0o040000, IFCHR: 0o020000, IFIFO: 0o010000,
});

// mount(2) flags and umount2(2) flags
export const MS = Object.freeze({
  RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, SYNCHRONOUS: 16, REMOUNT: 32, NOATIME: 1024,
  BIND: 4096, MOVE: 8192, REC: 16384, PRIVATE: 1 << 18, RELATIME: 1 << 21,
});
export const MNT = Object.freeze({ FORCE: 1, DETACH: 2, EXPIRE: 4 });

function bytesOf(data) {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

// open(path, flags = O.RDONLY, mode = 0o666) -> fd
export function open(path, flags = O.RDONLY, mode = 0o666) {
  return sysPath('openat', pathArg(path), AT_FDCWD, path, flags | O.CLOEXEC, mode);
}

// read(fd, buffer, length = all of it) -> bytes read (0 at the end)
export function read(fd, buf, length = buf.byteLength) {
  return sys('read', fd, buf, Math.min(length, buf.byteLength));
}

// write(fd, string or buffer) -> bytes written
export function write(fd, data) {
  const b = bytesOf(data);
  return sys('write', fd, b, b.byteLength);
}

export function pread(fd, buf, offset, length = buf.byteLength) {
  return sys('pread64', fd, buf, Math.min(length, buf.byteLength), offset);
}

export function close(fd) {
  sys('close', fd);
}

// ioctl(fd, request, arg): arg is a number or a buffer the kernel reads or fills
export function ioctl(fd, request, arg = 0) {
  return sys('ioctl', fd, request, arg);
}

export function fcntl(fd, cmd, arg = 0) {
  return sys('fcntl', fd, cmd, arg);
}

export function dup2(from, to) {
  return from === to ? to : sys('dup3', from, to, 0);
}

// pipe() -> [readFd, writeFd]
export function pipe(flags = O.CLOEXEC) {
  const fds = new Int32Array(2);
  sys('pipe2', fds, flags);
  return [fds[0], fds[1]];
}

// readFile(path) -> the whole file as a string (/proc and /sys files too,
// whose size stat does not know)
export function readFile(path) {
  const fd = open(path);
  const chunks = [];
  try {
    for (;;) {
      const b = new Uint8Array(65536);
      const n = read(fd, b);
      if (n === 0) break;
      chunks.push(b.subarray(0, n));
    }
  } finally {
    close(fd);
  }
  return decoder.decode(chunks.length === 1 ? chunks[0] : concat(chunks));
}

// writeFile(path, data, flags = O.WRONLY | O.CREAT | O.TRUNC, mode = 0o644)
export function writeFile(path, data, flags = O.WRONLY | O.CREAT | O.TRUNC, mode = 0o644) {
  const fd = open(path, flags, mode);
  try {
    const b = bytesOf(data);
    for (let at = 0; at < b.byteLength;) at += write(fd, b.subarray(at));
  } finally {
    close(fd);
  }
}

function concat(chunks) {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return all;
}

export function mkdir(path, mode = 0o755) {
  sysPath('mkdirat', pathArg(path), AT_FDCWD, path, mode);
}

// makedev(major, minor) -> the kernel's 32-bit device number
export function makedev(major, minor) {
  return ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
}

// mknod(path, S.IFCHR | 0o600, makedev(5, 1))
export function mknod(path, mode, dev = 0) {
  sysPath('mknodat', pathArg(path), AT_FDCWD, path, mode, dev);
}

export function unlink(path) {
  sysPath('unlinkat', pathArg(path), AT_FDCWD, path, 0);
}

export function rmdir(path) {
  sysPath('unlinkat', pathArg(path), AT_FDCWD, path, AT_REMOVEDIR);
}

export function symlink(target, path) {
  sysPath('symlinkat', pathArg(path), pathArg(target, 'target'), AT_FDCWD, path);
}

export function readlink(path) {
  const b = new Uint8Array(4096);
  const n = sysPath('readlinkat', pathArg(path), AT_FDCWD, path, b, b.length);
  return decoder.decode(b.subarray(0, n));
}

export function chdir(path) {
  sysPath('chdir', pathArg(path), path);
}

export function chroot(path) {
  sysPath('chroot', pathArg(path), path);
}

const timestamp = struct([['sec', 'i64'], ['nsec', 'u32'], ['reserved', 'i32']]);
const statxStruct = struct([
  ['mask', 'u32'], ['blksize', 'u32'], ['attributes', 'u64'], ['nlink', 'u32'], ['uid', 'u32'],
  ['gid', 'u32'], ['mode', 'u16'], ['spare0', 'u16'], ['ino', 'u64'], ['size', 'u64'],
  ['blocks', 'u64'], ['attributesMask', 'u64'], ['atime', timestamp], ['btime', timestamp],
  ['ctime', timestamp], ['mtime', timestamp], ['rdevMajor', 'u32'], ['rdevMinor', 'u32'],
  ['devMajor', 'u32'], ['devMinor', 'u32'], ['spare', 'u64', 14],
]);

// stat(path, { follow = true }) -> { mode, size, uid, gid, nlink, ino, rdev: [major, minor], mtime (ms) }
export function stat(path, { follow = true } = {}) {
  const b = statxStruct.alloc();
  sysPath('statx', pathArg(path), AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW, 0x7ff, b);
  const x = statxStruct.read(b);
  return {
    mode: x.mode, size: Number(x.size), uid: x.uid, gid: x.gid, nlink: x.nlink, ino: x.ino,
    rdev: [x.rdevMajor, x.rdevMinor], dev: [x.devMajor, x.devMinor],
    mtime: Number(x.mtime.sec) * 1000 + Math.floor(x.mtime.nsec / 1e6),
    isDirectory: (x.mode & S.IFMT) === S.IFDIR,
  };
}

// readdir(path) -> [{ name, type }] without . and ..; type is the d_type
// letter: 'd' directory, 'f' file, 'l' link, 'c' char device, 'b' block, 'p' fifo, 's' socket
const types = { 1: 'p', 2: 'c', 4: 'd', 6: 'b', 8: 'f', 10: 'l', 12: 's' };
export function readdir(path) {
  const fd = open(path, O.RDONLY | O.DIRECTORY);
  const out = [];
  try {
    const b = new Uint8Array(32768);
    const dv = new DataView(b.buffer);
    for (let n; (n = sys('getdents64', fd, b, b.length)) > 0;) {
      for (let at = 0; at < n;) {
        const reclen = dv.getUint16(at + 16, true);
        const type = b[at + 18];
        const nameBytes = b.subarray(at + 19, at + reclen);
        const name = decoder.decode(nameBytes.subarray(0, nameBytes.indexOf(0)));
        if (name !== '.' && name !== '..') out.push({ name, type: types[type] ?? '?' });
        at += reclen;
      }
    }
  } finally {
    close(fd);
  }
  return out;
}

// mount(source, target, fstype, flags = 0, data = null): data is the
// filesystem's option string ('mode=755', ...)
export function mount(source, target, fstype, flags = 0, data = null) {
  sysPath('mount', pathArg(target, 'target'), source, target, fstype, flags, data);
}

// umount(target, flags = 0): MNT.DETACH for a lazy unmount
export function umount(target, flags = 0) {
  sysPath('umount2', pathArg(target, 'target'), target, flags);
}

export function sync() {
  sys('sync');
}

export default {
  O, S, MS, MNT, open, read, write, pread, close, ioctl, fcntl, dup2, pipe, readFile, writeFile,
  mkdir, makedev, mknod, unlink, rmdir, symlink, readlink, chdir, chroot, stat, readdir, mount,
  umount, sync,
};
