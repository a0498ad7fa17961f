// internalBinding('blob') under Node's Blob (internal/blob.js): a blob's
// bytes kept in memory as the parts it was made of (copies), read back one
// part per pull; object URLs (URL.createObjectURL) in a map of this
// isolate. Blobs backed by files (fs.openAsBlob) are not there yet.
const kEOS = 0, kContinue = 1;

class BlobHandle {
  constructor(parts) {
    this.parts = parts; // Uint8Arrays, not shared with anyone
  }

  slice(start, end) {
    const out = [];
    let at = 0;
    for (const p of this.parts) {
      const from = Math.max(start - at, 0), to = Math.min(end - at, p.length);
      if (from < to) out.push(p.subarray(from, to));
      at += p.length;
    }
    return new BlobHandle(out);
  }

  getReader() {
    const parts = this.parts;
    let next = 0;
    return {
      pull(callback) {
        if (next >= parts.length) return callback(kEOS);
        return callback(kContinue, parts[next++].slice().buffer);
      },
    };
  }
}

const bytes = (v) => (ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v));

function concat(buffers) {
  const views = buffers.map(bytes);
  const out = new Uint8Array(views.reduce((n, v) => n + v.length, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.length;
  }
  return out.buffer;
}

const objects = new Map(); // object URL id -> [handle, length, type]

export default {
  createBlob: (sources) =>
    new BlobHandle(sources.flatMap((s) => (s instanceof BlobHandle ? s.parts : [bytes(s).slice()]))),
  concat,
  createBlobFromFilePath: () => undefined,
  storeDataObject: (id, handle, length, type) => { objects.set(id, [handle, length, type]); },
  getDataObject: (id) => objects.get(id),
  revokeObjectURL: (id) => { objects.delete(id); },
};
