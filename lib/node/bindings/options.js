// internalBinding('options'): Node's command-line options as Node's lib reads
// them (getOptionValue('--pending-deprecation')). Their values come from
// NODE_OPTIONS and process.execArgv, over Node's defaults; an option Node's
// lib asks for that is not listed here reads as undefined (off).

import P from 'corojs:internal/primordials';

const kBoolean = 2, kString = 4, kStringList = 6, kInteger = 3;

// Node's defaults for the options its lib reads.
const defaults = {
  '--warnings': true, '--deprecation': true, '--pending-deprecation': false,
  '--throw-deprecation': false, '--trace-deprecation': false, '--trace-warnings': false,
  '--redirect-warnings': '', '--disable-warning': [], '--unhandled-rejections': '',
  '--abort-on-uncaught-exception': false, '--expose-internals': false, '--zero-fill-buffers': false,
  '--preserve-symlinks': false, '--preserve-symlinks-main': false, '--input-type': '',
  '--experimental-default-type': '', '--experimental-require-module': false,
  '--experimental-detect-module': false, '--experimental-vm-modules': false,
  '--experimental-permission': false, '--experimental-policy': '', '--frozen-intrinsics': false,
  '--enable-source-maps': false, '--conditions': [], '--import': [], '--require': [],
  '--experimental-loader': [], '--max-http-header-size': 16384, '--insecure-http-parser': false,
  '--network-family-autoselection': true, '--network-family-autoselection-attempt-timeout': 250,
  '--dns-result-order': '', '--diagnostic-dir': '', '--experimental-global-webcrypto': true,
  '--experimental-global-customevent': true, '--experimental-fetch': true,
  '--experimental-websocket': false, '--experimental-eventsource': false, '--addons': true,
  '--force-fips': false, '--secure-heap': 0, '--secure-heap-min': 2,
  // Node's default cipher list (node_constants.h), as the crypto constants give it
  '--tls-cipher-list': P.crypto.constants().defaultCipherList,
  '--tls-min-v1.0': false, '--tls-min-v1.1': false, '--tls-min-v1.2': false, '--tls-min-v1.3': false,
  '--tls-max-v1.2': false, '--tls-max-v1.3': false, '--use-openssl-ca': false, '--use-bundled-ca': false,
  '--tls-keylog': '', '--trace-sigint': false, '--trace-tls': false, '--test': false,
  '--test-only': false, '--test-reporter': [], '--test-reporter-destination': [], '--test-name-pattern': [],
  '--test-force-exit': false, '--experimental-test-module-mocks': false, '--watch': false, '--watch-path': [], '--eval': undefined, '--print': false,
  '--inspect-brk': false, '--stack-trace-limit': 10, '--experimental-network-imports': false,
  '--experimental-wasm-modules': false, '--experimental-import-meta-resolve': false,
  '--experimental-print-required-tla': false, '--trace-require-module': false,
  '--experimental-test-coverage': false, '--heapsnapshot-near-heap-limit': 0,
  '--report-on-signal': 'SIGUSR2', '--title': '', '--trace-uncaught': false,
};

// The options given: NODE_OPTIONS first, then the command line's.
function given() {
  const env = P.process.env().NODE_OPTIONS ?? '';
  const execArgv = P.util.importSync('corojs:process').process.execArgv ?? [];
  return [...(env.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((s) => s.replace(/"/g, '')), ...execArgv];
}

function getCLIOptionsValues() {
  const values = { __proto__: null, ...defaults };
  for (const arg of given()) {
    const eq = arg.indexOf('=');
    let name = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? undefined : arg.slice(eq + 1);
    if (!name.startsWith('--')) continue;
    name = name.replace(/_/g, '-');
    if (value === undefined && name.startsWith('--no-')) {
      values[`--${name.slice(5)}`] = false;
    } else if (Array.isArray(values[name])) {
      values[name] = [...values[name], value ?? ''];
    } else if (typeof defaults[name] === 'number') {
      values[name] = Number(value);
    } else {
      values[name] = value ?? true;
    }
  }
  return values;
}

function getCLIOptionsInfo() {
  const options = new Map();
  for (const [name, value] of Object.entries(defaults)) {
    const type = Array.isArray(value) ? kStringList : typeof value === 'boolean' ? kBoolean :
      typeof value === 'number' ? kInteger : kString;
    options.set(name, { helpText: '', envVarSettings: 0, type, defaultIsTrue: value === true });
  }
  return { options, aliases: new Map() };
}

export default {
  getCLIOptionsValues,
  getCLIOptionsInfo,
  getEmbedderOptions: () => ({ shouldNotRegisterESMLoader: true, noGlobalSearchPaths: false, hasEmbedderPreload: false }),
  envSettings: { kAllowedInEnvvar: 0, kDisallowedInEnvvar: 1 },
  types: { kNoOp: 0, kV8Option: 1, kBoolean, kInteger, kUInteger: 5, kString, kHostPort: 7, kStringList },
  noGlobalSearchPaths: false,
  shouldNotRegisterESMLoader: true,
};
