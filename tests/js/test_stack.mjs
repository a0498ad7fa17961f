// Error stacks as V8 makes them (src/core/stack.c, QuickJS patch 0011):
// the text of `stack`, Error.captureStackTrace, Error.stackTraceLimit and
// Error.prepareStackTrace with call sites, used the way npm packages use
// them (depd, callsites, source-map-support).
import { test, assert } from './harness.mjs';

const FILE = new URL(import.meta.url).pathname;
const here = (name) => new RegExp(`^    at ${name} \\(${FILE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+\\)$`);

// Run fn with Error's stack settings changed, then put them back.
function withError(settings, fn) {
  const saved = { stackTraceLimit: Error.stackTraceLimit, prepareStackTrace: Error.prepareStackTrace };
  Object.assign(Error, settings);
  try {
    return fn();
  } finally {
    Object.assign(Error, saved);
  }
}

function makeError(message) {
  return new TypeError(message);
}

class Widget {
  constructor() {
    this.error = new Error('in constructor');
  }
}

test('a stack starts with "Name: message", then a line per frame as V8 writes it', () => {
  const lines = makeError('bad thing').stack.split('\n');
  assert.equal(lines[0], 'TypeError: bad thing');
  assert.match(lines[1], here('makeError'));
  assert.match(lines[2], /^    at \S+test_stack\.mjs:\d+:\d+$/); // a top level has no name
  assert.equal(new Error().stack.split('\n')[0], 'Error');
  const named = new RangeError('r');
  named.name = 'Custom'; // made when first read, as V8's
  assert.equal(named.stack.split('\n')[0], 'Custom: r');
});

test('a constructor frame says "new", a function in C says <anonymous>', () => {
  assert.match(new Widget().error.stack.split('\n')[1], here('new Widget'));
  const e = [1].map(function mapper() { return new Error('m'); })[0];
  assert.match(e.stack.split('\n')[1], here('mapper'));
  assert.match(e.stack.split('\n')[2], /^    at map \(<anonymous>\)$/);
});

test('stack is an own writable, configurable, not enumerable data property', () => {
  const e = new Error('x');
  const d = Object.getOwnPropertyDescriptor(e, 'stack');
  assert.deepEqual([typeof d.value, d.writable, d.enumerable, d.configurable], ['string', true, false, true]);
  e.stack = 'mine';
  assert.equal(e.stack, 'mine');
  delete e.stack;
  assert.equal(e.stack, undefined);
  assert.ok(!Object.keys(new Error('y')).includes('stack'));
});

test('Error.captureStackTrace(obj) gives obj a stack from the caller down', () => {
  const obj = { name: 'Thing', message: 'happened' };
  function capture() { Error.captureStackTrace(obj); }
  capture();
  const lines = obj.stack.split('\n');
  assert.equal(lines[0], 'Thing: happened');
  assert.match(lines[1], here('capture'));
  const plain = {};
  Error.captureStackTrace(plain);
  assert.equal(plain.stack.split('\n')[0], 'Error');
  assert.ok(!Object.getOwnPropertyDescriptor(plain, 'stack').enumerable);
});

