// internalBinding('crypto'): what Node's lib/crypto.js and
// lib/internal/crypto/*.js ask of src/crypto/*.cc, over OpenSSL
// (__primordials.crypto, src/prim/crypto.c): Hash, Hmac, CipherBase, the
// *Job classes of the key derivations and random bytes, secret KeyObject
// handles, timingSafeEqual, the lists of names and the constants.
//
// A job (PBKDF2Job, ScryptJob, HKDFJob, RandomBytesJob, HashJob) is made
// with kCryptoJobSync or kCryptoJobAsync; its constructor checks the
// arguments (and throws, as Node's does). run() then:
// - sync: does the work at once and returns [err] or [undefined, result];
// - async: does it on libuv's pool, parking only a fiber of its own, and
//   calls job.ondone(err) or job.ondone(undefined, result) from that fiber,
//   later, never before run() has returned.
//
// Asymmetric keys (src/prim/crypto_keys.c): KeyObjectHandle over an
// EVP_PKEY (PEM/DER in and out), key pair generation (RSA, RSA-PSS, EC,
// Ed25519/Ed448, X25519/X448), Sign/Verify/SignJob, RSA encryption.
// Key agreement and primes (src/prim/crypto_dh.c): DiffieHellman,
// DiffieHellmanGroup, ECDH, DH and DSA key pairs, RandomPrimeJob,
// CheckPrimeJob.
//
// Not here yet (each throws ERR_NOT_IMPLEMENTED, lib/node/unimplemented.js):
// JWK import/export of asymmetric keys, X509Certificate, Certificate (SPKAC), and
// the WebCrypto jobs behind crypto.subtle other than digest and the key
// derivations.
//
// A binding of another area (tls's SecureContext) joins with one line at the
// end: `binding.SecureContext = ...`.

import P from 'corojs:internal/primordials';
import { requireNode } from 'corojs:internal/node/builtins';
import { call } from 'corojs:internal/node/bindings/fs';
import { ERR_NOT_IMPLEMENTED, notImplemented, unimplementedClass } from 'corojs:internal/node/unimplemented';

const C = P.crypto;

let BufferClass;
const Buffer = () => (BufferClass ??= requireNode('buffer').Buffer);

const kCryptoJobAsync = 0;
const kCryptoJobSync = 1;
const kKeyTypeSecret = 0;

// A Uint8Array from C as a Buffer, or as a string in `encoding` ('buffer',
// undefined or an unknown encoding: the Buffer, as Node's StringBytes does).
function encode(bytes, encoding) {
  const B = Buffer();
  Object.setPrototypeOf(bytes, B.prototype);
  if (encoding === undefined || encoding === 'buffer' || !B.isEncoding(encoding)) return bytes;
  return bytes.toString(encoding);
}

// Data for update(): a string in an encoding other than UTF-8 as its bytes
// (C takes strings as UTF-8).
function input(data, encoding) {
  if (typeof data !== 'string' || encoding === undefined || encoding === 'utf8' || encoding === 'utf-8' ||
      !Buffer().isEncoding(encoding)) return data;
  return Buffer().from(data, encoding);
}

// The bytes of a key argument: a KeyObjectHandle, an ArrayBuffer or a view.
function keyBytes(key) {
  if (key instanceof KeyObjectHandle) return key.bytes;
  return key;
}

// ------------------------------------------------------------ digests

class Hash {
  constructor(algorithm, xofLen) {
    this.state = C.hashNew(algorithm instanceof Hash ? algorithm.state : algorithm, xofLen);
  }

  update(data, encoding) { return C.update(this.state, input(data, encoding)); }

  // The digest is kept: a Hash stream's flush takes it, and digest() may
  // still ask for it (Node's C++ keeps it too).
  digest(encoding) {
    this.value ??= C.digest(this.state);
    return encode(Uint8Array.from(this.value), encoding);
  }
}

class Hmac {
  init(digest, key) { this.state = C.hmacNew(digest, keyBytes(key)); }

  update(data, encoding) { return C.update(this.state, input(data, encoding)); }

  digest(encoding) { return encode(C.digest(this.state), encoding); }
}

// crypto.hash(algorithm, input, outputEncoding)
function oneShotDigest(algorithm, algorithmId, cache, data, outputEncoding) {
  let state;
  try {
    state = C.hashNew(algorithm, undefined);
  } catch (e) {
    if (e.code === undefined) e.message = `Digest method ${algorithm} is not supported`;
    throw e;
  }
  C.update(state, data);
  return encode(C.digest(state), outputEncoding);
}

