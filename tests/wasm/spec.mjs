// The WebAssembly spec testsuite runner: every command of the scripts that
// wast2json converted (tests/wasm/spec.sh does that at test time) runs
// through the WebAssembly JS API.
//
//   corojs tests/wasm/spec.mjs [--features N] DIR NAME...
//
// DIR holds NAME.json and the .wasm files of each script. Prints one TAP line
// per script and a total line per run. Float and v128 values cross the JS API
// through wrapper modules made here (their bits as integers), so NaN payloads
// and lanes are checked exactly; everything else is called directly.

import { setFeatures } from 'corojs:webassembly';

const argv = process.argv.slice(2);
let features = null;
if (argv[0] === '--features') {
  features = Number(argv[1]);
  argv.splice(0, 2);
}
const [dir, ...names] = argv;
if (features !== null) setFeatures(features);

const { Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError } = WebAssembly;

// ---- a small reader of module binaries: the type of each exported function and global ----

function reader(bytes) {
  let p = 0;
  const r = {
    get pos() { return p; },
    set pos(v) { p = v; },
    u8() { return bytes[p++]; },
    u32() {
      let v = 0, shift = 0, b;
      do { b = bytes[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      return v;
    },
    skip(n) { p += n; },
    valtype() { return bytes[p++]; },
    limits() { const f = r.u8(); r.u32(); if (f & 1) r.u32(); },
    name() { const n = r.u32(); const s = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(p, p + n)); p += n; return s; },
    // skip a constant expression through its end
    expr() {
      for (;;) {
        const op = r.u8();
        if (op === 0x0b) return;
        if (op === 0x41 || op === 0x42) { while (bytes[p++] & 0x80); } else if (op === 0x43) p += 4;
        else if (op === 0x44) p += 8;
        else if (op === 0xd0) p += 1;
        else if (op === 0xd2 || op === 0x23) r.u32();
        else if (op === 0xfd) { r.u32(); p += 16; }
      }
    },
  };
  return r;
}

// { funcs: Map(name -> {params, results}), globals: Map(name -> type) }
function signatures(bytes) {
  const r = reader(bytes);
  const types = [], funcTypes = [], globalTypes = [];
  const funcs = new Map(), globals = new Map();
  r.pos = 8;
  while (r.pos < bytes.length) {
    const id = r.u8(), size = r.u32(), end = r.pos + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        r.u8();
        const params = []; for (let k = r.u32(); k > 0; k--) params.push(r.valtype());
        const results = []; for (let k = r.u32(); k > 0; k--) results.push(r.valtype());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name(); r.name();
        const kind = r.u8();
        if (kind === 0) funcTypes.push(types[r.u32()]);
        else if (kind === 1) { r.u8(); r.limits(); } else if (kind === 2) r.limits();
        else { globalTypes.push(r.valtype()); r.u8(); }
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) funcTypes.push(types[r.u32()]);
    } else if (id === 6) {
      for (let n = r.u32(); n > 0; n--) { globalTypes.push(r.valtype()); r.u8(); r.expr(); }
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name(), kind = r.u8(), index = r.u32();
        if (kind === 0) funcs.set(name, funcTypes[index]);
        if (kind === 3) globals.set(name, globalTypes[index]);
      }
    }
    r.pos = end;
  }
  return { funcs, globals };
}

// ---- wrapper modules: floats and v128 as integer bits ----

const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

function leb(n) {
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
const vec = (items) => [...leb(items.length), ...items.flat()];
const str = (s) => vec([...new TextEncoder().encode(s)]);
const section = (id, body) => [id, ...leb(body.length), ...body];
const mapped = (t) => (t === F32 ? [I32] : t === F64 ? [I64] : t === V128 ? [I64, I64] : [t]);
const needsWrapper = (types) => types.some((t) => t === F32 || t === F64 || t === V128);

// Code that turns the values on the stack (types) into their bits; locals
// from `base` hold them meanwhile.
function resultsToBits(types, base) {
  const code = [];
  const locals = [];
  for (let i = types.length - 1; i >= 0; i--) code.push(0x21, ...leb(base + i)); // local.set
  types.forEach((t, i) => {
    locals.push(t);
    code.push(0x20, ...leb(base + i));
    if (t === F32) code.push(0xbc);
    else if (t === F64) code.push(0xbd);
    else if (t === V128) {
      code.push(0xfd, 29, 0, 0x20, ...leb(base + i), 0xfd, 29, 1); // i64x2.extract_lane 0, 1
    }
  });
  return { code, locals };
}

function localDecls(types) {
  return vec(types.map((t) => [1, t]));
}

function moduleBytes(typesec, importsec, bodyCode, locals) {
  const body = [...localDecls(locals), ...bodyCode, 0x0b];
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, typesec), ...section(2, importsec), ...section(3, vec([[1]])),
    ...section(7, vec([[...str('w'), 0, 1]])), ...section(10, vec([[...leb(body.length), ...body]]))]);
}

