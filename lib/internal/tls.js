// corojs:internal/tls: what corojs:tls shares with the library's other
// modules (https, http's client): the TLS Socket class around a TLS
// connection's handle ID.

import P from 'corojs:internal/primordials';
import { concatBytes } from 'corojs:internal/bytes';
import { closingRegistry } from 'corojs:internal/handles';
import { ERR_ILLEGAL_CONSTRUCTOR } from 'corojs:internal/errors';

const T = P.tls;
const E = P.encoding;
const kToken = Symbol('tls');
// A socket dropped without close() is closed by the GC.
const registry = closingRegistry(T.close);

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
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('TLS Socket objects are made by tls.connect() or a server');
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
        bytes = concatBytes([this.#tail, bytes]);
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

// For corojs:tls: the Socket of TLS connection `id` over net Socket `netSocket`.
export function tlsSocketFromId(id, netSocket) {
  return new Socket(kToken, id, netSocket);
}

// The handle ID of a TLS Socket (TypeError if it is not one).
export function tlsSocketIdOf(socket) {
  return idOf(socket);
}
