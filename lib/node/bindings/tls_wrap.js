// internalBinding('tls_wrap'): Node's TLSWrap, the StreamBase Node's
// _tls_wrap.js puts a TLSSocket on, over an SSL of ours
// (__primordials.tls_wrap, src/prim/tls_wrap.c: an SSL over memory BIOs;
// its native class is TLSWrap's base and has Node's getters:
// getPeerCertificate, getCipher, getSession, ...).
//
// wrap(handle, context, isServer) takes the stream handle underneath (a TCP
// or Pipe handle of ours, or a JS stream's JSStream handle) over, as Node's
// C++ TLSWrap becomes its stream listener: the handle's onread now feeds the
// SSL, and what the SSL writes goes out through the handle's writeBuffer.
// TLSWrap is in turn the handle of the TLSSocket (net.Socket): readStart/
// readStop go down to the handle, clear bytes come up through onread with
// streamBaseState as any StreamBase's, and writes are encrypted and written
// to the handle, their oncomplete following the handle's.
//
// Each step of the SSL (feed, read, write, shutdown) runs in C; what
// OpenSSL's callbacks report meanwhile (onhandshakestart, onhandshakedone,
// onnewsession, onclienthello, oncertcb, onkeylog, onocspresponse) is
// called here once the step has returned, in order, before the clear bytes
// of the same step are handed on.
import P from 'corojs:internal/primordials';
import { requireNode } from 'corojs:internal/node/builtins';
import stream, { writevBytes } from 'corojs:internal/node/bindings/stream_wrap';
import uv from 'corojs:internal/node/bindings/uv';
import { X509Handle, legacyBuffers } from 'corojs:internal/node/bindings/x509';

const T = P.tls_wrap;
const { streamBaseState, kReadBytesOrError, kArrayBufferOffset, kBytesWritten, kLastWriteWasAsync } = stream;
const { UV_EOF, UV_ECANCELED, UV_EPROTO } = uv;

let BufferClass;
const Buffer = () => (BufferClass ??= requireNode('buffer').Buffer);
// Bytes from C as a Buffer, as Node's binding gives them (undefined and
// other values as they are).
const toBuffer = (v) => (v instanceof Uint8Array ? Object.setPrototypeOf(v, Buffer().prototype) : v);

// An exception of a callback (onread, onhandshakedone, ...): uncaught, on a
// later turn, as a throw from a MakeCallback is in Node; the TLS state goes on.
let ownerSymbol;

function uncaught(e) {
  P.nodefs.go(() => { throw e; }, []);
}

class TLSWrap extends T.TLSWrap {
  #parent;
  #pending = [];        // [req, bytes | null (a shutdown)] until the handshake is done
  #cycling = false;
  #again = false;
  #eof = false;         // EOF (or an error) handed to onread
  #failed = false;      // an SSL error was reported
  #waitPrevWrites;      // the parent's earlier owner still has writes queued
  #newSessionPending = false;
  #afterWait = [];      // completions of bytes held while waiting
  #userBuffer = null;

  constructor(parent, context, isServer, hasActiveWrite) {
    super(context, isServer);
    this.#parent = parent;
    if (parent === undefined) return; // `new TLSWrap()`: an empty one
    this.#waitPrevWrites = Boolean(hasActiveWrite);
    this.isServer = isServer;
    this.reading = false;
    this.onread = null;
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.writeQueueSize = 0;
    parent.onread = (buf) => this.#onParentRead(buf);
  }

