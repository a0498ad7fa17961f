// corojs:internal/idna: domain names to ASCII, as the WHATWG URL standard's
// "domain to ASCII" asks: UTS #46 processing (nontransitional, CheckHyphens
// off, CheckBidi and CheckJoiners on, STD3 rules and DNS lengths not
// checked) and Punycode (RFC 3492).
//
// UTS #46 has a mapping table of its own; the engine has no copy of it, so
// the table is derived here as UTS #46 section 5 derives it, from what the
// engine knows of Unicode: a code point that changes under NFKC_Casefold
// (the Changes_When_NFKC_Casefolded property) is mapped, to the NFKC form
// of its case folding; default-ignorable code points are ignored or
// disallowed as the table lists them; controls, format characters,
// unassigned and private-use code points are disallowed; the rest is valid.
// The Bidi rule (RFC 5893) and the joiner rules (RFC 5892) need Bidi_Class
// and Joining_Type, which the engine's regular expressions do not offer:
// they are approximated by script and general category, and a virama is
// recognised by its canonical combining class (9), probed through
// normalization.

const DEVIATIONS = new Set([0xdf, 0x3c2, 0x200c, 0x200d]); // kept: nontransitional
// default-ignorable code points the table maps to nothing (the other ones
// are disallowed)
const IGNORED = [[0xad, 0xad], [0x34f, 0x34f], [0x180b, 0x180d], [0x180f, 0x180f], [0x200b, 0x200b],
  [0x2060, 0x2060], [0x2064, 0x2064], [0xfe00, 0xfe0f], [0xfeff, 0xfeff], [0x1bca0, 0x1bca3],
  [0xe0100, 0xe01ef]];
const FULL_STOPS = new Set([0x3002, 0xff0e, 0xff61]);
// capitals whose case folding the table does not take: disallowed
const DISALLOWED_CAPITALS = [[0x4c0, 0x4c0], [0x10a0, 0x10c5], [0x10c7, 0x10c7], [0x10cd, 0x10cd],
  [0x1c90, 0x1cba], [0x1cbd, 0x1cbf], [0x2132, 0x2132], [0x2183, 0x2183]];

const RE_DISALLOWED = /[\p{Cn}\p{Cs}\p{Co}\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\ufffc\ufffd]/u;
const RE_CHANGES = /\p{Changes_When_NFKC_Casefolded}/u;
const RE_MARK = /^\p{M}/u;
const RE_CHEROKEE_SMALL = /[\u13f8-\u13fd\uab70-\uabbf]/u;
const RE_GREEK_IOTA = /[\u1f80-\u1faf\u1fb2-\u1fb4\u1fb7\u1fbc\u1fc2-\u1fc4\u1fc7\u1fcc\u1ff2-\u1ff4\u1ff7\u1ffc]/u;

const inRanges = (ranges, c) => ranges.some(([a, b]) => c >= a && c <= b);

// Full case folding, from the engine's case mappings.
function fold(s) {
  if (RE_CHEROKEE_SMALL.test(s)) return s.toUpperCase(); // Cherokee folds to capitals
  if (RE_GREEK_IOTA.test(s) || s === '\u1e9e') return s.toUpperCase().toLowerCase();
  return s.toLowerCase();
}

// What one code point becomes: itself (valid), a string (mapped, '' when
// ignored), or null (disallowed).
function map(ch) {
  const c = ch.codePointAt(0);
  if (c < 0x80) return c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : ch;
  if (DEVIATIONS.has(c)) return ch;
  if (inRanges(IGNORED, c)) return '';
  if (FULL_STOPS.has(c)) return '.';
  if (RE_DISALLOWED.test(ch) || inRanges(DISALLOWED_CAPITALS, c)) return null;
  if (!RE_CHANGES.test(ch)) return ch;
  const to = fold(ch.normalize('NFKC')).normalize('NFKC');
  return to.includes('.') ? null : to;
}

// ------------------------------------------------------------------
// Punycode (RFC 3492)

const BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128;

function adapt(delta, points, first) {
  delta = first ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / points);
  let k = 0;
  for (; delta > ((BASE - TMIN) * TMAX) >> 1; k += BASE) delta = Math.floor(delta / (BASE - TMIN));
  return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
}

const digit = (d) => String.fromCharCode(d < 26 ? d + 97 : d + 22);

