// Runs a WASI command from JS with corojs:wasi (Node's node:wasi API), in
// a directory of its own, and tells its exit code:
//
//   corojs examples/wasm/run-wasi.mjs hello.wasm [arguments...]
import { WASI } from 'corojs:wasi';

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: 'preview1',
  args: [file, ...args],
  env: { GREETING: 'hi' },
  preopens: { '/': process.cwd() },
});
const module = new WebAssembly.Module(fs.readFile(file, null));
const code = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
console.log(`exit code ${code}`);
