// The handle of Node's X509Certificate (internal/crypto/x509.js) over a
// certificate of ours (__primordials.x509, src/prim/x509.c): the crypto
// binding's parseX509 makes one, and TLSWrap's getPeerX509Certificate.
import P from 'corojs:internal/primordials';
import { requireNode } from 'corojs:internal/node/builtins';

const X = P.x509;
// src/prim/x509.c's field numbers
const F = {
  subject: 0, subjectAltName: 1, issuer: 2, infoAccess: 3, validFrom: 4, validTo: 5,
  fingerprint: 6, fingerprint256: 7, fingerprint512: 8, keyUsage: 9, serialNumber: 10,
  raw: 11, pem: 12, checkCA: 13, toLegacy: 14, issuerCert: 15, validFromDate: 16, validToDate: 17,
};
const kPublic = 1; // kKeyTypePublic

let BufferClass;
const toBuffer = (v) => (v instanceof Uint8Array ?
  Object.setPrototypeOf(v, (BufferClass ??= requireNode('buffer').Buffer).prototype) : v);

// getPeerCertificate()'s object with its bytes (raw, pubkey) as Buffers, down
// its chain of issuerCertificate.
export function legacyBuffers(cert) {
  for (let c = cert, seen = new Set(); c && typeof c === 'object' && !seen.has(c); c = c.issuerCertificate) {
    seen.add(c);
    toBuffer(c.raw);
    toBuffer(c.pubkey);
  }
  return cert;
}

let keyHandle = null; // the crypto binding's KeyObjectHandle, given by it

export function setKeyObjectHandle(cls) {
  keyHandle = cls;
}

export class X509Handle {
  #x;

  constructor(native) {
    this.#x = native;
  }

  static parse(buffer) {
    return new X509Handle(X.parse(buffer));
  }

  subject() { return X.field(this.#x, F.subject); }
  subjectAltName() { return X.field(this.#x, F.subjectAltName); }
  issuer() { return X.field(this.#x, F.issuer); }
  infoAccess() { return X.field(this.#x, F.infoAccess); }
  validFrom() { return X.field(this.#x, F.validFrom); }
  validTo() { return X.field(this.#x, F.validTo); }
  fingerprint() { return X.field(this.#x, F.fingerprint); }
  fingerprint256() { return X.field(this.#x, F.fingerprint256); }
  fingerprint512() { return X.field(this.#x, F.fingerprint512); }
  keyUsage() { return X.field(this.#x, F.keyUsage); }
  serialNumber() { return X.field(this.#x, F.serialNumber); }
  raw() { return toBuffer(X.field(this.#x, F.raw)); }
  pem() { return X.field(this.#x, F.pem); }
  checkCA() { return X.field(this.#x, F.checkCA); }
  toLegacy() { return legacyBuffers(X.field(this.#x, F.toLegacy)); }

  getIssuerCert() {
    const x = X.field(this.#x, F.issuerCert);
    return x === undefined ? undefined : new X509Handle(x);
  }

  checkHost(name, flags) { return X.check(this.#x, 0, name, flags); }
  checkEmail(email, flags) { return X.check(this.#x, 1, email, flags); }
  checkIP(ip, flags) { return X.check(this.#x, 2, ip, flags); }
  checkIssued(other) { return X.checkIssued(this.#x, other.#x); }

  // key handles (the crypto binding's KeyObjectHandle: its .key is ours)
  checkPrivateKey(key) { return X.keyCheck(this.#x, key.key, true); }
  verify(key) { return X.keyCheck(this.#x, key.key, false); }

  publicKey() {
    const h = new keyHandle();
    h.key = X.publicKey(this.#x);
    h.type = kPublic;
    return h;
  }
}

export default { X509Handle, legacyBuffers };
