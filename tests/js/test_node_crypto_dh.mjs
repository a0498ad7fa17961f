// node:crypto's key agreement and primes (lib/node/bindings/crypto.js over
// src/prim/crypto_dh.c): classic Diffie-Hellman and the modp groups, the ECDH
// class and ECDH.convertKey, DH and DSA key pairs, crypto.diffieHellman with
// DH keys, generatePrime/checkPrime. Checked against the `openssl` command
// run here (shared secrets, signatures, primes) and the RFCs' groups; bad
// input gets Node's errors.
import { test, assert, event, tmpdir } from './harness.mjs';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const dir = fs.mkdtempSync(`${tmpdir}/crypto-dh-`);
const file = (name, data) => {
  const path = `${dir}/${name}`;
  fs.writeFileSync(path, data);
  return path;
};
const openssl = (args, input) => execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'ignore'] });

// fn(...args, cb) -> { err, value }, waiting for the callback.
function callback(fn, ...args) {
  const done = event();
  let sync = true;
  fn(...args, (err, ...value) => done.fire({ err, value, sync }));
  sync = false;
  return done.wait();
}

test('classic DH: two parties agree, getters and setters, a private key kept by generateKeys', () => {
  const a = crypto.createDiffieHellman(512);
  const b = crypto.createDiffieHellman(a.getPrime(), a.getGenerator());
  assert.equal(a.getPrime().length, 64);
  assert.equal(a.getGenerator('hex'), '02');
  const pa = a.generateKeys(), pb = b.generateKeys('hex');
  const s1 = a.computeSecret(pb, 'hex', 'base64'), s2 = b.computeSecret(pa, null, 'base64');
  assert.equal(s1, s2);
  assert.equal(Buffer.from(s1, 'base64').length, 64, 'the secret is padded to the size of the prime');
  // a third party with a's private key computes the same secret
  const c = crypto.createDiffieHellman(a.getPrime(), 'buffer', Buffer.from([2]));
  c.setPrivateKey(a.getPrivateKey());
  assert.equal(c.computeSecret(pb, 'hex', 'base64'), s1);
  c.setPublicKey(pa);
  assert.ok(c.getPublicKey().equals(pa));
  // generateKeys keeps a private key that was set
  const d = crypto.createDiffieHellman(a.getPrime());
  d.setPrivateKey(a.getPrivateKey());
  assert.ok(d.generateKeys().equals(pa));
  assert.equal(a.verifyError, 0);
});

test('modp groups: RFC 3526 primes, generator 2, no setters on a group, agreement', () => {
  const g = crypto.getDiffieHellman('modp14');
  const p = g.getPrime('hex');
  assert.equal(p.length, 512);
  assert.ok(p.startsWith('ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd1'));
  assert.ok(p.endsWith('15728e5a8aacaa68ffffffffffffffff'));
  assert.equal(g.getGenerator('hex'), '02');
  assert.equal(g.setPublicKey, undefined);
  assert.equal(g.setPrivateKey, undefined);
  const h = crypto.createDiffieHellmanGroup('modp14');
  const pg = g.generateKeys(), ph = h.generateKeys();
  assert.ok(g.computeSecret(ph).equals(h.computeSecret(pg)));
  // without keys of its own there is nothing to compute with (Node's error)
  assert.throws(() => crypto.getDiffieHellman('modp14').computeSecret(ph),
    { name: 'RangeError', code: 'ERR_CRYPTO_INVALID_KEYTYPE', message: 'Invalid key type' });
  for (const [name, bits] of [['modp1', 768], ['modp2', 1024], ['modp5', 1536], ['modp15', 3072],
    ['modp16', 4096], ['modp17', 6144], ['modp18', 8192]]) {
    assert.equal(crypto.getDiffieHellman(name).getPrime().length * 8, bits, name);
  }
});

