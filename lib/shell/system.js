// corojs:shell/system: the shell's commands for the machine it runs on:
// lsdev, ifconfig, ip, mount, umount, uptime, dmesg, reboot, poweroff.
//
// What /proc and /sys tell (lsdev, mount, uptime) works everywhere. What
// needs system calls (interfaces over rtnetlink, the kernel log, mounting,
// reboot) needs the syscall capability: `corojs --allow-syscall shell`, or
// the image's init, whose shell it is.

import P from 'corojs:internal/primordials';
import fs from 'corojs:fs';

const out = (s) => P.process.write(1, `${s}\n`);

// corojs:sys, or an error saying what is missing
function sys(command) {
  try {
    P.syscall.check();
  } catch {
    throw new Error(`${command}: needs the syscall capability (corojs --allow-syscall shell)`);
  }
  return P.util.importSync('corojs:sys').default;
}

function read(path) {
  try {
    return fs.readFile(path).trim();
  } catch {
    return '';
  }
}

function list(dir) {
  try {
    return fs.readdir(dir).sort();
  } catch {
    return [];
  }
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) out(`  ${r.map((c, i) => (i === r.length - 1 ? c : String(c).padEnd(widths[i]))).join('  ')}`);
}

const pciClasses = {
  '0100': 'SCSI storage', '0101': 'IDE storage', '0106': 'SATA storage', '0108': 'NVMe storage',
  '0180': 'storage', '0200': 'Ethernet', '0280': 'network', '0300': 'VGA display', '0380': 'display',
  '0403': 'audio', '0600': 'host bridge', '0601': 'ISA bridge', '0604': 'PCI bridge', '0680': 'bridge',
  '0780': 'communication', '0880': 'system', '0c03': 'USB', '0c05': 'SMBus', '00ff': 'unclassified',
};

function driverOf(dir) {
  return /^DRIVER=(.*)$/m.exec(read(`${dir}/uevent`))?.[1] ?? '-';
}

function size(bytes) {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function lsdev() {
  const pci = list('/sys/bus/pci/devices').map((slot) => {
    const dir = `/sys/bus/pci/devices/${slot}`;
    const cls = read(`${dir}/class`).slice(2, 6);
    const nets = list(`${dir}/net`).concat(...list(dir).filter((d) => d.startsWith('virtio')).map((v) => list(`${dir}/${v}/net`)));
    return [slot.replace(/^0000:/, ''), `${read(`${dir}/vendor`).slice(2)}:${read(`${dir}/device`).slice(2)}`,
      pciClasses[cls] ?? `class ${cls}`, driverOf(dir), nets.join(' ')];
  });
  out('PCI devices:');
  if (pci.length) table([['SLOT', 'ID', 'CLASS', 'DRIVER', 'USES'], ...pci]);
  else out('  (none)');
  out('network interfaces:');
  table([['NAME', 'STATE', 'MAC', 'MTU', 'DRIVER'], ...list('/sys/class/net').map((n) => {
    const dir = `/sys/class/net/${n}`;
    return [n, read(`${dir}/operstate`), read(`${dir}/address`), read(`${dir}/mtu`), driverOf(`${dir}/device`)];
  })]);
  out('block devices:');
  const blocks = list('/sys/block').map((b) => [b, Number(read(`/sys/block/${b}/size`)) * 512, read(`/sys/block/${b}/device/model`) || '-'])
    .filter(([, bytes]) => bytes > 0).map(([b, bytes, model]) => [b, size(bytes), model]);
  if (blocks.length) table([['NAME', 'SIZE', 'MODEL'], ...blocks]);
  else out('  (none)');
}

function showLinks(s) {
  const addrs = s.addresses();
  for (const l of s.links()) {
    const flags = [l.up && 'UP', l.running && 'RUNNING', l.loopback && 'LOOPBACK'].filter(Boolean).join(',');
    out(`${l.index}: ${l.name}: <${flags}> mtu ${l.mtu}`);
    if (l.mac) out(`    link ${l.mac}`);
    for (const a of addrs.filter((x) => x.index === l.index)) out(`    inet${a.family === 6 ? '6' : ''} ${a.address}/${a.prefix}`);
  }
}

function showRoutes(s) {
  for (const r of s.routes()) {
    const dst = r.prefix === 0 ? 'default' : `${r.dst}/${r.prefix}`;
    out(`${dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.name ? ` dev ${r.name}` : ''}`);
  }
}

// ip [addr|link|route] [add ... | set DEV up|down]
function ip(args) {
  const s = sys('ip');
  const [object = 'addr', verb, ...rest] = args;
  const opt = (name) => rest[rest.indexOf(name) + 1];
  if (/^a/.test(object) && verb === 'add') s.addAddress(opt('dev'), rest[0]);
  else if (/^l/.test(object) && verb === 'set') s.linkUp(rest[0], rest[1] !== 'down');
  else if (/^r/.test(object) && verb === 'add') {
    s.addRoute({ dst: rest[0] === 'default' ? undefined : rest[0], gateway: rest.includes('via') ? opt('via') : undefined,
      link: rest.includes('dev') ? opt('dev') : undefined });
  } else if (verb) throw new Error(`ip: cannot ${verb} ${object} (ip addr|link|route, ip addr add A/N dev D, ip link set D up|down, ip route add default|A/N [via G] [dev D])`);
  else if (/^r/.test(object)) showRoutes(s);
  else showLinks(s);
}

function mount(args) {
  if (!args.length) {
    for (const line of read('/proc/mounts').split('\n')) {
      const [source, target, type, opts] = line.split(' ');
      out(`${source} on ${target} type ${type} (${opts})`);
    }
    return;
  }
  const s = sys('mount');
  let type = 'auto', data = null;
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-t') type = args[++i];
    else if (args[i] === '-o') data = args[++i];
    else rest.push(args[i]);
  }
  if (rest.length !== 2) throw new Error('mount: mount [-t type] [-o options] source target');
  s.mount(rest[0], rest[1], type, 0, data);
}

