#!/bin/corojs --allow-syscall
// The image's init: PID 1, in JS. The kernel runs /init, which is this file
// under /bin/corojs (a script: binfmt_script hands it to corojs). It
//   - mounts /proc, /sys, /dev, /dev/pts, /tmp and /run,
//   - makes the serial console its controlling terminal (Ctrl-C reaches the shell),
//   - loads the virtio network modules (finit_module),
//   - brings up lo and eth0, gives eth0 its address and the default route
//     (rtnetlink), and writes /etc/resolv.conf,
//   - starts the apps of /etc/init.json, each an isolate of this process,
//   - reaps orphaned children (SIGCHLD), logs to the console,
//   - and runs the shell on the console, for ever: PID 1 never ends. An
//     error in any step is logged and the boot goes on; an uncaught error
//     later is logged too (process.on('uncaughtException')).
//
// Every line it logs carries the time since boot, as the kernel's own do:
// "[   0.912345] init: ...". Two marks go into the kernel's log too
// (/dev/kmsg), so the boot's figures come from one clock: when the kernel ran
// /init, when the JS init began, when the shell was ready.

import sys, { MS, O, MODULE_INIT } from 'corojs:sys';
import { syscall, SYS } from 'corojs:syscall';
import { main as shell } from 'corojs:shell';

const CLOCK_BOOTTIME = 7;
const TIOCSCTTY = 0x540e;

function uptime() {
  const ts = new BigInt64Array(2);
  syscall(SYS.clock_gettime, CLOCK_BOOTTIME, ts);
  return Number(ts[0]) + Number(ts[1]) / 1e9;
}

function log(message) {
  process.stdout.write(`[${uptime().toFixed(6).padStart(12)}] init: ${message}\n`);
}

// step(what, fn): run one step of the boot; a failure is logged, not fatal
function step(what, fn) {
  try {
    return fn();
  } catch (e) {
    log(`${what} failed: ${e.message}`);
    return undefined;
  }
}

function ignore(code, fn) {
  try {
    fn();
  } catch (e) {
    if (e.code !== code) throw e;
  }
}

// mark(what): a line in the kernel's log, timed by the kernel's clock
function mark(what) {
  try {
    const fd = sys.open('/dev/kmsg', O.WRONLY);
    sys.write(fd, `corojs-init: ${what}\n`);
    sys.close(fd);
  } catch { /* no /dev/kmsg: no mark */ }
}

const started = uptime();
mark('began');

function mountAll() {
  const nosuid = MS.NOSUID | MS.NODEV;
  const table = [
    ['proc', '/proc', 'proc', nosuid | MS.NOEXEC],
    ['sysfs', '/sys', 'sysfs', nosuid | MS.NOEXEC],
    ['devtmpfs', '/dev', 'devtmpfs', MS.NOSUID, 'mode=0755'],
    ['devpts', '/dev/pts', 'devpts', MS.NOSUID | MS.NOEXEC, 'gid=5,mode=0620,ptmxmode=0666'],
    ['tmpfs', '/tmp', 'tmpfs', nosuid, 'mode=1777'],
    ['tmpfs', '/run', 'tmpfs', nosuid, 'mode=0755'],
  ];
  for (const [source, target, type, flags, data] of table) {
    ignore('EEXIST', () => sys.mkdir(target));
    ignore('EBUSY', () => sys.mount(source, target, type, flags, data ?? null));
  }
}

// The kernel opened /dev/console for us, which can be no controlling
// terminal. Open the tty behind it, make it ours, and use it as stdio.
function takeConsole() {
  const active = sys.readFile('/sys/class/tty/console/active').trim().split(/\s+/).pop();
  ignore('EPERM', () => sys.setsid());
  const fd = sys.open(`/dev/${active}`, O.RDWR | O.NOCTTY);
  sys.ioctl(fd, TIOCSCTTY, 1);
  for (const n of [0, 1, 2]) sys.dup2(fd, n);
  if (fd > 2) sys.close(fd);
  return active;
}

function loadModules(paths) {
  for (const path of paths) {
    ignore('EEXIST', () => sys.finitModule(path, '', MODULE_INIT.COMPRESSED_FILE));
  }
}

function configureNetwork({ interface: iface, address, gateway, dns }) {
  for (let i = 0; !fs.exists(`/sys/class/net/${iface}`); i++) { // probing may finish after the module loads
    if (i === 500) throw new Error(`no ${iface} after 5 s`);
    Fiber.sleep(10);
  }
  sys.linkUp('lo');
  sys.linkUp(iface);
  ignore('EEXIST', () => sys.addAddress(iface, address));
  ignore('EEXIST', () => sys.addRoute({ gateway }));
  fs.writeFile('/etc/resolv.conf', dns.map((ip) => `nameserver ${ip}\n`).join(''));
}

// The apps of the image, each an isolate of this process with the network
// and the file system; `ps` in the shell lists them.
const apps = [];
function startApps(list) {
  for (const { path, args = [] } of list) {
    step(`starting ${path}`, () => {
      const iso = new Isolate(path, { argv: args, net: true, fs: '/' });
      apps.push(iso);
      log(`started ${path} ${args.join(' ')} as isolate ${iso.id}`);
    });
  }
}

process.on('uncaughtException', (e, origin) => log(`${origin}: ${e?.stack ?? e}`));
process.on('SIGCHLD', () => {
  for (const { pid, status } of sys.reap()) log(`reaped process ${pid} (status ${status})`);
});

step('mounting /proc /sys /dev /tmp /run', mountAll);
const tty = step('taking the console', takeConsole);
log(`corojs ${process.version} is PID ${process.pid}, console /dev/${tty}`);
const conf = step('reading /etc/init.json', () => JSON.parse(fs.readFile('/etc/init.json'))) ?? {};
step('setting the host name', () => sys.sethostname(conf.hostname ?? 'corojs'));
step('loading modules', () => loadModules(conf.modules ?? []));
if (conf.net) {
  step(`configuring ${conf.net.interface}`, () => configureNetwork(conf.net));
  log(`${conf.net.interface} is up: ${conf.net.address} via ${conf.net.gateway}, dns ${conf.net.dns.join(' ')}`);
}
startApps(conf.apps ?? []);
log(`ready in ${((uptime() - started) * 1000).toFixed(1)} ms: the shell is on the console`);
mark('ready');
step('timing the boot', () => {
  const klog = sys.klog();
  const at = (re) => re.exec(klog)?.[1] ?? '?';
  log(`by the kernel's clock: it ran /init at ${at(/\[\s*([\d.]+)\] Run \/init as init process/)} s, ` +
      `the JS init began at ${at(/\[\s*([\d.]+)\] corojs-init: began/)} s, ` +
      `the shell was ready at ${at(/\[\s*([\d.]+)\] corojs-init: ready/)} s`);
});

for (;;) {
  try {
    shell({ console: true });
  } catch (e) {
    log(`the shell failed: ${e?.stack ?? e}`);
  }
  log('the shell ended: starting it again');
  Fiber.sleep(1000);
}
