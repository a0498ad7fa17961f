// flags: --expose-gc
// node:vm: Node's own lib/vm.js over contexts that are new QuickJS contexts
// of the isolate's runtime (src/prim/vm.c, lib/node/bindings/contextify.js).
import { test, assert, event } from './harness.mjs';
import vm from 'node:vm';

test('a contextified object\'s properties are the context\'s globals, both ways', () => {
  const sb = { a: 1, list: [] };
  assert.equal(vm.createContext(sb), sb);
  assert.ok(vm.isContext(sb) && !vm.isContext({}));
  assert.deepEqual(Reflect.ownKeys(sb), ['a', 'list']); // the context's mark is a private symbol
  assert.equal(vm.runInContext('var x = a + 1; function f() { return x; } y = 3; list.push(a); a', sb), 1);
  assert.deepEqual([sb.x, typeof sb.f, sb.y, sb.list], [2, 'function', 3, [1]]);
  sb.x = 10; // the context sees the sandbox as it is now
  assert.equal(vm.runInContext('f()', sb), 10);
  assert.equal(sb.f(), 10);
  vm.runInContext('delete y; globalThis.z = 4; let hidden = 5', sb);
  assert.ok(!('y' in sb) && sb.z === 4 && !('hidden' in sb));
  assert.equal(vm.runInContext('hidden', sb), 5); // let/const stay the context's own, as in Node
  assert.deepEqual([...vm.runInContext('Object.keys(globalThis)', sb)], Object.keys(sb));
  delete sb.z;
  vm.runInContext('Object.defineProperty(this, "ro", { value: 42 }); ro = 0', sb); // sloppy: quietly kept
  assert.ok(sb.ro === 42 && !Object.getOwnPropertyDescriptor(sb, 'ro').writable);
  assert.throws(() => vm.runInContext('"use strict"; ro = 0', sb), { name: 'TypeError' });
  assert.equal(vm.runInContext('Object.getOwnPropertyDescriptor(this, "ro").writable', sb), false);
  sb.self = sb; // the sandbox read inside is the context's global, as in Node
  assert.ok(vm.runInContext('self === this', sb));
  const inherited = vm.createContext(Object.create({ fromProto: 'p' }));
  assert.equal(vm.runInContext('fromProto', inherited), 'p');
});

test('a new context has ECMAScript\'s builtins only, its own', () => {
  const types = vm.runInNewContext(
    '[typeof require, typeof process, typeof console, typeof Buffer, typeof Fiber, typeof __primordials, typeof setTimeout]');
  assert.deepEqual([...types], Array(7).fill('undefined'));
  assert.equal(vm.runInNewContext('typeof Array + typeof Promise + typeof JSON + typeof Error.captureStackTrace'),
    'functionfunctionobjectfunction');
  const g = vm.runInNewContext('this');
  assert.ok(typeof g.RegExp === 'function' && g.RegExp !== RegExp && g.Object !== Object);
  assert.ok(vm.runInNewContext('globalThis === this && this.globalThis === this'));
  assert.throws(() => vm.runInNewContext('notDefinedAnywhere'), { name: 'ReferenceError' });
  assert.throws(() => vm.runInNewContext('"use strict"; undeclared = 1'), { name: 'ReferenceError' });
  assert.equal(vm.runInThisContext('typeof Fiber'), 'function'); // this context: the caller's globals
});

test('values cross contexts; instanceof and errors behave as in Node', () => {
  const sb = vm.createContext({ outside: { n: 1 } });
  const arr = vm.runInContext('[1, 2]', sb);
  assert.ok(!(arr instanceof Array) && Array.isArray(arr));
  assert.ok(arr instanceof vm.runInContext('Array', sb));
  const inside = vm.runInContext('outside.n++; outside', sb);
  assert.ok(inside === sb.outside && inside.n === 2 && inside instanceof Object);
  const add = vm.runInContext('(a, b) => a + b', sb);
  assert.equal(add(2, 3), 5);
  let caught;
  try {
    vm.runInContext('throw new TypeError("inside")', sb);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught.name === 'TypeError' && caught.message === 'inside');
  assert.ok(!(caught instanceof TypeError) && caught instanceof vm.runInContext('TypeError', sb));
  assert.throws(() => vm.runInContext('outside.missing.x', sb), { name: 'TypeError' });
  const done = event();
  vm.runInContext('Promise.resolve(7)', sb).then(done.fire);
  assert.equal(done.wait(), 7);
});

