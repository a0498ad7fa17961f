/*
 * prim/net.c: __primordials.net, TCP and Unix-domain stream sockets.
 *
 * Reading is driven by the fibers that read. The first read() starts libuv
 * reading; each chunk the read callback gets goes straight to the fiber
 * waiting for it, and reading stays on for the next read(), so a connection
 * that answers request after request costs no system call beyond read and
 * write. A chunk that arrives while nobody waits is kept (one, at most) and
 * reading stops until a fiber takes it: a slow consumer leaves the data in
 * the kernel, where TCP flow control slows the sender. An idle connection
 * holds no buffer: libuv asks for one only when data is there.
 * write() hands the data to the kernel at once when it can (uv_try_write)
 * and otherwise parks until libuv has written all of it, so a slow reader
 * slows its writer and memory stays bounded.
 *
 * A listening socket is ours, not libuv's: accept4() is called from a
 * uv_poll_t callback. When it fails for lack of descriptors (EMFILE, ENFILE)
 * the server stops polling and retries a little later, leaving connections
 * waiting in the kernel's backlog; libuv's own server would accept and drop
 * them instead. Each accepted connection gets a fiber of its own.
 *
 * A socket struct outlives its handle ID: operations in flight hold it
 * (`busy`), and it is freed when both libuv has closed it and no operation
 * uses it any more.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "prim.h"
#include "net.h"
#include "core/binding.h"
#include "core/run.h"
#include "core/utf8.h"

#define READ_SIZE 65536
#define ACCEPT_RETRY_MS 100   /* after EMFILE and friends */
#define DEFAULT_BACKLOG 511

enum { KIND_TCP, KIND_PIPE };

struct js_socket {
    coro_handle h;
    union {
        uv_handle_t handle;
        uv_stream_t stream;
        uv_tcp_t tcp;
        uv_pipe_t pipe;
    } u;
    int kind;
    int busy;           /* operations holding this struct */
    int closed;         /* uv_close called */
    int close_done;     /* ... and its callback ran */
    int reading, writing; /* a fiber has the turn */
    coro_waitq readq, writeq;
    int read_active;    /* uv_read_start in effect */
    coro_fiber *reader; /* the fiber waiting for read_cb */
    uint8_t *rbuf;      /* a chunk read_cb got and nobody took yet ... */
    ssize_t rlen;       /* ... and its length, or an error; 0 = none */
    uint64_t timeout;   /* ms a read or write may block, 0 = forever */
    uint8_t tail[4];    /* UTF-8 bytes of a character split between reads */
    int tail_len;
    int eof;
    coro_net_readable_cb *on_readable; /* called once a read would not block */
    void *on_readable_arg;
};

typedef struct js_server {
    coro_handle h;
    uv_poll_t poll;
    uv_timer_t retry;
    int fd;
    int kind;
    int closed;
    int open_handles;   /* poll and retry, until their close callbacks */
    JSValue on_connection;
    coro_waitq serving; /* the fiber blocked in serve() */
    char *path;         /* a Unix socket's path, removed on close */
} js_server;

static void socket_close_handle(coro_handle *h);
static void server_close_handle(coro_handle *h);

static const coro_handle_type socket_type = { "Socket", socket_close_handle };
static const coro_handle_type server_type = { "Server", server_close_handle };

/* ------------------------------------------------------------------ */
/* socket lifetime */

/* The isolate may be gone by the time libuv calls back after uv_close (a
   socket that did not keep the loop alive is closed as its isolate is
   freed), so nothing here touches it: a kept chunk is freed at close. */
static void socket_free_if_done(js_socket *s)
{
    if (s->close_done && s->busy == 0)
        free(s); /* its isolate may be gone by now: touch nothing of it */
}

static void socket_closed_cb(uv_handle_t *handle)
{
    js_socket *s = handle->data;

    s->close_done = 1;
    socket_free_if_done(s);
}

