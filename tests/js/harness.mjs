// The JS tests' harness. test(name, fn) runs fn at once, in the calling fiber
// (so it may block), and prints "ok - name" or "not ok - name" with the
// error; tests/run.sh counts the lines.
import { inspect } from 'corojs:util';

export function test(name, fn) {
  try {
    fn();
    console.log(`ok - ${name}`);
  } catch (e) {
    console.log(`not ok - ${name}`);
    console.log(inspect(e).split('\n').map((l) => `  # ${l}`).join('\n'));
  }
}

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

function fail(message) {
  throw new AssertionError(message);
}

function same(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Map || a instanceof Set) return same([...a], [...b]);
  if (ArrayBuffer.isView(a)) return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  const ka = Reflect.ownKeys(a), kb = Reflect.ownKeys(b);
  return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
}

export const assert = {
  ok(v, message) {
    if (!v) fail(message ?? `expected a truthy value, got ${inspect(v)}`);
  },
  equal(actual, expected, message) {
    if (!Object.is(actual, expected)) fail(message ?? `expected ${inspect(expected)}, got ${inspect(actual)}`);
  },
  notEqual(actual, expected, message) {
    if (Object.is(actual, expected)) fail(message ?? `expected something other than ${inspect(expected)}`);
  },
  deepEqual(actual, expected, message) {
    if (!same(actual, expected)) fail(message ?? `expected ${inspect(expected)}, got ${inspect(actual)}`);
  },
  match(string, re, message) {
    if (typeof string !== 'string' || !re.test(string)) fail(message ?? `expected ${inspect(string)} to match ${re}`);
  },
  // throws(fn, { name, code, message: RegExp, syscall, path }) -> the error
  throws(fn, expected = {}) {
    let error;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    if (error === undefined) fail('expected an exception, none was thrown');
    for (const [key, want] of Object.entries(expected)) {
      const got = key === 'name' ? error?.constructor?.name ?? error?.name : error?.[key];
      if (want instanceof RegExp ? !want.test(String(got)) : got !== want) {
        fail(`expected error.${key} ${want instanceof RegExp ? 'to match' : 'to be'} ${inspect(want)}, got ${inspect(got)}\n${inspect(error)}`);
      }
    }
    return error;
  },
};

// A one-shot event for a test to wait on instead of a clock: fire(value)
// once; wait() parks the calling fiber until then and returns the value.
export function event() {
  const { promise, resolve } = Promise.withResolvers();
  return { fire: resolve, wait: () => Fiber.await(promise), promise };
}

// A condition a test waits on instead of polling a clock: what changes the
// state the test checks calls notify(); until(pred) parks the calling fiber
// until pred() holds (checked at once and after each notify()).
export function condition() {
  let waiters = [];
  return {
    notify() {
      const woken = waiters;
      waiters = [];
      for (const resolve of woken) resolve();
    },
    until(pred) {
      while (!pred()) {
        const { promise, resolve } = Promise.withResolvers();
        waiters.push(resolve);
        Fiber.await(promise);
      }
    },
  };
}

// A fresh directory for this test file, made by tests/run.sh.
export const tmpdir = process.env.TEST_TMPDIR ?? '/tmp';
