/*
 * prim/stream.c: __primordials.stream, the calls every stream answers
 * (core/stream.h): sockets, TLS connections, pipes, FIFOs and terminals.
 * Also open(fd): a stream over a descriptor the process has (stdio, a pipe
 * or FIFO opened by fs), read and written through the loop, never the
 * thread pool, so a reader that waits forever holds only its fiber.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prim.h"
#include "core/binding.h"
#include "core/stream.h"
#include "core/utf8.h"

static const coro_handle_type fd_type = { "FdStream", coro_stream_handle_close, &coro_stream_type };

/* ------------------------------------------------------------------ */
/* a regular file (or /dev/null) as a stream: stdio redirected from or to a
   file, read and written on libuv's thread pool as fs does */

#define FILE_READ_SIZE 65536

typedef struct file_stream {
    coro_stream s;
    int fd;
} file_stream;

typedef struct pool_req {
    uv_fs_t req;
    coro_op op;
} pool_req;

static void pool_done(uv_fs_t *req)
{
    coro_op_done(req->data, (int)req->result);
}

/* One read or write of the file's descriptor at its position. */
static int file_io(JSContext *ctx, file_stream *f, int write_op, uv_buf_t *buf)
{
    pool_req r;
    int st;

    if (f->s.life.closed)
        return UV_EBADF;
    memset(&r.req, 0, sizeof r.req);
    r.req.data = &r.op;
    coro_op_init(&r.op);
    if ((st = coro_pool_take(ctx)) < 0)
        return st;
    st = write_op ? uv_fs_write(coro_loop(), &r.req, f->fd, buf, 1, -1, pool_done)
                  : uv_fs_read(coro_loop(), &r.req, f->fd, buf, 1, -1, pool_done);
    if (st == 0)
        st = coro_op_wait(ctx, &r.op);
    coro_pool_give(ctx);
    uv_fs_req_cleanup(&r.req);
    return st;
}

static ssize_t file_read(JSContext *ctx, coro_stream *s, uint8_t **out, uint64_t ms)
{
    uint8_t *buf = js_malloc(ctx, FILE_READ_SIZE);
    uv_buf_t b = uv_buf_init((char *)buf, FILE_READ_SIZE);
    int n;

    if (!buf)
        return UV_ENOMEM;
    n = file_io(ctx, (file_stream *)s, 0, &b);
    if (n <= 0) {
        js_free(ctx, buf);
        return n;
    }
    *out = buf;
    return n;
}

static int file_writev(JSContext *ctx, coro_stream *s, const uv_buf_t *bufs, unsigned n, int copy)
{
    for (unsigned i = 0; i < n; i++) {
        uv_buf_t b = bufs[i];
        while (b.len > 0) {
            int w = file_io(ctx, (file_stream *)s, 1, &b);
            if (w < 0)
                return w;
            b.base += w;
            b.len -= (size_t)w;
        }
    }
    return 0;
}

static int file_shutdown(JSContext *ctx, coro_stream *s)
{
    return 0;
}

static int file_readable(const coro_stream *s)
{
    return s->life.closed;
}

static void file_close(coro_stream *s)
{
}

static void file_finalize(coro_stream *s)
{
    close(((file_stream *)s)->fd); /* a file's close does not block */
}

static const coro_stream_ops file_ops = {
    .read = file_read,
    .writev = file_writev,
    .shutdown = file_shutdown,
    .readable = file_readable,
    .close = file_close,
    .finalize = file_finalize,
};

/* ------------------------------------------------------------------ */
/* the bindings */

/* read(id) -> string or null: UTF-8, characters split between reads kept */
static JSValue js_stream_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_stream *s = coro_stream_hold(ctx, argv[0]);
    JSValue ret = JS_UNDEFINED;

    if (!s)
        return JS_EXCEPTION;
    while (JS_IsUndefined(ret)) {
        uint8_t *data = NULL, *all;
        ssize_t n = coro_stream_read(ctx, s, &data, s->timeout);
        size_t total, errors, whole;

        if (n < 0) {
            ret = coro_stream_throw(ctx, (int)n, "read");
            break;
        }
        if (n == 0 && s->tail_len == 0) {
            ret = JS_NULL;
            break;
        }
        total = (size_t)s->tail_len + (size_t)n;
        all = js_malloc(ctx, total ? total : 1);
        if (!all) {
            js_free(ctx, data);
            ret = JS_EXCEPTION;
            break;
        }
        memcpy(all, s->tail, (size_t)s->tail_len);
        if (n)
            memcpy(all + s->tail_len, data, (size_t)n);
        js_free(ctx, data);
        /* at the end of the stream a split character is an error (U+FFFD) */
        whole = coro_utf8_scan(all, total, n > 0, &errors);
        s->tail_len = (int)(total - whole);
        memcpy(s->tail, all + whole, (size_t)s->tail_len);
        if (whole > 0)
            ret = coro_new_string_utf8(ctx, all, whole, 0);
        js_free(ctx, all);
    }
    coro_stream_release(s);
    return ret;
}

