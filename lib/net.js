// corojs:net: TCP and Unix-domain sockets in blocking style.
//
//   const server = net.createServer((socket) => {
//     for (let line; (line = socket.read()) !== null;) socket.write(line);
//   });
//   server.listen(7000);                      // blocks this fiber, serving
//
//   const s = net.connect(7000, 'localhost');  // blocks until connected
//   s.write('hi'); s.read(); s.close();

import P from 'corojs:internal/primordials';

const N = P.net;
const S = P.stream;
const kToken = Symbol('net');
// A socket or server dropped without close() is closed by the GC.
const registry = new FinalizationRegistry((id) => {
  try { N.close(id); } catch { /* closed already */ }
});

const LISTEN_REUSEPORT = 1;
const LISTEN_IPV6ONLY = 2;
let inWorker; // run by `corojs --workers N` (known on first listen)

export function isIP(s) { return N.isIP(s); }
export function isIPv4(s) { return N.isIP(s) === 4; }
export function isIPv6(s) { return N.isIP(s) === 6; }

function typeError(code, message) {
  const e = new TypeError(message);
  e.code = code;
  return e;
}

// An IP address for host: as it is if it is one, else through dns.lookup.
export function resolveHost(host, family) {
  if (typeof host !== 'string') {
    throw typeError('ERR_INVALID_ARG_TYPE', `The "host" argument must be of type string. Received ${typeof host}`);
  }
  if (N.isIP(host)) return host;
  if (host === 'localhost' && family !== 6) return '127.0.0.1';
  return P.util.importSync('corojs:dns').lookup(host, { family }).address;
}