  get isStreamBase() { return true; }
  get fd() { return this.#parent.fd ?? -1; }
  getAsyncId() { return this.#parent.getAsyncId?.() ?? -1; }

  // ---------------------------------------------------------------- reading

  readStart() {
    return this.#parent.readStart();
  }

  readStop() {
    return this.#parent.readStop();
  }

  useUserBuffer(buf) {
    this.#userBuffer = buf;
  }

  // receive(buf): encrypted bytes that came some other way (a socket's
  // buffered data when it is wrapped).
  receive(buf) {
    T.feed(this, buf);
    this.#cycle();
  }

  #onParentRead(arrayBuffer) {
    const nread = streamBaseState[kReadBytesOrError];
    if (nread < 0) {
      this.#cycle();  // clear bytes before the end, as Node's ClearOut
      this.#emitEnd(nread);
      return;
    }
    if (nread === 0) return;
    const offset = streamBaseState[kArrayBufferOffset];
    T.feed(this, new Uint8Array(arrayBuffer, offset, nread));
    this.#cycle();
  }

  #emitEnd(status) {
    if (this.#eof) return;
    this.#eof = true;
    streamBaseState[kReadBytesOrError] = status;
    this.#callOnread(undefined);
  }

  #deliver(chunk) {
    this.bytesRead += chunk.length;
    const user = this.#userBuffer;
    if (user === null) {
      streamBaseState[kReadBytesOrError] = chunk.length;
      streamBaseState[kArrayBufferOffset] = chunk.byteOffset;
      this.#callOnread(chunk.buffer);
      return;
    }
    let target = user;
    for (let at = 0; at < chunk.length;) {
      const n = Math.min(target.length, chunk.length - at);
      target.set(chunk.subarray(at, at + n));
      at += n;
      streamBaseState[kReadBytesOrError] = n;
      streamBaseState[kArrayBufferOffset] = 0;
      const next = this.#callOnread(undefined);
      if (next instanceof Uint8Array) target = this.#userBuffer = next;
    }
  }

