// corojs:fs: files and directories, in blocking style. Each call parks only
// the calling fiber while libuv's thread pool does the work.

import P from 'corojs:internal/primordials';
import { concatBytes } from 'corojs:internal/bytes';
import { closingRegistry } from 'corojs:internal/handles';
import { ERR_ILLEGAL_CONSTRUCTOR, ERR_INVALID_ARG_VALUE } from 'corojs:internal/errors';

import { TextDecoder } from 'corojs:encoding';

const F = P.fs;
const decoder = new TextDecoder();
// A FileHandle dropped without close() has its descriptor closed by the GC.
const registry = closingRegistry(F.close);

const S_IFMT = 0o170000;

export class Stats {
  constructor(raw) { Object.assign(this, raw); }
  isFile() { return (this.mode & S_IFMT) === 0o100000; }
  isDirectory() { return (this.mode & S_IFMT) === 0o040000; }
  isSymbolicLink() { return (this.mode & S_IFMT) === 0o120000; }
  isFIFO() { return (this.mode & S_IFMT) === 0o010000; }
  isSocket() { return (this.mode & S_IFMT) === 0o140000; }
  isCharacterDevice() { return (this.mode & S_IFMT) === 0o020000; }
  isBlockDevice() { return (this.mode & S_IFMT) === 0o060000; }
  get atime() { return new Date(this.atimeMs); }
  get mtime() { return new Date(this.mtimeMs); }
  get ctime() { return new Date(this.ctimeMs); }
  get birthtime() { return new Date(this.birthtimeMs); }
}

const kToken = Symbol('FileHandle');

export class FileHandle {
  #id;
  #unregister = {}; // the registry's token; it must not be the handle itself

  constructor(token, id) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('FileHandle objects are made by fs.open()');
    this.#id = id;
    registry.register(this, id, this.#unregister);
  }

  // read(length = 65536, offset = current position) -> Uint8Array, or null at the end
  read(length, offset) {
    return F.read(this.#id, length, offset);
  }

  // write(data, offset = current position) -> bytes written, as a BigInt
  write(data, offset) {
    return F.write(this.#id, data, offset);
  }

  fstat() { return new Stats(F.fstat(this.#id)); }
  stat() { return this.fstat(); }
  fsync() { F.fsync(this.#id); }
  fdatasync() { F.fdatasync(this.#id); }

  close() {
    registry.unregister(this.#unregister);
    F.close(this.#id);
  }

  get [Symbol.toStringTag]() { return 'FileHandle'; }
}

export function open(path, flags = 'r', mode = 0o666) {
  return new FileHandle(kToken, F.open(path, flags, mode));
}

// Read a whole file. readFile(path) -> String (UTF-8); readFile(path, null)
// or readFile(path, 'bytes') -> Uint8Array.
export function readFile(path, encoding = 'utf8') {
  if (encoding !== null && !['utf8', 'utf-8', 'bytes'].includes(encoding)) {
    throw ERR_INVALID_ARG_VALUE('encoding', encoding, 'is invalid encoding'); // utf8, bytes or null
  }
  const fh = open(path, 'r');
  let bytes;
  try {
    const size = fh.fstat().size;
    const chunks = [];
    let total = 0;
    // one read of the whole size (+1 to see the end), more if the file grew
    for (let chunk; (chunk = fh.read(Math.max(size + 1 - total, 65536))) !== null;) {
      chunks.push(chunk);
      total += chunk.length;
    }
    bytes = concatBytes(chunks);
  } finally {
    fh.close();
  }
  return encoding === null || encoding === 'bytes' ? bytes : decoder.decode(bytes);
}

// writeFile(path, data, { flag = 'w', mode = 0o666 }): data is a String or bytes.
export function writeFile(path, data, options = {}) {
  const fh = open(path, options.flag ?? 'w', options.mode ?? 0o666);
  try {
    fh.write(data);
  } finally {
    fh.close();
  }
}

export function appendFile(path, data, options = {}) {
  writeFile(path, data, { ...options, flag: options.flag ?? 'a' });
}

export function stat(path) { return new Stats(F.stat(path)); }
export function lstat(path) { return new Stats(F.lstat(path)); }
export function readdir(path) { return F.readdir(path); }
export function unlink(path) { F.unlink(path); }
export function rmdir(path) { F.rmdir(path); }
export function rename(from, to) { F.rename(from, to); }

export function exists(path) {
  try {
    F.stat(path);
    return true;
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return false;
    throw e;
  }
}

// mkdir(path, mode = 0o777) or mkdir(path, { recursive, mode }): recursive
// creates the missing parents and does not fail if the directory exists.
export function mkdir(path, options = 0o777) {
  const opts = typeof options === 'object' && options !== null ? options : { mode: options };
  const mode = opts.mode ?? 0o777;
  if (!opts.recursive) {
    F.mkdir(path, mode);
    return;
  }
  if (typeof path !== 'string') {
    F.mkdir(path, mode); // throws the TypeError naming "path"
  }
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (dir === '' || dir === '.' || dir === '..') continue;
    try {
      F.mkdir(dir, mode);
    } catch (e) {
      // an existing parent is fine (a file there fails the next mkdir with
      // ENOTDIR); the directory itself must not be something else
      if (e.code !== 'EEXIST' || (i === parts.length && !stat(dir).isDirectory())) throw e;
    }
  }
}

export default {
  open, readFile, writeFile, appendFile, stat, lstat, readdir, unlink, rmdir, rename, mkdir, exists,
  FileHandle, Stats,
};
