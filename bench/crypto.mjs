// bench/crypto.mjs: node:crypto over 100 MB (sha256, hmac-sha256, aes-256-gcm
// in 64 KB updates, as a stream feeds them) and pbkdf2-sha256 (100,000
// iterations), run by bench/crypto.sh under node and corojs alike. Prints one
// JSON line: {"op": MB/s (or runs/s for pbkdf2), ...}, each the best of
// BENCH_ROUNDS rounds (default 3).
import crypto from 'node:crypto';
import { bestSeconds } from './lib.mjs';

const TOTAL = 100 << 20;
const CHUNK = 64 << 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const chunk = crypto.randomBytes(CHUNK);
const key = crypto.randomBytes(32);

const best = (fn) => bestSeconds(fn, ROUNDS);

function feed(update) {
  for (let n = 0; n < TOTAL; n += CHUNK) update(chunk);
}

const mb = TOTAL / (1 << 20);
const out = {
  sha256: mb / best(() => { const h = crypto.createHash('sha256'); feed((c) => h.update(c)); h.digest(); }),
  'hmac-sha256': mb / best(() => { const h = crypto.createHmac('sha256', key); feed((c) => h.update(c)); h.digest(); }),
  'aes-256-gcm': mb / best(() => {
    const c = crypto.createCipheriv('aes-256-gcm', key, key.subarray(0, 12));
    feed((b) => c.update(b));
    c.final();
    c.getAuthTag();
  }),
  'pbkdf2 (runs/s)': 1 / best(() => crypto.pbkdf2Sync('password', 'salt', 100000, 32, 'sha256')),
};
console.log(JSON.stringify(out));
