// corojs:tls: TLS servers and clients on OpenSSL, in blocking style.
//
//   const server = tls.createServer({
//     certificateResolver: (name) => certs[name],     // { key, cert } in PEM
//   }, (socket) => {
//     for (let chunk; (chunk = socket.read()) !== null;) socket.write(chunk);
//   });
//   server.listen(8443);                             // blocks this fiber, serving
//
//   const s = tls.connect(8443, 'example.com');      // verified against the system's CAs
//   s.write('hi'); s.read(); s.close();
//
// The handshake runs in the connection's fiber: a server calls the resolver
// (in a fiber of its own, waited for within handshakeTimeout) with the name
// the client asked for, and the handler gets the socket once the handshake
// is done; connect() returns once it is done.

import P from 'corojs:internal/primordials';
import { Fiber } from 'corojs:fiber';
import net, { Socket as NetSocket, socketIdOf } from 'corojs:net';
import { codedError, describe, invalidArgType, invalidArgValue } from 'corojs:internal/errors';

const T = P.tls;
const E = P.encoding;
const kToken = Symbol('tls');
// A socket or context dropped without close() is closed by the GC.
const registry = new FinalizationRegistry((id) => {
  try { T.close(id); } catch { /* closed already */ }
});
const contextRegistry = new FinalizationRegistry((id) => {
  try { T.closeContext(id); } catch { /* closed already */ }
});

const VERSIONS = { 'TLSv1.2': T.TLS1_2_VERSION, 'TLSv1.3': T.TLS1_3_VERSION };
const SERVER_CONTEXTS = 100; // (cert, key) pairs a server keeps ready
const CLIENT_CONTEXTS = 16;  // sets of trusted CAs kept ready
const DEFAULT_HANDSHAKE_TIMEOUT = 120000; // ms, as Node's

function version(options, name) {
  const v = options[name];
  if (v === undefined) return undefined;
  if (!Object.hasOwn(VERSIONS, v)) throw invalidArgValue(name, v, "must be 'TLSv1.2' or 'TLSv1.3'");
  return VERSIONS[v];
}

// PEM text from a string or bytes.
function pem(v, name) {
  if (typeof v === 'string') return v;
  if (ArrayBuffer.isView(v)) return E.decode(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), false);
  throw invalidArgType(name, 'of type string or an instance of Uint8Array', v);
}

// ['h2', 'http/1.1'] in TLS's wire format: each name after its length.
function alpnWire(list) {
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length === 0) throw invalidArgType('alpn', 'a non-empty array of strings', list);
  const names = list.map((p) => {
    const b = typeof p === 'string' ? E.encode(p) : null;
    if (!b || b.length === 0 || b.length > 255) throw invalidArgValue('alpn', p, 'must hold names of 1 to 255 bytes');
    return b;
  });
  const wire = new Uint8Array(names.reduce((n, b) => n + 1 + b.length, 0));
  let at = 0;
  for (const b of names) {
    wire[at] = b.length;
    wire.set(b, at + 1);
    at += 1 + b.length;
  }
  return wire;
}

function timeoutOf(v, name) {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= 0)) throw invalidArgType(name, 'a number of milliseconds >= 0', v);
  return v;
}

// A new context, closed by the GC once the object holding its ID is garbage.
function newContext(server, cert, key, ca, options) {
  const entry = { id: T.createContext(server, cert, key, ca, version(options, 'minVersion'), version(options, 'maxVersion')) };
  contextRegistry.register(entry, entry.id);
  return entry;
}

// A Map used as a cache of contexts: get() moves an entry to the end, set()
// closes the oldest beyond `max`.
function cacheGet(map, key) {
  const entry = map.get(key);
  if (entry) {
    map.delete(key);
    map.set(key, entry);
  }
  return entry;
}

function cacheSet(map, key, entry, max) {
  map.set(key, entry);
  if (map.size > max) {
    const [oldKey, old] = map.entries().next().value;
    map.delete(oldKey);
    try { T.closeContext(old.id); } catch { /* closed already */ }
  }
  return entry;
}

