// corojs:sys/system: the machine: reboot and power-off, host name, kernel
// modules, the kernel log, processes.
//
//   reboot(RB.POWER_OFF)        // after sync(): the machine goes off
//   sethostname('corojs')
//   finitModule('/lib/modules/virtio_net.ko.xz', '', MODULE_INIT.COMPRESSED_FILE)
//   klog() -> the kernel's log as text; reap() -> [{ pid, status }] of ended children

import { struct } from 'corojs:syscall';
import { sys, sysInline, sysPath, pathArg, encoder, decoder } from 'corojs:sys/call';
import { open, close, O } from 'corojs:sys/fs';

// reboot(2) commands (after the two magic numbers)
export const RB = Object.freeze({
  RESTART: 0x01234567, HALT: 0xcdef0123, POWER_OFF: 0x4321fedc, CAD_ON: 0x89abcdef, CAD_OFF: 0,
});
const MAGIC1 = 0xfee1dead, MAGIC2 = 672274793;

// reboot(cmd): RB.POWER_OFF and RB.RESTART do not return (sync first)
export function reboot(cmd) {
  sys('reboot', MAGIC1, MAGIC2, cmd, null);
}

export function sethostname(name) {
  const b = encoder.encode(pathArg(name, 'name'));
  sys('sethostname', b, b.length);
}

const utsname = struct(['sysname', 'nodename', 'release', 'version', 'machine', 'domainname'].map((f) => [f, 'str', 65]));

// uname() -> { sysname, nodename, release, version, machine, domainname }
export function uname() {
  const b = utsname.alloc();
  sys('uname', b);
  return utsname.read(b);
}

const sysinfoStruct = struct([
  ['uptime', 'i64'], ['loads', 'u64', 3], ['totalram', 'u64'], ['freeram', 'u64'], ['sharedram', 'u64'],
  ['bufferram', 'u64'], ['totalswap', 'u64'], ['freeswap', 'u64'], ['procs', 'u16'], ['pad', 'u16'],
  ['totalhigh', 'u64'], ['freehigh', 'u64'], ['memUnit', 'u32'],
]);

// sysinfo() -> { uptime (s), loads: [1, 5, 15 min], totalram, freeram (bytes), procs }
export function sysinfo() {
  const b = sysinfoStruct.alloc();
  sys('sysinfo', b);
  const s = sysinfoStruct.read(b);
  const unit = BigInt(s.memUnit || 1);
  return {
    uptime: Number(s.uptime),
    loads: s.loads.map((l) => Number(l) / 65536),
    totalram: Number(s.totalram * unit),
    freeram: Number(s.freeram * unit),
    procs: s.procs,
  };
}

// finit_module(2) flags: COMPRESSED_FILE lets the kernel unpack a .ko.xz itself
export const MODULE_INIT = Object.freeze({ IGNORE_MODVERSIONS: 1, IGNORE_VERMAGIC: 2, COMPRESSED_FILE: 4 });

// finitModule(path, params = '', flags = 0): load a kernel module from a file
export function finitModule(path, params = '', flags = 0) {
  const fd = open(path);
  try {
    sysPath('finit_module', path, fd, params, flags);
  } finally {
    close(fd);
  }
}

export function deleteModule(name, flags = O.NONBLOCK) {
  sysPath('delete_module', pathArg(name, 'name'), name, flags);
}

// klog() -> the kernel's log buffer as text, "<6>[    0.000000] Linux version ..." a line
export function klog() {
  const size = sys('syslog', 10, null, 0); // SYSLOG_ACTION_SIZE_BUFFER
  const b = new Uint8Array(size);
  const n = sys('syslog', 3, b, size); // SYSLOG_ACTION_READ_ALL
  return decoder.decode(b.subarray(0, n));
}

export function getpid() {
  return sys('getpid');
}

export function setsid() {
  return sys('setsid');
}

export function kill(pid, signal) {
  sys('kill', pid, signal);
}

const WNOHANG = 1;

// waitpid(pid = -1, { nohang }) -> { pid, status } or null (nohang, none ended).
// A wait that may block runs on the pool: it parks only this fiber.
export function waitpid(pid = -1, { nohang = false } = {}) {
  const status = new Int32Array(1);
  const got = nohang ? sysInline('wait4', pid, status, WNOHANG, null) : sys('wait4', pid, status, 0, null);
  return got === 0 ? null : { pid: got, status: status[0] };
}

// reap() -> [{ pid, status }] of every child that has ended, without waiting:
// what PID 1 does for the orphans the kernel gives it.
export function reap() {
  const ended = [];
  for (;;) {
    let r;
    try {
      r = waitpid(-1, { nohang: true });
    } catch (e) {
      if (e.code === 'ECHILD') break;
      throw e;
    }
    if (!r) break;
    ended.push(r);
  }
  return ended;
}

// prctl(option, ...args)
export function prctl(option, a = 0, b = 0, c = 0, d = 0) {
  return sys('prctl', option, a, b, c, d);
}

export default {
  RB, reboot, sethostname, uname, sysinfo, MODULE_INIT, finitModule, deleteModule, klog, getpid,
  setsid, kill, waitpid, reap, prctl,
};
