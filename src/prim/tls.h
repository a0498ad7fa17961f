/*
 * prim/tls.h: TLS connections seen from C, for the bindings that speak over
 * them (HTTPS). The same shape as net.h: each call blocks only the calling
 * fiber and takes its turn, and returns a byte count, 0 at the end, or a
 * negative error (UV_EPROTO for a failure OpenSSL reports).
 */
#ifndef COROJS_PRIM_TLS_H
#define COROJS_PRIM_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>
#include "quickjs.h"
#include "net.h"

typedef struct js_tls js_tls;

/* The TLS connection named by a handle ID, held; NULL with an exception
   pending. Every coro_tls_socket needs its coro_tls_release. */
js_tls *coro_tls_socket(JSContext *ctx, JSValueConst id);
void coro_tls_release(js_tls *t);

/* Block until plaintext arrives, up to ms milliseconds (0 = no limit):
   its length with *buf a js_malloc'ed buffer, 0 at the end, or an error. */
ssize_t coro_tls_read(JSContext *ctx, js_tls *t, uint8_t **buf, uint64_t ms);

/* Encrypt and send the buffers (copied first: they need to stay valid only
   during the call's first step). */
int coro_tls_writev(JSContext *ctx, js_tls *t, const uv_buf_t *bufs, unsigned n);

/* close_notify, then half-close. */
int coro_tls_shutdown(JSContext *ctx, js_tls *t);

/* Whether a read would return without waiting for the network. */
int coro_tls_readable(const js_tls *t);

/* Close it and its socket (idempotent); blocked calls wake with UV_EBADF. */
void coro_tls_close(js_tls *t);

/* The socket below. */
js_socket *coro_tls_net(js_tls *t);

#endif
