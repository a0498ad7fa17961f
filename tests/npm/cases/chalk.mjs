import { Chalk } from 'chalk';
const c = new Chalk({ level: 3 });
console.log(JSON.stringify(c.red.bold('red bold')));
console.log(JSON.stringify(c.hex('#ff8800')('hex') + c.bgRgb(1, 2, 3)('rgb')));
console.log(JSON.stringify(c.underline(`a ${c.blue('b')} c`)));
console.log(JSON.stringify(new Chalk({ level: 1 }).hex('#ff8800')('ansi16')));
console.log(JSON.stringify(new Chalk({ level: 0 }).red('plain')));
console.log(JSON.stringify(c.visible('v')), c.level);