// ------------------------------------------------------------ ciphers

const modeOf = (cipher) => C.cipherInfo(cipher, -1, -1)?.mode;

class CipherBase {
  constructor(encrypt) { this.encrypt = encrypt === true; }

  // createCipher(cipher, password): the key and IV from the password
  init(cipher, password, authTagLength) {
    const mode = modeOf(cipher);
    if (this.encrypt && (mode === 'ctr' || mode === 'gcm' || mode === 'ccm')) {
      process.emitWarning(`Use Cipheriv for counter mode of ${cipher}`);
    }
    this.state = C.cipherNew(this.encrypt, cipher, password, undefined, authTagLength);
  }

  initiv(cipher, key, iv, authTagLength) {
    this.state = C.cipherNew(this.encrypt, cipher, keyBytes(key), iv, authTagLength);
    this.gcmDefaultTag = authTagLength === -1 && modeOf(cipher) === 'gcm';
  }

  update(data, encoding) {
    if (typeof data === 'string') data = Buffer().from(data, Buffer().isEncoding(encoding) ? encoding : 'utf8');
    return encode(C.cipherUpdate(this.state, data));
  }

  final() { return encode(C.cipherFinal(this.state)); }

  setAutoPadding(on) { return C.cipherSetAutoPadding(this.state, on); }

  getAuthTag() {
    const tag = C.cipherGetAuthTag(this.state);
    return tag === undefined ? undefined : encode(tag);
  }

  setAuthTag(tag) {
    const ok = C.cipherSetAuthTag(this.state, tag);
    if (ok && this.gcmDefaultTag && tag.byteLength !== 16 &&
        requireNode('internal/options').getOptionValue('--pending-deprecation')) {
      process.emitWarning('Using AES-GCM authentication tags of less than 128 bits without specifying the ' +
        'authTagLength option when initializing decryption is deprecated.', 'DeprecationWarning', 'DEP0182');
    }
    return ok;
  }

  setAAD(aad, plaintextLength) { return C.cipherSetAAD(this.state, aad, plaintextLength); }
}

// getCipherInfo(info, nameOrNid, keyLength, ivLength): fills info
function getCipherInfo(info, nameOrNid, keyLength = -1, ivLength = -1) {
  const found = C.cipherInfo(nameOrNid, keyLength, ivLength);
  return found === undefined ? undefined : Object.assign(info, found);
}

// ------------------------------------------------------------ jobs

// A job class over `work(pooled, ...args)`, with `check(...args)` run by the
// constructor; `result(value, ...args)` shapes the answer.
// An async job works on copies of its byte arguments, taken now, as Node's
// do: the caller may change its buffers meanwhile (`inPlace`: it writes into
// them, as RandomBytesJob does).
const copyBytes = (a) => (ArrayBuffer.isView(a) ? new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)) :
  a instanceof ArrayBuffer ? a.slice(0) : a);

function jobClass(name, work, check = () => {}, result = (value) => value, inPlace = false) {
  const Job = class {
    constructor(mode, ...args) {
      check(...args);
      this.mode = mode;
      this.args = mode === kCryptoJobAsync && !inPlace ? args.map(copyBytes) : args;
      this.ondone = undefined;
    }

    run() {
      if (this.mode === kCryptoJobSync) {
        try {
          return [undefined, result(work(false, ...this.args), ...this.args)];
        } catch (e) {
          return [e];
        }
      }
      call({ oncomplete: (err, value) => (err ? this.ondone(err) : this.ondone(undefined, value)) },
        (args) => result(work(true, ...args), ...args), this.args);
    }
  };
  Object.defineProperty(Job, 'name', { value: name });
  return Job;
}

const PBKDF2Job = jobClass('PBKDF2Job',
  (pooled, password, salt, iterations, keylen, digest) =>
    C.pbkdf2Job(pooled, password, salt, iterations, keylen, digest),
  (password, salt, iterations, keylen, digest) => C.digestSize(digest));

const ScryptJob = jobClass('ScryptJob',
  (pooled, password, salt, N, r, p, maxmem, keylen) =>
    C.scryptJob(pooled, password, salt, N, r, p, maxmem, keylen),
  (password, salt, N, r, p, maxmem) => C.scryptCheck(N, r, p, maxmem));