void coro_net_close(js_socket *s)
{
    if (s->closed)
        return;
    s->closed = 1;
    if (s->h.id)
        coro_handles_remove(&s->h.iso->handles, &s->h);
    uv_close(&s->u.handle, socket_closed_cb);
    /* A chunk nobody took: freed now, as the runtime it came from may be
       freed before the close callback runs (an isolate ending in the same
       loop iteration). */
    js_free_rt(s->h.iso->rt, s->rbuf);
    s->rbuf = NULL;
    s->rlen = 0;
    if (s->reader)
        coro_fiber_wake(s->reader, UV_EBADF);
    /* the waiters hold the struct; they see `closed` when they run */
    coro_waitq_wake_all(&s->readq, UV_EBADF);
    coro_waitq_wake_all(&s->writeq, UV_EBADF);
    if (s->on_readable) {
        coro_net_readable_cb *cb = s->on_readable;
        s->on_readable = NULL;
        cb(s, s->on_readable_arg, UV_EBADF);
    }
}

static void socket_close_handle(coro_handle *h)
{
    coro_net_close((js_socket *)h);
}

/* A new socket of the isolate, its libuv handle initialised, or NULL. */
static js_socket *socket_new(coro_isolate *iso, int kind)
{
    js_socket *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->h.type = &socket_type;
    s->h.iso = iso;
    s->kind = kind;
    if (kind == KIND_TCP)
        uv_tcp_init(coro_loop(), &s->u.tcp);
    else
        uv_pipe_init(coro_loop(), &s->u.pipe, 0);
    s->u.handle.data = s;
    if (!coro_handles_add(&iso->handles, &s->h)) {
        s->closed = 1;
        uv_close(&s->u.handle, socket_closed_cb);
        return NULL;
    }
    return s;
}

js_socket *coro_net_socket(JSContext *ctx, JSValueConst id)
{
    js_socket *s = (js_socket *)coro_arg_handle(ctx, id, &socket_type);

    if (s)
        s->busy++;
    return s;
}

uint64_t coro_net_id(const js_socket *s)
{
    return s->h.id;
}

void coro_net_ref(js_socket *s, int ref)
{
    if (s->closed)
        return;
    if (ref)
        uv_ref(&s->u.handle);
    else
        uv_unref(&s->u.handle);
}

void coro_net_release(js_socket *s)
{
    s->busy--;
    socket_free_if_done(s);
}

JSValue coro_net_error(JSContext *ctx, int err, const char *syscall)
{
    if (err == UV_EBADF) {
        JSValue e = coro_new_uv_error(ctx, err, syscall, NULL, NULL);
        JS_SetPropertyStr(ctx, e, "message", JS_NewString(ctx, "EBADF: the socket is closed"));
        return e;
    }
    return coro_new_net_error(ctx, err, syscall, NULL, -1);
}

JSValue coro_net_throw(JSContext *ctx, int err, const char *syscall)
{
    if (err == CORO_ETERMINATED)
        return JS_EXCEPTION;
    return JS_Throw(ctx, coro_net_error(ctx, err, syscall));
}

/* ------------------------------------------------------------------ */
/* reading */

/* libuv reads into one buffer for all sockets, and read_cb copies out
   just the bytes that came: no 64 KiB allocation per read, and a chunk
   kept for later takes only its own size. (read_cb runs right after the
   read, on main, so the buffer is never shared by two reads.) */
static char read_scratch[READ_SIZE];

static void alloc_cb(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    buf->base = read_scratch;
    buf->len = sizeof read_scratch;
}

static void stop_reading(js_socket *s)
{
    if (s->read_active && !s->closed)
        uv_read_stop(&s->u.stream);
    s->read_active = 0;
}

static void read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    js_socket *s = stream->data;

    if (nread == 0) /* nothing this time (EAGAIN) */
        return;
    if (nread > 0) {
        s->rbuf = js_malloc_rt(s->h.iso->rt, (size_t)nread);
        if (!s->rbuf) {
            nread = UV_ENOMEM;
            stop_reading(s);
        } else {
            memcpy(s->rbuf, buf->base, (size_t)nread);
        }
    } else {
        stop_reading(s); /* the end, or an error: nothing more comes */
    }
    s->rlen = nread;
    if (s->reader) {
        coro_fiber_wake(s->reader, 0); /* from main: it takes the chunk now */
    } else if (s->on_readable) {
        /* the watcher may start a fiber that takes the chunk at once */
        coro_net_readable_cb *cb = s->on_readable;
        s->on_readable = NULL;
        cb(s, s->on_readable_arg, 0);
    }
    if (s->rlen != 0)
        stop_reading(s); /* kept for a later read(): hold the rest back */
}

