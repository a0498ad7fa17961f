const yargs = require('yargs/yargs');
const argv = yargs(['serve', '--port', '8080', '-v', '--tags', 'a', 'b', '--no-cache'])
    .locale('en')
    .command('serve [dir]', 'start the server', (y) => y.positional('dir', { default: '.', type: 'string' }))
    .option('port', { alias: 'p', type: 'number', default: 80 })
    .option('verbose', { alias: 'v', type: 'boolean' })
    .option('tags', { type: 'array' })
    .option('cache', { type: 'boolean', default: true })
    .parse();
delete argv.$0;
console.log(JSON.stringify(argv));
const y = yargs([]).scriptName('tool').locale('en').usage('$0 <cmd> [args]')
    .option('name', { describe: 'your name', demandOption: true }).wrap(80).exitProcess(false)
    .fail((msg) => console.log('fail:', msg));
y.parse();
y.showHelp((s) => console.log(s));
const de = yargs(['--help']).scriptName('tool').locale('de').option('x', { type: 'number', describe: 'ein x' })
    .wrap(80).exitProcess(false);
de.showHelp((s) => console.log(s));
console.log(JSON.stringify(require('yargs-parser')('--foo=bar -abc --n 3 -- rest', { number: ['n'] })));
