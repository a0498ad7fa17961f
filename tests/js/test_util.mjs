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
  assert.equal(inspect({ a: { b: { c: { d: 1 } } } }, { depth: null }), '{ a: { b: { c: { d: 1 } } } }');
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
