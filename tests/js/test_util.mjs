import { test, assert } from './harness.mjs';
import { inspect, format } from 'corojs:util';

test('primitives', () => {
  assert.equal(inspect('s'), "'s'");
  assert.equal(inspect("it's"), `"it's"`);
  assert.equal(inspect('a\nb'), "'a\\nb'");
  assert.equal(inspect(-0), '-0');
  assert.equal(inspect(12n), '12n');
  assert.equal(inspect(Symbol('k')), 'Symbol(k)');
  assert.equal(inspect(undefined), 'undefined');
  assert.equal(inspect(null), 'null');
  assert.equal(inspect(true), 'true');
});

test('objects and arrays', () => {
  assert.equal(inspect({ a: 1, 'b-c': 'x', [Symbol('s')]: 2 }), "{ a: 1, 'b-c': 'x', [Symbol(s)]: 2 }");
  assert.equal(inspect([1, 'two', [3]]), "[ 1, 'two', [ 3 ] ]");
  assert.equal(inspect([]), '[]');
  assert.equal(inspect({}), '{}');
  assert.equal(inspect([1, , 3]), '[ 1, <1 empty item>, 3 ]');
  assert.equal(inspect(Object.create(null)), '[Object: null prototype] {}');
  class Point { constructor() { this.x = 1; } }
  assert.equal(inspect(new Point()), 'Point { x: 1 }');
  assert.equal(inspect({ get g() { return 1; }, set s(v) {} }), '{ g: [Getter], s: [Setter] }');
});

test('depth: nested objects beyond 2 levels are abbreviated', () => {
  assert.equal(inspect({ a: { b: { c: { d: 1 } } } }), '{ a: { b: { c: [Object] } } }');
  assert.equal(inspect({ a: { b: { c: [1] } } }), '{ a: { b: { c: [Array] } } }');
  assert.equal(inspect({ a: { b: { c: { d: 1 } } } }, { depth: null }), '{\n  a: { b: { c: { d: 1 } } }\n}');
});

test('arrays of more than 6 short entries are grouped in columns; only the 3 innermost levels share a line (Node\'s layout)', () => {
  assert.equal(inspect(Array.from({ length: 30 }, (_, i) => i * 7)),
    "[\n    0,   7,  14,  21,  28,  35,  42,  49,\n   56,  63,  70,  77,  84,  91,  98, 105,\n  112, 119, 126, 133, 140, 147, 154, 161,\n  168, 175, 182, 189, 196, 203\n]");
  assert.equal(inspect(new Uint8Array(16).map((_, i) => i * 17)),
    "Uint8Array(16) [\n    0,  17,  34,  51,  68,\n   85, 102, 119, 136, 153,\n  170, 187, 204, 221, 238,\n  255\n]");
  assert.equal(inspect(Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i).repeat(i % 5 + 1))),
    "[\n  'a',     'bb',    'ccc',   'dddd',\n  'eeeee', 'f',     'gg',    'hhh',\n  'iiii',  'jjjjj', 'k',     'll',\n  'mmm',   'nnnn',  'ooooo', 'p',\n  'qq',    'rrr',   'ssss',  'ttttt',\n  'u',     'vv',    'www',   'xxxx',\n  'yyyyy', 'z'\n]");
  assert.equal(inspect(['a.js', 'src/deep/.hidden.js', 'src/deep/z.js', 'src/x.js', 'src/y.mjs']),
    "[\n  'a.js',\n  'src/deep/.hidden.js',\n  'src/deep/z.js',\n  'src/x.js',\n  'src/y.mjs'\n]");
  assert.equal(inspect(Array.from({ length: 120 }, (_, i) => i)),
    "[\n   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,\n  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,\n  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,\n  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,\n  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,\n  84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,\n  96, 97, 98, 99,\n  ... 20 more items\n]");
  assert.equal(inspect({ a: { b: { c: {}, d: [], e: new Set() } } }),
    "{ a: { b: { c: {}, d: [], e: Set(0) {} } } }");
});

