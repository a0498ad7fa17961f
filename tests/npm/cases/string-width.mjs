import stringWidth from 'string-width';
for (const s of ['abc', '古', 'ｈｅｌｌｏ', '\u001B[1mbold\u001B[22m', '👨‍👩‍👧', '🇯🇵', 'e\u0301', '', 'a\tb', '한국어'])
    console.log(JSON.stringify(s), stringWidth(s));
console.log(stringWidth('\u001B[1mx\u001B[22m', { countAnsiEscapeCodes: true }), stringWidth('±', { ambiguousIsNarrow: false }));