const wrapperCache = new Map();

// A function taking and returning bits that calls fn (of type sig).
function wrapFunction(fn, sig) {
  const key = `f${sig.params}:${sig.results}`;
  let mod = wrapperCache.get(key);
  if (!mod) {
    const orig = [0x60, ...vec(sig.params.map((t) => [t])), ...vec(sig.results.map((t) => [t]))];
    const wparams = sig.params.flatMap(mapped);
    const outer = [0x60, ...vec(wparams.map((t) => [t])), ...vec(sig.results.flatMap(mapped).map((t) => [t]))];
    const code = [];
    let k = 0;
    for (const t of sig.params) {
      if (t === V128) {
        code.push(0xfd, 12, ...new Array(16).fill(0), 0x20, ...leb(k), 0xfd, 30, 0, 0x20, ...leb(k + 1), 0xfd, 30, 1);
        k += 2;
        continue;
      }
      code.push(0x20, ...leb(k++));
      if (t === F32) code.push(0xbe);
      else if (t === F64) code.push(0xbf);
    }
    code.push(0x10, 0); // call the import
    const conv = resultsToBits(sig.results, wparams.length);
    mod = new Module(moduleBytes(vec([orig, outer]), vec([[...str('m'), ...str('f'), 0, 0]]),
      [...code, ...conv.code], conv.locals));
    wrapperCache.set(key, mod);
  }
  return new Instance(mod, { m: { f: fn } }).exports.w;
}

// A function returning the bits of global g (of type t).
function wrapGlobal(g, t) {
  const key = `g${t}`;
  let mod = wrapperCache.get(key);
  if (!mod) {
    const conv = resultsToBits([t], 0);
    mod = new Module(moduleBytes(vec([[0x60, 0, ...vec(mapped(t).map((x) => [x]))]]),
      vec([[...str('m'), ...str('g'), 3, t, 0]]), [0x23, 0, ...conv.code], conv.locals));
    wrapperCache.set(key, mod);
  }
  return new Instance(mod, { m: { g } }).exports.w;
}

// ---- values ----

// BigInt.asUintN(n, x) of QuickJS 2025-04-26 returns a negative x unchanged
// when n >= 64: masks instead.
const mask = (w) => (1n << BigInt(w)) - 1n;
const u64 = (x) => BigInt(x) & mask(64);

const externs = new Map();
function externref(n) {
  if (!externs.has(n)) externs.set(n, { extern: n });
  return externs.get(n);
}

const TYPE_CODES = { i32: I32, i64: I64, f32: F32, f64: F64, v128: V128, externref: 0x6f, funcref: 0x70 };

// v128 lanes as two u64 BigInts
function v128Bits(v) {
  const widths = { i8: 8, i16: 16, i32: 32, i64: 64, f32: 32, f64: 64 };
  const w = widths[v.lane_type];
  let lo = 0n, hi = 0n;
  v.value.forEach((lane, i) => {
    const bits = BigInt(lane) & mask(w);
    const at = BigInt(i * w);
    if (at < 64n) lo |= bits << at; else hi |= bits << (at - 64n);
  });
  return [BigInt.asIntN(64, lo), BigInt.asIntN(64, hi)];
}

