const chalk = require('chalk4');
const c = new chalk.Instance({ level: 3 });
console.log(JSON.stringify(c.red.bold('red bold')));
console.log(JSON.stringify(c.hex('#ff8800')('hex') + c.bgRgb(1, 2, 3)('rgb')));
console.log(JSON.stringify(c.underline(`a ${c.blue('b')} c`)));
console.log(JSON.stringify(new chalk.Instance({ level: 1 }).hex('#ff8800')('ansi16')));
console.log(JSON.stringify(new chalk.Instance({ level: 0 }).red('plain')));
console.log(JSON.stringify(c`{bold.green tagged} {red ${'x'}}`));
