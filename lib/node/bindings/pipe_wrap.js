// internalBinding('pipe_wrap'): the Pipe handle of node:net's IPC paths and
// child_process's stdio. Not there yet: using one throws ERR_NOT_IMPLEMENTED.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default {
  Pipe: unimplementedClass('pipes (node:net IPC paths, child_process stdio pipes)'),
  PipeConnectWrap: class PipeConnectWrap {},
  constants: { SOCKET: 0, SERVER: 1, IPC: 2, UV_READABLE: 1, UV_WRITABLE: 2 },
};
