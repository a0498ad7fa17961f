// corojs:internal/wasm_app: runs a WebAssembly app, the main module of an
// isolate that is a .wasm file: `corojs app.wasm`, `corojs run a.wasm ...`
// or `new Isolate('app.wasm')`. The loader (src/prim/wasm.c) compiled it
// and found it a WASI command or a Dagger module; its source for the
// isolate's main module is `runApp(import.meta)`.
//
// What an app may reach follows wasmtime's conventions at the command line
// (nothing of the host unless --dir or --env gives it) and an isolate's
// capabilities in a child (its fs directory preopened as "/", its env; net
// for Dagger's http:// and https://). The app's exit status ends the
// isolate.

import P from 'corojs:internal/primordials';
import { ERR_WASM_APP_IMPORTED } from 'corojs:internal/errors';
import { Instance } from 'corojs:webassembly';
import { WASI } from 'corojs:wasi';
import { Dagger } from 'corojs:dagger';

// --dir HOST[::GUEST]
function splitDir(spec) {
  const at = spec.indexOf('::');
  return at < 0 ? [spec, spec] : [spec.slice(0, at), spec.slice(at + 2)];
}

function runWasi(app, name) {
  const preopens = {};
  let env = process.env;
  if (app.root) {
    for (const spec of app.dirs) {
      const [host, guest] = splitDir(spec);
      preopens[guest] = host;
    }
    env = {};
    for (const pair of app.env) {
      const eq = pair.indexOf('=');
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  } else if (app.fs) {
    preopens['/'] = '.'; // the isolate's fs directory
  }
  const wasi = new WASI({ version: 'preview1', args: [name, ...process.argv.slice(2)], env, preopens });
  return wasi.start(new Instance(app.module, wasi.getImportObject()));
}

function runDagger(app, appDir) {
  let dir, fds = false;
  if (app.root) {
    dir = app.dirs.length ? splitDir(app.dirs[0])[0] : appDir;
    fds = true;
  } else if (app.fs) {
    dir = '.';
    fds = !app.jailed;
  }
  const dagger = new Dagger({ dir, fds });
  return dagger.start(new Instance(app.module, dagger.getImportObject()));
}

export function runApp(meta) {
  if (!meta.main) throw ERR_WASM_APP_IMPORTED(meta.filename);
  const app = P.wasi.app();
  const name = meta.filename.slice(meta.filename.lastIndexOf('/') + 1);
  process.exit(app.kind === 'wasi' ? runWasi(app, name) : runDagger(app, meta.dirname));
}
