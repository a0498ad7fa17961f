const acorn = require('acorn');
const ast = acorn.parse('const f = async function* (a, ...b) { for await (const x of a) yield* x; }; class A { #p = 1; static { } }', { ecmaVersion: 'latest', sourceType: 'module', locations: true, allowAwaitOutsideFunction: true });
console.log(JSON.stringify(ast, null, 1).length, ast.body.map((n) => n.type));
console.log(JSON.stringify(acorn.parse('a?.b ?? c ** 2', { ecmaVersion: 2022 }).body[0].expression));
const toks = [...acorn.tokenizer('let x = `t${1}`', { ecmaVersion: 2022 })].map((t) => t.type.label);
console.log(toks.join(' '));
try { acorn.parse('let let = 1', { ecmaVersion: 2022 }); } catch (e) { console.log(e.name, e.message, e.pos, e.loc); }
console.log(acorn.version.split('.')[0]);