/* readBytes(id) -> Uint8Array or null */
static JSValue js_stream_read_bytes(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    coro_stream *s = coro_stream_hold(ctx, argv[0]);
    uint8_t *data = NULL;
    ssize_t n;
    JSValue ret;

    if (!s)
        return JS_EXCEPTION;
    if (s->tail_len) { /* what a string read kept back comes first */
        n = s->tail_len;
        data = js_malloc(ctx, (size_t)n);
        if (data)
            memcpy(data, s->tail, (size_t)n);
        s->tail_len = 0;
    } else {
        n = coro_stream_read(ctx, s, &data, s->timeout);
    }
    if (n < 0)
        ret = coro_stream_throw(ctx, (int)n, "read");
    else if (n == 0)
        ret = JS_NULL;
    else if (!data)
        ret = JS_EXCEPTION;
    else
        ret = coro_new_uint8array(ctx, data, (size_t)n);
    coro_stream_release(s);
    return ret;
}

/* write(id, data) -> bytes written, as a BigInt */
static JSValue js_stream_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_stream *s;
    coro_bytes b;
    int st;

    if (coro_arg_bytes(ctx, argv[1], "data", &b) < 0)
        return JS_EXCEPTION;
    s = coro_stream_hold(ctx, argv[0]);
    if (!s) {
        coro_bytes_free(ctx, &b);
        return JS_EXCEPTION;
    }
    st = coro_stream_write(ctx, s, b.data, b.len);
    coro_stream_release(s);
    coro_bytes_free(ctx, &b);
    if (st < 0)
        return coro_stream_throw(ctx, st, "write");
    return JS_NewBigUint64(ctx, b.len);
}

/* tryWrite(id, data) -> what the stream took at once (a number, maybe 0),
   never parking: Node's StreamBase writes this way first. */
static JSValue js_stream_try_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_stream *s = (coro_stream *)coro_arg_handle(ctx, argv[0], &coro_stream_type);
    const uint8_t *data;
    size_t len;
    int n;

    if (!s || coro_arg_view(ctx, argv[1], "data", &data, &len) < 0)
        return JS_EXCEPTION;
    n = coro_stream_try_write(s, data, len);
    if (n == UV_EAGAIN)
        n = 0;
    if (n < 0)
        return coro_stream_throw(ctx, n, "write");
    return JS_NewInt32(ctx, n);
}

static JSValue js_stream_end(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_stream *s = coro_stream_hold(ctx, argv[0]);
    int st;

    if (!s)
        return JS_EXCEPTION;
    st = coro_stream_shutdown(ctx, s);
    coro_stream_release(s);
    if (st < 0)
        return coro_stream_throw(ctx, st, "shutdown");
    return JS_UNDEFINED;
}

/* close(id): closing twice is an EBADF. */
static JSValue js_stream_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &coro_stream_type);
}

/* setTimeout(id, ms): a read or write blocked longer throws ETIMEDOUT; 0 = never */
static JSValue js_stream_set_timeout(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    coro_stream *s = (coro_stream *)coro_arg_handle(ctx, argv[0], &coro_stream_type);
    uint64_t ms;

    if (!s || coro_arg_ms(ctx, argv[1], "timeout", &ms) < 0)
        return JS_EXCEPTION;
    s->timeout = ms;
    return JS_UNDEFINED;
}

/* ref(id, on): whether the stream's reads and writes keep the program alive */
static JSValue js_stream_ref(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_stream *s = (coro_stream *)coro_arg_handle(ctx, argv[0], &coro_stream_type);

    if (!s)
        return JS_EXCEPTION;
    coro_stream_ref(s, JS_ToBool(ctx, argv[1]));
    return JS_UNDEFINED;
}

/* A stream over descriptor fd (ours to close): a uvstream for a terminal, a
   pipe, FIFO or socket (uv_pipe_open serves all three), else a file stream.
   Returns its ID, or a negative error (fd not taken). */
static int64_t fd_stream(coro_isolate *iso, int fd)
{
    struct stat st;
    coro_uvstream *u;
    file_stream *f;
    int kind, r;

    if (fstat(fd, &st) < 0)
        return -errno;
    kind = isatty(fd) ? CORO_UV_TTY : S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ? CORO_UV_PIPE : -1;
    if (kind >= 0) {
        if (!(u = calloc(1, sizeof *u)))
            return UV_ENOMEM;
        r = coro_uvstream_init(u, iso, &fd_type, kind, fd);
        if (r == 0 && kind == CORO_UV_PIPE && (r = uv_pipe_open(&u->u.pipe, fd)) < 0)
            coro_stream_close(&u->s);
        return r < 0 ? r : (int64_t)u->s.h.id;
    }
    if (!(f = calloc(1, sizeof *f)))
        return UV_ENOMEM;
    f->fd = fd;
    if (coro_stream_register(&f->s, iso, &fd_type, &file_ops) < 0) {
        free(f);
        return UV_ENOMEM;
    }
    return (int64_t)f->s.h.id;
}

