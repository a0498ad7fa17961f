// corojs:internal/errors: the one way the library makes an error with a code.
//
//   throw ERR_INVALID_ARG_TYPE('host', 'string', host);
//   // TypeError: The "host" argument must be of type string. Received type number (42)
//
// Each code has one function here, named after it, that makes the error:
// Node's kind (TypeError, RangeError, Error) and Node's message where Node
// has the code, ours where it has none (ERR_TLS_CERTIFICATE_RESOLVER,
// ERR_DATA_CLONE). Errors thrown by __primordials are made in C, by
// src/core/error.c, in the same words; the library lets them through as
// they are. The WHATWG classes (fetch, Headers, URLSearchParams) throw the
// plain TypeError or RangeError their standards name, without a code, as
// Node's do.

import P from 'corojs:internal/primordials';

// The frames of this module and of corojs:internal/validators are left out
// of the stack: it starts where the library decided to throw.
const OWN_FRAME = /^\s*at .*\(corojs:internal\/(errors|validators):/;

function coded(Kind, code, message, props) {
  const e = new Kind(message);
  e.code = code;
  if (props) Object.assign(e, props);
  if (typeof e.stack === 'string') e.stack = e.stack.split('\n').filter((l) => !OWN_FRAME.test(l)).join('\n');
  return e;
}

// util.inspect, loaded when a message first needs it.
function inspect(v) {
  return P.util.importSync('corojs:util').inspect(v);
}

// How Node names a received value: "type number (42)", "type string ('a')",
// "an instance of Foo", "function bar", "undefined".
export function describe(v) {
  if (v === null || v === undefined) return String(v);
  switch (typeof v) {
    case 'bigint': return `type bigint (${v}n)`;
    case 'number': return `type number (${Object.is(v, -0) ? '-0' : v})`;
    case 'boolean': return `type boolean (${v})`;
    case 'symbol': return `type symbol (${String(v)})`;
    case 'function': return `function ${v.name}`;
    case 'string': {
      const s = v.length > 28 ? `${v.slice(0, 25)}...` : v;
      return s.includes("'") ? `type string (${JSON.stringify(s)})` : `type string ('${s}')`;
    }
    default: {
      const name = v.constructor?.name;
      return typeof name === 'string' ? `an instance of ${name}` : inspect(v);
    }
  }
}

// Errors a client causes on a server's connection, by leaving, by being slow
// or by what it sends: a reset, a broken pipe, a read that timed out, a
// socket that another fiber closed (EBADF), a TLS handshake that failed, a
// request body that is too large or malformed. The servers' default onError
// does not print them; a server that wants them gives its own onError,
// which gets every error.
const clientCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ENOTCONN', 'ERR_TLS_NO_CERTIFICATE',
  'ERR_HTTP_BODY_TOO_LARGE', 'ERR_HTTP_BODY_BROKEN']);

export function isClientError(error, socket) {
  const code = error?.code;
  if (typeof code !== 'string') return false;
  if (code === 'EBADF') return error.syscall !== undefined || socket?.closed === true;
  if (code === 'ETIMEDOUT') return error.syscall !== 'connect';
  return clientCodes.has(code) || code.startsWith('HPE_') || code.startsWith('ERR_SSL_');
}

// What a server's default onError does: print the error to stderr, after
// `what` ("Error in an HTTP handler").
export function printError(what, error) {
  P.process.write(2, `${what}: ${inspect(error)}\n`);
}

// ['a', 'b', 'c'] -> 'a, b, or c'
function orList(list) {
  if (list.length < 3) return list.join(' or ');
  return `${list.slice(0, -1).join(', ')}, or ${list[list.length - 1]}`;
}

// 'The "name" argument' or, for 'options.x', 'The "options.x" property'.
function subject(name) {
  return `The "${name}" ${name.includes('.') ? 'property' : 'argument'}`;
}

const TYPES = new Set(['string', 'function', 'number', 'object', 'boolean', 'bigint', 'symbol']);

// What an argument must be, from Node's list of expected types: typeof
// names ('string'), classes ('Uint8Array') and anything else ('a path').
function expectedText(expected) {
  const types = [], classes = [], other = [];
  for (const e of Array.isArray(expected) ? expected : [expected]) {
    if (TYPES.has(e) || e === 'Function' || e === 'Object') types.push(e.toLowerCase());
    else if (/^[A-Z][a-zA-Z0-9]*$/.test(e)) classes.push(e);
    else other.push(e);
  }
  if (classes.length && types.includes('object')) {
    types.splice(types.indexOf('object'), 1);
    classes.push('Object');
  }
  const parts = [];
  if (types.length) parts.push(`${types.length > 1 ? 'one of type' : 'of type'} ${orList(types)}`);
  if (classes.length) parts.push(`an instance of ${orList(classes)}`);
  if (other.length > 1) parts.push(`one of ${orList(other)}`);
  else if (other.length) parts.push(`${other[0].toLowerCase() !== other[0] ? 'an ' : ''}${other[0]}`);
  return parts.join(' or ');
}