// The JS arguments for values [{type, value}] (bits when wrapped).
function toArgs(values, wrapped) {
  return values.flatMap((v) => {
    switch (v.type) {
      case 'i32': return [Number(v.value) | 0];
      case 'i64': return [BigInt.asIntN(64, BigInt(v.value))];
      case 'f32': return [wrapped ? Number(v.value) | 0 : f32FromBits(Number(v.value))];
      case 'f64': return [wrapped ? BigInt.asIntN(64, BigInt(v.value)) : f64FromBits(BigInt(v.value))];
      case 'v128': return v128Bits(v);
      case 'externref': return [v.value === 'null' ? null : externref(v.value)];
      case 'funcref': return [null];
      default: throw new Error(`unknown value type ${v.type}`);
    }
  });
}

const f32buf = new Float32Array(1), u32buf = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1), u64buf = new BigUint64Array(f64buf.buffer);
function f32FromBits(b) { u32buf[0] = b; return f32buf[0]; }
function f64FromBits(b) { u64buf[0] = b; return f64buf[0]; }

// Whether results (JS values, bits for floats and v128) match expected.
function check(expected, results) {
  let k = 0;
  for (const e of expected) {
    const got = results[k++];
    switch (e.type) {
      case 'i32': if ((got >>> 0) !== Number(e.value) >>> 0) return false; break;
      case 'i64': if (u64(got) !== u64(e.value)) return false; break;
      case 'f32': {
        const bits = got >>> 0;
        if (e.value === 'nan:canonical') { if ((bits & 0x7fffffff) !== 0x7fc00000) return false; } else if (e.value === 'nan:arithmetic') { if ((bits & 0x7fc00000) !== 0x7fc00000) return false; } else if (bits !== Number(e.value)) return false;
        break;
      }
      case 'f64': {
        const bits = u64(got);
        if (e.value === 'nan:canonical') { if ((bits & 0x7fffffffffffffffn) !== 0x7ff8000000000000n) return false; } else if (e.value === 'nan:arithmetic') { if ((bits & 0x7ff8000000000000n) !== 0x7ff8000000000000n) return false; } else if (bits !== BigInt(e.value)) return false;
        break;
      }
      case 'v128': {
        const hi = results[k++];
        if (!checkV128(e, u64(got), u64(hi))) return false;
        break;
      }
      case 'externref':
        if (e.value === 'null' ? got !== null : got !== externref(e.value)) return false;
        break;
      case 'funcref':
        if (e.value === 'null' ? got !== null : typeof got !== 'function') return false;
        break;
      default: return false;
    }
  }
  return k === results.length;
}

function checkV128(e, lo, hi) {
  const w = { i8: 8, i16: 16, i32: 32, i64: 64, f32: 32, f64: 64 }[e.lane_type];
  const all = lo | (hi << 64n);
  for (let i = 0; i < e.value.length; i++) {
    const lane = (all >> BigInt(i * w)) & ((1n << BigInt(w)) - 1n);
    const want = e.value[i];
    if (want === 'nan:canonical' || want === 'nan:arithmetic') {
      const exp = w === 32 ? 0x7f800000n : 0x7ff0000000000000n;
      const quiet = w === 32 ? 0x400000n : 0x8000000000000n;
      const mag = lane & ((1n << BigInt(w - 1)) - 1n);
      if ((mag & exp) !== exp || (want === 'nan:canonical' ? mag !== (exp | quiet) : !(mag & quiet))) return false;
    } else if (lane !== (BigInt(want) & mask(w))) {
      return false;
    }
  }
  return true;
}

// ---- the spectest module and the registry ----

function spectest() {
  const print = () => {};
  return {
    print, print_i32: print, print_i64: print, print_f32: print, print_f64: print,
    print_i32_f32: print, print_f64_f64: print,
    global_i32: new Global({ value: 'i32' }, 666),
    global_i64: new Global({ value: 'i64' }, 666n),
    global_f32: new Global({ value: 'f32' }, 666.6),
    global_f64: new Global({ value: 'f64' }, 666.6),
    table: new Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new Memory({ initial: 1, maximum: 2 }),
  };
}

// ---- running a script ----

