// corojs:url: URL and URLSearchParams (globals), as the WHATWG URL standard
// has them: its basic URL parser step by step (states, percent-encode sets,
// the setters' state overrides) and its host parser: IPv4 in every form the
// standard accepts (2130706433, 0x7f.1, 0177.0.0.1, 127.1) serialised as
// dotted decimal, IPv6 parsed, validated and compressed, opaque hosts, and
// domains to ASCII (corojs:internal/idna). Checked against every case of
// WPT's urltestdata.json, setters_tests.json, toascii.json and
// IdnaTestV2.json (tests/sh/test_url_wpt.sh).

import { TextEncoder, TextDecoder } from 'corojs:encoding';
import { domainToASCII } from 'corojs:internal/idna';
import { ERR_INVALID_TUPLE, ERR_INVALID_URL, ERR_MISSING_ARGS } from 'corojs:internal/errors';
import P from 'corojs:internal/primordials';

const SPECIAL = { 'ftp': 21, 'file': null, 'http': 80, 'https': 443, 'ws': 80, 'wss': 443 };
const isSpecialScheme = (s) => Object.hasOwn(SPECIAL, s);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEX = '0123456789ABCDEF';

// Node's URL class (internal/url), for what only Node's lib has.
const nodeURL = () => P.util.importSync('corojs:internal/node/builtins').requireNode('internal/url').URL;

// ------------------------------------------------------------------
// percent-encoding

const NEEDS = new Map(); // set -> what finds its code points in a string

// A percent-encode set: a table of the ASCII code points it holds (C0
// controls and everything above U+007E are in every set), and a regular
// expression that finds any of them.
function encodeSet(base, extra) {
  const t = new Uint8Array(128);
  if (base) t.set(base);
  for (let c = 0; c < 0x20; c++) t[c] = 1;
  t[0x7f] = 1;
  for (const ch of extra) t[ch.charCodeAt(0)] = 1;
  let chars = '';
  for (let c = 0x20; c < 0x7f; c++) if (t[c]) chars += `\\x${c.toString(16)}`;
  NEEDS.set(t, new RegExp(`[^\\x20-\\x7e]${chars ? `|[${chars}]` : ''}`));
  return t;
}

const C0_SET = encodeSet(null, '');
const FRAGMENT_SET = encodeSet(C0_SET, ' "<>`');
const QUERY_SET = encodeSet(C0_SET, ' "#<>');
const SPECIAL_QUERY_SET = encodeSet(QUERY_SET, "'");
const PATH_SET = encodeSet(QUERY_SET, '?`{}');
const USERINFO_SET = encodeSet(PATH_SET, '/:;=@[\\]^|');
const COMPONENT_SET = encodeSet(USERINFO_SET, '$%&+,');
const FORM_SET = encodeSet(COMPONENT_SET, "!'()~");

function percentByte(b) {
  return `%${HEX[b >> 4]}${HEX[b & 15]}`;
}

// The code point ch (a string of one code point), percent-encoded as UTF-8
// if it is in set.
function encodeChar(ch, set) {
  const c = ch.codePointAt(0);
  if (c < 0x80 && !set[c]) return ch;
  let out = '';
  for (const b of encoder.encode(ch)) out += percentByte(b);
  return out;
}

// A whole string: as it is when nothing in it needs escaping.
function encodeString(s, set) {
  if (!NEEDS.get(set).test(s)) return s;
  let out = '';
  for (const ch of s) out += encodeChar(ch, set);
  return out;
}

const isHex = (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

// Percent-decode a string's UTF-8 bytes into bytes.
function percentDecodeBytes(s) {
  const bytes = encoder.encode(s);
  if (!bytes.includes(0x25)) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
      i += 2;
    } else {
      out[n++] = bytes[i];
    }
  }
  return out.subarray(0, n);
}

const percentDecode = (s) => (s.includes('%') ? decoder.decode(percentDecodeBytes(s)) : s);

// ------------------------------------------------------------------
// hosts

