// corojs:dagger: Dagger (seed 002), five calls on URL-named streams, as its
// reference implementation (Xe/olin, 2019) has them: a module imports open,
// close, read, write and flush from "dagger" (or "env"), all i32, and
// exports dagger_main() -> i32, its exit status.
//
//   const dagger = new Dagger({ dir: './data' });
//   const instance = new WebAssembly.Instance(module, dagger.getImportObject());
//   const status = dagger.start(instance);
//
// The calls are C (src/prim/dagger.c). An http:// or https:// stream's
// flush comes back here: the raw request the guest wrote goes out on our
// HTTP client (the fiber parks), and read() then returns the raw response.

import P from 'corojs:internal/primordials';
import { ERR_DAGGER_ALREADY_STARTED } from 'corojs:internal/errors';
import {
  validateBoolean, validateFunction, validateInt32, validateObject, validateOptionNames, validateString,
} from 'corojs:internal/validators';

const D = P.dagger;
// Bytes as Latin-1 text (a head's bytes, one character each).
function latin1(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function indexOfBytes(bytes, pattern, from = 0) {
  outer: for (let i = from; i + pattern.length <= bytes.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

// A chunked body, decoded; null if it is cut short or malformed.
function unchunk(bytes) {
  const parts = [];
  let at = 0;
  for (;;) {
    const eol = indexOfBytes(bytes, [10], at);
    if (eol < 0) return null;
    const size = parseInt(latin1(bytes.subarray(at, eol)), 16);
    if (!Number.isInteger(size) || size < 0) return null;
    at = eol + 1;
    if (size === 0) break;
    if (at + size > bytes.length) return null;
    parts.push(bytes.subarray(at, at + size));
    at += size;
    if (bytes[at] === 13) at++;
    if (bytes[at] === 10) at++;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// The raw request a guest wrote (lines end in CRLF or LF, as Go's
// http.ReadRequest takes them): { method, target, headers, body }.
function parseRequest(bytes) {
  let end = indexOfBytes(bytes, [13, 10, 13, 10]), skip = 4;
  const lf = indexOfBytes(bytes, [10, 10]);
  if (end < 0 || (lf >= 0 && lf < end)) { end = lf; skip = 2; }
  if (end < 0) throw new Error('the request has no end of head');
  const lines = latin1(bytes.subarray(0, end)).split(/\r?\n/);
  const [method, target, version] = lines[0].split(' ');
  if (!method || !target || !/^HTTP\/1\.[01]$/.test(version ?? '')) throw new Error('bad request line');
  const headers = [];
  let length = null, chunked = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error('bad header line');
    const name = line.slice(0, colon).trim(), value = line.slice(colon + 1).trim(), lower = name.toLowerCase();
    if (lower === 'content-length') length = Number(value);
    else if (lower === 'transfer-encoding') chunked = /chunked/i.test(value);
    else headers.push([name, value]);
  }
  let body = bytes.subarray(end + skip);
  if (chunked) body = unchunk(body);
  else if (length !== null) body = Number.isInteger(length) && length <= body.length ? body.subarray(0, length) : null;
  if (body === null) throw new Error('the body is cut short');
  return { method, target, headers, body: body.length || length !== null ? body : undefined };
}

// The raw response: its head as the server sent it, but with the body's
// length in place of a chunked encoding (the body is read whole).
function rawResponse(res, body) {
  let head = `HTTP/${res.httpVersion} ${res.status} ${res.statusText}\r\n`;
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (lower !== 'transfer-encoding' && lower !== 'content-length') head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  head += `Content-Length: ${body.length}\r\n\r\n`;
  const h = Uint8Array.from(head, (c) => c.charCodeAt(0)), out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  return out;
}

// One exchange of an http:// or https:// stream, on the URL it was opened
// with (the target of the request line names the path); null if anything
// fails (the guest's flush returns -1).
function exchange(url, request, ca) {
  try {
    const http = P.util.importSync('corojs:http').default;
    const req = parseRequest(new Uint8Array(request));
    const base = new URL(url);
    const target = req.target.startsWith('/') ? req.target : new URL(req.target, base).pathname;
    const res = http.request(new URL(target, base.origin), {
      method: req.method, headers: req.headers, body: req.body, ...(ca !== undefined ? { ca } : {}),
    });
    return rawResponse(res, res.bytes());
  } catch {
    return null;
  }
}

export class Dagger {
  #state;
  #started = false;

  // options: dir (file:// lies beneath it; none: no file://), fds (whether
  // fd://N may be opened), stdin, stdout, stderr (host descriptors), ca
  // (certificates https:// trusts instead of the system's).
  constructor(options = {}) {
    validateObject(options, 'options');
    validateOptionNames(options, ['dir', 'fds', 'stdin', 'stdout', 'stderr', 'ca']);
    const { dir, fds = false, stdin = 0, stdout = 1, stderr = 2, ca } = options;
    if (dir !== undefined) validateString(dir, 'options.dir');
    validateBoolean(fds, 'options.fds');
    validateInt32(stdin, 'options.stdin', 0);
    validateInt32(stdout, 'options.stdout', 0);
    validateInt32(stderr, 'options.stderr', 0);
    this.#state = D.create(dir ?? null, fds, [stdin, stdout, stderr], (url, request) => exchange(url, request, ca));
    this.daggerImport = D.imports(this.#state);
  }

  getImportObject() {
    return { dagger: this.daggerImport, env: this.daggerImport };
  }

  // Runs dagger_main; its streams are closed when it returns. Returns its
  // result, the exit status.
  start(instance) {
    if (this.#started) throw ERR_DAGGER_ALREADY_STARTED();
    this.#started = true;
    validateObject(instance, 'instance');
    validateObject(instance.exports, 'instance.exports');
    D.setMemory(this.#state, instance.exports.memory);
    const main = instance.exports.dagger_main;
    validateFunction(main, 'instance.exports.dagger_main');
    try {
      return main();
    } finally {
      D.close(this.#state);
    }
  }
}

export default { Dagger };
