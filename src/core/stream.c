/*
 * stream.c: the stream interface (see stream.h) and its libuv kind.
 *
 * A uvstream's reading is driven by the fibers that read. The first read
 * starts libuv reading; each chunk the read callback gets goes straight to
 * the fiber waiting for it, and reading stays on for the next read, so a
 * connection that answers request after request costs no system call beyond
 * read and write. A chunk that arrives while nobody waits is kept (one, at
 * most) and reading stops until a fiber takes it: a slow consumer leaves the
 * data in the kernel, where flow control slows the sender. An idle stream
 * holds no buffer: libuv asks for one only when data is there.
 * A write hands the data to the kernel at once when it can (uv_try_write)
 * and otherwise parks until libuv has written all of it, so a slow reader
 * slows its writer and memory stays bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "binding.h"
#include "isolate.h"
#include "stream.h"

#define READ_SIZE 65536

void coro_stream_handle_close(coro_handle *h)
{
    coro_stream_close((coro_stream *)h);
}

const coro_handle_type coro_stream_type = { "Stream", coro_stream_handle_close, NULL };

/* ------------------------------------------------------------------ */
/* the interface */

static void stream_finalize(coro_life *l)
{
    coro_stream *s = (coro_stream *)((char *)l - offsetof(coro_stream, life));

    /* the isolate may be gone by now (a uv_close callback that came after
       it was freed): a stream's own finalize touches only what it owns */
    if (s->ops->finalize)
        s->ops->finalize(s);
    free(s);
}

void coro_stream_init(coro_stream *s, coro_isolate *iso, const coro_handle_type *type,
                      const coro_stream_ops *ops)
{
    s->h.type = type;
    s->h.iso = iso;
    s->ops = ops;
    coro_life_init(&s->life, stream_finalize);
}

int coro_stream_register(coro_stream *s, coro_isolate *iso, const coro_handle_type *type,
                         const coro_stream_ops *ops)
{
    coro_stream_init(s, iso, type, ops);
    return coro_handles_add(&iso->handles, &s->h) ? 0 : -1;
}

coro_stream *coro_stream_hold(JSContext *ctx, JSValueConst id)
{
    coro_stream *s = (coro_stream *)coro_arg_handle(ctx, id, &coro_stream_type);

    if (s)
        coro_life_hold(&s->life);
    return s;
}

ssize_t coro_stream_read(JSContext *ctx, coro_stream *s, uint8_t **buf, uint64_t ms)
{
    return s->ops->read(ctx, s, buf, ms);
}

int coro_stream_write(JSContext *ctx, coro_stream *s, const uint8_t *data, size_t len)
{
    uv_buf_t buf = uv_buf_init((char *)data, (unsigned)len);

    return s->ops->writev(ctx, s, &buf, 1, 0);
}

int coro_stream_writev(JSContext *ctx, coro_stream *s, const uv_buf_t *bufs, unsigned n)
{
    return s->ops->writev(ctx, s, bufs, n, 1);
}

int coro_stream_try_write(coro_stream *s, const uint8_t *data, size_t len)
{
    return s->ops->try_write ? s->ops->try_write(s, data, len) : UV_EAGAIN;
}

int coro_stream_shutdown(JSContext *ctx, coro_stream *s)
{
    return s->ops->shutdown(ctx, s);
}

int coro_stream_readable(const coro_stream *s)
{
    return s->ops->readable(s);
}

int coro_stream_watch(coro_stream *s, coro_stream_cb *cb, void *arg)
{
    return s->ops->watch ? s->ops->watch(s, cb, arg) : UV_ENOTSUP;
}

void coro_stream_close(coro_stream *s)
{
    if (!coro_life_close(&s->life))
        return;
    if (s->h.id)
        coro_handles_remove(&s->h.iso->handles, &s->h);
    s->ops->close(s);
    coro_life_check(&s->life);
}

coro_stream *coro_stream_bottom(coro_stream *s)
{
    coro_stream *b;

    while (s->ops->below && (b = s->ops->below(s)))
        s = b;
    return s;
}

