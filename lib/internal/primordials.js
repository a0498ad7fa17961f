// corojs:internal/primordials: the one bridge to C. It takes __primordials
// off the global object before any user code runs; from then on only the
// standard library reaches it, by importing this module (user code cannot:
// corojs:internal/ modules are the library's own).
const P = globalThis.__primordials;
delete globalThis.__primordials;
export default P;
