/*
 * prim/net.h: stream sockets seen from C, for the bindings that speak over
 * them (TLS, HTTP). Each call blocks only the calling fiber, and takes its
 * turn: reads of one socket run one after another, and so do writes.
 */
#ifndef COROJS_PRIM_NET_H
#define COROJS_PRIM_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>
#include "quickjs.h"

typedef struct js_socket js_socket;

/* The socket named by a handle ID, held so it outlives a close meanwhile;
   NULL with an exception pending. Every coro_net_socket needs its
   coro_net_release. */
js_socket *coro_net_socket(JSContext *ctx, JSValueConst id);
void coro_net_release(js_socket *s);

/* Block until data arrives. Returns the number of bytes (> 0) with *buf a
   js_malloc'ed buffer the caller owns, 0 at the end of the stream, or a
   negative error (UV_ETIMEDOUT after the socket's timeout, UV_EBADF if it
   was closed, UV_ECONNRESET...). CORO_ETERMINATED means an exception is
   pending. */
ssize_t coro_net_read(JSContext *ctx, js_socket *s, uint8_t **buf);

/* The same with its own deadline: ms milliseconds (0 = none) instead of
   the socket's timeout. */
ssize_t coro_net_read_timeout(JSContext *ctx, js_socket *s, uint8_t **buf, uint64_t ms);

/* Whether a read would return at once: a chunk is there, or the end, or
   the socket is closed. */
int coro_net_readable(const js_socket *s);

/* Watch s without a fiber: cb(s, arg, 0) is called on main, once, when a
   read would return at once (a fiber it starts there takes the chunk
   without a system call), or cb(s, arg, UV_EBADF) when s is closed first.
   A new call replaces the watcher; cb NULL removes it. Reading stays on
   meanwhile (data arriving is kept, one chunk, as for a read). Returns 0
   or a negative error. */
typedef void coro_net_readable_cb(js_socket *s, void *arg, int status);
int coro_net_on_readable(js_socket *s, coro_net_readable_cb *cb, void *arg);

/* Write all of data, blocking until the kernel has taken it. Returns 0 or a
   negative error as coro_net_read. */
int coro_net_write(JSContext *ctx, js_socket *s, const uint8_t *data, size_t len);

/* Write several buffers as one (at most CORO_NET_MAX_BUFS): one system call
   when the kernel takes them at once. What it does not take is copied
   before the fiber waits, so the buffers need to stay valid only during
   the call's first step (they may be views into JS memory). */
#define CORO_NET_MAX_BUFS 8
int coro_net_writev(JSContext *ctx, js_socket *s, const uv_buf_t *bufs, unsigned n);

/* Write what the kernel takes at once, never blocking: returns the number
   of bytes taken (maybe fewer than len), or a negative error; UV_EAGAIN
   while another fiber has the write turn. For a last word on the way out
   (a TLS alert or close_notify) from code that may not park. */
int coro_net_try_write(js_socket *s, const uint8_t *data, size_t len);

/* Set how long a read or write may block (ms, 0 = forever); returns the
   previous value. */
uint64_t coro_net_set_timeout(js_socket *s, uint64_t ms);

/* Half-close: no more writes. Returns 0 or a negative error. */
int coro_net_shutdown(JSContext *ctx, js_socket *s);

/* Its handle ID (what JS knows it by). */
uint64_t coro_net_id(const js_socket *s);

/* Whether it keeps the program alive (as uv_ref/uv_unref): a client's
   pooled idle connection does not. */
void coro_net_ref(js_socket *s, int ref);

/* Close it (idempotent). Fibers blocked on it wake with UV_EBADF. */
void coro_net_close(js_socket *s);

/* The JS value of an error from the calls above ("read ECONNRESET"). */
JSValue coro_net_error(JSContext *ctx, int err, const char *syscall);

/* The same, thrown; for CORO_ETERMINATED just JS_EXCEPTION, as the
   teardown's exception is pending already. */
JSValue coro_net_throw(JSContext *ctx, int err, const char *syscall);

/* IP socket addresses, shared with prim/dgram.c. */
struct sockaddr_storage;

/* { address, family: 'IPv4' | 'IPv6', port } */
JSValue coro_sockaddr_object(JSContext *ctx, const struct sockaddr_storage *ss);

/* An IP literal and a port as a socket address; -1 if host is not an IP
   address. */
int coro_sockaddr_parse(const char *host, int port, struct sockaddr_storage *ss);

#endif
