// internalBinding('os') for Node's os.js, over __primordials.os (libuv).
// As in Node's C++, a call that fails fills the `ctx` object it was given
// (errno, code, message, syscall) and returns undefined; os.js throws.
import P from 'corojs:internal/primordials';

const O = P.os;

// fn with Node's failure convention: the last argument is the ctx.
function checked(fn, failed = undefined) {
  return (...args) => {
    const ctx = args[fn.length];
    try {
      return fn(...args);
    } catch (e) {
      if (!ctx || e?.syscall === undefined) throw e;
      Object.assign(ctx, { errno: e.errno, code: e.code, message: e.message, syscall: e.syscall });
      return failed;
    }
  };
}

function withEncoding(value, options) {
  if (options?.encoding !== 'buffer') return value;
  const { requireNode } = P.util.importSync('corojs:internal/node/builtins');
  return requireNode('buffer').Buffer.from(value);
}

export default {
  getHostname: checked(() => O.hostname()),
  getLoadAvg(array) {
    const info = O.info();
    array[0] = info[0];
    array[1] = info[1];
    array[2] = info[2];
  },
  getUptime: checked(() => Math.floor(O.info()[3])),
  getTotalMem: () => O.info()[5],
  getFreeMem: () => O.info()[4],
  getAvailableParallelism: () => O.info()[6],
  getCPUs() {
    const out = [];
    for (const { model, speed, times } of O.cpus())
      out.push(model, speed, times.user, times.nice, times.sys, times.idle, times.irq);
    return out;
  },
  getInterfaceAddresses: checked(() => {
    const out = [];
    for (const i of O.interfaces())
      out.push(i.name, i.address, i.netmask, i.family, i.mac, i.internal, i.scopeid ?? -1);
    return out;
  }),
  getHomeDirectory: checked(() => O.homedir()),
  getOSInformation: checked(() => O.uname()),
  getUserInfo: checked((options) => {
    const u = O.userInfo();
    for (const key of ['username', 'homedir', 'shell']) {
      if (u[key] !== null) u[key] = withEncoding(u[key], options);
    }
    return u;
  }),
  setPriority: checked((pid, priority) => { O.setPriority(pid, priority); return 0; }, -1),
  getPriority: checked((pid) => O.getPriority(pid)),
  isBigEndian: false,
};
