// corojs:internal/node/unimplemented: what a binding says when Node's lib
// asks it for something CoroJS does not do yet. Node's modules that sit on
// such bindings (child_process, net, worker_threads, ...) still load -- Node's
// test/common requires them -- and a use that is not there yet throws this,
// never pretends to work.

// Error ERR_NOT_IMPLEMENTED: "<what>: not implemented by CoroJS yet ...".
export function ERR_NOT_IMPLEMENTED(what) {
  const e = new Error(`${what}: not implemented by CoroJS yet (it comes with the Node ` +
    'compatibility of fs, net, child_process and worker_threads, issue 11)');
  e.code = 'ERR_NOT_IMPLEMENTED';
  return e;
}

// A function that throws ERR_NOT_IMPLEMENTED naming `what`.
export const notImplemented = (what) => function () { throw ERR_NOT_IMPLEMENTED(what); };

// A class whose construction throws ERR_NOT_IMPLEMENTED naming `what`; Node's
// lib may still extend it or read its prototype at load.
export function unimplementedClass(what) {
  return class {
    constructor() { throw ERR_NOT_IMPLEMENTED(what); }
  };
}

export default { ERR_NOT_IMPLEMENTED, notImplemented, unimplementedClass };
