/*
 * prim/tls_wrap.h: what the two files of __primordials.tls_wrap share
 * (tls_context.c: SecureContext; tls_wrap.c: the connections).
 */
#ifndef COROJS_PRIM_TLS_WRAP_H
#define COROJS_PRIM_TLS_WRAP_H

#include <openssl/ssl.h>
#include "quickjs.h"

/* Adds SecureContext and the root/cipher lists to the namespace. */
int coro__tls_context_init(JSContext *ctx, JSValueConst ns);
/* The SSL_CTX of a SecureContext, or NULL (not one, or closed). */
SSL_CTX *coro__tls_context_of(JSValueConst v);
/* Sets tls_wrap.c's per-context callbacks on a new SSL_CTX. */
void coro__tls_conn_callbacks(SSL_CTX *c);
/* Throws a TypeError (type_error) or Error with Node's code. */
JSValue coro__tls_throw_coded(JSContext *ctx, int type_error, const char *code, const char *msg);
/* A Uint8Array copy of n bytes at p. */
JSValue coro__tls_bytes(JSContext *ctx, const void *p, size_t n);

#endif
