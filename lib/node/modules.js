// corojs:internal/node/modules: what Node's lib asks of Node's own module
// loaders (internal/modules/cjs/loader, internal/modules/esm/loader), for
// node:test (its module mocks and custom reporters): the Module of our
// loader (corojs:internal/node/loader), when the build has it. Loading ES
// modules by URL from Node's lib is not there, nor node:test's run() (test
// files in child processes: internal/test_runner/runner): they say so when
// asked.
import P from 'corojs:internal/primordials';

function loaderModule() {
  try {
    return P.util.importSync('corojs:internal/node/loader').Module;
  } catch {
    return function Module() {};
  }
}

export const cjs = { Module: loaderModule() };

function notImplemented(what) {
  const e = new Error(`${what} is not implemented by CoroJS yet`);
  e.code = 'ERR_NOT_IMPLEMENTED';
  return e;
}

export const testRunner = {
  run() {
    throw notImplemented("node:test's run()");
  },
};

export const esm = {
  getOrInitializeCascadedLoader() {
    throw notImplemented("Node's ES module loader (a reporter or a module mock by URL)");
  },
};