  #callOnread(arg) {
    if (typeof this.onread !== 'function') return undefined;
    try {
      return this.onread(arg);
    } catch (e) {
      uncaught(e);
      return undefined;
    }
  }

  // ------------------------------------------------------- the SSL's steps

  // Runs the SSL as far as it goes: the handshake, clear bytes up, queued
  // writes once the handshake is done, encrypted bytes down. Reentrant calls
  // (from the callbacks it runs) make it go round once more.
  #cycle() {
    if (this.#cycling) {
      this.#again = true;
      return;
    }
    this.#cycling = true;
    try {
      do {
        this.#again = false;
        this.#readAll();
        if (this.#failed) return;
        if (T.state(this) === 1 && this.#pending.length) this.#writePending();
        this.#flush(null);
      } while (this.#again && !this.#failed && T.state(this) >= 0);
    } finally {
      this.#cycling = false;
    }
  }

  #readAll() {
    for (;;) {
      if (T.state(this) < 0) return;
      const r = T.read(this);
      this.#runEvents();
      if (r === null) return;
      if (r === -1) {
        this.#fail(T.takeError(this));
        return;
      }
      if (r === 0) {
        this.#emitEnd(UV_EOF);
        return;
      }
      this.#deliver(r);
    }
  }

  #runEvents() {
    const events = T.takeEvents(this);
    if (events === undefined) return;
    for (const [name, ...args] of events) {
      if (name === 'onnewsession' && this.isServer) this.#newSessionPending = true;
      for (let i = 0; i < args.length; i++) args[i] = toBuffer(args[i]);
      if (name === 'onclienthello') toBuffer(args[0].sessionId);
      const fn = this[name];
      if (typeof fn !== 'function') continue;
      try {
        fn.apply(this, args);
      } catch (e) {
        uncaught(e);
      }
    }
  }

  // An SSL error: the alert OpenSSL wrote goes out first, then onerror (Node's
  // _tls_wrap destroys the socket from there).
  #fail(err) {
    if (this.#failed) return;
    this.#failed = true;
    this.#flush(null);
    const e = err instanceof Error ? err : Object.assign(new Error(String(err ?? 'TLS error')), { code: 'EPROTO' });
    this.#cancelPending(UV_EPROTO);
    if (typeof this.onerror === 'function') {
      try {
        this.onerror(e);
      } catch (x) {
        uncaught(x);
      }
    }
  }

  // Writes what the SSL has for the peer to the handle. done(status) (or
  // null) runs when the handle has written it; returns true when that
  // happened at once (done not called then).
  #flush(done) {
    if (this.#waitPrevWrites || this.#newSessionPending) {
      if (done) this.#afterWait.push(done);
      return false;
    }
    if (this.#afterWait.length) {  // writes encrypted while waiting go out now
      const waiting = this.#afterWait.splice(0);
      const all = (status) => { for (const fn of waiting) fn(status); };
      if (this.#flushNow(all)) queueMicrotask(() => all(0));
    }
    return this.#flushNow(done);
  }

  #flushNow(done) {
    const bytes = T.encOut(this);
    if (bytes === null) return true;
    const req = { oncomplete: (status) => done?.(status) };
    req.handle = this.#parent;
    let err;
    try {
      err = this.#parent.writeBuffer(req, bytes);
    } catch (e) {
      err = typeof e?.errno === 'number' ? e.errno : UV_EPROTO;
    }
    if (err) {
      if (done) queueMicrotask(() => done(err));
      return false;
    }
    return !streamBaseState[kLastWriteWasAsync];
  }

  // --------------------------------------------------------------- writing

  writeBuffer(req, data) {
    return this.#write(req, data);
  }

  writev(req, chunks, allBuffers) {
    return this.#write(req, writevBytes(chunks, allBuffers));
  }

  writeUtf8String(req, s) { return this.#write(req, Buffer().from(s, 'utf8')); }
  writeAsciiString(req, s) { return this.#write(req, Buffer().from(s, 'latin1')); }
  writeLatin1String(req, s) { return this.#write(req, Buffer().from(s, 'latin1')); }
  writeUcs2String(req, s) { return this.#write(req, Buffer().from(s, 'utf16le')); }

  // Encrypted and written now once the handshake is done; before, queued
  // until it is. Always asynchronous, as Node's TLSWrap: oncomplete follows
  // the handle's write, and writeQueueSize counts the bytes until then.
  #write(req, bytes) {
    this.bytesWritten += bytes.length;
    if (T.state(this) < 0) return uv.UV_EBADF;
    this.writeQueueSize += bytes.length;
    if (T.state(this) !== 1 || this.#pending.length || this.#waitPrevWrites || this.#newSessionPending) {
      this.#pending.push([req, bytes]);
      this.#cycle();
    } else {
      const status = this.#encrypt(bytes);
      if (status === 1) {  // later (a renegotiation runs)
        this.#pending.push([req, bytes]);
      } else if (status < 0) {
        this.writeQueueSize -= bytes.length;
        return status;
      } else {
        const done = this.#completion(req, bytes.length);
        if (this.#flush(done)) queueMicrotask(() => done(0));
        this.#cycle();
      }
    }
    // set last: what ran meanwhile (other handles' reads and writes) shares it
    streamBaseState[kBytesWritten] = bytes.length;
    streamBaseState[kLastWriteWasAsync] = 1;
    return 0;
  }

  // req's oncomplete(status), once, its bytes off writeQueueSize.
  #completion(req, length) {
    return (status) => {
      this.writeQueueSize -= length;
      req.oncomplete(status, this, undefined);
    };
  }

  // 0 (encrypted), 1 (not now) or a negative error.
  #encrypt(bytes) {
    if (bytes.length === 0) return 0;
    const n = T.write(this, bytes);
    if (n === -1) return 1;
    if (n === -2) {
      this.#fail(T.takeError(this));
      return UV_EPROTO;
    }
    return 0;
  }

  #writePending() {
    while (this.#pending.length && T.state(this) === 1 && !this.#waitPrevWrites && !this.#newSessionPending) {
      const [req, bytes] = this.#pending[0];
      if (bytes === null) {
        this.#pending.shift();
        this.#doShutdown(req);
        continue;
      }
      const status = this.#encrypt(bytes);
      if (status === 1) return;
      this.#pending.shift();
      const done = this.#completion(req, bytes.length);
      if (status < 0) {
        queueMicrotask(() => done(status));
        continue;
      }
      if (this.#flush(done)) queueMicrotask(() => done(0));
    }
  }

  #cancelPending(status) {
    const pending = this.#pending;
    this.#pending = [];
    this.writeQueueSize = 0;
    for (const [req] of pending) queueMicrotask(() => req.oncomplete(status, this, undefined));
  }

  // shutdown(req): a close_notify after the queued writes (none before the
  // handshake is done: the handle's shutdown at once, as Node's), then the
  // handle's shutdown.
  shutdown(req) {
    if (T.state(this) === 1 && this.#pending.length) {
      this.#pending.push([req, null]);
      return 0;
    }
    this.#doShutdown(req);
    return 0;
  }

  #doShutdown(req) {
    T.shutdown(this);
    this.#flush(null);
    const err = this.#shutdownParent(req);
    if (err) queueMicrotask(() => req.oncomplete(err, this, undefined));
  }

  #shutdownParent(req) {
    const down = { oncomplete: (status) => req.oncomplete(status, this, undefined) };
    down.handle = this.#parent;
    return this.#parent.shutdown(down);
  }

  // ------------------------------------------- what _tls_wrap.js calls

  // The client's server name, on the socket at once (Node's C++ sets it there).
  onservername(name) {
    const socket = this[ownerSymbol ??= requireNode('internal/async_hooks').symbols.owner_symbol];
    if (socket) socket.servername = name;
  }

  // The server's ALPN choice, asked by OpenSSL there and then: _tls_wrap.js's
  // ALPNCallback with the client's list -> an offset in it, or undefined (no
  // protocol: the handshake fails). What it throws is uncaught, as in Node.
  onalpn(protocols) {
    try {
      return this.ALPNCallback(toBuffer(protocols));
    } catch (e) {
      uncaught(e);
      return undefined;
    }
  }

  start() {
    this.#cycle();
  }

  writesIssuedByPrevListenerDone() {
    this.#waitPrevWrites = false;
    this.#cycle();
  }

  newSessionDone() {
    this.#newSessionPending = false;
    this.#cycle();
  }

  // oncertcb's end: the SNI context (sni_context, set by _tls_wrap.js)
  // gives the certificate, and the handshake goes on.
  certCbDone() {
    const sni = this.sni_context;
    if (sni) {
      if (!(sni instanceof T.SecureContext)) {
        this.onerror?.(new TypeError('Invalid SNI context'));
        return;
      }
      T.useContext(this, sni);
    }
    T.certDone(this);
    this.#cycle();
  }

  setKeyCert(context) {
    if (!this.isServer) {
      const { ERR_TLS_INVALID_STATE } = requireNode('internal/errors').codes;
      throw new ERR_TLS_INVALID_STATE();
    }
    T.useContext(this, context);
  }

  endParser() {
    super.endParser();
    this.#cycle();
  }

  destroySSL() {
    this.#cancelPending(UV_ECANCELED);
    super.destroySSL();
  }

  // what Node's TLSWrap proxies to its stream (set up by _tls_wrap.js too)
  close(cb) {
    this.#parent.close(cb);
  }

  // bytes as Buffers
  getSession() { return toBuffer(super.getSession()); }
  getTLSTicket() { return toBuffer(super.getTLSTicket()); }
  getFinished() { return toBuffer(super.getFinished()); }
  getPeerFinished() { return toBuffer(super.getPeerFinished()); }
  exportKeyingMaterial(length, label, context) {
    return toBuffer(super.exportKeyingMaterial(length, label, context));
  }

  getPeerCertificate(detailed) { return legacyBuffers(super.getPeerCertificate(detailed)); }
  getCertificate() { return legacyBuffers(super.getCertificate()); }

  // certificates as X509Certificate's handles
  getPeerX509Certificate() {
    const x = super.getPeerX509Certificate();
    return x === undefined ? undefined : new X509Handle(x);
  }

  getX509Certificate() {
    const x = super.getX509Certificate();
    return x === undefined ? undefined : new X509Handle(x);
  }

  get [Symbol.toStringTag]() { return 'TLSWrap'; }
}

function wrap(handle, context, isServer, hasActiveWrite) {
  return new TLSWrap(handle, context, isServer, hasActiveWrite);
}

export default { TLSWrap, wrap, HAVE_SSL_TRACE: 0 };
