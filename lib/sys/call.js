// corojs:sys/call: how every wrapper of corojs:sys makes its call: by name,
// through corojs:syscall, a negative return turned into an Error with code,
// errno, syscall and path.

import { syscall, SYS, arch, check } from 'corojs:syscall';

export { arch };

// sys(name, ...args) -> the kernel's return (>= 0), or throws
export function sys(name, ...args) {
  return check(syscall(nr(name), ...args), name);
}

// sysPath(name, path, ...args): the same, naming path in the error
export function sysPath(name, path, ...args) {
  return check(syscall(nr(name), ...args), name, path);
}

// sysInline(name, ...args): a call that never blocks, forced onto the loop's
// thread (WNOHANG waits, for example)
export function sysInline(name, ...args) {
  return check(syscall.inline(nr(name), ...args), name);
}

function nr(name) {
  const n = SYS[name];
  if (n === undefined) {
    const e = new Error(`ENOSYS: ${name} is not a system call on ${arch}`);
    e.code = 'ENOSYS';
    e.syscall = name;
    throw e;
  }
  return n;
}

// A string argument, checked: the kernel would stop at a NUL anyway.
export function pathArg(path, name = 'path') {
  if (typeof path !== 'string') {
    const e = new TypeError(`The "${name}" argument must be of type string. Received ${typeof path}`);
    e.code = 'ERR_INVALID_ARG_TYPE';
    throw e;
  }
  return path;
}

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();
