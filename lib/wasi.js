// corojs:wasi: WASI preview 1 (wasi_snapshot_preview1), with the shape of
// Node's node:wasi: new WASI({ version, args, env, preopens, returnOnExit,
// stdin, stdout, stderr }), getImportObject(), start(instance),
// initialize(instance), wasiImport.
//
// The imports are C functions (src/prim/wasi.c): files are read and written
// on libuv's thread pool, terminals, pipes and sockets through the loop,
// and every path is resolved beneath its preopened directory by the kernel.
// A call that waits (a read, poll_oneoff, a file on a slow disk) parks only
// the calling fiber, the wasm frames below it.

import P from 'corojs:internal/primordials';
import { ERR_INVALID_ARG_VALUE, ERR_WASI_ALREADY_STARTED } from 'corojs:internal/errors';
import {
  validateArray, validateBoolean, validateFunction, validateInt32, validateObject, validateString,
  validateUndefined,
} from 'corojs:internal/validators';

const W = P.wasi;

const BINDINGS = { preview1: 'wasi_snapshot_preview1', unstable: 'wasi_unstable' };

// proc_exit throws this through the wasm frames (wasm cannot catch it) to
// start(), which returns the code.
const kExitCode = Symbol('kExitCode');

function noNul(list, name) {
  if (list.some((s) => s.includes('\0'))) throw ERR_INVALID_ARG_VALUE(name, list, 'must not contain NUL characters');
}

export class WASI {
  #state;
  #binding;
  #started = false;
  #exitCode = 0;

  constructor(options = {}) {
    validateObject(options, 'options');
    validateString(options.version, 'options.version');
    if (!Object.hasOwn(BINDINGS, options.version)) {
      throw ERR_INVALID_ARG_VALUE('options.version', options.version, 'unsupported WASI version');
    }
    this.#binding = BINDINGS[options.version];
    if (options.args !== undefined) validateArray(options.args, 'options.args');
    const args = (options.args ?? []).map(String);
    noNul(args, 'options.args');
    const env = [];
    if (options.env !== undefined) {
      validateObject(options.env, 'options.env');
      for (const [key, value] of Object.entries(options.env)) {
        if (value !== undefined) env.push(`${key}=${value}`);
      }
    }
    noNul(env, 'options.env');
    const preopens = [];
    if (options.preopens !== undefined) {
      validateObject(options.preopens, 'options.preopens');
      for (const [guest, host] of Object.entries(options.preopens)) preopens.push(String(guest), String(host));
    }
    noNul(preopens, 'options.preopens');
    const { stdin = 0, stdout = 1, stderr = 2 } = options;
    validateInt32(stdin, 'options.stdin', 0);
    validateInt32(stdout, 'options.stdout', 0);
    validateInt32(stderr, 'options.stderr', 0);
    let returnOnExit = true;
    if (options.returnOnExit !== undefined) {
      validateBoolean(options.returnOnExit, 'options.returnOnExit');
      returnOnExit = options.returnOnExit;
    }
    this.#state = W.create(args, env, preopens, [stdin, stdout, stderr]);
    const wasiImport = W.imports(this.#state);
    // without returnOnExit the isolate ends (the process, for the main one)
    wasiImport.proc_exit = returnOnExit
      ? (rval) => { this.#exitCode = rval; throw kExitCode; }
      : (rval) => process.exit(rval);
    this.wasiImport = wasiImport;
  }

  #setup(instance) {
    if (this.#started) throw ERR_WASI_ALREADY_STARTED();
    this.#started = true;
    validateObject(instance, 'instance');
    validateObject(instance.exports, 'instance.exports');
    W.setMemory(this.#state, instance.exports.memory);
    return instance.exports;
  }

  // Runs a command: _start, then its descriptors are closed, as a process's
  // are when it ends. Returns the exit code (0, or what proc_exit gave).
  start(instance) {
    const { _start, _initialize } = this.#setup(instance);
    validateFunction(_start, 'instance.exports._start');
    validateUndefined(_initialize, 'instance.exports._initialize');
    try {
      _start();
    } catch (err) {
      if (err !== kExitCode) throw err;
    } finally {
      W.close(this.#state);
    }
    return this.#exitCode;
  }

  // Sets up a reactor: _initialize if it has one; it stays open for calls.
  initialize(instance) {
    const { _start, _initialize } = this.#setup(instance);
    validateUndefined(_start, 'instance.exports._start');
    if (_initialize !== undefined) {
      validateFunction(_initialize, 'instance.exports._initialize');
      _initialize();
    }
  }

  getImportObject() {
    return { [this.#binding]: this.wasiImport };
  }
}

// For the loader: the main module of an isolate that is a WASI command or a
// Dagger module (src/prim/wasi.c writes `runApp(import.meta)` for it).
export function runApp(meta) {
  return P.util.importSync('corojs:internal/wasm_app').runApp(meta);
}

export default { WASI };