ssize_t coro_net_read(JSContext *ctx, js_socket *s, uint8_t **out)
{
    return coro_net_read_timeout(ctx, s, out, s->timeout);
}

int coro_net_readable(const js_socket *s)
{
    return s->rlen != 0 || s->eof || s->closed;
}

int coro_net_on_readable(js_socket *s, coro_net_readable_cb *cb, void *arg)
{
    int st = 0;

    if (s->closed)
        return UV_EBADF;
    s->on_readable = cb;
    s->on_readable_arg = arg;
    if (cb && s->rlen == 0 && !s->read_active && !s->eof) {
        st = uv_read_start(&s->u.stream, alloc_cb, read_cb);
        s->read_active = st == 0;
        if (st < 0)
            s->on_readable = NULL;
    }
    return st;
}

ssize_t coro_net_read_timeout(JSContext *ctx, js_socket *s, uint8_t **out, uint64_t ms)
{
    ssize_t n;
    int st = 0;

    if (s->eof)
        return 0;
    st = coro_turn_take(ctx, &s->reading, &s->readq, &s->closed);
    if (st < 0)
        return st;
    if (s->rlen == 0 && !s->read_active) {
        st = uv_read_start(&s->u.stream, alloc_cb, read_cb);
        s->read_active = st == 0;
    }
    if (s->rlen == 0 && st == 0) {
        s->reader = coro_fiber_current();
        st = coro_wait_timeout(ctx, ms, 0);
        s->reader = NULL;
    }
    coro_turn_give(&s->reading, &s->readq);
    n = s->rlen; /* data that arrived wins over a deadline that fired with it */
    s->rlen = 0;
    if (n > 0) {
        *out = s->rbuf;
        s->rbuf = NULL;
        return n;
    }
    if (n == UV_EOF) {
        s->eof = 1;
        return 0;
    }
    if (n < 0)
        return n;
    return st < 0 ? st : s->closed ? UV_EBADF : UV_EIO;
}

/* ------------------------------------------------------------------ */
/* writing */

static void write_cb(uv_write_t *req, int status)
{
    coro_op_done(req->data, status);
}

static void shutdown_cb(uv_shutdown_t *req, int status)
{
    coro_op_done(req->data, status);
}

static void connect_cb(uv_connect_t *req, int status)
{
    coro_op_done(req->data, status);
}

/* Wait for a write, shutdown or connect request on s to finish. The request
   lives on this stack, so when the deadline passes or the isolate ends
   first, the socket is closed (libuv then cancels the request) and its
   callback awaited. */
static int wait_request(JSContext *ctx, js_socket *s, coro_op *op, uint64_t timeout)
{
    int st = coro_wait_timeout(ctx, timeout, 0);

    if (!op->done) {
        coro_net_close(s);
        coro_op_finish(op);
    }
    if (st == CORO_ETERMINATED || st == UV_ETIMEDOUT)
        return st;
    return op->status;
}

/* Write bufs, all of them: what the kernel does not take at once is
   written by libuv while the fiber waits, from a copy if `copy` (the
   caller's memory may change meanwhile) or from the caller's memory. */
static int write_bufs(JSContext *ctx, js_socket *s, const uv_buf_t *bufs, unsigned n, int copy)
{
    uv_buf_t rest[CORO_NET_MAX_BUFS];
    uint8_t *heap = NULL;
    size_t total = 0, taken;
    unsigned i, k = 0;
    uv_write_t req;
    coro_op op;
    int st;

    if (n > CORO_NET_MAX_BUFS)
        return UV_EINVAL;
    for (i = 0; i < n; i++)
        total += bufs[i].len;
    st = coro_turn_take(ctx, &s->writing, &s->writeq, &s->closed);
    if (st < 0)
        return st;
    st = total ? uv_try_write(&s->u.stream, bufs, n) : 0;
    if (st == UV_EAGAIN)
        st = 0;
    if (st >= 0 && (size_t)st < total) { /* the kernel took part of it: wait for the rest */
        taken = (size_t)st;
        for (i = 0; i < n; i++) { /* what is left of bufs */
            if (taken >= bufs[i].len) {
                taken -= bufs[i].len;
                continue;
            }
            rest[k] = uv_buf_init(bufs[i].base + taken, (unsigned)(bufs[i].len - taken));
            taken = 0;
            k++;
        }
        if (copy) {
            heap = js_malloc(ctx, total - (size_t)st);
            st = heap ? 0 : UV_ENOMEM;
            for (i = 0, taken = 0; heap && i < k; taken += rest[i].len, i++)
                memcpy(heap + taken, rest[i].base, rest[i].len);
            rest[0] = uv_buf_init((char *)heap, (unsigned)taken);
            k = 1;
        }
        coro_op_init(&op);
        req.data = &op;
        if (st >= 0)
            st = uv_write(&req, &s->u.stream, rest, k, write_cb);
        if (st == 0)
            st = wait_request(ctx, s, &op, s->timeout);
        js_free(ctx, heap);
    }
    coro_turn_give(&s->writing, &s->writeq);
    return st < 0 ? st : 0;
}

