// corojs:sys/call: how every wrapper of corojs:sys makes its call: by name,
// through corojs:syscall, a negative return turned into an Error with code,
// errno, syscall and path.

import { syscall, SYS, arch, check } from 'corojs:syscall';
import { systemError } from 'corojs:internal/errors';
import { validateString } from 'corojs:internal/validators';

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
  if (n === undefined) throw systemError('ENOSYS', `ENOSYS: ${name} is not a system call on ${arch}`, { syscall: name });
  return n;
}

// A string argument, checked: the kernel would stop at a NUL anyway.
export function pathArg(path, name = 'path') {
  validateString(path, name);
  return path;
}

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();