test('Error.captureStackTrace(obj, fn) leaves out fn and the frames above it', () => {
  const obj = {};
  function outer() { middle(); }
  function middle() { inner(); }
  function inner() { Error.captureStackTrace(obj, middle); }
  outer();
  const lines = obj.stack.split('\n');
  assert.match(lines[1], here('outer'));
  assert.ok(!/inner|middle/.test(obj.stack), obj.stack);
  // a function that is not running leaves no frame at all, as in V8
  Error.captureStackTrace(obj, function notRunning() {});
  assert.equal(obj.stack, 'Error');
  // an error's own stack is replaced
  const e = new Error('again');
  (function again() { Error.captureStackTrace(e, again); })();
  assert.ok(!/again \(/.test(e.stack), e.stack);
});

test('Error.captureStackTrace: bad input', () => {
  for (const bad of [undefined, null, 1, 'str', Symbol('s')]) {
    const e = assert.throws(() => Error.captureStackTrace(bad), { name: 'TypeError' });
    assert.match(e.message, /"targetObject" argument/);
  }
  assert.throws(() => Error.captureStackTrace(Object.freeze({})), { name: 'TypeError', message: /not extensible/ });
  const locked = Object.defineProperty({}, 'stack', { value: 'fixed', configurable: false });
  assert.throws(() => Error.captureStackTrace(locked), { name: 'TypeError' });
  assert.equal(locked.stack, 'fixed');
  // a function as the target works, as in V8
  const f = function target() {};
  Error.captureStackTrace(f);
  assert.equal(typeof f.stack, 'string');
  const d = Object.getOwnPropertyDescriptor(Error, 'captureStackTrace');
  assert.deepEqual([d.writable, d.enumerable, d.configurable], [true, false, true]);
});

test('Error.stackTraceLimit: a count, 0, Infinity, and no stack when not a number', () => {
  function deep(n) { return n === 0 ? new Error('deep') : deep(n - 1); }
  const count = (e) => e.stack.split('\n').length - 1;
  assert.equal(Error.stackTraceLimit, 10);
  assert.equal(count(deep(20)), 10);
  withError({ stackTraceLimit: 3 }, () => assert.equal(count(deep(20)), 3));
  withError({ stackTraceLimit: 0 }, () => assert.equal(deep(5).stack, 'Error: deep'));
  withError({ stackTraceLimit: -4 }, () => assert.equal(deep(5).stack, 'Error: deep'));
  withError({ stackTraceLimit: 2.7 }, () => assert.equal(count(deep(20)), 2));
  withError({ stackTraceLimit: Infinity }, () => assert.ok(count(deep(40)) >= 41));
  for (const notNumber of ['5', null, {}, undefined]) {
    withError({ stackTraceLimit: notNumber }, () => assert.equal(deep(1).stack, undefined));
  }
  const saved = Error.stackTraceLimit;
  delete Error.stackTraceLimit;
  try {
    assert.equal(new Error('gone').stack, undefined);
  } finally {
    Error.stackTraceLimit = saved;
  }
  // a getter is not run (V8 reads the limit without running JS)
  let ran = false;
  Object.defineProperty(Error, 'stackTraceLimit', { get() { ran = true; return 1; }, configurable: true });
  try {
    assert.equal(new Error('g').stack, undefined);
    assert.ok(!ran);
  } finally {
    Object.defineProperty(Error, 'stackTraceLimit', { value: saved, writable: true, enumerable: true, configurable: true });
  }
});

test('Error.prepareStackTrace gets the error and V8 call sites', () => {
  function site() { return new Error('s'); }
  const sites = withError({ prepareStackTrace: (err, cs) => cs }, () => site().stack);
  assert.ok(Array.isArray(sites) && sites.length >= 2);
  const s = sites[0];
  assert.deepEqual([s.getFileName(), s.getFunctionName(), typeof s.getLineNumber(), typeof s.getColumnNumber()],
    [FILE, 'site', 'number', 'number']);
  assert.equal(s.getLineNumber(), Number(/:(\d+):\d+\)$/.exec(String(s))[1]));
  assert.deepEqual([s.getTypeName(), s.getMethodName(), s.getThis(), s.getFunction(), s.getEvalOrigin()],
    [null, null, undefined, undefined, undefined]);
  assert.deepEqual([s.isNative(), s.isToplevel(), s.isEval(), s.isConstructor(), s.isAsync()],
    [false, true, false, false, false]);
  assert.match(`    at ${s}`, here('site'));
  assert.equal(sites[1].getFunctionName(), null); // the module's top level
  const ctor = withError({ prepareStackTrace: (err, cs) => cs[0] }, () => new Widget().error.stack);
  assert.deepEqual([ctor.isConstructor(), ctor.getFunctionName()], [true, 'Widget']);
  const evaled = withError({ prepareStackTrace: (err, cs) => cs[0] }, () => (0, eval)('new Error("e")').stack);
  assert.deepEqual([evaled.isEval(), evaled.getFunctionName()], [true, 'eval']);
  const native = withError({ prepareStackTrace: (err, cs) => cs[1] }, () => [0].map(() => new Error()).pop().stack);
  assert.deepEqual([native.getFileName(), native.getLineNumber(), String(native)], [null, null, 'map (<anonymous>)']);
  assert.throws(() => s.getFileName.call({}), { name: 'TypeError' });
  assert.throws(() => new (Object.getPrototypeOf(s).constructor)(), { name: 'TypeError' });
});

test('prepareStackTrace runs when the stack is first read, once', () => {
  let calls = 0;
  const e = new Error('lazy');
  const text = withError({ prepareStackTrace: (err, cs) => { calls++; return `custom ${err.message} ${cs.length}`; } }, () => {
    const first = e.stack;
    assert.equal(e.stack, first);
    return first;
  });
  assert.match(text, /^custom lazy \d+$/);
  assert.equal(calls, 1);
  assert.equal(e.stack, text); // kept after prepareStackTrace is gone
});

