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
import { ERR_ILLEGAL_CONSTRUCTOR, ERR_SERVER_ALREADY_LISTEN, isClientError, printError } from 'corojs:internal/errors';
import { Socket, connectSocket, openListener, registry, socketFromId } from 'corojs:internal/net';
import { validateFunction } from 'corojs:internal/validators';

const N = P.net;
const kToken = Symbol('net');

export function isIP(s) { return N.isIP(s); }
export function isIPv4(s) { return N.isIP(s) === 4; }
export function isIPv6(s) { return N.isIP(s) === 6; }

// What a client causes (it left, was too slow, its socket was closed by
// another fiber) is routine for a server and is not printed; anything else
// (a bug of the handler) is, and the server goes on.
function defaultOnError(error, socket) {
  if (!isClientError(error, socket)) printError('Error in a connection handler (the connection was closed)', error);
}

export class Server {
  #id = null;
  #handler;
  #onError;
  #closed = false;
  #unregister = {};

  constructor(token, options, handler) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Server objects are made by net.createServer()');
    validateFunction(handler, 'handler');
    this.#handler = handler;
    this.#onError = options.onError ?? defaultOnError;
  }

  // listen(port, host = '0.0.0.0'), listen(path) or listen({ port, host, path,
  // backlog, reusePort, ipv6Only }): bind, then serve until close(). Each
  // connection runs handler(socket) in a fiber of its own; when the handler
  // returns or throws, its socket is closed.
  listen(port, host = '0.0.0.0') {
    if (this.#id !== null || this.#closed) throw ERR_SERVER_ALREADY_LISTEN(this.#closed);
    this.#id = openListener(port, host);
    registry.register(this, this.#id, this.#unregister);
    // One JS frame between C and the handler: a parked connection's whole
    // stack then fits in one 4 KiB page (see docs/performance.md).
    const handler = this.#handler;
    const onError = this.#onError;
    N.serve(this.#id, (socketId) => {
      const socket = socketFromId(socketId);
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
  return connectSocket(typeof port === 'object' && port !== null ? port : { ...options, port, host });
}

export const createConnection = connect;

export { Socket };

export default { createServer, connect, createConnection, isIP, isIPv4, isIPv6, Socket, Server };
