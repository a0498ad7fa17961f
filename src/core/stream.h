/*
 * stream.h: one interface for byte streams: TCP and Unix sockets, pipes,
 * FIFOs and terminals (all "uvstreams": libuv streams driven by fibers, in
 * stream.c), and TLS connections on top of any of them (prim/tls.c). HTTP,
 * WebAssembly's stream calls and Node's streams use this interface, never a
 * kind of stream by name.
 *
 * Every call blocks only the calling fiber and returns a byte count or 0, or
 * a negative libuv-style error: UV_EBADF once the stream is closed,
 * UV_ETIMEDOUT past a deadline, CORO_ETERMINATED (with an exception pending)
 * when the isolate is being torn down.
 *
 * A stream is a handle (its ID is what JS knows it by) whose type has
 * coro_stream_type as its base, so coro_stream_hold finds any kind by ID.
 * Its struct outlives its ID while calls hold it (coro_life).
 */
#ifndef COROJS_STREAM_H
#define COROJS_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>
#include "quickjs.h"
#include "handle.h"
#include "life.h"
#include "wait.h"

typedef struct coro_stream coro_stream;

/* Called on main, once, when a read would return at once, or with UV_EBADF
   when the stream is closed first. */
typedef void coro_stream_cb(coro_stream *s, void *arg, int status);

typedef struct coro_stream_ops {
    /* Up to ms milliseconds (0 = no limit) for a chunk: its length with *buf
       a js_malloc'ed buffer the caller owns, 0 at the end of the stream. */
    ssize_t (*read)(JSContext *ctx, coro_stream *s, uint8_t **buf, uint64_t ms);
    /* Write all of bufs (at most CORO_STREAM_MAX_BUFS). With copy, the
       buffers need to stay valid only during the call's first step (they
       may be views into JS memory that other fibers change meanwhile). */
    int (*writev)(JSContext *ctx, coro_stream *s, const uv_buf_t *bufs, unsigned n, int copy);
    /* What the stream takes at once, never parking: bytes taken or an error
       (UV_EAGAIN while another fiber writes). For a last word on the way out. */
    int (*try_write)(coro_stream *s, const uint8_t *data, size_t len);
    int (*shutdown)(JSContext *ctx, coro_stream *s);   /* no more writes */
    int (*readable)(const coro_stream *s);              /* a read would not wait */
    /* Watch for bytes without a fiber (see coro_stream_cb); cb NULL stops
       watching. NULL for kinds that keep their fiber while they wait. */
    int (*watch)(coro_stream *s, coro_stream_cb *cb, void *arg);
    void (*close)(coro_stream *s);                      /* after coro_life_close */
    coro_stream *(*below)(coro_stream *s);              /* the stream it runs on, or NULL */
    void (*finalize)(coro_stream *s);                   /* free what it owns (optional) */
} coro_stream_ops;

#define CORO_STREAM_MAX_BUFS 8

struct coro_stream {
    coro_handle h;
    const coro_stream_ops *ops;
    coro_life life;
    uint64_t timeout;      /* ms a read or write may block, 0 = forever */
    uint8_t tail[4];       /* UTF-8 bytes of a character split between text reads */
    int tail_len;
};

/* The base type of every stream's handle type; a kind's type is
   { "Socket", coro_stream_handle_close, &coro_stream_type }. */
extern const coro_handle_type coro_stream_type;
void coro_stream_handle_close(coro_handle *h);

/* Set up s (zeroed, allocated with malloc, the stream as the first member of
   its kind's struct) as a stream of iso with handle type `type` (whose base
   is coro_stream_type); register adds it to iso's store too: 0, or -1 when
   the store is full (s is not registered). */
void coro_stream_init(coro_stream *s, struct coro_isolate *iso, const coro_handle_type *type,
                      const coro_stream_ops *ops);
int coro_stream_register(coro_stream *s, struct coro_isolate *iso, const coro_handle_type *type,
                         const coro_stream_ops *ops);