// HKDFJob(mode, digest, key (a KeyObject), salt, info, length)
const HKDFJob = jobClass('HKDFJob',
  (pooled, digest, key, salt, info, length) => C.hkdfJob(pooled, digest, secretOf(key), salt, info, length),
  (digest, key, salt, info, length) => {
    const size = C.digestSize(digest);
    if (length > 255 * size) {
      const e = new RangeError('Invalid key length');
      e.code = 'ERR_CRYPTO_INVALID_KEYLEN';
      throw e;
    }
  });

// RandomBytesJob(mode, buffer, offset, size): fills buffer's bytes
// [offset, offset + size) (of the view, or of the ArrayBuffer).
const RandomBytesJob = jobClass('RandomBytesJob',
  (pooled, buffer, offset, size) => C.randomJob(pooled, size),
  undefined,
  (bytes, buffer, offset, size) => {
    const target = ArrayBuffer.isView(buffer) ?
      new Uint8Array(buffer.buffer, buffer.byteOffset + offset, size) : new Uint8Array(buffer, offset, size);
    target.set(new Uint8Array(bytes));
    return undefined;
  }, true);

// HashJob(mode, algorithm, data[, outputLength]) -> ArrayBuffer (WebCrypto's digest)
const HashJob = jobClass('HashJob',
  (pooled, algorithm, data) => C.digestJob(pooled, algorithm, data),
  (algorithm) => C.digestSize(algorithm));

// ------------------------------------------------------------ keys

const kKeyTypePublic = 1, kKeyTypePrivate = 2, kKeyFormatJWK = 2;

// A KeyObject's native half: a secret key's bytes (copied), or an
// asymmetric key (an EVP_PKEY in C) and whether it is the private one.
class KeyObjectHandle {
  init(type, data, format, encoding, passphrase) {
    if (type === kKeyTypeSecret) {
      const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) :
        new Uint8Array(data);
      this.bytes = Uint8Array.from(view);
    } else {
      // createPublicKey(privateKeyObject): the same key, as its public half
      this.key = data instanceof KeyObjectHandle ? data.key : C.keyParse(type, data, format, encoding, passphrase);
      this.type = type;
    }
  }

  getSymmetricKeySize() { return this.bytes.length; }

  getAsymmetricKeyType() { return C.keyType(this.key); }

  keyDetail(details) {
    if (this.bytes) return Object.assign(details, { length: this.bytes.length * 8 });
    return Object.assign(details, C.keyDetail(this.key));
  }

  // export(): a secret key's bytes; export(format, type) a public key's
  // encoding, export(format, type, cipher, passphrase) a private key's.
  export(format, type, cipher, passphrase) {
    if (this.bytes) return encode(Uint8Array.from(this.bytes)); // an ArrayBuffer of its own, as WebCrypto exports it
    const out = C.keyExport(this.key, arguments.length > 2, format, type, cipher, passphrase);
    return typeof out === 'string' ? out : encode(out);
  }

  exportJwk(jwk, handleRsaPss) {
    const b64 = (bytes) => Buffer().from(bytes).toString('base64url');
    if (this.bytes) return Object.assign(jwk, { kty: 'oct', k: b64(this.bytes) });
    const type = C.keyType(this.key);
    const parts = C.keyComponents(this.key, this.type === kKeyTypePrivate);
    if (type === 'rsa' || (type === 'rsa-pss' && handleRsaPss)) {
      jwk.kty = 'RSA';
    } else if (type === 'ec') {
      const crv = jwkCurves[parts.curve];
      if (crv === undefined) throw codedError(Error, 'ERR_CRYPTO_JWK_UNSUPPORTED_CURVE', `Unsupported JWK EC curve: ${parts.curve}.`);
      Object.assign(jwk, { kty: 'EC', crv });
    } else if (okpNames[type]) {
      Object.assign(jwk, { crv: okpNames[type], kty: 'OKP' });
    } else {
      throw codedError(Error, 'ERR_CRYPTO_JWK_UNSUPPORTED_KEY_TYPE', 'Unsupported JWK Key Type.');
    }
    delete parts.curve;
    for (const [name, bytes] of Object.entries(parts)) jwk[name] = b64(bytes);
    return jwk;
  }

  equals(other) {
    if (this.bytes) return other.bytes?.length === this.bytes.length && C.timingSafeEqual(this.bytes, other.bytes);
    return other.key !== undefined && C.keyEquals(this.key, other.key);
  }

  checkEcKeyData() { return C.keyCheck(this.key, this.type === kKeyTypePrivate); }

  // initJwk(jwk, namedCurve) -> kKeyTypePublic or kKeyTypePrivate, or
  // undefined when the JWK makes no key (an RSA or EC one; Node's lib
  // checked its fields)
  initJwk(jwk, namedCurve) {
    const kind = jwk.d === undefined ? kKeyTypePublic : kKeyTypePrivate;
    const parts = {};
    for (const name of ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'x', 'y']) {
      if (typeof jwk[name] === 'string') parts[name] = Buffer().from(jwk[name], 'base64url');
    }
    const curve = namedCurve === undefined ? undefined :
      Object.keys(jwkCurves).find((name) => jwkCurves[name] === namedCurve);
    const key = C.keyFromComponents(kind, jwk.kty === 'RSA' ? 'RSA' : 'EC', curve, parts);
    if (key === undefined) return undefined;
    this.key = key;
    this.type = kind;
    return kind;
  }

  // initECRaw(curve, point) -> whether an uncompressed point on `curve`
  // (OpenSSL's name) makes a public key
  initECRaw(curve, point) {
    const bytes = ArrayBuffer.isView(point) ? new Uint8Array(point.buffer, point.byteOffset, point.byteLength) :
      new Uint8Array(point);
    const half = (bytes.length - 1) / 2;
    if (bytes[0] !== 4 || !Number.isInteger(half)) return false;
    const key = C.keyFromComponents(kKeyTypePublic, 'EC', curve,
      { x: bytes.subarray(1, 1 + half), y: bytes.subarray(1 + half) });
    if (key === undefined) return false;
    this.key = key;
    this.type = kKeyTypePublic;
    return true;
  }

  // initEDRaw(crv, bytes, keyType) -> whether they make an OKP key
  initEDRaw(crv, bytes, type) {
    const key = C.keyRaw(type, crv.toUpperCase(), bytes);
    if (key === undefined) return false;
    this.key = key;
    this.type = type;
    return true;
  }
}