int coro_net_write(JSContext *ctx, js_socket *s, const uint8_t *data, size_t len)
{
    uv_buf_t buf = uv_buf_init((char *)data, (unsigned)len);

    return write_bufs(ctx, s, &buf, 1, 0);
}

int coro_net_writev(JSContext *ctx, js_socket *s, const uv_buf_t *bufs, unsigned n)
{
    return write_bufs(ctx, s, bufs, n, 1);
}

int coro_net_try_write(js_socket *s, const uint8_t *data, size_t len)
{
    uv_buf_t buf = uv_buf_init((char *)data, (unsigned)len);

    if (s->closed)
        return UV_EBADF;
    if (s->writing)
        return UV_EAGAIN;
    return len ? uv_try_write(&s->u.stream, &buf, 1) : 0;
}

uint64_t coro_net_set_timeout(js_socket *s, uint64_t ms)
{
    uint64_t old = s->timeout;

    s->timeout = ms;
    return old;
}

int coro_net_shutdown(JSContext *ctx, js_socket *s)
{
    uv_shutdown_t req;
    coro_op op;
    int st;

    st = coro_turn_take(ctx, &s->writing, &s->writeq, &s->closed);
    if (st < 0)
        return st;
    coro_op_init(&op);
    req.data = &op;
    st = uv_shutdown(&req, &s->u.stream, shutdown_cb);
    if (st == 0)
        st = wait_request(ctx, s, &op, s->timeout);
    coro_turn_give(&s->writing, &s->writeq);
    return st == UV_ENOTCONN ? 0 : st; /* ended twice: nothing to do */
}

/* ------------------------------------------------------------------ */
/* the socket bindings */

/* read(id) -> string or null: UTF-8, characters split between reads kept */
static JSValue js_net_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_socket *s = coro_net_socket(ctx, argv[0]);
    JSValue ret = JS_UNDEFINED;

    if (!s)
        return JS_EXCEPTION;
    while (JS_IsUndefined(ret)) {
        uint8_t *data = NULL, *all;
        ssize_t n = coro_net_read(ctx, s, &data);
        size_t total, errors, whole;

        if (n < 0) {
            ret = coro_net_throw(ctx, (int)n, "read");
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
    coro_net_release(s);
    return ret;
}

/* readBytes(id) -> Uint8Array or null */
static JSValue js_net_read_bytes(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_socket *s = coro_net_socket(ctx, argv[0]);
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
        n = coro_net_read(ctx, s, &data);
    }
    if (n < 0)
        ret = coro_net_throw(ctx, (int)n, "read");
    else if (n == 0)
        ret = JS_NULL;
    else if (!data)
        ret = JS_EXCEPTION;
    else
        ret = coro_new_uint8array(ctx, data, (size_t)n);
    coro_net_release(s);
    return ret;
}

/* write(id, data) -> bytes written, as a BigInt */
static JSValue js_net_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_socket *s;
    coro_bytes b;
    int st;

    if (coro_arg_bytes(ctx, argv[1], "data", &b) < 0)
        return JS_EXCEPTION;
    s = coro_net_socket(ctx, argv[0]);
    if (!s) {
        coro_bytes_free(ctx, &b);
        return JS_EXCEPTION;
    }
    st = coro_net_write(ctx, s, b.data, b.len);
    coro_net_release(s);
    coro_bytes_free(ctx, &b);
    if (st < 0)
        return coro_net_throw(ctx, st, "write");
    return JS_NewBigUint64(ctx, b.len);
}

