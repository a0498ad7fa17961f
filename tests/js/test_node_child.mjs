// flags: --expose-internals
// node:child_process's asynchronous half -- spawn, exec, execFile -- with real
// programs (/bin/sh, cat, sleep, yes, the corojs binary itself): Node's own
// lib/child_process.js over our Process handle (uv_spawn, src/prim/spawn.c)
// and Pipes whose streams Node's net.Socket reads and writes
// (lib/node/bindings/stream_wrap.js). Each test waits on the child's events,
// never on a clock.
import { test, assert, event, tmpdir } from './harness.mjs';
import { requireBuiltin } from 'corojs:internal/node/builtins';
import P from 'corojs:internal/primordials';

const cp = requireBuiltin('child_process');
const fs = requireBuiltin('fs');
const { promisify } = requireBuiltin('util');

// Everything a child did, once it has closed: events in order, its output.
function run(child) {
  const done = event();
  const seen = { events: [], stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (d) => (seen.stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d) => (seen.stderr += d));
  child.on('spawn', () => seen.events.push('spawn'));
  child.on('error', (e) => {
    seen.events.push('error');
    seen.error = e;
  });
  child.on('exit', (code, signal) => seen.events.push(`exit ${code} ${signal}`));
  child.on('close', (code, signal) => {
    seen.events.push(`close ${code} ${signal}`);
    done.fire(seen);
  });
  return done.wait();
}

// exec/execFile's callback as a value: { err, stdout, stderr }.
function callback(fn, ...args) {
  const done = event();
  fn(...args, (err, stdout, stderr) => done.fire({ err, stdout, stderr }));
  return done.wait();
}

test('spawn: spawn, exit, close in order; stdout, stderr, exit code', () => {
  const child = cp.spawn('sh', ['-c', 'echo out; echo err >&2; exit 3']);
  assert.ok(Number.isInteger(child.pid) && child.pid > 0);
  const seen = run(child);
  assert.deepEqual(seen.events, ['spawn', 'exit 3 null', 'close 3 null']);
  assert.equal(seen.stdout, 'out\n');
  assert.equal(seen.stderr, 'err\n');
  assert.equal(child.exitCode, 3);
  assert.equal(child.signalCode, null);
});

test("a missing program: 'error' with Node's ENOENT, no 'spawn' or 'exit'", () => {
  const child = cp.spawn('/nonexistent/prog', ['a', 'b']);
  const seen = run(child);
  assert.deepEqual(seen.events, ['error', 'close -2 null']);
  assert.equal(seen.error.message, 'spawn /nonexistent/prog ENOENT');
  assert.equal(seen.error.code, 'ENOENT');
  assert.equal(seen.error.errno, -2);
  assert.equal(seen.error.syscall, 'spawn /nonexistent/prog');
  assert.equal(seen.error.path, '/nonexistent/prog');
  assert.deepEqual(seen.error.spawnargs, ['a', 'b']);
  const r = callback(cp.execFile, '/nonexistent/prog', []);
  assert.equal(r.err.code, 'ENOENT');
});

test('exec: callback with stdout and stderr; a failure with code, signal and cmd', () => {
  const ok = callback(cp.exec, 'echo a; echo b >&2');
  assert.equal(ok.err, null);
  assert.equal(ok.stdout, 'a\n');
  assert.equal(ok.stderr, 'b\n');
  const bad = callback(cp.exec, 'echo partial; exit 7');
  assert.equal(bad.err.code, 7);
  assert.equal(bad.err.signal, null);
  assert.equal(bad.err.killed, false);
  assert.equal(bad.err.cmd, 'echo partial; exit 7');
  assert.equal(bad.err.message, 'Command failed: echo partial; exit 7\n');
  assert.equal(bad.stdout, 'partial\n');
  const buf = callback(cp.exec, 'printf xyz', { encoding: 'buffer' });
  assert.ok(Buffer.isBuffer(buf.stdout));
  assert.equal(buf.stdout.toString(), 'xyz');
});

test('util.promisify(exec) and (execFile) give { stdout, stderr }', () => {
  const r = Fiber.await(promisify(cp.exec)('echo p; echo q >&2'));
  assert.deepEqual({ ...r }, { stdout: 'p\n', stderr: 'q\n' });
  const f = Fiber.await(promisify(cp.execFile)('echo', ['x', 'y']));
  assert.equal(f.stdout, 'x y\n');
  const e = Fiber.await(promisify(cp.exec)('exit 4').catch((err) => err));
  assert.equal(e.code, 4);
  assert.equal(e.stdout, '');
});

