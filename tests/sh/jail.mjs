// The fs jail of an isolate against races and imports (issue 13, item 10);
// run by tests/sh/test_jail.sh, which makes the tree in process.argv[2].
import { test, assert } from '../js/harness.mjs';
import fs from 'corojs:fs';

const work = process.argv[2];
const child = import.meta.dirname + '/jail_child.mjs';

test('renaming a symlink to outside over a directory never leads a path out', () => {
  const c = new Isolate(child, { fs: `${work}/jail` });
  const seen = c.call('race', 3000);
  c.terminate();
  assert.ok(seen.reads > 100, `the probes ran (${seen.reads})`);
  assert.deepEqual(seen.escapes, []);
  assert.equal(fs.exists(`${work}/outside/planted.txt`), false, 'nothing was written outside');
});

test("a child's import() is confined to its jail", () => {
  const c = new Isolate(child, { fs: `${work}/jail` });
  const denied = { code: 'ERR_ACCESS_DENIED', message: /jail/ };
  assert.equal(c.call('staticImport'), 'harness', 'static imports of the main module load as before');
  assert.equal(c.call('load', `${work}/jail/module.mjs`), 'inside module');
  assert.equal(c.call('load', `file://${work}/jail/module.mjs`), 'inside module');
  assert.equal(c.call('load', 'corojs:fs') !== undefined, true, 'built-in modules are not files');
  assert.throws(() => c.call('load', `${work}/outside/module.mjs`), denied);
  assert.throws(() => c.call('load', `${work}/jail/../outside/module.mjs`), denied);
  assert.throws(() => c.call('load', `${work}/jail/out/module.mjs`), denied);
  assert.throws(() => c.call('load', `${work}/jail/rel_out.mjs`), denied);
  assert.throws(() => c.call('load', `${work}/jail/imports_out.mjs`), denied);
  assert.throws(() => c.call('load', './jail.mjs'), denied, 'relative to the main module, outside');
  assert.throws(() => c.call('load', `${work}/jail/missing.mjs`), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.throws(() => c.call('load', `${work}/jail/out/missing.mjs`), denied, 'no peeking outside');
  c.terminate();

  const none = new Isolate(child);
  assert.throws(() => none.call('load', `${work}/jail/module.mjs`), { code: 'ERR_ACCESS_DENIED', message: /fs/ });
  assert.equal(none.call('staticImport'), 'harness');
  none.terminate();
});