static JSValue js_net_end(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_socket *s = coro_net_socket(ctx, argv[0]);
    int st;

    if (!s)
        return JS_EXCEPTION;
    st = coro_net_shutdown(ctx, s);
    coro_net_release(s);
    if (st < 0)
        return coro_net_throw(ctx, st, "shutdown");
    return JS_UNDEFINED;
}

/* close(id): for sockets and servers alike. Closing twice is an EBADF. */
static JSValue js_net_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_handle *h;
    uint64_t id;

    if (coro_arg_handle_id(ctx, argv[0], &id) < 0)
        return JS_EXCEPTION;
    h = coro_handles_get(&iso->handles, id, &socket_type);
    if (!h)
        h = coro_handles_get(&iso->handles, id, &server_type);
    if (!h)
        return coro_throw_bad_handle(ctx, &socket_type);
    coro_handle_close(&iso->handles, h);
    return JS_UNDEFINED;
}

/* setTimeout(id, ms): 0 = none */
static JSValue js_net_set_timeout(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_socket *s = (js_socket *)coro_arg_handle(ctx, argv[0], &socket_type);
    uint64_t ms;

    if (!s || coro_arg_ms(ctx, argv[1], "timeout", &ms) < 0)
        return JS_EXCEPTION;
    s->timeout = ms;
    return JS_UNDEFINED;
}

enum { OPT_NODELAY, OPT_KEEPALIVE };

/* setNoDelay(id, on), setKeepAlive(id, on, delayMs) */
static JSValue js_net_set_option(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                 int magic)
{
    js_socket *s = (js_socket *)coro_arg_handle(ctx, argv[0], &socket_type);
    uint64_t delay = 0;
    int on, r;

    if (!s)
        return JS_EXCEPTION;
    on = JS_ToBool(ctx, argv[1]);
    if (magic == OPT_KEEPALIVE && !JS_IsUndefined(argv[2]) &&
        coro_arg_ms(ctx, argv[2], "initialDelay", &delay) < 0)
        return JS_EXCEPTION;
    if (s->kind != KIND_TCP)
        return JS_UNDEFINED; /* meaningless for Unix sockets, as in Node */
    if (magic == OPT_NODELAY)
        r = uv_tcp_nodelay(&s->u.tcp, on);
    else
        r = uv_tcp_keepalive(&s->u.tcp, on, (unsigned)((delay + 999) / 1000));
    if (r < 0)
        return coro_throw_uv(ctx, r, "setsockopt", NULL, NULL);
    return JS_UNDEFINED;
}

/* ------------------------------------------------------------------ */
/* addresses */

JSValue coro_sockaddr_object(JSContext *ctx, const struct sockaddr_storage *ss)
{
    char ip[INET6_ADDRSTRLEN] = "";
    JSValue o = JS_NewObject(ctx);
    int port;

    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        uv_ip6_name(a, ip, sizeof ip);
        port = ntohs(a->sin6_port);
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        uv_ip4_name(a, ip, sizeof ip);
        port = ntohs(a->sin_port);
    }
    JS_SetPropertyStr(ctx, o, "address", JS_NewString(ctx, ip));
    JS_SetPropertyStr(ctx, o, "family", JS_NewString(ctx, ss->ss_family == AF_INET6 ? "IPv6" : "IPv4"));
    JS_SetPropertyStr(ctx, o, "port", JS_NewInt32(ctx, port));
    return o;
}

/* address(id, remote) -> { address, family, port }, or the path of a Unix
   socket, or undefined when not known (a peer that is gone) */
static JSValue js_net_address(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_socket *s = (js_socket *)coro_arg_handle(ctx, argv[0], &socket_type);
    struct sockaddr_storage ss;
    int len = sizeof ss, remote = JS_ToBool(ctx, argv[1]), r;

    if (!s)
        return JS_EXCEPTION;
    if (s->kind == KIND_PIPE) {
        char path[256];
        size_t plen = sizeof path;
        r = remote ? uv_pipe_getpeername(&s->u.pipe, path, &plen)
                   : uv_pipe_getsockname(&s->u.pipe, path, &plen);
        return r < 0 ? JS_UNDEFINED : JS_NewStringLen(ctx, path, plen);
    }
    r = remote ? uv_tcp_getpeername(&s->u.tcp, (struct sockaddr *)&ss, &len)
               : uv_tcp_getsockname(&s->u.tcp, (struct sockaddr *)&ss, &len);
    return r < 0 ? JS_UNDEFINED : coro_sockaddr_object(ctx, &ss);
}

