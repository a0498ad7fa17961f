// flags: --expose-internals
// The Node loader (lib/node/loader.js): require, module, resolution through
// node_modules and package.json, CommonJS <-> ES module interop, JSON
// modules, node: builtins, module.registerHooks, and the bad inputs of
// issue 10, each with Node's code and message. Fixtures: fixtures/cjs/.
import { test, assert } from './harness.mjs';
import { createRequire, builtinModules, isBuiltin, registerHooks, findPackageJSON } from 'node:module';
import Module from 'module';
import { a as namedA, c as namedC, reexported } from './fixtures/cjs/node_modules/named-cjs/index.js';
import namedDefault from './fixtures/cjs/node_modules/named-cjs/index.js';
import { how as importedHow } from './fixtures/cjs/node_modules/exports-pkg/main.mjs';
import data from './fixtures/cjs/json/data.json';
import { importHere } from './fixtures/cjs/importer.mjs';

const dir = `${import.meta.dirname}/fixtures/cjs`;
const require = createRequire(`${dir}/main.js`);
const esmUrl = (rel) => `file://${dir}/${rel}`;

test('require: module.exports, exports, __filename, __dirname, module.loaded, require.main', () => {
  const dep = require('./lib/dep.js');
  assert.equal(dep.name, 'dep');
  assert.equal(dep.filename, `${dir}/lib/dep.js`);
  assert.equal(dep.dirname, `${dir}/lib`);
  assert.equal(dep.sameModule, true);
  assert.equal(dep.isMain, false);
  assert.equal(dep.loaded, false, 'not loaded while it runs');
  assert.equal(require.cache[`${dir}/lib/dep.js`].loaded, true);
  assert.equal(require('./lib/dep.js'), dep, 'cached: the same exports');
});

test('require.cache: a module deleted from it loads again', () => {
  const first = require('./lib/dep.js');
  delete require.cache[`${dir}/lib/dep.js`];
  const second = require('./lib/dep.js');
  assert.notEqual(first, second);
  assert.equal(second.name, 'dep');
});

test('extensions, directories, package.json main, node_modules up the tree', () => {
  assert.equal(require('./lib/corojs'), 'corojs', 'no extension: .js tried');
  assert.deepEqual(require('./dir'), { dir: 'index of dir' });
  assert.equal(require('./dirmain'), 'dirmain start', '"main" without its extension');
  assert.equal(require('./sub/deep/up.js'), 'cjs-pkg from sub/deep', 'node_modules of a parent directory');
  assert.equal(require('nested'), 'inner of nested', "a package's own node_modules");
  assert.equal(require('cjs-pkg/lib/other'), 'other', 'a file of a package without "exports"');
});

test('import of packages: the "import" condition, legacy "main", "imports", scoped, JSON by package path', () => {
  assert.equal(Fiber.await(importHere('exports-pkg')).how, 'import');
  assert.equal(Fiber.await(importHere('exports-pkg/which')).default, 'corojs condition');
  assert.equal(Fiber.await(importHere('nested')).default, 'inner of nested');
  assert.equal(Fiber.await(importHere('#dep')).name, 'dep');
  assert.equal(Fiber.await(importHere('@scope/pkg/x')).default, 'scoped x.js');
  assert.equal(Fiber.await(importHere('exports-pkg/package.json')).default.name, 'exports-pkg');
  assert.throws(() => Fiber.await(importHere('./dir')), { code: 'ERR_UNSUPPORTED_DIR_IMPORT' });
  assert.throws(() => Fiber.await(importHere('./lib/corojs')), { code: 'ERR_MODULE_NOT_FOUND' }, 'import needs the extension');
});

test('import() in a function made by new Function or by eval: relative to the file that runs it', () => {
  const { viaFunction, viaEval } = require('./lib/function_import.js');
  assert.equal(Fiber.await(viaFunction('./dep.js')).default.name, 'dep');
  assert.equal(Fiber.await(viaEval('./dep.js')).default.name, 'dep');
  assert.equal(Fiber.await(viaFunction('../lib/dep.js')).default.name, 'dep');
});

