// Intl (lib/internal/intl.js): what npm packages use, for English. The
// expected values are what Node 20 (full ICU) prints for the same calls,
// except where a locale other than English is asked for: we format it as
// en-US, as Node built with small-icu does (n25, ro2, loc).
import { test, assert } from './harness.mjs';
import { segmenterResults } from './fixtures/segmenter_check.mjs';
import { collatorResults } from './fixtures/collator_check.mjs';

const d = new Date(Date.UTC(2026, 11, 3, 14, 5, 9, 123));
const d2 = new Date(Date.UTC(2026, 0, 9, 0, 7, 3));
const seg = (s, g) => [...new Intl.Segmenter('en', { granularity: g }).segment(s)].map((x) => g === 'word' ? [x.segment, x.isWordLike] : x.segment);
const nf = (o, ...xs) => xs.map((x) => new Intl.NumberFormat('en-US', o).format(x));
const dtf = (o, x = d) => new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', ...o }).format(x);
const cases = {
  n1: nf({}, 0, -0, 1, 1234.5, 1234567.891, 0.0001234, 1e21, 123456789012345680000, -5.5, 1.005, 2.5, NaN, Infinity, -Infinity, 12345678901234567890n),
  n2: nf({ maximumFractionDigits: 2 }, 1.005, 1.235, 0.125, 9.995, 99.999),
  n3: nf({ minimumFractionDigits: 2 }, 1, 1.5, 1.23456),
  n4: nf({ style: 'percent' }, 0.256, 1, -0.5, 0.0049),
  n5: nf({ style: 'currency', currency: 'USD' }, 1234.5, -3, 0.005),
  n6: nf({ style: 'currency', currency: 'EUR' }, 1234.5),
  n7: nf({ style: 'currency', currency: 'JPY' }, 1234.5),
  n8: nf({ style: 'currency', currency: 'USD', currencyDisplay: 'code' }, 12),
  n9: nf({ style: 'currency', currency: 'USD', currencyDisplay: 'name' }, 1, 2),
  n10: nf({ style: 'currency', currency: 'USD', currencySign: 'accounting' }, -5),
  n11: nf({ notation: 'compact' }, 999, 1000, 1234, 12345, 123456, 1234567, 999999, 1.5e9, 0.123, 1.55, 15.5),
  n12: nf({ notation: 'compact', compactDisplay: 'long' }, 1234, 1234567),
  n13: nf({ useGrouping: false }, 1234567.5),
  n14: nf({ maximumSignificantDigits: 3 }, 123456, 1.23456, 0.00123456),
  n15: nf({ minimumIntegerDigits: 3 }, 5, 1234),
  n16: nf({ signDisplay: 'always' }, 1, -1, 0),
  n17: nf({ signDisplay: 'exceptZero' }, 1, -1, 0, -0),
  n18: nf({ style: 'unit', unit: 'kilobyte' }, 1.5),
  n19: nf({ style: 'unit', unit: 'megabyte', unitDisplay: 'long' }, 1, 2),
  n20: nf({ style: 'unit', unit: 'second', unitDisplay: 'narrow' }, 5),
  n21: nf({ notation: 'scientific' }, 123456, 0.00012),
  n22: nf({ notation: 'engineering' }, 123456),
  n23: nf({ minimumFractionDigits: 1, maximumFractionDigits: 1 }, 0.05, 0.15, 0.25),
  n24: (1234.5678).toLocaleString(), n25: (1234.5678).toLocaleString('de-DE'), n26: (1234.5678).toLocaleString(undefined, { maximumFractionDigits: 1 }),
  n27: 123456789n.toLocaleString(),
  parts: new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).formatToParts(-1234.5),
  ro: new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).resolvedOptions(),
  ro2: new Intl.NumberFormat('fr').resolvedOptions().locale,
  d1: dtf({}), d2: dtf({ dateStyle: 'full' }), d3: dtf({ dateStyle: 'long' }), d4: dtf({ dateStyle: 'medium' }), d5: dtf({ dateStyle: 'short' }),
  d6: dtf({ timeStyle: 'full' }), d7: dtf({ timeStyle: 'long' }), d8: dtf({ timeStyle: 'medium' }), d9: dtf({ timeStyle: 'short' }),
  d10: dtf({ dateStyle: 'medium', timeStyle: 'short' }), d11: dtf({ dateStyle: 'long', timeStyle: 'long' }),
  d12: dtf({ year: 'numeric', month: 'long', day: 'numeric' }), d13: dtf({ month: 'short', day: 'numeric' }), d14: dtf({ year: 'numeric', month: 'long' }),
  d15: dtf({ weekday: 'long' }), d16: dtf({ weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' }),
  d17: dtf({ hour: 'numeric' }), d18: dtf({ hour: 'numeric', minute: 'numeric' }), d19: dtf({ hour: '2-digit', minute: '2-digit', hour12: false }),
  d20: dtf({ hour: 'numeric', minute: '2-digit', second: '2-digit', hour12: false }, d2), d21: dtf({ hour: 'numeric', minute: '2-digit' }, d2),
  d22: dtf({ year: '2-digit', month: '2-digit', day: '2-digit' }), d23: dtf({ month: 'numeric', day: 'numeric' }), d24: dtf({ year: 'numeric', month: 'numeric' }),
  d25: dtf({ hour: 'numeric', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 }), d26: dtf({ timeZoneName: 'short' }),
  d27: dtf({ year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }),
  d28: dtf({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }),
  d29: d.toLocaleString('en-US', { timeZone: 'UTC' }), d30: d.toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long' }), d31: d.toLocaleTimeString('en-US', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' }),
  d32: new Date(NaN).toLocaleString(), d33: dtf({ minute: '2-digit' }), d34: dtf({ month: 'long' }),
  dparts: new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }).formatToParts(d),
  dro: new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hour: 'numeric', month: 'long' }).resolvedOptions(),
  s1: seg('👨‍👩‍👧‍👦 e\u0301 🇫🇷🇩🇪🇺 👍🏽 a\r\nb ❤️ 1️⃣ 각 각 ก่ำ', 'grapheme'),
  s2: seg("Hello, world! It's 3.14 or 1,000 e.g. can't — 东京 test_var x123", 'word'),
  s3: seg('Hello there. How are you? I am fine!  Good.\nNew line', 'sentence'),
  c1: ['b', 'a', 'B', 'A', 'á', 'ä', 'z', '_a', '1', '10', '2', 'a b', 'ab', 'Ä', ''].sort(new Intl.Collator('en').compare),
  c2: ['item10', 'item2', 'item1', 'Item3'].sort(new Intl.Collator('en', { numeric: true }).compare),
  c3: [new Intl.Collator('en', { sensitivity: 'base' }).compare('a', 'A'), new Intl.Collator('en', { sensitivity: 'base' }).compare('a', 'á'), new Intl.Collator('en', { sensitivity: 'accent' }).compare('a', 'á'), new Intl.Collator('en', { sensitivity: 'case' }).compare('a', 'A')],
  c4: ['a'.localeCompare('b'), 'b'.localeCompare('a'), 'a'.localeCompare('a'), 'a'.localeCompare('A'), 'résumé'.localeCompare('resume'), 'a'.localeCompare('b', 'de')],
  c5: new Intl.Collator().resolvedOptions(),
  p1: ['one', 1, 2, 0, 1.5].map((x) => new Intl.PluralRules('en').select(x)),
  p2: [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map((x) => new Intl.PluralRules('en', { type: 'ordinal' }).select(x)),
  l1: [new Intl.ListFormat('en').format(['a', 'b', 'c']), new Intl.ListFormat('en').format(['a', 'b']), new Intl.ListFormat('en', { type: 'disjunction' }).format(['a', 'b', 'c']), new Intl.ListFormat('en', { style: 'short' }).format(['a', 'b', 'c']), new Intl.ListFormat('en', { type: 'unit' }).format(['a', 'b'])],
  r1: [new Intl.RelativeTimeFormat('en').format(-1, 'day'), new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(-1, 'day'), new Intl.RelativeTimeFormat('en').format(3, 'hours'), new Intl.RelativeTimeFormat('en', { style: 'short' }).format(-2, 'month'), new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(0, 'second')],
  loc: [Intl.getCanonicalLocales(['EN-us', 'zh-hant-tw']), Intl.NumberFormat.supportedLocalesOf(['en-US', 'fr', 'en']), new Intl.Locale('en-Latn-US').region, new Intl.Locale('en-US').language, String(new Intl.Locale('EN-us')), Object.prototype.toString.call(Intl)],
  seg_ro: new Intl.Segmenter().resolvedOptions(),
};

