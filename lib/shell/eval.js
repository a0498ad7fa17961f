// corojs:shell/eval: the isolate the shell's `eval` runs code in. Its
// globals last from one eval to the next; the shell ends it (and starts a
// fresh one next time) when an eval runs past its time limit or Ctrl-C
// interrupts it, so `eval while (true) {}` never freezes the console.

import { inspect } from 'corojs:util';

// evaluate(code) -> the result, as the shell prints it
export function evaluate(code) {
  let v = (0, eval)(code);
  if (v instanceof Promise) v = Fiber.await(v);
  return inspect(v, { depth: 4 });
}
