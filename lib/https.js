// corojs:https: HTTP over TLS: the server of corojs:http on a corojs:tls
// server, and the client (http.request takes https URLs as well).
//
//   const server = https.createServer({
//     certificateResolver: (name) => certs[name],   // { key, cert } in PEM, by SNI
//   }, (req, res) => res.end('hello over TLS\n'));
//   server.listen(8443);                            // blocks this fiber, serving
//
//   https.get('https://example.com/').text();       // verified against the system's CAs

import P from 'corojs:internal/primordials';
import { closingRegistry } from 'corojs:internal/handles';
import tls from 'corojs:tls';
import { tlsSocketIdOf } from 'corojs:internal/tls';
import { request as httpRequest, IncomingMessage, ServerResponse, STATUS_CODES, METHODS } from 'corojs:http';
import { defaults, serverHandle } from 'corojs:internal/http';
import { ERR_ILLEGAL_CONSTRUCTOR, ERR_SERVER_ALREADY_LISTEN } from 'corojs:internal/errors';

const H = P.http;
const kToken = Symbol('https');
const TLS_SERVER_OPTIONS = ['certificateResolver', 'key', 'cert', 'alpn', 'minVersion', 'maxVersion', 'handshakeTimeout'];

const registry = closingRegistry(H.closeServer);

export class Server {
  #id;
  #tls;
  #closed = false;

  constructor(token, options, handler) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Server objects are made by https.createServer()');
    this.#id = serverHandle(options, handler, TLS_SERVER_OPTIONS);
    const tlsOptions = { alpn: ['http/1.1'] };
    for (const k of TLS_SERVER_OPTIONS) if (options[k] !== undefined) tlsOptions[k] = options[k];
    // each connection: the handshake in its fiber (tls), then HTTP in C on
    // the TLS socket, in that fiber until the connection ends
    const serve = H.connectionHandler(this.#id);
    try {
      this.#tls = tls.createServer(tlsOptions, (socket) => serve(tlsSocketIdOf(socket)));
    } catch (e) {
      H.closeServer(this.#id);
      throw e;
    }
    registry.register(this, this.#id, this);
  }

  // listen(port, host = '0.0.0.0') or listen({ port, host, backlog,
  // reusePort, ipv6Only }): as an http server's; blocks, serving.
  listen(...args) {
    if (this.#closed) throw ERR_SERVER_ALREADY_LISTEN(true);
    this.#tls.listen(...args);
  }

  // Stop accepting (listen() returns) and close the idle connections; a
  // request being answered is finished, then its connection closes.
  close() {
    if (this.#closed) return;
    this.#closed = true;
    registry.unregister(this);
    this.#tls.close();
    H.closeServer(this.#id);
  }

  get listening() { return this.#tls.listening && !this.#closed; }
  address() { return this.#tls.address(); }
  get [Symbol.toStringTag]() { return 'Server'; }
}

// createServer({ certificateResolver | key + cert, alpn, minVersion,
// maxVersion, handshakeTimeout, and http's maxHeaderSize, maxBodySize,
// headersTimeout, idleTimeout, requestTimeout, onError }, handler).
export function createServer(options, handler) {
  return new Server(kToken, options ?? {}, handler);
}

// request(url, options): http.request; a URL without a scheme's port uses 443.
export function request(url, options = {}) {
  return httpRequest(url, options);
}

export function get(url, options = {}) {
  return httpRequest(url, { ...options, method: 'GET' });
}

export { IncomingMessage, ServerResponse, STATUS_CODES, METHODS, defaults };

export default { createServer, Server, request, get, IncomingMessage, ServerResponse, STATUS_CODES, METHODS, defaults };
