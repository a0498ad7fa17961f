import { test, assert } from './harness.mjs';
import greet, { value, meta } from './fixtures/dep.mjs';
import * as byUrl from './fixtures/dep.mjs';
import { ready } from './fixtures/tla.mjs';
import { viaA } from './fixtures/cycle_b.mjs';
import { slept } from './fixtures/blocking.mjs';
import { url as spacedUrl } from './fixtures/dir with space/mod.mjs';
import { early } from './fixtures/tla_early.mjs';
import { waited } from './fixtures/blocks_until_tla.mjs';

const here = import.meta.dirname;

test('static imports: default, named, namespace', () => {
  assert.equal(value, 'dep');
  assert.equal(greet('x'), 'hello x');
  assert.equal(byUrl.default, greet);
});

test('import.meta: url, filename, dirname, main', () => {
  assert.equal(import.meta.url, `file://${import.meta.filename}`);
  assert.match(import.meta.filename, /\/tests\/js\/test_modules\.mjs$/);
  assert.equal(import.meta.dirname + '/test_modules.mjs', import.meta.filename);
  assert.equal(import.meta.main, true);
  assert.equal(meta.main, false, 'an imported module is not the main one');
  assert.match(meta.url, /^file:\/\/\/.*fixtures\/dep\.mjs$/);
  assert.match(spacedUrl, /dir%20with%20space\/mod\.mjs$/);
});

test('top-level await and blocking calls in imported modules', () => {
  assert.equal(ready, 'after tla');
  assert.equal(slept, true);
});

test('import() of a module that throws: the error is the importer\'s to catch', () => {
  // the module body's own promise was reported as an unhandled rejection,
  // which ended the program after this test
  for (let i = 0; i < 2; i++) {
    assert.throws(() => Fiber.await(import('./fixtures/throws_at_top.mjs')), /thrown at the top level/);
  }
});

test('a module with top-level await finishes while a later import blocks', () => {
  // QuickJS crashed here: the importer was still being evaluated
  assert.equal(early, 'early');
  assert.equal(waited, true);
  const { code, error } = new Isolate(`${here}/fixtures/import_failing_tla.mjs`).join();
  assert.equal(code, 1);
  assert.match(error.message, /failed after its await/);
});

test('circular imports', () => {
  assert.equal(viaA(), 'ab');
});

test('dynamic import: relative, absolute, file URL, built-in; one module per file', () => {
  const a = Fiber.await(import('./fixtures/dep.mjs'));
  const b = Fiber.await(import(`${here}/fixtures/dep.mjs`));
  const c = Fiber.await(import(`file://${here}/fixtures/../fixtures/dep.mjs`));
  assert.equal(a, b);
  assert.equal(b, c);
  assert.equal(a.value, 'dep');
  const fsm = Fiber.await(import('corojs:fs'));
  assert.equal(fsm.default, fs);
});

test('missing modules: ERR_MODULE_NOT_FOUND naming the path and the importer', () => {
  const e = assert.throws(() => Fiber.await(import('./fixtures/nope.mjs')), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.match(e.message, /fixtures\/nope\.mjs' imported from .*test_modules\.mjs/);
  assert.throws(() => Fiber.await(import('./fixtures/imports_missing.mjs')),
    { code: 'ERR_MODULE_NOT_FOUND', message: /not-there\.mjs/ });
  assert.throws(() => Fiber.await(import('left-pad')), { code: 'ERR_MODULE_NOT_FOUND', message: /left-pad/ });
});

test('a syntax error names the file and line', () => {
  const e = assert.throws(() => Fiber.await(import('./fixtures/syntax_error.mjs')), { name: 'SyntaxError' });
  assert.match(e.stack, /syntax_error\.mjs:2/);
});

test('built-in modules: the public ones load, internal ones are refused', () => {
  for (const name of ['corojs:fs', 'corojs:fiber', 'corojs:timers', 'corojs:util', 'corojs:encoding',
    'corojs:process', 'corojs:console']) {
    assert.ok(Fiber.await(import(name)), name);
  }
  assert.throws(() => Fiber.await(import('corojs:internal/primordials')), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' });
  assert.throws(() => Fiber.await(import('corojs:nothing')), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' });
  assert.equal(typeof globalThis.__primordials, 'undefined');
});