// JWK's names of curves and OKP key types
const jwkCurves = { prime256v1: 'P-256', secp256k1: 'secp256k1', secp384r1: 'P-384', secp521r1: 'P-521' };
const okpNames = { ed25519: 'Ed25519', ed448: 'Ed448', x25519: 'X25519', x448: 'X448' };

function codedError(Class, code, message) {
  const e = new Class(message);
  e.code = code;
  return e;
}

// A handle of `type` over an EVP_PKEY.
function asymmetricHandle(key, type) {
  const handle = new KeyObjectHandle();
  handle.key = key;
  handle.type = type;
  return handle;
}

// The EVP_PKEY of a key argument as Node's lib passes it: a handle, or the
// bytes of a key in format/type, read as `kind`.
function pkeyOf(data, format, type, passphrase, kind) {
  if (data instanceof KeyObjectHandle) {
    if (data.key === undefined) throw new TypeError('Invalid key object type secret, expected asymmetric.');
    return data.key;
  }
  return C.keyParse(kind, data, format, type, passphrase);
}

// One key of a generated pair, as the encoding asks: a handle, or encoded.
function encodedKey(key, type, format, encoding, cipher, passphrase) {
  if (format === undefined) return asymmetricHandle(key, type);
  if (format === kKeyFormatJWK) return asymmetricHandle(key, type).exportJwk({}, false);
  const out = type === kKeyTypePrivate ? C.keyExport(key, true, format, encoding, cipher, passphrase) :
    C.keyExport(key, false, format, encoding);
  return typeof out === 'string' ? out : encode(out);
}

// The two keys of a generated pair as the last six arguments ask
// (keygen.js parseKeyEncoding).
function encodedPair(key, ...args) {
  const [pubFormat, pubType, privFormat, privType, cipher, passphrase] = args.slice(-6);
  return [encodedKey(key, kKeyTypePublic, pubFormat, pubType),
    encodedKey(key, kKeyTypePrivate, privFormat, privType, cipher, passphrase)];
}

// A key pair job class: options(...args) gives keyGenerate's type and
// options; the six encoding arguments follow.
function keyPairJobClass(name, options, check) {
  return jobClass(name,
    (pooled, ...args) => {
      const { type, opts } = options(...args);
      return C.keyGenerate(pooled, type, opts);
    },
    check,
    encodedPair);
}

