// internalBinding('tty_wrap'): the TTY handle under tty.ReadStream and
// tty.WriteStream (process.stdin, stdout and stderr on a terminal), a
// LibuvStreamWrap (stream_wrap.js) over a stream of ours on a duplicate of
// the descriptor (libuv's tty handle: reads through the loop). Node makes a
// WriteStream's handle blocking (setBlocking(true)): its writes are then
// synchronous, as on a terminal in Node. getWindowSize and setRawMode are
// libuv's (uv_tty_get_winsize, uv_tty_set_mode; the terminal's mode comes
// back at exit). isTTY(fd) is the system's.
import P from 'corojs:internal/primordials';
import { LibuvStreamWrap, kStream } from 'corojs:internal/node/bindings/stream_wrap';
import uv from 'corojs:internal/node/bindings/uv';

const S = P.stream;

class TTY extends LibuvStreamWrap {
  // new TTY(fd, ctx): on failure ctx gets Node's { code, errno, syscall }.
  constructor(fd, ctx) {
    super();
    try {
      if (!P.nodefs.isatty(fd)) throw Object.assign(new Error(), { errno: uv.UV_EINVAL });
      this[kStream] = S.open(fd);
    } catch (e) {
      const errno = typeof e.errno === 'number' ? e.errno : uv.UV_EINVAL;
      ctx.errno = errno;
      ctx.code = uv.errname(errno);
      ctx.message = uv.getErrorMessage(errno);
      ctx.syscall = 'uv_tty_init';
    }
  }

  getWindowSize(size) {
    const r = S.windowSize(this[kStream]);
    if (typeof r === 'number') return r;
    size[0] = r[0];
    size[1] = r[1];
    return 0;
  }

  setRawMode(raw) {
    return S.setRawMode(this[kStream], raw);
  }
}

export default {
  TTY,
  isTTY: (fd) => P.nodefs.isatty(fd),
};
