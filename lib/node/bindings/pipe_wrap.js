// internalBinding('pipe_wrap'): the Pipe handle, a ConnectionWrap
// (connection_wrap.js, itself a LibuvStreamWrap) over a stream of ours.
// child_process's stdio pipes are Pipes: process_wrap.js's spawn() gives each
// its stream. open(fd) makes one over a descriptor (a forked child's IPC
// channel). node:net's IPC paths are Pipes too: bind(path), listen and
// connect(req, path) on our Unix-domain sockets (src/prim/net.c). An IPC Pipe
// carries bytes only: sending a handle over it is ENOTSUP.
import P from 'corojs:internal/primordials';
import { ConnectionWrap, errnoOf } from 'corojs:internal/node/bindings/connection_wrap';
import uv from 'corojs:internal/node/bindings/uv';

const constants = { SOCKET: 0, SERVER: 1, IPC: 2, UV_READABLE: 1, UV_WRITABLE: 2 };

class Pipe extends ConnectionWrap {
  constructor(type) {
    super(type); // an IPC one is refused when a child would get it (process_wrap.js)
  }

  bind(path) { return this.bindTo(path, undefined, 0); }
  connect(req, path) { return this.connectTo(req, path, undefined); }

  // fchmod(mode): a listening socket's file readable/writable by all
  // (net.Server's readableAll/writableAll), as libuv's uv_pipe_chmod.
  fchmod(mode) {
    const path = this.boundPath();
    if (path === undefined) return uv.UV_EBADF;
    const bits = (mode & constants.UV_READABLE ? 0o444 : 0) | (mode & constants.UV_WRITABLE ? 0o222 : 0);
    try {
      P.fiber.exclusive(P.nodefs.chmod, [path, 0o600 | bits]);
    } catch (e) {
      return errnoOf(e);
    }
    return 0;
  }

  setPendingInstances() {}
}

export default {
  Pipe,
  PipeConnectWrap: class PipeConnectWrap {},
  constants,
};
