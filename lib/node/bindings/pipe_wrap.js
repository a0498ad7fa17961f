// internalBinding('pipe_wrap'): the Pipe handle, a LibuvStreamWrap
// (stream_wrap.js) over a stream of ours. child_process's stdio pipes are
// Pipes: process_wrap.js's spawn() gives each its stream. open(fd) makes one
// over a duplicate of a descriptor. Not there yet: IPC pipes (fork(), stdio
// 'ipc': process_wrap.js refuses them) and Unix-socket servers and clients
// (node:net's IPC paths: bind, listen, connect) throw ERR_NOT_IMPLEMENTED.
import P from 'corojs:internal/primordials';
import { LibuvStreamWrap, kStream } from 'corojs:internal/node/bindings/stream_wrap';
import { notImplemented } from 'corojs:internal/node/unimplemented';

const constants = { SOCKET: 0, SERVER: 1, IPC: 2, UV_READABLE: 1, UV_WRITABLE: 2 };

class Pipe extends LibuvStreamWrap {
  constructor(type) {
    super();
    this.type = type; // an IPC one is refused when a child would get it (process_wrap.js)
  }

  open(fd) {
    try {
      this[kStream] = P.stream.open(fd);
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
