// internalBinding('tty_wrap'): isTTY(fd) is the system's; the TTY handle
// (tty.ReadStream, tty.WriteStream) is not there yet and throws
// ERR_NOT_IMPLEMENTED.
import P from 'corojs:internal/primordials';
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default {
  TTY: unimplementedClass('tty.ReadStream and tty.WriteStream'),
  isTTY: (fd) => P.nodefs.isatty(fd),
};
