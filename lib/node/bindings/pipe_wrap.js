// internalBinding('pipe_wrap'): the Pipe handle, a LibuvStreamWrap
// (stream_wrap.js) over a stream of ours. child_process's stdio pipes are
// Pipes: process_wrap.js's spawn() gives each its stream. open(fd) makes one
// over a descriptor (a forked child's IPC channel). An IPC Pipe carries
// bytes only: sending a handle over it is ENOTSUP. Not there yet: Unix-socket
// servers and clients (node:net's IPC paths: bind, listen, connect) throw
// ERR_NOT_IMPLEMENTED.
import P from 'corojs:internal/primordials';
import { LibuvStreamWrap, kStream } from 'corojs:internal/node/bindings/stream_wrap';
import { notImplemented } from 'corojs:internal/node/unimplemented';

const constants = { SOCKET: 0, SERVER: 1, IPC: 2, UV_READABLE: 1, UV_WRITABLE: 2 };

class Pipe extends LibuvStreamWrap {
  constructor(type) {
    super();
    this.type = type; // an IPC one is refused when a child would get it (process_wrap.js)
  }

  // open(fd): the Pipe takes fd over, as Node's does (a stream over a
  // duplicate, the original closed; 0, 1 and 2 are left open).
  open(fd) {
    try {
      this[kStream] = P.stream.open(fd);
      if (fd > 2) P.fiber.exclusive(P.nodefs.close, [fd]);
    } catch (e) {
      return typeof e.errno === 'number' ? e.errno : -9;
    }
    return 0;
  }
}
for (const name of ['bind', 'listen', 'connect', 'fchmod', 'setPendingInstances']) {
  Pipe.prototype[name] = notImplemented(`Pipe ${name}() (node:net IPC paths)`);
}

export default {
  Pipe,
  PipeConnectWrap: class PipeConnectWrap {},
  constants,
};
