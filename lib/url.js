// corojs:url: URL and URLSearchParams, the WHATWG classes (globals), as far
// as a server runtime needs them: http, https, ws, wss, ftp and file URLs
// with their default ports, IPv6 hosts, relative references resolved
// against a base, percent-encoding of paths, queries and fragments, and
// application/x-www-form-urlencoded parameters. Not done: international
// domain names (punycode), and IPv4 addresses written in hex or octal.

import { TextEncoder, TextDecoder } from 'corojs:encoding';
import { ERR_INVALID_TUPLE, ERR_INVALID_URL } from 'corojs:internal/errors';

const SPECIAL = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21, 'file:': null };
const encoder = new TextEncoder();
const hex = (b) => `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;

// Per set of characters to escape, a test for "nothing to do here".
const needs = new Map();

// Percent-encode the characters of s that are in `escape` (and controls,
// space and all non-ASCII, as UTF-8); existing %XX escapes are left alone.
function encodeSet(s, escape) {
  let re = needs.get(escape);
  if (!re) {
    re = new RegExp(`[^\\x21-\\x7e]${escape ? `|[${escape.replace(/[\\\]^-]/g, '\\$&')}]` : ''}`);
    needs.set(escape, re);
  }
  if (!re.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (c < 0x21 || c > 0x7e || escape.includes(ch)) {
      for (const b of encoder.encode(ch)) out += hex(b);
    } else {
      out += ch;
    }
  }
  return out;
}

// Regular expressions made once (a literal in a function is a new object at
// each call).
const RE_TRIM = /^[\x00-\x20]+|[\x00-\x20]+$/g;
const RE_TABS = /[\t\n\r]/g;
const RE_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const RE_TWO_SLASHES = /^[/\\]{2}/;
const RE_SLASHES = /^[/\\]*/;
const RE_SLASH = /^[/\\]/;
const RE_BACKSLASH = /\\/g;
const RE_AUTH_END_SPECIAL = /[/\\?]/;
const RE_AUTH_END = /[/?]/;
const RE_PORT = /:(\d*)$/;
const RE_DOT_SEGMENT = /(^|\/)(\.|%2e)/i;
const RE_HEX2 = /^[0-9a-fA-F]{2}$/;
const RE_IPV6 = /^[0-9a-fA-F:.]+$/;
const RE_BAD_HOST = /[\0\t\n\r #/:<>?@[\\\]^|%]/;
const RE_PLUS = /\+/g;

const PATH_ESCAPES = '"#<>?`{}';
const QUERY_ESCAPES = '"#<>';
const SPECIAL_QUERY_ESCAPES = '"#<>\'';
const FRAGMENT_ESCAPES = '"<>`';
const USERINFO_ESCAPES = '"#<>?`{}/:;=@[\\]^|';

function percentDecode(s) {
  if (!s.includes('%')) return s;
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && RE_HEX2.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of encoder.encode(s[i])) bytes.push(b);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function parseHost(host, special, input) {
  if (host.startsWith('[')) {
    if (!host.endsWith(']') || !RE_IPV6.test(host.slice(1, -1))) throw ERR_INVALID_URL(input);
    return host.toLowerCase();
  }
  if (!special) return encodeSet(host, ' #<>?@[\\]^|');
  host = percentDecode(host).toLowerCase();
  if (host === '' || RE_BAD_HOST.test(host)) throw ERR_INVALID_URL(input);
  return host;
}

// Hooks between the two classes, kept out of their public shape.
let attachParams;
let reparseParams;

// Resolve . and .. segments.
function normalizePath(segments) {
  const out = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (seg === '..' || seg.toLowerCase() === '%2e%2e') {
      out.pop();
      if (last) out.push('');
    } else if (seg === '.' || seg.toLowerCase() === '%2e') {
      if (last) out.push('');
    } else {
      out.push(seg);
    }
  }
  return `/${out.join('/')}`;
}

export class URLSearchParams {
  #list = [];
  #url = null;

