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
import { closingRegistry } from 'corojs:internal/handles';
import { Fiber } from 'corojs:fiber';
import net from 'corojs:net';
import { Socket as NetSocket, socketIdOf } from 'corojs:internal/net';
import { Socket, tlsSocketFromId } from 'corojs:internal/tls';
import {
  ERR_ILLEGAL_CONSTRUCTOR, ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_INVALID_RETURN_VALUE, ERR_MISSING_OPTION,
  ERR_TLS_CERTIFICATE_RESOLVER, ERR_TLS_INVALID_PROTOCOL_VERSION, isClientError, printError, systemError,
} from 'corojs:internal/errors';
import { validateBoolean, validateFunction, validateNumber, validateObject, validateString } from 'corojs:internal/validators';

const T = P.tls;
const E = P.encoding;
const kToken = Symbol('tls');
// A context dropped without close() is closed by the GC.
const contextRegistry = closingRegistry(T.closeContext);

const VERSIONS = { 'TLSv1.2': T.TLS1_2_VERSION, 'TLSv1.3': T.TLS1_3_VERSION };
const SERVER_CONTEXTS = 100; // (cert, key) pairs a server keeps ready
const CLIENT_CONTEXTS = 16;  // sets of trusted CAs kept ready
const DEFAULT_HANDSHAKE_TIMEOUT = 120000; // ms, as Node's

function version(options, name) {
  const v = options[name];
  if (v === undefined) return undefined;
  if (!Object.hasOwn(VERSIONS, v)) throw ERR_TLS_INVALID_PROTOCOL_VERSION(v, name === 'minVersion' ? 'minimum' : 'maximum');
  return VERSIONS[v];
}

// PEM text from a string or bytes.
function pem(v, name) {
  if (typeof v === 'string') return v;
  if (ArrayBuffer.isView(v)) return E.decode(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), false);
  throw ERR_INVALID_ARG_TYPE(name, ['string', 'Uint8Array'], v);
}

// ['h2', 'http/1.1'] in TLS's wire format: each name after its length.
function alpnWire(list) {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw ERR_INVALID_ARG_TYPE('options.alpn', 'Array', list);
  if (list.length === 0) throw ERR_INVALID_ARG_VALUE('options.alpn', list, 'must not be empty');
  const names = list.map((p) => {
    const b = typeof p === 'string' ? E.encode(p) : null;
    if (!b || b.length === 0 || b.length > 255) throw ERR_INVALID_ARG_VALUE('options.alpn', p, 'must hold names of 1 to 255 bytes');
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
  if (v !== undefined) validateNumber(v, name, 0);
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

// What a TLS server meets every day and does not print: what clients cause
// (they vanish, time out or fail the handshake: a plain-text client, a
// scanner, a name without a certificate). A failing resolver and handler
// errors are printed.
function defaultOnError(error, socket) {
  if (!isClientError(error, socket)) printError('Error in a TLS connection (the connection was closed)', error);
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
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('TLS Server objects are made by tls.createServer()');
    validateObject(options, 'options');
    validateFunction(handler, 'handler');
    const { certificateResolver, key, cert } = options;
    if (certificateResolver !== undefined) validateFunction(certificateResolver, 'options.certificateResolver');
    if (certificateResolver === undefined && (key === undefined || cert === undefined)) {
      throw ERR_MISSING_OPTION('options.certificateResolver, or options.key and options.cert,');
    }
    if (options.onError !== undefined) validateFunction(options.onError, 'options.onError');
    this.#options = options;
    this.#resolver = certificateResolver;
    const base = key !== undefined || cert !== undefined
      ? newContext(true, pem(cert, 'options.cert'), pem(key, 'options.key'), undefined, options)
      : newContext(true, undefined, undefined, undefined, options);
    if (key !== undefined) this.#default = base;
    const alpn = alpnWire(options.alpn);
    const timeout = timeoutOf(options.handshakeTimeout, 'options.handshakeTimeout') ?? DEFAULT_HANDSHAKE_TIMEOUT;
    const select = certificateResolver && ((name, msLeft) => this.#select(name, msLeft));
    const onError = options.onError ?? defaultOnError;
    this.#net = net.createServer((socket) => {
      let tlsSocket;
      try {
        tlsSocket = tlsSocketFromId(T.accept(socketIdOf(socket), base.id, select, alpn, timeout), socket);
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
      // a resolver that does not answer in time fails as one that throws:
      // the server's fault, printed by the default onError
      throw ERR_TLS_CERTIFICATE_RESOLVER(servername, e !== kTimedOut ? e : systemError('ETIMEDOUT',
        "it did not answer within the handshake's time (handshakeTimeout)", { syscall: 'handshake' }));
    }
    if (pair === undefined || pair === null) return this.#default?.id;
    if (typeof pair !== 'object' || pair.key === undefined || pair.cert === undefined) {
      throw ERR_INVALID_RETURN_VALUE('{ key, cert } or nothing', 'certificateResolver', pair);
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
    ca = (Array.isArray(o.ca) ? o.ca : [o.ca]).map((c) => pem(c, 'options.ca')).join('\n');
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
  validateBoolean(rejectUnauthorized, 'options.rejectUnauthorized');
  if (o.servername !== undefined) validateString(o.servername, 'options.servername');
  if (o.socket !== undefined && !(o.socket instanceof NetSocket)) throw ERR_INVALID_ARG_TYPE('options.socket', 'Socket', o.socket);
  const hostname = o.host ?? (o.socket ? o.servername : undefined) ?? 'localhost';
  validateString(hostname, 'host');
  const alpn = alpnWire(o.alpn);
  const timeout = timeoutOf(o.timeout, 'options.timeout');
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
  return tlsSocketFromId(id, socket);
}

export { Socket };
export const TLSSocket = Socket;

export default { createServer, connect, Server, Socket, TLSSocket };
