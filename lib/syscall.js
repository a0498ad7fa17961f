// corojs:syscall: the raw Linux system call, for trusted code.
//
//   import { syscall, syscall64, SYS, struct } from 'corojs:syscall';
//   syscall(SYS.getpid)                       // 4242
//   syscall(SYS.write, 1, 'hi\n', 3)          // 3
//   syscall(SYS.openat, -100, '/nope', 0)     // -2: the kernel's -ENOENT
//   syscall64(SYS.mmap, 0, 4096, 3, 0x22, -1, 0) // a BigInt
//
// Importing it needs the syscall capability: `corojs --allow-syscall`, or an
// isolate started with `{ syscall: true }` by one that has it. Everyone else
// gets ERR_ACCESS_DENIED here, at import.
//
// Arguments: numbers and BigInts are passed as numbers, null as 0, strings as
// a pointer to a NUL-terminated copy, and ArrayBuffers, typed arrays and
// DataViews as a pointer to their bytes (pinned for the call). Only buffers
// become pointers. A number is the kernel's to interpret: where it expects an
// address it takes the number as one (EFAULT when nothing is mapped there),
// and a length larger than the buffer lets it write past the buffer. Code
// holding this capability can do anything the process can: that is the
// trust model, and why it is a capability.
//
// Calls on the INLINE list (fast ones that never block: getpid, socket,
// ioctl-free bookkeeping) run on the loop's thread; every other call runs on
// libuv's thread pool and parks only the calling fiber. syscall.inline() and
// syscall.pool() force either.

import P from 'corojs:internal/primordials';
import tables from 'corojs:internal/sysnums';
import { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, systemError } from 'corojs:internal/errors';
import { validateNumber } from 'corojs:internal/validators';

const S = P.syscall;
S.check();

const POOL = 1, WIDE = 2;

export const arch = P.process.arch;
export const SYS_BY_ARCH = Object.freeze(Object.fromEntries(
  Object.entries(tables).map(([a, t]) => [a, Object.freeze({ ...t })])));
export const SYS = SYS_BY_ARCH[arch] ?? Object.freeze({});

// Calls that return at once, whatever their arguments: they run inline.
// Anything that may wait (IO, wait4, futex, mount, module loading, getrandom
// early at boot, fcntl's locks, ioctl) goes to the pool.
const INLINE_NAMES = [
  'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid',
  'getresgid', 'getpgid', 'getpgrp', 'getsid', 'setsid', 'setpgid', 'getgroups', 'umask',
  'getcwd', 'chdir', 'fchdir', 'uname', 'sysinfo', 'getrlimit', 'setrlimit', 'prlimit64', 'getrusage',
  'getpriority', 'setpriority', 'sched_yield', 'sched_getaffinity', 'times', 'time',
  'clock_gettime', 'clock_getres', 'gettimeofday', 'close', 'dup', 'dup2', 'dup3', 'pipe', 'pipe2',
  'socket', 'socketpair', 'bind', 'listen', 'getsockname', 'getpeername', 'setsockopt',
  'getsockopt', 'shutdown', 'eventfd2', 'epoll_create1', 'epoll_ctl', 'timerfd_create',
  'timerfd_settime', 'timerfd_gettime', 'signalfd4', 'memfd_create', 'mmap', 'munmap',
  'mprotect', 'madvise', 'mremap', 'brk', 'rt_sigprocmask', 'rt_sigaction', 'kill', 'tgkill',
  'prctl', 'sethostname', 'setdomainname', 'personality', 'lseek',
  // these must run on the loop's thread: on a pool thread they would fork,
  // or end, that thread instead of the program
  'fork', 'vfork', 'clone', 'clone3', 'exit', 'exit_group', 'execve', 'execveat',
];
const INLINE = new Set(INLINE_NAMES.map((n) => SYS[n]).filter((n) => n !== undefined));

export function isInline(nr) {
  return INLINE.has(nr);
}

const MIN64 = -(2n ** 63n), MAX64 = 2n ** 64n;

