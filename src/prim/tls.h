/*
 * prim/tls.h: what tls_wrap.c (node:tls) shares with tls.c (corojs:tls).
 */
#ifndef COROJS_PRIM_TLS_H
#define COROJS_PRIM_TLS_H

#include "quickjs.h"

/* OpenSSL's error e as Node shows it: message, library, reason and code
   (ERR_SSL_<REASON>, ERR_OSSL_<LIB>_<REASON>). */
JSValue coro__tls_ossl_error(JSContext *ctx, unsigned long e);
/* A certificate verification result by Node's name for it
   ("CERT_HAS_EXPIRED"), "UNSPECIFIED" when unknown. */
const char *coro__tls_verify_code(long v);

#endif