test('DH key pairs: a group, a prime, a prime length; the secret is what openssl derives', () => {
  const a = crypto.generateKeyPairSync('dh', { group: 'modp14' });
  const b = crypto.generateKeyPairSync('dh', { group: 'modp14' });
  assert.equal(a.privateKey.asymmetricKeyType, 'dh');
  const ours = crypto.diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey });
  assert.ok(ours.equals(crypto.diffieHellman({ privateKey: b.privateKey, publicKey: a.publicKey })));
  const theirs = openssl(['pkeyutl', '-derive',
    '-inkey', file('a.pem', a.privateKey.export({ type: 'pkcs8', format: 'pem' })),
    '-peerkey', file('b.pem', b.publicKey.export({ type: 'spki', format: 'pem' }))]);
  assert.equal(theirs.toString('hex'), ours.toString('hex'));
  const prime = crypto.getDiffieHellman('modp5').getPrime();
  const c = crypto.generateKeyPairSync('dh', { prime, generator: 2 });
  const d = crypto.generateKeyPairSync('dh', { prime });
  assert.equal(crypto.diffieHellman({ privateKey: c.privateKey, publicKey: d.publicKey }).length, 192);
  const e = crypto.generateKeyPairSync('dh', { primeLength: 512, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  assert.ok(e.publicKey.startsWith('-----BEGIN PUBLIC KEY-----'));
  // keys of two groups do not agree
  assert.throws(() => crypto.diffieHellman({ privateKey: a.privateKey, publicKey: c.publicKey }),
    { code: /^ERR_OSSL_/ });
  const { err, value, sync } = callback(crypto.generateKeyPair, 'dh', { group: 'modp5' });
  assert.equal(err, null);
  assert.equal(sync, false);
  assert.equal(value[1].asymmetricKeyType, 'dh');
});

test('ECDH: agreement, formats, setPrivateKey derives the public key, as the EC key objects and openssl', () => {
  const a = crypto.createECDH('prime256v1'), b = crypto.createECDH('prime256v1');
  const pa = a.generateKeys(), pb = b.generateKeys(null, 'compressed');
  assert.equal(pa.length, 65);
  assert.equal(pb.length, 33);
  assert.ok(a.computeSecret(pb).equals(b.computeSecret(pa)));
  assert.equal(a.getPublicKey('hex', 'hybrid').slice(2), a.getPublicKey('hex').slice(2));
  // an EC key pair's private scalar gives the same public point, and the
  // secret is what openssl derives from the PEM keys
  const k = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const peer = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = k.privateKey.export({ format: 'jwk' });
  const e = crypto.createECDH('prime256v1');
  e.setPrivateKey(Buffer.from(jwk.d, 'base64url'));
  const pub = e.getPublicKey();
  assert.equal(pub.subarray(1, 33).toString('base64url'), jwk.x);
  assert.equal(pub.subarray(33).toString('base64url'), jwk.y);
  const pj = peer.publicKey.export({ format: 'jwk' });
  const peerPoint = Buffer.concat([Buffer.from([4]), Buffer.from(pj.x, 'base64url'), Buffer.from(pj.y, 'base64url')]);
  const secret = e.computeSecret(peerPoint);
  assert.ok(secret.equals(crypto.diffieHellman({ privateKey: k.privateKey, publicKey: peer.publicKey })));
  const theirs = openssl(['pkeyutl', '-derive',
    '-inkey', file('ec.pem', k.privateKey.export({ type: 'pkcs8', format: 'pem' })),
    '-peerkey', file('ecpeer.pem', peer.publicKey.export({ type: 'spki', format: 'pem' }))]);
  assert.equal(theirs.toString('hex'), secret.toString('hex'));
  // convertKey: compressed and back
  const small = crypto.ECDH.convertKey(peerPoint, 'prime256v1', null, 'hex', 'compressed');
  assert.equal(small.length, 66);
  assert.equal(crypto.ECDH.convertKey(small, 'prime256v1', 'hex', 'hex', 'uncompressed'), peerPoint.toString('hex'));
  const x = crypto.createECDH('secp256k1');
  assert.equal(x.generateKeys().length, 65);
});