const RsaKeyPairGenJob = keyPairJobClass('RsaKeyPairGenJob',
  (variant, modulusLength, publicExponent, ...rest) => (variant === 1 ?
    { type: 'rsa-pss', opts: { modulusLength, publicExponent, hash: rest[0], mgf1Hash: rest[1], saltLength: rest[2] } } :
    { type: 'rsa', opts: { modulusLength, publicExponent } }),
  (variant, modulusLength, publicExponent, hash, mgf1Hash) => {
    // an unknown digest throws when the job is made, as Node's does
    for (const [digest, what] of [[hash, ''], [mgf1Hash, 'MGF1 ']]) {
      if (variant !== 1 || digest === undefined) continue;
      try {
        C.digestSize(digest);
      } catch {
        throw codedError(TypeError, 'ERR_CRYPTO_INVALID_DIGEST', `Invalid ${what}digest: ${digest}`);
      }
    }
  });

const nistCurves = ['P-192', 'P-224', 'P-256', 'P-384', 'P-521'];
const EcKeyPairGenJob = keyPairJobClass('EcKeyPairGenJob',
  (namedCurve, paramEncoding) => ({ type: 'ec', opts: { namedCurve, explicit: paramEncoding === 1 ? 1 : 0 } }),
  (namedCurve) => {
    if (!nistCurves.includes(namedCurve) && !C.getCurves().includes(namedCurve)) {
      const e = new TypeError('Invalid EC curve name');
      e.code = 'ERR_CRYPTO_INVALID_CURVE';
      throw e;
    }
  });

const nidTypes = { 1087: 'ed25519', 1088: 'ed448', 1034: 'x25519', 1035: 'x448' };
const NidKeyPairGenJob = keyPairJobClass('NidKeyPairGenJob', (nid) => ({ type: nidTypes[nid], opts: {} }));

// SecretKeyGenJob(mode, length in bits) -> a secret key's handle
const SecretKeyGenJob = jobClass('SecretKeyGenJob',
  (pooled, length) => C.randomJob(pooled, length >> 3),
  undefined,
  (bytes) => {
    const handle = new KeyObjectHandle();
    handle.init(kKeyTypeSecret, bytes);
    return handle;
  });

// ------------------------------------------------------------ WebCrypto

// HmacJob(mode, signMode, hash, key handle, data[, signature]):
// crypto.subtle's HMAC sign (an ArrayBuffer) and verify (a boolean)
const HmacJob = jobClass('HmacJob', (pooled, signMode, hash, key, data, signature) => {
  const state = C.hmacNew(hash, key.bytes);
  C.update(state, data);
  const mac = C.digest(state);
  if (signMode === 0) return mac.buffer;
  const sig = ArrayBuffer.isView(signature) ?
    new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength) : new Uint8Array(signature);
  return sig.length === mac.length && C.timingSafeEqual(sig, mac);
});

const aesVariants = ['aes-128-ctr', 'aes-192-ctr', 'aes-256-ctr', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc',
  'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', 'id-aes128-wrap', 'id-aes192-wrap', 'id-aes256-wrap'];

// AESCipherJob(mode, cipherMode, key handle, data, variant, iv | counter,
// tag | tag length | counter length, additionalData): crypto.subtle's
// AES-CTR/CBC/GCM/KW, the output an ArrayBuffer (GCM's ends with its tag).
// The cipher runs on the job's fiber, not on the pool.
const AESCipherJob = jobClass('AESCipherJob', (pooled, cipherMode, key, data, variant, iv, tag, aad) => {
  const name = aesVariants[variant];
  const encrypt = cipherMode === 0;
  const gcm = name.endsWith('gcm');
  // AES-KW: RFC 3394's default initial value
  const wrapIv = name.endsWith('wrap') ? new Uint8Array(8).fill(0xa6) : null;
  const state = C.cipherNew(encrypt, name, key.bytes, iv ?? wrapIv, gcm && encrypt ? tag : -1);
  if (gcm && !encrypt) C.cipherSetAuthTag(state, tag);
  if (gcm && aad !== undefined) C.cipherSetAAD(state, aad, -1);
  const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) :
    new Uint8Array(data);
  const parts = [C.cipherUpdate(state, view), C.cipherFinal(state)];
  if (gcm && encrypt) parts.push(C.cipherGetAuthTag(state));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out.buffer;
});

