// internalBinding('blob'): the handles under Node's Blob (internal/blob.js),
// in memory: a handle holds its bytes; slices share them. node:fs loads
// internal/blob at start-up (fs.openAsBlob). Blob URLs (URL.createObjectURL)
// are kept in a Map of this isolate.

import P from 'corojs:internal/primordials';

const N = P.nodefs;
const kEndOfStream = 0, kContinue = 1;

class BlobHandle {
  #bytes;

  constructor(bytes) {
    this.#bytes = bytes;
  }

  get bytes() { return this.#bytes; }

  slice(start, end) {
    return new BlobHandle(this.#bytes.subarray(start, end));
  }

  // A reader whose pull(callback) gives (kContinue, ArrayBuffer) once, then
  // (kEndOfStream).
  getReader() {
    let bytes = this.#bytes;
    return {
      pull(callback) {
        if (bytes === null) return callback(kEndOfStream);
        const copy = bytes.slice().buffer;
        bytes = null;
        return callback(kContinue, copy);
      },
    };
  }
}

const bytesOf = (part) => (part instanceof BlobHandle ? part.bytes :
  new Uint8Array(part.buffer ?? part, part.byteOffset ?? 0, part.byteLength));

// One Uint8Array of all the parts (views, ArrayBuffers, handles).
function join(parts) {
  let length = 0;
  for (const p of parts) length += bytesOf(p).byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    const b = bytesOf(p);
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

const createBlob = (sources) => new BlobHandle(join(sources));
const concat = (buffers) => join(buffers).buffer;

// fs.openAsBlob(path): the file's bytes now (Node reads them when the blob
// is read); undefined if it cannot be read.
function createBlobFromFilePath(path) {
  try {
    const bytes = P.fiber.exclusive(() => {
      const fd = N.open(path, 0, 0);
      try {
        const size = N.fstat(fd, false)[8];
        const buf = new Uint8Array(size);
        let n = 0;
        for (let r; n < size && (r = N.read(fd, buf, n, size - n, n)) > 0;) n += r;
        return buf.subarray(0, n);
      } finally {
        N.close(fd);
      }
    }, []);
    return [new BlobHandle(bytes), bytes.byteLength];
  } catch {
    return undefined;
  }
}

const dataObjects = new Map();

export default {
  createBlob, concat, createBlobFromFilePath,
  storeDataObject: (id, handle, length, type) => dataObjects.set(id, [handle, length, type]),
  getDataObject: (id) => dataObjects.get(id),
  revokeObjectURL: (id) => dataObjects.delete(id),
};