test('long output breaks into lines', () => {
  const o = { alpha: 'aaaaaaaaaaaaaaa', beta: 'bbbbbbbbbbbbbbbbbb', gamma: 'ccccccccccccccccc', delta: 'dddddddddd' };
  assert.equal(inspect(o), "{\n  alpha: 'aaaaaaaaaaaaaaa',\n  beta: 'bbbbbbbbbbbbbbbbbb',\n  gamma: 'ccccccccccccccccc',\n  delta: 'dddddddddd'\n}");
  assert.match(inspect(Array.from({ length: 120 }, (_, i) => i)), /\.\.\. 20 more items/);
});

test('circular references', () => {
  const o = { name: 'o' };
  o.self = o;
  assert.equal(inspect(o), "<ref *1> { name: 'o', self: [Circular *1] }");
  const a = [1];
  a.push(a);
  assert.equal(inspect(a), '<ref *1> [ 1, [Circular *1] ]');
});

test('built-in types', () => {
  assert.equal(inspect(new Map([['k', { v: 1 }]])), "Map(1) { 'k' => { v: 1 } }");
  assert.equal(inspect(new Set([1, 'a'])), "Set(2) { 1, 'a' }");
  assert.equal(inspect(new Uint8Array([1, 2, 3])), 'Uint8Array(3) [ 1, 2, 3 ]');
  assert.equal(inspect(new Uint8Array([1, 2]).buffer), 'ArrayBuffer { [Uint8Contents]: <01 02>, byteLength: 2 }');
  assert.equal(inspect(new Date(0)), '1970-01-01T00:00:00.000Z');
  assert.equal(inspect(/x+/g), '/x+/g');
  assert.equal(inspect(new WeakMap()), 'WeakMap { <items unknown> }');
  assert.equal(inspect(new Number(3)), '[Number: 3]');
  assert.equal(inspect(Promise.resolve(4)), 'Promise { 4 }');
  assert.equal(inspect(new Promise(() => {})), 'Promise { <pending> }');
  const rejected = Promise.reject(new Error('r'));
  rejected.catch(() => {});
  assert.match(inspect(rejected), /^Promise \{ <rejected> Error: r/);
});

test('functions and classes', () => {
  function named() {}
  assert.equal(inspect(named), '[Function: named]');
  assert.equal(inspect(() => {}), '[Function (anonymous)]');
  assert.equal(inspect(async function af() {}), '[AsyncFunction: af]');
  assert.equal(inspect(class Foo {}), '[class Foo]');
});

test('errors show their stack and extra properties', () => {
  const e = new Error('boom');
  assert.match(inspect(e), /^Error: boom\n    at /);
  e.code = 'EBOOM';
  assert.match(inspect(e), /\{\n?\s*code: 'EBOOM'\s*\}$/);
  assert.match(inspect({ e: new TypeError('inner') }), /TypeError: inner/);
});

test('custom inspect', () => {
  const o = { [inspect.custom]: () => 'CUSTOM' };
  assert.equal(inspect({ o }), '{ o: CUSTOM }');
});

test('format: placeholders', () => {
  assert.equal(format('%s=%d', 'x', 42), 'x=42');
  assert.equal(format('%i', 3.9), '3');
  assert.equal(format('%f', '1.5'), '1.5');
  assert.equal(format('%j', { a: 1 }), '{"a":1}');
  assert.equal(format('%o', [1]), '[ 1 ]');
  assert.equal(format('100%%'), '100%');
  assert.equal(format('%s', { a: 1 }), '{ a: 1 }');
  assert.equal(format('%d', 5n), '5n');
  assert.equal(format('%s and', 'a', 'b', 3), 'a and b 3');
  assert.equal(format('%s'), '%s');
  assert.equal(format(1, 'two', { t: 3 }), "1 two { t: 3 }");
  const c = {};
  c.c = c;
  assert.equal(format('%j', c), '[Circular]');
});

// Proxies, cycles and depth, as Node shows them (issue 13, item 18).
const trap = () => { throw new Error('a trap ran'); };
const allTraps = {
  get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap,
  apply: trap, construct: trap, set: trap, defineProperty: trap, isExtensible: trap,
};

test('a proxy is shown as its target, without running a trap', () => {
  assert.equal(inspect(new Proxy({ b: 2 }, allTraps)), '{ b: 2 }');
  assert.equal(inspect(new Proxy([1, 2], allTraps)), '[ 1, 2 ]');
  assert.equal(inspect(new Proxy(function f() {}, allTraps)), '[Function: f]');
  assert.equal(inspect({ p: new Proxy(new Proxy({ c: 3 }, allTraps), allTraps) }), '{ p: { c: 3 } }');
  assert.match(inspect(new Proxy(new Error('e'), allTraps)), /^Error: e\n/);
  assert.equal(format('%s %O', new Proxy({ s: 1 }, allTraps), new Proxy([3], allTraps)), '{ s: 1 } [ 3 ]');
});

test('a revoked proxy is <Revoked Proxy>, not an exception', () => {
  const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
  revoke();
  assert.equal(inspect(proxy), '<Revoked Proxy>');
  assert.equal(inspect({ p: proxy, l: [proxy] }), '{ p: <Revoked Proxy>, l: [ <Revoked Proxy> ] }');
  assert.equal(format('%s', proxy), '<Revoked Proxy>');
});

test('showProxy shows target and handler', () => {
  const p = new Proxy({ b: 2 }, { ownKeys: trap });
  assert.equal(inspect(new Proxy(p, {}), { showProxy: true }),
    'Proxy [ Proxy [ { b: 2 }, { ownKeys: [Function: trap] } ], {} ]');
});

test('an error whose cause is itself, and hidden causes and errors', () => {
  const e = new Error('self');
  e.cause = e;
  assert.match(inspect(e), /^<ref \*1> Error: self\n[^]*\{\n  cause: \[Circular \*1\]\n\}$/);
  const chain = new Error('outer', { cause: new Error('inner') });
  assert.match(inspect(chain), /^Error: outer\n[^]*\[cause\]: Error: inner\n/);
  assert.match(inspect(new AggregateError([new Error('one')], 'all')), /\[errors\]: \[\n\s+Error: one\n/);
});

test('a long chain of causes and deep nesting are bounded', () => {
  const e = new Error('0');
  let last = e;
  for (let i = 1; i < 100000; i++) last = last.cause = new Error(String(i));
  const text = inspect(e);
  assert.ok(text.includes('cause: [Error]'), text);
  let deep = {};
  for (let i = 0; i < 100000; i++) deep = { n: deep };
  assert.equal(inspect(deep), '{ n: { n: { n: [Object] } } }');
  assert.match(inspect(deep, { depth: Infinity }),
    /\[Object: Inspection interrupted prematurely\. Maximum call stack size exceeded\.\]/);
  let arr = [];
  for (let i = 0; i < 100000; i++) arr = [arr];
  assert.match(inspect(arr, { depth: null }), /\[Array: Inspection interrupted prematurely/);
});

test('a custom inspect that returns its own object', () => {
  const o = { v: 1, [inspect.custom]() { return this; } };
  assert.match(inspect(o), /^\{\s+v: 1,\s+\[Symbol\(nodejs\.util\.inspect\.custom\)\]: \[Function/);
});

test('format %j: a cycle is [Circular], a BigInt throws as JSON.stringify does', () => {
  assert.throws(() => format('%j', 1n), { name: 'TypeError', message: /BigInt/ });
  assert.throws(() => format('%j', { a: 1n }), { name: 'TypeError', message: /BigInt/ });
  assert.throws(() => console.log('%j', 1n), { name: 'TypeError' });
});

test('an object whose prototype chain has no constructor is named by the constructor that made it, as in Node', () => {
  function C() {}
  C.prototype = Object.create(null);
  const c = new C();
  c.a = 1;
  assert.equal(inspect(c), 'C <[Object: null prototype] {}> { a: 1 }');
  assert.deepEqual(Reflect.ownKeys(C.prototype), [], 'the record is not a key of the prototype');
  const named = Object.create(null);
  named.k = 1;
  assert.equal(inspect(Object.create(named)), 'Object <[Object: null prototype]> {}');
  assert.equal(inspect(Object.create(Object.create(Object.create(null)))), 'Object <Object <[Object: null prototype] {}>> {}');
  function F() {}
  F.prototype = Object.freeze(Object.create(null));
  assert.equal(inspect(new F()), 'F <[Object: null prototype] {}> {}', 'a frozen prototype too');
  function P() {}
  P.prototype = new Proxy(Object.create(null), {});
  assert.equal(typeof new P(), 'object', 'a Proxy prototype is left alone');
  const nodeUtil = Fiber.await(import('node:util')).default;
  assert.equal(nodeUtil.inspect(c), 'C <[Object: null prototype] {}> { a: 1 }');
});
