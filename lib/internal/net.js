// corojs:internal/net: what corojs:net shares with the library's other
// modules (tls, http): the Socket class around a stream's handle ID, host
// names to addresses, and listening sockets.

import P from 'corojs:internal/primordials';
import { closingRegistry } from 'corojs:internal/handles';
import { ERR_ILLEGAL_CONSTRUCTOR, ERR_INVALID_ARG_TYPE } from 'corojs:internal/errors';
import { validatePort, validateString } from 'corojs:internal/validators';

const N = P.net;
const S = P.stream;
const kToken = Symbol('net');
// A socket dropped without close() is closed by the GC.
export const registry = closingRegistry(N.close);

const LISTEN_REUSEPORT = 1;
const LISTEN_IPV6ONLY = 2;
let inWorker; // run by `corojs --workers N` (known on first listen)

// An IP address for host: as it is if it is one, else through dns.lookup.
export function resolveHost(host, family) {
  validateString(host, 'host');
  if (N.isIP(host)) return host;
  if (host === 'localhost' && family !== 6) return '127.0.0.1';
  return P.util.importSync('corojs:dns').lookup(host, { family }).address;
}

// listen('/path') and connect('/path'): a port that is no number is a path.
function withPath(o) {
  if (o.path === undefined && typeof o.port === 'string' && !/^\d+$/.test(o.port)) o.path = o.port;
  return o;
}

// A port: a number 0-65535, or a string of digits (named as Node names it:
// 'Port' to connect to, 'options.port' to listen on).
function portOf(port, name) {
  if (typeof port !== 'number' && typeof port !== 'string') throw ERR_INVALID_ARG_TYPE('options.port', ['number', 'string'], port);
  return validatePort(port, name);
}

// For the library's other modules: the handle ID inside a Socket.
let idOf;

export class Socket {
  #id;
  #closed = false;
  #remote;

  static { idOf = (socket) => socket.#id; }

  constructor(token, id) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Socket objects are made by net.connect() or a server');
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

// The listening socket that listen()'s arguments ask for, as a handle ID:
// (port, host), (path) or ({ port, host, path, backlog, reusePort,
// ipv6Only }). For net's servers and the library's others (http).
// Under `corojs --workers N` reusePort is on unless set to false, so that
// every worker can listen on the port.
export function openListener(port, host = '0.0.0.0') {
  const o = withPath(typeof port === 'object' && port !== null ? port : { port, host });
  if (o.path !== undefined) return N.listen(o.path, undefined, o.backlog);
  inWorker ??= P.process.env().COROJS_WORKER !== undefined;
  const flags = ((o.reusePort ?? inWorker) ? LISTEN_REUSEPORT : 0) | (o.ipv6Only ? LISTEN_IPV6ONLY : 0);
  return N.listen(resolveHost(o.host ?? '0.0.0.0'), portOf(o.port ?? 0, 'options.port'), o.backlog, flags);
}

// The Socket of a connection: connect(port, host, { timeout, family }) or
// connect(path): ({ port, host, path, timeout, family }) -> a Socket.
export function connectSocket(o) {
  withPath(o);
  const id = o.path !== undefined
    ? N.connect(o.path, undefined, o.timeout)
    : N.connect(resolveHost(o.host ?? 'localhost', o.family), portOf(o.port, 'Port'), o.timeout);
  return socketFromId(id);
}