test('the corojs binary as a child (as Node tests run process.execPath): argv, exit codes, uncaught errors', () => {
  const argv = callback(cp.execFile, process.execPath, ['-p', 'JSON.stringify(process.argv.slice(1))', 'child', 'x']);
  assert.equal(argv.err, null);
  assert.equal(argv.stdout, '["child","x"]\n');
  const code = callback(cp.execFile, process.execPath, ['-e', 'process.exitCode = 5']);
  assert.equal(code.err.code, 5);
  const thrown = callback(cp.execFile, process.execPath, ['-e', "throw new Error('boom')"]);
  assert.equal(thrown.err.code, 1);
  assert.ok(thrown.stderr.includes('Error: boom'), thrown.stderr);
  const script = `${tmpdir}/child_script.js`;
  fs.writeFileSync(script, "if (process.argv[2] === 'child') console.log('in child', require('path').basename(__filename));\n");
  assert.equal(callback(cp.execFile, process.execPath, [script, 'child']).stdout, 'in child child_script.js\n');
});

test('stdin written in one go and in many, with drain; stdout read back whole', () => {
  const child = cp.spawn('cat');
  const chunk = Buffer.alloc(256 * 1024, 'z');
  let written = 0, drains = 0;
  const write = () => {
    while (written < 32) {
      written++;
      if (!child.stdin.write(chunk)) return child.stdin.once('drain', () => { drains++; write(); });
    }
    child.stdin.end('END');
  };
  let total = 0, tail = '';
  child.stdout.on('data', (d) => { total += d.length; tail = (tail + d.toString('latin1')).slice(-3); });
  write();
  const seen = run(child);
  assert.equal(total, 32 * chunk.length + 3);
  assert.equal(tail, 'END');
  assert.ok(drains > 0, 'a Writable over a pipe the child reads slowly drains');
  assert.equal(seen.events.at(-1), 'close 0 null');
});

