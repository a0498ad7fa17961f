// ConnectionWrap: what node:net's TCP (tcp_wrap.js) and Pipe (pipe_wrap.js)
// handles share, as in Node (its C++ ConnectionWrap is their base): a
// LibuvStreamWrap (stream_wrap.js) that can also be a server or a client, over
// __primordials.net (src/prim/net.c).
// - a server: bind() makes a bound socket (a server ID of ours), listen()
//   starts it listening and a fiber accepting: each connection gets, on a
//   fiber of its own, a new handle of the same class that onconnection(0,
//   handle) receives.
// - a client: connect() returns at once; a fiber connects (parking) and
//   then calls req.oncomplete(status, handle, req, true, true), as libuv's
//   connect callback does. The handle's stream is the connected socket.
// As in libuv, EADDRINUSE on a TCP bind is told by listen() or connect(). A
// bound socket that then connects (net.Socket's localAddress, localPort)
// gives its address to the connection, which binds to it.
import P from 'corojs:internal/primordials';
import { LibuvStreamWrap, kStream } from 'corojs:internal/node/bindings/stream_wrap';
import uv from 'corojs:internal/node/bindings/uv';
import { requireNode } from 'corojs:internal/node/builtins';

const N = P.net;
const go = P.nodefs.go;
const { UV_EBADF, UV_EADDRINUSE, UV_EINVAL, UV_ENOTCONN } = uv;

// The uv error number of a failed primitive.
export const errnoOf = (e) => (typeof e?.errno === 'number' ? e.errno : UV_EINVAL);

export class ConnectionWrap extends LibuvStreamWrap {
  #server = null;      // the ID of our listening socket, once bound
  #bindError = 0;      // a TCP bind's EADDRINUSE, told later (as libuv)
  #closing = false;
  #connecting = false;
  #asyncId = 0;

  constructor(type) {
    super();
    this.type = type;
  }

  // open(fd): the handle takes fd over, as Node's does (a stream over a
  // duplicate, the original closed; 0, 1 and 2 are left open). A SERVER
  // handle gets a server over a duplicate, the original left to its owner.
  open(fd) {
    try {
      if (this.type === 1) {  // SERVER: listen({ fd })
        this.#server = N.serverFromFd(fd);
        return 0;
      }
      this[kStream] = P.stream.open(fd);
      if (fd > 2) P.fiber.exclusive(P.nodefs.close, [fd]);
    } catch (e) {
      return errnoOf(e);
    }
    return 0;
  }

  // bind(host, port, flags) for a TCP handle; bind(path) for a Pipe.
  bindTo(host, port, flags) {
    if (this.#closing || this.#server !== null || this.#bindError) return UV_EINVAL;
    try {
      this.#server = N.bind(host, port, undefined, flags);
    } catch (e) {
      const err = errnoOf(e);
      if (err !== UV_EADDRINUSE || port === undefined) return err;
      this.#bindError = err;
    }
    return 0;
  }

  listen(backlog) {
    if (this.#bindError) return this.#bindError;
    if (this.#server === null || this.#closing) return UV_EINVAL;
    try {
      N.listenBound(this.#server, backlog);
    } catch (e) {
      return errnoOf(e);
    }
    const server = this.#server;
    if (!this.hasRef()) N.serverRef(server, false);
    go(() => {
      try {
        N.serve(server, (id) => this.#accepted(id));
      } catch {
        // the isolate is going away
      }
    }, []);
    return 0;
  }

  #accepted(id) {
    if (this.#closing) {
      N.close(id);
      return;
    }
    const client = new this.constructor(0);
    client[kStream] = id;
    this.onconnection(0, client);
  }

  // connect(req, host, port) (port undefined for a Unix socket's path).
  connectTo(req, host, port) {
    if (this.#closing || this.#connecting || this[kStream] !== null) return UV_EINVAL;
    if (this.#bindError) return this.#bindError;
    this.#connecting = true;
    // A bound socket that connects: the connection binds to its address.
    let local = [];
    if (this.#server !== null) {
      const { address, port: localPort } = N.serverAddress(this.#server);
      N.close(this.#server);
      this.#server = null;
      local = [address, localPort];
    }
    queueMicrotask(() => go(() => this.#connect(req, host, port, local), []));
    return 0;
  }

  #connect(req, host, port, [localHost, localPort]) {
    let status = 0;
    try {
      const id = N.connect(host, port, undefined, localHost, localPort);
      if (this.#closing) {
        N.close(id);
        return;
      }
      this[kStream] = id;
      if (!this.hasRef()) P.stream.ref(id, false);
    } catch (e) {
      status = errnoOf(e);
    } finally {
      this.#connecting = false;
    }
    if (!this.#closing) req.oncomplete(status, this, req, true, true);
  }

  // The handle's async id (async_hooks'), made when first asked.
  getAsyncId() {
    return (this.#asyncId ||= requireNode('internal/async_hooks').newAsyncId());
  }

  // The descriptor underneath, or -1.
  get fd() {
    const id = this.#server ?? this[kStream];
    return id === null || this.#closing ? -1 : N.fd(id);
  }

  // TCP's getsockname(out) / getpeername(out): out gets address, family,
  // port. (A Pipe has neither: net.Server's address() is then its path.)
  socketAddress(out, remote) {
    if (this.#bindError) return this.#bindError;
    if (this.#closing) return UV_EBADF;
    let a;
    if (this.#server !== null && !remote) a = N.serverAddress(this.#server);
    else if (this[kStream] !== null) a = N.address(this[kStream], remote);
    if (a === undefined || typeof a !== 'object') return UV_ENOTCONN;
    out.address = a.address;
    out.family = a.family;
    out.port = a.port;
    return 0;
  }

  // The path a Unix-socket server is bound to (Pipe's fchmod), or undefined.
  boundPath() {
    if (this.#server === null) return undefined;
    const a = N.serverAddress(this.#server);
    return typeof a === 'string' ? a : undefined;
  }

  close(cb) {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#server !== null) N.close(this.#server);
    super.close(cb);
  }

  ref() {
    super.ref();
    if (this.#server !== null && !this.#closing) N.serverRef(this.#server, true);
  }

  unref() {
    super.unref();
    if (this.#server !== null && !this.#closing) N.serverRef(this.#server, false);
  }
}
