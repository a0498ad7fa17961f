// corojs:dgram: UDP sockets in blocking style. recv() parks the calling
// fiber until a datagram arrives; send() returns once the kernel has it.

import P from 'corojs:internal/primordials';
import { lookup } from 'corojs:dns';
import { codedError, describe, invalidArgType, invalidArgValue } from 'corojs:internal/errors';

const U = P.dgram;
// A Socket dropped without close() is closed by the GC.
const registry = new FinalizationRegistry((id) => {
  try { U.close(id); } catch { /* already closed */ }
});

// A port as Node takes it: a number or numeric string, 0..65535 (1..65535
// to send to). Anything else is a RangeError.
function checkPort(port, allowZero) {
  const n = typeof port === 'string' && port.trim() !== '' ? Number(port) : port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
    throw codedError(RangeError, 'ERR_SOCKET_BAD_PORT',
      `Port should be ${allowZero ? '>= 0' : '> 0'} and < 65536. Received ${describe(port)}.`);
  }
  return n;
}

const kToken = Symbol('Socket');

export class Socket {
  #id;
  #family;
  #flags; // for bind: REUSEADDR, IPV6ONLY
  #unregister = {}; // the registry's token; it must not be the socket itself

  constructor(token, type, options) {
    if (token !== kToken) throw new TypeError('Socket objects are made by dgram.createSocket()');
    this.type = type;
    this.#family = type === 'udp6' ? 6 : 4;
    this.#id = U.socket(this.#family);
    this.#flags = (options.reuseAddr ? U.REUSEADDR : 0) | (options.ipv6Only ? U.IPV6ONLY : 0);
    registry.register(this, this.#id, this.#unregister);
  }

  // A host name or IP address as an IP address of this socket's family.
  #resolve(host) {
    if (typeof host !== 'string') {
      throw invalidArgType('address', 'of type string', host);
    }
    if (host === '') throw invalidArgValue('address', host, 'must not be empty');
    return lookup(host, { family: this.#family }).address;
  }

  // bind(port = 0, host = '0.0.0.0' or '::') -> this
  bind(port = 0, host = this.#family === 6 ? '::' : '0.0.0.0') {
    port = checkPort(port, true);
    U.bind(this.#id, this.#resolve(host), port, this.#flags);
    return this;
  }

  // connect(port, host = localhost): send() without an address goes there,
  // and only datagrams from there are received
  connect(port, host = this.#family === 6 ? '::1' : '127.0.0.1') {
    port = checkPort(port, false);
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
    port = checkPort(port, false);
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
    throw codedError(TypeError, 'ERR_SOCKET_BAD_TYPE', `Bad socket type specified. Valid types are: udp4, udp6. Received ${describe(options.type)}`);
  }
  return new Socket(kToken, options.type, options);
}

export default { createSocket, Socket };