const FORBIDDEN_HOST = new Set('\0\t\n\r #/:<>?@[\\]^|');
// eslint-disable-next-line no-control-regex
const RE_FORBIDDEN_DOMAIN = /[\x00-\x20#%/:<>?@[\\\]^|\x7f]/;
// eslint-disable-next-line no-control-regex
const RE_NON_ASCII = /[^\x00-\x7f]/;
const RE_DIGITS = /^[0-9]+$/;
const RE_RADIX_DIGITS = { 8: /^[0-7]+$/, 10: RE_DIGITS, 16: /^[0-9a-fA-F]+$/ };

// An IPv4 number: the value, or null.
function ipv4Number(s) {
  if (s === '') return null;
  let radix = 10;
  if (s.length >= 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X')) {
    radix = 16;
    s = s.slice(2);
  } else if (s.length >= 2 && s[0] === '0') {
    radix = 8;
    s = s.slice(1);
  }
  if (s === '') return 0;
  return RE_RADIX_DIGITS[radix].test(s) ? parseInt(s, radix) : null;
}

function endsInNumber(s) {
  const parts = s.split('.');
  if (parts[parts.length - 1] === '') {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1];
  return (last !== '' && RE_DIGITS.test(last)) || ipv4Number(last) !== null;
}

// The IPv4 parser: the address as a number, or null.
function parseIPv4(s) {
  const parts = s.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) return null;
  const numbers = [];
  for (const p of parts) {
    const n = ipv4Number(p);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers.pop();
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return null;
  return numbers.reduce((acc, n, i) => acc + n * 256 ** (3 - i), last);
}

const serializeIPv4 = (n) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

// The IPv6 parser: eight 16-bit pieces, or null.
function parseIPv6(s) {
  const cps = Array.from(s, (ch) => ch.codePointAt(0));
  const at = (i) => (i < cps.length ? cps[i] : -1);
  const address = [0, 0, 0, 0, 0, 0, 0, 0];
  let piece = 0, compress = null, p = 0;
  if (at(0) === 0x3a) {
    if (at(1) !== 0x3a) return null;
    p += 2;
    compress = ++piece;
  }
  while (at(p) !== -1) {
    if (piece === 8) return null;
    if (at(p) === 0x3a) {
      if (compress !== null) return null;
      p++;
      compress = ++piece;
      continue;
    }
    let value = 0, length = 0;
    while (length < 4 && at(p) !== -1 && isHex(at(p))) {
      value = value * 16 + parseInt(String.fromCharCode(at(p)), 16);
      p++;
      length++;
    }
    if (at(p) === 0x2e) {
      if (length === 0) return null;
      p -= length;
      if (piece > 6) return null;
      let seen = 0;
      while (at(p) !== -1) {
        let v = null;
        if (seen > 0) {
          if (at(p) === 0x2e && seen < 4) p++;
          else return null;
        }
        if (!(at(p) >= 0x30 && at(p) <= 0x39)) return null;
        while (at(p) >= 0x30 && at(p) <= 0x39) {
          const n = at(p) - 0x30;
          if (v === null) v = n;
          else if (v === 0) return null;
          else v = v * 10 + n;
          if (v > 255) return null;
          p++;
        }
        address[piece] = address[piece] * 0x100 + v;
        seen++;
        if (seen === 2 || seen === 4) piece++;
      }
      if (seen !== 4) return null;
      break;
    } else if (at(p) === 0x3a) {
      p++;
      if (at(p) === -1) return null;
    } else if (at(p) !== -1) {
      return null;
    }
    address[piece++] = value;
  }
  if (compress !== null) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) {
      const t = address[compress + swaps - 1];
      address[compress + swaps - 1] = address[piece];
      address[piece] = t;
      piece--;
      swaps--;
    }
  } else if (piece !== 8) {
    return null;
  }
  return address;
}

function serializeIPv6(address) {
  // the first longest run of two or more zero pieces becomes "::"
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && address[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    out += address[i].toString(16);
    if (i < 7) out += ':';
  }
  return `[${out}]`;
}

// The host parser: the serialised host, or null on failure.
function parseHost(input, opaque) {
  if (input.startsWith('[')) {
    if (!input.endsWith(']')) return null;
    const address = parseIPv6(input.slice(1, -1));
    return address && serializeIPv6(address);
  }
  if (opaque) {
    for (const ch of input) if (FORBIDDEN_HOST.has(ch)) return null;
    return encodeString(input, C0_SET);
  }
  const domain = percentDecode(input);
  let ascii = domain.toLowerCase();
  if (RE_NON_ASCII.test(domain) || /(^|\.)xn--/i.test(domain)) ascii = domainToASCII(domain);
  if (ascii === null || ascii === '' || RE_FORBIDDEN_DOMAIN.test(ascii)) return null;
  if (endsInNumber(ascii)) {
    const v4 = parseIPv4(ascii);
    return v4 === null ? null : serializeIPv4(v4);
  }
  return ascii;
}

