// bench/require/startup.cjs: a CommonJS program that requires the Node
// builtins of issue 10's start-up goal; prints the ones this runtime has.
const loaded = [];
for (const id of ['path', 'events', 'util', 'buffer']) {
  try {
    require(id);
    loaded.push(id);
  } catch (e) {
    if (e.code !== 'ERR_UNKNOWN_BUILTIN_MODULE' && e.code !== 'MODULE_NOT_FOUND') throw e;
  }
}
console.log(loaded.join(',') || 'none');
