const fs = require('fs');
const os = require('os');
const path = require('path');
const dotenv = require('dotenv');
const parsed = dotenv.parse(Buffer.from([
    '# a comment', 'BASIC=basic', 'EMPTY=', 'QUOTED="with spaces"', "SINGLE='single # not comment'",
    'MULTI="line1\nline2"', 'INLINE=value # comment', 'export EXPORTED=yes', '  SPACED  =  trimmed  ',
    'EQUALS=a=b=c', 'BACKTICK=`back`',
].join('\n')));
console.log(JSON.stringify(parsed));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
const file = path.join(dir, '.env');
fs.writeFileSync(file, 'DOTENV_A=1\nDOTENV_B=two\nDOTENV_REF=${DOTENV_B}\nHOME_OVERRIDE=no\n');
process.env.HOME_OVERRIDE = 'kept';
const res = dotenv.config({ path: file, quiet: true });
console.log(JSON.stringify(res.parsed));
console.log(process.env.DOTENV_A, process.env.DOTENV_B, process.env.HOME_OVERRIDE);
const res2 = dotenv.config({ path: file, override: true, quiet: true });
console.log(process.env.HOME_OVERRIDE, Object.keys(res2.parsed).length);
const missing = dotenv.config({ path: path.join(dir, 'nope.env'), quiet: true });
console.log(missing.error.code, missing.error.syscall);
const target = {};
dotenv.populate(target, { X: '1', Y: '2' });
console.log(JSON.stringify(target));
fs.rmSync(dir, { recursive: true });