void coro_stream_ref(coro_stream *s, int ref)
{
    coro_uvstream *u = coro_uvstream_of(s);

    if (!u || u->s.life.closed)
        return;
    if (ref)
        uv_ref(&u->u.handle);
    else
        uv_unref(&u->u.handle);
}

JSValue coro_stream_error(JSContext *ctx, int err, const char *syscall)
{
    if (err == UV_EBADF) {
        JSValue e = coro_new_uv_error(ctx, err, syscall, NULL, NULL);
        JS_SetPropertyStr(ctx, e, "message", JS_NewString(ctx, "EBADF: the socket is closed"));
        return e;
    }
    return coro_new_net_error(ctx, err, syscall, NULL, -1);
}

JSValue coro_stream_throw(JSContext *ctx, int err, const char *syscall)
{
    if (err == CORO_ETERMINATED)
        return JS_EXCEPTION;
    return JS_Throw(ctx, coro_stream_error(ctx, err, syscall));
}

/* ------------------------------------------------------------------ */
/* uvstreams: reading */

static const coro_stream_ops uv_ops;

coro_uvstream *coro_uvstream_of(coro_stream *s)
{
    s = coro_stream_bottom(s);
    return s->ops == &uv_ops ? (coro_uvstream *)s : NULL;
}

/* libuv reads into one buffer for all streams, and read_cb copies out just
   the bytes that came: no 64 KiB allocation per read, and a chunk kept for
   later takes only its own size. (read_cb runs right after the read, on
   main, so the buffer is never shared by two reads.) */
static char read_scratch[READ_SIZE];

static void alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    buf->base = read_scratch;
    buf->len = sizeof read_scratch;
}

static void stop_reading(coro_uvstream *u)
{
    if (u->read_active && !u->s.life.closed)
        uv_read_stop(&u->u.stream);
    u->read_active = 0;
}

static void read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    coro_uvstream *u = stream->data;

    if (nread == 0) /* nothing this time (EAGAIN) */
        return;
    if (nread > 0) {
        u->rbuf = js_malloc_rt(u->s.h.iso->rt, (size_t)nread);
        if (!u->rbuf) {
            nread = UV_ENOMEM;
            stop_reading(u);
        } else {
            memcpy(u->rbuf, buf->base, (size_t)nread);
        }
    } else {
        stop_reading(u); /* the end, or an error: nothing more comes */
    }
    u->rlen = nread;
    if (u->reader) {
        coro_fiber_wake(u->reader, 0); /* from main: it takes the chunk now */
    } else if (u->on_readable) {
        /* the watcher may start a fiber that takes the chunk at once */
        coro_stream_cb *cb = u->on_readable;
        u->on_readable = NULL;
        cb(&u->s, u->on_readable_arg, 0);
    }
    if (u->rlen != 0)
        stop_reading(u); /* kept for a later read: hold the rest back */
}

static int uv_readable(const coro_stream *s)
{
    const coro_uvstream *u = (const coro_uvstream *)s;

    return u->rlen != 0 || u->eof || s->life.closed;
}

static int uv_watch(coro_stream *s, coro_stream_cb *cb, void *arg)
{
    coro_uvstream *u = (coro_uvstream *)s;
    int st = 0;

    if (s->life.closed)
        return UV_EBADF;
    u->on_readable = cb;
    u->on_readable_arg = arg;
    if (cb && u->rlen == 0 && !u->read_active && !u->eof) {
        st = uv_read_start(&u->u.stream, alloc_cb, read_cb);
        u->read_active = st == 0;
        if (st < 0)
            u->on_readable = NULL;
    }
    return st;
}