/* open(fd) -> id: a stream over a duplicate of descriptor fd. Descriptors 0,
   1 and 2 are open to every isolate; others need the fs capability. */
static JSValue js_stream_open(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t fd, id;
    int dup_fd;

    if (coro_arg_integer(ctx, argv[0], "fd", 0, INT32_MAX, &fd) < 0)
        return JS_EXCEPTION;
    if (fd > 2 && !coro_isolate_allow(ctx, CORO_CAP_FS, "a stream over a descriptor"))
        return JS_EXCEPTION;
    /* its own descriptor, so closing the stream leaves fd (stdout...) open */
    dup_fd = fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
    if (dup_fd < 0)
        return coro_throw_uv(ctx, -errno, "dup", NULL, NULL);
    id = fd_stream(coro_isolate_of(ctx), dup_fd);
    if (id < 0) {
        close(dup_fd);
        return coro_throw_uv(ctx, (int)id, "open", NULL, NULL);
    }
    return JS_NewBigUint64(ctx, (uint64_t)id);
}

/* ------------------------------------------------------------------ */
/* terminals and blocking writes: Node's tty_wrap and stdio (process.stdout
   and stderr write synchronously, lib/node/stdio.js) */

/* The libuv stream under a stream's ID, or NULL with a TypeError pending. */
static coro_uvstream *arg_uvstream(JSContext *ctx, JSValueConst id, int kind)
{
    coro_stream *s = (coro_stream *)coro_arg_handle(ctx, id, &coro_stream_type);
    coro_uvstream *u = s ? coro_uvstream_of(s) : NULL;

    if (s && (!u || (kind >= 0 && u->kind != kind))) {
        JS_ThrowTypeError(ctx, kind == CORO_UV_TTY ? "not a terminal" : "not a socket, pipe or terminal");
        return NULL;
    }
    return u;
}

/* writeSync(id, data) -> 0 or a negative errno (EPIPE, ...): all of data
   written before it returns, blocking the thread while the other end does
   not read, as Node's stdout and stderr on a terminal do. */
static JSValue js_stream_write_sync(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_uvstream *u = arg_uvstream(ctx, argv[0], -1);
    const uint8_t *data;
    size_t len;
    uv_os_fd_t fd;

    if (!u || coro_arg_view(ctx, argv[1], "data", &data, &len) < 0)
        return JS_EXCEPTION;
    if (uv_fileno(&u->u.handle, &fd) < 0)
        return JS_NewInt32(ctx, UV_EBADF);
    return JS_NewInt32(ctx, coro_write_all(fd, data, len));
}

/* windowSize(id) -> [columns, rows] of a terminal, or a negative errno */
static JSValue js_stream_window_size(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_uvstream *u = arg_uvstream(ctx, argv[0], CORO_UV_TTY);
    JSValue size;
    int width, height, st;

    if (!u)
        return JS_EXCEPTION;
    st = uv_tty_get_winsize(&u->u.tty, &width, &height);
    if (st < 0)
        return JS_NewInt32(ctx, st);
    size = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, size, 0, JS_NewInt32(ctx, width));
    JS_SetPropertyUint32(ctx, size, 1, JS_NewInt32(ctx, height));
    return size;
}

static void reset_tty_mode(void)
{
    uv_tty_reset_mode();
}

/* setRawMode(id, raw) -> 0 or a negative errno. The terminal's first mode
   comes back when the process exits, however it exits. */
static JSValue js_stream_set_raw_mode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static int reset_at_exit;
    coro_uvstream *u = arg_uvstream(ctx, argv[0], CORO_UV_TTY);

    if (!u)
        return JS_EXCEPTION;
    if (!reset_at_exit)
        reset_at_exit = atexit(reset_tty_mode) == 0;
    return JS_NewInt32(ctx, uv_tty_set_mode(&u->u.tty, JS_ToBool(ctx, argv[1]) ? UV_TTY_MODE_RAW
                                                                               : UV_TTY_MODE_NORMAL));
}

static const JSCFunctionListEntry stream_funcs[] = {
    JS_CFUNC_DEF("read", 1, js_stream_read),
    JS_CFUNC_DEF("readBytes", 1, js_stream_read_bytes),
    JS_CFUNC_DEF("write", 2, js_stream_write),
    JS_CFUNC_DEF("tryWrite", 2, js_stream_try_write),
    JS_CFUNC_DEF("end", 1, js_stream_end),
    JS_CFUNC_DEF("close", 1, js_stream_close),
    JS_CFUNC_DEF("setTimeout", 2, js_stream_set_timeout),
    JS_CFUNC_DEF("ref", 2, js_stream_ref),
    JS_CFUNC_DEF("open", 1, js_stream_open),
    JS_CFUNC_DEF("writeSync", 2, js_stream_write_sync),
    JS_CFUNC_DEF("windowSize", 1, js_stream_window_size),
    JS_CFUNC_DEF("setRawMode", 2, js_stream_set_raw_mode),
};

int coro_prim_stream_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, stream_funcs, sizeof stream_funcs / sizeof stream_funcs[0]);
    return 0;
}