// RSAKeyExportJob, ECKeyExportJob (mode, format, key handle[, variant]):
// WebCrypto's exportKey in spki or pkcs8 (DER), or raw (an EC point, uncompressed,
// or an OKP key's bytes)
const kWebCryptoKeyFormatPKCS8 = 1, kWebCryptoKeyFormatSPKI = 2;
function exportKeyData(pooled, format, handle) {
  if (format === kWebCryptoKeyFormatSPKI) return C.keyExport(handle.key, false, 0, 2).buffer;
  if (format === kWebCryptoKeyFormatPKCS8) return C.keyExport(handle.key, true, 0, 1).buffer;
  const { x, y } = C.keyComponents(handle.key, false);
  if (y === undefined) return x.buffer;
  const point = new Uint8Array(1 + x.length + y.length);
  point[0] = 4;
  point.set(x, 1);
  point.set(y, 1 + x.length);
  return point.buffer;
}
const RSAKeyExportJob = jobClass('RSAKeyExportJob', exportKeyData);
const ECKeyExportJob = jobClass('ECKeyExportJob', exportKeyData);

// RSACipherJob(mode, cipherMode, key handle, data, variant, hash, label):
// WebCrypto's RSA-OAEP
const RSA_PKCS1_OAEP_PADDING = 4;
const RSACipherJob = jobClass('RSACipherJob', (pooled, cipherMode, handle, data, variant, hash, label) =>
  C.pkeyCipher(cipherMode === 0 ? 0 : 1, handle.key, data, RSA_PKCS1_OAEP_PADDING, hash, label).buffer);

// ECDHBitsJob(mode, curve or name, public key handle, private key handle):
// WebCrypto's ECDH, X25519 and X448 deriveBits; statelessDH(private, public):
// crypto.diffieHellman
const ECDHBitsJob = jobClass('ECDHBitsJob', (pooled, name, pub, priv) => C.pkeyDerive(priv.key, pub.key).buffer);
const statelessDH = (priv, pub) => encode(C.pkeyDerive(priv.key, pub.key));

// ------------------------------------------------------------ key agreement, primes

// DiffieHellman(sizeOrKey, generator), DiffieHellmanGroup(name): classic
// DH over src/prim/crypto_dh.c (OpenSSL's DH, as node_crypto's); Node's JS
// has checked and converted the arguments. Results are Buffers.
class DiffieHellmanBase {
  generateKeys() { return encode(C.dhGenerateKeys(this.state)); }
  computeSecret(key) { return encode(C.dhComputeSecret(this.state, key)); }
  getPrime() { return encode(C.dhGetPrime(this.state)); }
  getGenerator() { return encode(C.dhGetGenerator(this.state)); }
  getPublicKey() { return encode(C.dhGetPublicKey(this.state)); }
  getPrivateKey() { return encode(C.dhGetPrivateKey(this.state)); }
  setPublicKey(key) { C.dhSetPublicKey(this.state, key); }
  setPrivateKey(key) { C.dhSetPrivateKey(this.state, key); }
}

class DiffieHellman extends DiffieHellmanBase {
  constructor(sizeOrKey, generator) {
    super();
    [this.state, this.verifyError] = C.dhNew(sizeOrKey, generator);
  }
}

const unknownDhGroup = () => codedError(Error, 'ERR_CRYPTO_UNKNOWN_DH_GROUP', 'Unknown DH group');

class DiffieHellmanGroup extends DiffieHellmanBase {
  constructor(name) {
    super();
    const made = C.dhGroup(`${name}`);
    if (made === undefined) throw unknownDhGroup();
    [this.state, this.verifyError] = made;
  }
}

// ECDH(curve): OpenSSL's EC_KEY. computeSecret answers Node's error code as a
// string for a point not on the curve (Node's JS throws it).
class ECDH {
  constructor(curve) { this.state = C.ecdhNew(curve); }
  generateKeys() { C.ecdhGenerateKeys(this.state); }
  computeSecret(key) {
    const secret = C.ecdhComputeSecret(this.state, key);
    return typeof secret === 'string' ? secret : encode(secret);
  }
  getPublicKey(form) { return encode(C.ecdhGetPublicKey(this.state, form)); }
  getPrivateKey() { return encode(C.ecdhGetPrivateKey(this.state)); }
  setPublicKey(key) { C.ecdhSetPublicKey(this.state, key); }
  setPrivateKey(key) { C.ecdhSetPrivateKey(this.state, key); }
}

const ECDHConvertKey = (key, curve, form) => encode(C.ecdhConvertKey(key, curve, form));

// DhKeyPairGenJob(mode, group name | prime | prime length[, generator], ...encoding)
const DhKeyPairGenJob = jobClass('DhKeyPairGenJob',
  (pooled, groupOrPrime, generator) =>
    C.dhKeyGenerate(pooled, groupOrPrime, typeof groupOrPrime === 'string' ? undefined : generator),
  (groupOrPrime) => {
    if (typeof groupOrPrime === 'string' && C.dhGroup(groupOrPrime) === undefined) throw unknownDhGroup();
  },
  encodedPair);

