// internalBinding('credentials'): environment variables as Node's C++ reads
// them -- process.env, which a program may have changed (no setuid special
// case: CoroJS is not installed setuid).
import { process } from 'corojs:process';

export default {
  safeGetenv: (name) => process.env[name],
  implementsPosixCredentials: false,
};