function call(flags, nr, args) {
  validateNumber(nr, 'nr');
  for (let i = 0; i < args.length; i++) {
    if (typeof args[i] === 'bigint' && (args[i] < MIN64 || args[i] >= MAX64)) {
      throw ERR_OUT_OF_RANGE(`args[${i}]`, 'from -2^63 to 2^64 - 1', args[i]);
    }
  }
  return S.call(flags, nr, ...args);
}

function variant(wide) {
  const fn = (nr, ...args) => call((INLINE.has(nr) ? 0 : POOL) | wide, nr, args);
  fn.inline = (nr, ...args) => call(wide, nr, args);
  fn.pool = (nr, ...args) => call(POOL | wide, nr, args);
  return Object.freeze(fn);
}

// syscall(nr, ...args) -> the kernel's return as a number: >= 0, or -errno
export const syscall = variant(0);
// syscall64(nr, ...args) -> the same as a BigInt (addresses, 64-bit values)
export const syscall64 = variant(WIDE);

// ---------------------------------------------------------------------------
// errors

// errnoName(2) -> 'ENOENT'; undefined for a number no errno has
export function errnoName(errno) {
  return S.errorName(errno);
}

// An Error as Node makes them: "ENOENT: no such file or directory, open '/x'",
// with errno (negative), code, syscall and path.
export function sysError(errno, syscallName, path) {
  const code = S.errorName(errno) ?? `E${errno}`;
  const text = S.errorMessage(errno);
  let message = `${code}: ${text[0].toLowerCase()}${text.slice(1)}`;
  if (syscallName) message += `, ${syscallName}`;
  if (path !== undefined) message += ` '${path}'`;
  const props = { errno: -errno };
  if (syscallName) props.syscall = syscallName;
  if (path !== undefined) props.path = path;
  return systemError(code, message, props);
}

// check(ret, name, path) -> ret, or throws sysError for a negative return
export function check(ret, syscallName, path) {
  if (typeof ret === 'bigint' ? ret < 0n && ret >= -4095n : ret < 0) {
    throw sysError(-Number(ret), syscallName, path);
  }
  return ret;
}

// ---------------------------------------------------------------------------
// structs: C structures in a buffer, described by a field list, as jskernel's
// typebase did.
//
//   const sockaddr_in = struct([['family', 'u16'], ['port', 'u16be'],
//                               ['addr', 'u8', 4], ['zero', 'u8', 8]]);
//   const b = sockaddr_in.alloc({ family: 2, port: 80, addr: [127, 0, 0, 1] });
//   sockaddr_in.read(b)        // { family: 2, port: 80, addr: [127, 0, 0, 1], zero: [...] }
//   sockaddr_in.size           // 16
//
// Field types: i8 u8 i16 u16 i32 u32 i64 u64 (BigInt) f32 f64, the same with
// a "be" suffix for big-endian (network order), 'str' (a NUL-terminated
// string in a char array: give its length), and another struct. A third
// element makes an array. Fields are aligned as C aligns them on x86-64 and
// aarch64, unless the struct is made with { packed: true }.

const scalars = {
  i8: [1, 'Int8'], u8: [1, 'Uint8'], i16: [2, 'Int16'], u16: [2, 'Uint16'], i32: [4, 'Int32'],
  u32: [4, 'Uint32'], i64: [8, 'BigInt64'], u64: [8, 'BigUint64'], f32: [4, 'Float32'], f64: [8, 'Float64'],
};

function dataView(buf, offset, size, what) {
  let dv;
  if (buf instanceof ArrayBuffer) dv = new DataView(buf);
  else if (ArrayBuffer.isView(buf)) dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  else throw ERR_INVALID_ARG_TYPE('buffer', ['ArrayBuffer', 'TypedArray', 'DataView'], buf);
  if (!Number.isInteger(offset) || offset < 0 || offset + size > dv.byteLength) {
    throw ERR_OUT_OF_RANGE('offset', `an integer from 0 to ${dv.byteLength - size} (${what} ${size} bytes of a buffer of ${dv.byteLength})`, offset);
  }
  return dv;
}