// DsaKeyPairGenJob(mode, modulusLength, divisorLength (-1: default), ...encoding)
const DsaKeyPairGenJob = jobClass('DsaKeyPairGenJob',
  (pooled, modulusLength, divisorLength) => C.dsaKeyGenerate(pooled, modulusLength, divisorLength),
  undefined,
  encodedPair);

// RandomPrimeJob(mode, bits, safe, add, rem) -> ArrayBuffer (big-endian);
// add and rem are checked when the job is made, as Node's are.
const RandomPrimeJob = jobClass('RandomPrimeJob',
  (pooled, bits, safe, add, rem) => C.primeGenerate(pooled, bits, safe, add, rem).buffer,
  (bits, safe, add, rem) => C.primeCheckOptions(bits, add, rem));

// CheckPrimeJob(mode, candidate, checks) -> boolean
const CheckPrimeJob = jobClass('CheckPrimeJob',
  (pooled, candidate, checks) => C.primeCheck(pooled, candidate, checks));

// ------------------------------------------------------------ signatures

function invalidDigest() {
  const e = new TypeError('Invalid digest');
  e.code = 'ERR_CRYPTO_INVALID_DIGEST';
  return e;
}

// createSign/createVerify's handle: the data is kept until sign/verify.
class SignBase {
  init(algorithm) {
    try {
      C.digestSize(algorithm);
    } catch {
      throw invalidDigest();
    }
    this.algorithm = algorithm;
    this.chunks = [];
  }

  update(data, encoding) {
    this.chunks.push(typeof data === 'string' ? Buffer().from(data, encoding) : Buffer().from(data));
  }

  data() { return Buffer().concat(this.chunks); }
}

class Sign extends SignBase {
  sign(key, format, type, passphrase, padding, saltLength, dsaEncoding) {
    const pkey = pkeyOf(key, format, type, passphrase, kKeyTypePrivate);
    return encode(new Uint8Array(C.sign(false, pkey, this.algorithm, this.data(), padding, saltLength, dsaEncoding)));
  }
}

class Verify extends SignBase {
  verify(key, format, type, passphrase, signature, padding, saltLength, dsaEncoding) {
    const pkey = pkeyOf(key, format, type, passphrase, kKeyTypePublic);
    return C.verify(false, pkey, this.algorithm, this.data(), padding, saltLength, dsaEncoding, signature);
  }
}

// SignJob(mode, signMode, key, format, type, passphrase, data, algorithm,
// saltLength, padding, dsaEncoding[, signature]): crypto.sign and verify
const SignJob = jobClass('SignJob',
  (pooled, signMode, key, format, type, passphrase, data, algorithm, saltLength, padding, dsaEncoding, signature) => {
    const pkey = pkeyOf(key, format, type, passphrase, signMode === 0 ? kKeyTypePrivate : kKeyTypePublic);
    return signMode === 0 ? C.sign(pooled, pkey, algorithm, data, padding, saltLength, dsaEncoding) :
      C.verify(pooled, pkey, algorithm, data, padding, saltLength, dsaEncoding, signature);
  });

// publicEncrypt and its three siblings: (key, format, type, passphrase,
// buffer, padding, oaepHash, oaepLabel) -> Buffer
const rsaCipher = (op, kind) => (key, format, type, passphrase, buffer, padding, oaepHash, oaepLabel) =>
  encode(C.pkeyCipher(op, pkeyOf(key, format, type, passphrase, kind), buffer, padding, oaepHash, oaepLabel));

const kNativeHandle = Symbol('kNativeHandle');
function secretOf(keyObject) {
  const handle = keyObject?.[kNativeHandle] ?? keyObject;
  return keyBytes(handle);
}

// createNativeKeyObjectClass(callback) -> callback(NativeKeyObject): Node's
// KeyObject classes, built on a base that keeps the handle.
function createNativeKeyObjectClass(callback) {
  class NativeKeyObject {
    constructor(handle) { this[kNativeHandle] = handle; }
  }
  return callback(NativeKeyObject);
}

// ------------------------------------------------------------ the rest

