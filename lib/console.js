// corojs:console: console.log and friends, written synchronously to stdout
// (log, info, debug) and stderr (error, warn, trace), formatted by util.format.

import P from 'corojs:internal/primordials';
import { format, inspect } from 'corojs:util';

const write = P.process.write;
const counts = new Map();
const timers = new Map();
let groupIndent = '';

function print(fd, args) {
  let text = format(...args);
  if (groupIndent) text = groupIndent + text.split('\n').join(`\n${groupIndent}`);
  write(fd, text + '\n');
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

export default console;
