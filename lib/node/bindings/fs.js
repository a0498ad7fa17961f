// internalBinding('fs'): what Node's lib/fs.js, internal/fs/promises.js and
// internal/fs/* ask of node_file.cc, over __primordials.nodefs (one system
// call each, on libuv's pool, parking only the calling fiber).
//
// Each function takes Node's arguments and, last, how to answer (`req`):
// - undefined: a *Sync call. It runs inside Fiber.exclusive: nothing else of
//   the isolate (no fiber, timer, promise job) runs until it returns, so
//   run-to-completion holds as in Node. Errors are thrown.
// - an FSReqCallback: the call runs on a fiber of its own and calls
//   req.oncomplete(err) or (null, result) from there, later -- never before
//   the binding call has returned. What the callback throws is uncaught.
// - kUsePromises: the same, settling the promise returned.
// Errors are Node's: code, errno, syscall, path, dest and its message
// ("ENOENT: no such file or directory, open '/x'").

import P from 'corojs:internal/primordials';
import { requireNode } from 'corojs:internal/node/builtins';
import { ERR_NOT_IMPLEMENTED } from 'corojs:internal/node/unimplemented';
import uv from 'corojs:internal/node/bindings/uv';

const N = P.nodefs;
const exclusive = P.fiber.exclusive;
const fiberYield = P.fiber.yield;
const C = N.constants();

const kUsePromises = Symbol('fs_use_promises_symbol');
const kFsStatsFieldsNumber = 18;

export class FSReqCallback {
  constructor(bigint) {
    this.bigint = bigint === true;
    this.oncomplete = undefined;
    this.context = undefined;
  }
}

let BufferClass;
const Buffer = () => (BufferClass ??= requireNode('buffer').Buffer);

// A path argument as the system takes it (Node's lib passes strings and
// Buffers; URLs were turned into paths before).
export const pathOf = (p) => (typeof p === 'string' ? p : Buffer().from(p).toString());

// A descriptor argument, checked here as node_file.cc does (Node's lib leaves
// it to the binding): an int32 >= 0, else Node's TypeError or RangeError.
function fdOf(fd) {
  if (Object.is(fd, -0)) return 0;
  requireNode('internal/validators').validateInt32(fd, 'fd', 0);
  return fd;
}

// A name from the system in the encoding asked for ('buffer': a Buffer).
export function encoded(name, encoding) {
  if (encoding === undefined || encoding === null || encoding === 'utf8' || encoding === 'utf-8') return name;
  const b = Buffer().from(name);
  return encoding === 'buffer' ? b : b.toString(encoding);
}

// fn(...args) on a fiber of its own; then ok(result) or fail(error) from
// there, once the caller has returned (a call that failed without parking
// yields first).
function later(fn, args, ok, fail) {
  let returned = false;
  N.go(() => {
    let value, error, failed = false;
    try {
      value = fn(...args);
    } catch (e) {
      error = e;
      failed = true;
    }
    if (!returned) fiberYield();
    if (failed) fail(error);
    else ok(value);
  }, []);
  returned = true;
}

// fn(...args), answered as `req` asks (see the top of this file).
export function call(req, fn, ...args) {
  if (req === undefined) return exclusive(fn, args);
  if (req === kUsePromises) {
    return new Promise((resolve, reject) => later(fn, args, resolve, reject));
  }
  later(fn, args,
    (value) => (value === undefined ? req.oncomplete(null) : req.oncomplete(null, value)),
    (error) => req.oncomplete(error));
}

// ------------------------------------------------------------ stat

// Node's sync stat answers in the binding's statValues (realpathSync reads
// them from there); the others get an array of their own, and leave their
// values in statValues too, as node_file.cc does (fs.realpath reads the type
// of the last stat there to stop at a pipe).
const statValues = new Float64Array(2 * kFsStatsFieldsNumber);
const bigintStatValues = new BigInt64Array(2 * kFsStatsFieldsNumber);
function statArray(raw, bigint, sync) {
  const shared = bigint ? bigintStatValues : statValues;
  for (let i = 0; i < raw.length; i++) shared[i] = raw[i];
  if (sync) return shared;
  return bigint ? BigInt64Array.from(raw) : Float64Array.from(raw);
}
const bigintOf = (req, bigint) => (req instanceof FSReqCallback ? req.bigint : bigint === true);

export function stat(path, bigint, req, throwIfNoEntry) {
  return statCall(N.stat, pathOf(path), bigintOf(req, bigint), req, throwIfNoEntry !== false);
}

