// internalBinding('url') under Node's URL class (internal/url.js): parsing
// and setters are CoroJS's WHATWG URL (corojs:url); this binding gives Node's
// JS the href and the offsets of its parts (Ada's url_aggregator components,
// which Node's getters slice the href with).
import { URL } from 'corojs:url';
import { domainToASCII } from 'corojs:internal/idna';

const OMITTED = 4294967295;
const urlComponents = new Uint32Array(9);
const schemes = { 'http:': 0, 'https:': 2, 'ws:': 3, 'ftp:': 4, 'wss:': 5, 'file:': 6 };

function invalid(input, base) {
  const e = new TypeError('Invalid URL');
  e.code = 'ERR_INVALID_URL';
  e.input = input;
  if (base !== undefined) e.base = base;
  return e;
}

// Fill urlComponents for u; returns u.href.
function components(u) {
  const href = u.href;
  const c = urlComponents;
  c[0] = u.protocol.length;
  let at = c[0];
  if (href.startsWith('//', at)) {
    at += 2;
    c[1] = at + u.username.length;
    c[2] = c[1] + (u.password ? 1 + u.password.length : 0);
    const credentials = u.username !== '' || u.password !== '';
    c[3] = c[2] + (credentials ? 1 : 0) + u.hostname.length;
  } else {
    c[1] = c[2] = c[3] = at;
  }
  c[4] = u.port === '' ? OMITTED : Number(u.port);
  c[5] = c[3] + (u.port === '' ? 0 : 1 + u.port.length);
  const hash = u.hash !== '' || href.endsWith('#') ? href.lastIndexOf('#') : -1;
  const beforeHash = hash < 0 ? href : href.slice(0, hash);
  const search = u.search !== '' || beforeHash.endsWith('?') ? beforeHash.indexOf('?', c[5]) : -1;
  c[6] = search < 0 ? OMITTED : search;
  c[7] = hash < 0 ? OMITTED : hash;
  c[8] = schemes[u.protocol] ?? 1;
  return href;
}

const setters = ['protocol', 'host', 'hostname', 'port', 'username', 'password', 'pathname', 'search', 'hash', 'href'];

export default {
  urlComponents,
  parse(input, base, raise) {
    let u;
    try {
      u = base === undefined ? new URL(input) : new URL(input, base);
    } catch {
      if (raise) throw invalid(input, base);
      return undefined;
    }
    return components(u);
  },
  canParse(input, base) {
    try {
      void (base === undefined ? new URL(input) : new URL(input, base));
      return true;
    } catch {
      return false;
    }
  },
  update(href, action, value) {
    const u = new URL(href);
    try {
      u[setters[action]] = value;
    } catch {
      return false;
    }
    return components(u);
  },
  format(href, fragment, unicode, search, auth) {
    const u = new URL(href);
    if (!fragment) u.hash = '';
    if (!search) u.search = '';
    if (!auth) {
      u.username = '';
      u.password = '';
    }
    return u.href;
  },
  getOrigin: (href) => new URL(href).origin,
  domainToASCII(domain) {
    try {
      return domainToASCII(domain);
    } catch {
      return '';
    }
  },
  domainToUnicode: (domain) => domain,
  pathToFileURL: (path) => new URL(`file://${encodeURI(path).replace(/[?#]/g, encodeURIComponent)}`).href,
};
