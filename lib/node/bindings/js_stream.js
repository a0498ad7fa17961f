// internalBinding('js_stream'): Node's JSStream, the StreamBase handle of a
// JSStreamSocket (internal/js_stream_socket.js), which makes any JS Duplex
// look like a socket so tls can run over it: what is written to the handle
// goes to the socket's onwrite/onshutdown (one request at a time, as Node's
// C++ TLSWrap and StreamBase write); what the stream gives comes up through
// readBuffer/emitEOF as reads of the handle.
import { requireNode } from 'corojs:internal/node/builtins';
import stream, { writevBytes } from 'corojs:internal/node/bindings/stream_wrap';
import uv from 'corojs:internal/node/bindings/uv';

const { streamBaseState, kReadBytesOrError, kArrayBufferOffset, kBytesWritten, kLastWriteWasAsync } = stream;

let BufferClass;
const Buffer = () => (BufferClass ??= requireNode('buffer').Buffer);

class JSStream {
  #queue = [];   // [req, bufs | null (a shutdown)]
  #busy = false;
  #asyncId = 0;

  constructor() {
    this.reading = false;
    this.onread = null;
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.writeQueueSize = 0;
  }

  get isStreamBase() { return true; }
  get fd() { return -1; }

  getAsyncId() {
    return (this.#asyncId ||= requireNode('internal/async_hooks').newAsyncId());
  }

  readStart() {
    this.onreadstart?.();
    return 0;
  }

  readStop() {
    this.onreadstop?.();
    return 0;
  }

  // readBuffer(chunk) / emitEOF(): from the JS stream, up to onread
  readBuffer(chunk) {
    if (!(chunk instanceof Uint8Array)) chunk = Buffer().from(chunk);
    this.bytesRead += chunk.length;
    streamBaseState[kReadBytesOrError] = chunk.length;
    streamBaseState[kArrayBufferOffset] = chunk.byteOffset;
    this.onread(chunk.buffer);
  }

  emitEOF() {
    streamBaseState[kReadBytesOrError] = uv.UV_EOF;
    this.onread(undefined);
  }

  writeBuffer(req, data) { return this.#write(req, [data]); }

  writev(req, chunks, allBuffers) {
    return this.#write(req, [writevBytes(chunks, allBuffers)]);
  }

  writeUtf8String(req, s) { return this.#write(req, [Buffer().from(s, 'utf8')]); }
  writeAsciiString(req, s) { return this.#write(req, [Buffer().from(s, 'latin1')]); }
  writeLatin1String(req, s) { return this.#write(req, [Buffer().from(s, 'latin1')]); }
  writeUcs2String(req, s) { return this.#write(req, [Buffer().from(s, 'utf16le')]); }

  #write(req, bufs) {
    let n = 0;
    for (const b of bufs) n += b.length;
    this.bytesWritten += n;
    req.handle = this;
    this.#queue.push([req, bufs]);
    this.#next();
    // set last: the stream's write may run other handles' reads and writes
    streamBaseState[kBytesWritten] = n;
    streamBaseState[kLastWriteWasAsync] = 1;
    return 0;
  }

  shutdown(req) {
    req.handle = this;
    this.#queue.push([req, null]);
    this.#next();
    return 0;
  }

  #next() {
    if (this.#busy || this.#queue.length === 0) return;
    const [req, bufs] = this.#queue[0];
    this.#busy = true;
    const err = bufs === null ? this.onshutdown(req) : this.onwrite(req, bufs);
    if (err) this.#done(req, err);
  }

  #done(req, status) {
    if (this.#queue[0]?.[0] !== req) return;
    this.#queue.shift();
    this.#busy = false;
    req.oncomplete(status, this, undefined);
    this.#next();
  }

  // finishWrite/finishShutdown(req, errCode): the JS stream is done with it
  finishWrite(req, errCode) { this.#done(req, errCode); }
  finishShutdown(req, errCode) { this.#done(req, errCode); }
}

export default { JSStream };