test('DSA key pairs: openssl verifies our signature, we verify openssl\'s', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  assert.deepEqual(privateKey.asymmetricKeyDetails, { modulusLength: 2048, divisorLength: 256 });
  const data = Buffer.from('signed by corojs');
  const sig = crypto.sign('sha256', data, privateKey);
  const out = openssl(['dgst', '-sha256', '-verify', file('dsa.pub', publicKey.export({ type: 'spki', format: 'pem' })),
    '-signature', file('dsa.sig', sig), file('data', data)]).toString();
  assert.equal(out.trim(), 'Verified OK');
  const params = `${dir}/dsaparams.pem`, key = `${dir}/dsakey.pem`;
  openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', params]);
  openssl(['genpkey', '-paramfile', params, '-out', key]);
  const theirs = openssl(['dgst', '-sha256', '-sign', key, file('data2', data)]);
  const pem = fs.readFileSync(key);
  assert.ok(crypto.verify('sha256', data, crypto.createPublicKey(pem), theirs));
  assert.ok(!crypto.verify('sha256', Buffer.from('other'), crypto.createPublicKey(pem), theirs));
  const { err, value } = callback(crypto.generateKeyPair, 'dsa', { modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
  assert.equal(err, null);
  assert.ok(Buffer.isBuffer(value[0]) && value[1].startsWith('-----BEGIN PRIVATE KEY-----'));
});

test('primes: generatePrime (sync, callback, bigint, safe, add/rem) and checkPrime, as openssl sees them', () => {
  const p = crypto.generatePrimeSync(64, { bigint: true });
  assert.equal(p.toString(2).length, 64);
  assert.match(openssl(['prime', p.toString()]).toString(), /is prime/);
  assert.ok(crypto.checkPrimeSync(p));
  assert.ok(crypto.checkPrimeSync(2n ** 61n - 1n));
  assert.ok(!crypto.checkPrimeSync(2n ** 61n + 1n));
  assert.ok(!crypto.checkPrimeSync(Buffer.from([1])));
  assert.ok(crypto.checkPrimeSync(Buffer.from([0x7f]), { checks: 10 }));
  const buf = crypto.generatePrimeSync(32);
  assert.ok(buf instanceof ArrayBuffer && buf.byteLength === 4);
  const safe = crypto.generatePrimeSync(48, { safe: true, bigint: true });
  assert.ok(crypto.checkPrimeSync((safe - 1n) / 2n));
  const r = crypto.generatePrimeSync(32, { add: 12n, rem: 11n, bigint: true });
  assert.equal(r % 12n, 11n);
  const g = callback(crypto.generatePrime, 40, { bigint: true });
  assert.equal(g.err, undefined);
  assert.equal(g.sync, false);
  assert.match(openssl(['prime', g.value[0].toString()]).toString(), /is prime/);
  const c = callback(crypto.checkPrime, 2n ** 89n - 1n);
  assert.equal(c.err, undefined);
  assert.equal(c.value[0], true);
});

test('bad input: Node\'s errors for wrong types, bad keys, invalid public keys', () => {
  for (const bad of [{}, [1, 2], () => {}, true]) {
    assert.throws(() => crypto.createDiffieHellman(bad), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  }
  assert.throws(() => crypto.createDiffieHellman(1), { code: 'ERR_OSSL_DH_MODULUS_TOO_SMALL', message: /modulus too small/ });
  assert.throws(() => crypto.createDiffieHellman('abcdef', 1), { code: 'ERR_OSSL_DH_BAD_GENERATOR' });
  assert.throws(() => crypto.createDiffieHellman('abcdef', Buffer.from([1])), { code: 'ERR_OSSL_DH_BAD_GENERATOR' });
  assert.throws(() => crypto.createDiffieHellman('abcdef', 'hex', true), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => crypto.getDiffieHellman('modp3'), { code: 'ERR_CRYPTO_UNKNOWN_DH_GROUP', message: 'Unknown DH group' });
  const dh = crypto.getDiffieHellman('modp2');
  assert.throws(() => dh.getPublicKey(), {
    code: 'ERR_CRYPTO_INVALID_STATE', message: 'No public key - did you forget to generate one?',
  });
  assert.throws(() => dh.getPrivateKey(), { code: 'ERR_CRYPTO_INVALID_STATE' });
  dh.generateKeys();
  assert.throws(() => dh.computeSecret(Buffer.from([0])), {
    name: 'RangeError', code: 'ERR_CRYPTO_INVALID_KEYLEN', message: 'Supplied key is too small',
  });
  assert.throws(() => dh.computeSecret(dh.getPrime()), { code: 'ERR_CRYPTO_INVALID_KEYLEN', message: 'Supplied key is too large' });
  assert.throws(() => dh.computeSecret({}), { code: 'ERR_INVALID_ARG_TYPE' });

  assert.throws(() => crypto.createECDH(), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => crypto.createECDH('no-such-curve'), { name: 'TypeError', code: 'ERR_CRYPTO_INVALID_CURVE' });
  const e = crypto.createECDH('prime256v1');
  assert.throws(() => e.computeSecret(Buffer.alloc(65, 4)), { name: 'RangeError', code: 'ERR_CRYPTO_INVALID_KEYPAIR' });
  assert.throws(() => e.getPublicKey(), { code: 'ERR_CRYPTO_OPERATION_FAILED', message: 'Failed to get ECDH public key' });
  e.generateKeys();
  assert.throws(() => e.computeSecret(Buffer.from([4, 1, 2, 3])), {
    code: 'ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY', message: 'Public key is not valid for specified curve',
  });
  assert.throws(() => e.setPublicKey(Buffer.from([4, 1, 2])), {
    code: 'ERR_CRYPTO_OPERATION_FAILED', message: 'Failed to convert Buffer to EC_POINT',
  });
  assert.throws(() => e.setPrivateKey(Buffer.alloc(32)), {
    name: 'RangeError', code: 'ERR_CRYPTO_INVALID_KEYTYPE', message: 'Private key is not valid for specified curve.',
  });
  assert.throws(() => e.setPrivateKey(Buffer.alloc(32, 0xff)), { code: 'ERR_CRYPTO_INVALID_KEYTYPE' });
  assert.throws(() => e.getPublicKey('hex', 'sideways'), { name: 'TypeError', code: 'ERR_CRYPTO_ECDH_INVALID_FORMAT' });
  assert.throws(() => crypto.ECDH.convertKey(Buffer.from([4, 1]), 'prime256v1'), { code: 'ERR_CRYPTO_OPERATION_FAILED' });
  assert.throws(() => crypto.ECDH.convertKey(Buffer.from([4, 1]), 'nope'), { code: 'ERR_CRYPTO_INVALID_CURVE' });
  assert.throws(() => crypto.ECDH.convertKey(1, 'prime256v1'), { code: 'ERR_INVALID_ARG_TYPE' });

  assert.throws(() => crypto.generateKeyPairSync('dh', {}), { code: 'ERR_MISSING_OPTION' });
  assert.throws(() => crypto.generateKeyPairSync('dh', { group: 'modp99' }), { code: 'ERR_CRYPTO_UNKNOWN_DH_GROUP' });
  assert.throws(() => crypto.generateKeyPair('dh', { group: 'modp99' }, () => {}), { code: 'ERR_CRYPTO_UNKNOWN_DH_GROUP' });
  assert.throws(() => crypto.generateKeyPairSync('dh', { prime: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => crypto.generateKeyPairSync('dsa', { modulusLength: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => crypto.generateKeyPairSync('dsa', { modulusLength: 512, divisorLength: 4096 }),
    { name: 'Error', message: 'Key generation job failed' });

  assert.throws(() => crypto.generatePrimeSync(0), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => crypto.generatePrimeSync('8'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => crypto.generatePrimeSync(8, { add: 1024n }), { code: 'ERR_OUT_OF_RANGE', message: 'invalid options.add' });
  assert.throws(() => crypto.generatePrime(8, { add: 12n, rem: 13n }, () => {}),
    { code: 'ERR_OUT_OF_RANGE', message: 'invalid options.rem' });
  assert.throws(() => crypto.checkPrimeSync('7'), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => crypto.checkPrimeSync(7n, { checks: -1 }), { code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => crypto.checkPrime(7n, 1, () => {}), { code: 'ERR_INVALID_ARG_TYPE' });
});

fs.rmSync(dir, { recursive: true });
