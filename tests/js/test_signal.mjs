// flags: --allow-syscall
// process.on: signals ('SIGUSR1', ...) and 'uncaughtException'.
import { test, assert } from './harness.mjs';
import { syscall, SYS } from 'corojs:syscall';

const SIGUSR1 = 10, SIGUSR2 = 12;

// A promise of the next delivery of `name` to a listener added now.
function next(name, once = true) {
  return new Promise((resolve) => process[once ? 'once' : 'on'](name, resolve));
}

// Fiber.await(promise), with a timer keeping the loop going meanwhile: a
// signal listener alone does not (so this file ends although a SIGUSR2
// listener stays).
function awaitSignal(promise) {
  const keep = setInterval(() => {}, 60000);
  try {
    return Fiber.await(promise);
  } finally {
    clearInterval(keep);
  }
}

test('a signal runs its listeners, in a fiber, each time it comes', () => {
  const seen = [];
  const listener = (name) => seen.push([name, Fiber.current !== null]);
  process.on('SIGUSR1', listener);
  assert.equal(process.listenerCount('SIGUSR1'), 1);
  for (let i = 0; i < 2; i++) {
    const delivered = next('SIGUSR1');
    assert.equal(syscall(SYS.kill, process.pid, SIGUSR1), 0);
    assert.equal(awaitSignal(delivered), 'SIGUSR1');
  }
  assert.deepEqual(seen, [['SIGUSR1', true], ['SIGUSR1', true]]);
  process.off('SIGUSR1', listener);
  assert.equal(process.listenerCount('SIGUSR1'), 0);
});

test('once listens to one delivery only', () => {
  let count = 0;
  process.once('SIGUSR2', () => count++);
  const keep = next('SIGUSR2', false);
  syscall(SYS.kill, process.pid, SIGUSR2);
  awaitSignal(keep);
  assert.equal(count, 1);
  assert.equal(process.listenerCount('SIGUSR2'), 1, 'the other listener stays');
});

test('bad arguments are refused', () => {
  assert.throws(() => process.on('SIGNOPE', () => {}), { name: 'RangeError' });
  assert.throws(() => process.on('SIGKILL', () => {}), { name: 'RangeError' });
  assert.throws(() => process.on('SIGINT', 'x'), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('only a root isolate watches signals', () => {
  const child = new Isolate(import.meta.dirname + '/fixtures/signal/watches.mjs');
  assert.equal(child.call('watch'), 'ERR_ACCESS_DENIED');
  child.terminate();
  child.join();
});

test("an uncaught error goes to process.on('uncaughtException') and the program goes on", () => {
  const got = [];
  let done;
  const all = new Promise((resolve) => { done = resolve; });
  const listener = (error, origin) => {
    got.push([error.message, origin]);
    if (got.length === 2) done();
  };
  process.on('uncaughtException', listener);
  setTimeout(() => { throw new Error('from a timer'); }, 0);
  Promise.reject(new Error('rejected'));
  Fiber.await(all);
  process.off('uncaughtException', listener);
  got.sort((a, b) => a[0].localeCompare(b[0]));
  assert.deepEqual(got, [['from a timer', 'uncaughtException'], ['rejected', 'unhandledRejection']]);
});
