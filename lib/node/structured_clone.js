// corojs:internal/node/structured_clone: the global structuredClone(value,
// { transfer }) -- the HTML structured clone of plain data: primitives,
// objects and arrays (own enumerable string keys), Date, RegExp, Map, Set,
// ArrayBuffer, typed arrays, DataView, errors and boxed primitives, with
// shared and cyclic references kept. Functions, symbols and other platform
// objects throw a DataCloneError. `transfer` is accepted, but an
// ArrayBuffer in it is copied, not moved: this QuickJS has no
// ArrayBuffer.prototype.transfer to detach the original with.
import P from 'corojs:internal/primordials';
import { domException } from 'corojs:internal/node/builtins';

const errorTypes = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

function cannotClone(value) {
  const DOMException = domException();
  return new DOMException(`${typeof value === 'function' ? value.toString().slice(0, 40) : String(value)} could not be cloned.`,
    'DataCloneError');
}

function clone(value, seen) {
  if (typeof value === 'symbol' || typeof value === 'function') throw cannotClone(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  const kind = P.util.classOf(value);
  let out;
  switch (kind) {
    case 'Date': out = new Date(value.getTime()); break;
    case 'RegExp': out = new RegExp(value.source, value.flags); break;
    case 'Boolean': case 'Number': case 'String': case 'BigInt':
      out = Object(value.valueOf()); break;
    case 'ArrayBuffer':
      out = value.slice(0); break;
    case 'DataView': {
      const buffer = clone(value.buffer, seen);
      out = new DataView(buffer, value.byteOffset, value.byteLength);
      break;
    }
    case 'Map':
      out = new Map();
      seen.set(value, out);
      for (const [k, v] of value) out.set(clone(k, seen), clone(v, seen));
      return out;
    case 'Set':
      out = new Set();
      seen.set(value, out);
      for (const v of value) out.add(clone(v, seen));
      return out;
    case 'Error': {
      const Ctor = errorTypes[value.name] ?? Error;
      out = Object.create(Ctor.prototype);
      seen.set(value, out);
      for (const key of ['message', 'stack', 'cause']) {
        if (Object.hasOwn(value, key))
          Object.defineProperty(out, key, { value: clone(value[key], seen), writable: true, configurable: true });
      }
      return out;
    }
    case 'Array':
      out = new Array(value.length);
      break;
    case 'Object':
      out = {};
      break;
    default: {
      // a typed array: the engine's class is its kind (Uint8Array, ...), so
      // a Buffer comes back a Uint8Array, as in Node
      if (!ArrayBuffer.isView(value)) throw cannotClone(value);
      const buffer = clone(value.buffer, seen);
      out = new globalThis[kind](buffer, value.byteOffset, value.length);
    }
  }
  seen.set(value, out);
  if (kind === 'Array' || kind === 'Object') {
    for (const key of Object.keys(value)) out[key] = clone(value[key], seen);
  }
  return out;
}

export function structuredClone(value, options) {
  if (arguments.length === 0)
    throw Object.assign(new TypeError('The "value" argument must be specified'), { code: 'ERR_MISSING_ARGS' });
  return clone(value, new Map());
}

export default structuredClone;