export function lstat(path, bigint, req, throwIfNoEntry) {
  return statCall(N.lstat, pathOf(path), bigintOf(req, bigint), req, throwIfNoEntry !== false);
}

// fstat(fd, bigint, req, shouldNotThrow): with shouldNotThrow, a failed sync
// call returns undefined.
export function fstat(fd, bigint, req, shouldNotThrow) {
  if (req === undefined && shouldNotThrow === true) {
    try {
      return statArray(exclusive(N.fstat, [fdOf(fd), false]), false, true);
    } catch {
      return undefined;
    }
  }
  return statCall(N.fstat, fdOf(fd), bigintOf(req, bigint), req, true);
}

// A sync stat of a path that may not be there (throwIfNoEntry: false) asks
// for the errno instead of an error to catch.
const quietStat = new Map([[N.stat, N.statErrno], [N.lstat, N.lstatErrno]]);

function statCall(fn, target, bigint, req, throwIfNoEntry) {
  if (!throwIfNoEntry && req === undefined && quietStat.has(fn)) {
    const r = exclusive(quietStat.get(fn), [target, bigint]);
    if (r === uv.UV_ENOENT || r === uv.UV_ENOTDIR) return undefined;
    if (typeof r !== 'number') return statArray(r, bigint, true);
  }
  return call(req, () => statArray(fn(target, bigint), bigint, req === undefined));
}

export function statfs(path, bigint, req) {
  const big = bigintOf(req, bigint);
  return call(req, () => statArray(N.statfs(pathOf(path), big), big));
}

// 0: a file, 1: a directory, < 0: an error (its errno).
export function internalModuleStat(path) {
  const r = exclusive(N.statErrno, [pathOf(path), false]);
  if (typeof r === 'number') return r;
  return (r[1] & C.S_IFMT) === C.S_IFDIR ? 1 : 0;
}

export function existsSync(path) {
  return exclusive(N.accessErrno, [pathOf(path), C.F_OK]) === undefined; // else its errno
}

// ------------------------------------------------------------ descriptors

export function open(path, flags, mode, req) {
  return call(req, N.open, pathOf(path), flags, mode);
}

export function close(fd, req) {
  return call(req, N.close, fdOf(fd));
}

// read(fd, buffer, offset, length, position, req) -> bytes read
export function read(fd, buffer, offset, length, position, req) {
  return call(req, N.read, fdOf(fd), buffer, offset, length, position);
}

export function writeBuffer(fd, buffer, offset, length, position, req) {
  return call(req, N.write, fdOf(fd), buffer, offset, length, position);
}

// writeString(fd, string, position, encoding, req) -> bytes written
export function writeString(fd, string, position, encoding, req) {
  const bytes = encoding === undefined || encoding === 'utf8' ? string : Buffer().from(string, encoding);
  const length = typeof bytes === 'string' ? Buffer().byteLength(bytes) : bytes.byteLength;
  return call(req, N.write, fdOf(fd), bytes, 0, length, position);
}

// readBuffers/writeBuffers(fd, buffers, position, req): readv(2)/writev(2)
// as a sequence; it stops at the first short read or write.
function vector(op, fd, buffers, position) {
  let pos = typeof position === 'number' && position >= 0 ? position : -1, total = 0;
  for (const b of buffers) {
    const n = op(fd, b, 0, b.byteLength, pos);
    total += n;
    if (pos >= 0) pos += n;
    if (n < b.byteLength) break;
  }
  return total;
}

export function readBuffers(fd, buffers, position, req) {
  return call(req, vector, N.read, fdOf(fd), buffers, position);
}

export function writeBuffers(fd, buffers, position, req) {
  return call(req, vector, N.write, fdOf(fd), buffers, position);
}

export function ftruncate(fd, len, req) { return call(req, N.ftruncate, fdOf(fd), len); }
export function fsync(fd, req) { return call(req, N.fsync, fdOf(fd)); }
export function fdatasync(fd, req) { return call(req, N.fdatasync, fdOf(fd)); }
export function fchmod(fd, mode, req) { return call(req, N.fchmod, fdOf(fd), mode); }
export function fchown(fd, uid, gid, req) { return call(req, N.fchown, fdOf(fd), uid, gid); }
export function futimes(fd, atime, mtime, req) { return call(req, N.futimes, fdOf(fd), atime, mtime); }

// ------------------------------------------------------------ paths

// A mode of access() or copyFile(): undefined or null is `def`; else an
// integer from 0 to 7 (F_OK | R_OK | W_OK | X_OK, or the COPYFILE_* bits).
function modeOf(mode, def) {
  if (mode === undefined || mode === null) return def;
  requireNode('internal/validators').validateInteger(mode, 'mode', 0, 7);
  return mode;
}

