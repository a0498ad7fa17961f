// corojs:shell: the shell of `corojs shell`, after runtime.js's: a prompt
// that starts apps as isolates of this process, in the foreground or in the
// background, lists them and ends them. Line editing and history on a
// terminal (libedit); plain lines from a pipe or a file. It is also the
// console of the bootable image (image/init.mjs).
//
//   ls, cat, echo, eval, host, ps, run app.mjs [args] [&], kill N, mem, help, exit
//   lsdev, ifconfig, ip, mount, umount, uptime, dmesg, reboot, poweroff (corojs:shell/system)
//
// `eval` runs in an isolate of its own (corojs:shell/eval) with a time limit,
// so `eval while (true) {}` cannot freeze the shell; Ctrl-C interrupts the
// eval or the app in the foreground and comes back to the prompt.

import P from 'corojs:internal/primordials';
import { Isolate } from 'corojs:isolate';
import { inspect } from 'corojs:util';
import { process } from 'corojs:process';
import { Resolver } from 'corojs:dns';
import fs from 'corojs:fs';
import { commands as systemCommands } from 'corojs:shell/system';

const R = P.readline;
const out = (s) => P.process.write(1, `${s}\n`);
const err = (s) => P.process.write(2, `${s}\n`);

function resolve(path) {
  return path.startsWith('/') ? path : `${P.process.cwd()}/${path}`;
}

function mb(bytes) {
  return `${(bytes / (1 << 20)).toFixed(1)} MB`;
}

const commands = {
  help: {
    usage: 'help',
    what: 'list the commands',
    run() {
      for (const [name, c] of Object.entries(commands)) out(`  ${c.usage.padEnd(24)} ${c.what}`);
    },
  },
  ls: {
    usage: 'ls [dir...]',
    what: 'list a directory',
    run(args) {
      for (const dir of args.length ? args : ['.']) {
        if (args.length > 1) out(`${dir}:`);
        const names = fs.readdir(dir).sort();
        out(names.map((n) => {
          try { return fs.stat(`${dir}/${n}`).isDirectory() ? `${n}/` : n; } catch { return n; }
        }).join('  '));
      }
    },
  },
  cat: {
    usage: 'cat file...',
    what: 'print files',
    run(args) {
      for (const f of args) P.process.write(1, fs.readFile(f, null));
    },
  },
  echo: {
    usage: 'echo text...',
    what: 'print its arguments',
    run(args) { out(args.join(' ')); },
  },
  eval: {
    usage: 'eval code',
    what: 'evaluate JavaScript in the eval isolate, print the result',
    raw: true,
    run(code) {
      out(evaluate(code));
    },
  },
  limit: {
    usage: 'limit [ms]',
    what: 'show or set the time limit of eval',
    run([ms]) {
      if (ms !== undefined) {
        if (!/^[1-9]\d*$/.test(ms)) throw new Error(`limit: not a number of milliseconds: ${ms}`);
        evalLimit = Number(ms);
      }
      out(`eval stops after ${evalLimit} ms`);
    },
  },
  host: {
    usage: 'host name [server]',
    what: 'look a name up in DNS (through server[:port] if given)',
    run([name, server]) {
      if (!name) throw new Error('host: which name?');
      if (!server) {
        for (const { address, family } of dns().lookup(name, { all: true })) {
          out(`${name} has ${family === 6 ? 'IPv6 address' : 'address'} ${address}`);
        }
        return;
      }
      const resolver = new Resolver();
      resolver.setServers([server]);
      const found = [];
      for (const [kind, query] of [['address', 'resolve4'], ['IPv6 address', 'resolve6']]) {
        try {
          for (const a of resolver[query](name)) found.push(`${name} has ${kind} ${a}`);
        } catch (e) {
          if (e.code !== 'ENODATA' && e.code !== 'ENOTFOUND') throw e;
        }
      }
      if (!found.length) throw new Error(`host: ${name} not found`);
      for (const line of found) out(line);
    },
  },
  ps: {
    usage: 'ps',
    what: 'list the running isolates',
    run() {
      out(`${'ID'.padStart(5)} ${'PARENT'.padStart(6)} ${'STATE'.padEnd(8)} ${'MEMORY'.padStart(9)} ${'FIBERS'.padStart(6)}  NAME`);
      for (const i of Isolate.list()) {
        out(`${String(i.id).padStart(5)} ${String(i.parent || '-').padStart(6)} ${i.state.padEnd(8)} ` +
            `${mb(i.memory).padStart(9)} ${String(i.fibers).padStart(6)}  ${i.name ?? ''}`);
      }
    },
  },
  run: {
    usage: 'run app.mjs [args] [&]',
    what: 'start an app as an isolate (in the background with &)',
    run(args, background) {
      if (!args.length) throw new Error('run: which app?');
      const [path, ...argv] = args;
      const iso = new Isolate(resolve(path), { argv, net: true, fs: '/' });
      if (background) {
        jobs.set(iso.id, iso);
        out(`[${iso.id}] ${path}`);
        return;
      }
      let interrupted = false;
      foreground = () => { interrupted = true; iso.terminate(); };
      try {
        const { code, error } = iso.join();
        if (interrupted) out(`[${iso.id}] interrupted`);
        else if (code !== 0) out(`[${iso.id}] exited with ${code}${error ? `: ${error.message}` : ''}`);
      } finally {
        foreground = null;
      }
    },
  },
  kill: {
    usage: 'kill id...',
    what: 'end isolates',
    run(args) {
      for (const a of args) {
        const id = Number(a);
        if (!Number.isInteger(id) || id < 1) throw new Error(`kill: not an isolate id: ${a}`);
        if (id === Isolate.self().id) throw new Error('kill: that is this shell (use exit)');
        if (!Isolate.kill(id)) throw new Error(`kill: no isolate ${id}`);
        const job = jobs.get(id);
        if (job) { job.join(); jobs.delete(id); }
        out(`[${id}] killed`);
      }
    },
  },
  mem: {
    usage: 'mem',
    what: 'memory of the process and of each isolate',
    run() {
      const m = P.process.memoryUsage();
      const all = Isolate.list();
      const heaps = all.reduce((s, i) => s + i.memory, 0);
      out(`process: ${mb(m.rss)} resident; ${all.length} isolates, ${mb(heaps)} of JS heaps`);
    },
  },
  exit: {
    usage: 'exit [code]',
    what: 'leave the shell (and end its apps)',
    run(args) {
      if (isConsole) throw new Error('exit: this shell is the console of PID 1 (poweroff or reboot end it)');
      done = Number(args[0] ?? 0) || 0;
    },
  },
  ...systemCommands,
};