int coro_sockaddr_parse(const char *host, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0)
        return 0;
    if (uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0)
        return 0;
    return -1;
}

static int arg_port(JSContext *ctx, JSValueConst v, int64_t *port)
{
    return coro_arg_integer(ctx, v, "port", 0, 65535, port);
}

/* An IP literal argument, with a clear error if it is something else. */
static int arg_address(JSContext *ctx, JSValueConst host_v, int port, const char **host,
                       struct sockaddr_storage *ss)
{
    *host = coro_arg_string(ctx, host_v, "host", NULL);
    if (!*host)
        return -1;
    if (coro_sockaddr_parse(*host, port, ss) < 0) {
        coro_throw_code(ctx, "ERR_INVALID_IP_ADDRESS", "Invalid IP address: %s", *host);
        JS_FreeCString(ctx, *host);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* connecting */

/* connect(ip, port, timeoutMs) / connect(path, undefined, timeoutMs) -> id */
static JSValue js_net_connect(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int unix_path = JS_IsUndefined(argv[1]);
    struct sockaddr_storage ss;
    const char *host = NULL;
    int64_t port = -1;
    uint64_t timeout = 0;
    uv_connect_t req;
    coro_op op;
    js_socket *s;
    JSValue ret;
    int st;

    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "connect"))
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[2]) && coro_arg_ms(ctx, argv[2], "timeout", &timeout) < 0)
        return JS_EXCEPTION;
    if (unix_path) {
        host = coro_arg_path(ctx, argv[0], "path");
        if (!host)
            return JS_EXCEPTION;
    } else if (arg_port(ctx, argv[1], &port) < 0 ||
               arg_address(ctx, argv[0], (int)port, &host, &ss) < 0) {
        return JS_EXCEPTION;
    }
    s = socket_new(iso, unix_path ? KIND_PIPE : KIND_TCP);
    if (!s) {
        JS_FreeCString(ctx, host);
        return JS_ThrowOutOfMemory(ctx);
    }
    s->busy++;
    coro_op_init(&op);
    req.data = &op;
    if (unix_path) {
        uv_pipe_connect(&req, &s->u.pipe, host, connect_cb);
        st = 0;
    } else {
        st = uv_tcp_connect(&req, &s->u.tcp, (struct sockaddr *)&ss, connect_cb);
    }
    if (st == 0)
        st = wait_request(ctx, s, &op, timeout);
    if (st == 0 && s->kind == KIND_TCP)
        uv_tcp_nodelay(&s->u.tcp, 1);
    if (st == 0) {
        ret = JS_NewBigUint64(ctx, s->h.id);
    } else {
        coro_net_close(s);
        ret = st == CORO_ETERMINATED ? JS_EXCEPTION
                                     : coro_throw_net(ctx, st, "connect", host, (int)port);
    }
    coro_net_release(s);
    JS_FreeCString(ctx, host);
    return ret;
}

/* ------------------------------------------------------------------ */
/* servers */

static void server_handle_closed(uv_handle_t *handle)
{
    js_server *srv = handle->data;

    if (--srv->open_handles == 0) {
        free(srv->path);
        free(srv);
    }
}

static void server_close_handle(coro_handle *h)
{
    js_server *srv = (js_server *)h;

    if (srv->closed)
        return;
    srv->closed = 1;
    JS_FreeValue(h->iso->ctx, srv->on_connection);
    srv->on_connection = JS_UNDEFINED;
    uv_close((uv_handle_t *)&srv->poll, server_handle_closed);
    uv_close((uv_handle_t *)&srv->retry, server_handle_closed);
    close(srv->fd);
    if (srv->path)
        unlink(srv->path);
    coro_waitq_close(&srv->serving, 0);
}

static void accept_cb(uv_poll_t *poll, int status, int events);

static void retry_cb(uv_timer_t *t)
{
    js_server *srv = t->data;

    uv_poll_start(&srv->poll, UV_READABLE, accept_cb);
}

