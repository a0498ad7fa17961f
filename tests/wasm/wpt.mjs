// One WPT test file of wasm/jsapi, with a small testharness.js of our own:
// the functions those files use (test, promise_test, the assert_* family),
// with WPT's semantics where they matter (SameValue comparisons, an error's
// constructor checked by assert_throws_js, promise tests run one after
// another once the file's script has run).
//
//   corojs tests/wasm/wpt.mjs JSAPI_DIR FILE.any.js [EXPECTED]
//
// EXPECTED lists subtests known to fail here, one a line:
// "file | subtest name | why" (see tests/wasm/wpt-expected.txt).
//
// Runs under Node as well (`node tests/wasm/wpt.mjs ...`), for a reference
// count on the same files. Prints one TAP line for the file (its subtests
// passed out of all) and the failures.

const isNode = typeof process !== 'undefined' && process.release?.name === 'node';
const read = isNode ? (await import('node:fs')).readFileSync : (p) => fs.readFile(p);
const text = (p) => (isNode ? read(p, 'utf8') : read(p));
const [jsapi, file, expectedFile] = process.argv.slice(2);
const rel = file.slice(jsapi.length + 1);
const expected = new Map();
for (const line of expectedFile ? text(expectedFile).split('\n') : []) {
  const [f, name, why] = line.split('|').map((x) => x.trim());
  if (f === rel && name && !line.startsWith('#')) expected.set(name, why);
}

// ---- the harness ----

class AssertionError extends Error {}
AssertionError.prototype.name = 'AssertionError';

function fail(msg) { throw new AssertionError(msg); }

function sameValue(a, b) { return Object.is(a, b); }

function format_value(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Object.is(v, -0)) return '-0';
  if (typeof v === 'symbol') return String(v);
  if (typeof v === 'function') return `function "${v.name}"`;
  if (v === null || typeof v !== 'object') return String(v);
  try { return Array.isArray(v) ? `[${v.map(format_value).join(', ')}]` : `object "${Object.prototype.toString.call(v)}"`; } catch { return '[object]'; }
}

const H = {
  format_value,
  assert_equals(a, e, d) { if (!sameValue(a, e)) fail(`${d ? `${d}: ` : ''}expected ${format_value(e)} but got ${format_value(a)}`); },
  assert_not_equals(a, e, d) { if (sameValue(a, e)) fail(`${d ? `${d}: ` : ''}got disallowed value ${format_value(a)}`); },
  assert_true(v, d) { if (v !== true) fail(`${d ? `${d}: ` : ''}expected true got ${format_value(v)}`); },
  assert_false(v, d) { if (v !== false) fail(`${d ? `${d}: ` : ''}expected false got ${format_value(v)}`); },
  assert_unreached(d) { fail(`reached unreachable code${d ? `: ${d}` : ''}`); },
  assert_array_equals(a, e, d) {
    if (typeof a !== 'object' || a === null || !('length' in a)) fail(`${d ? `${d}: ` : ''}value is not array-like: ${format_value(a)}`);
    if (a.length !== e.length) fail(`${d ? `${d}: ` : ''}lengths differ, expected ${e.length} got ${a.length}`);
    for (let i = 0; i < e.length; i++) {
      if (!sameValue(a[i], e[i])) fail(`${d ? `${d}: ` : ''}expected ${format_value(e[i])} at ${i} but got ${format_value(a[i])}`);
    }
  },
  assert_class_string(o, cls, d) {
    const s = Object.prototype.toString.call(o);
    if (s !== `[object ${cls}]`) fail(`${d ? `${d}: ` : ''}expected [object ${cls}] got ${s}`);
  },
  assert_own_property(o, p, d) { if (!Object.prototype.hasOwnProperty.call(o, p)) fail(`${d ? `${d}: ` : ''}expected property ${format_value(p)} missing`); },
  assert_not_own_property(o, p, d) { if (Object.prototype.hasOwnProperty.call(o, p)) fail(`${d ? `${d}: ` : ''}unexpected property ${format_value(p)} found`); },
  assert_throws_js(ctor, fn, d) {
    try {
      fn();
    } catch (e) {
      checkError(ctor, e, d);
      return;
    }
    fail(`${d ? `${d}: ` : ''}${ctor.name} expected, nothing was thrown`);
  },
  promise_rejects_js(t, ctor, promise, d) {
    return promise.then(() => fail(`${d ? `${d}: ` : ''}${ctor.name} expected, the promise fulfilled`),
      (e) => checkError(ctor, e, d));
  },
};

