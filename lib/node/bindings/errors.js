// internalBinding('errors'): exit codes and the hooks Node's C++ calls to
// print or decorate errors. CoroJS prints uncaught errors itself
// (lib/internal/bootstrap.js), so the setters only keep what they are given.
const exitCodes = {
  kNoFailure: 0, kGenericUserError: 1, kInternalJSParseError: 3, kInternalJSEvaluationFailure: 4,
  kV8FatalError: 5, kInvalidFatalExceptionMonkeyPatching: 6, kExceptionInFatalExceptionHandler: 7,
  kUnsettledTopLevelAwait: 13, kInvalidCommandLineArgument: 9, kBootstrapFailure: 10,
  kInvalidCommandLineArgument2: 12, kStartupSnapshotFailure: 14, kAbort: 134,
};
const hooks = {};
export default {
  exitCodes,
  setPrepareStackTraceCallback: (fn) => { hooks.prepareStackTrace = fn; },
  setGetSourceMapErrorSource: (fn) => { hooks.getSourceMapErrorSource = fn; },
  setSourceMapsEnabled: () => {},
  setMaybeCacheGeneratedSourceMap: () => {},
  setEnhanceStackForFatalException: () => {},
  noSideEffectsToString: (v) => String(v),
  triggerUncaughtException: (err) => { throw err; },
};