// ------------------------------------------------------------------
// the basic URL parser

// the parser's states (module constants: a switch on them stays cheap)
const SCHEME_START = 1;
const SCHEME = 2;
const NO_SCHEME = 3;
const SPECIAL_RELATIVE_OR_AUTHORITY = 4;
const PATH_OR_AUTHORITY = 5;
const RELATIVE = 6;
const RELATIVE_SLASH = 7;
const SPECIAL_AUTHORITY_SLASHES = 8;
const SPECIAL_AUTHORITY_IGNORE_SLASHES = 9;
const AUTHORITY = 10;
const HOST = 11;
const HOSTNAME = 12;
const PORT = 13;
const FILE = 14;
const FILE_SLASH = 15;
const FILE_HOST = 16;
const PATH_START = 17;
const PATH = 18;
const OPAQUE_PATH = 19;
const QUERY = 20;
const FRAGMENT = 21;

const EOF = '';
const isAlpha = (c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c) => c >= '0' && c <= '9';
const RE_SINGLE_DOT = /^(\.|%2e)$/i;
const RE_DOUBLE_DOT = /^(\.|%2e)(\.|%2e)$/i;
const RE_DRIVE = /^[A-Za-z][:|]$/;
const RE_NORMALIZED_DRIVE = /^[A-Za-z]:$/;
// eslint-disable-next-line no-control-regex
const RE_TRIM = /^[\x00-\x20]+|[\x00-\x20]+$/g;
const RE_TAB_NEWLINE = /[\t\n\r]/g;

// The states that only collect take a run of code units at a time: up to
// the next of the code units `chars` names, or the end.
function stopAt(chars) {
  return new RegExp(`[${chars.replace(/[\\\]^-]/g, '\\$&')}]`, 'g');
}

function runEnd(s, p, stop) {
  stop.lastIndex = p;
  return stop.test(s) ? stop.lastIndex - 1 : s.length;
}

const STOP = {
  path: stopAt('/?#'), pathSpecial: stopAt('/\\?#'), pathOverride: stopAt('/'), pathSpecialOverride: stopAt('/\\'),
  authority: stopAt('@/?#'), authoritySpecial: stopAt('@/\\?#'),
  host: stopAt(':/?#[]'), hostSpecial: stopAt(':/\\?#[]'),
  query: stopAt('#'), opaque: stopAt('?#'),
};

// Whether s[i..] starts with a Windows drive letter.
function startsWithDrive(s, i) {
  return s.length - i >= 2 && isAlpha(s[i]) && (s[i + 1] === ':' || s[i + 1] === '|') &&
    (s.length - i === 2 || '/\\?#'.includes(s[i + 2]));
}

function newRecord() {
  return { scheme: '', username: '', password: '', host: null, port: null, path: [], query: null, fragment: null };
}

const hasOpaquePath = (url) => typeof url.path === 'string';

function shortenPath(url) {
  if (url.scheme === 'file' && url.path.length === 1 && RE_NORMALIZED_DRIVE.test(url.path[0])) return;
  url.path.pop();
}

// The common shape at once: an absolute http(s), ws(s) or ftp URL whose
// host is a plain lower-case ASCII name (no IPv4 number, no xn-- label),
// with a port, and a path, query and fragment with nothing to escape or to
// resolve. For it this one regular expression gives what the states below
// give, many times faster; whatever else goes through the states.
const RE_SIMPLE = new RegExp('^(https?|wss?|ftp)://((?:[a-z0-9-]+\\.)*[a-z][a-z0-9-]*\\.?)(?::([0-9]{1,5}))?' +
  "(/[!$%&'()*+,\\-./0-9:;=@A-Z[\\]^_a-z|~]*)?(?:\\?([!$%&()*+,\\-./0-9:;=?@A-Z[\\\\\\]^_`a-z{|}~]*))?" +
  "(?:#([!#$%&'()*+,\\-./0-9:;=?@A-Z[\\\\\\]^_a-z{|}~]*))?$");
const RE_DOT_SEGMENT = /\/(\.|%2e)/i;

