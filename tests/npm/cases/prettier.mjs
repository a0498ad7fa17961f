// prettier formats code of several languages through its API.
import * as prettier from 'prettier';
const ugly = `const   x = {a:1,b:[1,2,3],  c: function(){return "str"}}
async function  f (a,b=2,...rest){ if(a){return await g(a)} else { return rest.map(r=>r*b) } }
class   K extends Base{ #p=1; static s = 'q'; get v(){return this.#p} }
export default   x ?? f?.(1)
`;
console.log(await prettier.format(ugly, { parser: 'babel' }));
console.log(await prettier.format(ugly, { parser: 'babel', semi: false, singleQuote: true, tabWidth: 4, printWidth: 40 }));
console.log(await prettier.format('type T<A>={a:A,b?:Array<string>}; function g<T extends object>(x:T):keyof T{return null!}', { parser: 'typescript' }));
console.log(await prettier.format('{"b":1,"a":[1,2,{"c":null}]}', { parser: 'json' }));
console.log(await prettier.format('a{color:red;background:blue}@media (max-width:100px){.b{margin:0 auto}}', { parser: 'css' }));
console.log(await prettier.format('# Title\n* one\n* two\n\n```js\nconst a=1\n```\n', { parser: 'markdown' }));
console.log(await prettier.format('key:   value\nlist: [a,   b]\n', { parser: 'yaml' }));
try { await prettier.format('const = ;', { parser: 'babel' }); } catch (e) { console.log(e.name, e.message.split('\n')[0]); }
console.log(await prettier.check('const a = 1;\n', { parser: 'babel' }), (await prettier.getSupportInfo()).languages.length > 10);
// deep input: a 1,000-term sum nests 1,000 binary expressions, which the
// parser and printer walk recursively (several calls a level)
const deep = `const total = ${Array.from({ length: 1000 }, (_, i) => `a${i}`).join(' + ')};\n`;
const formatted = await prettier.format(deep, { parser: 'babel' });
console.log(formatted.split('\n').length, formatted.split('\n').at(-2));