  constructor(init = '') {
    if (typeof init === 'string') {
      this.#parse(init);
    } else if (init instanceof URLSearchParams) {
      this.#list = init.#list.map(([k, v]) => [k, v]);
    } else if (init !== null && typeof init === 'object') {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) throw ERR_INVALID_TUPLE('Each query pair', '[name, value]');
          this.#list.push([String(p[0]), String(p[1])]);
        }
      } else {
        for (const k of Object.keys(init)) this.#list.push([k, String(init[k])]);
      }
    } else if (init !== undefined) {
      this.#parse(String(init));
    }
  }

  #parse(s) {
    this.#list = [];
    if (s.startsWith('?')) s = s.slice(1);
    for (const part of s.split('&')) {
      if (part === '') continue;
      const i = part.indexOf('=');
      const k = i < 0 ? part : part.slice(0, i);
      const v = i < 0 ? '' : part.slice(i + 1);
      this.#list.push([percentDecode(k.replace(RE_PLUS, ' ')), percentDecode(v.replace(RE_PLUS, ' '))]);
    }
  }

  #update() { if (this.#url) this.#url(this.toString()); }

  static {
    attachParams = (params, update) => { params.#url = update; return params; };
    reparseParams = (params, s) => params.#parse(s);
  }

  get size() { return this.#list.length; }
  append(name, value) { this.#list.push([String(name), String(value)]); this.#update(); }
  delete(name, value) {
    name = String(name);
    this.#list = this.#list.filter(([k, v]) => k !== name || (value !== undefined && v !== String(value)));
    this.#update();
  }
  get(name) { name = String(name); return this.#list.find(([k]) => k === name)?.[1] ?? null; }
  getAll(name) { name = String(name); return this.#list.filter(([k]) => k === name).map(([, v]) => v); }
  has(name, value) {
    name = String(name);
    return this.#list.some(([k, v]) => k === name && (value === undefined || v === String(value)));
  }
  set(name, value) {
    name = String(name);
    value = String(value);
    const i = this.#list.findIndex(([k]) => k === name);
    if (i < 0) this.#list.push([name, value]);
    else this.#list = this.#list.filter(([k], j) => k !== name || j === i).map((p, j) => (j === i ? [name, value] : p));
    this.#update();
  }
  sort() {
    this.#list = this.#list.map((p, i) => [p, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map(([p]) => p);
    this.#update();
  }
  forEach(fn, thisArg) { for (const [k, v] of this.#list) fn.call(thisArg, v, k, this); }
  *entries() { for (const [k, v] of this.#list) yield [k, v]; }
  *keys() { for (const [k] of this.#list) yield k; }
  *values() { for (const [, v] of this.#list) yield v; }
  [Symbol.iterator]() { return this.entries(); }

  toString() {
    const enc = (s) => {
      let out = '';
      for (const b of encoder.encode(s)) {
        const ch = String.fromCharCode(b);
        out += /[A-Za-z0-9*\-._]/.test(ch) ? ch : b === 0x20 ? '+' : hex(b);
      }
      return out;
    };
    return this.#list.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  }

  get [Symbol.toStringTag]() { return 'URLSearchParams'; }
}

export class URL {
  #protocol = '';
  #username = '';
  #password = '';
  #hostname = '';
  #port = '';
  #pathname = '';
  #query = '';       // without '?'; null when there is none
  #fragment = null;  // without '#'
  #hasAuthority = false;
  #params = null;

  constructor(input, base) {
    input = String(input);
    if (base !== undefined) {
      const b = base instanceof URL ? base : new URL(base);
      this.#parse(input, b);
    } else {
      this.#parse(input, null);
    }
  }

  static canParse(input, base) {
    try { new URL(input, base); return true; } catch { return false; }
  }

  static parse(input, base) {
    try { return new URL(input, base); } catch { return null; }
  }

  #copy(b) {
    this.#protocol = b.#protocol;
    this.#username = b.#username;
    this.#password = b.#password;
    this.#hostname = b.#hostname;
    this.#port = b.#port;
    this.#pathname = b.#pathname;
    this.#query = b.#query;
    this.#hasAuthority = b.#hasAuthority;
  }

  #special() { return Object.hasOwn(SPECIAL, this.#protocol); }

  #parse(raw, base) {
    // eslint-disable-next-line no-control-regex
    let s = raw;
    if (s.charCodeAt(0) <= 0x20 || s.charCodeAt(s.length - 1) <= 0x20) s = s.replace(RE_TRIM, '');
    if (s.includes('\t') || s.includes('\n') || s.includes('\r')) s = s.replace(RE_TABS, '');
    let fragment = null;
    const hashAt = s.indexOf('#');
    if (hashAt >= 0) { fragment = s.slice(hashAt + 1); s = s.slice(0, hashAt); }
    const m = RE_SCHEME.exec(s);
    let rest;
    if (m) {
      this.#protocol = `${m[1].toLowerCase()}:`;
      rest = s.slice(m[0].length);
      const special = this.#special();
      if (this.#protocol === 'file:') {
        // file:///path (an empty host), file://host/path or file:/path
        this.#hasAuthority = true;
        if (RE_TWO_SLASHES.test(rest)) {
          this.#authority(rest.slice(2), raw);
          rest = this.#rest;
        }
      } else if (special || rest.startsWith('//')) {
        if (special) rest = rest.replace(RE_SLASHES, '');
        else rest = rest.slice(2);
        this.#authority(rest, raw);
        rest = this.#rest;
      } else {
        // an opaque path: mailto:x, data:..., urn:...
        const q = rest.indexOf('?');
        this.#pathname = encodeSet(q < 0 ? rest : rest.slice(0, q), '').replace(/%(?![0-9A-Fa-f]{2})/g, '%');
        this.#query = q < 0 ? null : encodeSet(rest.slice(q + 1), QUERY_ESCAPES);
        this.#fragment = fragment === null ? null : encodeSet(fragment, FRAGMENT_ESCAPES);
        return;
      }
    } else {
      if (!base) throw ERR_INVALID_URL(raw);
      this.#copy(base);
      const special = this.#special();
      if (special ? RE_TWO_SLASHES.test(s) : s.startsWith('//')) {
        this.#authority(s.slice(2), raw);
        rest = this.#rest;
      } else if (special ? RE_SLASH.test(s) : s.startsWith('/')) {
        rest = s;
      } else if (s === '' || s.startsWith('?')) {
        // the base's path, with this query (or the base's) and fragment
        if (s.startsWith('?')) this.#query = encodeSet(s.slice(1), special ? SPECIAL_QUERY_ESCAPES : QUERY_ESCAPES);
        this.#fragment = fragment === null ? null : encodeSet(fragment, FRAGMENT_ESCAPES);
        return;
      } else {
        // relative path: merge with the base's directory
        const dir = this.#pathname.slice(0, this.#pathname.lastIndexOf('/') + 1);
        rest = dir + s;
      }
    }
    this.#pathAndQuery(rest);
    this.#fragment = fragment === null ? null : encodeSet(fragment, FRAGMENT_ESCAPES);
  }

  #rest = '';

  // userinfo@host:port, then what follows (left in #rest)
  #authority(s, raw) {
    const special = this.#special();
    const end = s.search(special ? RE_AUTH_END_SPECIAL : RE_AUTH_END);
    const auth = end < 0 ? s : s.slice(0, end);
    this.#rest = end < 0 ? '' : s.slice(end);
    this.#hasAuthority = true;
    let hostport = auth;
    const at = auth.lastIndexOf('@');
    this.#username = '';
    this.#password = '';
    if (at >= 0) {
      const info = auth.slice(0, at);
      hostport = auth.slice(at + 1);
      const colon = info.indexOf(':');
      this.#username = encodeSet(colon < 0 ? info : info.slice(0, colon), USERINFO_ESCAPES);
      this.#password = colon < 0 ? '' : encodeSet(info.slice(colon + 1), USERINFO_ESCAPES);
    }
    const pm = RE_PORT.exec(hostport.startsWith('[') ? hostport.slice(hostport.indexOf(']')) : hostport);
    let host = hostport;
    let port = '';
    if (pm) {
      host = hostport.slice(0, hostport.length - pm[0].length);
      port = pm[1];
    } else if ((hostport.startsWith('[') ? hostport.slice(hostport.indexOf(']') + 1) : hostport).includes(':')) {
      throw ERR_INVALID_URL(raw);
    }
    if (port !== '') {
      const n = Number(port);
      if (n > 65535) throw ERR_INVALID_URL(raw);
      port = String(n);
      if (SPECIAL[this.#protocol] === n) port = '';
    }
    if (host === '' && special && this.#protocol !== 'file:') throw ERR_INVALID_URL(raw);
    this.#hostname = host === '' ? '' : parseHost(host, special, raw);
    this.#port = port;
  }

  #pathAndQuery(rest) {
    const special = this.#special();
    const q = rest.indexOf('?');
    let path = q < 0 ? rest : rest.slice(0, q);
    this.#query = q < 0 ? null : encodeSet(rest.slice(q + 1), special ? SPECIAL_QUERY_ESCAPES : QUERY_ESCAPES);
    if (special && path.includes('\\')) path = path.replace(RE_BACKSLASH, '/');
    if (path === '' && special) path = '/';
    path = encodeSet(path, PATH_ESCAPES);
    this.#pathname = path === '' || !RE_DOT_SEGMENT.test(path) ? path : normalizePath(path.split('/').slice(1));
  }

  get protocol() { return this.#protocol; }
  set protocol(v) {
    const p = String(v).replace(/:.*$/, '').toLowerCase();
    if (/^[a-z][a-z0-9+.-]*$/.test(p) && Object.hasOwn(SPECIAL, `${p}:`) === this.#special()) {
      this.#protocol = `${p}:`;
      if (SPECIAL[this.#protocol] === Number(this.#port)) this.#port = '';
    }
  }
  get username() { return this.#username; }
  set username(v) { this.#username = encodeSet(String(v), USERINFO_ESCAPES); }
  get password() { return this.#password; }
  set password(v) { this.#password = encodeSet(String(v), USERINFO_ESCAPES); }
  get hostname() { return this.#hostname; }
  set hostname(v) { try { this.#hostname = parseHost(String(v), this.#special(), String(v)); } catch { /* ignored, as specified */ } }
  get port() { return this.#port; }
  set port(v) {
    const s = String(v);
    if (s === '') { this.#port = ''; return; }
    const m = /^\d+/.exec(s);
    if (m && Number(m[0]) <= 65535) this.#port = SPECIAL[this.#protocol] === Number(m[0]) ? '' : String(Number(m[0]));
  }
  get host() { return this.#port === '' ? this.#hostname : `${this.#hostname}:${this.#port}`; }
  set host(v) {
    const s = String(v);
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(s);
    if (!m) return;
    this.hostname = m[1];
    if (m[2] !== undefined) this.port = m[2];
  }
  get origin() {
    if (this.#protocol === 'file:' || !this.#special()) return 'null';
    return `${this.#protocol}//${this.host}`;
  }
  get pathname() { return this.#pathname; }
  set pathname(v) {
    if (!this.#hasAuthority && !this.#special()) return;
    const p = String(v);
    this.#pathAndQueryKeep(p.startsWith('/') ? p : `/${p}`);
  }
  #pathAndQueryKeep(path) {
    const q = this.#query;
    this.#pathAndQuery(path.replace(/\?/g, '%3F'));
    this.#query = q;
  }
  get search() { return this.#query === null || this.#query === '' ? '' : `?${this.#query}`; }
  set search(v) {
    const s = String(v);
    this.#query = s === '' ? null : encodeSet(s.startsWith('?') ? s.slice(1) : s, this.#special() ? SPECIAL_QUERY_ESCAPES : QUERY_ESCAPES);
    if (this.#params) reparseParams(this.#params, this.#query ?? '');
  }
  get searchParams() {
    if (!this.#params) {
      this.#params = attachParams(new URLSearchParams(this.#query ?? ''), (q) => {
        this.#query = q === '' ? null : q;
      });
    }
    return this.#params;
  }
  get hash() { return this.#fragment === null || this.#fragment === '' ? '' : `#${this.#fragment}`; }
  set hash(v) {
    const s = String(v);
    this.#fragment = s === '' ? null : encodeSet(s.startsWith('#') ? s.slice(1) : s, FRAGMENT_ESCAPES);
  }
  get href() {
    let s = this.#protocol;
    if (this.#hasAuthority) {
      s += '//';
      if (this.#username !== '' || this.#password !== '') {
        s += this.#username;
        if (this.#password !== '') s += `:${this.#password}`;
        s += '@';
      }
      s += this.host;
    }
    s += this.#pathname;
    if (this.#query !== null) s += `?${this.#query}`;
    if (this.#fragment !== null) s += `#${this.#fragment}`;
    return s;
  }
  set href(v) {
    const u = new URL(v);
    this.#copy(u);
    this.#fragment = u.#fragment;
    if (this.#params) reparseParams(this.#params, this.#query ?? '');
  }

  toString() { return this.href; }
  toJSON() { return this.href; }
  get [Symbol.toStringTag]() { return 'URL'; }
}

export default { URL, URLSearchParams };
