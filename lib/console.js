// corojs:console: console.log and friends, written synchronously to stdout
// (log, info, debug) and stderr (error, warn, trace), formatted by util.format.
// Once a program has touched process.stdout or process.stderr (Node Writable
// streams, made on first use), console writes through them when that shows,
// as Node's console does: a program or test that replaces their write() sees
// console's output too. console.Console is Node's class (on first use).

import P from 'corojs:internal/primordials';
import { format, inspect } from 'corojs:util';

const write = P.process.write;
const counts = new Map();
const timers = new Map();
let groupIndent = '';

// process.stdout and stderr once they are made (lib/process.js), and the
// write() they were made with; `always`: console writes through the stream
// whatever it shows (a worker's, whose output goes to its parent)
const streams = [], ownWrites = [];
export function useStream(fd, stream, always = false) {
  streams[fd] = stream;
  ownWrites[fd] = always ? null : stream.write;
}

// Through the stream when that shows: its write() was replaced, or it holds
// writes back (corked, a write pending). Otherwise the stream would write
// the text straight out itself: so does console, at the same place, faster.
function throughStream(fd) {
  const s = streams[fd];
  return s !== undefined && !s.destroyed && !s.writableEnded &&
    (s.write !== ownWrites[fd] || s.writableLength > 0 || s.writableCorked > 0);
}

function print(fd, args) {
  let text = format(...args);
  if (groupIndent) text = groupIndent + text.split('\n').join(`\n${groupIndent}`);
  if (throughStream(fd)) streams[fd].write(text + '\n');
  else write(fd, text + '\n');
}

// "Trace: message" and the frames from trace's caller down, as Node prints.
function trace(...args) {
  const err = { name: 'Trace', message: format(...args) };
  Error.captureStackTrace(err, trace);
  print(2, [err.stack]);
}

export const console = {
  log: (...args) => print(1, args),
  info: (...args) => print(1, args),
  debug: (...args) => print(1, args),
  error: (...args) => print(2, args),
  warn: (...args) => print(2, args),
  dir: (obj, options) => print(1, [inspect(obj, options)]),
  trace,
  assert: (ok, ...args) => {
    if (!ok) print(2, args.length ? ['Assertion failed:', ...args] : ['Assertion failed']);
  },
  count: (label = 'default') => {
    const n = (counts.get(label) ?? 0) + 1;
    counts.set(label, n);
    print(1, [`${label}: ${n}`]);
  },
  countReset: (label = 'default') => counts.delete(label),
  time: (label = 'default') => timers.set(label, P.process.now()),
  timeLog: (label = 'default', ...args) => {
    const t = timers.get(label);
    if (t !== undefined) print(1, [`${label}: ${(P.process.now() - t).toFixed(3)}ms`, ...args]);
  },
  timeEnd: (label = 'default') => {
    const t = timers.get(label);
    if (t === undefined) return;
    timers.delete(label);
    print(1, [`${label}: ${(P.process.now() - t).toFixed(3)}ms`]);
  },
  group: (...args) => {
    if (args.length) print(1, args);
    groupIndent += '  ';
  },
  groupEnd: () => { groupIndent = groupIndent.slice(2); },
  table: (data) => print(1, [data]),
};

Object.defineProperty(console, 'Console', {
  configurable: true,
  enumerable: false,
  get() {
    const { requireNode } = P.util.importSync('corojs:internal/node/builtins');
    const { Console } = requireNode('internal/console/constructor');
    Object.defineProperty(console, 'Console', { value: Console, writable: true, configurable: true });
    return Console;
  },
});

export default console;