function uptime() {
  const up = Number(read('/proc/uptime').split(' ')[0]);
  const load = read('/proc/loadavg').split(' ').slice(0, 3).join(' ');
  const h = Math.floor(up / 3600), m = Math.floor((up % 3600) / 60), sec = (up % 60).toFixed(2);
  out(`up ${h ? `${h} h ` : ''}${h || m ? `${m} min ` : ''}${sec} s, load average ${load}`);
}

function dmesg() {
  for (const line of sys('dmesg').klog().split('\n')) if (line) out(line.replace(/^<\d+>/, ''));
}

// reboot and poweroff end the machine: only the init's shell (PID 1) does
// that, or one told -f.
function powerCommand(name, cmd) {
  return (args) => {
    const s = sys(name);
    if (process.pid !== 1 && !args.includes('-f')) throw new Error(`${name}: this shell is not PID 1 (${name} -f to insist)`);
    out(`${name}: syncing and going down`);
    s.sync();
    s.reboot(s.RB[cmd]);
  };
}

export const commands = {
  lsdev: { usage: 'lsdev', what: 'list PCI, network and block devices (from /sys)', run: lsdev },
  ifconfig: { usage: 'ifconfig', what: 'network interfaces and their addresses', run: () => showLinks(sys('ifconfig')) },
  ip: { usage: 'ip [addr|link|route] ...', what: 'show or set addresses, links and routes', run: ip },
  mount: { usage: 'mount [-t type src dst]', what: 'list the mounts, or mount a file system', run: mount },
  umount: { usage: 'umount dir', what: 'unmount a file system', run: ([dir]) => sys('umount').umount(dir) },
  uptime: { usage: 'uptime', what: 'time since boot and load', run: uptime },
  dmesg: { usage: 'dmesg', what: "print the kernel's log", run: dmesg },
  reboot: { usage: 'reboot', what: 'restart the machine', run: powerCommand('reboot', 'RESTART') },
  poweroff: { usage: 'poweroff', what: 'switch the machine off', run: powerCommand('poweroff', 'POWER_OFF') },
};

export default commands;