function parseSimple(input) {
  const m = RE_SIMPLE.exec(input);
  if (!m || m[2].includes('xn--') || (m[4] && RE_DOT_SEGMENT.test(m[4]))) return null;
  const url = newRecord();
  url.scheme = m[1];
  url.host = m[2];
  if (m[3] !== undefined) {
    const port = parseInt(m[3], 10);
    if (port > 65535) return null;
    url.port = SPECIAL[url.scheme] === port ? null : port;
  }
  url.path = m[4] ? m[4].slice(1).split('/') : [''];
  if (m[5] !== undefined) url.query = m[5];
  if (m[6] !== undefined) url.fragment = m[6];
  return url;
}

// c starts the query ('?') or the fragment ('#'): the state that follows,
// or 0 for any other c.
function queryOrFragment(url, c) {
  if (c === '?') {
    url.query = '';
    return QUERY;
  }
  if (c === '#') {
    url.fragment = '';
    return FRAGMENT;
  }
  return 0;
}

// A relative reference takes the base's authority.
function copyAuthority(url, base) {
  url.username = base.username;
  url.password = base.password;
  url.host = base.host;
  url.port = base.port;
}

const cannotHaveCredentials = (url) => url.host === null || url.host === '' || url.scheme === 'file';

// The basic URL parser: the record, or null on failure. With a state
// override it changes url in place (the setters) and returns nothing of use.
function basicParse(input, base, url, override) {
  if (!url) {
    url = newRecord();
    if (input.charCodeAt(0) <= 0x20 || input.charCodeAt(input.length - 1) <= 0x20) input = input.replace(RE_TRIM, '');
  }
  if (input.includes('\t') || input.includes('\n') || input.includes('\r')) input = input.replace(RE_TAB_NEWLINE, '');
  if (!override) {
    const simple = parseSimple(input);
    if (simple) return simple;
  }
  // input goes by UTF-16 code unit: a surrogate pair is never split, since
  // the states that may meet one take runs (or rebuild it in a buffer)
  let state = override || SCHEME_START;
  let buffer = '';
  let atSignSeen = false, insideBrackets = false, passwordTokenSeen = false;
  let special = isSpecialScheme(url.scheme); // follows url.scheme

  for (let p = 0; p <= input.length; p++) {
    const c = p < input.length ? input[p] : EOF;
    switch (state) {
    case SCHEME_START:
      if (isAlpha(c)) {
        buffer += c.toLowerCase();
        state = SCHEME;
      } else if (!override) {
        state = NO_SCHEME;
        p--;
      } else {
        return null;
      }
      break;
    case SCHEME:
      if (isAlpha(c) || isDigit(c) || c === '+' || c === '-' || c === '.') {
        buffer += c.toLowerCase();
      } else if (c === ':') {
        if (override) {
          if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
          if ((url.username !== '' || url.password !== '' || url.port !== null) && buffer === 'file') return url;
          if (url.scheme === 'file' && url.host === '') return url;
        }
        url.scheme = buffer;
        special = isSpecialScheme(url.scheme);
        if (override) {
          if (url.port === SPECIAL[url.scheme]) url.port = null;
          return url;
        }
        buffer = '';
        if (url.scheme === 'file') {
          state = FILE;
        } else if (special && base && base.scheme === url.scheme) {
          state = SPECIAL_RELATIVE_OR_AUTHORITY;
        } else if (special) {
          state = SPECIAL_AUTHORITY_SLASHES;
        } else if (input[p + 1] === '/') {
          state = PATH_OR_AUTHORITY;
          p++;
        } else {
          url.path = '';
          state = OPAQUE_PATH;
        }
      } else if (!override) {
        buffer = '';
        state = NO_SCHEME;
        p = -1;
      } else {
        return null;
      }
      break;
    case NO_SCHEME:
      if (!base || (hasOpaquePath(base) && c !== '#')) return null;
      if (hasOpaquePath(base) && c === '#') {
        url.scheme = base.scheme;
        special = isSpecialScheme(url.scheme);
        url.path = base.path;
        url.query = base.query;
        url.fragment = '';
        state = FRAGMENT;
      } else {
        state = base.scheme !== 'file' ? RELATIVE : FILE;
        p--;
      }
      break;
    case SPECIAL_RELATIVE_OR_AUTHORITY:
      if (c === '/' && input[p + 1] === '/') {
        state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
        p++;
      } else {
        state = RELATIVE;
        p--;
      }
      break;
    case PATH_OR_AUTHORITY:
      if (c === '/') {
        state = AUTHORITY;
      } else {
        state = PATH;
        p--;
      }
      break;
    case RELATIVE:
      url.scheme = base.scheme;
      special = isSpecialScheme(url.scheme);
      if (c === '/' || (special && c === '\\')) {
        state = RELATIVE_SLASH;
      } else {
        copyAuthority(url, base);
        url.path = base.path.slice();
        url.query = base.query;
        const next = queryOrFragment(url, c);
        if (next) {
          state = next;
        } else if (c !== EOF) {
          url.query = null;
          shortenPath(url);
          state = PATH;
          p--;
        }
      }
      break;
    case RELATIVE_SLASH:
      if (special && (c === '/' || c === '\\')) {
        state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
      } else if (c === '/') {
        state = AUTHORITY;
      } else {
        copyAuthority(url, base);
        state = PATH;
        p--;
      }
      break;
    case SPECIAL_AUTHORITY_SLASHES:
      state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
      if (c === '/' && input[p + 1] === '/') p++;
      else p--;
      break;
    case SPECIAL_AUTHORITY_IGNORE_SLASHES:
      if (c !== '/' && c !== '\\') {
        state = AUTHORITY;
        p--;
      }
      break;
    case AUTHORITY:
      if (c === '@') {
        if (atSignSeen) buffer = `%40${buffer}`;
        atSignSeen = true;
        for (const ch of buffer) {
          if (ch === ':' && !passwordTokenSeen) {
            passwordTokenSeen = true;
            continue;
          }
          if (passwordTokenSeen) url.password += encodeChar(ch, USERINFO_SET);
          else url.username += encodeChar(ch, USERINFO_SET);
        }
        buffer = '';
      } else if (c === EOF || c === '/' || c === '?' || c === '#' || (special && c === '\\')) {
        if (atSignSeen && buffer === '') return null;
        p -= buffer.length + 1;
        buffer = '';
        state = HOST;
      } else {
        const e = runEnd(input, p, special ? STOP.authoritySpecial : STOP.authority);
        buffer += input.slice(p, e);
        p = e - 1;
      }
      break;
    case HOST:
    case HOSTNAME:
      if (override && url.scheme === 'file') {
        p--;
        state = FILE_HOST;
      } else if (c === ':' && !insideBrackets) {
        if (buffer === '') return null;
        if (override === HOSTNAME) return url;
        const host = parseHost(buffer, !special);
        if (host === null) return null;
        url.host = host;
        buffer = '';
        state = PORT;
      } else if (c === EOF || c === '/' || c === '?' || c === '#' || (special && c === '\\')) {
        p--;
        if (special && buffer === '') return null;
        if (override && buffer === '' && (url.username !== '' || url.password !== '' || url.port !== null)) {
          return url;
        }
        const host = parseHost(buffer, !special);
        if (host === null) return null;
        url.host = host;
        buffer = '';
        state = PATH_START;
        if (override) return url;
      } else if (c === '[' || c === ']' || c === ':') {
        if (c === '[') insideBrackets = true;
        if (c === ']') insideBrackets = false;
        buffer += c;
      } else {
        const e = runEnd(input, p, special ? STOP.hostSpecial : STOP.host);
        buffer += input.slice(p, e);
        p = e - 1;
      }
      break;
    case PORT:
      if (isDigit(c)) {
        buffer += c;
      } else if (c === EOF || c === '/' || c === '?' || c === '#' || (special && c === '\\') || override) {
        if (buffer !== '') {
          const port = parseInt(buffer, 10);
          if (port > 65535) return null;
          url.port = SPECIAL[url.scheme] === port ? null : port;
          buffer = '';
          if (override) return url;
        }
        if (override) return null;
        state = PATH_START;
        p--;
      } else {
        return null;
      }
      break;
    case FILE:
      url.scheme = 'file';
      special = true;
      url.host = '';
      if (c === '/' || c === '\\') {
        state = FILE_SLASH;
      } else if (base && base.scheme === 'file') {
        url.host = base.host;
        url.path = base.path.slice();
        url.query = base.query;
        const next = queryOrFragment(url, c);
        if (next) {
          state = next;
        } else if (c !== EOF) {
          url.query = null;
          if (!startsWithDrive(input, p)) shortenPath(url);
          else url.path = [];
          state = PATH;
          p--;
        }
      } else {
        state = PATH;
        p--;
      }
      break;
    case FILE_SLASH:
      if (c === '/' || c === '\\') {
        state = FILE_HOST;
      } else {
        if (base && base.scheme === 'file') {
          url.host = base.host;
          if (!startsWithDrive(input, p) && typeof base.path !== 'string' && RE_NORMALIZED_DRIVE.test(base.path[0] ?? '')) {
            url.path.push(base.path[0]);
          }
        }
        state = PATH;
        p--;
      }
      break;
    case FILE_HOST:
      if (c === EOF || c === '/' || c === '\\' || c === '?' || c === '#') {
        p--;
        if (!override && RE_DRIVE.test(buffer)) {
          state = PATH; // buffer is the first path segment
        } else if (buffer === '') {
          url.host = '';
          if (override) return url;
          state = PATH_START;
        } else {
          let host = parseHost(buffer, false);
          if (host === null) return null;
          if (host === 'localhost') host = '';
          url.host = host;
          if (override) return url;
          buffer = '';
          state = PATH_START;
        }
      } else {
        buffer += c;
      }
      break;
    case PATH_START:
      if (special) {
        state = PATH;
        if (c !== '/' && c !== '\\') p--;
      } else if (!override && (c === '?' || c === '#')) {
        state = queryOrFragment(url, c);
      } else if (c !== EOF) {
        state = PATH;
        if (c !== '/') p--;
      } else if (override && url.host === null) {
        url.path.push('');
      }
      break;
    case PATH:
      if (c === EOF || c === '/' || (special && c === '\\') || (!override && (c === '?' || c === '#'))) {
        const slash = c === '/' || (special && c === '\\');
        const dots = buffer.length <= 6 && (buffer[0] === '.' || buffer[0] === '%');
        if (dots && RE_DOUBLE_DOT.test(buffer)) {
          shortenPath(url);
          if (!slash) url.path.push('');
        } else if (dots && RE_SINGLE_DOT.test(buffer)) {
          if (!slash) url.path.push('');
        } else {
          if (url.scheme === 'file' && url.path.length === 0 && RE_DRIVE.test(buffer)) buffer = `${buffer[0]}:`;
          url.path.push(buffer);
        }
        buffer = '';
        state = queryOrFragment(url, c) || PATH;
      } else {
        const stop = override ? (special ? STOP.pathSpecialOverride : STOP.pathOverride)
          : special ? STOP.pathSpecial : STOP.path;
        const e = runEnd(input, p, stop);
        buffer += encodeString(input.slice(p, e), PATH_SET);
        p = e - 1;
      }
      break;
    case OPAQUE_PATH:
      if (c === '?' || c === '#') {
        state = queryOrFragment(url, c);
      } else if (c !== EOF) {
        const e = runEnd(input, p, STOP.opaque);
        url.path += encodeString(input.slice(p, e), C0_SET);
        p = e - 1;
      }
      break;
    case QUERY:
      if ((!override && c === '#') || c === EOF) {
        url.query += encodeString(buffer, special ? SPECIAL_QUERY_SET : QUERY_SET);
        buffer = '';
        if (c === '#') state = queryOrFragment(url, c);
      } else {
        const e = override ? input.length : runEnd(input, p, STOP.query);
        buffer += input.slice(p, e);
        p = e - 1;
      }
      break;
    case FRAGMENT:
      if (c !== EOF) {
        url.fragment += encodeString(input.slice(p), FRAGMENT_SET);
        p = input.length - 1;
      }
      break;
    }
  }
  return url;
}