// One field kind: { size, align, get(dv, at), set(dv, at, v) }
function kind(type, length) {
  if (type && typeof type === 'object' && typeof type.readFrom === 'function') {
    return { size: type.size, align: type.align, get: (dv, at) => type.readFrom(dv, at), set: (dv, at, v) => type.writeTo(dv, at, v) };
  }
  if (type === 'str') {
    if (!Number.isInteger(length) || length < 1) throw ERR_INVALID_ARG_VALUE('length', length, 'of a str field must be an integer >= 1');
    return {
      size: length, align: 1, whole: true,
      get(dv, at) {
        const bytes = new Uint8Array(dv.buffer, dv.byteOffset + at, length);
        const end = bytes.indexOf(0);
        return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
      },
      set(dv, at, v) {
        const bytes = new Uint8Array(dv.buffer, dv.byteOffset + at, length);
        const src = new TextEncoder().encode(String(v));
        if (src.length >= length) throw ERR_OUT_OF_RANGE('value', `a string of at most ${length - 1} bytes (a NUL ends it)`, v);
        bytes.fill(0);
        bytes.set(src);
      },
    };
  }
  const be = typeof type === 'string' && type.endsWith('be');
  const s = scalars[be ? type.slice(0, -2) : type];
  if (!s) throw ERR_INVALID_ARG_VALUE('type', type, 'is not a field type');
  const [size, name] = s;
  const get = DataView.prototype[`get${name}`], set = DataView.prototype[`set${name}`];
  return { size, align: size, get: (dv, at) => get.call(dv, at, !be), set: (dv, at, v) => set.call(dv, at, v, !be) };
}

class Struct {
  #fields = [];

  constructor(list, options = {}) {
    if (!Array.isArray(list)) throw ERR_INVALID_ARG_TYPE('fields', 'Array', list); // of [name, type, length?]
    let offset = 0, align = 1;
    for (const [name, type, length] of list) {
      const k = kind(type, length);
      const count = k.whole || length === undefined ? 1 : length;
      if (!Number.isInteger(count) || count < 0) throw ERR_INVALID_ARG_VALUE(`length of ${name}`, length, 'must be an integer >= 0');
      const a = options.packed ? 1 : k.align;
      offset = Math.ceil(offset / a) * a;
      this.#fields.push({ name, offset, kind: k, array: !k.whole && length !== undefined ? count : 0 });
      offset += k.size * count;
      align = Math.max(align, a);
    }
    this.align = align;
    this.size = Math.ceil(offset / align) * align;
    Object.freeze(this);
  }

  // offsetOf(name) -> the field's offset in bytes
  offsetOf(name) {
    const f = this.#fields.find((x) => x.name === name);
    if (!f) throw ERR_INVALID_ARG_VALUE('name', name, 'is not a field of this struct');
    return f.offset;
  }

  readFrom(dv, at) {
    const out = {};
    for (const { name, offset, kind: k, array } of this.#fields) {
      if (!array) out[name] = k.get(dv, at + offset);
      else out[name] = Array.from({ length: array }, (_, i) => k.get(dv, at + offset + i * k.size));
    }
    return out;
  }

  writeTo(dv, at, values) {
    for (const { name, offset, kind: k, array } of this.#fields) {
      const v = values[name];
      if (v === undefined) continue;
      if (!array) k.set(dv, at + offset, v);
      else for (let i = 0; i < array && i < v.length; i++) k.set(dv, at + offset + i * k.size, v[i]);
    }
  }

  // read(buffer, offset = 0) -> an object of the fields' values
  read(buf, offset = 0) {
    return this.readFrom(dataView(buf, offset, this.size, 'read'), offset);
  }

  // write(buffer, values, offset = 0): the fields values names (others stay)
  write(buf, values, offset = 0) {
    this.writeTo(dataView(buf, offset, this.size, 'write'), offset, values);
    return buf;
  }

  // alloc(values?) -> a zeroed Uint8Array of size bytes, values written in
  alloc(values) {
    const b = new Uint8Array(this.size);
    if (values) this.write(b, values);
    return b;
  }
}

export function struct(fields, options) {
  return new Struct(fields, options);
}

export default { syscall, syscall64, SYS, SYS_BY_ARCH, arch, isInline, errnoName, sysError, check, struct };
