// internalBinding('udp_wrap'): node:dgram's UDP handle over a UDP socket of
// ours (__primordials.dgram, src/prim/dgram.c: a uv_udp_t), as issue 11 puts
// Node's event APIs on fibers:
// - the socket is made at the first bind/bind6/connect/connect6, of that
//   address family (Node's dgram binds before it sends).
// - receiving: between recvStart() and recvStop() a pump fiber takes
//   datagram after datagram (parking while none is there) and hands each to
//   onmessage(nread, handle, buf, rinfo). A pump parked after recvStop() holds
//   the socket unref'd, so a socket that does not receive does not keep the
//   program alive; what it gets then waits for the next recvStart().
// - sending: send()/send6() hand the datagram to a sender fiber (one per
//   socket: datagrams leave in order) and return 0; req.oncomplete(status,
//   bytes) runs when the kernel has it, as libuv's uv_udp_send.
// Options, memberships and buffer sizes are libuv's, each returning 0 or a
// negative error as Node's binding does.
import P from 'corojs:internal/primordials';
import { requireNode } from 'corojs:internal/node/builtins';
import uv from 'corojs:internal/node/bindings/uv';

const D = P.dgram;
const go = P.nodefs.go;
const { UV_EBADF, UV_ENOTSUP } = uv;
const constants = { UV_UDP_IPV6ONLY: 1, UV_UDP_REUSEADDR: 4, UV_UDP_REUSEPORT: 8 };

// The uv error of a failed call (an address that is no IP literal: EINVAL,
// as uv_ip4_addr says); anything else is a fault of ours, thrown on.
function errnoOf(e) {
  if (typeof e?.errno === 'number') return e.errno;
  if (e?.code === 'ERR_INVALID_ARG_VALUE') return uv.UV_EINVAL;
  throw e;
}
const familyOf = (address) => (String(address).includes(':') ? 6 : 4);
const later = (fn) => queueMicrotask(() => go(fn, []));

let BufferClass;
const Buffer = () => (BufferClass ??= requireNode('buffer').Buffer);

export class SendWrap {}

export class UDP {
  #id = null;
  #closed = false;
  #ref = true;
  #receiving = false;
  #pumping = false;
  #pending = null;   // a datagram the pump got after recvStop()
  #queue = [];       // [req, bytes, ip, port, wantsCallback]
  #sending = false;
  #queuedBytes = 0;

  constructor() {
    this.onmessage = null;
    this.lookup = null;
  }

