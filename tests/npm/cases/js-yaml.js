const yaml = require('js-yaml');
const doc = yaml.load(`
name: test
list: [1, 2.5, true, null, ~]
nested:
  a: &anchor { x: 1 }
  b: *anchor
multi: |
  line one
  line two
date: 2001-12-14
`);
console.log(doc);
console.log(yaml.dump({ a: 1, b: [1, 'two', { c: null }], s: 'multi\nline', e: '' }));
console.log(yaml.loadAll('--- 1\n--- [a]\n'));
try { yaml.load('a: [1, 2'); } catch (e) { console.log(e.name, e.reason, e.mark.line, e.mark.column); console.log(e.message); }