export function access(path, mode, req) {
  return call(req, N.access, pathOf(path), modeOf(mode, C.F_OK));
}
export function unlink(path, req) { return call(req, N.unlink, pathOf(path)); }
export function rmdir(path, req) { return call(req, N.rmdir, pathOf(path)); }
export function rename(from, to, req) { return call(req, N.rename, pathOf(from), pathOf(to)); }
export function link(from, to, req) { return call(req, N.link, pathOf(from), pathOf(to)); }
export function symlink(target, path, flags, req) {
  return call(req, N.symlink, pathOf(target), pathOf(path), flags ?? 0);
}
export function chmod(path, mode, req) { return call(req, N.chmod, pathOf(path), mode); }
export function chown(path, uid, gid, req) { return call(req, N.chown, pathOf(path), uid, gid); }
export function lchown(path, uid, gid, req) { return call(req, N.lchown, pathOf(path), uid, gid); }
export function utimes(path, atime, mtime, req) { return call(req, N.utimes, pathOf(path), atime, mtime); }
export function lutimes(path, atime, mtime, req) { return call(req, N.lutimes, pathOf(path), atime, mtime); }
export function copyFile(from, to, mode, req) {
  return call(req, N.copyfile, pathOf(from), pathOf(to), modeOf(mode, 0));
}

export function readlink(path, encoding, req) {
  return call(req, () => encoded(N.readlink(pathOf(path)), encoding));
}

export function realpath(path, encoding, req) {
  return call(req, () => encoded(N.realpath(pathOf(path)), encoding));
}

export function mkdtemp(prefix, encoding, req) {
  return call(req, () => encoded(N.mkdtemp(`${pathOf(prefix)}XXXXXX`), encoding));
}

// [names, types] of a directory's entries (types: UV_DIRENT_*).
export function scandir(path, encoding) {
  const [names, types] = N.scandir(pathOf(path));
  return [names.map((name) => encoded(name, encoding)), types];
}

// readdir(path, encoding, withFileTypes, req) -> names, or [names, types]
export function readdir(path, encoding, withFileTypes, req) {
  return call(req, () => {
    const entries = scandir(path, encoding);
    return withFileTypes ? entries : entries[0];
  });
}

const isDirectory = (path) => {
  try {
    return (N.stat(path, false)[1] & C.S_IFMT) === C.S_IFDIR;
  } catch {
    return false;
  }
};

