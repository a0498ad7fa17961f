// internalBinding('timers') under Node's timers module (its lists of
// Timeout and Immediate objects, internal/timers.js): one CoroJS timer
// (__primordials.timers) stands for Node's uv timer and calls Node's
// processTimers when it fires, and a zero-delay one runs processImmediate.
// The global setTimeout & co stay CoroJS's own (corojs:timers).
import P from 'corojs:internal/primordials';

const T = P.timers;
const base = P.process.hrtime();
const now = () => Number((P.process.hrtime() - base) / 1000000n);

const immediateInfo = new Uint32Array(3); // kCount, kRefCount, kHasOutstanding
const timeoutInfo = new Int32Array(1);
let callbacks; // [processImmediate, processTimers]
let timer = null, timerRef = false, immediate = null;

function nodeCallbacks() {
  if (!callbacks) {
    const { requireNode } = P.util.importSync('corojs:internal/node/builtins');
    const { runNextTicks } = P.util.importSync('corojs:process');
    const { processImmediate, processTimers } = requireNode('internal/timers').getTimerCallbacks(runNextTicks);
    callbacks = [processImmediate, processTimers];
  }
  return callbacks;
}

function scheduleTimer(ms) {
  if (timer !== null) T.stop(timer);
  timer = T.start(runTimers, Math.max(1, ms), false, []);
  if (!timerRef) T.unref(timer);
}

function runTimers() {
  timer = null;
  const next = nodeCallbacks()[1](now());
  if (next === 0) return;
  timerRef = next > 0;
  scheduleTimer(Math.abs(next) - now());
}

function runImmediates() {
  immediate = null;
  if (immediateInfo[0] > 0) nodeCallbacks()[0]();
  if (immediateInfo[0] > 0) scheduleImmediate();
}

function scheduleImmediate() {
  immediate ??= T.immediate(runImmediates, []);
  if (immediateInfo[1] === 0) T.unref(immediate);
  else T.ref(immediate);
}

export default {
  immediateInfo,
  timeoutInfo,
  getLibuvNow: now,
  setupTimers() {},
  scheduleTimer,
  toggleTimerRef(ref) {
    timerRef = ref;
    if (timer !== null) ref ? T.ref(timer) : T.unref(timer);
  },
  toggleImmediateRef(ref) {
    if (ref || immediate !== null) scheduleImmediate();
  },
};
