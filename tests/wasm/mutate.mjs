// The decoder and validator against damaged modules: each module given is
// mutated many times by a small deterministic PRNG (bytes flipped, cut short,
// inserted, removed, LEB128 integers lengthened) and compiled. Every result
// must be a Module or a CompileError: never another exception, never a crash
// (tests/sh/test_wasm_mutate.sh runs this under AddressSanitizer too).
//
//   corojs tests/wasm/mutate.mjs ROUNDS FILE.wasm...

const [rounds, ...files] = process.argv.slice(2);
let seed = 0x2545f491;
const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };

function mutate(src) {
  let b = Array.from(src);
  const edits = 1 + rand(4);
  for (let e = 0; e < edits; e++) {
    const at = rand(b.length + 1);
    switch (rand(6)) {
      case 0: b[at] = rand(256); break;                                  // a random byte
      case 1: b[at] ^= 1 << rand(8); break;                              // a flipped bit
      case 2: b = b.slice(0, at); break;                                 // cut short
      case 3: b.splice(at, 0, rand(256)); break;                         // a byte inserted
      case 4: b.splice(at, 1 + rand(8)); break;                          // bytes removed
      default: b.splice(at, 0, 0x80, 0x80, 0x80, 0x80, 0x80); break;     // an over-long LEB128
    }
  }
  return new Uint8Array(b.filter((x) => x !== undefined).map((x) => x & 255));
}

let compiled = 0, rejected = 0, n = 0;
const bad = [];
for (const file of files) {
  const src = fs.readFile(file, null);
  for (let r = 0; r < Number(rounds); r++) {
    const m = r === 0 ? src.slice(0, rand(src.length)) : mutate(src);
    try {
      const mod = new WebAssembly.Module(m);
      WebAssembly.Module.imports(mod);
      WebAssembly.Module.exports(mod);
      compiled++;
    } catch (e) {
      if (e instanceof WebAssembly.CompileError && /\(at byte \d+\)$/.test(e.message)) rejected++;
      else if (bad.length < 10) bad.push(`${file} round ${r}: ${e && e.name}: ${e && e.message}`);
    }
    n++;
  }
}
if (bad.length) {
  console.log(`not ok - ${bad.length} of ${n} mutated modules failed otherwise than with a CompileError`);
  for (const b of bad) console.log(`#   ${b}`);
} else {
  console.log(`ok - ${n} mutated modules: ${compiled} compiled, ${rejected} CompileErrors naming a byte offset`);
}
