// node:crypto: Node's own lib/crypto.js over internalBinding('crypto')
// (lib/node/bindings/crypto.js, src/prim/crypto.c on OpenSSL). Known answers
// from the RFCs and NIST, and from the `openssl` command run here; bad input
// gets Node's errors.
import { test, assert, event, tmpdir } from './harness.mjs';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const hex = (b) => Buffer.from(b).toString('hex');
const openssl = (args, input) => execFileSync('openssl', args, { input }).toString().trim();

test('digests: RFC and openssl known answers, encodings, XOFs, copy, one-shot', () => {
  assert.equal(crypto.createHash('sha256').update('abc').digest('hex'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const data = crypto.randomBytes(100000);
  for (const md of ['md5', 'sha1', 'sha224', 'sha384', 'sha512', 'sha3-256', 'sha512-256', 'blake2b512', 'sm3']) {
    const want = openssl(['dgst', `-${md}`, '-r'], data).split(' ')[0];
    assert.equal(crypto.createHash(md).update(data.subarray(0, 1000)).update(data.subarray(1000)).digest('hex'), want, md);
  }
  assert.equal(crypto.createHash('shake256', { outputLength: 40 }).update(data).digest('hex'),
    openssl(['dgst', '-shake256', '-xoflen', '40', '-r'], data).split(' ')[0]);
  assert.equal(crypto.createHash('shake128', { outputLength: 0 }).update('x').digest('hex'), '');
  const h = crypto.createHash('sha1').update('ab');
  const copy = h.copy();
  assert.equal(h.update('c').digest('base64'), 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=');
  assert.equal(copy.update('c').digest('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(crypto.createHash('md5').update('616263', 'hex').digest('hex'), '900150983cd24fb0d6963f7d28e17f72');
  assert.ok(Buffer.isBuffer(crypto.createHash('md5').digest()));
  assert.equal(crypto.hash('sha1', 'abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(crypto.hash('sha256', Buffer.from('abc'), 'base64url'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  assert.ok(crypto.getHashes().includes('sha3-512') && crypto.getHashes().includes('RSA-SHA256'));
});

test('HMAC: RFC 4231 and openssl known answers; a KeyObject key', () => {
  assert.equal(crypto.createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  const key = crypto.randomBytes(70);
  const data = crypto.randomBytes(5000);
  assert.equal(crypto.createHmac('sha512', crypto.createSecretKey(key)).update(data).digest('hex'),
    openssl(['mac', '-digest', 'SHA512', '-macopt', `hexkey:${hex(key)}`, 'HMAC'], data).toLowerCase());
  assert.equal(crypto.createHmac('sha256', '').digest('hex'),
    'b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad');
});

test('random bytes, randomFill, randomInt, randomUUID, getRandomValues', () => {
  const a = crypto.randomBytes(32), b = crypto.randomBytes(32);
  assert.ok(a.length === 32 && !a.equals(b));
  const u32 = new Uint32Array(8);
  crypto.randomFillSync(u32, 2, 4);
  assert.ok(u32[0] === 0 && u32[1] === 0 && u32[6] === 0 && u32[7] === 0);
  for (let i = 0; i < 100; i++) {
    const n = crypto.randomInt(5, 10);
    assert.ok(Number.isInteger(n) && n >= 5 && n < 10);
  }
  assert.match(crypto.randomUUID(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(crypto.getRandomValues(new Uint8Array(4)).length, 4);
  const done = event();
  let returned = false;
  crypto.randomFill(new Uint8Array(16), (err, buf) => done.fire([err, buf.length, returned]));
  returned = true;
  assert.deepEqual(done.wait(), [null, 16, true]);
});

test('PBKDF2, scrypt and HKDF: RFC 6070, 7914 and 5869 answers, sync and async on the pool', () => {
  assert.equal(hex(crypto.pbkdf2Sync('password', 'salt', 2, 20, 'sha1')), 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957');
  assert.equal(hex(crypto.scryptSync('password', 'NaCl', 64, { N: 1024, r: 8, p: 16 })),
    'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640');
  const ikm = Buffer.alloc(22, 0x0b);
  const salt = Buffer.from('000102030405060708090a0b0c', 'hex');
  const info = Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex');
  const okm = '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865';
  assert.equal(hex(crypto.hkdfSync('sha256', ikm, salt, info, 42)), okm);

  const results = [];
  const all = event();
  let returned = false;
  const got = (name) => (err, key) => {
    results.push([name, err, hex(key), returned]);
    if (results.length === 3) all.fire();
  };
  crypto.pbkdf2('password', 'salt', 2, 20, 'sha1', got('pbkdf2'));
  crypto.scrypt('password', 'NaCl', 64, { N: 1024, r: 8, p: 16 }, got('scrypt'));
  crypto.hkdf('sha256', ikm, salt, info, 42, got('hkdf'));
  returned = true;
  all.wait();
  results.sort((x, y) => x[0].localeCompare(y[0]));
  assert.deepEqual(results.map((r) => [r[0], r[1], r[3]]),
    [['hkdf', null, true], ['pbkdf2', null, true], ['scrypt', null, true]]);
  assert.equal(results[0][2], okm);
  assert.equal(results[1][2], 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957');
});

test('ciphers: NIST GCM vector, openssl CBC/CTR answers, AAD, auto padding, chacha20-poly1305, ccm', () => {
  const zero16 = Buffer.alloc(16);
  const gcm = crypto.createCipheriv('aes-128-gcm', zero16, Buffer.alloc(12));
  assert.equal(hex(Buffer.concat([gcm.update(zero16), gcm.final()])), '0388dace60b6a392f328c2b971b2fe78');
  assert.equal(hex(gcm.getAuthTag()), 'ab6e47d42cec13bdf53a67b21257bddf');

  const key = crypto.randomBytes(32), iv = crypto.randomBytes(16), plain = crypto.randomBytes(1000);
  for (const name of ['aes-256-cbc', 'aes-256-ctr']) {
    const c = crypto.createCipheriv(name, key, iv);
    const ct = Buffer.concat([c.update(plain.subarray(0, 333)), c.update(plain.subarray(333)), c.final()]);
    assert.equal(hex(ct), hex(execFileSync('openssl', ['enc', `-${name}`, '-K', hex(key), '-iv', hex(iv)], { input: plain })), name);
    const d = crypto.createDecipheriv(name, key, iv);
    assert.ok(Buffer.concat([d.update(ct), d.final()]).equals(plain));
  }
  const nopad = crypto.createCipheriv('aes-128-ecb', zero16, null).setAutoPadding(false);
  assert.equal(nopad.update(zero16, undefined, 'hex') + nopad.final('hex'), '66e94bd4ef8a2c3b884cfa59ca342b2e');

  for (const [name, ivLen, options] of [['chacha20-poly1305', 12, { authTagLength: 16 }],
    ['aes-256-gcm', 12, undefined], ['aes-256-ccm', 13, { authTagLength: 8 }], ['aes-256-ocb', 12, { authTagLength: 16 }]]) {
    const nonce = crypto.randomBytes(ivLen);
    const c = crypto.createCipheriv(name, key, nonce, options);
    c.setAAD(Buffer.from('header'), { plaintextLength: plain.length });
    const ct = Buffer.concat([c.update(plain), c.final()]);
    const tag = c.getAuthTag();
    const d = crypto.createDecipheriv(name, key, nonce, options);
    d.setAuthTag(tag);
    d.setAAD(Buffer.from('header'), { plaintextLength: plain.length });
    assert.ok(Buffer.concat([d.update(ct), d.final()]).equals(plain), name);
    const bad = crypto.createDecipheriv(name, key, nonce, options);
    bad.setAuthTag(Buffer.from(tag.map((x) => x ^ 1)));
    bad.setAAD(Buffer.from('header'), { plaintextLength: plain.length });
    assert.throws(() => { bad.update(ct); bad.final(); },
      { name: 'Error', message: /^Unsupported state or unable to authenticate data$/ });
  }
  const info = crypto.getCipherInfo('aes-256-gcm');
  assert.deepEqual([info.name, info.mode, info.keyLength, info.ivLength], ['id-aes256-gcm', 'gcm', 32, 12]);
  assert.equal(crypto.getCipherInfo('aes-128-ccm', { ivLength: 20 }), undefined);
  assert.ok(crypto.getCiphers().includes('aes-256-gcm'));
});

test('keys and signatures: openssl reads what we write and we read what it writes', () => {
  const file = (name, data) => {
    const path = `${tmpdir}/crypto-${name}`;
    fs.writeFileSync(path, data);
    return path;
  };
  const data = crypto.randomBytes(1000);
  const dataFile = file('data', data);
  for (const [type, options, digest] of [['rsa', { modulusLength: 2048 }, 'sha256'],
    ['ec', { namedCurve: 'P-256' }, 'sha384'], ['rsa-pss', { modulusLength: 2048 }, 'sha256']]) {
    const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options);
    const pub = file(`${type}.pub`, publicKey.export({ type: 'spki', format: 'pem' }));
    const sig = crypto.sign(digest, data, privateKey);
    const args = ['dgst', `-${digest}`, '-verify', pub, '-signature', file(`${type}.sig`, sig)];
    if (type === 'rsa-pss') args.push('-sigopt', 'rsa_padding_mode:pss');
    assert.match(execFileSync('openssl', [...args, dataFile]).toString(), /Verified OK/, type);
    assert.ok(crypto.verify(digest, data, publicKey, sig) && !crypto.verify(digest, data.subarray(1), publicKey, sig));
  }
  const pem = execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519']).toString();
  const ed = crypto.createPrivateKey(pem);
  assert.equal(ed.asymmetricKeyType, 'ed25519');
  const edPub = file('ed.pub', crypto.createPublicKey(ed).export({ type: 'spki', format: 'pem' }));
  const edSig = crypto.sign(null, data, ed);
  assert.match(execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', edPub, '-rawin', '-in', dataFile,
    '-sigfile', file('ed.sig', edSig)]).toString(), /Signature Verified Successfully/);
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encrypted = file('enc', crypto.publicEncrypt(rsa.publicKey, Buffer.from('secret')));
  const priv = file('rsa.key', rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }));
  assert.equal(execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', priv, '-passin', 'pass:pw', '-in', encrypted,
    '-pkeyopt', 'rsa_padding_mode:oaep']).toString(), 'secret');
  assert.throws(() => crypto.createPrivateKey(fs.readFileSync(priv)), { message: /interrupted or cancelled/ });
  assert.throws(() => crypto.createPrivateKey({ key: fs.readFileSync(priv), passphrase: 'wrong' }), { name: 'Error' });
  assert.throws(() => crypto.createPublicKey('not a key'), { name: 'Error', library: 'DECODER routines' });
  assert.throws(() => crypto.generateKeyPairSync('ec', { namedCurve: 'nope' }), { code: 'ERR_CRYPTO_INVALID_CURVE' });
  const done = event();
  crypto.generateKeyPair('ed25519', {}, (err, publicKey, privateKey) => done.fire([err, publicKey.type, privateKey.type]));
  assert.deepEqual(done.wait(), [null, 'public', 'private']);
});

test('crypto.subtle: digest, HMAC, AES-GCM, PBKDF2 against node:crypto', () => {
  const { subtle } = globalThis.crypto;
  const bytes = new TextEncoder().encode('abc');
  assert.equal(hex(Fiber.await(subtle.digest('SHA-256', bytes))), crypto.hash('sha256', 'abc'));
  const hmacKey = Fiber.await(subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']));
  assert.equal(hex(Fiber.await(subtle.sign('HMAC', hmacKey, bytes))), crypto.createHmac('sha256', 'abc').update('abc').digest('hex'));
  const aes = Fiber.await(subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']));
  const iv = crypto.randomBytes(12);
  const sealed = Fiber.await(subtle.encrypt({ name: 'AES-GCM', iv }, aes, bytes));
  assert.equal(new TextDecoder().decode(Fiber.await(subtle.decrypt({ name: 'AES-GCM', iv }, aes, sealed))), 'abc');
  const tampered = new Uint8Array(sealed);
  tampered[0] ^= 1;
  const rejected = Fiber.await(subtle.decrypt({ name: 'AES-GCM', iv }, aes, tampered).then(() => null, (e) => e));
  const pw = Fiber.await(subtle.importKey('raw', new TextEncoder().encode('password'), 'PBKDF2', false, ['deriveBits']));
  const bits = Fiber.await(subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: new TextEncoder().encode('salt'), iterations: 2 }, pw, 160));
  assert.equal(hex(bits), 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957');
  assert.equal(rejected?.name, 'OperationError');
  assert.equal(rejected?.cause?.message, 'Unsupported state or unable to authenticate data');
});

test('bad input gets Node\'s errors', () => {
  assert.throws(() => crypto.createHash(1), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  assert.throws(() => crypto.createHash('nope'), { name: 'Error', message: /^Digest method not supported$/ });
  assert.throws(() => crypto.createHash('sha256', { outputLength: 8 }), { code: 'ERR_OSSL_EVP_NOT_XOF_OR_INVALID_LENGTH' });
  assert.throws(() => crypto.hash('nope', 'x'), { message: /^Digest method nope is not supported$/ });
  assert.throws(() => crypto.createHash('sha1').update(5), { code: 'ERR_INVALID_ARG_TYPE' });
  const done = crypto.createHash('sha1');
  done.digest();
  assert.throws(() => done.update('x'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });
  assert.throws(() => crypto.createHmac('nope', 'k'), { code: 'ERR_CRYPTO_INVALID_DIGEST', message: /^Invalid digest: nope$/ });
  assert.throws(() => crypto.createHmac('sha1', 5), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => crypto.createCipheriv('nope', Buffer.alloc(16), Buffer.alloc(16)),
    { code: 'ERR_CRYPTO_UNKNOWN_CIPHER', message: /^Unknown cipher$/ });
  assert.throws(() => crypto.createCipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(8)),
    { code: 'ERR_CRYPTO_INVALID_IV', name: 'TypeError' });
  assert.throws(() => crypto.createCipheriv('aes-128-cbc', Buffer.alloc(15), Buffer.alloc(16)),
    { code: 'ERR_CRYPTO_INVALID_KEYLEN', name: 'RangeError' });
  assert.throws(() => crypto.createCipheriv('aes-128-ccm', Buffer.alloc(16), Buffer.alloc(12)),
    { code: 'ERR_CRYPTO_INVALID_AUTH_TAG', message: /^authTagLength required for aes-128-ccm$/ });
  const cbc = crypto.createDecipheriv('aes-128-cbc', Buffer.alloc(16), Buffer.alloc(16));
  cbc.update(Buffer.alloc(16));
  assert.throws(() => cbc.final(), { code: 'ERR_OSSL_BAD_DECRYPT', reason: 'bad decrypt' });
  assert.throws(() => crypto.pbkdf2Sync('p', 's', 1, 10, 'nope'), { code: 'ERR_CRYPTO_INVALID_DIGEST' });
  assert.throws(() => crypto.pbkdf2('p', 's', 1, 10, 'sha1'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => crypto.scryptSync('p', 's', 10, { N: 3 }), { code: 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS' });
  assert.throws(() => crypto.hkdfSync('sha256', 'k', 's', 'i', 255 * 32 + 1), { code: 'ERR_CRYPTO_INVALID_KEYLEN' });
  assert.throws(() => crypto.randomBytes(-1), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => crypto.timingSafeEqual(Buffer.alloc(2), Buffer.alloc(3)),
    { code: 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', name: 'RangeError' });
  assert.throws(() => crypto.timingSafeEqual('ab', Buffer.alloc(2)), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.ok(crypto.timingSafeEqual(Buffer.from('ab'), new Uint8Array([97, 98])));
});

test('states nobody finishes are freed with their objects', () => {
  for (let i = 0; i < 2000; i++) {
    crypto.createHash('sha256').update('x');
    crypto.createHmac('sha256', 'k').update('x');
    crypto.createCipheriv('aes-128-gcm', Buffer.alloc(16), Buffer.alloc(12)).update('x');
  }
  assert.ok(true);
});