/* The stream named by a handle ID, of any kind, held; NULL with an exception
   pending. Every hold needs its release. */
coro_stream *coro_stream_hold(JSContext *ctx, JSValueConst id);
static inline void coro_stream_retain(coro_stream *s)
{
    coro_life_hold(&s->life);
}
static inline void coro_stream_release(coro_stream *s)
{
    coro_life_release(&s->life);
}

ssize_t coro_stream_read(JSContext *ctx, coro_stream *s, uint8_t **buf, uint64_t ms);
int coro_stream_write(JSContext *ctx, coro_stream *s, const uint8_t *data, size_t len);
int coro_stream_writev(JSContext *ctx, coro_stream *s, const uv_buf_t *bufs, unsigned n);
int coro_stream_shutdown(JSContext *ctx, coro_stream *s);
int coro_stream_readable(const coro_stream *s);
int coro_stream_watch(coro_stream *s, coro_stream_cb *cb, void *arg); /* UV_ENOTSUP if it cannot */
int coro_stream_try_write(coro_stream *s, const uint8_t *data, size_t len);

/* Close it (idempotent): its ID dies, blocked calls wake with UV_EBADF. */
void coro_stream_close(coro_stream *s);

/* The stream at the bottom (the socket under a TLS connection), and whether
   it keeps the program alive (uv_ref / uv_unref: a pooled idle connection
   does not). */
coro_stream *coro_stream_bottom(coro_stream *s);
void coro_stream_ref(coro_stream *s, int ref);

/* The JS error for a stream call's failure ("read ECONNRESET"); thrown: for
   CORO_ETERMINATED just JS_EXCEPTION, the teardown's exception is pending. */
JSValue coro_stream_error(JSContext *ctx, int err, const char *syscall);
JSValue coro_stream_throw(JSContext *ctx, int err, const char *syscall);

/* ------------------------------------------------------------------ */
/* uvstreams: libuv streams (TCP, Unix sockets, pipes, FIFOs, terminals) */

enum { CORO_UV_TCP, CORO_UV_PIPE, CORO_UV_TTY };

typedef struct coro_uvstream {
    coro_stream s;
    union {
        uv_handle_t handle;
        uv_stream_t stream;
        uv_tcp_t tcp;
        uv_pipe_t pipe;
        uv_tty_t tty;
    } u;
    int kind;               /* CORO_UV_TCP, CORO_UV_PIPE or CORO_UV_TTY */
    int reading, writing;   /* a fiber has the turn */
    coro_waitq readq, writeq;
    int read_active;        /* uv_read_start in effect */
    coro_fiber *reader;     /* the fiber waiting for read_cb */
    uint8_t *rbuf;          /* a chunk read_cb got and nobody took yet ... */
    ssize_t rlen;           /* ... and its length, or an error; 0 = none */
    int eof;
    coro_stream_cb *on_readable;
    void *on_readable_arg;
} coro_uvstream;

/* Register u (zeroed, from malloc) and initialise its libuv handle of
   `kind` (for CORO_UV_TTY, on fd, which it then owns). Returns 0, or a
   negative error: u is freed then, and fd not taken. */
int coro_uvstream_init(coro_uvstream *u, struct coro_isolate *iso, const coro_handle_type *type,
                       int kind, int fd);

/* The uvstream under s (s itself, or what a TLS connection runs on), or NULL. */
coro_uvstream *coro_uvstream_of(coro_stream *s);

/* Wait for a write, shutdown or connect request started on u: its status,
   or UV_ETIMEDOUT (u is then closed) or CORO_ETERMINATED. */
int coro_uvstream_wait(JSContext *ctx, coro_uvstream *u, coro_op *op, uint64_t timeout);

/* A uv_connect_t / uv_shutdown_t / uv_write_t callback whose data is a coro_op. */
void coro_uvstream_connect_cb(uv_connect_t *req, int status);

#endif
