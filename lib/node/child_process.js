// corojs:internal/node/child_process: node:child_process's names, each
// throwing ERR_NOT_IMPLEMENTED until the module over corojs:sys's processes
// exists (issue 11). It is here so that code which only loads it (Node's
// test/common does) runs.
function notImplemented(name) {
  return function () {
    const e = new Error(`child_process.${name}() is not implemented by CoroJS yet`);
    e.code = 'ERR_NOT_IMPLEMENTED';
    throw e;
  };
}

const names = ['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync', 'fork'];
export default Object.fromEntries(names.map((name) => [name, notImplemented(name)]));
