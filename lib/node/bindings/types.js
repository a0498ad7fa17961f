// internalBinding('types') for Node's util.types: each check reads the
// value's class in the engine (__primordials.util.classOf), so no
// Symbol.toStringTag or prototype swap can fake it, as with V8's checks.

import P from 'corojs:internal/primordials';

const classOf = P.util.classOf;
const is = (kind) => (v) => classOf(v) === kind;
const boxed = new Set(['Number', 'String', 'Boolean', 'Symbol', 'BigInt']);

export default {
  isExternal: () => false,
  isDate: is('Date'),
  isArgumentsObject: is('Arguments'),
  isBigIntObject: is('BigInt'),
  isBooleanObject: is('Boolean'),
  isNumberObject: is('Number'),
  isStringObject: is('String'),
  isSymbolObject: is('Symbol'),
  isBoxedPrimitive: (v) => boxed.has(classOf(v)),
  isNativeError: is('Error'),
  isRegExp: is('RegExp'),
  isAsyncFunction: (v) => { const k = classOf(v); return k === 'AsyncFunction' || k === 'AsyncGeneratorFunction'; },
  isGeneratorFunction: (v) => { const k = classOf(v); return k === 'GeneratorFunction' || k === 'AsyncGeneratorFunction'; },
  isGeneratorObject: (v) => { const k = classOf(v); return k === 'Generator' || k === 'AsyncGenerator'; },
  isPromise: is('Promise'),
  isMap: is('Map'),
  isSet: is('Set'),
  isMapIterator: is('Map Iterator'),
  isSetIterator: is('Set Iterator'),
  isWeakMap: is('WeakMap'),
  isWeakSet: is('WeakSet'),
  isArrayBuffer: is('ArrayBuffer'),
  isDataView: is('DataView'),
  isSharedArrayBuffer: is('SharedArrayBuffer'),
  isAnyArrayBuffer: (v) => { const k = classOf(v); return k === 'ArrayBuffer' || k === 'SharedArrayBuffer'; },
  isProxy: is('Proxy'),
  isModuleNamespaceObject: is('Module'),
};