// mkdir -p: the first directory it made, or undefined if there was none to make.
function mkdirp(path, mode) {
  try {
    N.mkdir(path, mode);
    return path;
  } catch (e) {
    if (e.code === 'EEXIST' && isDirectory(path)) return undefined;
    const parent = path.replace(/\/+[^/]*\/*$/, '') || '/';
    if (e.code !== 'ENOENT' || parent === path) throw e;
    const first = mkdirp(parent, mode);
    try {
      N.mkdir(path, mode);
    } catch (e2) {
      if (e2.code !== 'EEXIST' || !isDirectory(path)) throw e2;
    }
    return first ?? path;
  }
}

export function mkdir(path, mode, recursive, req) {
  return recursive ? call(req, mkdirp, pathOf(path), mode) : call(req, N.mkdir, pathOf(path), mode);
}

// ------------------------------------------------------------ whole files

function readAll(fd) {
  const chunks = [];
  let size = Math.max(N.fstat(fd, false)[8], 8192), n;
  do {
    const chunk = new Uint8Array(size);
    n = N.read(fd, chunk, 0, size, -1);
    if (n > 0) chunks.push(n === size ? chunk : chunk.subarray(0, n));
    size = 65536;
  } while (n > 0);
  return Buffer().concat(chunks);
}

// readFileUtf8(path or fd, flags) -> string
export function readFileUtf8(path, flags) {
  return exclusive(() => {
    const own = typeof path !== 'number';
    const fd = own ? N.open(pathOf(path), flags, 0o666) : path;
    try {
      return readAll(fd).toString('utf8');
    } finally {
      if (own) N.close(fd);
    }
  }, []);
}

// writeFileUtf8(path or fd, data, flags, mode)
export function writeFileUtf8(path, data, flags, mode) {
  exclusive(() => {
    const own = typeof path !== 'number';
    const fd = own ? N.open(pathOf(path), flags, mode) : path;
    try {
      const bytes = Buffer().from(data, 'utf8');
      for (let off = 0; off < bytes.length;) off += N.write(fd, bytes, off, bytes.length - off, -1);
    } finally {
      if (own) N.close(fd);
    }
  }, []);
}

// ------------------------------------------------------------ FileHandle (fs/promises)

// The native half of fs/promises' FileHandle: a descriptor and close().
// A FileHandle collected while its descriptor is open closes it, with Node's
// two warnings (DEP0137).
const unclosed = new FinalizationRegistry((fd) => {
  N.go((d) => {
    try {
      N.close(d);
    } catch {} // closed behind the handle's back: nothing left to do
  }, [fd]);
  process.emitWarning(`Closing file descriptor ${fd} on garbage collection`);
  process.emitWarning('Closing a FileHandle object on garbage collection is deprecated. ' +
    'Please close FileHandle objects explicitly using FileHandle.prototype.close(). In the future, ' +
    'an error will be thrown if a file descriptor is closed during garbage collection.',
  'DeprecationWarning', 'DEP0137');
});

export class FileHandle {
  constructor(fd) {
    this.fd = fd;
    unclosed.register(this, fd, this);
  }

  getAsyncId() { return -1; }

  close() {
    const fd = this.fd;
    this.fd = -1;
    unclosed.unregister(this);
    return call(kUsePromises, N.close, fd);
  }

  releaseFD() {
    const fd = this.fd;
    this.fd = -1;
    unclosed.unregister(this);
    return fd;
  }
}

export function openFileHandle(path, flags, mode, req) {
  return call(req, () => new FileHandle(N.open(pathOf(path), flags, mode)));
}

// ------------------------------------------------------------ watchers

// What a watcher handle is (fs.watch's FSEvent, fs.watchFile's
// StatWatcher): a handle of __primordials.nodefs, closed once, that keeps
// the program going unless unref()d (before or after it starts).
export class WatcherHandle {
  #id = null;
  #refed = true;

  constructor() {
    this.onchange = undefined;
  }

  get initialized() { return this.#id !== null; }

  // start with open() -> a handle ID or a negative code; 0 or that code
  _start(open) {
    if (this.#id !== null) return 0;
    const id = open();
    if (typeof id === 'number') return id;
    this.#id = id;
    if (!this.#refed) N.watcherRef(id, false);
    return 0;
  }

  close() {
    if (this.#id !== null) N.unwatch(this.#id);
    this.#id = null;
  }

  ref() {
    this.#refed = true;
    if (this.#id !== null) N.watcherRef(this.#id, true);
  }

  unref() {
    this.#refed = false;
    if (this.#id !== null) N.watcherRef(this.#id, false);
  }

  hasRef() { return this.#id !== null && this.#refed; }

  getAsyncId() { return -1; }
}

// fs.watchFile's handle: libuv's stat poll (__primordials.nodefs.watchFile).
// onchange(status, stats) gets the current stat and the previous one, one
// after the other in a Float64Array (BigInt64Array for bigint: true).
export class StatWatcher extends WatcherHandle {
  #bigint;

  constructor(bigint) {
    super();
    this.#bigint = bigint === true;
  }

  // start(path, interval) -> 0 or a negative code
  start(path, interval) {
    return this._start(() => N.watchFile(pathOf(path), interval, (status, curr, prev) => {
      if (this.initialized) this.onchange(status, this.#stats(curr, prev));
    }));
  }

  #stats(curr, prev) {
    const n = kFsStatsFieldsNumber;
    const stats = this.#bigint ? new BigInt64Array(2 * n) : new Float64Array(2 * n);
    const num = this.#bigint ? BigInt : Number;
    for (let i = 0; i < n; i++) {
      stats[i] = num(curr[i]);
      stats[n + i] = num(prev[i]);
    }
    return stats;
  }
}

export function cpSyncCheckPaths() {
  throw ERR_NOT_IMPLEMENTED('fs.cpSync()');
}

export function getFormatOfExtensionlessFile() { return 0; }

export default {
  FSReqCallback, FileHandle, StatWatcher, kUsePromises, kFsStatsFieldsNumber,
  statValues, bigintStatValues,
  statFsValues: new Float64Array(7),
  bigintStatFsValues: new BigInt64Array(7),
  access, close, open, openFileHandle, read, readBuffers, writeBuffer, writeBuffers, writeString,
  rename, ftruncate, rmdir, mkdir, readdir, internalModuleStat, stat, lstat, fstat, statfs,
  readlink, symlink, link, unlink, chmod, fchmod, chown, fchown, lchown, utimes, futimes, lutimes,
  fsync, fdatasync, mkdtemp, realpath, copyFile, existsSync, readFileUtf8, writeFileUtf8,
  cpSyncCheckPaths, getFormatOfExtensionlessFile,
};
