// internalBinding('tcp_wrap'): node:net's TCP handle, a ConnectionWrap
// (connection_wrap.js: a LibuvStreamWrap that can listen or connect) over
// our TCP sockets (__primordials.net, src/prim/net.c). Node's lib/net.js runs
// on it as it is. Addresses are IP literals here: net.js resolves names
// (dns.lookup) before it asks the handle.
import P from 'corojs:internal/primordials';
import { ConnectionWrap, errnoOf } from 'corojs:internal/node/bindings/connection_wrap';
import { kStream } from 'corojs:internal/node/bindings/stream_wrap';

const N = P.net;
const constants = { SOCKET: 0, SERVER: 1, UV_TCP_IPV6ONLY: 1 };
const kIpv6Only = 2; // src/prim/net.c's LISTEN_IPV6ONLY

class TCP extends ConnectionWrap {
  bind(address, port) { return this.bindTo(address, port | 0, 0); }
  bind6(address, port, flags) {
    return this.bindTo(address, port | 0, flags & constants.UV_TCP_IPV6ONLY ? kIpv6Only : 0);
  }

  connect(req, address, port) { return this.connectTo(req, address, port); }
  connect6(req, address, port) { return this.connectTo(req, address, port); }

  getsockname(out) { return this.socketAddress(out, false); }
  getpeername(out) { return this.socketAddress(out, true); }

  setNoDelay(on) { return this.#option(() => N.setNoDelay(this[kStream], on)); }
  // Node gives the delay in seconds, our primitive takes milliseconds.
  setKeepAlive(on, delay) {
    return this.#option(() => N.setKeepAlive(this[kStream], on, on ? (delay >>> 0) * 1000 : undefined));
  }

  // reset(cb): close with a RST instead of a FIN.
  reset(cb) {
    if (this[kStream] !== null) {
      const err = this.#option(() => N.resetOnClose(this[kStream]));
      if (err) return err;
    }
    this.close(cb);
    return 0;
  }

  // A socket option before the connection is there is let be (libuv keeps
  // it for later; our sockets are made with TCP_NODELAY already).
  #option(set) {
    if (this[kStream] === null) return 0;
    try {
      set();
    } catch (e) {
      return errnoOf(e);
    }
    return 0;
  }

  setSimultaneousAccepts() {}
}

class TCPConnectWrap {}

export default { TCP, TCPConnectWrap, constants };
