// Isolates whose main module fails while loading, and the names isolates
// report (issue 13, item 19).
import { test, assert } from './harness.mjs';

const fixtures = import.meta.dirname + '/fixtures';

function callError(child) {
  try {
    child.call('anything');
  } catch (e) {
    return e;
  }
  throw new Error('the call did not throw');
}

test('a call into a child whose top level threw gets that error as the cause', () => {
  const child = new Isolate(`${fixtures}/isolate/throws.mjs`);
  const e = callError(child);
  assert.equal(e.code, 'ERR_ISOLATE_TERMINATED');
  assert.match(e.message, /TypeError: thrown at the top/);
  assert.ok(e.cause instanceof TypeError, String(e.cause));
  assert.equal(e.cause.message, 'thrown at the top');
  assert.match(e.cause.stack, /throws\.mjs:2/);
  assert.equal(callError(child).cause.message, 'thrown at the top', 'every later call too');
  assert.equal(child.join().code, 1);
});

test('a child that does not parse or misses an import: its callers learn why', () => {
  const syntax = callError(new Isolate(`${fixtures}/syntax_error.mjs`));
  assert.equal(syntax.code, 'ERR_ISOLATE_TERMINATED');
  assert.ok(syntax.cause instanceof SyntaxError, String(syntax.cause));
  const missing = callError(new Isolate(`${fixtures}/imports_missing.mjs`));
  assert.equal(missing.cause.code, 'ERR_MODULE_NOT_FOUND');
  assert.match(missing.message, /Cannot find module/);
});

test('a call waiting for a child top level that then fails gets its error', () => {
  const child = new Isolate(`${fixtures}/isolate/fails_late.mjs`);
  const e = callError(child);
  assert.match(e.message, /ended before it answered \(RangeError: failed after a while\)/);
  assert.ok(e.cause instanceof RangeError, String(e.cause));
});

test('a child ended by terminate() gives no cause', () => {
  const child = new Isolate(`${fixtures}/isolate/slow_start.mjs`);
  child.terminate();
  const e = callError(child);
  assert.equal(e.code, 'ERR_ISOLATE_TERMINATED');
  assert.equal(e.cause, undefined);
});

test('the root isolate has a name: its main module', () => {
  assert.equal(Isolate.self().name, import.meta.filename);
  assert.equal(Isolate.list()[0].name, import.meta.filename);
});