const expected = {
  n1: ["0", "-0", "1", "1,234.5", "1,234,567.891", "0", "1,000,000,000,000,000,000,000", "123,456,789,012,345,680,000", "-5.5", "1.005", "2.5", "NaN", "∞", "-∞", "12,345,678,901,234,567,890"],
  n2: ["1.01", "1.24", "0.13", "10", "100"],
  n3: ["1.00", "1.50", "1.235"],
  n4: ["26%", "100%", "-50%", "0%"],
  n5: ["$1,234.50", "-$3.00", "$0.01"],
  n6: ["€1,234.50"],
  n7: ["¥1,235"],
  n8: ["USD 12.00"],
  n9: ["1.00 US dollars", "2.00 US dollars"],
  n10: ["($5.00)"],
  n11: ["999", "1K", "1.2K", "12K", "123K", "1.2M", "1M", "1.5B", "0.12", "1.6", "16"],
  n12: ["1.2 thousand", "1.2 million"],
  n13: ["1234567.5"],
  n14: ["123,000", "1.23", "0.00123"],
  n15: ["005", "1,234"],
  n16: ["+1", "-1", "+0"],
  n17: ["+1", "-1", "0", "0"],
  n18: ["1.5 kB"],
  n19: ["1 megabyte", "2 megabytes"],
  n20: ["5s"],
  n21: ["1.235E5", "1.2E-4"],
  n22: ["123.456E3"],
  n23: ["0.1", "0.2", "0.3"],
  n24: "1,234.568",
  n25: "1,234.568",
  n26: "1,234.6",
  n27: "123,456,789",
  parts: [{"type": "minusSign", "value": "-"}, {"type": "currency", "value": "$"}, {"type": "integer", "value": "1"}, {"type": "group", "value": ","}, {"type": "integer", "value": "234"}, {"type": "decimal", "value": "."}, {"type": "fraction", "value": "50"}],
  ro: {"locale": "en", "numberingSystem": "latn", "style": "currency", "currency": "USD", "currencyDisplay": "symbol", "currencySign": "standard", "minimumIntegerDigits": 1, "minimumFractionDigits": 2, "maximumFractionDigits": 2, "useGrouping": "auto", "notation": "standard", "signDisplay": "auto", "roundingMode": "halfExpand", "roundingIncrement": 1, "trailingZeroDisplay": "auto", "roundingPriority": "auto"},
  ro2: "en-US",
  d1: "12/3/2026",
  d2: "Thursday, December 3, 2026",
  d3: "December 3, 2026",
  d4: "Dec 3, 2026",
  d5: "12/3/26",
  d6: "2:05:09 PM Coordinated Universal Time",
  d7: "2:05:09 PM UTC",
  d8: "2:05:09 PM",
  d9: "2:05 PM",
  d10: "Dec 3, 2026, 2:05 PM",
  d11: "December 3, 2026 at 2:05:09 PM UTC",
  d12: "December 3, 2026",
  d13: "Dec 3",
  d14: "December 2026",
  d15: "Thursday",
  d16: "Thu, Dec 3, 2026",
  d17: "2 PM",
  d18: "2:05 PM",
  d19: "14:05",
  d20: "24:07:03",
  d21: "12:07 AM",
  d22: "12/03/26",
  d23: "12/3",
  d24: "12/2026",
  d25: "2:05:09.123 PM",
  d26: "12/3/2026, UTC",
  d27: "Dec 3, 2026, 2:05 PM",
  d28: "Thursday, December 3, 2026 at 2:05 PM UTC",
  d29: "12/3/2026, 2:05:09 PM",
  d30: "December",
  d31: "02:05 PM",
  d32: "Invalid Date",
  d33: "5",
  d34: "December",
  dparts: [{"type": "month", "value": "Dec"}, {"type": "literal", "value": " "}, {"type": "day", "value": "3"}, {"type": "literal", "value": ", "}, {"type": "year", "value": "2026"}, {"type": "literal", "value": ", "}, {"type": "hour", "value": "2"}, {"type": "literal", "value": ":"}, {"type": "minute", "value": "05"}, {"type": "literal", "value": " "}, {"type": "dayPeriod", "value": "PM"}],
  dro: {"locale": "en-US", "calendar": "gregory", "numberingSystem": "latn", "timeZone": "UTC", "hourCycle": "h12", "hour12": true, "month": "long", "hour": "numeric"},
  s1: ["👨‍👩‍👧‍👦", " ", "é", " ", "🇫🇷", "🇩🇪", "🇺", " ", "👍🏽", " ", "a", "\r\n", "b", " ", "❤️", " ", "1️⃣", " ", "각", " ", "각", " ", "ก่ำ"],
  s2: [["Hello", true], [",", false], [" ", false], ["world", true], ["!", false], [" ", false], ["It's", true], [" ", false], ["3.14", true], [" ", false], ["or", true], [" ", false], ["1,000", true], [" ", false], ["e.g", true], [".", false], [" ", false], ["can't", true], [" ", false], ["—", false], [" ", false], ["东京", true], [" ", false], ["test_var", true], [" ", false], ["x123", true]],
  s3: ["Hello there. ", "How are you? ", "I am fine!  ", "Good.\n", "New line"],
  c1: ["", "_a", "1", "10", "2", "a", "A", "á", "ä", "Ä", "a b", "ab", "b", "B", "z"],
  c2: ["item1", "item2", "Item3", "item10"],
  c3: [0, 0, -1, -1],
  c4: [-1, 1, 0, -1, 1, -1],
  c5: {"locale": "en-US", "usage": "sort", "sensitivity": "variant", "ignorePunctuation": false, "collation": "default", "numeric": false, "caseFirst": "false"},
  p1: ["other", "one", "other", "other", "other"],
  p2: ["one", "two", "few", "other", "other", "other", "other", "one", "two", "few", "one", "other"],
  l1: ["a, b, and c", "a and b", "a, b, or c", "a, b, & c", "a, b"],
  r1: ["1 day ago", "yesterday", "in 3 hours", "2 mo. ago", "now"],
  loc: [["en-US", "zh-Hant-TW"], ["en-US", "en"], "US", "en", "en-US", "[object Intl]"],
  seg_ro: {"locale": "en-US", "granularity": "grapheme"},
};