  get fd() { return this.#closed ? UV_EBADF : this.#id === null ? -1 : D.fd(this.#id); }

  // The socket of family 4 or 6, made on first use; an error when the handle
  // is closed or already has the other family.
  #socket(family) {
    if (this.#closed) return UV_EBADF;
    if (this.#id === null) {
      this.#id = D.socket(family);
      if (!this.#ref) D.ref(this.#id, 0);
    }
    return 0;
  }

  // A membership before bind makes the socket, as libuv binds it then.
  #option(family, fn, ...args) {
    return this.#socket(family) || this.#call(fn, ...args);
  }

  #call(fn, ...args) {
    if (this.#closed || this.#id === null) return UV_EBADF;
    try {
      return fn(this.#id, ...args) ?? 0;
    } catch (e) {
      return errnoOf(e);
    }
  }

  #bind(family, ip, port, flags) {
    return this.#socket(family) || this.#call(D.bind, ip, port >>> 0, flags & ~constants.UV_UDP_REUSEPORT);
  }

  bind(ip, port, flags) { return this.#bind(4, ip, port, flags); }
  bind6(ip, port, flags) { return this.#bind(6, ip, port, flags); }
  connect(ip, port) { return this.#socket(4) || this.#call(D.connect, ip, port >>> 0); }
  connect6(ip, port) { return this.#socket(6) || this.#call(D.connect, ip, port >>> 0); }
  disconnect() { return this.#call(D.disconnect); }
  open() { return UV_ENOTSUP; }

  #address(fn, out) {
    const err = this.#call((id) => { Object.assign(out, fn(id)); });
    return err;
  }

  getsockname(out) { return this.#address(D.address, out); }
  getpeername(out) { return this.#address(D.remoteAddress, out); }

  setBroadcast(on) { return this.#call(D.setBroadcast, Boolean(on)); }
  setTTL(ttl) { return this.#call(D.setTTL, ttl); }
  setMulticastTTL(ttl) { return this.#call(D.setMulticastTTL, ttl); }
  setMulticastLoopback(on) { return this.#call(D.setMulticastLoopback, on ? 1 : 0); }
  setMulticastInterface(iface) { return this.#call(D.setMulticastInterface, iface); }
  addMembership(group, iface) { return this.#option(familyOf(group), D.membership, group, iface, true); }
  dropMembership(group, iface) { return this.#option(familyOf(group), D.membership, group, iface, false); }
  addSourceSpecificMembership(source, group, iface) {
    return this.#option(familyOf(group), D.sourceMembership, source, group, iface, true);
  }

  dropSourceSpecificMembership(source, group, iface) {
    return this.#option(familyOf(group), D.sourceMembership, source, group, iface, false);
  }

  // bufferSize(size, receive, ctx) -> the size, or undefined with ctx filled
  // in (Node's 'uv_recv_buffer_size' / 'uv_send_buffer_size' SystemError).
  bufferSize(size, receive, ctx) {
    const r = this.#call(D.bufferSize, size, receive);
    if (r >= 0 && !(this.#closed || this.#id === null)) return r;
    ctx.errno = r;
    ctx.code = uv.errname(r);
    ctx.message = uv.getErrorMessage(r);
    ctx.syscall = receive ? 'uv_recv_buffer_size' : 'uv_send_buffer_size';
    return undefined;
  }

  getSendQueueSize() { return this.#queuedBytes + (this.#id === null ? 0 : D.sendQueue(this.#id)[0]); }
  getSendQueueCount() { return this.#queue.length + (this.#id === null ? 0 : D.sendQueue(this.#id)[1]); }

  // send(req, list, count, port, ip, hasCallback) to ip:port, or
  // send(req, list, count, hasCallback) on a connected socket.
  send(req, list, count, port, ip, hasCallback) {
    if (typeof port === 'boolean') return this.#send(req, list, count, undefined, undefined, port);
    return this.#send(req, list, count, port, ip, hasCallback);
  }

  send6(req, list, count, port, ip, hasCallback) {
    return this.#send(req, list, count, port, ip, hasCallback);
  }

  #send(req, list, count, port, ip, hasCallback) {
    if (this.#closed || this.#id === null) return UV_EBADF;
    const bytes = count === 1 ? list[0] : Buffer().concat(list.slice(0, count));
    this.#queue.push([req, bytes, ip, port, hasCallback]);
    this.#queuedBytes += bytes.length;
    if (!this.#sending) {
      this.#sending = true;
      later(() => this.#sendQueued());
    }
    return 0;
  }

  #sendQueued() {
    try {
      while (this.#queue.length) {
        const [req, bytes, ip, port, hasCallback] = this.#queue.shift();
        this.#queuedBytes -= bytes.length;
        const status = this.#closed ? uv.UV_ECANCELED : this.#call(D.send, bytes, ip, port >>> 0);
        if (hasCallback) req.oncomplete(status, status === 0 ? bytes.length : 0);
      }
    } finally {
      this.#sending = false;
    }
  }

  recvStart() {
    if (this.#closed || this.#id === null) return UV_EBADF;
    this.#receiving = true;
    if (this.#ref) D.ref(this.#id, 1);
    if (!this.#pumping) {
      this.#pumping = true;
      later(() => this.#pump());
    }
    return 0;
  }

  recvStop() {
    this.#receiving = false;
    if (this.#pumping && !this.#closed) D.ref(this.#id, 0);
    return 0;
  }

  #pump() {
    try {
      while (this.#receiving && !this.#closed) {
        let d = this.#pending;
        this.#pending = null;
        if (d === null) {
          try {
            d = D.recv(this.#id);
          } catch (e) {
            d = errnoOf(e);
          }
          if (this.#closed) return;
          if (!this.#receiving) {
            this.#pending = d;
            return;
          }
        }
        if (typeof d === 'number') {
          this.onmessage(d, this);
          continue;
        }
        const buf = Buffer().from(d.data.buffer, d.data.byteOffset, d.data.length);
        this.onmessage(buf.length, this, buf, { address: d.address, family: d.family, port: d.port, size: buf.length });
      }
    } finally {
      this.#pumping = false;
    }
  }

  close(cb) {
    if (this.#closed) return;
    this.#closed = true;
    this.#receiving = false;
    if (this.#id !== null) D.close(this.#id);
    if (typeof cb === 'function') later(cb);
  }

  ref() {
    this.#ref = true;
    if (this.#id !== null && !this.#closed && (this.#receiving || !this.#pumping)) D.ref(this.#id, 1);
  }

  unref() {
    this.#ref = false;
    if (this.#id !== null && !this.#closed) D.ref(this.#id, 0);
  }

  hasRef() { return this.#ref && !this.#closed; }
  getAsyncId() { return -1; }
}

export default { UDP, SendWrap, constants };
