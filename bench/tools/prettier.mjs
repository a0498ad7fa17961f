// bench/tools.sh: prettier formats one file (argv[2]) through its API, as
// its command does without the cache; prints the formatted length.
import * as prettier from 'prettier';
import fs from 'node:fs';
const text = fs.readFileSync(process.argv[2], 'utf8');
const out = await prettier.format(text, { filepath: process.argv[2] });
console.log(out.length);
