// corojs:fetch: the WHATWG fetch() and its Headers, Request and Response
// classes (globals), on the blocking client of corojs:http.
//
//   const res = await fetch('http://127.0.0.1:8080/api', { method: 'POST', body: '{}' });
//   const data = Fiber.await(fetch(url).then((r) => r.json()));
//
// fetch() returns a real Promise; the request runs in a fiber of its own,
// so awaiting it (or Fiber.await) parks only the caller. Redirects are
// followed (up to 20) unless `redirect: 'manual'` or `'error'`.
//
// A body given may be a string, bytes, URLSearchParams, FormData (sent as
// multipart/form-data), a Blob or a ReadableStream of bytes (read when the
// body is). Not here: streaming the response as a ReadableStream (a body is
// read whole, or chunk by chunk through the small reader `body` gives),
// AbortSignal (the
// non-standard `timeout` option, in ms, bounds each wait instead), CORS,
// caches, credentials and cookies, content decoding (no Accept-Encoding is
// sent).

import P from 'corojs:internal/primordials';
import { request as httpRequest } from 'corojs:http';
import { URL, URLSearchParams } from 'corojs:url';
import { TextEncoder, TextDecoder } from 'corojs:encoding';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const kGuard = Symbol('guard');

function fiberPromise(fn) {
  const { Fiber } = P.util.importSync('corojs:fiber');
  return new Promise((resolve, reject) => {
    Fiber.run(() => {
      try {
        resolve(fn());
      } catch (e) {
        reject(e);
      }
    });
  });
}

// ------------------------------------------------------------------
// Headers

function normalizeValue(v) {
  return String(v).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
}

function checkName(name, where) {
  if (!TOKEN.test(name)) throw new TypeError(`Headers.${where}: "${name}" is an invalid header name.`);
}

function checkValue(value, where) {
  if (/[\0\r\n]/.test(value)) throw new TypeError(`Headers.${where}: "${value}" is an invalid header value.`);
}

export class Headers {
  #list = [];        // [lower-case name, value], in insertion order
  #guard = 'none';   // 'immutable' for the headers of a fetched response

