// tests/wasi/node.mjs PROGRAM.wasm SANDBOX TMP: runs one of Node's test/wasi
// programs as Node's fixture (test/fixtures/wasi-preview-1.js) does: args
// foo -bar --baz=value, the whole environment, /sandbox and /tmp preopened,
// returnOnExit from RETURN_ON_EXIT; the result of start() is ignored, as
// there. WASI_STDIO=in,out,err gives other host descriptors for stdio (the
// shell opens them), as test-wasi-stdio.js does.
import { WASI } from 'corojs:wasi';

const [path, sandbox, tmp] = process.argv.slice(2);
const roe = process.env.RETURN_ON_EXIT;
const [stdin, stdout, stderr] = (process.env.WASI_STDIO ?? '0,1,2').split(',').map(Number);
const wasi = new WASI({
  version: 'preview1',
  args: ['foo', '-bar', '--baz=value'],
  env: process.env,
  preopens: { '/sandbox': sandbox, '/tmp': tmp },
  returnOnExit: roe === undefined ? undefined : roe === 'true',
  stdin, stdout, stderr,
});
if (wasi.wasiImport !== wasi.getImportObject().wasi_snapshot_preview1) throw new Error('getImportObject');
const { instance } = await WebAssembly.instantiate(fs.readFile(path, null), wasi.getImportObject());
const code = wasi.start(instance);
if (process.env.WASI_PRINT_CODE) console.log(`start() returned ${code}`);