function punyEncode(input) {
  const cps = Array.from(input, (ch) => ch.codePointAt(0));
  let out = cps.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join('');
  const basic = out.length;
  let handled = basic, n = INITIAL_N, delta = 0, bias = INITIAL_BIAS;
  if (basic > 0) out += '-';
  while (handled < cps.length) {
    const m = Math.min(...cps.filter((c) => c >= n));
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
        if (q < t) break;
        out += digit(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      out += digit(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return out;
}

// The label of the Punycode string s, or null if s is not valid Punycode.
function punyDecode(s) {
  const dash = s.lastIndexOf('-');
  const out = [];
  for (let j = 0; j < Math.max(dash, 0); j++) {
    if (s.charCodeAt(j) >= 0x80) return null;
    out.push(s.charCodeAt(j));
  }
  let n = INITIAL_N, i = 0, bias = INITIAL_BIAS;
  for (let p = dash > 0 ? dash + 1 : 0; p < s.length;) {
    const old = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (p >= s.length) return null;
      const c = s.charCodeAt(p++);
      const d = c >= 48 && c <= 57 ? c - 22 : c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 97 : BASE;
      if (d >= BASE) return null;
      i += d * w;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (d < t) break;
      w *= BASE - t;
      if (i > 0x7fffffff || w > 0x7fffffff) return null;
    }
    bias = adapt(i - old, out.length + 1, old === 0);
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}

// ------------------------------------------------------------------
// validity

// Canonical combining class 9 (a virama), probed: a mark of class 9 sorts
// after one of class 8 (U+3099) and before one of class 10 (U+05B0).
function isVirama(ch) {
  return ('a' + ch + '\u3099').normalize('NFD') === 'a\u3099' + ch &&
    ('a\u05b0' + ch).normalize('NFD') === 'a' + ch + '\u05b0';
}

const RE_TRANSPARENT = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const RE_JOINING = /^[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Mandaic}\p{Script=Manichaean}\p{Script=Psalter_Pahlavi}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Sogdian}\p{Script=Phags_Pa}]$/u;
// letters of the joining scripts that join on their right side only
const RE_RIGHT_JOINING = /^[\u0622-\u0625\u0627\u0629\u062f-\u0632\u0648\u0671-\u0673\u0675-\u0677\u0688-\u0699\u06c0\u06c3-\u06cb\u06cd\u06cf\u06d2\u06d3\u06d5\u06ee\u06ef\u0710\u0715-\u0719\u071e\u0728\u072a\u072c\u072f\u074d\u0759-\u075b\u076b\u076c\u0771\u0773\u0774\u0778\u0779]$/u;

// RFC 5892 appendix A.1 and A.2, on the code points of a label.
function joinersOk(cps) {
  for (let i = 0; i < cps.length; i++) {
    if (cps[i] !== '\u200c' && cps[i] !== '\u200d') continue;
    if (i > 0 && isVirama(cps[i - 1])) continue;
    if (cps[i] === '\u200d') return false;
    let before = i - 1, after = i + 1;
    while (before >= 0 && RE_TRANSPARENT.test(cps[before])) before--;
    while (after < cps.length && RE_TRANSPARENT.test(cps[after])) after++;
    const joinsLeft = before >= 0 && RE_JOINING.test(cps[before]) && !RE_RIGHT_JOINING.test(cps[before]);
    const joinsRight = after < cps.length && RE_JOINING.test(cps[after]);
    if (!joinsLeft || !joinsRight) return false;
  }
  return true;
}

// Bidi classes, approximated (see the top); marks and digits before the
// scripts they belong to.
const BIDI = [
  ['NSM', /^[\p{Mn}\p{Me}]$/u],
  ['AN', /^[\u0600-\u0605\u0660-\u0669\u066b\u066c\u06dd\u0890\u0891\u08e2\u{10d30}-\u{10d39}\u{10e60}-\u{10e7e}]$/u],
  ['EN', /^[0-9\u00b2\u00b3\u00b9\u06f0-\u06f9\u2070\u2074-\u2079\u2080-\u2089\u2488-\u249b\uff10-\uff19\u{1d7ce}-\u{1d7ff}]$/u],
  ['R', /^[\p{Script=Hebrew}\p{Script=Samaritan}\p{Script=Psalter_Pahlavi}\p{Script=Manichaean}\p{Script=Mandaic}\p{Script=Nko}\p{Script=Cypriot}\p{Script=Imperial_Aramaic}\p{Script=Phoenician}\p{Script=Kharoshthi}\p{Script=Old_South_Arabian}\p{Script=Avestan}\p{Script=Inscriptional_Parthian}\p{Script=Inscriptional_Pahlavi}\p{Script=Old_Turkic}\p{Script=Mende_Kikakui}\p{Script=Adlam}\p{Script=Lydian}\p{Script=Old_North_Arabian}\p{Script=Nabataean}\p{Script=Palmyrene}\p{Script=Hatran}\p{Script=Old_Hungarian}\p{Script=Elymaic}\p{Script=Old_Sogdian}\p{Script=Chorasmian}\p{Script=Yezidi}]$/u],
  ['AL', /^[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Hanifi_Rohingya}\p{Script=Sogdian}]$/u],
  ['ES', /^[+\-\u207a\u207b\u208a\u208b\u2212\ufb29\ufe62\ufe63\uff0b\uff0d]$/u],
  ['CS', /^[,./:\u00a0\u060c\u202f\u2044\ufe50\ufe52\ufe55\uff0c\uff0e\uff0f\uff1a]$/u],
  ['ET', /^[#$%\u00a2-\u00a5\u00b0\u00b1\u0609\u060a\u066a\u09f2\u09f3\u09fb\u0af1\u0bf9\u0e3f\u17db\u2030-\u2034\u20a0-\u20cf\u212e\u2213\ua838\ua839\ufe5f\ufe69\ufe6a\uff03-\uff05\uffe0\uffe1\uffe5\uffe6]$/u],
  ['BN', /^[\p{Cf}\p{Cc}]$/u],
  ['ON', /^[\p{P}\p{S}\p{Z}]$/u],
];

function bidiClass(ch) {
  for (const [name, re] of BIDI) if (re.test(ch)) return name;
  return 'L';
}

const RTL_ALLOWED = new Set(['R', 'AL', 'AN', 'EN', 'ES', 'CS', 'ET', 'ON', 'BN', 'NSM']);
const LTR_ALLOWED = new Set(['L', 'EN', 'ES', 'CS', 'ET', 'ON', 'BN', 'NSM']);

// RFC 5893 section 2, for one label of a Bidi domain name.
function bidiOk(cps) {
  if (cps.length === 0) return true;
  const classes = cps.map(bidiClass);
  let end = classes.length - 1;
  while (end > 0 && classes[end] === 'NSM') end--;
  if (classes[0] === 'R' || classes[0] === 'AL') {
    return classes.every((c) => RTL_ALLOWED.has(c)) && ['R', 'AL', 'EN', 'AN'].includes(classes[end]) &&
      !(classes.includes('EN') && classes.includes('AN'));
  }
  if (classes[0] !== 'L') return false;
  return classes.every((c) => LTR_ALLOWED.has(c)) && ['L', 'EN'].includes(classes[end]);
}

// UTS #46 section 4.1, for a label after mapping (or decoded Punycode).
function labelOk(label, cps) {
  if (label.normalize('NFC') !== label) return false;
  if (RE_MARK.test(label)) return false;
  if (cps.some((ch) => map(ch) !== ch || ch === '.')) return false;
  return joinersOk(cps);
}

// ------------------------------------------------------------------

// UTS #46 ToASCII of domain with the URL standard's options: the ASCII
// domain, or null on an error.
export function domainToASCII(domain) {
  let mapped = '';
  for (const ch of domain) {
    const m = map(ch);
    if (m === null) return null;
    mapped += m;
  }
  const labels = mapped.normalize('NFC').split('.');
  const unicode = [];
  for (const label of labels) {
    if (label.slice(0, 4).toLowerCase() !== 'xn--') {
      unicode.push(label);
      continue;
    }
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(label)) return null;
    const decoded = punyDecode(label.slice(4));
    if (decoded === null || decoded === '' || !/[^\x00-\x7f]/.test(decoded)) return null;
    unicode.push(decoded);
  }
  const points = unicode.map((label) => Array.from(label));
  if (!unicode.every((label, i) => labelOk(label, points[i]))) return null;
  const bidiDomain = points.some((cps) => cps.some((ch) => {
    const c = bidiClass(ch);
    return c === 'R' || c === 'AL' || c === 'AN';
  }));
  if (bidiDomain && !points.every(bidiOk)) return null;
  // eslint-disable-next-line no-control-regex
  return unicode.map((label) => (/[^\x00-\x7f]/.test(label) ? `xn--${punyEncode(label)}` : label)).join('.');
}

export default { domainToASCII };
