// corojs:internal/intl: the global Intl, for English (en, en-US) as Node
// built with small-icu has it: a program asking for another locale gets
// en-US's formats (resolvedOptions().locale says so), never an error.
// Loaded on first use of Intl or of a toLocaleString/localeCompare
// (lib/internal/bootstrap.js). docs/internals.md "Intl" says what is
// covered and why this is ours rather than ICU.

const DEFAULT_LOCALE = 'en-US';

// ------------------------------------------------------------------
// locales and options

const LANGTAG = /^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{5,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?$/i;

function canonicalizeTag(tag) {
  if (tag instanceof Locale) return tag.toString();
  if (typeof tag !== 'string' && (typeof tag !== 'object' || tag === null)) {
    throw new TypeError(`Language ID should be string or object.`);
  }
  const s = String(tag);
  if (!LANGTAG.test(s)) throw new RangeError(`Incorrect locale information provided`);
  let extension = false; // after a singleton (-u-, -x-) everything is lower case
  return s.split('-').map((p, i) => {
    if (p.length === 1) extension = true;
    if (i === 0 || extension) return p.toLowerCase();
    if (p.length === 4 && /^[a-z]+$/i.test(p)) return p[0].toUpperCase() + p.slice(1).toLowerCase();
    if (p.length === 2) return p.toUpperCase();
    return p.toLowerCase();
  }).join('-');
}

function getCanonicalLocales(locales) {
  if (locales === undefined) return [];
  const list = typeof locales === 'string' || locales instanceof Locale ? [locales] : Object(locales);
  const out = [];
  const len = Math.min(Number(list.length) || 0, 2 ** 32 - 1);
  for (let i = 0; i < len; i++) {
    if (!(i in list)) continue;
    const tag = canonicalizeTag(list[i]);
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}

const language = (tag) => tag.split('-')[0];
const withoutExtensions = (tag) => tag.split(/-u-|-x-/)[0];

// What each constructor resolves to: "en" stays "en", any other English
// tag and every other language resolve to en-US.
function resolveLocale(locales) {
  for (const tag of getCanonicalLocales(locales)) {
    if (language(tag) === 'en') return withoutExtensions(tag) === 'en' ? 'en' : DEFAULT_LOCALE;
  }
  return DEFAULT_LOCALE;
}

function supportedLocalesOf(locales, options) {
  if (options !== undefined) getOption(toOptions(options), 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  return getCanonicalLocales(locales).filter((tag) => /^en(?:-US)?$/.test(withoutExtensions(tag)));
}

// Which constructor reads an options object (for the messages), as V8
// names it: "Value x out of range for Intl.NumberFormat options property style".
const owners = new WeakMap();

function toOptions(options, owner = 'Intl') {
  if (options === null) throw new TypeError(`${owner} called on null or undefined`);
  const o = options === undefined ? Object.create(null) : Object(options);
  owners.set(o, owner);
  return o;
}

function getOption(options, name, allowed, fallback) {
  let v = options[name];
  if (v === undefined) return fallback;
  if (allowed === 'boolean') return Boolean(v);
  v = String(v);
  if (allowed && !allowed.includes(v)) {
    throw new RangeError(`Value ${v} out of range for ${owners.get(options) ?? 'Intl'} options property ${name}`);
  }
  return v;
}

function getNumberOption(options, name, min, max, fallback) {
  let v = options[name];
  if (v === undefined) return fallback;
  v = Number(v);
  if (Number.isNaN(v) || v < min || v > max) throw new RangeError(`${name} value is out of range.`);
  return Math.floor(v);
}

// How V8 names a receiver in its messages: #<Object>, 5, undefined.
function receiverName(v) {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return typeof v === 'string' ? v : String(v);
  let name = 'Object';
  try {
    name = v.constructor?.name || 'Object';
  } catch {}
  return `#<${name}>`;
}

function incompatible(obj, name, method) {
  throw new TypeError(`Method Intl.${name}.prototype.${method} called on incompatible receiver ${receiverName(obj)}`);
}

// ------------------------------------------------------------------
// Intl.Locale (the parts of a tag)

class Locale {
  #tag;
  constructor(tag, options) {
    if (typeof tag !== 'string' && !(tag instanceof Locale) && (typeof tag !== 'object' || tag === null)) {
      throw new TypeError('First argument to Intl.Locale constructor can\'t be empty or missing');
    }
    let t = canonicalizeTag(tag);
    const o = toOptions(options, 'Intl.Locale');
    const parts = t.split('-');
    if (o.language !== undefined) parts[0] = String(o.language).toLowerCase();
    if (o.region !== undefined) {
      const i = parts.findIndex((p, k) => k > 0 && (p.length === 2 || /^\d{3}$/.test(p)));
      if (i > 0) parts[i] = String(o.region).toUpperCase(); else parts.splice(1 + (parts[1]?.length === 4 ? 1 : 0), 0, String(o.region).toUpperCase());
    }
    t = canonicalizeTag(parts.join('-'));
    this.#tag = t;
  }
  toString() { return this.#tag; }
  get baseName() { return withoutExtensions(this.#tag); }
  get language() { return language(this.#tag); }
  get script() { return this.#tag.split('-').slice(1).find((p) => p.length === 4 && /^[A-Z][a-z]{3}$/.test(p)); }
  get region() { return withoutExtensions(this.#tag).split('-').slice(1).find((p) => /^(?:[A-Z]{2}|\d{3})$/.test(p)); }
  maximize() { return new Locale(this.#tag === 'en' ? 'en-Latn-US' : this.#tag); }
  minimize() { return new Locale(this.language); }
  get [Symbol.toStringTag]() { return 'Intl.Locale'; }
}

// ------------------------------------------------------------------
// Intl.Segmenter: graphemes (UAX #29 extended grapheme clusters), words,
// sentences

const CR = 1, LF = 2, CONTROL = 3, EXTEND = 4, ZWJ = 5, RI = 6, PREPEND = 7, SPACING = 8;
const L = 9, V = 10, T = 11, LV = 12, LVT = 13;
const PREPEND_CHARS = new Set([0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6dd, 0x70f, 0x890, 0x891, 0x8e2,
  0xd4e, 0x110bd, 0x110cd, 0x111c2, 0x111c3, 0x1193f, 0x11941, 0x11a3a, 0x11a84, 0x11a85, 0x11a86,
  0x11a87, 0x11a88, 0x11a89, 0x11d46, 0x11f02]);
const RE_EXTEND = /^[\p{Grapheme_Extend}\p{Emoji_Modifier}]$/u;
const RE_CONTROL = /^[\p{Cc}\p{Zl}\p{Zp}\p{Cf}]$/u;
const RE_SPACING = /^[\p{Mc}\u0e33\u0eb3]$/u;
const RE_PICT = /^\p{Extended_Pictographic}$/u;
const classCache = new Map();

function hangulClass(cp) {
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0xa960 && cp <= 0xa97c)) return L;
  if ((cp >= 0x1160 && cp <= 0x11a7) || (cp >= 0xd7b0 && cp <= 0xd7c6)) return V;
  if ((cp >= 0x11a8 && cp <= 0x11ff) || (cp >= 0xd7cb && cp <= 0xd7fb)) return T;
  if (cp >= 0xac00 && cp <= 0xd7a3) return (cp - 0xac00) % 28 === 0 ? LV : LVT;
  return 0;
}

// [Grapheme_Cluster_Break class, Extended_Pictographic] of a code point.
function graphemeClass(cp) {
  if (cp < 0x7f) return cp === 13 ? CR : cp === 10 ? LF : cp < 0x20 ? CONTROL : 0;
  let c = classCache.get(cp);
  if (c !== undefined) return c;
  const ch = String.fromCodePoint(cp);
  if (cp === 0x200d) c = ZWJ;
  else if (RE_EXTEND.test(ch) || cp === 0x200c) c = EXTEND;
  else if (PREPEND_CHARS.has(cp)) c = PREPEND;
  else if (RE_CONTROL.test(ch)) c = CONTROL;
  else if (cp >= 0x1f1e6 && cp <= 0x1f1ff) c = RI;
  else if (RE_SPACING.test(ch)) c = SPACING;
  else c = hangulClass(cp);
  if (RE_PICT.test(ch)) c |= 32;
  if (classCache.size < 4096) classCache.set(cp, c);
  return c;
}

// Indic_Conjunct_Break (Unicode 15.1's GB9c): the viramas that link, and
// the consonants of the six scripts that have them.
const INCB_LINKERS = new Set([0x94d, 0x9cd, 0xacd, 0xb4d, 0xc4d, 0xd4d]);
const INCB_CONSONANTS = [[0x915, 0x939], [0x958, 0x95f], [0x978, 0x97f], [0x995, 0x9a8], [0x9aa, 0x9b0],
  [0x9b2, 0x9b2], [0x9b6, 0x9b9], [0x9dc, 0x9dd], [0x9df, 0x9df], [0x9f0, 0x9f1], [0xa95, 0xaa8],
  [0xaaa, 0xab0], [0xab2, 0xab3], [0xab5, 0xab9], [0xaf9, 0xaf9], [0xb15, 0xb28], [0xb2a, 0xb30],
  [0xb32, 0xb33], [0xb35, 0xb39], [0xb5c, 0xb5d], [0xb5f, 0xb5f], [0xb71, 0xb71], [0xc15, 0xc28],
  [0xc2a, 0xc39], [0xc58, 0xc5a], [0xd15, 0xd3a]];
const isIncbConsonant = (cp) => cp >= 0x915 && cp <= 0xd3a && INCB_CONSONANTS.some(([a, b]) => cp >= a && cp <= b);

// The GB9c state after cp: 1 after a consonant (and extenders), 2 once a
// linker followed it, 0 otherwise.
function conjunctState(state, cp, cls) {
  if (isIncbConsonant(cp)) return 1;
  if (state && INCB_LINKERS.has(cp)) return 2;
  if (state && (cls === EXTEND || cls === ZWJ)) return state;
  return 0;
}

function joins(prev, cur, pictState, riCount) {
  if (prev === CR && cur === LF) return true;
  if (prev === CONTROL || prev === CR || prev === LF || cur === CONTROL || cur === CR || cur === LF) return false;
  if (prev === L && (cur === L || cur === V || cur === LV || cur === LVT)) return true;
  if ((prev === LV || prev === V) && (cur === V || cur === T)) return true;
  if ((prev === LVT || prev === T) && cur === T) return true;
  if (cur === EXTEND || cur === ZWJ || cur === SPACING || prev === PREPEND) return true;
  if (prev === RI && cur === RI) return riCount % 2 === 1;
  return false;
}

// The end of the grapheme cluster that starts at `start`.
function graphemeEnd(s, start) {
  let cp = s.codePointAt(start);
  let c = graphemeClass(cp);
  let prev = c & 31;
  let pictState = c & 32 ? 1 : 0; // 1: ExtPict Extend*, 2: ... ZWJ
  let riCount = prev === RI ? 1 : 0;
  let conjunct = conjunctState(0, cp, prev);
  let i = start + (cp > 0xffff ? 2 : 1);
  while (i < s.length) {
    cp = s.codePointAt(i);
    c = graphemeClass(cp);
    const cur = c & 31;
    const pict = (c & 32) !== 0;
    if (!(joins(prev, cur, pictState, riCount) || (prev === ZWJ && pict && pictState === 2) ||
        (conjunct === 2 && isIncbConsonant(cp)))) break;
    pictState = pict ? 1 : cur === EXTEND && pictState === 1 ? 1 : cur === ZWJ && pictState === 1 ? 2 : 0;
    riCount = cur === RI ? riCount + 1 : 0;
    conjunct = conjunctState(conjunct, cp, cur);
    prev = cur;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

// letters, digits, connectors, and the prepended number marks (WB=Numeric)
const RE_WORD_CHAR = /^[\p{L}\p{N}\p{Pc}\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}]/u;
const RE_IDEOGRAPH = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const RE_SCRIPTS = [/^\p{Script=Han}/u, /^\p{Script=Hiragana}/u, /^\p{Script=Katakana}/u];
const RE_SPACE = /^\s/u;
const MID_LETTER = new Set(["'", '\u2019', ':', '\u00b7', '.']);
const MID_NUM = new Set([',', '.', ';', "'", '\u2019']);

// The end of the word segment starting at `start`, and whether it is a word:
// letters/digits (with ' . : between letters, , . between digits),
// each ideograph alone, a run of white space, or one other grapheme.
function wordEnd(s, start) {
  const first = s.slice(start, graphemeEnd(s, start));
  if (RE_IDEOGRAPH.test(first)) { // a run of one script (no dictionary, as ICU has)
    const script = RE_SCRIPTS.find((re) => re.test(first));
    let i = start + first.length;
    while (i < s.length && script.test(s.slice(i, graphemeEnd(s, i)))) i = graphemeEnd(s, i);
    return [i, true];
  }
  if (RE_SPACE.test(first)) {
    let i = start + first.length;
    while (i < s.length && RE_SPACE.test(s[i]) && s[i] !== '\r' && s[i] !== '\n') i = graphemeEnd(s, i);
    return [i, false];
  }
  if (!RE_WORD_CHAR.test(first)) return [start + first.length, false];
  let i = start + first.length;
  while (i < s.length) {
    const g = s.slice(i, graphemeEnd(s, i));
    if (RE_WORD_CHAR.test(g) && !RE_IDEOGRAPH.test(g)) { i += g.length; continue; }
    const next = i + g.length < s.length ? s.slice(i + g.length, graphemeEnd(s, i + g.length)) : '';
    const before = s[i - 1];
    const digits = /\d/.test(before) && /^\d/.test(next);
    const letters = /\p{L}/u.test(before) && /^\p{L}/u.test(next);
    if ((digits && MID_NUM.has(g)) || (letters && MID_LETTER.has(g))) { i += g.length; continue; }
    break;
  }
  return [i, true];
}

// The end of the sentence starting at `start`: after . ! ? (and closing
// quotes or brackets) and the spaces that follow, or after a line break.
function sentenceEnd(s, start) {
  const re = /[.!?\u3002\uff01\uff1f]+["')\]\u201d\u2019]*(?:[ \t\u00a0]+|$)|\r\n|[\n\r\u2028\u2029]/gu;
  re.lastIndex = start;
  for (let m; (m = re.exec(s));) {
    const end = m.index + m[0].length;
    if (end === start) { re.lastIndex++; continue; }
    // "3.5" or "e.g." followed by a lowercase word is no end
    if (/^[.]/.test(m[0]) && m[0].length === 1 && end < s.length) continue;
    if (end < s.length && /^[\s]*\p{Ll}/u.test(s.slice(end)) && !/[\n\r\u2028\u2029]$/.test(m[0])) continue;
    return end;
  }
  return s.length;
}

class Segmenter {
  #locale;
  #granularity;
  constructor(locales, options) {
    this.#locale = resolveLocale(locales);
    const o = toOptions(options, 'Intl.Segmenter');
    getOption(o, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
    this.#granularity = getOption(o, 'granularity', ['grapheme', 'word', 'sentence'], 'grapheme');
  }
  static #check(obj, method) {
    if (typeof obj !== 'object' || obj === null || !(#granularity in obj)) incompatible(obj, 'Segmenter', method);
  }
  segment(string) {
    Segmenter.#check(this, 'segment');
    return new Segments(this.#granularity, String(string));
  }
  resolvedOptions() {
    Segmenter.#check(this, 'resolvedOptions');
    return { locale: this.#locale, granularity: this.#granularity };
  }
  static supportedLocalesOf(locales, options) { return supportedLocalesOf(locales, options); }
  get [Symbol.toStringTag]() { return 'Intl.Segmenter'; }
}

function segmentAt(granularity, s, start) {
  if (granularity === 'grapheme') return [graphemeEnd(s, start), undefined];
  if (granularity === 'word') return wordEnd(s, start);
  return [sentenceEnd(s, start), undefined];
}

function segmentData(granularity, s, start, end, wordLike) {
  const d = { segment: s.slice(start, end), index: start, input: s };
  if (granularity === 'word') d.isWordLike = wordLike;
  return d;
}

const segmentsProto = {
  containing(index) {
    const n = index === undefined ? 0 : Math.trunc(Number(index)) || 0;
    const { granularity, input } = this[SEGMENTS];
    if (n < 0 || n >= input.length) return undefined;
    for (let start = 0; start < input.length;) {
      const [end, wordLike] = segmentAt(granularity, input, start);
      if (n < end) return segmentData(granularity, input, start, end, wordLike);
      start = end;
    }
    return undefined;
  },
  *[Symbol.iterator]() {
    const { granularity, input } = this[SEGMENTS];
    for (let start = 0; start < input.length;) {
      const [end, wordLike] = segmentAt(granularity, input, start);
      yield segmentData(granularity, input, start, end, wordLike);
      start = end;
    }
  },
};
const SEGMENTS = Symbol('segments');
function Segments(granularity, input) {
  const obj = Object.create(segmentsProto);
  Object.defineProperty(obj, SEGMENTS, { value: { granularity, input } });
  return obj;
}

// ------------------------------------------------------------------
// numbers: a decimal (digits and where the point goes) from a double's
// shortest text, rounded as ICU does (half away from zero by default)

function toDecimal(x) {
  if (typeof x === 'bigint') {
    const digits = (x < 0n ? -x : x).toString();
    return { neg: x < 0n, digits: digits.replace(/^0+/, ''), point: digits.replace(/^0+/, '').length };
  }
  const neg = x < 0 || Object.is(x, -0);
  const [mant, e = '0'] = Math.abs(x).toString().split('e');
  const [ip, fp = ''] = mant.split('.');
  let digits = ip + fp;
  let point = ip.length + Number(e);
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (!digits) point = 0;
  return { neg, digits, point };
}

// Keep `keep` digits of d (keep may be <= 0), rounding half away from zero.
function roundDigits(d, keep) {
  if (keep >= d.digits.length) return d;
  if (keep < 0) return { ...d, digits: '', point: 0 };
  const up = d.digits.charCodeAt(keep) >= 53; // '5'
  let digits = d.digits.slice(0, keep);
  let point = d.point;
  if (up) {
    let i = digits.length - 1;
    while (i >= 0 && digits[i] === '9') i--;
    if (i < 0) {
      digits = '1';
      point++;
    } else {
      digits = digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1);
    }
  }
  digits = digits.replace(/0+$/, '');
  return { neg: d.neg, digits, point: digits ? point : 0 };
}

// The integer and fraction digits of d with nf's digit options.
function digitStrings(d, o) {
  let r;
  let minFrac = o.minimumFractionDigits;
  if (o.maximumSignificantDigits !== undefined) {
    r = roundDigits(d, o.maximumSignificantDigits);
    const sig = Math.max(r.digits.length, o.minimumSignificantDigits);
    minFrac = Math.max(0, sig - r.point);
  } else {
    r = roundDigits(d, d.point + o.maximumFractionDigits);
  }
  let int = r.point > 0 ? r.digits.slice(0, r.point).padEnd(r.point, '0') : '';
  let frac = r.point >= 0 ? r.digits.slice(r.point) : '0'.repeat(-r.point) + r.digits;
  frac = frac.padEnd(minFrac, '0');
  int = int.replace(/^0+/, '').padStart(o.minimumIntegerDigits, '0');
  return { int, frac, zero: !r.digits };
}

function group(int, useGrouping) {
  if (useGrouping === false || int.length < 4 || (useGrouping === 'min2' && int.length < 5)) return [int];
  const out = [];
  for (let end = int.length; end > 0; end -= 3) out.unshift(int.slice(Math.max(0, end - 3), end));
  return out;
}

const CURRENCIES = {
  USD: ['$', 'US dollars', 'US dollar'], EUR: ['€', 'euros', 'euro'], GBP: ['£', 'British pounds', 'British pound'],
  JPY: ['¥', 'Japanese yen', 'Japanese yen', 0], CNY: ['CN¥', 'Chinese yuan', 'Chinese yuan'],
  INR: ['₹', 'Indian rupees', 'Indian rupee'], CAD: ['CA$', 'Canadian dollars', 'Canadian dollar'],
  AUD: ['A$', 'Australian dollars', 'Australian dollar'], CHF: ['CHF', 'Swiss francs', 'Swiss franc'],
  KRW: ['₩', 'South Korean won', 'South Korean won', 0], BRL: ['R$', 'Brazilian reals', 'Brazilian real'],
  MXN: ['MX$', 'Mexican pesos', 'Mexican peso'], RUB: ['RUB', 'Russian rubles', 'Russian ruble'],
};

// unit: [short singular, short plural, long singular, long plural, narrow]
const UNITS = {
  percent: ['%', '%', 'percent', 'percent', '%'],
  bit: ['bit', 'bit', 'bit', 'bits', 'bit'], byte: ['byte', 'byte', 'byte', 'bytes', 'B'],
  kilobit: ['kb', 'kb', 'kilobit', 'kilobits', 'kb'], kilobyte: ['kB', 'kB', 'kilobyte', 'kilobytes', 'kB'],
  megabit: ['Mb', 'Mb', 'megabit', 'megabits', 'Mb'], megabyte: ['MB', 'MB', 'megabyte', 'megabytes', 'MB'],
  gigabit: ['Gb', 'Gb', 'gigabit', 'gigabits', 'Gb'], gigabyte: ['GB', 'GB', 'gigabyte', 'gigabytes', 'GB'],
  terabit: ['Tb', 'Tb', 'terabit', 'terabits', 'Tb'], terabyte: ['TB', 'TB', 'terabyte', 'terabytes', 'TB'],
  petabyte: ['PB', 'PB', 'petabyte', 'petabytes', 'PB'],
  nanosecond: ['ns', 'ns', 'nanosecond', 'nanoseconds', 'ns'], microsecond: ['μs', 'μs', 'microsecond', 'microseconds', 'μs'],
  millisecond: ['ms', 'ms', 'millisecond', 'milliseconds', 'ms'], second: ['sec', 'sec', 'second', 'seconds', 's'],
  minute: ['min', 'min', 'minute', 'minutes', 'm'], hour: ['hr', 'hr', 'hour', 'hours', 'h'],
  day: ['day', 'days', 'day', 'days', 'd'], week: ['wk', 'wks', 'week', 'weeks', 'w'],
  month: ['mth', 'mths', 'month', 'months', 'm'], year: ['yr', 'yrs', 'year', 'years', 'y'],
  meter: ['m', 'm', 'meter', 'meters', 'm'], kilometer: ['km', 'km', 'kilometer', 'kilometers', 'km'],
  centimeter: ['cm', 'cm', 'centimeter', 'centimeters', 'cm'], millimeter: ['mm', 'mm', 'millimeter', 'millimeters', 'mm'],
  mile: ['mi', 'mi', 'mile', 'miles', 'mi'], foot: ['ft', 'ft', 'foot', 'feet', '′'], inch: ['in', 'in', 'inch', 'inches', '″'],
  kilogram: ['kg', 'kg', 'kilogram', 'kilograms', 'kg'], gram: ['g', 'g', 'gram', 'grams', 'g'],
  pound: ['lb', 'lb', 'pound', 'pounds', 'lb'], liter: ['L', 'L', 'liter', 'liters', 'L'],
  celsius: ['°C', '°C', 'degree Celsius', 'degrees Celsius', '°C'], fahrenheit: ['°F', '°F', 'degree Fahrenheit', 'degrees Fahrenheit', '°'],
  'kilometer-per-hour': ['km/h', 'km/h', 'kilometer per hour', 'kilometers per hour', 'km/h'],
  'mile-per-hour': ['mph', 'mph', 'mile per hour', 'miles per hour', 'mph'],
};

const COMPACT = [[12, 'T', ' trillion'], [9, 'B', ' billion'], [6, 'M', ' million'], [3, 'K', ' thousand']];

class NumberFormat {
  #o;
  constructor(locales, options) {
    const o = toOptions(options, 'Intl.NumberFormat');
    const locale = resolveLocale(locales);
    getOption(o, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
    const r = { locale, numberingSystem: 'latn' };
    r.style = getOption(o, 'style', ['decimal', 'percent', 'currency', 'unit'], 'decimal');
    let currency = getOption(o, 'currency', null, undefined);
    if (currency !== undefined && !/^[a-z]{3}$/i.test(currency)) throw new RangeError(`Invalid currency code : ${currency}`);
    const currencyDisplay = getOption(o, 'currencyDisplay', ['code', 'symbol', 'narrowSymbol', 'name'], 'symbol');
    const currencySign = getOption(o, 'currencySign', ['standard', 'accounting'], 'standard');
    const unit = getOption(o, 'unit', null, undefined);
    const unitDisplay = getOption(o, 'unitDisplay', ['short', 'narrow', 'long'], 'short');
    if (r.style === 'currency') {
      if (currency === undefined) throw new TypeError('Currency code is required with currency style.');
      currency = currency.toUpperCase();
      Object.assign(r, { currency, currencyDisplay, currencySign });
    }
    if (r.style === 'unit') {
      if (unit === undefined) throw new TypeError('Invalid unit argument for Intl.NumberFormat() \'\'');
      const [num, per] = unit.split('-per-');
      if (!UNITS[unit] && !(UNITS[num] && UNITS[per] && num !== 'percent' && per !== 'percent')) {
        throw new RangeError(`Invalid unit argument for Intl.NumberFormat() '${unit}'`);
      }
      Object.assign(r, { unit, unitDisplay });
    }
    r.minimumIntegerDigits = getNumberOption(o, 'minimumIntegerDigits', 1, 21, 1);
    const notation = getOption(o, 'notation', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
    const cDigits = r.style === 'currency' ? (CURRENCIES[r.currency]?.[3] ?? 2) : 0;
    const minFD = getNumberOption(o, 'minimumFractionDigits', 0, 100, undefined);
    const maxFD = getNumberOption(o, 'maximumFractionDigits', 0, 100, undefined);
    const minSD = getNumberOption(o, 'minimumSignificantDigits', 1, 21, undefined);
    const maxSD = getNumberOption(o, 'maximumSignificantDigits', 1, 21, undefined);
    if (minSD !== undefined || maxSD !== undefined) {
      r.minimumSignificantDigits = minSD ?? 1;
      r.maximumSignificantDigits = maxSD ?? 21;
      if (r.minimumSignificantDigits > r.maximumSignificantDigits) throw new RangeError('maximumSignificantDigits value is out of range.');
    } else if (minFD !== undefined || maxFD !== undefined || notation !== 'compact') {
      const dflMin = notation === 'compact' ? 0 : cDigits;
      const dflMax = notation === 'compact' ? 0 : r.style === 'currency' ? cDigits : r.style === 'percent' ? 0 : 3;
      r.minimumFractionDigits = minFD ?? Math.min(dflMin, maxFD ?? dflMin);
      r.maximumFractionDigits = maxFD ?? Math.max(dflMax, r.minimumFractionDigits);
      if (r.minimumFractionDigits > r.maximumFractionDigits) throw new RangeError('maximumFractionDigits value is out of range.');
    } else {
      r.minimumFractionDigits = 0;
      r.maximumFractionDigits = 0;
      r.compactRounding = true;
    }
    let grouping = o.useGrouping;
    if (grouping === undefined) grouping = notation === 'compact' ? 'min2' : 'auto';
    else if (grouping === true || grouping === 'true' || grouping === 'false') grouping = 'always';
    else if (grouping === false || grouping === null || grouping === '') grouping = false;
    else if (!['min2', 'auto', 'always'].includes(String(grouping))) throw new RangeError(`Value ${grouping} out of range for Intl.NumberFormat options property useGrouping`);
    r.useGrouping = grouping;
    r.notation = notation;
    if (notation === 'compact') r.compactDisplay = getOption(o, 'compactDisplay', ['short', 'long'], 'short');
    r.signDisplay = getOption(o, 'signDisplay', ['auto', 'never', 'always', 'exceptZero', 'negative'], 'auto');
    r.roundingMode = 'halfExpand';
    r.roundingIncrement = 1;
    r.trailingZeroDisplay = getOption(o, 'trailingZeroDisplay', ['auto', 'stripIfInteger'], 'auto');
    r.roundingPriority = 'auto';
    this.#o = r;
  }

  static #of(obj, method) {
    if (typeof obj !== 'object' || obj === null || !(#o in obj)) incompatible(obj, 'NumberFormat', method);
    return obj.#o;
  }

  get format() {
    const o = NumberFormat.#of(this, 'format');
    return (value) => formatNumberParts(o, value).map((p) => p.value).join('');
  }

  formatToParts(value) { return formatNumberParts(NumberFormat.#of(this, 'formatToParts'), value); }

  formatRange(start, end) {
    const o = NumberFormat.#of(this, 'formatRange');
    if (start === undefined || end === undefined) throw new TypeError('start or end is undefined');
    const a = this.format(start), b = this.format(end);
    return a === b ? `~${a}` : `${a}–${b}`;
  }

  resolvedOptions() {
    const o = { ...NumberFormat.#of(this, 'resolvedOptions') };
    if (o.compactRounding) {
      Object.assign(o, { minimumSignificantDigits: 1, maximumSignificantDigits: 2, roundingPriority: 'morePrecision' });
    }
    delete o.compactRounding;
    return o;
  }

  static supportedLocalesOf(locales, options) { return supportedLocalesOf(locales, options); }
  get [Symbol.toStringTag]() { return 'Intl.NumberFormat'; }
}

function toNumeric(value) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) && value.trim().replace('-', '').length > 15) return BigInt(value.trim());
  return Number(value);
}

function formatNumberParts(o, value) {
  const x = toNumeric(value);
  const parts = [];
  const isNeg = typeof x === 'bigint' ? x < 0n : x < 0 || Object.is(x, -0);
  if (typeof x === 'number' && Number.isNaN(x)) return affix(o, [{ type: 'nan', value: 'NaN' }], false, true);
  if (typeof x === 'number' && !Number.isFinite(x)) return affix(o, [{ type: 'infinity', value: '∞' }], isNeg, false);
  let d = toDecimal(x);
  if (o.style === 'percent') d = { ...d, point: d.digits ? d.point + 2 : 0 };
  let exponent = 0;
  let compact;
  if (o.notation === 'scientific' || o.notation === 'engineering') {
    if (d.digits) {
      exponent = d.point - 1;
      if (o.notation === 'engineering') exponent -= ((exponent % 3) + 3) % 3;
      d = { ...d, point: d.point - exponent };
    }
  } else if (o.notation === 'compact' && d.digits) {
    let k = COMPACT.findIndex(([pow]) => d.point > pow);
    // rounding may carry into the next magnitude: 999,999 is 1M, not 1000K
    if (k > 0 && o.compactRounding && roundDigits(d, d.point - COMPACT[k][0]).point - COMPACT[k][0] > 3) k--;
    if (k >= 0) {
      const [pow, short, long] = COMPACT[k];
      d = { ...d, point: d.point - pow };
      compact = o.compactDisplay === 'long' ? long : short;
    }
  }
  let digitOptions = o;
  if (o.compactRounding) {
    digitOptions = d.point > 2 ? { ...o, maximumFractionDigits: 0 }
      : { ...o, maximumSignificantDigits: 2, minimumSignificantDigits: 1 };
  }
  let { int, frac, zero } = digitStrings(d, digitOptions);
  if (o.trailingZeroDisplay === 'stripIfInteger' && /^0*$/.test(frac)) frac = '';
  if (!int) int = '0'.padStart(o.minimumIntegerDigits, '0');
  const groups = group(int, o.notation === 'compact' && o.useGrouping === 'min2' ? 'min2' : o.useGrouping);
  groups.forEach((g, i) => {
    if (i) parts.push({ type: 'group', value: ',' });
    parts.push({ type: 'integer', value: g });
  });
  if (frac) parts.push({ type: 'decimal', value: '.' }, { type: 'fraction', value: frac });
  if (o.notation === 'scientific' || o.notation === 'engineering') {
    parts.push({ type: 'exponentSeparator', value: 'E' });
    if (exponent < 0) parts.push({ type: 'exponentMinusSign', value: '-' });
    parts.push({ type: 'exponentInteger', value: String(Math.abs(exponent)) });
  }
  if (compact) {
    if (compact.startsWith(' ')) parts.push({ type: 'literal', value: ' ' }, { type: 'compact', value: compact.slice(1) });
    else parts.push({ type: 'compact', value: compact });
  }
  return affix(o, parts, isNeg, zero, int === '1' && !frac);
}

// Sign, currency, percent and unit around the number's parts.
function affix(o, parts, neg, zero, one) {
  const show = o.signDisplay;
  let sign = '';
  if (neg && show !== 'never' && !(zero && (show === 'auto' || show === 'exceptZero' || show === 'negative'))) sign = '-';
  if (neg && zero && show === 'auto') sign = '-';
  if (neg && zero && (show === 'exceptZero' || show === 'negative')) sign = '';
  if (!neg && (show === 'always' || (show === 'exceptZero' && !zero))) sign = '+';
  const accounting = o.style === 'currency' && o.currencySign === 'accounting' && sign === '-';
  const out = [];
  if (accounting) out.push({ type: 'literal', value: '(' });
  else if (sign) out.push({ type: sign === '-' ? 'minusSign' : 'plusSign', value: sign });
  if (o.style === 'currency') {
    const c = CURRENCIES[o.currency];
    if (o.currencyDisplay === 'name') {
      out.push(...parts, { type: 'literal', value: ' ' }, { type: 'currency', value: c ? (one ? c[2] : c[1]) : o.currency });
    } else {
      const sym = o.currencyDisplay === 'code' || !c ? o.currency : o.currencyDisplay === 'narrowSymbol' ? c[0].replace(/^[A-Z]+(?=\W)/, '') : c[0];
      out.push({ type: 'currency', value: sym });
      if (/[A-Za-z]$/.test(sym)) out.push({ type: 'literal', value: '\u00a0' });
      out.push(...parts);
    }
  } else if (o.style === 'percent') {
    out.push(...parts, { type: 'percentSign', value: '%' });
  } else if (o.style === 'unit') {
    const u = UNITS[o.unit];
    const idx = { short: one ? 0 : 1, long: one ? 2 : 3, narrow: 4 }[o.unitDisplay];
    const text = u ? u[idx] : o.unit;
    if (o.unit === 'percent') out.push(...parts, { type: 'unit', value: '%' });
    else if (o.unitDisplay === 'narrow' && u && !/^[a-z]{2,}$/i.test(text)) out.push(...parts, { type: 'unit', value: text });
    else out.push(...parts, { type: 'literal', value: ' ' }, { type: 'unit', value: text });
  } else {
    out.push(...parts);
  }
  if (accounting) out.push({ type: 'literal', value: ')' });
  return out;
}

// ------------------------------------------------------------------
// Intl.PluralRules, Intl.ListFormat, Intl.RelativeTimeFormat (English)

class PluralRules {
  #o;
  constructor(locales, options) {
    const o = toOptions(options, 'Intl.PluralRules');
    const type = getOption(o, 'type', ['cardinal', 'ordinal'], 'cardinal');
    const nf = new NumberFormat(locales, options);
    this.#o = { ...nf.resolvedOptions(), type, nf };
  }
  select(n) {
    if (typeof this !== 'object' || this === null || !(#o in this)) incompatible(this, 'PluralRules', 'select');
    const x = Number(n);
    if (!Number.isFinite(x)) return 'other';
    const text = this.#o.nf.format(Math.abs(x)).replace(/,/g, '');
    if (this.#o.type === 'ordinal') {
      if (text.includes('.')) return 'other';
      const i = BigInt(text);
      const m10 = i % 10n, m100 = i % 100n;
      if (m10 === 1n && m100 !== 11n) return 'one';
      if (m10 === 2n && m100 !== 12n) return 'two';
      if (m10 === 3n && m100 !== 13n) return 'few';
      return 'other';
    }
    return text === '1' ? 'one' : 'other';
  }
  resolvedOptions() {
    if (typeof this !== 'object' || this === null || !(#o in this)) incompatible(this, 'PluralRules', 'resolvedOptions');
    const { nf, locale, type, minimumIntegerDigits, minimumFractionDigits, maximumFractionDigits,
      minimumSignificantDigits, maximumSignificantDigits } = this.#o;
    const r = { locale, type, minimumIntegerDigits, minimumFractionDigits, maximumFractionDigits };
    if (minimumSignificantDigits !== undefined) Object.assign(r, { minimumSignificantDigits, maximumSignificantDigits });
    r.pluralCategories = type === 'ordinal' ? ['few', 'one', 'two', 'other'] : ['one', 'other'];
    void nf;
    return r;
  }
  static supportedLocalesOf(locales, options) { return supportedLocalesOf(locales, options); }
  get [Symbol.toStringTag]() { return 'Intl.PluralRules'; }
}

class ListFormat {
  #o;
  constructor(locales, options) {
    const o = toOptions(options, 'Intl.ListFormat');
    this.#o = {
      locale: resolveLocale(locales),
      type: getOption(o, 'type', ['conjunction', 'disjunction', 'unit'], 'conjunction'),
      style: getOption(o, 'style', ['long', 'short', 'narrow'], 'long'),
    };
  }
  formatToParts(list) {
    if (typeof this !== 'object' || this === null || !(#o in this)) incompatible(this, 'ListFormat', 'formatToParts');
    const items = [];
    for (const v of list) {
      if (typeof v !== 'string') throw new TypeError(`Iterable yielded ${String(v)} which is not a string`);
      items.push(v);
    }
    const { type, style } = this.#o;
    const word = type === 'conjunction' ? (style === 'long' ? 'and' : style === 'short' ? '&' : '') : type === 'disjunction' ? 'or' : '';
    const parts = [];
    items.forEach((v, i) => {
      if (i > 0) {
        const last = i === items.length - 1;
        let sep = ', ';
        if (type === 'unit') sep = style === 'narrow' ? ' ' : ', ';
        else if (last && word) sep = items.length === 2 ? ` ${word} ` : `, ${word} `;
        parts.push({ type: 'literal', value: sep });
      }
      parts.push({ type: 'element', value: v });
    });
    return parts;
  }
  format(list) { return this.formatToParts(list).map((p) => p.value).join(''); }
  resolvedOptions() {
    if (typeof this !== 'object' || this === null || !(#o in this)) incompatible(this, 'ListFormat', 'resolvedOptions');
    return { ...this.#o };
  }
  static supportedLocalesOf(locales, options) { return supportedLocalesOf(locales, options); }
  get [Symbol.toStringTag]() { return 'Intl.ListFormat'; }
}

const RELATIVE_UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];
const RELATIVE_WORDS = {
  day: { '-1': 'yesterday', 0: 'today', 1: 'tomorrow' }, year: { '-1': 'last year', 0: 'this year', 1: 'next year' },
  month: { '-1': 'last month', 0: 'this month', 1: 'next month' }, week: { '-1': 'last week', 0: 'this week', 1: 'next week' },
  quarter: { '-1': 'last quarter', 0: 'this quarter', 1: 'next quarter' }, hour: { 0: 'this hour' },
  minute: { 0: 'this minute' }, second: { 0: 'now' },
};
const SHORT_UNITS = { year: 'yr.', quarter: 'qtr.', month: 'mo.', week: 'wk.', day: 'day', hour: 'hr.', minute: 'min.', second: 'sec.' };

class RelativeTimeFormat {
  #o;
  constructor(locales, options) {
    const o = toOptions(options, 'Intl.RelativeTimeFormat');
    this.#o = {
      locale: resolveLocale(locales),
      style: getOption(o, 'style', ['long', 'short', 'narrow'], 'long'),
      numeric: getOption(o, 'numeric', ['always', 'auto'], 'always'),
      numberingSystem: 'latn',
    };
  }
  format(value, unit) {
    if (typeof this !== 'object' || this === null || !(#o in this)) incompatible(this, 'RelativeTimeFormat', 'format');
    const x = Number(value);
    if (!Number.isFinite(x)) throw new RangeError('Invalid time value');
    const u = String(unit).replace(/s$/, '');
    if (!RELATIVE_UNITS.includes(u)) throw new RangeError(`Invalid unit argument for Intl.RelativeTimeFormat.prototype.format() '${unit}'`);
    if (this.#o.numeric === 'auto' && RELATIVE_WORDS[u]?.[String(Object.is(x, -0) ? 0 : x)]) return RELATIVE_WORDS[u][String(x)];
    const n = new NumberFormat('en').format(Math.abs(x));
    const name = this.#o.style === 'long' ? (n === '1' ? u : `${u}s`) : SHORT_UNITS[u] + (u === 'day' && n !== '1' ? 's' : '');
    return x < 0 || Object.is(x, -0) ? `${n} ${name} ago` : `in ${n} ${name}`;
  }
  formatToParts(value, unit) { return [{ type: 'literal', value: this.format(value, unit) }]; }
  resolvedOptions() {
    if (typeof this !== 'object' || this === null || !(#o in this)) incompatible(this, 'RelativeTimeFormat', 'resolvedOptions');
    return { ...this.#o };
  }
  static supportedLocalesOf(locales, options) { return supportedLocalesOf(locales, options); }
  get [Symbol.toStringTag]() { return 'Intl.RelativeTimeFormat'; }
}

// ------------------------------------------------------------------
// Intl.Collator: an approximation of CLDR's root order, which en uses:
// spaces < punctuation < symbols < digits < letters; letters compared
// without accents and case first, then accents, then case (lower first)

const RE_MARKS = /\p{M}/gu;
const RE_PUNCT = /[\p{P}\p{Z}\s]/u;
const RE_PUNCT_ALL = /[\p{P}\p{Z}\s]/gu;

function primaryClass(ch) {
  if (/\s|\p{Z}/u.test(ch)) return 0;
  if (/\p{P}/u.test(ch)) return 1;
  if (/\p{S}/u.test(ch)) return 2;
  if (/\p{N}/u.test(ch)) return 3;
  return 4;
}

// Letters the root order sorts as two (ß as ss, æ as ae, œ as oe).
const EXPANSIONS = { ß: 'ss', ẞ: 'ss', æ: 'ae', œ: 'oe', ĳ: 'ij' };

function collationKeys(s, o) {
  const chars = [];
  for (const g of s.normalize('NFD').match(/\P{M}\p{M}*|\p{M}+/gu) ?? []) {
    const base = g.replace(RE_MARKS, '') || g;
    if (o.ignorePunctuation && RE_PUNCT.test(base)) continue;
    const lower = base.toLowerCase();
    const upper = base !== lower;
    for (const ch of EXPANSIONS[lower] ?? lower) chars.push({ base: ch, marks: g.slice(base.length), upper });
  }
  return chars;
}

function comparePrimary(a, b, numeric) {
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    if (numeric && /\d/.test(a[i].base) && /\d/.test(b[j].base)) {
      let x = '', y = '';
      while (i < a.length && /\d/.test(a[i].base)) x += a[i++].base;
      while (j < b.length && /\d/.test(b[j].base)) y += b[j++].base;
      x = x.replace(/^0+(?=\d)/, '');
      y = y.replace(/^0+(?=\d)/, '');
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      if (x !== y) return x < y ? -1 : 1;
      continue;
    }
    const ca = primaryClass(a[i].base), cb = primaryClass(b[j].base);
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (a[i].base !== b[j].base) return a[i].base < b[j].base ? -1 : 1;
    i++;
    j++;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

function compareLevel(a, b, key) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = key(a[i]), y = key(b[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

class Collator {
  #o;
  constructor(locales, options) {
    const o = toOptions(options, 'Intl.Collator');
    const usage = getOption(o, 'usage', ['sort', 'search'], 'sort');
    getOption(o, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
    const numericOpt = o.numeric;
    const caseFirst = getOption(o, 'caseFirst', ['upper', 'lower', 'false'], 'false');
    const sensitivity = getOption(o, 'sensitivity', ['base', 'accent', 'case', 'variant'], 'variant');
    const ignorePunctuation = getOption(o, 'ignorePunctuation', 'boolean', false);
    const locale = resolveLocale(locales);
    const kn = getCanonicalLocales(locales).find((t) => /-u-(?:.*-)?kn(?:-true)?(?:-|$)/.test(t));
    this.#o = {
      locale, usage, sensitivity, ignorePunctuation, collation: 'default',
      numeric: numericOpt === undefined ? Boolean(kn) : Boolean(numericOpt), caseFirst,
    };
  }
  get compare() {
    if (typeof this !== 'object' || this === null || !(#o in this)) incompatible(this, 'Collator', 'compare');
    const o = this.#o;
    return (x, y) => {
      const a = String(x), b = String(y);
      if (a === b) return 0;
      const ka = collationKeys(a, o), kb = collationKeys(b, o);
      const p = comparePrimary(ka, kb, o.numeric);
      if (p || o.sensitivity === 'base') return p;
      if (o.sensitivity !== 'case') {
        const s = compareLevel(ka, kb, (c) => c.marks);
        if (s || o.sensitivity === 'accent') return s;
      }
      const t = compareLevel(ka, kb, (c) => c.upper);
      if (t) return o.caseFirst === 'upper' ? -t : t;
      if (o.sensitivity !== 'variant') return 0;
      const [x1, y1] = o.ignorePunctuation ? [a, b].map((v) => v.replace(RE_PUNCT_ALL, '')) : [a, b];
      return x1 < y1 ? -1 : x1 > y1 ? 1 : 0;
    };
  }
  resolvedOptions() {
    if (typeof this !== 'object' || this === null || !(#o in this)) incompatible(this, 'Collator', 'resolvedOptions');
    return { ...this.#o };
  }
  static supportedLocalesOf(locales, options) { return supportedLocalesOf(locales, options); }
  get [Symbol.toStringTag]() { return 'Intl.Collator'; }
}

// ------------------------------------------------------------------
// Intl.DateTimeFormat: the Gregorian calendar, en-US's patterns, in UTC or
// the local time zone (Date's own two)

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DATE_FIELDS = ['weekday', 'era', 'year', 'month', 'day'];
const TIME_FIELDS = ['dayPeriod', 'hour', 'minute', 'second', 'fractionalSecondDigits'];
const UTC_NAMES = ['UTC', 'ETC/UTC', 'ETC/GMT', 'GMT', 'ETC/UCT', 'UCT', 'ETC/UNIVERSAL', 'UNIVERSAL', 'ETC/ZULU', 'ZULU'];

let localZoneName;
function localZone() {
  if (localZoneName) return localZoneName;
  const env = globalThis.process?.env?.TZ;
  if (env && /^:?[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(env)) localZoneName = env.replace(/^:/, '');
  else if (new Date(0).getTimezoneOffset() === 0 && new Date(15552000000).getTimezoneOffset() === 0) localZoneName = 'UTC';
  else localZoneName = 'Etc/Unknown';
  if (UTC_NAMES.includes(localZoneName.toUpperCase())) localZoneName = 'UTC';
  return localZoneName;
}

function resolveZone(tz) {
  if (tz === undefined) return localZone();
  const name = String(tz);
  if (UTC_NAMES.includes(name.toUpperCase())) return 'UTC';
  if (name === localZone()) return name;
  throw new RangeError(`Invalid time zone specified: ${name}`);
}

const pad2 = (n) => String(n).padStart(2, '0');

class DateTimeFormat {
  #o;
  constructor(locales, options) {
    const o = toOptions(options, 'Intl.DateTimeFormat');
    const r = { locale: resolveLocale(locales), calendar: 'gregory', numberingSystem: 'latn' };
    getOption(o, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
    const hour12 = o.hour12 === undefined ? undefined : Boolean(o.hour12);
    let hourCycle = getOption(o, 'hourCycle', ['h11', 'h12', 'h23', 'h24'], undefined);
    r.timeZone = resolveZone(o.timeZone);
    const fields = {
      weekday: getOption(o, 'weekday', ['narrow', 'short', 'long'], undefined),
      era: getOption(o, 'era', ['narrow', 'short', 'long'], undefined),
      year: getOption(o, 'year', ['2-digit', 'numeric'], undefined),
      month: getOption(o, 'month', ['2-digit', 'numeric', 'narrow', 'short', 'long'], undefined),
      day: getOption(o, 'day', ['2-digit', 'numeric'], undefined),
      dayPeriod: getOption(o, 'dayPeriod', ['narrow', 'short', 'long'], undefined),
      hour: getOption(o, 'hour', ['2-digit', 'numeric'], undefined),
      minute: getOption(o, 'minute', ['2-digit', 'numeric'], undefined),
      second: getOption(o, 'second', ['2-digit', 'numeric'], undefined),
      fractionalSecondDigits: getNumberOption(o, 'fractionalSecondDigits', 1, 3, undefined),
      timeZoneName: getOption(o, 'timeZoneName', ['short', 'long', 'shortOffset', 'longOffset', 'shortGeneric', 'longGeneric'], undefined),
    };
    const dateStyle = getOption(o, 'dateStyle', ['full', 'long', 'medium', 'short'], undefined);
    const timeStyle = getOption(o, 'timeStyle', ['full', 'long', 'medium', 'short'], undefined);
    const explicit = Object.keys(fields).filter((k) => fields[k] !== undefined);
    if ((dateStyle || timeStyle) && explicit.length) {
      throw new TypeError(`Can't set option ${explicit[0]} when ${dateStyle ? 'dateStyle' : 'timeStyle'} is used`);
    }
    const defaults = o[DEFAULTS] ?? 'date';
    if (dateStyle || timeStyle) {
      if (dateStyle) r.dateStyle = dateStyle;
      if (timeStyle) r.timeStyle = timeStyle;
    } else if (!explicit.some((k) => k !== 'timeZoneName' && k !== 'era')) {
      if (defaults !== 'time') Object.assign(fields, { year: 'numeric', month: 'numeric', day: 'numeric' });
      if (defaults !== 'date') Object.assign(fields, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
    }
    if (fields.hour || timeStyle) {
      if (hour12 !== undefined) hourCycle = hour12 ? 'h12' : 'h24'; // V8's choice for en with hour12: false
      r.hourCycle = hourCycle ?? 'h12';
      r.hour12 = r.hourCycle === 'h12' || r.hourCycle === 'h11';
    }
    for (const k of [...DATE_FIELDS, ...TIME_FIELDS, 'timeZoneName']) {
      if (fields[k] === undefined) continue;
      let v = fields[k];
      // with an hour, minutes and seconds are always two digits (as ICU)
      if ((k === 'minute' || k === 'second') && fields.hour) v = '2-digit';
      r[k] = v;
    }
    this.#o = r;
  }

  static #of(obj, method) {
    if (typeof obj !== 'object' || obj === null || !(#o in obj)) incompatible(obj, 'DateTimeFormat', method);
    return obj.#o;
  }

  get format() {
    const o = DateTimeFormat.#of(this, 'format');
    return (date) => formatDateParts(o, date).map((p) => p.value).join('').replace(/\u202f/g, ' ');
  }
  formatToParts(date) { return formatDateParts(DateTimeFormat.#of(this, 'formatToParts'), date); }
  formatRange(a, b) {
    DateTimeFormat.#of(this, 'formatRange');
    if (a === undefined || b === undefined) throw new TypeError('startDate or endDate is undefined');
    const x = this.format(a), y = this.format(b);
    return x === y ? x : `${x} – ${y}`;
  }
  resolvedOptions() { return { ...DateTimeFormat.#of(this, 'resolvedOptions') }; }
  static supportedLocalesOf(locales, options) { return supportedLocalesOf(locales, options); }
  get [Symbol.toStringTag]() { return 'Intl.DateTimeFormat'; }
}

const DEFAULTS = Symbol('defaults'); // toLocaleDateString / TimeString: which defaults

function dateFields(o, t) {
  const d = new Date(t);
  const utc = o.timeZone === 'UTC';
  return {
    year: utc ? d.getUTCFullYear() : d.getFullYear(),
    month: utc ? d.getUTCMonth() : d.getMonth(),
    day: utc ? d.getUTCDate() : d.getDate(),
    weekday: utc ? d.getUTCDay() : d.getDay(),
    hour: utc ? d.getUTCHours() : d.getHours(),
    minute: utc ? d.getUTCMinutes() : d.getMinutes(),
    second: utc ? d.getUTCSeconds() : d.getSeconds(),
    ms: utc ? d.getUTCMilliseconds() : d.getMilliseconds(),
    offset: utc ? 0 : -d.getTimezoneOffset(),
  };
}

function yearText(y, style) {
  if (style === '2-digit') return pad2(((y % 100) + 100) % 100);
  return y <= 0 ? String(1 - y) : String(y);
}

function offsetName(o, f, long) {
  if (o.timeZone === 'UTC') return long ? 'Coordinated Universal Time' : 'UTC';
  const m = f.offset;
  if (m === 0) return 'GMT';
  const h = Math.trunc(Math.abs(m) / 60), mm = Math.abs(m) % 60;
  return `GMT${m < 0 ? '-' : '+'}${long ? pad2(h) : h}${mm || long ? `:${pad2(mm)}` : ''}`;
}

function datePartsOf(o, f) {
  const parts = [];
  const lit = (value) => parts.push({ type: 'literal', value });
  const style = o.dateStyle;
  const month = style === 'full' || style === 'long' ? 'long' : style === 'medium' ? 'short' : style === 'short' ? 'numeric' : o.month;
  const weekday = style === 'full' ? 'long' : o.weekday;
  const year = style === 'short' ? '2-digit' : style ? 'numeric' : o.year;
  const day = style ? 'numeric' : o.day;
  const wd = weekday && { type: 'weekday', value: weekday === 'long' ? DAYS[f.weekday] : weekday === 'short' ? DAYS[f.weekday].slice(0, 3) : DAYS[f.weekday][0] };
  const dayPart = day && { type: 'day', value: day === '2-digit' ? pad2(f.day) : String(f.day) };
  const yearPart = year && { type: 'year', value: yearText(f.year, year) };
  if (!month || month === 'numeric' || month === '2-digit') {
    if (wd) {
      parts.push(wd);
      if (month || dayPart || yearPart) lit(', ');
    }
    const nums = [];
    if (month) nums.push({ type: 'month', value: month === '2-digit' ? pad2(f.month + 1) : String(f.month + 1) });
    if (dayPart) nums.push(dayPart);
    if (yearPart) nums.push(yearPart);
    nums.forEach((p, i) => {
      if (i) lit('/');
      parts.push(p);
    });
    return parts;
  }
  const name = month === 'long' ? MONTHS[f.month] : month === 'short' ? MONTHS[f.month].slice(0, 3) : MONTHS[f.month][0];
  if (wd) {
    parts.push(wd);
    lit(', ');
  }
  parts.push({ type: 'month', value: name });
  if (dayPart) {
    lit(' ');
    parts.push(dayPart);
  }
  if (yearPart) {
    lit(dayPart ? ', ' : ' ');
    parts.push(yearPart);
  }
  return parts;
}

function timePartsOf(o, f) {
  const parts = [];
  const lit = (value) => parts.push({ type: 'literal', value });
  const style = o.timeStyle;
  const hour = style ? 'numeric' : o.hour;
  const minute = style ? '2-digit' : o.minute;
  const second = style && style !== 'short' ? '2-digit' : style ? undefined : o.second;
  const h12 = o.hourCycle === 'h12' || o.hourCycle === 'h11';
  if (hour) {
    let h = f.hour;
    if (o.hourCycle === 'h12') h = h % 12 || 12;
    else if (o.hourCycle === 'h11') h %= 12;
    else if (o.hourCycle === 'h24') h = h || 24;
    parts.push({ type: 'hour', value: hour === '2-digit' || (!h12 && (minute || second)) ? pad2(h) : String(h) });
  }
  if (minute) {
    if (parts.length) lit(':');
    parts.push({ type: 'minute', value: hour || second ? pad2(f.minute) : String(f.minute) });
  }
  if (second) {
    if (parts.length) lit(':');
    parts.push({ type: 'second', value: hour || minute ? pad2(f.second) : String(f.second) });
  }
  if (o.fractionalSecondDigits) {
    if (parts.length) lit('.');
    parts.push({ type: 'fractionalSecond', value: String(f.ms).padStart(3, '0').slice(0, o.fractionalSecondDigits) });
  }
  if (hour && h12) {
    lit('\u202f'); // ICU's narrow no-break space; format() gives a space, as V8
    parts.push({ type: 'dayPeriod', value: f.hour < 12 ? 'AM' : 'PM' });
  }
  const zone = style === 'full' ? 'long' : style === 'long' ? 'short' : o.timeZoneName;
  if (zone) {
    lit(' ');
    parts.push({ type: 'timeZoneName', value: offsetName(o, f, zone === 'long' || zone === 'longOffset') });
  }
  return parts;
}

function formatDateParts(o, date) {
  const t = date === undefined ? Date.now() : typeof date === 'object' && date !== null ? Number(date) : Number(date);
  if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) throw new RangeError('Invalid time value');
  const f = dateFields(o, t);
  const date1 = o.dateStyle || o.year || o.month || o.day || o.weekday ? datePartsOf(o, f) : [];
  const time = o.timeStyle || o.hour || o.minute || o.second || o.fractionalSecondDigits || (o.timeZoneName && !date1.length)
    ? timePartsOf(o, f) : [];
  if (o.timeZoneName && !time.length) time.push({ type: 'literal', value: '' }, { type: 'timeZoneName', value: offsetName(o, f, o.timeZoneName === 'long') });
  if (date1.length && time.length) {
    const long = o.dateStyle === 'full' || o.dateStyle === 'long' || (!o.dateStyle && o.month === 'long');
    if (time[0].type === 'literal' && time[0].value === '') time[0].value = ', ';
    else time.unshift({ type: 'literal', value: long ? ' at ' : ', ' });
  } else if (time[0]?.type === 'literal' && time[0].value === '') {
    time.shift();
  }
  return [...date1, ...time];
}

// ------------------------------------------------------------------
// the builtins' locale-sensitive methods (src/prim/intl.c)

let defaultCollator;
let defaultNumberFormat;
const dateFormats = new Map();

function localeCompare(a, b, locales, options) {
  if (locales === undefined && options === undefined) {
    defaultCollator ??= new Collator();
    return defaultCollator.compare(a, b);
  }
  return new Collator(locales, options).compare(a, b);
}

function numberToLocaleString(x, locales, options) {
  if (locales === undefined && options === undefined) {
    defaultNumberFormat ??= new NumberFormat();
    return defaultNumberFormat.format(x);
  }
  return new NumberFormat(locales, options).format(x);
}

// kind: 'any' (toLocaleString), 'date' or 'time'
function dateToLocaleString(t, kind, locales, options) {
  if (Number.isNaN(t)) return 'Invalid Date';
  if (locales === undefined && options === undefined) {
    let f = dateFormats.get(kind);
    if (!f) {
      f = new DateTimeFormat(undefined, { [DEFAULTS]: kind === 'any' ? 'all' : kind });
      dateFormats.set(kind, f);
    }
    return f.format(t);
  }
  const o = Object.assign(Object.create(null), toOptions(options));
  o[DEFAULTS] = kind === 'any' ? 'all' : kind;
  if (kind === 'date' && (o.timeStyle !== undefined)) throw new TypeError('Invalid option : timeStyle');
  if (kind === 'time' && (o.dateStyle !== undefined)) throw new TypeError('Invalid option : dateStyle');
  return new DateTimeFormat(locales, o).format(t);
}

// The methods src/prim/intl.c puts on the builtins' prototypes call these
// (`this` is the receiver), with V8's messages for a wrong receiver.
function thisValue(valueOf, v, message) {
  try {
    return valueOf.call(v);
  } catch {
    throw new TypeError(message());
  }
}

function dateMethod(name, kind) {
  return function (locales, options) {
    const t = thisValue(Date.prototype.getTime, this, () => `Method Date.prototype.${name} called on incompatible receiver ${receiverName(this)}`);
    return dateToLocaleString(t, kind, locales, options);
  };
}

export const builtinMethods = {
  localeCompare(that, locales, options) {
    if (this === null || this === undefined) throw new TypeError('String.prototype.localeCompare called on null or undefined');
    return localeCompare(String(this), String(that), locales, options);
  },
  numberToLocaleString(locales, options) {
    const x = thisValue(Number.prototype.valueOf, this, () => "Number.prototype.toLocaleString requires that 'this' be a Number");
    return numberToLocaleString(x, locales, options);
  },
  bigintToLocaleString(locales, options) {
    const x = thisValue(BigInt.prototype.valueOf, this, () => "BigInt.prototype.toLocaleString requires that 'this' be a BigInt");
    return numberToLocaleString(x, locales, options);
  },
  toLocaleString: dateMethod('toLocaleString', 'any'),
  toLocaleDateString: dateMethod('toLocaleDateString', 'date'),
  toLocaleTimeString: dateMethod('toLocaleTimeString', 'time'),
};

// The constructors as Intl has them: NumberFormat, DateTimeFormat and
// Collator may be called without new (as ECMA-402 allows), the others
// require it, with V8's message.
function callable(Class, name, newOnly) {
  const fn = function (locales, options) {
    if (newOnly && new.target === undefined) throw new TypeError(`Constructor Intl.${name} requires 'new'`);
    return new Class(locales, options);
  };
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(fn, 'length', { value: 0 });
  fn.prototype = Class.prototype;
  Object.defineProperty(Class.prototype, 'constructor', { value: fn, writable: true, configurable: true });
  if (Class.supportedLocalesOf) fn.supportedLocalesOf = Class.supportedLocalesOf;
  return fn;
}

export const Intl = {
  getCanonicalLocales: (locales) => getCanonicalLocales(locales),
  supportedValuesOf(key) {
    const values = {
      calendar: ['gregory'], collation: ['default'], currency: Object.keys(CURRENCIES).sort(),
      numberingSystem: ['latn'], timeZone: ['UTC'], unit: Object.keys(UNITS).filter((u) => !u.includes('-')).sort(),
    }[String(key)];
    if (!values) throw new RangeError(`Invalid key : ${String(key)}`);
    return values;
  },
  Collator: callable(Collator, 'Collator'),
  DateTimeFormat: callable(DateTimeFormat, 'DateTimeFormat'),
  NumberFormat: callable(NumberFormat, 'NumberFormat'),
  PluralRules: callable(PluralRules, 'PluralRules', true),
  ListFormat: callable(ListFormat, 'ListFormat', true),
  RelativeTimeFormat: callable(RelativeTimeFormat, 'RelativeTimeFormat', true),
  Segmenter: callable(Segmenter, 'Segmenter', true),
  Locale: callable(Locale, 'Locale', true),
};
Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
for (const k of Object.keys(Intl)) Object.defineProperty(Intl, k, { enumerable: false });

export default Intl;
