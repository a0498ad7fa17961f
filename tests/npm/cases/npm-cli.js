// npm's own CLI (the version pinned in the lock file), run by this runtime
// (process.execPath), for what needs no network: pack a package, install the
// tarball into another offline, list the tree, run scripts.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const npmCli = path.join(path.dirname(require.resolve('npm/package.json')), 'bin', 'npm-cli.js');
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'npm-cli-')));
const env = { ...process.env, HOME: dir, npm_config_cache: path.join(dir, '.cache'), npm_config_userconfig: path.join(dir, '.npmrc'),
    npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_offline: 'true',
    npm_config_progress: 'false', npm_config_color: 'false' };
function npm(cwd, ...args) {
    const r = spawnSync(process.execPath, [npmCli, ...args], { cwd, env, encoding: 'utf8' });
    const clean = (s) => s.replaceAll(dir, '<dir>').replace(/in \d+(\.\d+)?m?s/g, 'in <time>').trimEnd();
    console.log(`npm ${clean(args.join(' '))} -> ${r.status}`);
    if (!args.includes('--json') || args[0] !== 'pack') console.log(clean(r.stdout));
    if (r.status !== 0) console.log(clean(r.stderr));
    return r;
}
const lib = path.join(dir, 'greeter');
fs.mkdirSync(path.join(lib, 'lib'), { recursive: true });
fs.writeFileSync(path.join(lib, 'package.json'), JSON.stringify({ name: 'greeter', version: '1.2.3', main: 'lib/index.js', license: 'MIT', files: ['lib'] }, null, 2));
fs.writeFileSync(path.join(lib, 'lib', 'index.js'), "exports.greet = (n) => `hello, ${n}`;\n");
fs.writeFileSync(path.join(lib, 'README.md'), '# greeter\n');
fs.writeFileSync(path.join(lib, 'notes.txt'), 'not packed\n');
npm(lib, '--version');
// the tarball's bytes (size, shasum, integrity) are zlib's: Node's bundled
// zlib and the system's may compress differently, so only what is packed counts
const packed = JSON.parse(npm(lib, 'pack', '--json', '--pack-destination', dir, '--silent').stdout)[0];
console.log(packed.id, packed.filename, packed.unpackedSize, packed.entryCount, /^sha512-/.test(packed.integrity),
    JSON.stringify(packed.files.map((f) => [f.path, f.size, f.mode])));
const app = path.join(dir, 'app');
fs.mkdirSync(app);
fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '0.1.0', private: true,
    scripts: { hello: 'echo hello from $npm_package_name $npm_package_version', pretest: 'echo before test', test: 'echo testing', fail: 'exit 3' } }, null, 2));
npm(app, 'install', path.join(dir, 'greeter-1.2.3.tgz'));
console.log(JSON.stringify(JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')).dependencies));
console.log(require(path.join(app, 'node_modules', 'greeter')).greet('npm'));
npm(app, 'ls');
npm(app, 'ls', '--json');
npm(app, 'run', 'hello');
npm(app, 'test');
npm(app, 'run', 'fail', '--silent');
npm(app, 'run');
npm(app, 'pkg', 'get', 'name', 'version');
npm(app, 'uninstall', 'greeter');
npm(app, 'ls');
fs.rmSync(dir, { recursive: true });
