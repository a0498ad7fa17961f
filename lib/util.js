// corojs:util: inspect() and format(), the readable printing behind console.log.
// They follow Node's util.inspect closely enough that output looks familiar:
// strings quoted inside containers, nested objects to depth 2, Map, Set, typed
// arrays, errors with their stack and cause, circular references marked
// <ref *1>, proxies shown as their target without running a trap (a revoked
// one as <Revoked Proxy>), and nesting too deep for the stack cut short.

import P from 'corojs:internal/primordials';

const U = P.util;
const customInspect = Symbol.for('nodejs.util.inspect.custom');
const identifier = /^[A-Za-z_$][\w$]*$/;
const defaults = { depth: 2, breakLength: 80, maxArrayLength: 100, maxStringLength: 10000, showProxy: false };
const MAX_NESTING = 500; // Node reaches about 2,000 levels before V8's stack ends; 1 MiB fibers about 550

function quote(s) {
  const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') ? '`' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0').toUpperCase();
    else out += ch;
  }
  return out + q;
}

function formatKey(key) {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return identifier.test(key) ? key : quote(key);
}

function formatPrimitive(v, ctx, top) {
  switch (typeof v) {
    case 'string': {
      if (top) return v;
      const cut = v.length > ctx.maxStringLength;
      const s = quote(cut ? v.slice(0, ctx.maxStringLength) : v);
      return cut ? `${s}... ${v.length - ctx.maxStringLength} more characters` : s;
    }
    case 'number': return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint': return `${v}n`;
    case 'symbol': return v.toString();
    case 'undefined': return 'undefined';
    default: return String(v);
  }
}

// What a proxy stands for, unwrapped without running a trap (null if one on
// the way is revoked); any other value as it is.
function unproxy(v) {
  for (let d; (d = U.proxyDetails(v)) !== undefined; v = d[0]) {
    if (d === null) return null;
  }
  return v;
}

function constructorName(obj) {
  let proto = unproxy(Object.getPrototypeOf(obj));
  while (proto) {
    const d = Object.getOwnPropertyDescriptor(proto, 'constructor');
    if (d && typeof d.value === 'function' && d.value.name) return d.value.name;
    proto = unproxy(Object.getPrototypeOf(proto));
  }
  return null;
}

// Node's name for an object whose prototype chain has no constructor, when
// it has a prototype: the constructor that made it (V8 reads it from the
// map; here QuickJS patch 0020's record, else 'Object'), with its
// prototype's name in <>. null when the object has no prototype.
function protoChainName(obj) {
  const proto = unproxy(Object.getPrototypeOf(obj));
  if (!proto) return null;
  const made = U.madeBy(obj);
  const name = (typeof made === 'function' && made.name) || 'Object';
  const inner = protoChainName(proto) ??
    (Reflect.ownKeys(proto).length ? '[Object: null prototype]' : '[Object: null prototype] {}');
  return `${name} <${inner}>`;
}

function functionBase(fn) {
  const src = Function.prototype.toString.call(fn);
  const name = fn.name ? `: ${fn.name}` : ' (anonymous)';
  if (src.startsWith('class')) return `[class ${fn.name || '(anonymous)'}]`;
  const kind = fn.constructor && fn.constructor.name;
  const prefix = kind === 'AsyncFunction' ? 'AsyncFunction' :
    kind === 'GeneratorFunction' ? 'GeneratorFunction' :
    kind === 'AsyncGeneratorFunction' ? 'AsyncGeneratorFunction' : 'Function';
  return `[${prefix}${name}]`;
}

function errorBase(err) {
  const head = String(err.name || 'Error') + (err.message ? `: ${err.message}` : '');
  const stack = typeof err.stack === 'string' ? err.stack : '';
  if (!stack) return `[${head}]`;
  // V8 stacks start with the "Name: message" line; QuickJS's hold only frames.
  return stack.startsWith(head) ? stack.trimEnd() : `${head}\n${stack.trimEnd()}`;
}

function isTypedArray(v) {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

// Entries of the object's own enumerable properties (and symbols), formatted.
function propertyEntries(obj, ctx, skipIndices) {
  const out = [];
  const keys = Reflect.ownKeys(obj);
  for (const key of keys) {
    if (skipIndices && typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key)) continue;
    const d = Object.getOwnPropertyDescriptor(obj, key);
    if (!d || !d.enumerable) continue;
    let value;
    if (d.get || d.set) value = d.get && d.set ? '[Getter/Setter]' : d.get ? '[Getter]' : '[Setter]';
    else value = formatValue(d.value, ctx, false);
    out.push(`${formatKey(key)}: ${value}`);
  }
  return out;
}

function arrayEntries(arr, ctx) {
  const out = [];
  const len = arr.length;
  const max = Math.min(len, ctx.maxArrayLength);
  let holes = 0;
  const flushHoles = () => {
    if (holes) out.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
    holes = 0;
  };
  for (let i = 0; i < max; i++) {
    if (!Object.prototype.hasOwnProperty.call(arr, i)) { holes++; continue; }
    flushHoles();
    out.push(formatValue(arr[i], ctx, false));
  }
  flushHoles();
  if (len > max) out.push(`... ${len - max} more item${len - max > 1 ? 's' : ''}`);
  return out;
}

function typedArrayEntries(ta, ctx) {
  const out = [];
  const max = Math.min(ta.length, ctx.maxArrayLength);
  for (let i = 0; i < max; i++) out.push(formatPrimitive(ta[i], ctx, false));
  if (ta.length > max) out.push(`... ${ta.length - max} more item${ta.length - max > 1 ? 's' : ''}`);
  return out;
}

// Node's layout of containers (compact: 3): the entries on one line if they
// fit ("fit" is Node's measure: the entries, two per entry for separators,
// the indentation, the opening brace, the base and a margin of 10) and the
// container is among the 3 innermost levels of what was just printed; else
// one per line, indented. An array of more than 6 short entries is grouped
// in columns first (then never on one line).
function reduceToSingleString(entries, base, braces, ctx, array) {
  const [open, close] = braces;
  const prefix = base ? `${base} ` : '';
  if (entries.length === 0) return `${prefix}${open}${close}`;
  const count = entries.length;
  if (array !== undefined && count > 6) entries = groupArrayElements(entries, ctx, array);
  const total = entries.reduce((n, e) => n + e.length + 2, 0) + ctx.indent.length + open.length + base.length + 10;
  if (ctx.state.currentDepth - ctx.seen.length < 3 && entries.length === count && total <= ctx.breakLength &&
    !entries.some((e) => e.includes('\n')) && !prefix.includes('\n')) {
    return `${prefix}${open} ${entries.join(', ')} ${close}`;
  }
  const pad = ' '.repeat(ctx.indent.length + 2);
  return `${prefix}${open}\n${pad}${entries.join(`,\n${pad}`)}\n${' '.repeat(ctx.indent.length)}${close}`;
}

// Rows of columns, as Node groups arrays: about as many columns as make the
// block square (a character taken as 2.5 times as high as wide), at most 15
// and what fits the line; numbers right-aligned, anything else left-aligned.
// Arrays whose entries differ much in length stay one entry a line.
function groupArrayElements(entries, ctx, array) {
  const n = ctx.maxArrayLength < entries.length ? entries.length - 1 : entries.length; // not "... more items"
  const lengths = entries.slice(0, n).map((e) => e.length);
  const total = lengths.reduce((sum, len) => sum + len + 2, 0);
  const maxLength = Math.max(...lengths);
  const widest = maxLength + 2;
  if (widest * 3 + ctx.indent.length >= ctx.breakLength || (total / widest <= 5 && maxLength > 6)) return entries;
  const biasedMax = Math.max(widest - 3 - Math.sqrt(widest - total / entries.length), 1);
  const columns = Math.min(Math.round(Math.sqrt(2.5 * biasedMax * n) / biasedMax),
    Math.floor((ctx.breakLength - ctx.indent.length) / widest), 3 * 4, 15);
  if (columns <= 1) return entries;
  const widths = [];
  for (let c = 0; c < columns; c++) {
    let w = 0;
    for (let j = c; j < entries.length; j += columns) if (lengths[j] > w) w = lengths[j];
    widths.push(w + 2);
  }
  let numbers = true;
  for (let i = 0; i < entries.length; i++) {
    if (typeof array[i] !== 'number' && typeof array[i] !== 'bigint') { numbers = false; break; }
  }
  const rows = [];
  for (let i = 0; i < n; i += columns) {
    const last = Math.min(i + columns, n) - 1;
    let row = '';
    for (let j = i; j < last; j++) {
      row += numbers ? `${entries[j]}, `.padStart(widths[j - i]) : `${entries[j]}, `.padEnd(widths[j - i]);
    }
    row += numbers ? entries[last].padStart(widths[last - i] - 2) : entries[last];
    rows.push(row);
  }
  if (n < entries.length) rows.push(entries[n]);
  return rows;
}

function formatValue(v, ctx, top) {
  if (v === null) return 'null';
  if (typeof v !== 'object' && typeof v !== 'function') return formatPrimitive(v, ctx, top);

  const context = v; // a proxy: what a custom inspect function is called on
  const proxy = U.proxyDetails(v);
  if (proxy === null) return '<Revoked Proxy>';
  if (proxy !== undefined) {
    if (ctx.showProxy) return formatProxy(v, proxy, ctx);
    v = unproxy(v);
    if (v === null) return '<Revoked Proxy>';
  }
  if (ctx.customInspect && typeof v[customInspect] === 'function') {
    const r = v[customInspect].call(context, ctx.depth - ctx.seen.length, { ...ctx, seen: undefined }, inspect);
    if (r !== context) return typeof r === 'string' ? r : formatValue(r, ctx, false);
  }
  const seenAt = ctx.seen.indexOf(v);
  if (seenAt >= 0) {
    let ref = ctx.circular.get(v);
    if (!ref) { ref = ctx.circular.size + 1; ctx.circular.set(v, ref); }
    return `[Circular *${ref}]`;
  }
  // nesting deeper than the stack (depth: Infinity): this level is cut short
  // and the levels above go on, as in Node. On a deep stack (the main
  // module's) that would be thousands of levels, each copying the text of
  // those below: past MAX_NESTING it stops as if the stack had ended (the text
  // grows with the square of the depth, and so does the copying).
  const interrupted = () => `[${constructorName(v) || 'Object'}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
  if (ctx.seen.length >= MAX_NESTING) return interrupted();
  try {
    return formatObject(v, ctx);
  } catch (e) {
    if (!(e instanceof RangeError) || e.message !== 'Maximum call stack size exceeded') throw e;
    return interrupted();
  }
}

// showProxy: Proxy [ target, handler ].
function formatProxy(proxy, [target, handler], ctx) {
  if (ctx.seen.length > ctx.depth) return 'Proxy [Array]';
  const inner = nest(ctx, proxy);
  return reduceToSingleString([formatValue(target, inner, false), formatValue(handler, inner, false)],
    'Proxy', ['[', ']'], ctx);
}

function formatObject(v, ctx) {
  const name = constructorName(v);
  let base = '';
  let braces = ['{', '}'];
  let entries;
  let tooDeep = ctx.seen.length > ctx.depth;

  if (typeof v === 'function') {
    base = functionBase(v);
    if (Reflect.ownKeys(v).every((k) => ['length', 'name', 'prototype'].includes(k) ||
      !Object.getOwnPropertyDescriptor(v, k).enumerable)) return base;
  } else if (Array.isArray(v)) {
    braces = ['[', ']'];
    if (name !== 'Array') base = `${name || '[Array: null prototype]'}(${v.length})`;
    if (tooDeep && !isEmptyContainer(v)) return '[Array]';
  } else if (isTypedArray(v)) {
    braces = ['[', ']'];
    base = `${name}(${v.length})`;
  } else if (v instanceof Map) {
    base = `${name || 'Map'}(${v.size})`;
  } else if (v instanceof Set) {
    base = `${name || 'Set'}(${v.size})`;
  } else if (v instanceof ArrayBuffer) {
    base = name || 'ArrayBuffer';
  } else if (v instanceof Date) {
    return isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  } else if (v instanceof RegExp) {
    return RegExp.prototype.toString.call(v);
  } else if (U.isError(v) || v instanceof Error) {
    return formatError(v, name, ctx);
  } else if (v instanceof Promise) {
    const st = U.promiseState(v);
    const shown = st[0] === 0 ? '<pending>' : (st[0] === 2 ? '<rejected> ' : '') + formatValue(st[1], nest(ctx, v), false);
    return `Promise { ${shown} }`;
  } else if (v instanceof WeakMap || v instanceof WeakSet) {
    return `${name} { <items unknown> }`;
  } else if (v instanceof Number || v instanceof String || v instanceof Boolean) {
    return `[${name}: ${formatPrimitive(v.valueOf(), ctx, false)}]`;
  } else if (name === null) {
    base = protoChainName(v) ?? '[Object: null prototype]';
  } else if (name !== 'Object') {
    base = name;
  }
  if (tooDeep && !isEmptyContainer(v)) return `[${name || 'Object'}]`;

  const inner = nest(ctx, v);
  if (!isEmptyContainer(v)) ctx.state.currentDepth = ctx.seen.length;
  if (Array.isArray(v)) entries = arrayEntries(v, inner).concat(propertyEntries(v, inner, true));
  else if (isTypedArray(v)) entries = typedArrayEntries(v, inner);
  else if (v instanceof Map) {
    entries = [];
    for (const [k, val] of v) entries.push(`${formatValue(k, inner, false)} => ${formatValue(val, inner, false)}`);
    entries = entries.concat(propertyEntries(v, inner, false));
  } else if (v instanceof Set) {
    entries = [];
    for (const val of v) entries.push(formatValue(val, inner, false));
    entries = entries.concat(propertyEntries(v, inner, false));
  } else if (v instanceof ArrayBuffer) {
    const bytes = new Uint8Array(v, 0, Math.min(v.byteLength, 50));
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
    entries = [`[Uint8Contents]: <${hex}${v.byteLength > 50 ? ` ... ${v.byteLength - 50} more bytes` : ''}>`,
      `byteLength: ${v.byteLength}`];
  } else entries = propertyEntries(v, inner, false);

  const array = Array.isArray(v) || isTypedArray(v) ? v : undefined;
  return withRef(v, reduceToSingleString(entries, base, braces, ctx, array), ctx);
}

// An error: its stack, then (as Node does) its own properties besides name,
// message and stack, and its cause and errors even though they are hidden.
function formatError(err, name, ctx) {
  const base = indentLines(errorBase(err), ctx.indent);
  const inner = nest(ctx, err);
  ctx.state.currentDepth = ctx.seen.length;
  const entries = propertyEntries(err, inner, false).filter((e) => !/^(stack|message):/.test(e) &&
    !(e.startsWith('name:') && typeof err.name === 'string' && base.includes(err.name)));
  for (const key of ['cause', 'errors']) {
    const d = Object.getOwnPropertyDescriptor(err, key);
    if (d && !d.enumerable && 'value' in d) entries.push(`[${key}]: ${formatValue(d.value, inner, false)}`);
  }
  if (!entries.length) return base;
  if (ctx.seen.length > ctx.depth) return `[${name || 'Error'}]`;
  return withRef(err, reduceToSingleString(entries, base, ['{', '}'], ctx), ctx);
}

// Whether inspect shows v as an empty container ({}, [], Foo {}, Map(0) {}):
// Node shows those at any depth and does not count them as a level.
function isEmptyContainer(v) {
  if (v instanceof ArrayBuffer) return false;
  const size = Array.isArray(v) || isTypedArray(v) ? v.length : v instanceof Map || v instanceof Set ? v.size : 0;
  return size === 0 && !Reflect.ownKeys(v).some((k) => Object.prototype.propertyIsEnumerable.call(v, k));
}

function withRef(v, out, ctx) {
  const ref = ctx.circular.get(v);
  return ref ? `<ref *${ref}> ${out}` : out;
}

function indentLines(s, indent) {
  return indent ? s.split('\n').join(`\n${indent}`) : s;
}

function nest(ctx, v) {
  return { ...ctx, seen: [...ctx.seen, v], indent: ctx.indent + '  ' };
}

export function inspect(value, options = {}) {
  const ctx = {
    ...defaults,
    ...options,
    customInspect: options.customInspect !== false,
    seen: [],
    indent: '',
    circular: new Map(),
    state: { currentDepth: 0 }, // shared by all levels: the level of the last container printed
  };
  if (ctx.depth === null) ctx.depth = Infinity;
  return formatValue(value, ctx, false);
}

inspect.custom = customInspect;
inspect.defaultOptions = defaults;

// format('%s is %d', 'x', 1): printf-like, then the rest inspected and joined.
export function format(...args) {
  const first = args[0];
  let out = '';
  let i = 1;
  if (typeof first === 'string') {
    let last = 0;
    for (let p = 0; p < first.length - 1; p++) {
      if (first[p] !== '%') continue;
      const c = first[p + 1];
      let piece;
      if (c === '%') piece = '%';
      else if (i >= args.length) continue;
      else if (c === 's') {
        const a = args[i++];
        piece = typeof a === 'string' ? a : typeof a === 'bigint' ? `${a}n` :
          typeof a === 'object' && a !== null ? inspect(a, { depth: 0 }) : formatPrimitive(a, defaults, true);
      } else if (c === 'd' || c === 'i') {
        const a = args[i++];
        piece = typeof a === 'bigint' ? `${a}n` : typeof a === 'symbol' ? 'NaN' :
          String(c === 'i' ? Math.trunc(Number(a)) : Number(a));
      } else if (c === 'f') piece = String(parseFloat(args[i++]));
      else if (c === 'j') {
        try {
          piece = JSON.stringify(args[i++]);
        } catch (e) { // only a cycle is printed, anything else (a BigInt) thrown, as in Node
          if (!(e instanceof TypeError) || !/circular/i.test(e.message)) throw e;
          piece = '[Circular]';
        }
      } else if (c === 'o' || c === 'O') piece = inspect(args[i++], c === 'o' ? { depth: 4 } : {});
      else if (c === 'c') { i++; piece = ''; }
      else continue;
      out += first.slice(last, p) + piece;
      last = p + 2;
      p++;
    }
    out += first.slice(last);
  } else {
    i = 0;
  }
  for (; i < args.length; i++) {
    const a = args[i];
    out += (out || i > 0 ? ' ' : '') + (typeof a === 'string' ? a : inspect(a));
  }
  return out;
}

export default { inspect, format };