function runScript(name) {
  const script = JSON.parse(fs.readFile(`${dir}/${name}.json`));
  const registry = { spectest: spectest() };
  const named = new Map();
  let current = null;
  let passed = 0, skipped = 0;
  const failures = [];

  const read = (file) => fs.readFile(`${dir}/${file}`, null);
  const importsFor = (module) => {
    const obj = {};
    for (const { module: m } of Module.imports(module)) obj[m] = registry[m];
    return obj;
  };
  const instantiate = (file) => {
    const bytes = read(file);
    const module = new Module(bytes);
    const instance = new Instance(module, importsFor(module));
    return { instance, sigs: signatures(bytes) };
  };
  const target = (action) => (action.module ? named.get(action.module) : current);

  function act(action) {
    const t = target(action);
    if (action.type === 'get') {
      const g = t.instance.exports[action.field];
      const type = t.sigs.globals.get(action.field);
      return needsWrapper([type]) ? [].concat(wrapGlobal(g, type)()) : [g.value];
    }
    const fn = t.instance.exports[action.field];
    const sig = t.sigs.funcs.get(action.field);
    const wrapped = needsWrapper(sig.params) || needsWrapper(sig.results);
    const f = wrapped ? wrapFunction(fn, sig) : fn;
    const r = f(...toArgs(action.args, wrapped));
    return sig.results.length + sig.results.filter((x) => x === V128).length > 1 ? r
      : sig.results.length === 0 ? [] : [r];
  }

  // expect(kind, fn): fn must throw an error of kind (and, if text, say it)
  function expectThrow(Kind, fn, text) {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof Kind)) return `expected ${Kind.name}, got ${e && e.name}: ${e && e.message}`;
      // the trap's kind must be the one named (the spec's texts may add detail)
      const said = e.message.replace(/ \(in wasm function.*/, '');
      if (text && Kind === RuntimeError && !text.startsWith(said)) return `expected "${text}", got "${e.message}"`;
      return null;
    }
    return `expected ${Kind.name}, nothing was thrown`;
  }

  for (const cmd of script.commands) {
    let fail = null;
    try {
      switch (cmd.type) {
        case 'module': // counted as wabt's spectest-interp counts it
          current = instantiate(cmd.filename);
          if (cmd.name) named.set(cmd.name, current);
          break;
        case 'register':
          registry[cmd.as] = (cmd.name ? named.get(cmd.name) : current).instance.exports;
          continue;
        case 'action':
          act(cmd.action);
          break;
        case 'assert_return': {
          const results = act(cmd.action);
          if (!check(cmd.expected, results)) fail = `got ${results.map(String)}`;
          break;
        }
        case 'assert_trap':
          if (cmd.action) fail = expectThrow(RuntimeError, () => act(cmd.action), cmd.text);
          else fail = expectThrow(RuntimeError, () => instantiate(cmd.filename), cmd.text);
          break;
        case 'assert_exhaustion':
          fail = expectThrow(RangeError, () => act(cmd.action));
          break;
        case 'assert_invalid':
        case 'assert_malformed':
          if (cmd.module_type === 'text') { skipped++; continue; }
          fail = expectThrow(CompileError, () => new Module(read(cmd.filename)));
          break;
        case 'assert_unlinkable':
          fail = expectThrow(LinkError, () => instantiate(cmd.filename));
          break;
        case 'assert_uninstantiable':
          fail = expectThrow(RuntimeError, () => instantiate(cmd.filename));
          break;
        default:
          fail = `unknown command ${cmd.type}`;
      }
    } catch (e) {
      fail = `threw ${e && e.name}: ${e && e.message}`;
    }
    if (fail) failures.push(`line ${cmd.line} ${cmd.type} ${cmd.action ? cmd.action.field : cmd.filename || ''}: ${fail}`);
    else passed++;
  }
  return { passed, failed: failures.length, skipped, failures };
}

let total = { passed: 0, failed: 0, skipped: 0 };
let n = 0;
for (const name of names) {
  n++;
  let r;
  try {
    r = runScript(name);
  } catch (e) {
    r = { passed: 0, failed: 1, skipped: 0, failures: [`the script stopped: ${e && e.stack}`] };
  }
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.skipped;
  if (r.failed === 0) {
    console.log(`ok ${n} - ${name}: ${r.passed} passed${r.skipped ? `, ${r.skipped} text-format skipped` : ''}`);
  } else {
    console.log(`not ok ${n} - ${name}: ${r.passed} passed, ${r.failed} failed`);
    for (const f of r.failures.slice(0, 10)) console.log(`#   ${f}`);
  }
}
console.log(`# assertions: ${total.passed} passed, ${total.failed} failed, ${total.skipped} text-format modules skipped`);
