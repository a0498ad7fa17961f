// An idle app: one export, nothing to do. (bench/isolates.mjs)
export function ping(x) { return x; }
export function keep(buf) { kept.push(buf); return buf.byteLength; }
export function drop() { kept.length = 0; }
const kept = [];