function serializePath(url) {
  return hasOpaquePath(url) ? url.path : url.path.map((s) => `/${s}`).join('');
}

function serializeHost(url) {
  return url.port === null ? url.host : `${url.host}:${url.port}`;
}

function serialize(url, excludeFragment) {
  let out = `${url.scheme}:`;
  if (url.host !== null) {
    out += '//';
    if (url.username !== '' || url.password !== '') {
      out += url.username;
      if (url.password !== '') out += `:${url.password}`;
      out += '@';
    }
    out += serializeHost(url);
  } else if (!hasOpaquePath(url) && url.path.length > 1 && url.path[0] === '') {
    out += '/.';
  }
  out += serializePath(url);
  if (url.query !== null) out += `?${url.query}`;
  if (!excludeFragment && url.fragment !== null) out += `#${url.fragment}`;
  return out;
}

// An opaque path loses its trailing spaces once no query or fragment follows.
function stripTrailingSpaces(url) {
  if (!hasOpaquePath(url) || url.fragment !== null || url.query !== null) return;
  url.path = url.path.replace(/ +$/, '');
}

// A string as the WebIDL USVString it is converted to (lone surrogates
// become U+FFFD).
const usv = (v) => String(v).toWellFormed();

// ------------------------------------------------------------------
// application/x-www-form-urlencoded

