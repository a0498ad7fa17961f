// corojs:internal/errors: errors for bad arguments, worded as Node words them
// and as the C bindings do (src/binding.c), for the library's JS checks.

// How a received value is described: "type number (42)", "an instance of Foo".
export function describe(v) {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return `type string ('${v.length > 40 ? `${v.slice(0, 40)}...` : v}')`;
  if (typeof v === 'object' || typeof v === 'function') return `an instance of ${v.constructor?.name ?? 'Object'}`;
  return `type ${typeof v} (${String(v)})`;
}

export function codedError(Ctor, code, message) {
  const e = new Ctor(message);
  e.code = code;
  return e;
}

// TypeError ERR_INVALID_ARG_TYPE: The "name" argument must be <expected>. Received ...
export function invalidArgType(name, expected, v) {
  return codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${expected}. Received ${describe(v)}`);
}

// TypeError ERR_INVALID_ARG_VALUE: The argument 'name' <reason>. Received ...
export function invalidArgValue(name, v, reason = 'is invalid') {
  return codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument '${name}' ${reason}. Received ${describe(v)}`);
}

// RangeError ERR_OUT_OF_RANGE: The value of "name" is out of range. It must be <expected>. Received ...
export function outOfRange(name, expected, v) {
  return codedError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${expected}. Received ${describe(v)}`);
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
