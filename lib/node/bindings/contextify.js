// internalBinding('contextify') for Node's lib/vm.js and internal/vm.js:
// contexts and scripts over __primordials.vm (src/prim/vm.c), where a
// context is a new QuickJS context of the isolate's runtime.
//
// A contextified object carries its context object under Node's
// contextify_context_private_symbol (a non-enumerable property; isContext
// looks for it). A script is compiled at construction for its parsing
// context (syntax errors throw there), and compiled again, once, for each
// other context it runs in (QuickJS binds bytecode to one realm).

import P from 'corojs:internal/primordials';
import util from 'corojs:internal/node/bindings/util';
import symbols from 'corojs:internal/node/bindings/symbols';

const V = P.vm;
const kContext = util.privateSymbols.contextify_context_private_symbol;
// A context object's scripts compiled for it (ContextifyScript -> compiled):
// kept on the context's side, so a script that lives on never keeps a dead
// context alive (a WeakMap on the script's side would: its values reach
// their keys).
const kCompiled = Symbol('compiled');

// The context object of a contextified object (null: the caller's context).
function contextOf(contextified) {
  return contextified == null ? null : contextified[kContext];
}

// makeContext(contextObject, name, origin, strings, wasm, microtaskQueue,
// hostDefinedOptionId): contextObject, contextified (or, for
// vm.constants.DONT_CONTEXTIFY, the new context's own global object).
function makeContext(contextObject, name, origin, strings, wasm, microtaskQueue) {
  const plain = contextObject === symbols.vm_context_no_contextify;
  const context = V.newContext(plain ? undefined : contextObject);
  const target = plain ? V.global(context) : contextObject;
  Object.defineProperty(target, kContext, { value: context, configurable: true });
  return target;
}

class ContextifyScript {
  #code;
  #filename;
  #lineOffset;
  #columnOffset;
  #context;
  #compiled;

  constructor(code, filename, lineOffset, columnOffset, cachedData, produceCachedData, parsingContext) {
    this.#code = code;
    this.#filename = filename;
    this.#lineOffset = lineOffset;
    this.#columnOffset = columnOffset;
    this.#context = contextOf(parsingContext);
    this.#compiled = V.compile(this.#context, code, filename, lineOffset, columnOffset);
    // V8's code cache has no counterpart: given data is never used.
    if (cachedData !== undefined) this.cachedDataRejected = true;
    if (produceCachedData) this.cachedDataProduced = false;
    this.sourceMapURL = undefined;
  }

  // runInContext(contextified | null, timeout, displayErrors, breakOnSigint,
  // breakOnFirstLine): null runs in the caller's context.
  runInContext(contextified, timeout) {
    const context = contextOf(contextified);
    let script = this.#compiled;
    if (context !== this.#context) {
      const compiled = context === null ? undefined : (context[kCompiled] ??= new WeakMap());
      script = compiled?.get(this);
      if (script === undefined) {
        script = V.compile(context, this.#code, this.#filename, this.#lineOffset, this.#columnOffset);
        compiled?.set(this, script);
      }
    }
    return V.run(script, timeout);
  }

  createCachedData() {
    return P.util.importSync('corojs:internal/node/builtins').requireNode('buffer').Buffer.alloc(0);
  }
}

// compileFunction(code, filename, lineOffset, columnOffset, cachedData,
// produceCachedData, parsingContext, contextExtensions, params): the
// function, as V8's ScriptCompiler::CompileFunction makes it: code is the
// body of `function (params) {...}`, and each context extension's
// properties are in its scope (later ones first).
function compileFunction(code, filename, lineOffset, columnOffset, cachedData, produceCachedData,
  parsingContext, contextExtensions = [], params = []) {
  const head = `function (${params.join(', ')}) {\n`;
  const exts = contextExtensions.map((_, i) => `__corojs_vm_ext${i}`);
  const source = exts.length === 0 ? `(${head}${code}\n})` :
    `(function (${exts.join(', ')}) { ${exts.map((e) => `with (${e}) `).join('')}return ${head}${code}\n} })`;
  const script = V.compile(contextOf(parsingContext), source, filename, lineOffset - 1, 0);
  let fn = V.run(script, -1);
  if (exts.length !== 0) fn = fn(...contextExtensions);
  const result = { function: fn, sourceMapURL: undefined };
  if (cachedData !== undefined) result.cachedDataRejected = true;
  if (produceCachedData) result.cachedDataProduced = false;
  return result;
}

// Whether code that fails as CommonJS would compile as a module (Node's
// --experimental-detect-module); not used by this loader.
function containsModuleSyntax() {
  return false;
}

export default {
  ContextifyScript,
  makeContext,
  compileFunction,
  containsModuleSyntax,
  constants: { measureMemory: { mode: { SUMMARY: 0, DETAILED: 1 }, execution: { DEFAULT: 0, EAGER: 1 } } },
  // V8's heap measurement has no counterpart.
  measureMemory: () => undefined,
  startSigintWatchdog() {},
  stopSigintWatchdog: () => false,
  watchdogHasPendingSigint: () => false,
};