test('prepareStackTrace: what it returns, what it throws, errors made inside it', () => {
  const obj = withError({ prepareStackTrace: () => ({ any: 'value' }) }, () => new Error().stack);
  assert.deepEqual(obj, { any: 'value' });
  const thrown = withError({ prepareStackTrace: () => { throw new SyntaxError('from prepare'); } },
    () => assert.throws(() => new Error('x').stack));
  assert.equal(thrown.message, 'from prepare');
  // an error made inside prepareStackTrace gets V8's text, not a recursion
  const inner = withError({ prepareStackTrace: (err) => new Error(`inner of ${err.message}`).stack }, () => new Error('outer').stack);
  assert.match(inner, /^Error: inner of outer\n    at /);
  // reading the error's own stack inside it gives the plain text
  const own = withError({ prepareStackTrace: (err) => `[${err.stack}]` }, () => new Error('self').stack);
  assert.match(own, /^\[Error: self\n    at /);
  // not a function: the plain text
  assert.match(withError({ prepareStackTrace: 42 }, () => new Error('n').stack), /^Error: n\n/);
});

// depd (Express's dependency) reads its caller's place this way at load time.
test("depd's getStack and callSiteLocation work", () => {
  function getStack() {
    const limit = Error.stackTraceLimit;
    const obj = {};
    const prep = Error.prepareStackTrace;
    Error.prepareStackTrace = (o, stack) => stack;
    Error.stackTraceLimit = Math.max(10, limit);
    Error.captureStackTrace(obj);
    const stack = obj.stack.slice(1);
    Error.prepareStackTrace = prep;
    Error.stackTraceLimit = limit;
    return stack;
  }
  function callSiteLocation(callSite) {
    const file = callSite.getFileName() || '<anonymous>';
    const site = [file, callSite.getLineNumber(), callSite.getColumnNumber()];
    if (callSite.isEval()) site[0] = `${callSite.getEvalOrigin()}, ${site[0]}`;
    site.name = callSite.getFunctionName();
    return site;
  }
  function depd() { return getStack(); }
  function userModule() { return depd(); }
  const stack = userModule();
  assert.equal(stack[0].getFunctionName(), 'depd');
  const loc = callSiteLocation(stack[1]);
  assert.deepEqual([loc[0], typeof loc[1], loc.name], [FILE, 'number', 'userModule']);
  assert.equal(Error.prepareStackTrace, undefined);
});

test('call, apply and Reflect.apply leave no frame, as in V8 (depd counts frames)', () => {
  function inner() { return new Error('x').stack.split('\n')[2]; }
  function outer(how) {
    if (how === 'call') return inner.call(null);
    if (how === 'apply') return inner.apply(null, []);
    return Reflect.apply(inner, null, []);
  }
  for (const how of ['call', 'apply', 'Reflect.apply']) assert.match(outer(how), here('outer'));
  const e = [1].map(function mapper() { return new Error('m'); })[0];
  assert.match(e.stack.split('\n')[2], /^    at map \(<anonymous>\)$/); // other C frames stay
});

// The callsites package: Error.prepareStackTrace = (_, s) => s; new Error().stack.slice(1).
test('callsites-style use and source-map-support-style rewriting', () => {
  function callsites() { // callsites 4.x, as published
    const saved = Error.prepareStackTrace;
    try {
      let result = [];
      Error.prepareStackTrace = (_, callSites) => {
        const callSitesWithoutCurrent = callSites.slice(1);
        result = callSitesWithoutCurrent;
        return callSitesWithoutCurrent;
      };
      new Error().stack; // eslint-disable-line no-unused-expressions
      return result;
    } finally {
      Error.prepareStackTrace = saved;
    }
  }
  function caller() { return callsites()[0]; }
  assert.equal(caller().getFunctionName(), 'caller');
  const rewritten = withError({
    prepareStackTrace: (error, stack) => `${error}${stack.map((s) => `\n    at ${String(s).replace(/:(\d+):(\d+)\)$/, ':1:1)')}`).join('')}`,
  }, () => makeError('mapped').stack);
  assert.match(rewritten.split('\n')[1], /^    at makeError \(.*:1:1\)$/);
});
