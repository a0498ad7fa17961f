// corojs:internal/node/cjs_exports: the names a CommonJS module exports, as
// far as reading its source tells, for `import { x } from './file.cjs'`.
// The patterns are those Node's cjs-module-lexer detects:
//   exports.x = ..., module.exports.x = ..., exports['x'] = ...
//   Object.defineProperty(exports | module.exports, 'x', ...)
//   module.exports = { a, b: ..., 'c': ..., d() {}, ...require('./y') }
//   module.exports = require('./y'), __exportStar(require('./y'), exports),
//   __export(require('./y'))   (re-exports: the names of ./y too)
// Like the lexer it reads, it does not run anything: a name made at run
// time (exports[name] = ...) is only on the default export.
// Comments are skipped; strings are kept (a name may be one).

const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g;
const IDENT = '[A-Za-z_$][\\w$]*';
const STR = `'([^'\\\\\\n]*)'|"([^"\\\\\\n]*)"`;
const ASSIGN = new RegExp(`(?<![\\w$.])(?:module\\.)?exports(?:\\.(${IDENT})|\\[\\s*(?:${STR})\\s*\\])\\s*=(?!=)`, 'g');
const DEFINE = new RegExp(`Object\\.defineProperty\\(\\s*(?:module\\.)?exports\\s*,\\s*(?:${STR})`, 'g');
const REEXPORT = new RegExp(`(?<![\\w$.])module\\.exports\\s*=\\s*require\\(\\s*(?:${STR})\\s*\\)` +
  `|__exportStar\\(\\s*require\\(\\s*(?:${STR})\\s*\\)|__export\\(\\s*require\\(\\s*(?:${STR})\\s*\\)\\)`, 'g');
const LITERAL = /(?<![\w$.])module\.exports\s*=\s*\{/g;
const ENTRY = new RegExp(`^(?:(?:get|set|async)\\s+)?(?:(${IDENT})|${STR})\\s*(?:[:(,]|$)`);
const SPREAD = new RegExp(`^\\.\\.\\.\\s*require\\(\\s*(?:${STR})\\s*\\)$`);

function stripComments(source) {
  return source.replace(COMMENTS, (m) => (m[0] === '/' ? ' ' : m));
}

// The top-level entries of the object literal that starts at `open` ('{').
function literalEntries(code, open) {
  const entries = [];
  let depth = 0, start = open + 1;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if (c === '{' || c === '(' || c === '[') {
      depth++;
    } else if (c === '}' || c === ')' || c === ']') {
      if (--depth === 0) {
        entries.push(code.slice(start, i).trim());
        return entries;
      }
    } else if (c === ',' && depth === 1) {
      entries.push(code.slice(start, i).trim());
      start = i + 1;
    }
  }
  return entries; // unterminated: what was read
}

// { names: Set, reexports: [specifier] } of a CommonJS module's source.
export function parse(source) {
  const code = stripComments(source);
  const names = new Set();
  const reexports = [];
  for (const m of code.matchAll(ASSIGN)) names.add(m[1] ?? m[2] ?? m[3]);
  for (const m of code.matchAll(DEFINE)) names.add(m[1] ?? m[2]);
  for (const m of code.matchAll(REEXPORT)) reexports.push(m.slice(1).find((s) => s !== undefined));
  for (const m of code.matchAll(LITERAL)) {
    for (const entry of literalEntries(code, m.index + m[0].length - 1)) {
      const spread = SPREAD.exec(entry);
      if (spread) {
        reexports.push(spread[1] ?? spread[2]);
        continue;
      }
      const e = ENTRY.exec(entry);
      if (e) names.add(e[1] ?? e[2] ?? e[3]);
    }
  }
  return { names, reexports };
}
