// corojs:internal/node/stdio: process.stdin, stdout and stderr as Node makes
// them (getStdin/getStdout in Node's bootstrap), by what the descriptor is
// (util's guessHandleType): a terminal gives tty.ReadStream/WriteStream (on
// tty_wrap's TTY), a file fs.ReadStream or SyncWriteStream, a pipe or socket
// a net.Socket on a Pipe (pipe_wrap). Made on first use (lib/process.js).
//
// Where CoroJS differs from Node on Linux, by decision: stdout and stderr on
// a pipe or socket write synchronously, as on a terminal or file (Node writes
// them asynchronously there, and process.exit() can lose what is queued): a
// write is out when it returns, console's lines and the stream's stay in
// order, and nothing is lost at exit. stdin keeps CoroJS's blocking reads
// beside Node's stream API: readBytes() (a Uint8Array, null at the end) and
// a synchronous iterator of strings (for (const s of process.stdin)), on a
// stream of their own; a program uses one or the other.

import P from 'corojs:internal/primordials';
import { process } from 'corojs:process';
import { requireNode } from 'corojs:internal/node/builtins';
import pipeWrap from 'corojs:internal/node/bindings/pipe_wrap';

const guessHandleType = (fd) => P.util.guessHandleType(fd);

// A net.Socket over descriptor fd (a pipe or a socket), one way.
function socket(fd, readable) {
  const net = requireNode('net');
  const handle = new pipeWrap.Pipe(pipeWrap.constants.SOCKET);
  const err = handle.open(fd);
  if (err) {
    const { ErrnoException } = requireNode('internal/errors');
    throw new ErrnoException(err, 'open');
  }
  return new net.Socket({ handle, readable, writable: !readable, manualStart: readable });
}

function createWritable(fd) {
  let stream;
  switch (guessHandleType(fd)) {
    case 'TTY':
      stream = new (requireNode('tty').WriteStream)(fd);
      stream._type = 'tty';
      break;
    case 'FILE':
      stream = new (requireNode('internal/fs/sync_write_stream'))(fd, { autoClose: false });
      stream._type = 'fs';
      break;
    case 'PIPE':
    case 'TCP':
      stream = socket(fd, false);
      stream._handle.setBlocking(true);
      stream._type = 'pipe';
      break;
    default: {
      const { Writable } = requireNode('stream');
      stream = new Writable({ write(buf, enc, cb) { cb(); } });
    }
  }
  stream.fd = fd;
  stream._isStdio = true;
  stream.destroySoon = stream.destroy;
  // Destroying it never closes the descriptor; 'close' is still emitted.
  stream._destroy = function dummyDestroy(err, cb) {
    cb(err);
    this._undestroy();
    if (!this._writableState.emitClose) process.nextTick(() => this.emit('close'));
  };
  if (stream.isTTY) process.on('SIGWINCH', () => stream._refreshSize());
  return stream;
}

export const createStdout = () => createWritable(1);
export const createStderr = () => createWritable(2);

export function createStdin() {
  const fd = 0;
  let stdin;
  switch (guessHandleType(fd)) {
    case 'TTY':
      stdin = new (requireNode('tty').ReadStream)(fd);
      break;
    case 'FILE':
      stdin = new (requireNode('fs').ReadStream)(null, { fd, autoClose: false });
      break;
    case 'PIPE':
    case 'TCP':
      stdin = socket(fd, true);
      stdin._writableState.ended = true; // stdin cannot be end()ed
      break;
    default: {
      const { Readable } = requireNode('stream');
      stdin = new Readable({ read() {} });
      stdin.push(null);
    }
  }
  stdin.fd = fd;
  // It starts paused; pause() stops the reads so the program can end.
  if (stdin._handle?.readStop) {
    stdin._handle.reading = false;
    stdin._readableState.reading = false;
    stdin._handle.readStop();
  }
  stdin.on('pause', () => process.nextTick(onpause));
  function onpause() {
    if (stdin._handle?.reading && !stdin.readableFlowing) {
      stdin._readableState.reading = false;
      stdin._handle.reading = false;
      stdin._handle.readStop();
    }
  }
  addBlockingReads(stdin, fd);
  return stdin;
}

// CoroJS's own reads of stdin: they block the calling fiber only.
function addBlockingReads(stdin, fd) {
  let id;
  const stream = () => (id ??= P.stream.open(fd));
  Object.defineProperties(stdin, {
    readBytes: { value: () => P.stream.readBytes(stream()), configurable: true, writable: true },
    [Symbol.iterator]: {
      configurable: true,
      writable: true,
      * value() {
        for (let chunk; (chunk = P.stream.read(stream())) !== null;) yield chunk;
      },
    },
  });
}

export default { createStdin, createStdout, createStderr };
