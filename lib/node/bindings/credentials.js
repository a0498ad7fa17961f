// internalBinding('credentials'): environment variables as Node's C++ reads
// them (no setuid special case: CoroJS is not installed setuid).
import P from 'corojs:internal/primordials';
export default {
  safeGetenv: (name) => P.process.env()[name],
  implementsPosixCredentials: false,
};