static ssize_t uv_read(JSContext *ctx, coro_stream *s, uint8_t **out, uint64_t ms)
{
    coro_uvstream *u = (coro_uvstream *)s;
    ssize_t n;
    int st;

    if (u->eof)
        return 0;
    st = coro_turn_take(ctx, &u->reading, &u->readq, &s->life.closed);
    if (st < 0)
        return st;
    if (u->rlen == 0 && !u->read_active) {
        st = uv_read_start(&u->u.stream, alloc_cb, read_cb);
        u->read_active = st == 0;
    }
    if (u->rlen == 0 && st == 0) {
        u->reader = coro_fiber_current();
        st = coro_wait_timeout(ctx, ms, 0);
        u->reader = NULL;
    }
    coro_turn_give(&u->reading, &u->readq);
    n = u->rlen; /* data that arrived wins over a deadline that fired with it */
    u->rlen = 0;
    if (n > 0) {
        *out = u->rbuf;
        u->rbuf = NULL;
        return n;
    }
    if (n == UV_EOF) {
        u->eof = 1;
        return 0;
    }
    if (n < 0)
        return n;
    return st < 0 ? st : s->life.closed ? UV_EBADF : UV_EIO;
}

/* ------------------------------------------------------------------ */
/* uvstreams: writing */

static void write_cb(uv_write_t *req, int status)
{
    coro_op_done(req->data, status);
}

static void shutdown_cb(uv_shutdown_t *req, int status)
{
    coro_op_done(req->data, status);
}

void coro_uvstream_connect_cb(uv_connect_t *req, int status)
{
    coro_op_done(req->data, status);
}

/* The request lives on this stack, so when the deadline passes or the
   isolate ends first, the stream is closed (libuv then cancels the request)
   and its callback awaited. */
int coro_uvstream_wait(JSContext *ctx, coro_uvstream *u, coro_op *op, uint64_t timeout)
{
    int st = coro_wait_timeout(ctx, timeout, 0);

    if (!op->done) {
        coro_stream_close(&u->s);
        coro_op_finish(op);
    }
    if (st == CORO_ETERMINATED || st == UV_ETIMEDOUT)
        return st;
    return op->status;
}

/* What is left of bufs once `taken` bytes of them are written. */
static unsigned rest_of(const uv_buf_t *bufs, unsigned n, size_t taken, uv_buf_t *rest)
{
    unsigned i, k = 0;

    for (i = 0; i < n; i++) {
        if (taken >= bufs[i].len) {
            taken -= bufs[i].len;
            continue;
        }
        rest[k++] = uv_buf_init(bufs[i].base + taken, (unsigned)(bufs[i].len - taken));
        taken = 0;
    }
    return k;
}

/* Write what the kernel did not take at once: libuv writes it while the
   fiber waits, from a copy if `copy` (the caller's memory may change
   meanwhile) or from the caller's memory. */
static int write_rest(JSContext *ctx, coro_uvstream *u, uv_buf_t *rest, unsigned k, int copy)
{
    uint8_t *heap = NULL;
    size_t total = 0;
    uv_write_t req;
    coro_op op;
    int st = 0;

    if (copy) {
        for (unsigned i = 0; i < k; i++)
            total += rest[i].len;
        heap = js_malloc(ctx, total);
        if (!heap)
            return UV_ENOMEM;
        total = 0;
        for (unsigned i = 0; i < k; total += rest[i].len, i++)
            memcpy(heap + total, rest[i].base, rest[i].len);
        rest[0] = uv_buf_init((char *)heap, (unsigned)total);
        k = 1;
    }
    coro_op_init(&op);
    req.data = &op;
    st = uv_write(&req, &u->u.stream, rest, k, write_cb);
    if (st == 0)
        st = coro_uvstream_wait(ctx, u, &op, u->s.timeout);
    js_free(ctx, heap);
    return st;
}

