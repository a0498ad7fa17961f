// corojs:internal/node/error_serdes: stands for Node's
// internal/error_serdes, which turns a worker's uncaught error into bytes
// with v8.serialize() for its parent (internal/worker.js's 'error' event).
// V8's serializer is not here; the same choices are made into a value the
// port's structured clone carries: an error as its constructor's name and
// its properties' descriptors (an Error, TypeError, ... again in the
// parent, with its stack, code and other own properties), another value as
// itself if it clones, else what util.inspect says of it.

import { requireNode } from 'corojs:internal/node/builtins';
import { structuredClone } from 'corojs:internal/node/structured_clone';

const errors = { Error, TypeError, RangeError, URIError, SyntaxError, ReferenceError, EvalError };
const kSerializedError = 0, kSerializedObject = 1, kInspectedError = 2, kInspectedSymbol = 3,
  kCustomInspectedObject = 4;
const customInspect = Symbol.for('nodejs.util.inspect.custom');
const inspect = (v) => requireNode('internal/util/inspect').inspect(v);

// Own and inherited properties, getters read, functions and symbols left out.
function allProperties(object, target = object) {
  const all = { __proto__: null };
  if (object === null) return all;
  Object.assign(all, allProperties(Object.getPrototypeOf(object), target));
  for (const key of Object.getOwnPropertyNames(object)) {
    let descriptor;
    try {
      descriptor = Object.getOwnPropertyDescriptor(object, key);
    } catch {
      continue;
    }
    if (descriptor.get && key !== '__proto__') {
      try {
        descriptor.value = descriptor.get.call(target);
        delete descriptor.get;
        delete descriptor.set;
      } catch {
        // as Node: left as it is
      }
    }
    if (key === 'cause') {
      descriptor.value = serializeError(descriptor.value);
      all[key] = descriptor;
    } else if ('value' in descriptor && typeof descriptor.value !== 'function' && typeof descriptor.value !== 'symbol') {
      all[key] = descriptor;
    }
  }
  return all;
}

function errorName(error) {
  for (let current = error; current !== null; current = Object.getPrototypeOf(current)) {
    const ctor = Object.getOwnPropertyDescriptor(current, 'constructor')?.value;
    const name = ctor && Object.getOwnPropertyDescriptor(ctor, 'name')?.value;
    if (Object.hasOwn(errors, name)) return name;
  }
  return undefined;
}

export function serializeError(error) {
  if (typeof error === 'symbol') return { kind: kInspectedSymbol, text: inspect(error) };
  try {
    if (typeof error === 'object' && Object.prototype.toString.call(error) === '[object Error]') {
      const name = errorName(error);
      if (name !== undefined) {
        const value = { constructor: name, properties: { ...allProperties(error) } };
        structuredClone(value); // throws if it cannot go
        return { kind: kSerializedError, value };
      }
    }
  } catch {
    // as Node: the next way
  }
  try {
    if (error != null && customInspect in error) return { kind: kCustomInspectedObject, text: inspect(error) };
  } catch {
    // the next way
  }
  try {
    structuredClone(error);
    return { kind: kSerializedObject, value: error };
  } catch {
    // the last way
  }
  return { kind: kInspectedError, text: inspect(error) };
}

export function deserializeError(error) {
  switch (error.kind) {
    case kSerializedError: {
      const { constructor, properties } = error.value;
      properties[Symbol.toStringTag] = { value: 'Error', configurable: true };
      if ('cause' in properties && 'value' in properties.cause)
        properties.cause.value = deserializeError(properties.cause.value);
      return Object.create(errors[constructor].prototype, properties);
    }
    case kSerializedObject:
      return error.value;
    case kInspectedError:
      return error.text;
    case kInspectedSymbol:
      return Symbol.for(error.text.slice('Symbol('.length, -1));
    default:
      return { __proto__: null, [customInspect]: () => error.text };
  }
}

export default { serializeError, deserializeError };
