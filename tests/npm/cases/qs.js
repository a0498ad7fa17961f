const qs = require('qs');
console.log(qs.parse('a[b][c]=d&e[]=1&e[]=2&f=%20g&h'));
console.log(qs.parse('a.b=c&list=1,2', { allowDots: true, comma: true }));
console.log(qs.stringify({ a: { b: ['x', 'y'] }, c: 'd e', n: null, u: undefined }));
console.log(qs.stringify({ a: [1, 2] }, { arrayFormat: 'brackets' }), qs.stringify({ a: [1, 2] }, { indices: false }));
console.log(qs.stringify({ d: new Date(0) }), qs.parse('a[21]=b'), qs.parse('?x=1', { ignoreQueryPrefix: true }));
console.log(qs.stringify({ a: 'ä€' }, { charset: 'iso-8859-1' }), qs.parse('a=%E4', { charset: 'iso-8859-1' }));