// timingSafeEqual(buf1, buf2), with Node's argument checks.
function timingSafeEqual(buf1, buf2) {
  const { ERR_INVALID_ARG_TYPE } = requireNode('internal/errors').codes;
  const types = ['ArrayBuffer', 'Buffer', 'TypedArray', 'DataView'];
  const isBytes = (b) => ArrayBuffer.isView(b) || P.util.classOf(b) === 'ArrayBuffer' ||
    P.util.classOf(b) === 'SharedArrayBuffer';
  if (!isBytes(buf1)) throw new ERR_INVALID_ARG_TYPE('buf1', types, buf1);
  if (!isBytes(buf2)) throw new ERR_INVALID_ARG_TYPE('buf2', types, buf2);
  return C.timingSafeEqual(buf1, buf2);
}

const unimplemented = (what) => notImplemented(`crypto: ${what}`);
const binding = {
  kCryptoJobAsync, kCryptoJobSync,
  kKeyTypeSecret, kKeyTypePublic, kKeyTypePrivate,
  kKeyFormatDER: 0, kKeyFormatPEM: 1, kKeyFormatJWK,
  kKeyEncodingPKCS1: 0, kKeyEncodingPKCS8: 1, kKeyEncodingSPKI: 2, kKeyEncodingSEC1: 3,
  kSigEncDER: 0, kSigEncP1363: 1, kSignJobModeSign: 0, kSignJobModeVerify: 1,
  kWebCryptoKeyFormatRaw: 0, kWebCryptoKeyFormatPKCS8: 1, kWebCryptoKeyFormatSPKI: 2, kWebCryptoKeyFormatJWK: 3,
  kWebCryptoCipherEncrypt: 0, kWebCryptoCipherDecrypt: 1,
  kKeyVariantRSA_SSA_PKCS1_v1_5: 0, kKeyVariantRSA_PSS: 1, kKeyVariantRSA_OAEP: 2,
  EVP_PKEY_ED25519: 1087, EVP_PKEY_ED448: 1088, EVP_PKEY_X25519: 1034, EVP_PKEY_X448: 1035,
  OPENSSL_EC_NAMED_CURVE: 1, OPENSSL_EC_EXPLICIT_CURVE: 0,
  X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT: 1, X509_CHECK_FLAG_NO_WILDCARDS: 2,
  X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS: 4, X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS: 8,
  X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS: 0x10, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT: 0x20,
  RSA_PKCS1_PSS_PADDING: 6,

  Hash, Hmac, HashJob, oneShotDigest, CipherBase, getCipherInfo,
  PBKDF2Job, ScryptJob, HKDFJob, RandomBytesJob,
  KeyObjectHandle, createNativeKeyObjectClass, timingSafeEqual,
  getHashes: C.getHashes,
  getCiphers: C.getCiphers,
  getCurves: C.getCurves,
  getCachedAliases: () => ({}),
  secureBuffer: (size) => new Uint8Array(size),
  secureHeapUsed: () => undefined,
  getFipsCrypto: () => 0,
  setFipsCrypto(on) {
    if (on) throw ERR_NOT_IMPLEMENTED('crypto.setFips(true)');
  },
  testFipsCrypto: () => false,

  publicEncrypt: rsaCipher(0, kKeyTypePublic),
  privateDecrypt: rsaCipher(1, kKeyTypePrivate),
  privateEncrypt: rsaCipher(2, kKeyTypePrivate),
  publicDecrypt: rsaCipher(3, kKeyTypePublic),
  RsaKeyPairGenJob, EcKeyPairGenJob, NidKeyPairGenJob, SecretKeyGenJob, Sign, Verify, SignJob,
  HmacJob, AESCipherJob, RSAKeyExportJob, ECKeyExportJob, RSACipherJob, ECDHBitsJob, statelessDH,
  DiffieHellman, DiffieHellmanGroup, ECDH, ECDHConvertKey,
  DhKeyPairGenJob, DsaKeyPairGenJob, RandomPrimeJob, CheckPrimeJob,
  certVerifySpkac: unimplemented('Certificate.verifySpkac'),
  certExportPublicKey: unimplemented('Certificate.exportPublicKey'),
  certExportChallenge: unimplemented('Certificate.exportChallenge'),
  parseX509: unimplemented('X509Certificate'),
};
for (const name of ['X509Certificate']) {
  binding[name] = unimplementedClass(`crypto: ${name}`);
}
for (const [i, variant] of ['CTR_128', 'CTR_192', 'CTR_256', 'CBC_128', 'CBC_192', 'CBC_256', 'GCM_128',
  'GCM_192', 'GCM_256', 'KW_128', 'KW_192', 'KW_256'].entries()) {
  binding[`kKeyVariantAES_${variant}`] = i;
}

export default binding;