// 1234567890123 -> '1_234_567_890_123', as Node prints large numbers.
function separated(digits) {
  const sign = digits[0] === '-' ? '-' : '';
  const s = digits.slice(sign.length);
  return sign + s.replace(/\B(?=(\d{3})+$)/g, '_');
}

export function ERR_INVALID_ARG_TYPE(name, expected, actual) {
  return coded(TypeError, 'ERR_INVALID_ARG_TYPE',
    `${subject(name)} must be ${expectedText(expected)}. Received ${describe(actual)}`);
}

export function ERR_INVALID_ARG_VALUE(name, value, reason = 'is invalid') {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return coded(TypeError, 'ERR_INVALID_ARG_VALUE',
    `The ${name.includes('.') ? 'property' : 'argument'} '${name}' ${reason}. Received ${shown}`);
}

export function ERR_OUT_OF_RANGE(name, range, input) {
  let received;
  if (Number.isInteger(input) && Math.abs(input) > 2 ** 32) received = separated(String(input));
  else if (typeof input === 'bigint') {
    received = `${input > 2n ** 32n || input < -(2n ** 32n) ? separated(String(input)) : input}n`;
  } else received = inspect(input);
  return coded(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${received}`);
}

export function ERR_MISSING_ARGS(name) {
  return coded(TypeError, 'ERR_MISSING_ARGS', `The "${name}" argument must be specified`);
}

export function ERR_MISSING_OPTION(name) {
  return coded(TypeError, 'ERR_MISSING_OPTION', `${name} is required`);
}

export function ERR_ILLEGAL_CONSTRUCTOR(how) {
  return coded(TypeError, 'ERR_ILLEGAL_CONSTRUCTOR', `Illegal constructor: ${how}`);
}

export function ERR_INVALID_RETURN_VALUE(input, name, value) {
  return coded(TypeError, 'ERR_INVALID_RETURN_VALUE',
    `Expected ${input} to be returned from the "${name}" function but got ${describe(value)}.`);
}

export function ERR_INVALID_TUPLE(name, tuple) {
  return coded(TypeError, 'ERR_INVALID_TUPLE', `${name} must be an iterable ${tuple} tuple`);
}

// Node's message, or ours for a Node builtin CoroJS does not have.
export function ERR_UNKNOWN_BUILTIN_MODULE(id, message = `No such built-in module: ${id}`) {
  return coded(Error, 'ERR_UNKNOWN_BUILTIN_MODULE', message);
}

export function ERR_ENCODING_NOT_SUPPORTED(label) {
  return coded(RangeError, 'ERR_ENCODING_NOT_SUPPORTED', `The "${label}" encoding is not supported`);
}

export function ERR_INVALID_URL(input) {
  return coded(TypeError, 'ERR_INVALID_URL', 'Invalid URL', { input });
}

export function ERR_INVALID_IP_ADDRESS(ip) {
  return coded(TypeError, 'ERR_INVALID_IP_ADDRESS', `Invalid IP address: ${ip}`);
}

export function ERR_SOCKET_BAD_PORT(name, port, allowZero = true) {
  return coded(RangeError, 'ERR_SOCKET_BAD_PORT',
    `${name} should be ${allowZero ? '>=' : '>'} 0 and < 65536. Received ${describe(port)}.`);
}

export function ERR_SOCKET_BAD_TYPE() {
  return coded(TypeError, 'ERR_SOCKET_BAD_TYPE', 'Bad socket type specified. Valid types are: udp4, udp6');
}

// Node's message; a server of ours cannot listen again once closed either.
export function ERR_SERVER_ALREADY_LISTEN(closed = false) {
  return coded(Error, 'ERR_SERVER_ALREADY_LISTEN', closed
    ? 'Listen method has been called on a closed server.'
    : 'Listen method has been called more than once without closing.');
}

export function ERR_WASI_ALREADY_STARTED() {
  return coded(Error, 'ERR_WASI_ALREADY_STARTED', 'WASI instance has already started');
}

// ours: as the above, for corojs:dagger
export function ERR_DAGGER_ALREADY_STARTED() {
  return coded(Error, 'ERR_DAGGER_ALREADY_STARTED', 'Dagger instance has already started');
}

// ours: a WASI command or Dagger module imported by another module
export function ERR_WASM_APP_IMPORTED(path) {
  return coded(Error, 'ERR_WASM_APP_IMPORTED',
    `${path} is a WebAssembly app (a WASI command or a Dagger module): run it (corojs app.wasm, ` +
    'new Isolate()) or instantiate it with corojs:wasi or corojs:dagger, rather than import it');
}

export function ERR_INVALID_HTTP_TOKEN(name, token) {
  return coded(TypeError, 'ERR_INVALID_HTTP_TOKEN', `${name} must be a valid HTTP token ["${token}"]`);
}

export function ERR_HTTP_INVALID_HEADER_VALUE(value, name) {
  return coded(TypeError, 'ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "${value}" for header "${name}"`);
}

export function ERR_INVALID_CHAR(name, field) {
  return coded(TypeError, 'ERR_INVALID_CHAR', `Invalid character in ${name}${field === undefined ? '' : ` ["${field}"]`}`);
}

export function ERR_HTTP_CONTENT_LENGTH_MISMATCH(bodyLength, contentLength) {
  return coded(Error, 'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
    `Request body's content-length of ${bodyLength} byte(s) does not match the content-length of ` +
    `${contentLength} byte(s) set in header`);
}

// Node names one protocol it expected; our client takes either of `expected`.
export function ERR_INVALID_PROTOCOL(protocol, expected) {
  return coded(TypeError, 'ERR_INVALID_PROTOCOL',
    `Protocol "${protocol}" not supported. Expected ${expected.map((p) => `"${p}"`).join(' or ')}`);
}

export function ERR_TLS_INVALID_PROTOCOL_VERSION(version, which) {
  return coded(TypeError, 'ERR_TLS_INVALID_PROTOCOL_VERSION',
    `${JSON.stringify(version)} is not a valid ${which} TLS protocol version`);
}

// ours: a TLS server's certificateResolver threw (the error is the cause)
export function ERR_TLS_CERTIFICATE_RESOLVER(servername, cause) {
  return coded(Error, 'ERR_TLS_CERTIFICATE_RESOLVER',
    `certificateResolver failed for '${servername}': ${cause?.message ?? cause}`, { cause, servername });
}

// Module loading (corojs:internal/node/loader), in Node's words.
export function MODULE_NOT_FOUND(request, requireStack) {
  const stack = requireStack.length ? `\nRequire stack:\n- ${requireStack.join('\n- ')}` : '';
  return coded(Error, 'MODULE_NOT_FOUND', `Cannot find module '${request}'${stack}`, { requireStack });
}

export function ERR_MODULE_NOT_FOUND(path, base, exact) {
  return coded(Error, 'ERR_MODULE_NOT_FOUND',
    `Cannot find ${exact ? 'module' : 'package'} '${path}' imported from ${base}`);
}

export function ERR_UNSUPPORTED_DIR_IMPORT(path, base) {
  return coded(Error, 'ERR_UNSUPPORTED_DIR_IMPORT',
    `Directory import '${path}' is not supported resolving ES modules imported from ${base}`);
}

export function ERR_INVALID_MODULE_SPECIFIER(request, reason, base) {
  return coded(TypeError, 'ERR_INVALID_MODULE_SPECIFIER',
    `Invalid module "${request}" ${reason}${base ? ` imported from ${base}` : ''}`);
}

export function ERR_INVALID_PACKAGE_CONFIG(path, base, message) {
  return coded(Error, 'ERR_INVALID_PACKAGE_CONFIG',
    `Invalid package config ${path}${base ? ` while importing ${base}` : ''}${message ? `. ${message}` : ''}`);
}

// pkgDir ends with '/'
export function ERR_PACKAGE_PATH_NOT_EXPORTED(pkgDir, subpath, base) {
  const from = base ? ` imported from ${base}` : '';
  return coded(Error, 'ERR_PACKAGE_PATH_NOT_EXPORTED', subpath === '.'
    ? `No "exports" main defined in ${pkgDir}package.json${from}`
    : `Package subpath '${subpath}' is not defined by "exports" in ${pkgDir}package.json${from}`);
}

export function ERR_PACKAGE_IMPORT_NOT_DEFINED(specifier, pkgDir, base) {
  return coded(TypeError, 'ERR_PACKAGE_IMPORT_NOT_DEFINED', `Package import specifier "${specifier}" is not defined${
    pkgDir ? ` in package ${pkgDir}package.json` : ''} imported from ${base}`);
}

export function ERR_INVALID_PACKAGE_TARGET(pkgDir, key, target, isImport, base) {
  const relError = typeof target === 'string' && !isImport && target.length && !target.startsWith('./');
  const from = base ? ` imported from ${base}` : '';
  const hint = relError ? '; targets must start with "./"' : '';
  return coded(Error, 'ERR_INVALID_PACKAGE_TARGET', key === '.'
    ? `Invalid "exports" main target ${JSON.stringify(target)} defined in the package config ${pkgDir}package.json${from}${hint}`
    : `Invalid "${isImport ? 'imports' : 'exports'}" target ${JSON.stringify(target)} defined for '${key}' in the package config ${pkgDir}package.json${from}${hint}`);
}

export function ERR_UNKNOWN_FILE_EXTENSION(ext, path) {
  return coded(TypeError, 'ERR_UNKNOWN_FILE_EXTENSION', `Unknown file extension "${ext}" for ${path}`);
}

export function ERR_UNSUPPORTED_ESM_URL_SCHEME(protocol) {
  return coded(Error, 'ERR_UNSUPPORTED_ESM_URL_SCHEME', 'Only URLs with a scheme in: file, node, corojs and https ' +
    `(with the net capability) are supported by the default ESM loader. Received protocol '${protocol}'`);
}

export function ERR_INVALID_RETURN_PROPERTY_VALUE(input, name, prop, value) {
  return coded(TypeError, 'ERR_INVALID_RETURN_PROPERTY_VALUE',
    `Expected ${input} to be returned for the "${prop}" from the "${name}" hook but got ${describe(value)}.`);
}

export function ERR_REQUIRE_ASYNC_MODULE(parent, path) {
  return coded(Error, 'ERR_REQUIRE_ASYNC_MODULE', 'require() cannot be used on an ESM graph with top-level await. ' +
    `Use import() instead.\n  From ${parent} \n  Requiring ${path} `);
}

export function ERR_REQUIRE_CYCLE_MODULE(path, parent) {
  return coded(Error, 'ERR_REQUIRE_CYCLE_MODULE', `Cannot require() ES Module ${path} in a cycle.${
    parent ? ` (from ${parent})` : ''}`);
}

export function ERR_METHOD_NOT_IMPLEMENTED(method, why) {
  return coded(Error, 'ERR_METHOD_NOT_IMPLEMENTED', `The ${method} method is not implemented${why ? `: ${why}` : ''}`);
}

export function ERR_DLOPEN_FAILED(path) {
  return coded(Error, 'ERR_DLOPEN_FAILED', `${path}: native addons (.node files) cannot be loaded by CoroJS`);
}

export function ERR_IMPORT_MAP(path, message) {
  return coded(TypeError, 'ERR_IMPORT_MAP', `Invalid import map ${path}: ${message}`);
}

export function ERR_ACCESS_DENIED(message) {
  return coded(Error, 'ERR_ACCESS_DENIED', message);
}

// A system failure made in JS: an Error with an errno name as its code and
// `props` (errno, syscall, path, hostname, ...), as the C side makes them.
export function systemError(code, message, props) {
  return coded(Error, code, message, props);
}

// A name lookup that found nothing, as Node's dns errors read (and as the
// C side makes the others: "<syscall> <code> <hostname>").
export function dnsError(code, syscall, hostname) {
  return systemError(code, `${syscall} ${code} ${hostname}`, { syscall, hostname });
}

// ours: a value that cannot be sent to another isolate
export class DataCloneError extends TypeError {
  constructor(message) {
    super(message);
    this.name = 'DataCloneError';
    this.code = 'ERR_DATA_CLONE';
  }
}

const errorTypes = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
  DataCloneError };

// An Error like the one another isolate described (name, message, stack,
// code, ...): the same class if this isolate has it, else Error.
export function reviveError(fields) {
  const Ctor = errorTypes[fields.name] ?? (typeof globalThis[fields.name] === 'function' &&
    globalThis[fields.name].prototype instanceof Error ? globalThis[fields.name] : Error);
  const e = new Ctor(fields.message ?? '');
  for (const k of Object.keys(fields)) {
    if (k === 'message') continue;
    if (k === 'name' && e.name === fields.name) continue;
    Object.defineProperty(e, k, { value: fields[k], writable: true, configurable: true, enumerable: k !== 'stack' && k !== 'name' });
  }
  return e;
}