test('Script: filename, lineOffset and columnOffset in stack traces and syntax errors', () => {
  const s = new vm.Script('\n\nthrow new Error("boom")', { filename: 'file.js', lineOffset: 10 });
  const e = assert.throws(() => s.runInThisContext(), { message: 'boom' });
  assert.match(e.stack, /file\.js:13:/);
  const syntax = assert.throws(() => new vm.Script('let a = ;', { filename: 'bad.js', lineOffset: 4, columnOffset: 2 }),
    { name: 'SyntaxError' });
  assert.match(syntax.stack, /bad\.js:5:/);
  const column = (columnOffset) => assert.throws(() =>
    vm.runInNewContext('throw new Error("c")', {}, { filename: 'c.js', columnOffset }), {}).stack.match(/c\.js:1:(\d+)/)[1];
  assert.equal(column(20) - column(0), 20);
  assert.equal(new vm.Script('x * 2').runInNewContext({ x: 21 }), 42);
  const counter = new vm.Script('n = (typeof n === "number" ? n : 0) + 1');
  const ctx = vm.createContext({});
  counter.runInContext(ctx);
  counter.runInContext(ctx);
  assert.equal(ctx.n, 2);
});

test('timeout ends a runaway script with ERR_SCRIPT_EXECUTION_TIMEOUT', () => {
  const sb = vm.createContext({ n: 0 });
  assert.throws(() => vm.runInContext('for (;;) n++', sb, { timeout: 5 }),
    { code: 'ERR_SCRIPT_EXECUTION_TIMEOUT', message: 'Script execution timed out after 5ms' });
  assert.ok(sb.n > 0);
  // try/catch inside does not catch it; the context stays usable
  assert.throws(() => vm.runInContext('try { for (;;); } catch (e) { "caught" }', sb, { timeout: 5 }),
    { code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' });
  assert.equal(vm.runInContext('n > 0', sb, { timeout: 1000 }), true);
  assert.throws(() => vm.runInContext('1', sb, { timeout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
});

test('compileFunction: params, contextExtensions, parsingContext', () => {
  const fn = vm.compileFunction('return a + b + c', ['a', 'b'], { contextExtensions: [{ c: 100 }, { b: 'ignored' }] });
  assert.equal(fn(1, 2), 103);
  assert.equal(fn.toString(), 'function (a, b) {\nreturn a + b + c\n}');
  const ctx = vm.createContext({ k: 5 });
  const inCtx = vm.compileFunction('return k * 2', [], { parsingContext: ctx });
  assert.equal(inCtx(), 10);
  const e = assert.throws(() => vm.compileFunction('throw new Error("f")', [], { filename: 'fn.js', lineOffset: 7 })(), {});
  assert.match(e.stack, /fn\.js:8:/);
  assert.throws(() => vm.compileFunction('return', 'a'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => vm.compileFunction('}{'), { name: 'SyntaxError' });
});

test('bad input: Node\'s errors; a stack overflow inside is a RangeError', () => {
  assert.throws(() => vm.runInContext('1', {}), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  assert.throws(() => vm.createContext(1), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => vm.isContext('x'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new vm.Script('1', { filename: 5 }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new vm.Script('1', { lineOffset: 1.5 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => vm.runInNewContext('function r() { return r() + 1 } r()'), { name: 'RangeError' });
  const sb = vm.createContext({});
  assert.throws(() => vm.runInContext('(function r() { r() })()', sb), { name: 'RangeError' });
  assert.equal(vm.runInContext('1 + 1', sb), 2);
});

test('DONT_CONTEXTIFY gives the new context\'s own global object', () => {
  const g = vm.createContext(vm.constants.DONT_CONTEXTIFY);
  assert.ok(vm.isContext(g));
  vm.runInContext('var v = 1', g);
  assert.equal(g.v, 1);
  assert.ok(typeof g.Array === 'function' && g.Array !== Array);
});

test('thousands of contexts are freed; values outlive their context', () => {
  const kept = [];
  for (let i = 0; i < 2000; i++) {
    const sb = { i };
    vm.createContext(sb);
    const f = vm.runInContext('var o = { i, big: new Array(100).fill(i) }; () => o', sb);
    if (i % 500 === 0) kept.push(f);
    if (i % 1000 === 0) globalThis.gc();
  }
  globalThis.gc();
  assert.deepEqual(kept.map((f) => f().i), [0, 500, 1000, 1500]);
  const err = vm.runInNewContext('new RangeError("kept")');
  globalThis.gc();
  assert.ok(err.message === 'kept' && err.name === 'RangeError' && /kept/.test(err.stack));
});

test('a script run in many contexts compiles once for each and keeps none alive', () => {
  const script = new vm.Script('x * 2');
  const ctx = vm.createContext({ x: 4 });
  assert.equal(script.runInContext(ctx), 8);
  ctx.x = 5;
  assert.equal(script.runInContext(ctx), 10);
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1000; i++) assert.equal(script.runInNewContext({ x: i }), i * 2);
  globalThis.gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 8 * 1024 * 1024, `1000 dead contexts still hold ${grown} bytes`);
});