// For the library's other modules (https): the handle ID inside a Socket.
let idOf;

export class Socket {
  #id;
  #net;
  #info;
  #closed = false;
  #tail = null; // UTF-8 bytes of a character split between reads

  static { idOf = (socket) => socket.#id; }

  constructor(token, id, netSocket) {
    if (token !== kToken) throw new TypeError('TLS Socket objects are made by tls.connect() or a server');
    this.#id = id;
    this.#net = netSocket;
    this.#info = T.info(id);
    registry.register(this, id);
  }

  // read() -> String (UTF-8; a character split between chunks is kept whole),
  // or null at the end of the stream.
  read() {
    for (;;) {
      const chunk = T.readBytes(this.#id);
      let bytes = chunk ?? new Uint8Array(0);
      if (this.#tail) {
        const joined = new Uint8Array(this.#tail.length + bytes.length);
        joined.set(this.#tail);
        joined.set(bytes, this.#tail.length);
        bytes = joined;
        this.#tail = null;
      }
      if (chunk === null) return bytes.length ? E.decode(bytes, false) : null; // a cut character: U+FFFD
      const keep = E.tail(bytes);
      if (keep) {
        this.#tail = bytes.slice(bytes.length - keep);
        bytes = bytes.subarray(0, bytes.length - keep);
      }
      if (bytes.length) return E.decode(bytes, false);
    }
  }

  // readBytes() -> Uint8Array, or null at the end of the stream.
  readBytes() {
    const tail = this.#tail;
    if (tail) {
      this.#tail = null;
      return tail;
    }
    return T.readBytes(this.#id);
  }

  // write(data): String or bytes; blocks until the kernel has taken all of it.
  write(data) { T.write(this.#id, data); }

  // end(): close_notify, then half-close; reading goes on.
  end() { T.end(this.#id); }

  // close(): close_notify (if no write is half done), then close. Idempotent.
  close() {
    if (this.#closed) return;
    this.#closed = true;
    try {
      T.close(this.#id);
    } catch (e) {
      if (e.code !== 'EBADF') throw e;
    }
    this.#net.close();
  }

  get closed() { return this.#closed; }

  // What the handshake settled.
  get alpnProtocol() { return this.#info.alpnProtocol; }
  get servername() { return this.#info.servername; }
  get authorized() { return this.#info.authorized; }
  get authorizationError() { return this.#info.authorizationError; }
  getProtocol() { return this.#info.protocol; }
  getCipher() { return { name: this.#info.cipher, version: this.#info.protocol }; }

  // { subject, issuer, subjectaltname, valid_from, valid_to, serialNumber,
  // fingerprint256 }, or null when the peer sent none.
  getPeerCertificate() { return T.peerCertificate(this.#id); }

  // The same as a net Socket's: on the connection below.
  setTimeout(ms) { this.#net.setTimeout(ms); return this; }
  setNoDelay(on = true) { this.#net.setNoDelay(on); return this; }
  setKeepAlive(on = false, initialDelay = 0) { this.#net.setKeepAlive(on, initialDelay); return this; }
  get remoteAddress() { return this.#net.remoteAddress; }
  get remotePort() { return this.#net.remotePort; }
  get remoteFamily() { return this.#net.remoteFamily; }
  get localAddress() { return this.#net.localAddress; }
  get localPort() { return this.#net.localPort; }
  get localFamily() { return this.#net.localFamily; }

  // for (const chunk of socket): the strings read() returns, until the end.
  *[Symbol.iterator]() {
    for (let chunk; (chunk = this.read()) !== null;) yield chunk;
  }

  get [Symbol.toStringTag]() { return 'TLSSocket'; }
}

// What a TLS server meets every day and does not print: peers that vanish,
// time out or fail the handshake (a plain-text client, a scanner, a name
// without a certificate). A failing resolver and handler errors are printed.
function routine(error) {
  const code = error?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_TLS_NO_CERTIFICATE' ||
    (code === 'ETIMEDOUT' && error.syscall === 'handshake') ||
    (typeof code === 'string' && code.startsWith('ERR_SSL_'));
}

function defaultOnError(error) {
  if (routine(error)) return;
  const { inspect } = P.util.importSync('corojs:util');
  P.process.write(2, `Error in a TLS connection (the connection was closed): ${inspect(error)}\n`);
}

const kTimedOut = Symbol('timed out');

// resolver(name) within ms (undefined: no limit): its value, or the value
// its promise settles with; throws kTimedOut when time is up first. The
// resolver runs in a fiber of its own, so one that blocks is waited for
// only as long as the handshake may last (it goes on, and is ignored).
function resolveWithin(resolver, name, ms) {
  if (ms === undefined) {
    const pair = resolver(name);
    return typeof pair?.then === 'function' ? Fiber.await(pair) : pair;
  }
  let timer;
  const answer = new Promise((resolve, reject) => {
    Fiber.run(() => {
      try {
        resolve(resolver(name));
      } catch (e) {
        reject(e);
      }
    });
  });
  const timeUp = new Promise((resolve, reject) => { timer = setTimeout(() => reject(kTimedOut), ms); });
  try {
    return Fiber.await(Promise.race([answer, timeUp]));
  } finally {
    clearTimeout(timer);
  }
}

export class Server {
  #net;
  #resolver;
  #options;
  #default; // the context of options.key and options.cert, if given
  #contexts = new Map(); // `${cert}\0${key}` -> { id }

  constructor(token, options, handler) {
    if (token !== kToken) throw new TypeError('TLS Server objects are made by tls.createServer()');
    if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'of type object', options);
    if (typeof handler !== 'function') throw invalidArgType('handler', 'of type function', handler);
    const { certificateResolver, key, cert } = options;
    if (certificateResolver !== undefined && typeof certificateResolver !== 'function') {
      throw invalidArgType('certificateResolver', 'of type function', certificateResolver);
    }
    if (certificateResolver === undefined && (key === undefined || cert === undefined)) {
      throw invalidArgValue('options', options, 'must have a certificateResolver, or a key and a cert');
    }
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw invalidArgType('onError', 'of type function', options.onError);
    }
    this.#options = options;
    this.#resolver = certificateResolver;
    const base = key !== undefined || cert !== undefined
      ? newContext(true, pem(cert, 'cert'), pem(key, 'key'), undefined, options)
      : newContext(true, undefined, undefined, undefined, options);
    if (key !== undefined) this.#default = base;
    const alpn = alpnWire(options.alpn);
    const timeout = timeoutOf(options.handshakeTimeout, 'handshakeTimeout') ?? DEFAULT_HANDSHAKE_TIMEOUT;
    const select = certificateResolver && ((name, msLeft) => this.#select(name, msLeft));
    const onError = options.onError ?? defaultOnError;
    this.#net = net.createServer((socket) => {
      let tlsSocket;
      try {
        tlsSocket = new Socket(kToken, T.accept(socketIdOf(socket), base.id, select, alpn, timeout), socket);
        handler(tlsSocket);
      } catch (e) {
        onError(e, tlsSocket ?? null);
      } finally {
        tlsSocket?.close();
      }
    });
  }

  // Called in the handshake with the name the client asked for ('' if
  // none) and the ms the handshake has left (undefined: no limit): the
  // context of the { key, cert } the resolver gives for it.
  #select(servername, msLeft) {
    let pair;
    try {
      pair = resolveWithin(this.#resolver, servername, msLeft);
    } catch (e) {
      if (e === kTimedOut) {
        throw Object.assign(codedError(Error, 'ETIMEDOUT',
          `the TLS handshake timed out waiting for the certificateResolver ('${servername}')`),
        { syscall: 'handshake', servername });
      }
      const error = codedError(Error, 'ERR_TLS_CERTIFICATE_RESOLVER',
        `certificateResolver failed for '${servername}': ${e?.message ?? e}`);
      error.cause = e;
      error.servername = servername;
      throw error;
    }
    if (pair === undefined || pair === null) return this.#default?.id;
    if (typeof pair !== 'object' || pair.key === undefined || pair.cert === undefined) {
      throw codedError(TypeError, 'ERR_INVALID_RETURN_VALUE',
        `certificateResolver must return { key, cert } or nothing. Returned ${describe(pair)}`);
    }
    const cert = pem(pair.cert, 'cert'), key = pem(pair.key, 'key');
    const k = `${cert}\0${key}`;
    const entry = cacheGet(this.#contexts, k) ??
      cacheSet(this.#contexts, k, newContext(true, cert, key, undefined, this.#options), SERVER_CONTEXTS);
    return entry.id;
  }

  // listen(port, host = '0.0.0.0'), listen(path) or listen({ port, host, path,
  // backlog, reusePort, ipv6Only }): as a net server's; blocks, serving.
  listen(...args) { this.#net.listen(...args); }

  // Stop accepting: listen() returns. Open connections go on.
  close() { this.#net.close(); }

  get listening() { return this.#net.listening; }
  address() { return this.#net.address(); }

  get [Symbol.toStringTag]() { return 'TLSServer'; }
}

// createServer({ certificateResolver, key, cert, alpn, minVersion,
// maxVersion, handshakeTimeout, onError }, handler).
export function createServer(options, handler) {
  return new Server(kToken, options, handler);
}

const clientContexts = new Map(); // `${min}/${max}/${ca}` -> { id }

function clientContext(o) {
  let ca;
  if (o.ca !== undefined) {
    ca = (Array.isArray(o.ca) ? o.ca : [o.ca]).map((c) => pem(c, 'ca')).join('\n');
  }
  const k = `${o.minVersion}/${o.maxVersion}/${ca ?? ''}`;
  return (cacheGet(clientContexts, k) ??
    cacheSet(clientContexts, k, newContext(false, undefined, undefined, ca, o), CLIENT_CONTEXTS)).id;
}

// connect(port, host = 'localhost', { servername, ca, rejectUnauthorized,
// alpn, timeout, minVersion, maxVersion }), connect(port, options) or
// connect({ port, host, socket, ... }) -> Socket, once the handshake is done.
// With `socket`, a connected net Socket becomes the TLS connection.
export function connect(port, host, options) {
  let o;
  if (typeof port === 'object' && port !== null) o = { ...port };
  else if (typeof host === 'object' && host !== null) o = { ...host, port };
  else o = { ...options, port, host };
  const rejectUnauthorized = o.rejectUnauthorized ?? true;
  if (typeof rejectUnauthorized !== 'boolean') throw invalidArgType('rejectUnauthorized', 'of type boolean', rejectUnauthorized);
  if (o.servername !== undefined && typeof o.servername !== 'string') throw invalidArgType('servername', 'of type string', o.servername);
  if (o.socket !== undefined && !(o.socket instanceof NetSocket)) throw invalidArgType('socket', 'an instance of net.Socket', o.socket);
  const hostname = o.host ?? (o.socket ? o.servername : undefined) ?? 'localhost';
  if (typeof hostname !== 'string') throw invalidArgType('host', 'of type string', hostname);
  const alpn = alpnWire(o.alpn);
  const timeout = timeoutOf(o.timeout, 'timeout');
  const context = clientContext(o);
  const servername = o.servername ?? (net.isIP(hostname) ? undefined : hostname);
  const socket = o.socket ?? net.connect({ port: o.port, host: hostname, timeout, family: o.family });
  let id;
  try {
    id = T.connect(socketIdOf(socket), context, servername, o.servername || hostname, rejectUnauthorized, alpn, timeout);
  } catch (e) {
    socket.close();
    throw e;
  }
  return new Socket(kToken, id, socket);
}

export const TLSSocket = Socket;

// The handle ID of a TLS Socket (TypeError if it is not one).
export function tlsSocketIdOf(socket) {
  return idOf(socket);
}

export default { createServer, connect, Server, Socket, TLSSocket };
