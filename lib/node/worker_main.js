// corojs:internal/node/worker_main: the main module of a worker_threads
// worker's isolate (src/prim/worker.c starts it): it sets the worker up, as
// Node's lib/internal/main/worker_thread.js does (that file needs Node's
// whole pre-execution; this is its part that applies here), then runs the
// worker's script as the main module of a program.
//
// The parent posted LOAD_SCRIPT on the internal port before it started the
// worker, so it is read synchronously here: process.argv, parentPort,
// workerData, the environment data, the ports to the main thread, and the
// worker's stdio as Node's (its stdout and stderr go to the parent as
// messages, where they come out of worker.stdout or the parent's own). An
// uncaught error is posted to the parent (its 'error' event) and ends the
// worker with code 1.
import P from 'corojs:internal/primordials';
import { internalBinding, requireBuiltin, requireNode } from 'corojs:internal/node/builtins';
import { useStream } from 'corojs:console';
import { uncaught } from 'corojs:internal/bootstrap';

const io = requireNode('internal/worker/io');
const { messageTypes, kStdioWantsMoreDataCallback, kWaitingStreams } = io;
const port = internalBinding('worker').getEnvMessagePort();
const load = io.receiveMessageOnPort(port)?.message;
const process = requireBuiltin('process');

function setup(msg) {
  if (P.worker.self().shareEnv) internalBinding('worker').shareEnv(process);
  const { argv, environmentData, hasStdin, publicPort, workerData, mainThreadPort } = msg;
  if (argv !== undefined) process.argv.push(...argv);
  const publicWorker = requireBuiltin('worker_threads');
  publicWorker.parentPort = publicPort;
  publicWorker.workerData = workerData;
  requireNode('internal/worker').assignEnvironmentData(environmentData);
  requireNode('internal/worker/messaging').setupMainThreadPort(mainThreadPort);
  setupStdio(hasStdin);
  disableProcessState();
  // Node's hook (the 'uncaughtException' listeners, then the parent), which
  // a program may call or replace; not a function: status 6
  const fatalException = (error) => uncaught.handle?.(error, 'uncaughtException') || reportFatal(error);
  process._fatalException = fatalException;
  uncaught.fatal = (error) => {
    if (process._fatalException === fatalException) return reportFatal(error);
    if (typeof process._fatalException === 'function') return process._fatalException(error);
    P.process.write(2, `${requireNode('internal/util/inspect').inspect(error)}\n`);
    process.exit(6);
  };
  port.on('message', onMessage);
  port.unref();
  port.postMessage({ type: messageTypes.UP_AND_RUNNING });
}

// process.stdin/stdout/stderr are the worker's streams over the port; the
// console writes through them.
function setupStdio(hasStdin) {
  port[kWaitingStreams] = 0;
  const streams = {
    stdin: new io.ReadableWorkerStdio(port, 'stdin'),
    stdout: new io.WritableWorkerStdio(port, 'stdout'),
    stderr: new io.WritableWorkerStdio(port, 'stderr'),
  };
  for (const [name, stream] of Object.entries(streams))
    Object.defineProperty(process, name, { value: stream, configurable: true, enumerable: true, writable: true });
  useStream(1, streams.stdout, true);
  useStream(2, streams.stderr, true);
  if (!hasStdin) streams.stdin.push(null);
}

// What belongs to the process, not to one of its threads: Node's workers
// have it throw ERR_WORKER_UNSUPPORTED_OPERATION (title and debugPort
// ignore what is set), as its bootstrap/switches/is_not_main_thread.js and
// does_not_own_process_state.js do.
function disableProcessState() {
  const { ERR_WORKER_UNSUPPORTED_OPERATION } = requireNode('internal/errors').codes;
  const unavailable = (name) => Object.assign(function unavailableInWorker() {
    throw new ERR_WORKER_UNSUPPORTED_OPERATION(name);
  }, { disabled: true });
  const fns = ['abort', 'chdir', 'setuid', 'seteuid', 'setgid', 'setegid', 'setgroups', 'initgroups'];
  if (process.env.NODE_CHANNEL_FD) {
    fns.push('send', 'disconnect');
    for (const name of ['channel', 'connected'])
      Object.defineProperty(process, name, { get: unavailable(`process.${name}`), enumerable: false, configurable: true });
  }
  for (const fn of fns) process[fn] = unavailable(`process.${fn}()`);
  const umask = process.umask;
  process.umask = (mask) => {
    if (mask !== undefined) throw new ERR_WORKER_UNSUPPORTED_OPERATION('Setting process.umask()');
    return umask();
  };
  for (const name of ['title', 'debugPort']) {
    const value = process[name];
    Object.defineProperty(process, name, { get: () => value, set() {}, enumerable: true, configurable: true });
  }
}

function onMessage(message) {
  if (message.type === messageTypes.STDIO_PAYLOAD) {
    for (const { chunk, encoding } of message.chunks) process[message.stream].push(chunk, encoding);
  } else if (message.type === messageTypes.STDIO_WANTS_MORE_DATA) {
    process[message.stream][kStdioWantsMoreDataCallback]();
  }
}

// An error no listener took: 'exit' here, then the parent's 'error' (the
// error as Node serializes it); the worker ends with process.exitCode (1,
// unless an 'exit' listener changed it), as Node's.
function reportFatal(error) {
  if (!process._exiting) {
    process._exiting = true;
    process.exitCode = 1;
    try {
      if (Object.getPrototypeOf(process) !== Object.prototype) process.emit('exit', 1);
    } catch {
      // ends anyway
    }
  }
  let serialized;
  try {
    serialized = requireNode('internal/error_serdes').serializeError(error);
  } catch {
    // said below
  }
  if (serialized) port.postMessage({ type: messageTypes.ERROR_MESSAGE, error: serialized });
  else port.postMessage({ type: messageTypes.COULD_NOT_SERIALIZE_ERROR });
  process.exit();
}

if (load?.type === messageTypes.LOAD_SCRIPT) setup(load);
await P.worker.runMain();