// WPT's check: an object whose constructor is ctor and whose name is ctor's
function checkError(ctor, e, d) {
  if (typeof e !== 'object' || e === null) fail(`${d ? `${d}: ` : ''}${ctor.name} expected, ${format_value(e)} thrown`);
  if (e.constructor !== ctor || e.name !== ctor.name) {
    fail(`${d ? `${d}: ` : ''}${ctor.name} expected, got ${e.name}: ${e.message}`);
  }
}

const results = [];
const queue = [];

class Test {
  constructor(name) { this.name = name; this.cleanups = []; }
  add_cleanup(fn) { this.cleanups.push(fn); }
  unreached_func(d) { return () => H.assert_unreached(d); }
  step_func(fn) { return (...a) => fn.apply(this, a); }
  cleanup() { for (const fn of this.cleanups) fn(); }
}

H.test = (fn, name) => {
  const t = new Test(name);
  try {
    fn(t);
    results.push({ name, ok: true });
  } catch (e) {
    results.push({ name, ok: false, error: e });
  }
  t.cleanup();
};
H.promise_test = (fn, name) => { queue.push({ fn, name }); };
H.setup = (f) => { if (typeof f === 'function') f(); };
H.done = () => {};
H.self = globalThis;

Object.assign(globalThis, H);

// ---- the file and its helper scripts ----

const source = text(file);
const dirOf = (p) => p.slice(0, p.lastIndexOf('/'));
let harnessError = null;
try {
  // the helper scripts and the file share one script scope: evaluated as one
  // (eval gives each evaluation its own scope for let, const and class)
  const parts = [];
  for (const m of source.matchAll(/^\/\/ META: script=(.*)$/gm)) {
    const ref = m[1].trim();
    parts.push(text(ref.startsWith('/wasm/jsapi/') ? `${jsapi}/${ref.slice('/wasm/jsapi/'.length)}` : `${dirOf(file)}/${ref}`));
  }
  parts.push(source);
  (0, eval)(parts.join('\n;\n'));
} catch (e) {
  harnessError = e;
}

for (const { fn, name } of queue) {
  const t = new Test(name);
  try {
    await fn(t);
    results.push({ name, ok: true });
  } catch (e) {
    results.push({ name, ok: false, error: e });
  }
  t.cleanup();
}

const passed = results.filter((r) => r.ok).length;
const failed = results.filter((r) => !r.ok && !expected.has(r.name));
const known = results.filter((r) => !r.ok && expected.has(r.name));
const note = known.length ? `, ${known.length} known to fail (${known.map((r) => expected.get(r.name)).join('; ')})` : '';
if (failed.length === 0 && !harnessError && results.length > 0) {
  console.log(`ok - wpt/${rel}: ${passed}/${results.length} subtests${note}`);
} else {
  console.log(`not ok - wpt/${rel}: ${passed}/${results.length} subtests${note}${harnessError ? `; the file threw ${harnessError}` : ''}`);
  for (const r of failed.slice(0, 20)) console.log(`#   ${r.name}: ${r.error && r.error.message}`);
}
for (const r of results.filter((x) => x.ok && expected.has(x.name))) console.log(`#   passes now, drop it from the expected failures: ${r.name}`);
console.log(`# subtests: ${passed} passed, ${results.length - passed} failed`);
