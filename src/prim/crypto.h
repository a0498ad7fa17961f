/*
 * prim/crypto.h: what the files of __primordials.crypto share (crypto.c:
 * digests, HMAC, ciphers, key derivation; crypto_keys.c: asymmetric keys,
 * signatures, key generation).
 */
#ifndef COROJS_PRIM_CRYPTO_H
#define COROJS_PRIM_CRYPTO_H

#include <openssl/evp.h>
#include "quickjs.h"

/* Node's ThrowCryptoError: OpenSSL's error `err` as an Error with library,
   reason and an ERR_OSSL_* code; `fallback` as its message when err is 0.
   Clears the thread's error queue. Returns JS_EXCEPTION. */
JSValue coro__crypto_throw(JSContext *ctx, unsigned long err, const char *fallback);

/* A digest by name or alias ("sha256", "RSA-SHA256"), or NULL. */
const EVP_MD *coro__crypto_digest(const char *name);

/* fn(arg) on this thread, or (pooled) on libuv's pool in one of the
   isolate's slots, parking only the calling fiber. fn runs no JS. 0, or -1
   with an exception pending (the isolate ended, or the pool refused). */
int coro__crypto_run(JSContext *ctx, void (*fn)(void *arg), void *arg, int pooled);

/* Adds crypto_keys.c's functions to the area's namespace. */
int coro__crypto_keys_init(JSContext *ctx, JSValueConst ns);

/* A key object (crypto_keys.c's class) that takes over pkey (freed on
   failure). */
JSValue coro__crypto_new_key(JSContext *ctx, EVP_PKEY *pkey);

/* Adds crypto_dh.c's functions (DH, ECDH, DH/DSA key pairs, primes). */
int coro__crypto_dh_init(JSContext *ctx, JSValueConst ns);

#endif