  constructor(init) {
    if (init === undefined || init === null) return;
    if (init instanceof Headers) {
      for (const [k, v] of init.#list) this.#list.push([k, v]);
    } else if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = [...pair];
        if (p.length !== 2) throw new TypeError('Headers constructor: expected name/value pair to be length 2');
        this.append(p[0], p[1]);
      }
    } else if (typeof init === 'object') {
      for (const k of Object.keys(init)) this.append(k, init[k]);
    } else {
      throw new TypeError('Headers constructor: the init argument is neither an object nor an iterable');
    }
  }

  static [kGuard](headers, guard) { headers.#guard = guard; return headers; }

  #mutable(where) {
    if (this.#guard === 'immutable') throw new TypeError(`Headers.${where}: headers are immutable`);
  }

  append(name, value) {
    name = String(name);
    value = normalizeValue(value);
    checkName(name, 'append');
    checkValue(value, 'append');
    this.#mutable('append');
    this.#list.push([name.toLowerCase(), value]);
  }

  delete(name) {
    name = String(name);
    checkName(name, 'delete');
    this.#mutable('delete');
    const lower = name.toLowerCase();
    this.#list = this.#list.filter(([k]) => k !== lower);
  }

  get(name) {
    name = String(name);
    checkName(name, 'get');
    const lower = name.toLowerCase();
    const values = this.#list.filter(([k]) => k === lower).map(([, v]) => v);
    return values.length ? values.join(', ') : null;
  }

  getSetCookie() {
    return this.#list.filter(([k]) => k === 'set-cookie').map(([, v]) => v);
  }

  has(name) {
    name = String(name);
    checkName(name, 'has');
    const lower = name.toLowerCase();
    return this.#list.some(([k]) => k === lower);
  }

  set(name, value) {
    name = String(name);
    value = normalizeValue(value);
    checkName(name, 'set');
    checkValue(value, 'set');
    this.#mutable('set');
    const lower = name.toLowerCase();
    const i = this.#list.findIndex(([k]) => k === lower);
    if (i < 0) {
      this.#list.push([lower, value]);
    } else {
      this.#list[i] = [lower, value];
      this.#list = this.#list.filter(([k], j) => k !== lower || j <= i);
    }
  }

  // Sorted by name, repeated names combined; each set-cookie on its own.
  *entries() {
    const names = [...new Set(this.#list.map(([k]) => k))].sort();
    for (const name of names) {
      if (name === 'set-cookie') {
        for (const v of this.getSetCookie()) yield [name, v];
      } else {
        yield [name, this.get(name)];
      }
    }
  }

  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  forEach(fn, thisArg) { for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this); }

  get [Symbol.toStringTag]() { return 'Headers'; }
}

// ------------------------------------------------------------------
// FormData

const isBlob = (v) => toStringTag(v) === 'Blob' || toStringTag(v) === 'File';

// An entry's value: a string, or a File (a Blob becomes a File named
// `filename`, 'blob' by default, as the standard says).
function formValue(value, filename) {
  if (!isBlob(value)) return String(value);
  if (toStringTag(value) === 'File' && filename === undefined) return value;
  return new globalThis.File([value], filename === undefined ? 'blob' : String(filename),
    { type: value.type, lastModified: value.lastModified });
}

function needArgs(method, n, given) {
  if (given < n) throw new TypeError(`FormData.${method}: ${n} argument${n > 1 ? 's' : ''} required, but only ${given} found.`);
}

export class FormData {
  #entries = [];    // [name, string or File], in order

  constructor(form) {
    if (form !== undefined) throw new TypeError("FormData constructor: Argument 1 is not of type 'HTMLFormElement'.");
  }

  append(name, value, filename) {
    needArgs('append', 2, arguments.length);
    this.#entries.push([String(name), formValue(value, filename)]);
  }

  set(name, value, filename) {
    needArgs('set', 2, arguments.length);
    const entry = [String(name), formValue(value, filename)];
    const at = this.#entries.findIndex(([n]) => n === entry[0]);
    if (at < 0) {
      this.#entries.push(entry);
      return;
    }
    this.#entries[at] = entry;
    this.#entries = this.#entries.filter(([n], i) => i <= at || n !== entry[0]);
  }

  delete(name) {
    needArgs('delete', 1, arguments.length);
    this.#entries = this.#entries.filter(([n]) => n !== String(name));
  }

  get(name) {
    needArgs('get', 1, arguments.length);
    const entry = this.#entries.find(([n]) => n === String(name));
    return entry ? entry[1] : null;
  }

  getAll(name) {
    needArgs('getAll', 1, arguments.length);
    return this.#entries.filter(([n]) => n === String(name)).map(([, v]) => v);
  }

  has(name) {
    needArgs('has', 1, arguments.length);
    return this.#entries.some(([n]) => n === String(name));
  }

  forEach(fn, thisArg) {
    for (const [n, v] of this) fn.call(thisArg, v, n, this);
  }

  * entries() { for (const [n, v] of this.#entries) yield [n, v]; }
  * keys() { for (const [n] of this.#entries) yield n; }
  * values() { for (const [, v] of this.#entries) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return 'FormData'; }
}

// multipart/form-data (RFC 7578, as the standard's algorithm): a body source
// whose bytes are made when the body is read (files are read then).
const escapeName = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
const crlf = (s) => s.replace(/\r\n|\r|\n/g, '\r\n');

function formSource(form) {
  const boundary = `----formdata-corojs-${Math.random().toString(16).slice(2)}${Math.random().toString(16).slice(2)}`;
  const entries = [...form];
  const bytes = () => {
    const parts = [];
    for (const [name, value] of entries) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(crlf(name))}"`;
      if (typeof value === 'string') {
        parts.push(encoder.encode(`${head}\r\n\r\n${crlf(value)}\r\n`));
        continue;
      }
      head += `; filename="${escapeName(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
      parts.push(encoder.encode(head), new Uint8Array(awaitSync(value.arrayBuffer())), encoder.encode('\r\n'));
    }
    parts.push(encoder.encode(`--${boundary}--\r\n`));
    return concatBytes(parts);
  };
  return { source: onceSource(bytes), type: `multipart/form-data; boundary=${boundary}` };
}

// The entries of a multipart/form-data or urlencoded body (formData()).
function parseForm(bytes, type) {
  const form = new FormData();
  const mime = (type ?? '').split(';')[0].trim().toLowerCase();
  if (mime === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(decoder.decode(bytes))) form.append(k, v);
    return form;
  }
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type ?? '');
  if (mime !== 'multipart/form-data' || !boundary) throw new TypeError('Response.formData: Could not parse content as FormData.');
  // latin1 keeps one char per byte, so offsets in the text are offsets in bytes
  const text = latin1(bytes);
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const sections = text.split(delimiter);
  if (sections.length < 3 || !sections.at(-1).startsWith('--')) throw new TypeError('Response.formData: Could not parse content as FormData.');
  let at = sections[0].length + delimiter.length;
  for (const section of sections.slice(1, -1)) {
    const split = section.indexOf('\r\n\r\n');
    if (!section.startsWith('\r\n') || split < 0 || !section.endsWith('\r\n')) {
      throw new TypeError('Response.formData: Could not parse content as FormData.');
    }
    const headers = section.slice(2, split);
    const disposition = /content-disposition:\s*form-data;([^\r]*)/i.exec(headers);
    const name = disposition && /\bname="([^"]*)"/i.exec(disposition[1]);
    if (!name) throw new TypeError('Response.formData: Could not parse content as FormData.');
    const value = bytes.subarray(at + split + 4, at + section.length - 2);
    const filename = /\bfilename="([^"]*)"/i.exec(disposition[1]);
    if (filename) {
      const ctype = /content-type:\s*([^\r]*)/i.exec(headers);
      form.append(decoder.decode(encodeLatin1(name[1])), new globalThis.File([value], decoder.decode(encodeLatin1(filename[1])),
        { type: ctype ? ctype[1].trim() : '' }));
    } else {
      form.append(decoder.decode(encodeLatin1(name[1])), decoder.decode(value));
    }
    at += section.length + delimiter.length;
  }
  return form;
}

const encodeLatin1 = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function latin1(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return text;
}

// ------------------------------------------------------------------
// bodies

const toStringTag = (v) => Object.prototype.toString.call(v).slice(8, -1);
const awaitSync = (promise) => P.util.importSync('corojs:fiber').Fiber.await(promise);

// A body source (bytes(), read(), close()) over a ReadableStream of bytes,
// read on the calling fiber when the body is.
function streamSource(stream) {
  if (stream.locked) throw new TypeError('Response body object should not be disturbed or locked');
  const reader = stream.getReader();
  const read = () => {
    const { done, value } = awaitSync(reader.read());
    if (done) return null;
    if (!(value instanceof Uint8Array)) throw new TypeError('Received non-Uint8Array chunk');
    return value;
  };
  return {
    read,
    bytes() {
      const chunks = [];
      for (let c = read(); c !== null; c = read()) chunks.push(c);
      return concatBytes(chunks);
    },
    close() { reader.cancel().catch(() => {}); },
  };
}

function concatBytes(chunks) {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return all;
}

// A body source whose bytes come in one piece from bytes(), made when the
// body is read (a Blob's, a FormData's).
function onceSource(bytes) {
  let done = false;
  return {
    bytes,
    read() { if (done) return null; done = true; return bytes(); },
    close() {},
  };
}

// What a body given to Request or Response becomes: bytes (or a source to
// read them from), and the content type it implies.
function extractBody(body) {
  if (body === undefined || body === null) return { bytes: null, type: null };
  const tag = toStringTag(body);
  if (tag === 'ReadableStream') return { bytes: null, source: streamSource(body), type: null };
  if (tag === 'Blob' || tag === 'File') {
    return { bytes: null, source: onceSource(() => new Uint8Array(awaitSync(body.arrayBuffer()))), type: body.type || null };
  }
  if (body instanceof FormData) return { bytes: null, ...formSource(body) };
  if (typeof body === 'string') return { bytes: encoder.encode(body), type: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams) {
    return { bytes: encoder.encode(body.toString()), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  }
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body.slice(0)), type: null };
  if (ArrayBuffer.isView(body)) {
    return { bytes: new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), type: null };
  }
  return { bytes: encoder.encode(String(body)), type: 'text/plain;charset=UTF-8' };
}

// A body: bytes in memory, or a response of the client read when asked.
class Body {
  #bytes;
  #source;
  used = false;

  constructor(bytes, source = null) {
    this.#bytes = bytes;
    this.#source = source;
  }

  get empty() { return this.#bytes === null && this.#source === null; }

  #take() {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
  }

  // All of it, blocking the calling fiber.
  all() {
    this.#take();
    if (this.#source) return this.#source.bytes();
    return this.#bytes ?? new Uint8Array(0);
  }

  // The next chunk or null, blocking (for the reader of `body`).
  next() {
    if (this.#source) return this.#source.read();
    const b = this.#bytes;
    this.#bytes = null;
    return b && b.length ? b : null;
  }

  start() { this.#take(); }

  // A copy that can be read on its own (clone()): the source is read now.
  tee() {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    if (this.#source) {
      this.#bytes = this.#source.bytes();
      this.#source = null;
    }
    return new Body(this.#bytes);
  }

  discard() {
    if (this.#source && !this.used) this.#source.close();
  }
}

// A minimal reader over a body: getReader().read() and for await.
class BodyReader {
  #body;
  constructor(body) { this.#body = body; }
  getReader() {
    const body = this.#body;
    return {
      read: () => fiberPromise(() => {
        const value = body.next();
        return value === null ? { done: true, value: undefined } : { done: false, value };
      }),
      cancel: () => { body.discard(); return Promise.resolve(); },
      releaseLock() {},
    };
  }
  async *[Symbol.asyncIterator]() {
    const reader = this.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  get locked() { return this.#body.used; }
}

const bodyMixin = {
  get bodyUsed() { return this[kBody].used; },
  get body() {
    const body = this[kBody];
    if (body.empty) return null;
    if (!body.used) body.start();
    return new BodyReader(body);
  },
  arrayBuffer() {
    return fiberPromise(() => {
      const b = this[kBody].all();
      return b.buffer.byteLength === b.length ? b.buffer : b.slice().buffer;
    });
  },
  bytes() { return fiberPromise(() => this[kBody].all()); },
  text() { return fiberPromise(() => decoder.decode(this[kBody].all())); },
  json() { return fiberPromise(() => JSON.parse(decoder.decode(this[kBody].all()))); },
  formData() { return fiberPromise(() => parseForm(this[kBody].all(), this.headers.get('content-type'))); },
};

const kBody = Symbol('body');

function addBody(cls) {
  for (const key of Reflect.ownKeys(bodyMixin)) {
    Object.defineProperty(cls.prototype, key, { ...Object.getOwnPropertyDescriptor(bodyMixin, key), enumerable: false });
  }
}

// ------------------------------------------------------------------
// Request

const METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH']);

export class Request {
  #url;
  #method = 'GET';
  #headers;
  #redirect = 'follow';
  #timeout;
  #tls = {};

  constructor(input, init = {}) {
    if (input instanceof Request) {
      this.#url = input.#url;
      this.#method = input.#method;
      this.#headers = new Headers(input.#headers);
      this.#redirect = input.#redirect;
      this.#timeout = input.#timeout;
      this.#tls = input.#tls;
      this[kBody] = init.body === undefined ? input[kBody].tee() : null;
    } else {
      let url;
      try {
        url = new URL(String(input));
      } catch (e) {
        throw new TypeError(`Failed to parse URL from ${input}`, { cause: e });
      }
      if (url.username || url.password) throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${input}`);
      this.#url = url.href;
      this.#headers = new Headers();
      this[kBody] = new Body(null);
    }
    if (init.method !== undefined) {
      const m = String(init.method);
      if (!TOKEN.test(m)) throw new TypeError(`'${m}' is not a valid HTTP method.`);
      if (/^(connect|trace|track)$/i.test(m)) throw new TypeError(`'${m}' HTTP method is unsupported.`);
      this.#method = METHODS.has(m.toUpperCase()) ? m.toUpperCase() : m;
    }
    if (init.headers !== undefined) this.#headers = new Headers(init.headers);
    if (init.redirect !== undefined) {
      if (!['follow', 'manual', 'error'].includes(init.redirect)) {
        throw new TypeError(`Request constructor: ${init.redirect} is not an accepted type. Expected one of follow, manual, error.`);
      }
      this.#redirect = init.redirect;
    }
    if (init.timeout !== undefined) this.#timeout = init.timeout;
    for (const k of ['ca', 'rejectUnauthorized']) if (init[k] !== undefined) this.#tls = { ...this.#tls, [k]: init[k] };
    if (init.body !== undefined && init.body !== null) {
      if (this.#method === 'GET' || this.#method === 'HEAD') throw new TypeError('Request with GET/HEAD method cannot have body.');
      const { bytes, source, type } = extractBody(init.body);
      if (type && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
      this[kBody] = new Body(bytes, source);
    }
  }

  get url() { return this.#url; }
  get method() { return this.#method; }
  get headers() { return this.#headers; }
  get redirect() { return this.#redirect; }
  get timeout() { return this.#timeout; }
  static [kGuard](req) { return req.#tls; }
  get signal() { return null; }
  clone() { return new Request(this); }
  get [Symbol.toStringTag]() { return 'Request'; }
}
addBody(Request);

// ------------------------------------------------------------------
// Response

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class Response {
  #status = 200;
  #statusText = '';
  #headers;
  #url = '';
  #redirected = false;
  #type = 'default';

  constructor(body = null, init = {}) {
    if (init.status !== undefined) {
      const s = init.status;
      if (!Number.isInteger(s) || s < 200 || s > 599) {
        throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
      }
      this.#status = s;
    }
    if (init.statusText !== undefined) this.#statusText = String(init.statusText);
    this.#headers = new Headers(init.headers);
    const { bytes, source, type } = extractBody(body);
    if ((bytes !== null || source) && (this.#status === 204 || this.#status === 205 || this.#status === 304)) {
      throw new TypeError('Response constructor: Invalid response status code ' + this.#status);
    }
    if (type && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
    this[kBody] = new Body(bytes, source);
  }

  static [kGuard](res, fields) {
    res.#status = fields.status;
    res.#statusText = fields.statusText;
    res.#headers = Headers[kGuard](fields.headers, 'immutable');
    res.#url = fields.url;
    res.#redirected = fields.redirected;
    res.#type = fields.type;
    res[kBody] = fields.body;
    return res;
  }

  static error() {
    return Response[kGuard](new Response(), {
      status: 0, statusText: '', headers: new Headers(), url: '', redirected: false, type: 'error', body: new Body(null),
    });
  }

  static redirect(url, status = 302) {
    if (!REDIRECTS.has(status)) throw new RangeError(`Invalid status code ${status}`);
    return new Response(null, { status, headers: { location: new URL(String(url)).href } });
  }

  static json(data, init = {}) {
    const headers = new Headers(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(JSON.stringify(data), { ...init, headers });
  }

  get status() { return this.#status; }
  get ok() { return this.#status >= 200 && this.#status <= 299; }
  get statusText() { return this.#statusText; }
  get headers() { return this.#headers; }
  get url() { return this.#url; }
  get redirected() { return this.#redirected; }
  get type() { return this.#type; }

  clone() {
    return Response[kGuard](new Response(), {
      status: this.#status, statusText: this.#statusText, headers: new Headers(this.#headers),
      url: this.#url, redirected: this.#redirected, type: this.#type, body: this[kBody].tee(),
    });
  }

  get [Symbol.toStringTag]() { return 'Response'; }
}
addBody(Response);

// ------------------------------------------------------------------
// fetch

function networkError(cause) {
  return new TypeError('fetch failed', { cause });
}

// The request, sent and its redirects followed, blocking: a Response.
function fetchNow(req) {
  let url = new URL(req.url);
  let method = req.method;
  let body = req[kBody].empty ? null : req[kBody].all();
  const headers = new Headers(req.headers);
  if (!headers.has('accept')) headers.set('accept', '*/*');
  if (!headers.has('user-agent')) headers.set('user-agent', 'corojs');
  const origin = url.origin;
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw networkError(new TypeError(`URL scheme "${url.protocol.slice(0, -1)}" is not supported.`));
    }
    let res;
    try {
      res = httpRequest(url, { method, headers: [...headers], body, timeout: req.timeout, ...Request[kGuard](req) });
    } catch (e) {
      throw networkError(e);
    }
    const location = res.headers.location;
    if (REDIRECTS.has(res.status) && location !== undefined && req.redirect !== 'manual') {
      if (req.redirect === 'error') {
        res.close();
        throw networkError(new Error('unexpected redirect'));
      }
      if (redirects >= 20) {
        res.close();
        throw networkError(new Error('redirect count exceeded'));
      }
      try {
        res.bytes(); // read the rest, so the connection can be used again
      } catch {
        /* a broken body of a redirect does not matter */
      }
      const next = new URL(location, url);
      if ((res.status === 303 && method !== 'HEAD') || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(h);
      }
      if (next.origin !== origin) {
        for (const h of ['authorization', 'cookie', 'proxy-authorization']) headers.delete(h);
      }
      url = next;
      continue;
    }
    const h = new Headers();
    for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
    const empty = method === 'HEAD' || res.status === 204 || res.status === 304;
    return Response[kGuard](new Response(), {
      status: res.status, statusText: res.statusText, headers: h, url: url.href,
      redirected: redirects > 0, type: 'basic', body: empty ? new Body(null) : new Body(null, res),
    });
  }
}

// fetch(input, init) -> Promise<Response>. input is a URL (string or URL) or
// a Request; init as Request's (method, headers, body, redirect, timeout).
export function fetch(input, init = {}) {
  let req;
  try {
    req = input instanceof Request && Object.keys(init).length === 0 ? input : new Request(input, init);
  } catch (e) {
    return Promise.reject(e);
  }
  return fiberPromise(() => fetchNow(req));
}

export default { fetch, Headers, Request, Response, FormData };
