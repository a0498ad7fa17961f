// internalBinding('util') for Node's lib: what V8 tells Node's C++ about
// values (promise state, proxies, the entries of collections, property
// lists), from __primordials.util.

import P from 'corojs:internal/primordials';

const U = P.util;
const ONLY_WRITABLE = 1, ONLY_ENUMERABLE = 2, ONLY_CONFIGURABLE = 4, SKIP_STRINGS = 8, SKIP_SYMBOLS = 16;
const isIndex = (key) => typeof key === 'string' && /^(?:0|[1-9][0-9]*)$/.test(key) && +key < 4294967295;

// V8's private symbols: ordinary symbols here (no JS engine feature hides a
// property from reflection as V8's do).
const privateSymbols = {};
for (const name of ['arrow_message_private_symbol', 'contextify_context_private_symbol',
  'decorated_private_symbol', 'host_defined_option_symbol', 'module_source_private_symbol',
  'module_export_names_private_symbol', 'module_circular_visited_private_symbol',
  'module_export_private_symbol', 'module_parent_private_symbol', 'napi_type_tag', 'napi_wrapper',
  'untransferable_object_private_symbol', 'exit_info_private_symbol', 'promise_trace_id',
  'require_private_symbol', 'source_map_data_private_symbol']) {
  privateSymbols[name] = Symbol(`node:${name}`);
}
// The mark of a contextified object (node:vm) must not show among the
// sandbox's keys, nor among its context's globals: a private symbol.
privateSymbols.contextify_context_private_symbol = P.vm.privateSymbol('node:contextify_context_private_symbol');

function getOwnNonIndexProperties(obj, filter) {
  const keys = ArrayBuffer.isView(obj) && !(obj instanceof DataView)
    ? Reflect.ownKeys(obj).slice(obj.length) : Reflect.ownKeys(obj);
  return keys.filter((key) => {
    if (typeof key === 'symbol' ? filter & SKIP_SYMBOLS : filter & SKIP_STRINGS || isIndex(key)) return false;
    if (!(filter & (ONLY_WRITABLE | ONLY_ENUMERABLE | ONLY_CONFIGURABLE))) return true;
    const d = Reflect.getOwnPropertyDescriptor(obj, key);
    return d && (!(filter & ONLY_ENUMERABLE) || d.enumerable) &&
      (!(filter & ONLY_CONFIGURABLE) || d.configurable) &&
      (!(filter & ONLY_WRITABLE) || d.writable || d.set);
  });
}

function getPromiseDetails(p) {
  const s = U.promiseState(p);
  return s === undefined ? undefined : s[0] === 0 ? [0] : s;
}

function getProxyDetails(v, showProxy = true) {
  const d = U.proxyDetails(v);
  if (d === undefined) return undefined;
  if (d === null) return showProxy ? [null, null] : null;
  return showProxy ? d : d[0];
}

// previewEntries(obj[, isIterator]): V8's flat list of entries; with
// isIterator, [entries, isKeyValue].
function previewEntries(obj, isIterator) {
  const r = U.previewEntries(obj);
  if (r === undefined) return undefined;
  return isIterator ? r : r[0];
}

// V8's Object::GetConstructorName: the name of the nearest constructor up
// the prototype chain, read without running getters.
function getConstructorName(obj) {
  for (let o = obj; o !== null && o !== undefined; o = Reflect.getPrototypeOf(o)) {
    const d = Reflect.getOwnPropertyDescriptor(o, 'constructor');
    if (d && typeof d.value === 'function' && typeof d.value.name === 'string' && d.value.name) return d.value.name;
  }
  // no `constructor` on the way: the one whose `new` made obj, if its
  // prototype has none of its own (QuickJS patch 0020), as V8's map says
  const made = U.madeBy(obj);
  return typeof made === 'function' && typeof made.name === 'string' && made.name ? made.name : 'Object';
}

function isInsideNodeModules() {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    if (/\(?node:|corojs:/.test(line)) continue;
    return /[\\/]node_modules[\\/]/.test(line);
  }
  return false;
}

// As Node 20's binding: an index into internal/util's handleTypes.
const handleTypes = ['TCP', 'TTY', 'UDP', 'FILE', 'PIPE', 'UNKNOWN'];
function guessHandleType(fd) {
  return handleTypes.indexOf(P.util.guessHandleType(fd));
}

// util.parseEnv: Node's C++ dotenv parser (src/node_dotenv.cc,
// Dotenv::ParseContent) step by step: only spaces are trimmed, a value in
// double quotes expands \n and may span lines, one in single quotes or
// backticks may span lines too, an unclosed quote takes the rest of its
// line, and an unquoted value ends at its first '#'. The keys come out
// sorted, as Node's std::map gives them. One difference: the last pair ends
// the parse, where Node's loop reads its value again as a line of its own.
const trimSpaces = (s) => s.replace(/^ +| +$/g, '');

function parseEnv(input) {
  const store = new Map();
  let content = trimSpaces(String(input).replaceAll('\r', ''));
  while (content.length > 0) {
    if (content[0] === '\n' || content[0] === '#') {
      const newline = content.indexOf('\n');
      if (newline !== -1) {
        content = content.slice(newline + 1);
        continue;
      }
    }
    const equal = content.indexOf('=');
    if (equal === -1) break;
    let key = trimSpaces(content.slice(0, equal));
    content = trimSpaces(content.slice(equal + 1));
    if (key === '') break;
    if (key.startsWith('export ')) key = key.slice(7);
    if (content === '') {
      store.set(key, '');
      break;
    }
    const quote = content[0];
    const closing = quote === '"' || quote === "'" || quote === '`' ? content.indexOf(quote, 1) : -1;
    if (closing !== -1) {
      const value = content.slice(1, closing);
      store.set(key, quote === '"' ? value.replaceAll('\\n', '\n') : value);
      const newline = content.indexOf('\n', closing + 1);
      if (newline !== -1) content = content.slice(newline);
      else break; // the last pair (Node's loop would not move on)
      continue;
    }
    const newline = content.indexOf('\n');
    if (quote === '"' || quote === "'" || quote === '`') { // unclosed: the rest of the line
      store.set(key, newline === -1 ? content : content.slice(0, newline));
      if (newline === -1) break;
      content = content.slice(newline);
      continue;
    }
    let value = newline === -1 ? content : content.slice(0, newline);
    const hash = value.indexOf('#');
    if (hash !== -1) value = value.slice(0, hash);
    store.set(key, trimSpaces(value));
    if (newline === -1) break;
    content = content.slice(newline);
  }
  const out = {};
  for (const key of [...store.keys()].sort()) out[key] = store.get(key);
  return out;
}

export default {
  constants: {
    kPending: 0, kFulfilled: 1, kRejected: 2,
    kExiting: 0, kExitCode: 1, kHasExitCode: 2,
    ALL_PROPERTIES: 0, ONLY_WRITABLE, ONLY_ENUMERABLE, ONLY_CONFIGURABLE, SKIP_STRINGS, SKIP_SYMBOLS,
  },
  privateSymbols,
  getOwnNonIndexProperties,
  getPromiseDetails,
  getProxyDetails,
  previewEntries,
  getConstructorName,
  getExternalValue: () => 0n,
  isInsideNodeModules,
  isArrayBufferDetached: (ab) => ab instanceof ArrayBuffer && ab.detached === true,
  arrayBufferViewHasBuffer: () => true,
  sleep: (ms) => P.util.sleep?.(ms),
  guessHandleType,
  shouldAbortOnUncaughtToggle: new Uint32Array(1),
  getCallerLocation: () => undefined,
  parseEnv,
};
