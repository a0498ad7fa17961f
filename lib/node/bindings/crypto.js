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
// Not here yet (each throws ERR_NOT_IMPLEMENTED, lib/node/unimplemented.js):
// asymmetric keys (createPublicKey/createPrivateKey, generateKeyPair), sign
// and verify, publicEncrypt/privateDecrypt, Diffie-Hellman and ECDH,
// X509Certificate, primes, the WebCrypto jobs behind crypto.subtle.
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
function jobClass(name, work, check = () => {}, result = (value) => value) {
  const Job = class {
    constructor(mode, ...args) {
      check(...args);
      this.mode = mode;
      this.args = args;
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
  });

// HashJob(mode, algorithm, data[, outputLength]) -> ArrayBuffer (WebCrypto's digest)
const HashJob = jobClass('HashJob',
  (pooled, algorithm, data) => C.digestJob(pooled, algorithm, data),
  (algorithm) => C.digestSize(algorithm));

// ------------------------------------------------------------ keys

// A KeyObject's native half. Secret keys only, for now: their bytes, copied.
class KeyObjectHandle {
  init(type, data) {
    if (type !== kKeyTypeSecret) throw ERR_NOT_IMPLEMENTED('asymmetric keys (createPublicKey, createPrivateKey)');
    const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) :
      new Uint8Array(data);
    this.bytes = Uint8Array.from(view);
  }

  getSymmetricKeySize() { return this.bytes.length; }

  export() { return Buffer().from(this.bytes); }

  exportJwk(jwk) {
    jwk.kty = 'oct';
    jwk.k = Buffer().from(this.bytes).toString('base64url');
    return jwk;
  }

  equals(other) {
    return other.bytes.length === this.bytes.length && C.timingSafeEqual(this.bytes, other.bytes);
  }

  initJwk() { throw ERR_NOT_IMPLEMENTED('JWK import of asymmetric keys'); }

  initEDRaw() { throw ERR_NOT_IMPLEMENTED('raw Ed25519/X25519 keys'); }
}

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
  kKeyTypeSecret, kKeyTypePublic: 1, kKeyTypePrivate: 2,
  kKeyFormatDER: 0, kKeyFormatPEM: 1, kKeyFormatJWK: 2,
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
  getCurves: () => [],
  getCachedAliases: () => ({}),
  secureBuffer: (size) => new Uint8Array(size),
  secureHeapUsed: () => undefined,
  getFipsCrypto: () => 0,
  setFipsCrypto(on) {
    if (on) throw ERR_NOT_IMPLEMENTED('crypto.setFips(true)');
  },
  testFipsCrypto: () => false,

  publicEncrypt: unimplemented('publicEncrypt'),
  privateDecrypt: unimplemented('privateDecrypt'),
  privateEncrypt: unimplemented('privateEncrypt'),
  publicDecrypt: unimplemented('publicDecrypt'),
  statelessDH: unimplemented('diffieHellman'),
  ECDHConvertKey: unimplemented('ECDH.convertKey'),
  certVerifySpkac: unimplemented('Certificate.verifySpkac'),
  certExportPublicKey: unimplemented('Certificate.exportPublicKey'),
  certExportChallenge: unimplemented('Certificate.exportChallenge'),
  parseX509: unimplemented('X509Certificate'),
};
for (const name of ['Sign', 'Verify', 'SignJob', 'DiffieHellman', 'DiffieHellmanGroup', 'ECDH', 'ECDHBitsJob',
  'DhKeyPairGenJob', 'DsaKeyPairGenJob', 'EcKeyPairGenJob', 'NidKeyPairGenJob', 'RsaKeyPairGenJob',
  'SecretKeyGenJob', 'RandomPrimeJob', 'CheckPrimeJob', 'AESCipherJob', 'RSACipherJob', 'RSAKeyExportJob',
  'ECKeyExportJob', 'HmacJob', 'X509Certificate']) {
  binding[name] = unimplementedClass(`crypto: ${name}`);
}
for (const [i, variant] of ['CTR_128', 'CTR_192', 'CTR_256', 'CBC_128', 'CBC_192', 'CBC_256', 'GCM_128',
  'GCM_192', 'GCM_256', 'KW_128', 'KW_192', 'KW_256'].entries()) {
  binding[`kKeyVariantAES_${variant}`] = i;
}

export default binding;
