// corojs:http: HTTP/1.1 server and client in blocking style.
//
//   const server = http.createServer((req, res) => {
//     res.setHeader('Content-Type', 'text/plain');
//     res.end(`hello ${req.url}\n`);
//   });
//   server.listen(8080);                          // blocks this fiber, serving
//
//   const r = http.request('http://127.0.0.1:8080/x');  // blocks until the head is in
//   console.log(r.status, r.headers['content-type'], r.text());
//
// Parsing, the request and response objects and the writing of responses
// are C (src/prim/http.c, http_server.c, http_message.c, on llhttp); this module adds the
// server object, the body helpers, and the client with its connection pool.

import P from 'corojs:internal/primordials';
import { concatBytes } from 'corojs:internal/bytes';
import { closingRegistry } from 'corojs:internal/handles';
import { openListener, resolveHost } from 'corojs:internal/net';
import {
  ERR_HTTP_CONTENT_LENGTH_MISMATCH, ERR_HTTP_INVALID_HEADER_VALUE, ERR_ILLEGAL_CONSTRUCTOR, ERR_INVALID_ARG_TYPE, ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN,
  ERR_INVALID_PROTOCOL, ERR_SERVER_ALREADY_LISTEN,
} from 'corojs:internal/errors';
import { validateNumber, validateObject } from 'corojs:internal/validators';
import { defaults, serverHandle } from 'corojs:internal/http';
import { TextEncoder, TextDecoder } from 'corojs:encoding';
import { URL } from 'corojs:url';

const H = P.http;
const N = P.net;
const kToken = Symbol('http');
const decoder = new TextDecoder();

export const IncomingMessage = H.IncomingMessage;
export const ServerResponse = H.ServerResponse;
export const STATUS_CODES = H.statusCodes();
export { defaults };
export const METHODS = [
  'ACL', 'BIND', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'GET', 'HEAD', 'LINK', 'LOCK',
  'M-SEARCH', 'MERGE', 'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MOVE', 'NOTIFY', 'OPTIONS', 'PATCH',
  'POST', 'PROPFIND', 'PROPPATCH', 'PURGE', 'PUT', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'SOURCE',
  'SUBSCRIBE', 'TRACE', 'UNBIND', 'UNLINK', 'UNLOCK', 'UNSUBSCRIBE',
];

// Body helpers shared by requests (server side) and responses (client side):
// both have read() -> chunk or null, and bytes() -> the rest.
const bodyMethods = {
  text() { return decoder.decode(this.bytes()); },
  json() { return JSON.parse(this.text()); },
  *[Symbol.iterator]() {
    for (let chunk; (chunk = this.read()) !== null;) yield chunk;
  },
};

function addMethods(proto, methods) {
  for (const key of Reflect.ownKeys(methods)) {
    Object.defineProperty(proto, key, { value: methods[key], writable: true, configurable: true });
  }
}

addMethods(IncomingMessage.prototype, bodyMethods);

// req.socket: the connection's addresses (a snapshot, not the socket).
Object.defineProperty(IncomingMessage.prototype, 'socket', {
  configurable: true,
  get() {
    const id = this.socketId();
    const remote = id === undefined ? undefined : N.address(id, true);
    const local = id === undefined ? undefined : N.address(id, false);
    return {
      remoteAddress: remote?.address, remotePort: remote?.port, remoteFamily: remote?.family,
      localAddress: local?.address, localPort: local?.port,
    };
  },
});

// ------------------------------------------------------------------
// the server

const serverRegistry = new FinalizationRegistry(({ id, listener }) => {
  try { if (listener !== null) N.close(listener); } catch { /* closed already */ }
  try { H.closeServer(id); } catch { /* closed already */ }
});

export class Server {
  #id;
  #listener = null;
  #closed = false;
  #state;

  constructor(token, options, handler) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Server objects are made by http.createServer()');
    this.#id = serverHandle(options, handler);
    this.#state = { id: this.#id, listener: null };
    serverRegistry.register(this, this.#state, this);
  }

