const { Command, Option, InvalidArgumentError } = require('commander');
const program = new Command();
program.name('tool').version('1.0.0').exitOverride()
    .option('-d, --debug', 'output extra debugging')
    .option('-p, --port <number>', 'port', (v) => { const n = parseInt(v, 10); if (isNaN(n)) throw new InvalidArgumentError('Not a number.'); return n; }, 80)
    .addOption(new Option('-c, --color <name>', 'colour').choices(['red', 'blue']))
    .configureOutput({ writeOut: (s) => console.log('OUT:' + s.trimEnd()), writeErr: (s) => console.log('ERR:' + s.trimEnd()) });
program.command('serve <dir> [extra...]').description('serve a dir').option('-w, --watch')
    .action((dir, extra, opts) => console.log('serve', dir, extra, opts));
program.parse(['node', 'tool', '-d', '-p', '8080', '-c', 'red', 'serve', 'www', 'a', 'b', '--watch']);
console.log(program.opts());
for (const argv of [['-p', 'x'], ['-c', 'green'], ['--version'], ['--help'], ['nope']]) {
    const p = new Command().name('t').version('2.0.0').exitOverride()
        .option('-p, --port <n>', 'port', (v) => { if (isNaN(+v)) throw new InvalidArgumentError('Not a number.'); return +v; })
        .addOption(new Option('-c, --color <name>').choices(['red', 'blue']))
        .configureOutput({ writeOut: (s) => console.log('OUT:' + s.trimEnd()), writeErr: (s) => console.log('ERR:' + s.trimEnd()) });
    try { p.parse(argv, { from: 'user' }); console.log('parsed', p.opts(), p.args); } catch (e) { console.log('exit', e.code, e.exitCode); }
}
