// flags: --expose-internals --expose-gc
// node:fs's watchers: fs.watch (FSEvent over libuv's fs events, inotify),
// fs.watchFile/unwatchFile (StatWatcher over libuv's stat poll), the
// promise form (fs.promises.watch), their bad input (ENOENT with path and
// syscall, ERR_INVALID_ARG_TYPE), and a FileHandle collected while open.
// Each test waits for the events it expects, never on a clock.
import { test, assert, event, condition, tmpdir } from './harness.mjs';
import { requireBuiltin } from 'corojs:internal/node/builtins';

const fs = requireBuiltin('fs');
const path = requireBuiltin('path');

const dir = fs.mkdtempSync(path.join(tmpdir, 'watch-'));

test("fs.watch: 'rename' for a new file, 'change' for a write, then close", () => {
  const seen = [];
  const changed = condition();
  const w = fs.watch(dir, (type, name) => {
    seen.push(`${type} ${name}`);
    changed.notify();
  });
  fs.writeFileSync(path.join(dir, 'a.txt'), 'one');
  changed.until(() => seen.includes('rename a.txt'));
  fs.appendFileSync(path.join(dir, 'a.txt'), 'two');
  changed.until(() => seen.includes('change a.txt'));
  const closed = event();
  w.on('close', closed.fire);
  w.close();
  closed.wait();
});

test("fs.watch on a file, encoding 'buffer': the name as a Buffer", () => {
  const file = path.join(dir, 'b.txt');
  fs.writeFileSync(file, '');
  const got = event();
  const w = fs.watch(file, { encoding: 'buffer' }, (type, name) => got.fire({ type, name }));
  fs.writeFileSync(file, 'x');
  const { type, name } = got.wait();
  w.close();
  assert.equal(type, 'change');
  assert.ok(Buffer.isBuffer(name));
  assert.equal(name.toString(), 'b.txt');
});

test('fs.promises.watch: an async iterator of the events, ended by its signal', () => {
  const ac = new AbortController();
  const done = event();
  (async () => {
    const events = [];
    try {
      for await (const e of fs.promises.watch(dir, { signal: ac.signal })) {
        events.push(`${e.eventType} ${e.filename}`);
        if (e.filename === 'c.txt') ac.abort();
      }
    } catch (err) {
      events.push(err.name);
    }
    return events;
  })().then(done.fire, done.fire);
  fs.writeFileSync(path.join(dir, 'c.txt'), 'c');
  const events = done.wait();
  assert.equal(events.at(-1), 'AbortError');
  assert.ok(events.includes('rename c.txt'));
});

test('fs.watchFile: listener(curr, prev) on a change; unwatchFile stops it', () => {
  const file = path.join(dir, 'd.txt');
  fs.writeFileSync(file, '1');
  const got = event();
  const listener = (curr, prev) => got.fire({ curr, prev });
  fs.watchFile(file, { interval: 10 }, listener);
  fs.writeFileSync(file, '12345');
  const { curr, prev } = got.wait();
  fs.unwatchFile(file, listener);
  assert.equal(curr.size, 5);
  assert.equal(prev.size, 1);
  assert.ok(curr.isFile());
  assert.ok(curr.mtimeMs >= prev.mtimeMs);
});

test('fs.watchFile on a missing file: zeros first (as Node), then the file once it appears, bigint stats', () => {
  const file = path.join(dir, 'e.txt');
  const calls = [];
  const called = condition();
  fs.watchFile(file, { interval: 10, bigint: true }, (curr, prev) => {
    calls.push([curr.size, prev.size, prev.mtimeMs]);
    called.notify();
  });
  called.until(() => calls.length > 0);
  fs.writeFileSync(file, 'abc');
  called.until(() => calls.some(([size]) => size === 3n));
  fs.unwatchFile(file);
  assert.deepEqual(calls[0], [0n, 0n, 0n]);
  assert.deepEqual(calls.at(-1), [3n, 0n, 0n]);
});

test('bad input: ENOENT with path and syscall; TypeError naming the argument', () => {
  const missing = path.join(dir, 'nope', 'x');
  const e = assert.throws(() => fs.watch(missing), { code: 'ENOENT', syscall: 'watch', path: missing });
  assert.equal(e.message, `ENOENT: no such file or directory, watch '${missing}'`);
  assert.equal(e.errno, -2);
  assert.throws(() => fs.watch(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => fs.watch(dir, { encoding: 'nope' }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => fs.watchFile(dir), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => fs.watchFile(dir, { interval: 'x' }, () => {}), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => fs.watch('a\0b'), { code: 'ERR_INVALID_ARG_VALUE' });
});

test('an unref()d watcher does not keep the program going; closing twice is fine', () => {
  const w = fs.watch(dir).unref();
  w.close();
  w.close();
  const s = fs.watchFile(path.join(dir, 'f.txt'), () => {});
  s.unref();
  fs.unwatchFile(path.join(dir, 'f.txt'));
});

test('a FileHandle collected while open: its descriptor is closed, with the warnings', () => {
  const warnings = [];
  const warned = condition();
  const onWarning = (w) => {
    warnings.push(w.code ?? w.message);
    warned.notify();
  };
  process.on('warning', onWarning);
  const opened = event();
  fs.promises.open(path.join(dir, 'a.txt')).then((fh) => opened.fire(fh.fd));
  const fd = opened.wait();
  warned.until(() => {
    globalThis.gc();
    return warnings.length >= 2;
  });
  process.off('warning', onWarning);
  assert.deepEqual(warnings, [`Closing file descriptor ${fd} on garbage collection`, 'DEP0137']);
  assert.throws(() => fs.fstatSync(fd), { code: 'EBADF', syscall: 'fstat' });
});