  // listen(port, host = '0.0.0.0'), listen(path) or listen({ port, host,
  // path, backlog, reusePort, ipv6Only }): bind, then serve until close().
  // Each connection is served in a fiber; each request calls the handler
  // there, so the handler may block.
  listen(port, host = '0.0.0.0') {
    if (this.#listener !== null || this.#closed) throw ERR_SERVER_ALREADY_LISTEN(this.#closed);
    this.#listener = openListener(port, host);
    this.#state.listener = this.#listener;
    N.serve(this.#listener, H.connectionHandler(this.#id));
  }

  // Stop accepting (listen() returns) and close the idle connections; a
  // request being answered is finished, then its connection closes.
  close() {
    if (this.#closed) return;
    this.#closed = true;
    serverRegistry.unregister(this);
    if (this.#listener !== null) N.close(this.#listener);
    H.closeServer(this.#id);
  }

  get listening() { return this.#listener !== null && !this.#closed; }

  // { address, family, port }, the path of a Unix socket, or null.
  address() { return this.listening ? N.serverAddress(this.#listener) : null; }

  get [Symbol.toStringTag]() { return 'Server'; }
}

// createServer(handler) or createServer({ maxHeaderSize, maxBodySize,
// headersTimeout, idleTimeout, requestTimeout, onError }, handler).
export function createServer(options, handler) {
  if (typeof options === 'function') return new Server(kToken, {}, options);
  return new Server(kToken, options ?? {}, handler);
}

// ------------------------------------------------------------------
// the client

const IDLE_MS = 30000;        // a pooled connection unused this long is closed
const MAX_IDLE_PER_HOST = 32;
const pool = new Map();       // 'host:port' -> [connection, ...], most recent last

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

const MAX_RESPONSE_HEAD = 65536;

// A connection to one host: a net socket, or a TLS one over it (tlsOptions).
class Connection {
  constructor(key, hostname, port, timeout, tlsOptions) {
    this.key = key;
    this.timer = null;
    if (tlsOptions) {
      const { connect } = P.util.importSync('corojs:tls');
      const { tlsSocketIdOf } = P.util.importSync('corojs:internal/tls');
      // the object is kept: dropped, it would close the connection
      this.tls = connect({ ...tlsOptions, host: hostname, port, timeout, alpn: ['http/1.1'] });
      try {
        this.id = H.clientOpen(tlsSocketIdOf(this.tls), MAX_RESPONSE_HEAD);
      } catch (e) {
        this.tls.close();
        throw e;
      }
    } else {
      const socket = N.connect(resolveHost(hostname), port, timeout);
      try {
        this.id = H.clientOpen(socket, MAX_RESPONSE_HEAD);
      } catch (e) {
        N.close(socket);
        throw e;
      }
    }
  }

  close() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try { H.clientClose(this.id); } catch { /* closed already */ }
  }
}

function takeIdle(key) {
  const list = pool.get(key);
  while (list?.length) {
    const conn = list.pop();
    clearTimeout(conn.timer);
    conn.timer = null;
    if (!H.clientStale(conn.id)) {
      H.clientIdle(conn.id, false);
      return conn;
    }
    conn.close();
  }
  return null;
}

function putIdle(conn) {
  let list = pool.get(conn.key);
  if (!list) pool.set(conn.key, (list = []));
  if (list.length >= MAX_IDLE_PER_HOST) {
    conn.close();
    return;
  }
  H.clientIdle(conn.id, true);
  list.push(conn);
  conn.timer = setTimeout(() => {
    const i = list.indexOf(conn);
    if (i >= 0) list.splice(i, 1);
    conn.close();
  }, IDLE_MS);
  conn.timer.unref();
}

// The headers of a request as [name, value] pairs, checked.
function headerPairs(headers) {
  const pairs = [];
  const add = (name, value) => {
    name = String(name);
    if (!TOKEN.test(name)) throw ERR_INVALID_HTTP_TOKEN('Header name', name);
    if (value === undefined) throw ERR_HTTP_INVALID_HEADER_VALUE(value, name);
    for (const v of Array.isArray(value) ? value : [value]) {
      const s = String(v);
      if (BAD_VALUE.test(s)) throw ERR_INVALID_CHAR('header content', name);
      pairs.push([name, s]);
    }
  };
  if (headers == null) return pairs;
  if (typeof headers[Symbol.iterator] === 'function') {
    for (const [name, value] of headers) add(name, value);
  } else if (typeof headers === 'object') {
    for (const name of Object.keys(headers)) add(name, headers[name]);
  } else {
    throw ERR_INVALID_ARG_TYPE('options.headers', 'Object', headers);
  }
  return pairs;
}

const encoder = new TextEncoder();

function bodyBytes(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

const CHUNK_TYPES = ['string', 'Uint8Array', 'ArrayBuffer'];
const BODY_TYPES = [...CHUNK_TYPES, 'an iterable, an async iterable or a readable of them'];

// A body given as a stream: an iterable or async iterable of chunks, or a
// readable (anything with read() -> chunk, or null at the end: a
// FileHandle, a request a server is answering, a client's response). Each
// chunk is a string or bytes. next() -> Uint8Array, or null at the end.
function bodyStream(body) {
  let next;
  if (typeof body.read === 'function') {
    next = () => body.read();
  } else if (typeof body[Symbol.iterator] === 'function') {
    const it = body[Symbol.iterator]();
    next = () => { const r = it.next(); return r.done ? null : r.value; };
  } else if (typeof body[Symbol.asyncIterator] === 'function') {
    const it = body[Symbol.asyncIterator]();
    next = () => { const r = P.fiber.await(it.next()); return r.done ? null : r.value; };
  } else {
    throw ERR_INVALID_ARG_TYPE('options.body', BODY_TYPES, body);
  }
  return () => {
    const chunk = next();
    if (chunk === null || chunk === undefined) return null;
    const bytes = bodyBytes(chunk);
    if (!bytes) throw ERR_INVALID_ARG_TYPE('a chunk of options.body', CHUNK_TYPES, chunk);
    return bytes;
  };
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
// What a reused connection that the server had closed meanwhile fails with.
const RETRYABLE = new Set(['ECONNRESET', 'EPIPE', 'EBADF', 'ECONNABORTED', 'EPROTO']);
const TLS_OPTIONS = ['ca', 'rejectUnauthorized', 'servername', 'minVersion', 'maxVersion'];

const responseRegistry = closingRegistry(H.clientClose);

// A response of the client: status and headers at once, the body read on
// demand. Read it to its end (or close() it) so that its connection can
// serve the next request to that host.
export class ClientResponse {
  #conn;
  #timeout;
  #done = false;
  #reusable;

  constructor(token, conn, head, timeout, url, reusable = true) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('responses are made by http.request()');
    const [status, statusText, headers, rawHeaders, minor] = head;
    this.#conn = conn;
    this.#timeout = timeout;
    this.#reusable = reusable;
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.rawHeaders = rawHeaders;
    this.httpVersion = `1.${minor}`;
    this.url = url;
    responseRegistry.register(this, conn.id, this);
  }

  get statusCode() { return this.status; }
  get statusMessage() { return this.statusText; }
  get ok() { return this.status >= 200 && this.status < 300; }

  // read() -> Uint8Array, or null at the end of the body.
  read() {
    if (this.#done) return null;
    let chunk;
    try {
      chunk = H.clientRead(this.#conn.id, this.#timeout);
    } catch (e) {
      this.close();
      throw e;
    }
    if (chunk === null) this.#finish();
    return chunk;
  }

  // bytes() -> the rest of the body as one Uint8Array.
  bytes() {
    const chunks = [];
    for (let c; (c = this.read()) !== null;) chunks.push(c);
    return concatBytes(chunks);
  }

  // Give up on the rest of the body: the connection is closed.
  close() {
    if (this.#done) return;
    this.#done = true;
    responseRegistry.unregister(this);
    this.#conn.close();
  }

  #finish() {
    this.#done = true;
    responseRegistry.unregister(this);
    if (this.#reusable && H.clientReusable(this.#conn.id)) putIdle(this.#conn);
    else this.#conn.close();
  }

  get [Symbol.toStringTag]() { return 'ClientResponse'; }
}
addMethods(ClientResponse.prototype, bodyMethods);

function urlOf(url) {
  if (url instanceof URL) return url;
  if (typeof url !== 'string') throw ERR_INVALID_ARG_TYPE('url', ['string', 'URL'], url);
  return new URL(url);
}

const CRLF = encoder.encode('\r\n');
const LAST_CHUNK = encoder.encode('0\r\n\r\n');
const CONTINUE_MS = 1000; // how long a body waits for 100 Continue (as curl waits)

// Send a streamed body on conn: chunked, or as it is when the caller gave
// its Content-Length (which it must then match).
function sendStream(conn, next, length) {
  let sent = 0;
  for (let bytes; (bytes = next()) !== null;) {
    if (bytes.length === 0) continue;
    sent += bytes.length;
    if (length !== null) {
      if (sent > length) break;
      H.clientWrite(conn.id, bytes);
    } else {
      const size = encoder.encode(`${bytes.length.toString(16)}\r\n`);
      H.clientWrite(conn.id, concatBytes([size, bytes, CRLF]));
    }
  }
  if (length !== null && sent !== length) {
    throw ERR_HTTP_CONTENT_LENGTH_MISMATCH(sent > length ? `more than ${length}` : sent, length);
  }
  if (length === null) H.clientWrite(conn.id, LAST_CHUNK);
}

// Send the request on conn and read the head of its response. With Expect:
// 100-continue the body waits for the server's 100 Continue (or a while,
// for a server that never sends one), and is not sent at all if the final
// answer comes first (the connection is then not reused).
function exchange(conn, req) {
  const { method, head, bytes, stream, length, expect, timeout } = req;
  const isHead = method === 'HEAD';
  if (!expect || (bytes === null && stream === null)) {
    H.clientWrite(conn.id, bytes === null ? head : concatBytes([head, bytes]));
  } else {
    H.clientWrite(conn.id, head);
    let interim = null;
    try {
      interim = H.clientResponse(conn.id, isHead, timeout === undefined ? CONTINUE_MS : Math.min(timeout, CONTINUE_MS), true);
    } catch (e) {
      if (e?.code !== 'ETIMEDOUT' || (timeout !== undefined && timeout <= CONTINUE_MS)) throw e;
    }
    if (interim !== null && interim[0] !== 100) return [interim, false];
  }
  if (stream !== null) sendStream(conn, stream, length);
  else if (expect && bytes !== null) H.clientWrite(conn.id, bytes);
  return [H.clientResponse(conn.id, isHead, timeout, false), true];
}

// request(url, { method = 'GET', headers, body, timeout, ca,
// rejectUnauthorized, servername, minVersion, maxVersion }) ->
// ClientResponse, once the response's head has arrived. https URLs are
// verified against the system's CAs (or `ca`) unless rejectUnauthorized is
// false. Redirects are not followed. A connection to the same host is
// reused when the previous response was read to its end; a reused
// connection the server had closed meanwhile is retried once on a new one,
// for idempotent methods and a body that is not a stream.
export function request(url, options = {}) {
  const u = urlOf(url);
  validateObject(options, 'options');
  const method = (options.method ?? 'GET').toUpperCase();
  if (!TOKEN.test(method)) throw ERR_INVALID_HTTP_TOKEN('Method', method);
  const secure = u.protocol === 'https:';
  if (!secure && u.protocol !== 'http:') throw ERR_INVALID_PROTOCOL(u.protocol, ['http:', 'https:']);
  let tlsOptions = null;
  if (secure) {
    tlsOptions = {};
    for (const k of TLS_OPTIONS) if (options[k] !== undefined) tlsOptions[k] = options[k];
  }
  const timeout = options.timeout;
  if (timeout !== undefined) validateNumber(timeout, 'options.timeout', 0);
  let bytes = bodyBytes(options.body);
  if (bytes === undefined && (typeof options.body !== 'object' && typeof options.body !== 'function')) {
    throw ERR_INVALID_ARG_TYPE('options.body', BODY_TYPES, options.body);
  }
  const stream = bytes === undefined ? bodyStream(options.body) : null;
  if (stream) bytes = null;
  const pairs = headerPairs(options.headers);
  const value = (name) => pairs.find(([n]) => n.toLowerCase() === name)?.[1];
  const port = u.port === '' ? (secure ? 443 : 80) : Number(u.port);
  const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  let head = `${method} ${u.pathname}${u.search} HTTP/1.1\r\n`;
  if (value('host') === undefined) head += `Host: ${u.host}\r\n`;
  for (const [name, v] of pairs) head += `${name}: ${v}\r\n`;
  const given = value('content-length') !== undefined || value('transfer-encoding') !== undefined;
  if (bytes !== null && !given) head += `Content-Length: ${bytes.length}\r\n`;
  else if (stream !== null && !given) head += 'Transfer-Encoding: chunked\r\n';
  else if (bytes === null && stream === null && !given && ['POST', 'PUT', 'PATCH'].includes(method)) head += 'Content-Length: 0\r\n';
  head += '\r\n';
  const length = stream !== null && value('content-length') !== undefined ? Number(value('content-length')) : null;
  const req = {
    method, head: encoder.encode(head), bytes, stream, length, timeout,
    expect: (value('expect') ?? '').toLowerCase() === '100-continue',
  };
  // connections to one host with other TLS settings are not shared
  const key = secure ? `https:${hostname}:${port}:${JSON.stringify(tlsOptions)}` : `http:${hostname}:${port}`;

  for (let attempt = 0; ; attempt++) {
    let conn = attempt === 0 ? takeIdle(key) : null;
    const reused = conn !== null;
    if (!conn) conn = new Connection(key, hostname, port, timeout, tlsOptions);
    try {
      const [response, reusable] = exchange(conn, req);
      const res = new ClientResponse(kToken, conn, response, timeout, u.href, reusable);
      if (method === 'HEAD' || response[0] === 204 || response[0] === 304 || response[2]['content-length'] === '0') {
        res.read(); // no body: the connection is free at once
      }
      return res;
    } catch (e) {
      conn.close();
      if (reused && stream === null && IDEMPOTENT.has(method) && RETRYABLE.has(e?.code)) continue;
      throw e;
    }
  }
}

// get(url, options): request() with method GET.
export function get(url, options = {}) {
  return request(url, { ...options, method: 'GET' });
}

// Close every pooled idle connection (they close by themselves after 30 s).
export function closeIdleConnections() {
  for (const list of pool.values()) for (const conn of list.splice(0)) conn.close();
}

export default {
  createServer, Server, IncomingMessage, ServerResponse, ClientResponse, request, get,
  closeIdleConnections, STATUS_CODES, METHODS, defaults,
};
