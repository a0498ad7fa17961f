const parse = require('minimist');
console.log(parse(['-a', 'beep', '-b', 'boop']));
console.log(parse(['-x', '3', '-y', '4', '-n5', '-abc', '--beep=boop', 'foo', 'bar', 'baz']));
console.log(parse(['--no-color', '--num', '0x10', '--', '--rest'], { '--': true }));
console.log(parse(['-v', '--name', 'x', 'y'], { boolean: ['v'], string: ['name'], alias: { v: 'verbose' }, default: { z: 1 } }));
console.log(parse(['--a.b', '1', '--a.c=2', '-k', '-k']));