function formParse(s) {
  const list = [];
  for (const part of s.split('&')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    const name = i < 0 ? part : part.slice(0, i);
    const value = i < 0 ? '' : part.slice(i + 1);
    list.push([decoder.decode(percentDecodeBytes(name.replaceAll('+', ' '))),
      decoder.decode(percentDecodeBytes(value.replaceAll('+', ' ')))]);
  }
  return list;
}

function formEncode(s) {
  let out = '';
  for (const b of encoder.encode(s)) {
    out += b === 0x20 ? '+' : b < 0x80 && !FORM_SET[b] ? String.fromCharCode(b) : percentByte(b);
  }
  return out;
}

const formSerialize = (list) => list.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&');

// Hooks between the two classes, kept out of their public shape.
let attachParams;
let setParamsList;

export class URLSearchParams {
  #list = [];
  #url = null; // the URL whose query this is

  constructor(init = '') {
    if (init instanceof URLSearchParams) {
      this.#list = init.#list.map(([k, v]) => [k, v]);
    } else if (init !== null && (typeof init === 'object' || typeof init === 'function')) {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) throw ERR_INVALID_TUPLE('Each query pair', '[name, value]');
          this.#list.push([usv(p[0]), usv(p[1])]);
        }
      } else {
        for (const k of Reflect.ownKeys(init)) {
          const d = Reflect.getOwnPropertyDescriptor(init, k);
          if (typeof k === 'string' && d?.enumerable) this.#list.push([usv(k), usv(init[k])]);
        }
      }
    } else {
      const s = usv(init);
      this.#list = formParse(s.startsWith('?') ? s.slice(1) : s);
    }
  }

  #update() {
    if (!this.#url) return;
    const q = formSerialize(this.#list);
    this.#url(q === '' ? null : q);
  }

  static {
    attachParams = (params, update) => { params.#url = update; return params; };
    setParamsList = (params, query) => { params.#list = query === null ? [] : formParse(query); };
  }

  get size() { return this.#list.length; }
  append(name, value) { this.#list.push([usv(name), usv(value)]); this.#update(); }
  delete(name, value) {
    name = usv(name);
    if (value !== undefined) value = usv(value);
    this.#list = this.#list.filter(([k, v]) => k !== name || (value !== undefined && v !== value));
    this.#update();
  }
  get(name) { name = usv(name); return this.#list.find(([k]) => k === name)?.[1] ?? null; }
  getAll(name) { name = usv(name); return this.#list.filter(([k]) => k === name).map(([, v]) => v); }
  has(name, value) {
    name = usv(name);
    if (value !== undefined) value = usv(value);
    return this.#list.some(([k, v]) => k === name && (value === undefined || v === value));
  }
  set(name, value) {
    name = usv(name);
    value = usv(value);
    const i = this.#list.findIndex(([k]) => k === name);
    if (i < 0) this.#list.push([name, value]);
    else this.#list = this.#list.filter(([k], j) => k !== name || j === i).map((p) => (p[0] === name ? [name, value] : p));
    this.#update();
  }
  sort() {
    // by code units of the names, stable
    this.#list = this.#list.map((p, i) => [p, i])
      .sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map(([p]) => p);
    this.#update();
  }
  forEach(fn, thisArg) { for (const [k, v] of this.#list) fn.call(thisArg, v, k, this); }
  *entries() { for (const [k, v] of this.#list) yield [k, v]; }
  *keys() { for (const [k] of this.#list) yield k; }
  *values() { for (const [, v] of this.#list) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return formSerialize(this.#list); }
  get [Symbol.toStringTag]() { return 'URLSearchParams'; }
}

// ------------------------------------------------------------------

export class URL {
  #url;
  #params = null;

  constructor(input, base) {
    if (arguments.length === 0) throw ERR_MISSING_ARGS('url');
    input = usv(input);
    let b = null;
    if (base !== undefined) {
      b = basicParse(usv(base), null);
      if (!b) throw ERR_INVALID_URL(usv(base));
    }
    const url = basicParse(input, b);
    if (!url) throw ERR_INVALID_URL(input);
    this.#url = url;
  }

  static canParse(input, base) {
    if (arguments.length === 0) throw ERR_MISSING_ARGS('url');
    try { new URL(input, base); return true; } catch { return false; }
  }

  // blob: URLs are Node's (its Blob store, lib/node/bindings/blob.js)
  static createObjectURL(obj) {
    return nodeURL().createObjectURL(obj);
  }

  static revokeObjectURL(url) {
    if (arguments.length === 0) throw ERR_MISSING_ARGS('url');
    return nodeURL().revokeObjectURL(url);
  }

  static parse(input, base) {
    try { return new URL(input, base); } catch { return null; }
  }

  // A setter: the parser with a state override, on this URL in place (what
  // it changed before it failed stays, as the standard has it).
  #set(input, state) {
    basicParse(input, null, this.#url, state);
  }

  get href() { return serialize(this.#url, false); }
  set href(v) {
    const input = usv(v);
    const url = basicParse(input, null);
    if (!url) throw ERR_INVALID_URL(input);
    this.#url = url;
    if (this.#params) setParamsList(this.#params, url.query);
  }

  get origin() {
    const url = this.#url;
    if (url.scheme === 'blob') {
      const inner = basicParse(serializePath(url), null);
      return inner && (inner.scheme === 'http' || inner.scheme === 'https') ? `${inner.scheme}://${serializeHost(inner)}` : 'null';
    }
    if (url.scheme === 'file' || !isSpecialScheme(url.scheme)) return 'null';
    return `${url.scheme}://${serializeHost(url)}`;
  }

  get protocol() { return `${this.#url.scheme}:`; }
  set protocol(v) { this.#set(`${usv(v)}:`, SCHEME_START); }

  get username() { return this.#url.username; }
  set username(v) {
    if (!cannotHaveCredentials(this.#url)) this.#url.username = encodeString(usv(v), USERINFO_SET);
  }

  get password() { return this.#url.password; }
  set password(v) {
    if (!cannotHaveCredentials(this.#url)) this.#url.password = encodeString(usv(v), USERINFO_SET);
  }

  get host() { return this.#url.host === null ? '' : serializeHost(this.#url); }
  set host(v) { if (!hasOpaquePath(this.#url)) this.#set(usv(v), HOST); }

  get hostname() { return this.#url.host ?? ''; }
  set hostname(v) { if (!hasOpaquePath(this.#url)) this.#set(usv(v), HOSTNAME); }

  get port() { return this.#url.port === null ? '' : String(this.#url.port); }
  set port(v) {
    if (cannotHaveCredentials(this.#url)) return;
    const s = usv(v);
    if (s === '') this.#url.port = null;
    else this.#set(s, PORT);
  }

  get pathname() { return serializePath(this.#url); }
  set pathname(v) {
    if (hasOpaquePath(this.#url)) return;
    this.#url.path = [];
    this.#set(usv(v), PATH_START);
  }

  get search() { return this.#url.query === null || this.#url.query === '' ? '' : `?${this.#url.query}`; }
  set search(v) {
    const s = usv(v);
    if (s === '') {
      this.#url.query = null;
      stripTrailingSpaces(this.#url);
    } else {
      this.#url.query = '';
      this.#set(s.startsWith('?') ? s.slice(1) : s, QUERY);
    }
    if (this.#params) setParamsList(this.#params, this.#url.query);
  }

  get searchParams() {
    if (!this.#params) {
      this.#params = attachParams(new URLSearchParams(this.#url.query ?? ''), (q) => {
        this.#url.query = q;
        if (q === null) stripTrailingSpaces(this.#url);
      });
    }
    return this.#params;
  }

  get hash() { return this.#url.fragment === null || this.#url.fragment === '' ? '' : `#${this.#url.fragment}`; }
  set hash(v) {
    const s = usv(v);
    if (s === '') {
      this.#url.fragment = null;
      stripTrailingSpaces(this.#url);
      return;
    }
    this.#url.fragment = '';
    this.#set(s.startsWith('#') ? s.slice(1) : s, FRAGMENT);
  }

  toString() { return this.href; }
  toJSON() { return this.href; }
  get [Symbol.toStringTag]() { return 'URL'; }
}

export default { URL, URLSearchParams };
