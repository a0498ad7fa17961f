// corojs:internal/node/fs: a small node:fs -- the synchronous calls Node's
// assert and Node's test/common use, over corojs:fs (whose calls block only
// the calling fiber, so each is "sync" already). It stands in until the full
// node:fs over our primitives (issue 11) takes its place.
import fs from 'corojs:fs';

const handles = new Map(); // fd -> corojs:fs FileHandle
let nextFd = 1000;

function text(data, options) {
  const encoding = typeof options === 'string' ? options : options?.encoding;
  return encoding ? data : new Uint8Array(data);
}

export default {
  constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2 },
  existsSync: (path) => fs.exists(path),
  readFileSync: (path, options) => text(fs.readFile(path, typeof options === 'string' ? options : options?.encoding), options),
  writeFileSync: (path, data) => fs.writeFile(path, data),
  appendFileSync: (path, data) => fs.appendFile(path, data),
  statSync: (path) => fs.stat(path),
  lstatSync: (path) => fs.lstat(path),
  readdirSync: (path) => fs.readdir(path),
  mkdirSync: (path, options) => fs.mkdir(path, options),
  unlinkSync: (path) => fs.unlink(path),
  rmdirSync: (path) => fs.rmdir(path),
  renameSync: (from, to) => fs.rename(from, to),
  openSync(path, flags = 'r') {
    const fd = nextFd++;
    handles.set(fd, fs.open(path, flags));
    return fd;
  },
  readSync(fd, buffer, offset = 0, length = buffer.byteLength - offset, position = null) {
    const chunk = handles.get(fd).read(length, position ?? undefined);
    if (chunk === null) return 0;
    buffer.set(chunk, offset);
    return chunk.length;
  },
  closeSync(fd) {
    handles.get(fd)?.close();
    handles.delete(fd);
  },
};