test('a flood on stdout: backpressure while paused, maxBuffer kills the child', () => {
  const child = cp.spawn('yes', ['flood']);
  let total = 0, most = 0;
  child.stdout.on('data', (d) => {
    total += d.length;
    most = Math.max(most, child.stdout.readableLength);
    if (child.killed) return; // the rest, to the end
    child.stdout.pause(); // a slow consumer: the rest waits in the kernel
    setImmediate(() => {
      most = Math.max(most, child.stdout.readableLength);
      if (total >= 8 * 1024 * 1024) child.kill();
      child.stdout.resume();
    });
  });
  const seen = run(child);
  assert.ok(total >= 8 * 1024 * 1024);
  assert.ok(most <= child.stdout.readableHighWaterMark + 65536, `buffered ${most} bytes while paused`);
  assert.deepEqual(seen.events.slice(-2), ['exit null SIGTERM', 'close null SIGTERM']);
  const r = callback(cp.exec, 'yes', { maxBuffer: 100000 });
  assert.equal(r.err.code, 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER');
  assert.equal(r.err.message, 'stdout maxBuffer length exceeded');
  assert.equal(r.stdout.length, 100000);
});

test('a child that never exits: kill(), timeout with killSignal, AbortSignal', () => {
  const sleeper = cp.spawn('sleep', ['1000']);
  assert.equal(sleeper.kill(), true);
  assert.equal(sleeper.killed, true);
  assert.deepEqual(run(sleeper).events, ['spawn', 'exit null SIGTERM', 'close null SIGTERM']);
  assert.equal(sleeper.kill(), false, 'killing an ended child');
  const t = callback(cp.exec, 'sleep 1000', { timeout: 20, killSignal: 'SIGKILL' });
  assert.equal(t.err.killed, true);
  assert.equal(t.err.signal, 'SIGKILL');
  assert.equal(t.err.code, null);
  const ac = new AbortController();
  const aborted = cp.spawn('sleep', ['1000'], { signal: ac.signal });
  let abortError;
  aborted.on('error', (e) => (abortError = e)); // emitted inside abort(), as in Node
  ac.abort();
  const seen = run(aborted);
  assert.equal(abortError.name, 'AbortError');
  assert.deepEqual(seen.events.slice(-2), ['exit null SIGTERM', 'close null SIGTERM']);
  const usr = cp.spawn('sleep', ['1000']);
  usr.kill('SIGUSR1');
  assert.equal(run(usr).events[1], 'exit null SIGUSR1');
});

test("stdio: 'ignore', 'inherit', descriptors, a fourth pipe, a child's stdout as another's stdin", () => {
  const ignored = cp.spawn('sh', ['-c', 'echo gone; echo gone >&2'], { stdio: 'ignore' });
  assert.equal(ignored.stdout, null);
  assert.equal(ignored.stdin, null);
  assert.equal(run(ignored).events.at(-1), 'close 0 null');

  const file = `${tmpdir}/child_out.txt`;
  const fd = fs.openSync(file, 'w');
  const toFile = cp.spawn('sh', ['-c', 'echo to-file; echo err-too >&2'], { stdio: ['ignore', fd, fd] });
  assert.equal(toFile.stdout, null);
  run(toFile);
  fs.closeSync(fd);
  assert.equal(fs.readFileSync(file, 'utf8'), 'to-file\nerr-too\n');

  const inherit = cp.spawn('sh', ['-c', 'exit 0'], { stdio: 'inherit' });
  assert.equal(run(inherit).events.at(-1), 'close 0 null');

  const four = cp.spawn('sh', ['-c', 'echo three >&3; echo one'], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  assert.equal(four.stdio.length, 4);
  let three = '';
  four.stdio[3].on('data', (d) => (three += d));
  const seen = run(four);
  assert.equal(three, 'three\n');
  assert.equal(seen.stdout, 'one\n');

  const producer = cp.spawn('sh', ['-c', 'echo piped through']);
  const exited = event();
  producer.on('exit', exited.fire);
  const consumer = cp.spawn('tr', ['a-z', 'A-Z'], { stdio: [producer.stdout, 'pipe', 'pipe'] });
  assert.equal(run(consumer).stdout, 'PIPED THROUGH\n');
  exited.wait();
  producer.stdout.destroy(); // the child had it: it never ends here (as in Node)
});

test('options: cwd, env, argv0, shell, detached, uid', () => {
  assert.equal(callback(cp.execFile, 'pwd', [], { cwd: '/' }).stdout, '/\n');
  assert.equal(callback(cp.exec, 'echo "$FOO-$HOME"', { env: { FOO: 'bar' } }).stdout, 'bar-\n');
  assert.equal(run(cp.spawn('sh', ['-c', 'echo $0'], { argv0: 'renamed' })).stdout, 'renamed\n');
  assert.equal(run(cp.spawn('echo $((6 * 7))', { shell: true })).stdout, '42\n');
  assert.equal(run(cp.spawn('echo "$0"', { shell: '/bin/sh' })).stdout, '/bin/sh\n');
  const detached = cp.spawn('sh', ['-c', 'cut -d" " -f6 /proc/self/stat'], { detached: true });
  const sid = run(detached).stdout.trim();
  assert.notEqual(sid, String(process.pid));
  assert.notEqual(sid, '0');
  const badCwd = run(cp.spawn('pwd', { cwd: '/nonexistent-dir' }));
  assert.equal(badCwd.error.code, 'ENOENT');
  assert.throws(() => cp.spawn('id', { uid: 'root' }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => cp.spawn('id', { gid: 1.5 }), { code: 'ERR_INVALID_ARG_TYPE' });
  if (cp.execSync('id -u', { encoding: 'utf8' }) === '0\n') {
    assert.equal(run(cp.spawn('id', ['-u'], { uid: 65534, gid: 65534 })).stdout, '65534\n');
  } else {
    assert.throws(() => cp.spawn('id', { uid: 0 }), { code: 'EPERM', syscall: 'spawn' });
  }
});

test('unref(): a child that never ends does not keep its parent alive; process.kill', () => {
  const code = "const c = require('child_process').spawn('sleep', ['1000'], { stdio: 'ignore' });" +
    'c.unref(); console.log(c.pid)';
  const r = callback(cp.execFile, process.execPath, ['-e', code]);
  assert.equal(r.err, null);
  const pid = Number(r.stdout);
  assert.ok(pid > 0);
  assert.equal(process.kill(pid, 0), true, 'it ran on after its parent ended');
  process.kill(pid);
  assert.throws(() => process.kill(2 ** 31 - 2, 'SIGTERM'), { code: 'ESRCH', syscall: 'kill' });
  assert.throws(() => process.kill('x'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => process.kill(pid, 'SIGNOPE'), { code: 'ERR_UNKNOWN_SIGNAL' });
});

test('fork: JSON messages both ways over the IPC channel, disconnect, exit', () => {
  const script = `${tmpdir}/forked.js`;
  fs.writeFileSync(script, "process.on('message', (m) => { if (m === 'bye') return process.disconnect(); " +
    "process.send({ echo: m, argv: process.argv.slice(2), connected: process.connected }); }); console.log('silent');");
  const child = cp.fork(script, ['a1'], { silent: true });
  const got = [];
  let disconnected = false;
  child.on('message', (m) => got.push(m));
  child.on('disconnect', () => (disconnected = true));
  child.send('one');
  child.send({ two: [2] });
  child.send('bye');
  const seen = run(child);
  assert.deepEqual(got, [{ echo: 'one', argv: ['a1'], connected: true }, { echo: { two: [2] }, argv: ['a1'], connected: true }]);
  assert.ok(disconnected);
  assert.equal(seen.stdout, 'silent\n');
  assert.deepEqual(seen.events, ['spawn', 'exit 0 null', 'close 0 null']);
  const advanced = cp.fork(script, { serialization: 'advanced' }); // v8's serializer: not there
  assert.throws(() => advanced.send(1), { code: 'ERR_NOT_IMPLEMENTED' });
  advanced.kill();
  assert.equal(run(advanced).events.at(-1), 'close null SIGTERM');
});

test("bad input: Node's argument errors", () => {
  assert.throws(() => cp.spawn(42), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => cp.spawn('true', 'x'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => cp.spawn('true', { cwd: 7 }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => cp.spawn('true', ['a\0b']), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => cp.spawn('true', { stdio: 'nope' }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => cp.exec('true', { timeout: -1 }, () => {}), { code: 'ERR_OUT_OF_RANGE' });
  const child = cp.spawn('sleep', ['1000']);
  assert.throws(() => child.kill('SIGNOPE'), { code: 'ERR_UNKNOWN_SIGNAL' });
  child.kill('SIGKILL');
  run(child);
  assert.throws(() => cp.spawn('true', { stdio: ['ipc', 'pipe', 'pipe', 'ipc'] }), { code: 'ERR_IPC_ONE_PIPE' });
  assert.throws(() => cp.fork('x.js', { stdio: ['pipe', 'pipe', 'pipe'] }), { code: 'ERR_CHILD_PROCESS_IPC_REQUIRED' });
});

test('garbage to __primordials.spawn.start, kill, ref, close: TypeErrors, no crash', () => {
  const S = P.spawn;
  const noop = () => {};
  assert.throws(() => S.start(1, ['a'], null, null, [], false, -1, -1, noop), TypeError);
  assert.throws(() => S.start('true', 'a', null, null, [], false, -1, -1, noop), TypeError);
  assert.throws(() => S.start('true', ['true'], null, null, {}, false, -1, -1, noop), TypeError);
  assert.throws(() => S.start('true', ['true'], null, null, [-7], false, -1, -1, noop), RangeError);
  assert.throws(() => S.start('true', ['true'], null, null, [1n], false, -1, -1, noop), { code: 'EBADF' });
  assert.throws(() => S.start('true', ['true'], null, null, new Array(65).fill(-2), false, -1, -1, noop), TypeError);
  assert.throws(() => S.start('true', ['true'], null, null, [], false, -1, -1, 'fn'), TypeError);
  assert.throws(() => S.start('true', ['true'], null, null, [], false, 'u', -1, noop), TypeError);
  const failed = S.start('/nonexistent', ['x'], null, null, [-1, -2], false, -1, -1, noop);
  assert.equal(failed.error, -2);
  assert.equal(failed.pid, undefined);
  assert.equal(typeof failed.pipes[0], 'bigint', 'its pipe reads EOF, as Node has it');
  assert.equal(P.stream.readBytes(failed.pipes[0]), null);
  P.stream.close(failed.pipes[0]);
  assert.throws(() => S.kill(12345n, 15), { code: 'EBADF' });
  assert.throws(() => S.ref({}, true), TypeError);
  assert.throws(() => S.close(1n), { code: 'EBADF' });
});