// A port: a number 0-65535, or a string of digits.
function portOf(port) {
  if (typeof port === 'string' && /^\d+$/.test(port)) port = Number(port);
  if (typeof port !== 'number') {
    throw typeError('ERR_INVALID_ARG_TYPE', `The "port" argument must be of type number. Received ${typeof port}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    const e = new RangeError(`Port should be >= 0 and < 65536. Received ${port}.`);
    e.code = 'ERR_SOCKET_BAD_PORT';
    throw e;
  }
  return port;
}

// For the library's other modules: the handle ID inside a Socket.
let idOf;

export class Socket {
  #id;
  #closed = false;
  #remote;

  static { idOf = (socket) => socket.#id; }

  constructor(token, id) {
    if (token !== kToken) throw new TypeError('Socket objects are made by net.connect() or a server');
    this.#id = id;
    // no unregister token (it would cost an object per socket): the registry
    // closing an ID that close() already closed is harmless, IDs never repeat
    registry.register(this, id);
  }

  // read() -> String (UTF-8; a character split between chunks is kept whole),
  // or null at the end of the stream.
  read() { return S.read(this.#id); }

  // readBytes() -> Uint8Array, or null at the end of the stream.
  readBytes() { return S.readBytes(this.#id); }

  // write(data): String or bytes; blocks until the kernel has taken all of it.
  write(data) { S.write(this.#id, data); }

  // end(): no more writes (half-close); reading goes on.
  end() { S.end(this.#id); }

  // close(): idempotent, also after the runtime closed it (a write timeout)
  close() {
    if (this.#closed) return;
    this.#closed = true;
    try {
      N.close(this.#id);
    } catch (e) {
      if (e.code !== 'EBADF') throw e;
    }
  }

  get closed() { return this.#closed; }

  // A read or write blocked longer than ms throws ETIMEDOUT (0: never). A
  // write that times out closes the socket: its data cannot be taken back.
  setTimeout(ms) { S.setTimeout(this.#id, ms); return this; }
  setNoDelay(on = true) { N.setNoDelay(this.#id, on); return this; }
  setKeepAlive(on = false, initialDelay = 0) { N.setKeepAlive(this.#id, on, initialDelay); return this; }

  #peer() {
    if (this.#remote === undefined) this.#remote = this.#closed ? null : N.address(this.#id, true) ?? null;
    return this.#remote;
  }

  #local() { return this.#closed ? undefined : N.address(this.#id, false); }

  get remoteAddress() { const a = this.#peer(); return typeof a === 'object' ? a?.address : a; }
  get remotePort() { return this.#peer()?.port; }
  get remoteFamily() { return this.#peer()?.family; }
  get localAddress() { const a = this.#local(); return typeof a === 'object' ? a?.address : a; }
  get localPort() { return this.#local()?.port; }
  get localFamily() { return this.#local()?.family; }

  // for (const chunk of socket): the strings read() returns, until the end.
  *[Symbol.iterator]() {
    for (let chunk; (chunk = this.read()) !== null;) yield chunk;
  }

  get [Symbol.toStringTag]() { return 'Socket'; }
}

// For the library's other modules (tls, http): a Socket around a handle ID.
export function socketFromId(id) {
  return new Socket(kToken, id);
}

// ... and the other way: the handle ID of a Socket (TypeError if it is not one).
export function socketIdOf(socket) {
  return idOf(socket);
}

// A peer that vanished (reset or gone mid-write) is routine for a server and
// is not printed; anything else is, and the server goes on.
function defaultOnError(error) {
  if (error?.code === 'ECONNRESET' || error?.code === 'EPIPE') return;
  const { inspect } = P.util.importSync('corojs:util');
  P.process.write(2, `Error in a connection handler (the connection was closed): ${inspect(error)}\n`);
}

export class Server {
  #id = null;
  #handler;
  #onError;
  #closed = false;
  #unregister = {};

  constructor(token, options, handler) {
    if (token !== kToken) throw new TypeError('Server objects are made by net.createServer()');
    if (typeof handler !== 'function') {
      throw typeError('ERR_INVALID_ARG_TYPE', `The "handler" argument must be of type function. Received ${typeof handler}`);
    }
    this.#handler = handler;
    this.#onError = options.onError ?? defaultOnError;
  }

  // listen(port, host = '0.0.0.0'), listen(path) or listen({ port, host, path,
  // backlog, reusePort, ipv6Only }): bind, then serve until close(). Each
  // connection runs handler(socket) in a fiber of its own; when the handler
  // returns or throws, its socket is closed.
  listen(port, host = '0.0.0.0') {
    if (this.#id !== null || this.#closed) {
      const e = new Error(this.#closed ? 'the server is closed' : 'the server is already listening');
      e.code = 'ERR_SERVER_ALREADY_LISTEN';
      throw e;
    }
    this.#id = openListener(port, host);
    registry.register(this, this.#id, this.#unregister);
    // One JS frame between C and the handler: a parked connection's whole
    // stack then fits in one 4 KiB page (see docs/performance.md).
    const handler = this.#handler;
    const onError = this.#onError;
    N.serve(this.#id, (socketId) => {
      const socket = new Socket(kToken, socketId);
      try {
        handler(socket);
      } catch (e) {
        onError(e, socket);
      } finally {
        socket.close();
      }
    });
  }

  // Stop accepting: listen() returns. Open connections go on.
  close() {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#id !== null) {
      registry.unregister(this.#unregister);
      N.close(this.#id);
    }
  }

  get listening() { return this.#id !== null && !this.#closed; }

  // { address, family, port }, the path of a Unix socket, or null before listen().
  address() {
    return this.listening ? N.serverAddress(this.#id) : null;
  }

  get [Symbol.toStringTag]() { return 'Server'; }
}

// The listening socket that listen()'s arguments ask for, as a handle ID:
// (port, host), (path) or ({ port, host, path, backlog, reusePort,
// ipv6Only }). For net's servers and the library's others (http).
// Under `corojs --workers N` reusePort is on unless set to false, so that
// every worker can listen on the port.
export function openListener(port, host = '0.0.0.0') {
  const o = typeof port === 'object' && port !== null ? port : { port, host };
  if (o.path === undefined && typeof o.port === 'string' && !/^\d+$/.test(o.port)) o.path = o.port;
  if (o.path !== undefined) return N.listen(o.path, undefined, o.backlog);
  inWorker ??= P.process.env().COROJS_WORKER !== undefined;
  const flags = ((o.reusePort ?? inWorker) ? LISTEN_REUSEPORT : 0) | (o.ipv6Only ? LISTEN_IPV6ONLY : 0);
  return N.listen(resolveHost(o.host ?? '0.0.0.0'), portOf(o.port ?? 0), o.backlog, flags);
}

// createServer(handler) or createServer({ onError }, handler). onError(error,
// socket) is called when a handler throws; by default the error is printed
// to stderr (unless the peer just went away: ECONNRESET, EPIPE) and the
// server goes on.
export function createServer(options, handler) {
  if (typeof options === 'function') return new Server(kToken, {}, options);
  return new Server(kToken, options ?? {}, handler);
}

// connect(port, host = 'localhost', { timeout }), connect(path) or
// connect({ port, host, path, timeout, family }) -> Socket, once connected.
export function connect(port, host = 'localhost', options = {}) {
  const o = typeof port === 'object' && port !== null ? port : { ...options, port, host };
  if (o.path === undefined && typeof o.port === 'string' && !/^\d+$/.test(o.port)) o.path = o.port;
  const id = o.path !== undefined
    ? N.connect(o.path, undefined, o.timeout)
    : N.connect(resolveHost(o.host ?? 'localhost', o.family), portOf(o.port), o.timeout);
  return new Socket(kToken, id);
}

export const createConnection = connect;

export default { createServer, connect, createConnection, isIP, isIPv4, isIPv6, Socket, Server };
