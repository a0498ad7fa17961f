/*
 * prim/x509.h: what tls_wrap.c takes of x509.c.
 */
#ifndef COROJS_PRIM_X509_H
#define COROJS_PRIM_X509_H

#include <openssl/x509.h>
#include "quickjs.h"

/* A certificate handle (X509Certificate's) holding cert and, when known,
   its issuer (both up-ref'd). */
JSValue coro__x509_new(JSContext *ctx, X509 *cert, X509 *issuer);
/* The certificate of a handle, or NULL. */
X509 *coro__x509_of(JSValueConst v);
/* getPeerCertificate()'s object for cert (Node's X509ToObject). */
JSValue coro__x509_legacy(JSContext *ctx, X509 *cert);

#endif