/* Stop accepting for a while: out of descriptors or memory. */
static void pause_accepting(js_server *srv)
{
    uv_poll_stop(&srv->poll);
    uv_timer_start(&srv->retry, retry_cb, ACCEPT_RETRY_MS, 0);
}

/* Give an accepted descriptor a socket and a fiber running the handler. */
static int start_connection(js_server *srv, int fd)
{
    coro_isolate *iso = srv->h.iso;
    JSContext *ctx = iso->ctx;
    js_socket *s = socket_new(iso, srv->kind);
    JSValue args;
    int r;

    if (!s)
        return UV_ENOMEM;
    r = srv->kind == KIND_TCP ? uv_tcp_open(&s->u.tcp, fd) : uv_pipe_open(&s->u.pipe, fd);
    if (r < 0) {
        coro_net_close(s);
        return r;
    }
    if (srv->kind == KIND_TCP)
        uv_tcp_nodelay(&s->u.tcp, 1);
    args = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, args, 0, JS_NewBigUint64(ctx, s->h.id));
    r = coro_spawn_call(iso, srv->on_connection, JS_UNDEFINED, args);
    JS_FreeValue(ctx, args);
    if (r < 0)
        coro_net_close(s);
    return r;
}

static void accept_cb(uv_poll_t *poll, int status, int events)
{
    js_server *srv = poll->data;

    while (!srv->closed) {
        int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                pause_accepting(srv);
            return; /* EAGAIN: all taken */
        }
        if (start_connection(srv, fd) < 0) {
            /* no fiber for it (out of memory or mappings): take a breath */
            if (!uv_is_closing((uv_handle_t *)&srv->poll))
                pause_accepting(srv);
            return;
        }
    }
}

/* A listening socket: bound, listening, not yet polled. */
static int open_listener(int family, const struct sockaddr *addr, socklen_t len, int backlog,
                         int reuse_port, int ipv6_only)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

    if (fd < 0)
        return -errno;
    if (family != AF_UNIX)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0)
        goto fail;
    if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &ipv6_only, sizeof ipv6_only) < 0)
        goto fail;
    if (bind(fd, addr, len) < 0 || listen(fd, backlog) < 0)
        goto fail;
    return fd;

fail:
    {
        int e = -errno;
        close(fd);
        return e;
    }
}

static JSValue new_server(JSContext *ctx, int fd, int kind, const char *path)
{
    js_server *srv = coro_new_handle(ctx, sizeof *srv, &server_type);

    if (!srv) {
        close(fd);
        return JS_EXCEPTION;
    }
    srv->fd = fd;
    srv->kind = kind;
    srv->on_connection = JS_UNDEFINED;
    srv->path = path ? strdup(path) : NULL;
    uv_poll_init_socket(coro_loop(), &srv->poll, fd);
    uv_timer_init(coro_loop(), &srv->retry);
    srv->poll.data = srv->retry.data = srv;
    srv->open_handles = 2;
    return JS_NewBigUint64(ctx, srv->h.id);
}

enum { LISTEN_REUSEPORT = 1, LISTEN_IPV6ONLY = 2 };

/* listen(ip, port, backlog, flags) -> server id; listen(path, undefined, backlog) */
static JSValue js_net_listen(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int unix_path = JS_IsUndefined(argv[1]);
    struct sockaddr_storage ss;
    struct sockaddr_un sun;
    const char *host = NULL;
    int64_t port = -1, backlog = DEFAULT_BACKLOG, flags = 0;
    JSValue ret;
    int fd;

    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "listen"))
        return JS_EXCEPTION;
    if ((!JS_IsUndefined(argv[2]) && coro_arg_integer(ctx, argv[2], "backlog", 1, 65535, &backlog) < 0) ||
        (!JS_IsUndefined(argv[3]) && coro_arg_integer(ctx, argv[3], "flags", 0, 3, &flags) < 0))
        return JS_EXCEPTION;
    if (unix_path) {
        host = coro_arg_path(ctx, argv[0], "path");
        if (!host)
            return JS_EXCEPTION;
        memset(&sun, 0, sizeof sun);
        sun.sun_family = AF_UNIX;
        if (strlen(host) >= sizeof sun.sun_path) {
            JS_FreeCString(ctx, host);
            return coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "Unix socket path too long");
        }
        strcpy(sun.sun_path, host);
        fd = open_listener(AF_UNIX, (struct sockaddr *)&sun, sizeof sun, (int)backlog, 0, 0);
    } else {
        if (arg_port(ctx, argv[1], &port) < 0 || arg_address(ctx, argv[0], (int)port, &host, &ss) < 0)
            return JS_EXCEPTION;
        fd = open_listener(ss.ss_family, (struct sockaddr *)&ss,
                           ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
                           (int)backlog, flags & LISTEN_REUSEPORT, (flags & LISTEN_IPV6ONLY) != 0);
    }
    if (fd < 0)
        ret = coro_throw_net(ctx, fd, "listen", host, (int)port);
    else
        ret = new_server(ctx, fd, unix_path ? KIND_PIPE : KIND_TCP, unix_path ? host : NULL);
    JS_FreeCString(ctx, host);
    return ret;
}

