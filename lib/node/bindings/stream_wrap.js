// internalBinding('stream_wrap'): the request objects and shared state of
// Node's stream handles (net sockets, pipes, ttys). The handles themselves
// (tcp_wrap, pipe_wrap, tty_wrap) are not there yet; these are what Node's
// net and child_process read at load.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

// A write or shutdown request: a plain object the handle fills in.
class WriteWrap {}
class ShutdownWrap {}

export default {
  WriteWrap, ShutdownWrap,
  LibuvStreamWrap: unimplementedClass('a libuv stream handle'),
  kReadBytesOrError: 0, kArrayBufferOffset: 1, kBytesWritten: 2, kLastWriteWasAsync: 3,
  streamBaseState: new Int32Array(5),
};
