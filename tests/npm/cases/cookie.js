const cookie = require('cookie');
console.log(cookie.parse('foo=bar; equation=E%3Dmc%5E2; quoted="q"; bad=%E0%A4%A'));
console.log(cookie.serialize('foo', 'bar baz', { httpOnly: true, maxAge: 3600, path: '/', sameSite: 'lax', secure: true, expires: new Date(Date.UTC(2030, 0, 1)) }));
console.log(cookie.serialize('a', 'b', { partitioned: true, priority: 'high', domain: 'example.com' }));
try { cookie.serialize('bad name', 'x'); } catch (e) { console.log(e.name, e.message); }
try { cookie.serialize('a', 'b', { maxAge: 1.5 }); } catch (e) { console.log(e.name, e.message); }
