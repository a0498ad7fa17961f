// internalBinding('stream_wrap'): Node's StreamBase protocol (what
// internal/stream_base_commons.js and net.Socket ask of a handle) over a
// stream of ours (__primordials.stream, src/core/stream.h), as issue 11 puts
// Node's stream APIs on fibers:
// - reading: between readStart() and readStop(), a pump fiber reads chunk
//   after chunk (parking while none is there) and hands each to
//   handle.onread, with streamBaseState[kReadBytesOrError] its length (or
//   UV_EOF, or an error). Node calls readStop() when its Readable's buffer is
//   full: the pump stops taking chunks, the data waits in the kernel and the
//   writer at the other end slows down (backpressure).
// - writing: what the stream takes at once is written at once, as Node's
//   StreamBase does (the write is then synchronous: no oncomplete); the rest
//   joins the handle's queue, written in order by a writer fiber that parks
//   while the other end does not read, and the request's oncomplete(status)
//   runs when its bytes are written. A Writable waiting for those writes
//   buffers, so its 'drain' falls out.
// - a blocking handle (setBlocking(true): a terminal's, process.stdout's and
//   stderr's) writes all at once, synchronously, blocking the thread while
//   the other end does not read, as libuv's blocking writes do.
// - shutdown and close as Node's: after the queued writes; close(cb) calls cb
//   on a later turn of the loop, on a fiber of its own.
// LibuvStreamWrap is the base of the handles over our streams: Pipe
// (pipe_wrap.js: child_process's stdio) and, with issue 11's net, TCP.

import P from 'corojs:internal/primordials';
import { ERR_NOT_IMPLEMENTED } from 'corojs:internal/node/unimplemented';
import uv from 'corojs:internal/node/bindings/uv';
import { setImmediate } from 'corojs:timers';

const S = P.stream;
const go = P.nodefs.go;
const { gather, decode } = P.buffer;

const kReadBytesOrError = 0, kArrayBufferOffset = 1, kBytesWritten = 2, kLastWriteWasAsync = 3;
const streamBaseState = new Int32Array(5);
const { UV_EOF, UV_EBADF, UV_ECANCELED, UV_ENOTSUP } = uv;

// The stream a handle runs on: its ID (a BigInt), set by whoever opened it.
export const kStream = Symbol('kStream');

// A write or shutdown request: a plain object the handle fills in.
export class WriteWrap {}
export class ShutdownWrap {}

// The bytes of writev(req, chunks, allBuffers) as one buffer: chunks are
// Buffers, or (not allBuffers) pairs of a chunk and its encoding (TLSWrap
// and JSStream write them too).
export const writevBytes = (chunks, allBuffers) => gather(chunks, allBuffers);

// The errno of a failed stream call (a uv error), for Node's ErrnoException.
const errnoOf = (e) => (typeof e?.errno === 'number' ? e.errno : UV_EBADF);

// fn() on a fiber of its own, once the caller's code has run to its end (a
// fiber started at once would run the caller's nextTicks and promise jobs as
// soon as it parked).
function later(fn) {
  queueMicrotask(() => go(fn, []));
}

export class LibuvStreamWrap {
  #reading = false;
  #pumping = false;
  #pending = null;  // a chunk read after readStop(), handed over at readStart()
  #queue = [];      // [req, bytes] to write, or [req, null] to shut down
  #writing = false;
  #blocking = false;
  #ref = true;
  #closed = false;
  #userBuffer = null;

  constructor() {
    this[kStream] = null;
    this.reading = false;
    this.onread = null;
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.writeQueueSize = 0;
  }

  get isStreamBase() { return true; }
  get fd() { return -1; }