static int uv_writev(JSContext *ctx, coro_stream *s, const uv_buf_t *bufs, unsigned n, int copy)
{
    coro_uvstream *u = (coro_uvstream *)s;
    uv_buf_t rest[CORO_STREAM_MAX_BUFS];
    size_t total = 0;
    int st;

    if (n > CORO_STREAM_MAX_BUFS)
        return UV_EINVAL;
    for (unsigned i = 0; i < n; i++)
        total += bufs[i].len;
    st = coro_turn_take(ctx, &u->writing, &u->writeq, &s->life.closed);
    if (st < 0)
        return st;
    st = total ? uv_try_write(&u->u.stream, bufs, n) : 0;
    if (st == UV_EAGAIN)
        st = 0;
    if (st >= 0 && (size_t)st < total) /* the kernel took part of it: wait for the rest */
        st = write_rest(ctx, u, rest, rest_of(bufs, n, (size_t)st, rest), copy);
    coro_turn_give(&u->writing, &u->writeq);
    return st < 0 ? st : 0;
}

static int uv_try_write_op(coro_stream *s, const uint8_t *data, size_t len)
{
    coro_uvstream *u = (coro_uvstream *)s;
    uv_buf_t buf = uv_buf_init((char *)data, (unsigned)len);

    if (s->life.closed)
        return UV_EBADF;
    if (u->writing)
        return UV_EAGAIN;
    return len ? uv_try_write(&u->u.stream, &buf, 1) : 0;
}

static int uv_shutdown_op(JSContext *ctx, coro_stream *s)
{
    coro_uvstream *u = (coro_uvstream *)s;
    uv_shutdown_t req;
    coro_op op;
    int st;

    st = coro_turn_take(ctx, &u->writing, &u->writeq, &s->life.closed);
    if (st < 0)
        return st;
    coro_op_init(&op);
    req.data = &op;
    st = uv_shutdown(&req, &u->u.stream, shutdown_cb);
    if (st == 0)
        st = coro_uvstream_wait(ctx, u, &op, s->timeout);
    coro_turn_give(&u->writing, &u->writeq);
    return st == UV_ENOTCONN ? 0 : st; /* ended twice: nothing to do */
}

/* ------------------------------------------------------------------ */
/* uvstreams: life */

static void closed_cb(uv_handle_t *handle)
{
    coro_uvstream *u = handle->data;

    coro_life_close_done(&u->s.life);
}

static void uv_close_op(coro_stream *s)
{
    coro_uvstream *u = (coro_uvstream *)s;

    s->life.pending = 1;
    uv_close(&u->u.handle, closed_cb);
    /* A chunk nobody took: freed now, as the runtime it came from may be
       freed before the close callback runs (an isolate ending in the same
       loop iteration). */
    js_free_rt(s->h.iso->rt, u->rbuf);
    u->rbuf = NULL;
    u->rlen = 0;
    if (u->reader)
        coro_fiber_wake(u->reader, UV_EBADF);
    /* the waiters hold the struct; they see `closed` when they run */
    coro_waitq_wake_all(&u->readq, UV_EBADF);
    coro_waitq_wake_all(&u->writeq, UV_EBADF);
    if (u->on_readable) {
        coro_stream_cb *cb = u->on_readable;
        u->on_readable = NULL;
        cb(s, u->on_readable_arg, UV_EBADF);
    }
}

static const coro_stream_ops uv_ops = {
    .read = uv_read,
    .writev = uv_writev,
    .try_write = uv_try_write_op,
    .shutdown = uv_shutdown_op,
    .readable = uv_readable,
    .watch = uv_watch,
    .close = uv_close_op,
};

int coro_uvstream_init(coro_uvstream *u, coro_isolate *iso, const coro_handle_type *type,
                       int kind, int fd)
{
    int st = 0;

    if (coro_stream_register(&u->s, iso, type, &uv_ops) < 0) {
        free(u);
        return UV_ENOMEM;
    }
    if (kind == CORO_UV_TCP)
        uv_tcp_init(coro_loop(), &u->u.tcp);
    else if (kind == CORO_UV_PIPE)
        uv_pipe_init(coro_loop(), &u->u.pipe, 0);
    else
        st = uv_tty_init(coro_loop(), &u->u.tty, fd, 0);
    if (st < 0) {
        coro_handles_remove(&iso->handles, &u->s.h);
        free(u);
        return st;
    }
    u->u.handle.data = u;
    u->kind = kind;
    return 0;
}