test('package.json "exports": conditions, patterns, null targets, scoped and self-referencing packages', () => {
  assert.deepEqual({ ...require('exports-pkg') }, { how: 'require' }, 'require condition');
  assert.equal(importedHow, 'import');
  assert.equal(require('exports-pkg/which'), 'corojs condition', 'corojs comes first among ours');
  assert.equal(require('exports-pkg/order'), 'node condition', 'the package\'s order of keys decides');
  assert.equal(require('exports-pkg/sub'), 'sub');
  assert.equal(require('exports-pkg/feat/a'), 'feature a', 'a pattern');
  assert.equal(require('exports-pkg/feat/b.extra'), 'feature b extra', 'the longest pattern wins');
  assert.throws(() => require('exports-pkg/feat/private/x'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  assert.equal(require('@scope/pkg/x'), 'scoped x.js');
  assert.equal(require('self-ref'), 'self-ref other', 'a package requires itself by name');
  assert.equal(require('exports-pkg/package.json').name, 'exports-pkg');
});

test('"exports" targets that leave the package are refused (ERR_INVALID_PACKAGE_TARGET)', () => {
  for (const sub of ['up', 'abs', 'dotdot', 'bare', 'nm']) {
    assert.throws(() => require(`hostile/${sub}`), { code: 'ERR_INVALID_PACKAGE_TARGET', message: /hostile\/package\.json/ });
  }
});

test('package.json "imports": #names, patterns, conditions, packages, null', () => {
  assert.equal(require('#dep').name, 'dep');
  assert.equal(require('#internal/thing'), 'internal thing.js');
  assert.equal(require('#cond'), 'corojs');
  assert.equal(require('#pkg').name, 'cjs-pkg');
  assert.throws(() => require('#hidden'), { code: 'ERR_PACKAGE_IMPORT_NOT_DEFINED' });
  assert.throws(() => require('#nothing'), { code: 'ERR_PACKAGE_IMPORT_NOT_DEFINED', message: /"#nothing" is not defined in package/ });
});

test('require.resolve, with the paths option; require.resolve.paths', () => {
  assert.equal(require.resolve('cjs-pkg'), `${dir}/node_modules/cjs-pkg/lib/index.js`);
  assert.equal(require.resolve('./up.js', { paths: [`${dir}/sub/deep`] }), `${dir}/sub/deep/up.js`);
  assert.equal(require.resolve('inner', { paths: [`${dir}/node_modules/nested`] }),
    `${dir}/node_modules/nested/node_modules/inner/index.js`);
  assert.throws(() => require.resolve('inner'), { code: 'MODULE_NOT_FOUND' });
  assert.equal(require.resolve('node:url'), 'node:url');
  assert.equal(require.resolve.paths('node:url'), null);
  assert.equal(require.resolve.paths('x')[0], `${dir}/node_modules`);
  assert.throws(() => require.resolve(1), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('.js is CommonJS or an ES module by "type", by syntax without one; .cjs and .mjs by extension', () => {
  const esm = require('./esm/mod.js');
  assert.equal(esm.kind, 'esm', 'require() of an ES module: its namespace');
  assert.equal(esm.default(), 'hello from esm');
  assert.equal(require('./esm/legacy.cjs'), 'cjs file in esm scope');
  assert.equal(require('./lib/ext.mjs').ext, 'mjs');
  assert.equal(require('./notype/cjs_syntax.js').detected, 'cjs by default');
  assert.equal(require('./notype/esm_syntax.js').detected, 'esm by syntax');
  assert.equal(require('esm-only').esmOnly, true);
});

test('require() of an ES module with top-level await: ERR_REQUIRE_ASYNC_MODULE; in a cycle: ERR_REQUIRE_CYCLE_MODULE', () => {
  for (const file of ['./esm/tla.js', './esm/imports_tla.js']) {
    assert.throws(() => require(file), { code: 'ERR_REQUIRE_ASYNC_MODULE', message: /top-level await.*\n.*From .*main\.js/ });
  }
  // import() still loads it afterwards
  assert.equal(Fiber.await(import(esmUrl('esm/tla.js'))).after, 'tla');
  assert.equal(Fiber.await(import(esmUrl('esm/cyc.mjs'))).cyc, 'ERR_REQUIRE_CYCLE_MODULE');
  assert.throws(() => require('./esm/throws.mjs'), { message: 'esm throws at load' });
});

test('import of CommonJS: module.exports as default, names found in its source', () => {
  assert.equal(namedA, 'a');
  assert.equal(namedC, 'c', 'Object.defineProperty(exports, ...)');
  assert.equal(reexported, 'reexported');
  assert.equal(namedDefault.default, 'default property', 'default is module.exports, as in Node');
  const m = Fiber.await(import(esmUrl('esm/uses_cjs.js')));
  assert.equal(m.b, 'b');
  assert.equal(m.dep.name, 'dep', 'one module instance for import and require');
  assert.equal(m.dep, require('./lib/dep.js'));
  assert.equal(m.required, 'dep');
});

test('the static analysis of CommonJS exports (as cjs-module-lexer)', () => {
  const { parse } = Fiber.await(import('corojs:internal/node/cjs_exports'));
  const src = `
    // exports.commented = 1;
    exports.x = 1; module.exports.y = 2; exports['z'] = 3; if (exports.q == 1) {}
    Object.defineProperty(exports, "w", { get() {} });
    module.exports = { a, b: 1, 'c': f(1, 2), d() {}, get e() {}, ...require('./spread') };
    __exportStar(require("./star"), exports);`;
  const r = parse(src);
  assert.deepEqual([...r.names].sort(), ['a', 'b', 'c', 'd', 'e', 'w', 'x', 'y', 'z']);
  assert.deepEqual(r.reexports.sort(), ['./spread', './star']);
  assert.deepEqual([...parse('module.exports = require("./other");').names], []);
  assert.deepEqual(parse('module.exports = require("./other");').reexports, ['./other']);
});

test('JSON modules: require and import; a broken file names itself', () => {
  assert.deepEqual(require('./json/data.json'), { answer: 42, list: [1, 2] });
  assert.equal(data, require('./json/data.json'), 'one parse for both');
  assert.throws(() => require('./json/broken.json'), { name: 'SyntaxError', message: /json\/broken\.json: / });
});

test('builtins: node:module, module, node:url; builtinModules, isBuiltin', () => {
  assert.equal(require('node:module'), Module);
  assert.equal(require('module'), Module);
  assert.equal(Module.createRequire, createRequire);
  assert.equal(typeof require('node:url').URL, 'function');
  assert.ok(builtinModules.includes('module') && builtinModules.includes('url'));
  assert.equal(isBuiltin('node:module'), true);
  assert.equal(isBuiltin('module'), true);
  assert.equal(isBuiltin('cjs-pkg'), false);
  assert.equal(isBuiltin(3), false);
});

test('a Node builtin CoroJS lacks says so and names the closest thing it has', () => {
  assert.throws(() => require('node:wasi'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE', message: /not implemented by CoroJS.*corojs:wasi/ });
  assert.throws(() => require('inspector'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' }, 'a bare builtin name is never a package');
  assert.throws(() => Fiber.await(import('node:wasi')), { code: 'ERR_UNKNOWN_BUILTIN_MODULE', message: /wasi.*corojs:wasi/ });
  assert.throws(() => require('node:nothing'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE', message: 'No such built-in module: node:nothing' });
});

test('bad input: a require cycle sees the partial exports, as Node', () => {
  const a = require('./cycle/a.js');
  assert.deepEqual(a.fromB, { early: 'a early' });
  assert.equal(a.late, 'a late');
  assert.deepEqual(require('./cycle/b.js').seenA, { early: 'a early' });
});

test('bad input: a missing module: MODULE_NOT_FOUND with the require stack', () => {
  const e = assert.throws(() => require('no-such-package'), { code: 'MODULE_NOT_FOUND' });
  assert.equal(e.message, `Cannot find module 'no-such-package'\nRequire stack:\n- ${dir}/main.js`);
  assert.deepEqual(e.requireStack, [`${dir}/main.js`]);
  assert.throws(() => Fiber.await(importHere('no-such-package')), { code: 'ERR_MODULE_NOT_FOUND', message: /Cannot find package 'no-such-package' imported from / });
  assert.throws(() => require('./nothing-here.js'), { code: 'MODULE_NOT_FOUND' });
});

test('bad input: a package.json that is not JSON: ERR_INVALID_PACKAGE_CONFIG', () => {
  assert.throws(() => require('bad-json'), { code: 'ERR_INVALID_PACKAGE_CONFIG', message: /bad-json\/package\.json while importing .*main\.js\. / });
});

test('bad input: "exports" hides the path: ERR_PACKAGE_PATH_NOT_EXPORTED, in Node\'s words', () => {
  const e = assert.throws(() => require('exports-pkg/hidden.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  assert.equal(e.message, `Package subpath './hidden.js' is not defined by "exports" in ${dir}/node_modules/exports-pkg/package.json imported from ${dir}/main.js`);
  assert.throws(() => Fiber.await(importHere('exports-pkg/hidden.js')), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
});

test('bad input: a module that throws while loading is not cached and throws again', () => {
  globalThis.throwsRuns = 0;
  assert.throws(() => require('./throws.js'), { message: 'throws while loading, run 1' });
  assert.equal(require.cache[`${dir}/throws.js`], undefined);
  assert.throws(() => require('./throws.js'), { message: 'throws while loading, run 2' });
});

test('bad input: a syntax error names the file and line', () => {
  const e = assert.throws(() => require('./syntax.js'), { name: 'SyntaxError' });
  assert.match(e.stack, /syntax\.js:3/);
  assert.equal(require.cache[`${dir}/syntax.js`], undefined);
});

test('bad input: wrong argument types', () => {
  assert.throws(() => require(1), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => require(''), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => createRequire('relative.js'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => createRequire(null), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => registerHooks(null), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => registerHooks({ resolve: 1 }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => Module.register('x'), { code: 'ERR_METHOD_NOT_IMPLEMENTED', message: /registerHooks/ });
});

test('require parks exclusively: no other fiber runs while a module loads, however it blocks', () => {
  globalThis.ticks = 0;
  let stop = false;
  const ticker = Fiber.run(() => {
    while (!stop) {
      globalThis.ticks++;
      Fiber.yield();
    }
  });
  const { othersRan } = require('./lib/blocks.js');
  stop = true;
  ticker.join();
  assert.equal(othersRan, 0);
  assert.ok(globalThis.ticks > 0, 'the ticker ran before and after');
});

test('createRequire from a file: URL and a directory; findPackageJSON', () => {
  assert.equal(createRequire(new URL(`file://${dir}/lib/x.js`))('./dep.js').name, 'dep');
  assert.equal(createRequire(`${dir}/lib/`)('./dep.js').name, 'dep');
  assert.equal(findPackageJSON('cjs-pkg', `${dir}/main.js`), `${dir}/node_modules/cjs-pkg/package.json`);
  assert.equal(findPackageJSON(`file://${dir}/esm/mod.js`), `${dir}/esm/package.json`);
});

test('module.registerHooks: resolve and load, for require and import, chained; deregister', () => {
  const seen = [];
  let contextSeen;
  const outer = registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'virtual:answer') {
        contextSeen = context;
        return { url: 'virtual:answer', format: 'commonjs', shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (url === 'virtual:answer') return { format: 'commonjs', source: 'module.exports = { answer: 42 };', shortCircuit: true };
      return nextLoad(url, context);
    },
  });
  const inner = registerHooks({
    load(url, context, nextLoad) {
      const r = nextLoad(url, context);
      if (url.endsWith('/lib/node.js')) {
        seen.push(url);
        return { ...r, source: 'module.exports = "rewritten by a hook";' };
      }
      return r;
    },
  });
  try {
    assert.deepEqual(require('./hooks/uses_virtual.js'), { answer: 42 });
    assert.equal(contextSeen.parentURL, `file://${dir}/hooks/uses_virtual.js`);
    assert.ok(contextSeen.conditions.includes('require') && contextSeen.conditions.includes('corojs'));
    assert.equal(require('./lib/node.js'), 'rewritten by a hook');
    assert.deepEqual(seen, [`file://${dir}/lib/node.js`]);
    const ns = Fiber.await(import('virtual:answer'));
    assert.equal(ns.answer, 42, 'import sees the hooks too, with the names of the source');
    const bad = registerHooks({ resolve: () => 'not an object' });
    assert.throws(() => require('./lib/default.js'), { name: 'TypeError', code: 'ERR_INVALID_RETURN_PROPERTY_VALUE' });
    bad.deregister();
  } finally {
    inner.deregister();
    outer.deregister();
  }
  assert.throws(() => require('virtual:answer'), { code: 'MODULE_NOT_FOUND' });
  assert.equal(require('./lib/node.js'), 'rewritten by a hook', 'loaded once, cached as Node does');
  delete require.cache[`${dir}/lib/node.js`];
  assert.equal(require('./lib/node.js'), 'node', 'the hooks are gone');
});

test('an isolate without fs runs a CommonJS main; what it requires is refused (ERR_ACCESS_DENIED)', () => {
  const child = new Isolate(`${dir}/nofs_app.cjs`);
  assert.match(child.call('requireError'), /^ERR_ACCESS_DENIED: .*fixtures\/cjs.*not granted fs/);
  child.terminate();
  child.join();
});