  // A pump parked in a read after readStop() holds the stream unref'd: a
  // paused stdin does not keep the program alive, as in Node.
  readStart() {
    if (this.#closed || this[kStream] === null) return UV_EBADF;
    this.#reading = true;
    if (this.#ref) S.ref(this[kStream], true);
    if (!this.#pumping) {
      this.#pumping = true;
      later(() => this.#pump());
    }
    return 0;
  }

  readStop() {
    this.#reading = false;
    if (this.#pumping && !this.#closed && this[kStream] !== null) S.ref(this[kStream], false);
    return 0;
  }

  // Node's onread with a user buffer (net.Socket's `onread` option): chunks
  // are copied into it and onread gets their length only.
  useUserBuffer(buf) {
    this.#userBuffer = buf;
  }

  #pump() {
    try {
      while (this.#reading && !this.#closed) {
        let chunk = this.#pending;
        this.#pending = null;
        if (chunk === null) {
          try {
            chunk = S.readBytes(this[kStream]) ?? UV_EOF;
          } catch (e) {
            chunk = errnoOf(e);
          }
          if (this.#closed) return;
          if (!this.#reading) {
            this.#pending = chunk;
            return;
          }
        }
        this.#deliver(chunk);
        if (typeof chunk === 'number') return;
      }
    } finally {
      this.#pumping = false;
    }
  }

  // One chunk (or an end: UV_EOF or an error) to onread.
  #deliver(chunk) {
    if (typeof chunk === 'number') {
      this.#reading = false;
      streamBaseState[kReadBytesOrError] = chunk;
      this.#onread(undefined);
      return;
    }
    this.bytesRead += chunk.length;
    let user = this.#userBuffer;
    if (user === null) {
      streamBaseState[kReadBytesOrError] = chunk.length;
      streamBaseState[kArrayBufferOffset] = chunk.byteOffset;
      this.#onread(chunk.buffer);
      return;
    }
    for (let at = 0; at < chunk.length && !this.#closed;) {
      if (!this.#reading) {  // paused by onread: the rest waits for readStart()
        this.#pending = chunk.subarray(at);
        this.bytesRead -= chunk.length - at;
        return;
      }
      const n = Math.min(user.length, chunk.length - at);
      user.set(chunk.subarray(at, at + n));
      at += n;
      streamBaseState[kReadBytesOrError] = n;
      streamBaseState[kArrayBufferOffset] = 0;
      // onread may give the buffer to use next (onread.buffer a function)
      const next = this.#onread(undefined);
      if (next instanceof Uint8Array) user = this.#userBuffer = next;
    }
  }

  // onread(arg) -> its answer; what it throws is uncaught, as in Node, where
  // libuv goes on reading: the pump must not die with it (the socket would
  // never see its end or close).
  #onread(arg) {
    try {
      return this.onread(arg);
    } catch (e) {
      go(() => { throw e; }, []);
      return undefined;
    }
  }

  writeBuffer(req, data) {
    if (!(data instanceof Uint8Array)) {
      const e = new TypeError('Second argument must be a buffer');
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    return this.#write(req, data);
  }

  // The chunks' bytes in one copy, encoded in C (src/prim/buffer.c), and
  // so one write.
  writev(req, chunks, allBuffers) {
    return this.#write(req, gather(chunks, allBuffers));
  }

  // With a handle to send along (child_process IPC's send(message, handle)):
  // ENOTSUP, handles do not travel yet.
  writeUtf8String(req, s, handle) {
    if (handle) return UV_ENOTSUP;
    return this.#write(req, decode(s, 'utf8'));
  }

  writeAsciiString(req, s) { return this.#write(req, decode(s, 'latin1')); }
  writeLatin1String(req, s) { return this.#write(req, decode(s, 'latin1')); }
  writeUcs2String(req, s) { return this.#write(req, decode(s, 'utf16le')); }

  // As Node's StreamBase: what the stream takes at once is written now (no
  // oncomplete then); the rest joins the queue.
  #write(req, bytes) {
    streamBaseState[kBytesWritten] = bytes.length;
    streamBaseState[kLastWriteWasAsync] = 0;
    if (this.#closed || this[kStream] === null) return UV_EBADF;
    if (this.#blocking && !this.#writing) {
      const err = S.writeSync(this[kStream], bytes);
      if (err === 0) this.bytesWritten += bytes.length;
      return err;
    }
    let taken = 0;
    if (!this.#writing && bytes.length) {
      try {
        taken = S.tryWrite(this[kStream], bytes);
      } catch (e) {
        return errnoOf(e);
      }
    }
    this.bytesWritten += bytes.length; // as Node's: counted when dispatched
    if (taken === bytes.length) return 0;
    streamBaseState[kLastWriteWasAsync] = 1;
    const rest = taken ? bytes.subarray(taken) : bytes;
    this.writeQueueSize += rest.length;
    this.#enqueue(req, rest);
    return 0;
  }

  // shutdown(req): no more writes once the queued ones are done; then
  // req.oncomplete(status).
  shutdown(req) {
    if (this.#closed || this[kStream] === null) return UV_EBADF;
    this.#enqueue(req, null);
    return 0;
  }

  #enqueue(req, bytes) {
    this.#queue.push([req, bytes]);
    if (!this.#writing) {
      this.#writing = true;
      later(() => this.#drain());
    }
  }

  #drain() {
    try {
      while (this.#queue.length) {
        const [req, bytes] = this.#queue.shift();
        let status = 0;
        try {
          if (this.#closed) status = UV_ECANCELED;
          else if (bytes === null) S.end(this[kStream]);
          else S.write(this[kStream], bytes);
        } catch (e) {
          status = this.#closed ? UV_ECANCELED : errnoOf(e);
        }
        if (bytes !== null) this.writeQueueSize -= bytes.length;
        req.oncomplete(status, this, undefined);
      }
    } finally {
      this.#writing = false;
    }
  }

  close(cb) {
    if (this.#closed) return;
    this.#closed = true;
    this.#reading = false;
    const id = this[kStream];
    if (id !== null) {
      try {
        S.close(id);
      } catch {
        // already closed underneath
      }
    }
    // as libuv's close callbacks: on a later turn of the loop, after the
    // nextTicks queued meanwhile (net.Socket's 'error' comes before 'close')
    if (typeof cb === 'function') setImmediate(go, cb, []);
  }

  ref() {
    this.#ref = true;
    if (!this.#closed && this[kStream] !== null) S.ref(this[kStream], true);
  }

  unref() {
    this.#ref = false;
    if (!this.#closed && this[kStream] !== null) S.ref(this[kStream], false);
  }

  hasRef() {
    return this.#ref && !this.#closed;
  }

  setBlocking(blocking) {
    this.#blocking = Boolean(blocking);
    return 0;
  }

  readBuffer() { throw ERR_NOT_IMPLEMENTED('StreamBase readBuffer()'); }
}

export default {
  WriteWrap, ShutdownWrap, LibuvStreamWrap,
  kReadBytesOrError, kArrayBufferOffset, kBytesWritten, kLastWriteWasAsync,
  streamBaseState,
};