/* serve(id, onConnection): accept connections, calling onConnection(socketId)
   in a new fiber for each, until the server is closed. */
static JSValue js_net_serve(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_server *srv = (js_server *)coro_arg_handle(ctx, argv[0], &server_type);
    uint64_t id;

    if (!srv || coro_arg_function(ctx, argv[1], "onConnection") < 0)
        return JS_EXCEPTION;
    if (!JS_IsUndefined(srv->on_connection))
        return coro_throw_code(ctx, "ERR_SERVER_ALREADY_LISTEN", "the server is already listening");
    srv->on_connection = JS_DupValue(ctx, argv[1]);
    uv_poll_start(&srv->poll, UV_READABLE, accept_cb);
    id = srv->h.id;
    while (coro_handles_get(&coro_isolate_of(ctx)->handles, id, &server_type)) {
        if (coro_waitq_wait(ctx, &srv->serving) == CORO_ETERMINATED)
            return JS_EXCEPTION;
    }
    return JS_UNDEFINED;
}

/* serverAddress(id) -> { address, family, port } or a path */
static JSValue js_net_server_address(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    js_server *srv = (js_server *)coro_arg_handle(ctx, argv[0], &server_type);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (!srv)
        return JS_EXCEPTION;
    if (srv->path)
        return JS_NewString(ctx, srv->path);
    if (getsockname(srv->fd, (struct sockaddr *)&ss, &len) < 0)
        return coro_throw_uv(ctx, -errno, "getsockname", NULL, NULL);
    return coro_sockaddr_object(ctx, &ss);
}

/* isIP(string) -> 4, 6 or 0 */
static JSValue js_net_is_ip(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    unsigned char buf[sizeof(struct in6_addr)];
    const char *s;
    int v = 0;

    if (!JS_IsString(argv[0]))
        return JS_NewInt32(ctx, 0);
    s = JS_ToCString(ctx, argv[0]);
    if (!s)
        return JS_EXCEPTION;
    if (uv_inet_pton(AF_INET, s, buf) == 0)
        v = 4;
    else if (uv_inet_pton(AF_INET6, s, buf) == 0)
        v = 6;
    JS_FreeCString(ctx, s);
    return JS_NewInt32(ctx, v);
}

static const JSCFunctionListEntry net_funcs[] = {
    JS_CFUNC_DEF("isIP", 1, js_net_is_ip),
    JS_CFUNC_DEF("connect", 3, js_net_connect),
    JS_CFUNC_DEF("listen", 4, js_net_listen),
    JS_CFUNC_DEF("serve", 2, js_net_serve),
    JS_CFUNC_DEF("serverAddress", 1, js_net_server_address),
    JS_CFUNC_DEF("read", 1, js_net_read),
    JS_CFUNC_DEF("readBytes", 1, js_net_read_bytes),
    JS_CFUNC_DEF("write", 2, js_net_write),
    JS_CFUNC_DEF("end", 1, js_net_end),
    JS_CFUNC_DEF("close", 1, js_net_close),
    JS_CFUNC_DEF("setTimeout", 2, js_net_set_timeout),
    JS_CFUNC_MAGIC_DEF("setNoDelay", 2, js_net_set_option, OPT_NODELAY),
    JS_CFUNC_MAGIC_DEF("setKeepAlive", 3, js_net_set_option, OPT_KEEPALIVE),
    JS_CFUNC_DEF("address", 2, js_net_address),
};

int coro_prim_net_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, net_funcs, sizeof net_funcs / sizeof net_funcs[0]);
    return 0;
}
