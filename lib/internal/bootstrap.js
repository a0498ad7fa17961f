// corojs:internal/bootstrap: runs first in every isolate. It takes the
// primordials off the global object (by importing them), defines the globals,
// and tells C how to print an uncaught error.

import P from 'corojs:internal/primordials';
import { Fiber } from 'corojs:fiber';
import timers from 'corojs:timers';
import { TextEncoder, TextDecoder } from 'corojs:encoding';
import { process, performance } from 'corojs:process';
import { console } from 'corojs:console';
import { inspect } from 'corojs:util';
import fs from 'corojs:fs';

function define(name, value) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

define('global', globalThis);
define('Fiber', Fiber);
define('fs', fs);
define('console', console);
define('process', process);
define('performance', performance);
define('TextEncoder', TextEncoder);
define('TextDecoder', TextDecoder);
for (const [name, fn] of Object.entries(timers)) define(name, fn);

P.util.setReporter((error, kind) => {
  P.process.write(2, `${kind} ${inspect(error)}\n`);
});
