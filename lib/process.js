// corojs:process: the global `process` and `performance`.

import P from 'corojs:internal/primordials';
import { queueMicrotask } from 'corojs:timers';

const R = P.process;
const startNs = R.hrtime();
let exitCode;

function hrtime(prev) {
  const ns = R.hrtime();
  let s = Number(ns / 1000000000n), n = Number(ns % 1000000000n);
  if (prev) {
    s -= prev[0];
    n -= prev[1];
    if (n < 0) { s--; n += 1e9; }
  }
  return [s, n];
}
hrtime.bigint = () => R.hrtime();

function stream(fd) {
  return {
    fd,
    write(data) {
      R.write(fd, typeof data === 'string' || data instanceof Uint8Array ? data : String(data));
      return true;
    },
  };
}

// process.stdin: read() and readBytes() block the calling fiber only (a
// pipe, FIFO or terminal is read through the loop; see corojs:stream).
function input(fd) {
  let id;
  const stream = () => (id ??= P.stream.open(fd));
  return {
    fd,
    read: () => P.stream.read(stream()),
    readBytes: () => P.stream.readBytes(stream()),
    *[Symbol.iterator]() {
      for (let chunk; (chunk = this.read()) !== null;) yield chunk;
    },
  };
}

const argv = R.argv.slice();
argv[0] = R.execPath;

export const process = {
  argv,
  argv0: R.argv[0],
  execPath: R.execPath,
  env: R.env(),
  pid: R.pid,
  ppid: R.ppid,
  platform: 'linux',
  arch: { x86_64: 'x64', aarch64: 'arm64' }[P.process.arch] ?? 'x64',
  version: `v${R.version}`,
  versions: { corojs: R.version, quickjs: R.quickjsVersion, uv: R.uvVersion, openssl: R.opensslVersion },
  stdin: input(0),
  stdout: stream(1),
  stderr: stream(2),
  get exitCode() { return exitCode; },
  set exitCode(code) {
    R.setExitCode(code === undefined ? 0 : code);
    exitCode = code;
  },
  exit(code) {
    R.exit(code === undefined ? exitCode : code);
  },
  cwd: () => R.cwd(),
  chdir: (dir) => R.chdir(dir),
  hrtime,
  uptime: () => Number(R.hrtime() - startNs) / 1e9,
  memoryUsage: () => R.memoryUsage(),
  nextTick(callback, ...args) {
    queueMicrotask(() => callback(...args));
  },
};

const timeOrigin = Date.now() - Number(R.hrtime() - startNs) / 1e6;

export const performance = {
  timeOrigin,
  now: () => Number(R.hrtime() - startNs) / 1e6,
};

export default process;
