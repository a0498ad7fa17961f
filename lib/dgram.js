// corojs:dgram: UDP sockets in blocking style. recv() parks the calling
// fiber until a datagram arrives; send() returns once the kernel has it.

import P from 'corojs:internal/primordials';
import { closingRegistry } from 'corojs:internal/handles';
import { lookup } from 'corojs:dns';
import { ERR_ILLEGAL_CONSTRUCTOR, ERR_INVALID_ARG_VALUE, ERR_SOCKET_BAD_TYPE } from 'corojs:internal/errors';
import { validatePort, validateString } from 'corojs:internal/validators';

const U = P.dgram;
// A Socket dropped without close() is closed by the GC.
const registry = closingRegistry(U.close);

const kToken = Symbol('Socket');

export class Socket {
  #id;
  #family;
  #flags; // for bind: REUSEADDR, IPV6ONLY
  #unregister = {}; // the registry's token; it must not be the socket itself

  constructor(token, type, options) {
    if (token !== kToken) throw ERR_ILLEGAL_CONSTRUCTOR('Socket objects are made by dgram.createSocket()');
    this.type = type;
    this.#family = type === 'udp6' ? 6 : 4;
    this.#id = U.socket(this.#family);
    this.#flags = (options.reuseAddr ? U.REUSEADDR : 0) | (options.ipv6Only ? U.IPV6ONLY : 0);
    registry.register(this, this.#id, this.#unregister);
  }

  // A host name or IP address as an IP address of this socket's family.
  #resolve(host) {
    validateString(host, 'address');
    if (host === '') throw ERR_INVALID_ARG_VALUE('address', host, 'must not be empty');
    return lookup(host, { family: this.#family }).address;
  }

  // bind(port = 0, host = '0.0.0.0' or '::') -> this
  bind(port = 0, host = this.#family === 6 ? '::' : '0.0.0.0') {
    // a port as Node takes it: a number or numeric string, 0..65535 (1..65535
    // to send to); anything else is a RangeError
    port = validatePort(port);
    U.bind(this.#id, this.#resolve(host), port, this.#flags);
    return this;
  }

  // connect(port, host = localhost): send() without an address goes there,
  // and only datagrams from there are received
  connect(port, host = this.#family === 6 ? '::1' : '127.0.0.1') {
    port = validatePort(port, 'Port', false);
    U.connect(this.#id, this.#resolve(host), port);
  }

  // address() -> { address, family: 'IPv4' | 'IPv6', port }
  address() { return U.address(this.#id); }

  remoteAddress() { return U.remoteAddress(this.#id); }

  // send(data, port, host = localhost), or send(data) on a connected socket.
  // data is a String (sent as UTF-8), an ArrayBuffer or a view of one.
  send(data, port, host) {
    if (port === undefined && host === undefined) {
      U.send(this.#id, data, undefined, 0);
      return;
    }
    port = validatePort(port, 'Port', false);
    host ??= this.#family === 6 ? '::1' : '127.0.0.1';
    const ip = this.#resolve(host);
    U.send(this.#id, data, ip, port);
  }

  // recv() -> { data: Uint8Array, address, family, port }: the next datagram
  recv() { return U.recv(this.#id); }

  setBroadcast(on) { U.setBroadcast(this.#id, on); }

  // close(): a fiber blocked in recv() throws EBADF, and so does every later call
  close() {
    registry.unregister(this.#unregister);
    U.close(this.#id);
  }

  get [Symbol.toStringTag]() { return 'Socket'; }
}

// createSocket('udp4' | 'udp6') or createSocket({ type, reuseAddr, ipv6Only })
export function createSocket(type) {
  const options = typeof type === 'object' && type !== null ? type : { type };
  if (options.type !== 'udp4' && options.type !== 'udp6') {
    throw ERR_SOCKET_BAD_TYPE();
  }
  return new Socket(kToken, options.type, options);
}

export default { createSocket, Socket };
