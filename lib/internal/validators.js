// corojs:internal/validators: the argument checks the library's modules
// share, named and worded as Node's (lib/internal/validators.js there). Each
// throws the error of corojs:internal/errors that Node's throws.

import { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, ERR_SOCKET_BAD_PORT } from 'corojs:internal/errors';

export function validateString(value, name) {
  if (typeof value !== 'string') throw ERR_INVALID_ARG_TYPE(name, 'string', value);
}

export function validateFunction(value, name) {
  if (typeof value !== 'function') throw ERR_INVALID_ARG_TYPE(name, 'function', value);
}

export function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw ERR_INVALID_ARG_TYPE(name, 'boolean', value);
}

// An object (an array is one too; null is not).
export function validateObject(value, name) {
  if (typeof value !== 'object' || value === null) throw ERR_INVALID_ARG_TYPE(name, 'Object', value);
}

// A number, from min to max if they are given (then NaN is out of range).
export function validateNumber(value, name, min, max) {
  if (typeof value !== 'number') throw ERR_INVALID_ARG_TYPE(name, 'number', value);
  if ((min !== undefined && !(value >= min)) || (max !== undefined && !(value <= max))) {
    const range = [min !== undefined && `>= ${min}`, max !== undefined && `<= ${max}`].filter(Boolean).join(' && ');
    throw ERR_OUT_OF_RANGE(name, range, value);
  }
}

// An integer from min to max.
export function validateInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  if (typeof value !== 'number') throw ERR_INVALID_ARG_TYPE(name, 'number', value);
  if (!Number.isInteger(value)) throw ERR_OUT_OF_RANGE(name, 'an integer', value);
  if (value < min || value > max) throw ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value);
}

// A 32-bit signed integer from min to max.
export function validateInt32(value, name, min = -(2 ** 31), max = 2 ** 31 - 1) {
  validateInteger(value, name, min, max);
}

export function validateArray(value, name) {
  if (!Array.isArray(value)) throw ERR_INVALID_ARG_TYPE(name, 'Array', value);
}

export function validateUndefined(value, name) {
  if (value !== undefined) throw ERR_INVALID_ARG_TYPE(name, 'undefined', value);
}

// Every key of an options object is one of `known`.
export function validateOptionNames(options, known, name = 'options') {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw ERR_INVALID_ARG_VALUE(name, key, `has an unknown option (known: ${known.join(', ')})`);
  }
}

// A port: a number or a numeric string, 0 (1 without allowZero) to 65535.
// Returns it as a number.
export function validatePort(port, name = 'Port', allowZero = true) {
  const n = typeof port === 'string' && port.trim() !== '' ? Number(port) : port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
    throw ERR_SOCKET_BAD_PORT(name, port, allowZero);
  }
  return n;
}