const jobs = new Map(); // background apps started here, by id
let foreground = null;  // stops what runs in the foreground (an eval, an app): Ctrl-C
let done;
let isConsole = false;
let evalLimit = 5000;
let evaluator = null;   // the eval isolate, kept while its evals end in time

function dns() {
  return P.util.importSync('corojs:dns');
}

function hasSyscall() {
  try {
    P.syscall.check();
    return true;
  } catch {
    return false;
  }
}

// Run code in the eval isolate within evalLimit; Ctrl-C or the limit ends
// that isolate (and its globals): the next eval gets a fresh one.
function evaluate(code) {
  evaluator ??= new Isolate('corojs:shell/eval', { net: true, fs: '/', syscall: hasSyscall() });
  const iso = evaluator;
  let why = null;
  const stop = (reason) => {
    why = reason;
    iso.terminate();
  };
  const timer = setTimeout(() => stop(`stopped after ${evalLimit} ms (the time limit: see limit)`), evalLimit);
  foreground = () => stop('interrupted');
  try {
    return iso.call('evaluate', code);
  } catch (e) {
    if (why === null && e.code !== 'ERR_ISOLATE_TERMINATED') throw e;
    evaluator = null;
    const { code } = iso.join();
    throw new Error(`eval: ${why ?? `the eval isolate ended (status ${code})`}; its globals are gone`);
  } finally {
    clearTimeout(timer);
    foreground = null;
  }
}

// Ctrl-C: stop what runs in the foreground, or drop the line being typed.
function interrupt() {
  if (foreground) foreground();
  else if (R.cancel()) P.process.write(1, '^C\n');
}

// Words of a line; "quoted words" and 'quoted words' stay whole.
function words(line) {
  const list = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m; (m = re.exec(line));) list.push(m[1] ?? m[2] ?? m[3]);
  return list;
}

export function execute(line) {
  line = line.trim();
  if (!line || line.startsWith('#')) return;
  const space = line.search(/\s/);
  const name = space < 0 ? line : line.slice(0, space);
  const rest = space < 0 ? '' : line.slice(space + 1).trim();
  const c = commands[name];
  if (!c) {
    err(`${name}: no such command (try help)`);
    return;
  }
  try {
    if (c.raw) c.run(rest);
    else {
      let args = words(rest);
      const background = args.at(-1) === '&';
      if (background) args = args.slice(0, -1);
      c.run(args, background);
    }
  } catch (e) {
    err(e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : inspect(e));
  }
}

// main({ console }): read and run lines until the end of input or `exit`.
// The console of the image (console: true) refuses `exit` and returns at
// the end of input, for its init to start it again.
export function main(options = {}) {
  isConsole = !!options.console;
  const tty = R.isTTY();
  process.on('SIGINT', interrupt);
  if (tty) out(`CoroJS ${P.process.version} shell: type help`);
  try {
    while (done === undefined) {
      const line = R.readLine(tty ? 'corojs> ' : '');
      if (line === null) break;
      if (tty && line.trim()) R.addHistory(line);
      execute(line);
    }
  } finally {
    process.off('SIGINT', interrupt);
    R.close();
  }
  if (done !== undefined) P.process.exit(done);
}

export default { main, execute };
