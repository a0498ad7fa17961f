// internalBinding('zlib'): what Node's lib/zlib.js asks of node_zlib.cc, over
// __primordials.zlib (src/prim/zlib.c: Debian's zlib and brotli).
//
// A handle (Zlib, BrotliEncoder, BrotliDecoder) holds one native stream.
// Node's lib calls init(..., writeState, processCallback), then:
// - writeSync(flush, in, inOff, inLen, out, outOff, outLen): in place; after
//   it writeState[0] is the room left in `out`, writeState[1] the input left;
// - write(...): the same work on a fiber of its own (a compressor's on libuv's
//   pool, a decompressor's in place: see src/prim/zlib.c); processCallback
//   runs on that fiber once it is done, never before write() has returned. A write that processCallback asks for is run by the same
//   fiber (a loop, not one fiber per chunk of output).
// A failure calls handle.onerror(message, errno, code) (Z_DATA_ERROR, ...),
// as node_zlib.cc does; Node's lib makes it the stream's 'error'.

import P from 'corojs:internal/primordials';
import symbols from 'corojs:internal/node/bindings/symbols';

const Z = P.zlib;
const go = P.nodefs.go;
const fiberYield = P.fiber.yield;
const { owner_symbol } = symbols;
const Z_NO_FLUSH = 0, Z_FINISH = 4, DEFLATE = 1, GZIP = 3, DEFLATERAW = 5;

function ERR_ZLIB_INITIALIZATION_FAILED() {
  const e = new Error('Initialization failed');
  e.code = 'ERR_ZLIB_INITIALIZATION_FAILED';
  return e;
}

class CompressionStream {
  #native;
  #state;
  #callback;
  #writing = false;
  #inCallback = false;
  #closing = false; // closed while a write is on its way: close after it
  #next = null; // a write asked for by processCallback, run by the same fiber

  constructor(mode) {
    this.#native = Z.create(mode);
  }

  // What init() of each kind does with the native stream's answer.
  _started(error, writeState, processCallback) {
    this.#state = writeState;
    this.#callback = processCallback;
    if (error) this.#emitError(error);
    return !error;
  }

  _native() { return this.#native; }

  #emitError(error) {
    if (typeof this.onerror === 'function') this.onerror(error[0], error[1], error[2]);
  }

  writeSync(flush, input, inOff, inLen, out, outOff, outLen) {
    const error = Z.writeSync(this.#native, flush, input, inOff, inLen, out, outOff, outLen, this.#state);
    if (error) this.#emitError(error);
  }

  write(flush, input, inOff, inLen, out, outOff, outLen) {
    if (this.#writing) throw new Error('zlib: a write is already in progress');
    this.#writing = true;
    const args = [flush, input, inOff, inLen, out, outOff, outLen];
    if (this.#inCallback) this.#next = args;
    else go((a) => this.#run(a), [args]);
  }

  // The flush a write runs with, when it starts (subclasses may raise it).
  _flushAtStart(args) { return args[0]; }

  #run(args) {
    while (args) {
      args[0] = this._flushAtStart(args);
      const error = Z.write(this.#native, ...args, this.#state);
      this.#writing = false;
      if (this.#closing) Z.close(this.#native);
      if (error) {
        this.#emitError(error);
        return;
      }
      this.#inCallback = true;
      try {
        this.#callback.call(this);
      } finally {
        this.#inCallback = false;
      }
      args = this.#next;
      this.#next = null;
      if (args) fiberYield(); // a decompressor works in place: let others run between chunks
    }
  }

  params(level, strategy) {
    const error = Z.params(this.#native, level, strategy);
    if (error) this.#emitError(error);
  }

  reset() {
    const error = Z.reset(this.#native);
    if (error) this.#emitError(error);
  }

  close() {
    if (this.#writing) this.#closing = true;
    else Z.close(this.#native);
  }

  getAsyncId() { return -1; }
  getProviderType() { return 0; }
}

class Zlib extends CompressionStream {
  #compressor;
  #fresh = true;

  constructor(mode) {
    super(mode);
    this.#compressor = mode === DEFLATE || mode === GZIP || mode === DEFLATERAW;
  }

  // A compressor's first write that carries the last bytes of a stream
  // already ended runs as Z_FINISH: `end(chunk)` (zlib.gzip(buffer, cb) does
  // that) writes its chunk before the stream is marked ending, so Node's
  // _transform gives it Z_NO_FLUSH and finishes with an empty write. The
  // write's fiber starts within that call: it lets end() return first, then
  // looks. With Z_FINISH the whole input goes to the one-shot compressor
  // (src/prim/zlib.c); the empty write after it adds nothing, as zlib's
  // Z_FINISH on a finished stream.
  _flushAtStart(args) {
    const owner = this[owner_symbol];
    const first = this.#fresh;
    this.#fresh = false;
    if (!first || !this.#compressor || args[0] !== Z_NO_FLUSH || !owner) return args[0];
    fiberYield();
    return owner.writableEnded && owner.writableLength === args[3] ? Z_FINISH : args[0];
  }

  reset() {
    this.#fresh = true;
    super.reset();
  }

  init(windowBits, level, memLevel, strategy, writeState, processCallback, dictionary) {
    const error = Z.init(this._native(), windowBits, level, memLevel, strategy,
                         dictionary === undefined || dictionary === null ? undefined : dictionary);
    return this._started(error, writeState, processCallback);
  }
}

class Brotli extends CompressionStream {
  init(params, writeState, processCallback) {
    const error = Z.brotliInit(this._native(), params);
    if (!this._started(error, writeState, processCallback)) throw ERR_ZLIB_INITIALIZATION_FAILED();
    return true;
  }

  params() {} // Brotli takes its parameters at init only, as in Node
}

class BrotliEncoder extends Brotli {}
class BrotliDecoder extends Brotli {}

export default {
  Zlib,
  BrotliEncoder,
  BrotliDecoder,
  crc32: Z.crc32,
  ZLIB_VERSION: Z.version(),
};