test('every case gives what Node gives', () => {
  const wrong = [];
  for (const [k, want] of Object.entries(expected)) {
    if (JSON.stringify(cases[k]) !== JSON.stringify(want)) wrong.push(`${k}: ${JSON.stringify(cases[k])} (Node: ${JSON.stringify(want)})`);
  }
  assert.equal(wrong.join('\n'), '');
});

test('bad options and arguments: the TypeError or RangeError V8 throws', () => {
  const cases = [
    [() => new Intl.NumberFormat('en', { style: 'bogus' }), RangeError, 'Value bogus out of range for Intl.NumberFormat options property style'],
    [() => new Intl.NumberFormat('en', { style: 'currency' }), TypeError, 'Currency code is required with currency style.'],
    [() => new Intl.NumberFormat('en', { style: 'currency', currency: 'US' }), RangeError, 'Invalid currency code : US'],
    [() => new Intl.NumberFormat('en', { style: 'unit' }), TypeError, "Invalid unit argument for Intl.NumberFormat() ''"],
    [() => new Intl.NumberFormat('en', { style: 'unit', unit: 'furlongs' }), RangeError, "Invalid unit argument for Intl.NumberFormat() 'furlongs'"],
    [() => new Intl.NumberFormat('x_invalid'), RangeError, 'Incorrect locale information provided'],
    [() => new Intl.NumberFormat('en', { maximumFractionDigits: 200 }), RangeError, 'maximumFractionDigits value is out of range.'],
    [() => new Intl.NumberFormat('en', null), TypeError, 'Intl.NumberFormat called on null or undefined'],
    [() => Intl.Segmenter(), TypeError, "Constructor Intl.Segmenter requires 'new'"],
    [() => new Intl.Segmenter('en', { granularity: 'line' }), RangeError, 'Value line out of range for Intl.Segmenter options property granularity'],
    [() => new Intl.DateTimeFormat('en', { timeZone: 'Mars/Base' }), RangeError, 'Invalid time zone specified: Mars/Base'],
    [() => new Intl.DateTimeFormat('en').format(NaN), RangeError, 'Invalid time value'],
    [() => new Intl.DateTimeFormat('en', { dateStyle: 'full', hour: 'numeric' }), TypeError, "Can't set option hour when dateStyle is used"],
    [() => Intl.NumberFormat.prototype.format.call({}), TypeError, /incompatible receiver/],
    [() => Intl.DateTimeFormat.prototype.resolvedOptions.call({}), TypeError, 'Method Intl.DateTimeFormat.prototype.resolvedOptions called on incompatible receiver #<Object>'],
    [() => Intl.Segmenter.prototype.segment.call({}, 'x'), TypeError, 'Method Intl.Segmenter.prototype.segment called on incompatible receiver #<Object>'],
    [() => Number.prototype.toLocaleString.call('x'), TypeError, "Number.prototype.toLocaleString requires that 'this' be a Number"],
    [() => BigInt.prototype.toLocaleString.call(1), TypeError, "BigInt.prototype.toLocaleString requires that 'this' be a BigInt"],
    [() => Date.prototype.toLocaleString.call({}), TypeError, 'Method Date.prototype.toLocaleString called on incompatible receiver #<Object>'],
    [() => String.prototype.localeCompare.call(null, 'a'), TypeError, 'String.prototype.localeCompare called on null or undefined'],
    [() => Intl.getCanonicalLocales('en_US'), RangeError, 'Incorrect locale information provided'],
    [() => Intl.getCanonicalLocales([5]), TypeError, 'Language ID should be string or object.'],
    [() => new Intl.RelativeTimeFormat('en').format(1, 'fortnight'), RangeError, "Invalid unit argument for Intl.RelativeTimeFormat.prototype.format() 'fortnight'"],
    [() => new Intl.ListFormat('en').format(['a', 5]), TypeError, 'Iterable yielded 5 which is not a string'],
    [() => new Intl.PluralRules('en', { type: 'x' }), RangeError, 'Value x out of range for Intl.PluralRules options property type'],
  ];
  for (const [fn, Kind, message] of cases) {
    const e = assert.throws(fn);
    assert.ok(e instanceof Kind, `${e.name}: ${e.message}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
  }
});

test('other locales format as en-US and never throw', () => {
  // 'generic': a language subtag of 5 to 8 letters (fast-levenshtein, under eslint, asks for it)
  for (const l of ['ar-EG', 'zh-CN', 'de', 'ja-JP', 'he', 'tr', 'th-TH-u-nu-thai', 'en-GB', ['fr', 'de'], [], 'generic']) {
    assert.equal(new Intl.NumberFormat(l).format(1234.5), '1,234.5');
    assert.equal(new Intl.DateTimeFormat(l, { timeZone: 'UTC' }).format(0), '1/1/1970');
    assert.equal(new Intl.Collator(l).compare('a', 'b'), -1);
    assert.equal([...new Intl.Segmenter(l).segment('ab')].length, 2);
    assert.equal((1234.5).toLocaleString(l), '1,234.5');
    assert.ok(['en-US', 'en'].includes(new Intl.PluralRules(l).resolvedOptions().locale));
  }
  assert.equal(new Intl.NumberFormat('en').resolvedOptions().locale, 'en');
  assert.equal(new Intl.NumberFormat('en-GB').resolvedOptions().locale, 'en-US');
  assert.deepEqual(Intl.getCanonicalLocales(['generic', 'abcdefgh-US']), ['generic', 'abcdefgh-US']);
  assert.throws(() => Intl.getCanonicalLocales('abcd'), RangeError);
  assert.deepEqual(Intl.DateTimeFormat.supportedLocalesOf(['en-US', 'fr', 'en-u-ca-gregory']), ['en-US', 'en-u-ca-gregory']);
});

test('Segmenter: graphemes of emoji sequences, marks, flags, Hangul; segments are re-iterable', () => {
  const graphemes = (s) => [...new Intl.Segmenter().segment(s)].map((x) => x.segment);
  assert.deepEqual(graphemes('👩🏽‍💻x'), ['👩🏽‍💻', 'x']); // modifier + ZWJ sequence
  assert.deepEqual(graphemes('🏳️‍🌈'), ['🏳️‍🌈']);
  assert.deepEqual(graphemes('a\u0308\u0301b'), ['a\u0308\u0301', 'b']); // two combining marks
  assert.deepEqual(graphemes('🇯🇵🇺🇸🇩'), ['🇯🇵', '🇺🇸', '🇩']);
  assert.deepEqual(graphemes('\u1100\u1161\u11a8\uac00'), ['\u1100\u1161\u11a8', '\uac00']); // jamo L V T, then LV
  // Indic conjuncts (Unicode 15.1's GB9c), as Node 20's ICU
  assert.deepEqual(graphemes('\u0915\u094d\u0937'), ['\u0915\u094d\u0937']);
  assert.deepEqual(graphemes('\u0915\u094d\u200d\u0937\u093f'), ['\u0915\u094d\u200d\u0937\u093f']);
  assert.deepEqual(graphemes('\u0915\u093f\u0937'), ['\u0915\u093f', '\u0937']); // a vowel sign is no linker
  assert.deepEqual(graphemes('a\u094d\u0937'), ['a\u094d', '\u0937']); // a linker after no consonant
  assert.deepEqual(graphemes('\r\n\n'), ['\r\n', '\n']);
  assert.deepEqual(graphemes(''), []);
  assert.deepEqual(graphemes('\u200d'), ['\u200d']);
  const segments = new Intl.Segmenter('en').segment('a😀b');
  assert.deepEqual([...segments].map((x) => [x.segment, x.index, x.input]), [['a', 0, 'a😀b'], ['😀', 1, 'a😀b'], ['b', 3, 'a😀b']]);
  assert.equal([...segments].length, 3);
  assert.deepEqual(segments.containing(2), { segment: '😀', index: 1, input: 'a😀b' });
  assert.equal(segments.containing(9), undefined);
  assert.equal(segments.containing(-1), undefined);
  assert.deepEqual(new Intl.Segmenter('en', { granularity: 'word' }).segment('hi there').containing(4), { segment: 'there', index: 3, input: 'hi there', isWordLike: true });
  assert.deepEqual([...new Intl.Segmenter().segment(123)].length, 3); // ToString
});

// string-width 7 (yargs, ink, cli tools) measures with a Segmenter this way.
test("string-width's use: a width per grapheme", () => {
  const segmenter = new Intl.Segmenter();
  const width = (s) => {
    let w = 0;
    for (const { segment } of segmenter.segment(s)) {
      const cp = segment.codePointAt(0);
      if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b) continue;
      w += /\p{Extended_Pictographic}/u.test(segment) ? 2 : 1; // string-width uses /^\p{RGI_Emoji}$/v
    }
    return w;
  };
  assert.equal(width('abc'), 3);
  assert.equal(width('👨‍👩‍👧‍👦'), 2);
  assert.equal(width('e\u0301'), 1);
});

test('Intl is a global like V8\'s, with its constructors', () => {
  const d = Object.getOwnPropertyDescriptor(globalThis, 'Intl');
  assert.ok(d && !d.enumerable && d.configurable);
  assert.equal(typeof Intl, 'object');
  assert.equal(String(Intl), '[object Intl]');
  assert.equal(Object.keys(Intl).length, 0);
  for (const name of ['Collator', 'DateTimeFormat', 'NumberFormat', 'PluralRules', 'ListFormat', 'RelativeTimeFormat', 'Segmenter', 'Locale']) {
    assert.equal(typeof Intl[name], 'function', name);
    assert.equal(Intl[name].name, name);
    assert.ok(new Intl[name]('en-US') instanceof Intl[name], name);
  }
  assert.ok(Intl.NumberFormat() instanceof Intl.NumberFormat); // without new, as ECMA-402 allows
  assert.equal(Number.prototype.toLocaleString.name, 'toLocaleString');
  assert.equal(String.prototype.localeCompare.length, 1);
});

// 4000 grapheme and 1000 word splits of random tricky strings
// (tests/js/fixtures/segmenter_check.mjs) hash to what Node 20 (ICU 78) gives.
test('random strings split into graphemes and words as ICU splits them', () => {
  assert.deepEqual(segmenterResults(), [906815300, 1118406891]);
});

// 1200 comparisons of random strings under six option sets
// (tests/js/fixtures/collator_check.mjs) give Node 20's (ICU 78) signs.
test('Collator compares as ICU does for English', () => {
  assert.deepEqual(collatorResults(), [1200, 2510422938]);
});
