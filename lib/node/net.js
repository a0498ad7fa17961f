// corojs:internal/node/net: node:net until issue 11 puts Node's net.js over
// our sockets -- CoroJS's corojs:net (createServer, connect, Socket, isIP,
// ...) with Node's module-wide settings of "happy eyeballs" beside it.
import net from 'corojs:net';
import { validateBoolean, validateInteger } from 'corojs:internal/validators';

let autoSelectFamily = true;
let attemptTimeout = 250;

export default {
  ...net,
  getDefaultAutoSelectFamily: () => autoSelectFamily,
  setDefaultAutoSelectFamily(value) {
    validateBoolean(value, 'value');
    autoSelectFamily = value;
  },
  getDefaultAutoSelectFamilyAttemptTimeout: () => attemptTimeout,
  setDefaultAutoSelectFamilyAttemptTimeout(value) {
    validateInteger(value, 'value', 1);
    attemptTimeout = Math.max(value, 10);
  },
};
