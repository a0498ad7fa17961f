// internalBinding('async_wrap'): the shared fields of Node's async_hooks.
// CoroJS's own callbacks (timers, IO) do not report to async_hooks; hooks
// made with createHook see the resources Node's JS makes (AsyncResource,
// nextTick, Node's timers module).
const fieldCount = 9;
const kStackLength = 7;
const async_hook_fields = new Uint32Array(fieldCount);
const async_id_fields = new Float64Array(4);
async_id_fields[2] = 1; // kAsyncIdCounter: id 1 is the main program
async_id_fields[0] = 1; // kExecutionAsyncId
const stack = [];
const execution_async_resources = [];

const providers = ['NONE', 'DIRHANDLE', 'DNSCHANNEL', 'ELDHISTOGRAM', 'FILEHANDLE', 'FILEHANDLECLOSEREQ',
  'BLOBREADER', 'FSEVENTWRAP', 'FSREQCALLBACK', 'FSREQPROMISE', 'GETADDRINFOREQWRAP', 'GETNAMEINFOREQWRAP',
  'HEAPSNAPSHOT', 'HTTP2SESSION', 'HTTP2STREAM', 'HTTP2PING', 'HTTP2SETTINGS', 'HTTPINCOMINGMESSAGE',
  'HTTPCLIENTREQUEST', 'JSSTREAM', 'JSUDPWRAP', 'MESSAGEPORT', 'PIPECONNECTWRAP', 'PIPESERVERWRAP', 'PIPEWRAP',
  'PROCESSWRAP', 'PROMISE', 'QUERYWRAP', 'SHUTDOWNWRAP', 'SIGNALWRAP', 'STATWATCHER', 'STREAMPIPE',
  'TCPCONNECTWRAP', 'TCPSERVERWRAP', 'TCPWRAP', 'TTYWRAP', 'UDPSENDWRAP', 'UDPWRAP', 'SIGINTWATCHDOG',
  'WORKER', 'WORKERHEAPSNAPSHOT', 'WRITEWRAP', 'ZLIB'];

export default {
  constants: {
    kInit: 0, kBefore: 1, kAfter: 2, kDestroy: 3, kPromiseResolve: 4, kTotals: 5, kCheck: 6,
    kStackLength, kUsesExecutionAsyncResource: 8,
    kExecutionAsyncId: 0, kTriggerAsyncId: 1, kAsyncIdCounter: 2, kDefaultTriggerAsyncId: 3,
  },
  Providers: Object.fromEntries(providers.map((name, i) => [name, i])),
  async_hook_fields,
  async_id_fields,
  async_ids_stack: new Float64Array(32),
  execution_async_resources,
  setCallbackTrampoline() {},
  registerDestroyHook() {},
  queueDestroyAsyncId() {},
  setPromiseHooks() {},
  getPromiseHooks: () => [undefined, undefined, undefined, undefined],
  // Beyond async_ids_stack's room (Node's C++ side keeps the rest).
  pushAsyncContext(asyncId, triggerId, resource) {
    stack.push([async_id_fields[0], async_id_fields[1]]);
    async_hook_fields[kStackLength]++;
    async_id_fields[0] = asyncId;
    async_id_fields[1] = triggerId;
  },
  popAsyncContext(asyncId) {
    if (async_hook_fields[kStackLength] === 0) return false;
    const [a, t] = stack.pop() ?? [0, 0];
    async_hook_fields[kStackLength]--;
    async_id_fields[0] = a;
    async_id_fields[1] = t;
    return async_hook_fields[kStackLength] > 0;
  },
  executionAsyncResource: (i) => execution_async_resources[i],
  clearAsyncIdStack() {
    stack.length = 0;
    async_hook_fields[kStackLength] = 0;
    async_id_fields[0] = 0;
    async_id_fields[1] = 0;
  },
};
