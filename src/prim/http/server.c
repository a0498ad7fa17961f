/*
 * prim/http/server.c: the HTTP server of __primordials.http: servers and
 * their connections.
 *
 * A connection is served by a fiber only while it has a request to answer.
 * Each accepted socket starts with the fiber net gives it; that fiber
 * parses requests, calls the handler for each (in that fiber, so the
 * handler may block), writes the responses, and when the socket has nothing
 * more to read it ends: the connection then waits with no fiber at all, a
 * stream watcher (coro_stream_watch) on its socket and a place in its
 * server's list of idle connections, until bytes come (a fresh fiber takes
 * over) or its time runs out. An idle keep-alive connection costs its
 * structs and nothing else, and so does a client sending its head slowly:
 * the parser's state is here, not on a stack.
 *
 * Under load this is also the fast path: a request that arrives on a
 * connection runs in a fiber started from the read callback, which takes
 * the chunk without a system call, answers, and ends; the same warm stack
 * serves connection after connection.
 *
 * The requests and responses themselves are http_message.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "core/binding.h"

#define LINGER_MS 1000          /* a closing connection reads what the client still sends */
#define LINGER_BYTES (256 << 10)

static void server_close_handle(coro_handle *h);
static const coro_handle_type server_type = { "HttpServer", server_close_handle, NULL };

static void conn_serve(JSContext *ctx, http_conn *c);

/* ------------------------------------------------------------------ */
/* servers: their lists of waiting connections and their timer */

static void server_unref(http_server *srv)
{
    if (--srv->refs == 0)
        free(srv);
}

static void list_remove(http_conn *c)
{
    conn_list *l = c->list;

    if (!l)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        l->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        l->tail = c->prev;
    c->prev = c->next = NULL;
    c->list = NULL;
}

static void server_timer_cb(uv_timer_t *t);

static void server_arm(http_server *srv, uint64_t due)
{
    uint64_t now = uv_now(coro_loop());

    if (srv->closed)
        return;
    if (uv_is_active((uv_handle_t *)&srv->timer) && srv->timer_due <= due)
        return;
    srv->timer_due = due;
    uv_timer_start(&srv->timer, server_timer_cb, due > now ? due - now : 0, 0);
}

static void list_add(http_conn *c, conn_list *l, uint64_t since, uint64_t timeout)
{
    list_remove(c);
    c->list = l;
    c->since = since;
    c->prev = l->tail;
    c->next = NULL;
    if (l->tail)
        l->tail->next = c;
    else
        l->head = c;
    l->tail = c;
    if (timeout)
        server_arm(c->srv, since + timeout);
}

static void conn_fiber(coro_fiber *f, void *arg);
static void conn_unref(http_conn *c);

/* Start a fiber serving c, from main. */
static void conn_start_fiber(http_conn *c)
{
    coro_fiber *f = c->iso->terminating ? NULL : coro_isolate_new_fiber(c->iso, conn_fiber, c);

    if (!f) { /* no fiber to be had (out of memory or mappings): drop the client */
        coro_stream_close(c->w.io);
        conn_unref(c);
        return;
    }
    coro_fiber_start(f);
}

static void server_timer_cb(uv_timer_t *t)
{
    http_server *srv = t->data;
    uint64_t now = uv_now(coro_loop()), due = UINT64_MAX;
    http_conn *c, *next, *expired = NULL;

    srv->refs++;
    /* idle connections: the oldest first; closing one frees it */
    while ((c = srv->idle.head) && srv->idle_timeout && c->since + srv->idle_timeout <= now) {
        list_remove(c);
        coro_stream_close(c->w.io); /* its watcher sees EBADF and lets go */
    }
    if (c && srv->idle_timeout)
        due = c->since + srv->idle_timeout;
    /* slow heads: any order; each gets a fiber that answers 408 */
    for (c = srv->heads.head; c; c = next) {
        next = c->next;
        if (srv->headers_timeout && c->since + srv->headers_timeout <= now) {
            list_remove(c);
            c->next = expired;
            expired = c;
        } else if (srv->headers_timeout && c->since + srv->headers_timeout < due) {
            due = c->since + srv->headers_timeout;
        }
    }
    while ((c = expired)) {
        expired = c->next;
        c->next = NULL;
        c->timed_out = 1;
        coro_stream_watch(c->w.io, NULL, NULL);
        conn_start_fiber(c);
    }
    if (due != UINT64_MAX)
        server_arm(srv, due);
    server_unref(srv);
}

static void server_timer_closed(uv_handle_t *h)
{
    server_unref(h->data);
}

static void server_close_handle(coro_handle *h)
{
    http_server *srv = (http_server *)h;
    JSRuntime *rt = h->iso->rt;
    http_conn *c, *next;

    if (srv->closed)
        return;
    srv->closed = 1;
    JS_FreeValueRT(rt, srv->handler);
    JS_FreeValueRT(rt, srv->on_error);
    srv->handler = srv->on_error = JS_UNDEFINED;
    /* waiting connections close now; busy ones after their response */
    for (int i = 0; i < 3; i++) {
        for (c = (i == 0 ? srv->idle : i == 1 ? srv->heads : srv->held).head; c; c = next) {
            next = c->next;
            list_remove(c);
            coro_stream_close(c->w.io);
        }
    }
    uv_close((uv_handle_t *)&srv->timer, server_timer_closed);
    server_unref(srv);
}

/* ------------------------------------------------------------------ */
/* connections */

static void conn_unref(http_conn *c)
{
    JSRuntime *rt = c->iso->rt;

    if (--c->refs > 0)
        return;
    list_remove(c);
    if (c->x) {
        c->x->conn = NULL;
        http_exchange_unref(rt, c->x);
    }
    http_wire_free(&c->w);
    server_unref(c->srv);
    free(c);
}

static void conn_readable(coro_stream *s, void *arg, int status)
{
    http_conn *c = arg;

    list_remove(c);
    if (status < 0) { /* closed while waiting */
        conn_unref(c);
        return;
    }
    conn_start_fiber(c);
}

/* A connection with no byte of its next request keeps no exchange while
   it waits: an idle connection is its structs and its socket. */
static void conn_drop_exchange(http_conn *c)
{
    if (c->x && !c->head_start) {
        c->x->conn = NULL;
        http_exchange_unref(c->iso->rt, c->x);
        c->x = NULL;
        c->w.head = NULL;
    }
}

/* Wait for more bytes without a fiber; the fiber serving c ends. */
static void conn_wait(http_conn *c)
{
    http_server *srv = c->srv;

    conn_drop_exchange(c);
    if (srv->closed || coro_stream_watch(c->w.io, conn_readable, c) < 0) {
        conn_unref(c);
        return;
    }
    if (c->head_start)
        list_add(c, &srv->heads, c->head_start, srv->headers_timeout);
    else
        list_add(c, &srv->idle, uv_now(coro_loop()), srv->idle_timeout);
}

static void conn_fiber(coro_fiber *f, void *arg)
{
    http_conn *c = arg;
    JSContext *ctx = c->iso->ctx;

    conn_serve(ctx, c);
    if (JS_HasException(ctx))
        JS_FreeValue(ctx, JS_GetException(ctx)); /* the isolate is ending */
}

/* Answer without the handler (a malformed or refused request) and close. */
static void conn_refuse(JSContext *ctx, http_conn *c, int status)
{
    char msg[160];
    int n = snprintf(msg, sizeof msg, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                     status, http_reason(status));

    uv_buf_t buf = uv_buf_init(msg, (unsigned)n);

    if (!c->x || !(c->x->res_flags & RES_HEAD_SENT))
        coro_stream_writev(ctx, c->w.io, &buf, 1);
}

/* Close after the last response: end our side, let the client's last
   bytes in for a moment (closing with unread bytes resets the connection,
   which can destroy the response before the client reads it), close. */
static void conn_close(JSContext *ctx, http_conn *c)
{
    http_wire *w = &c->w;
    uint64_t until = uv_now(coro_loop()) + LINGER_MS;
    size_t got = 0;

    if (coro_stream_shutdown(ctx, w->io) == 0 && !c->iso->terminating) {
        while (got < LINGER_BYTES) {
            uint64_t now = uv_now(coro_loop());
            uint8_t *buf = NULL;
            ssize_t n;
            if (now >= until)
                break;
            n = coro_stream_read(ctx, w->io, &buf, until - now);
            js_free(ctx, buf);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
    }
    coro_stream_close(w->io);
}

/* Wait for bytes in this fiber, for a transport that cannot be watched
   without one (TLS): the idle or head timeout is the read's deadline, and
   the server's close() closes it. Returns what http_wire_fill does. */
static ssize_t conn_fill_held(JSContext *ctx, http_conn *c)
{
    http_server *srv = c->srv;
    uint64_t now = uv_now(coro_loop()), ms = srv->idle_timeout;
    ssize_t n;

    if (c->head_start && srv->headers_timeout) {
        if (c->head_start + srv->headers_timeout <= now)
            return UV_ETIMEDOUT;
        ms = c->head_start + srv->headers_timeout - now;
    } else if (c->head_start) {
        ms = 0;
    }
    list_add(c, &srv->held, now, 0);
    n = http_wire_fill(ctx, &c->w, ms);
    list_remove(c);
    return n;
}

/* Parse the next request's head. Returns 0 when it is complete, 1 when
   more bytes are needed and none are there yet (the caller waits without
   a fiber), 2 when the client closed or went quiet between requests, or a
   negative error (UV_* or HTTP_EPARSE). */
static int conn_read_head(JSContext *ctx, http_conn *c)
{
    http_wire *w = &c->w;

    for (;;) {
        ssize_t n;
        int r;

        if (w->pos < w->len && !c->head_start)
            c->head_start = uv_now(coro_loop());
        r = http_wire_parse(w);
        if (r < 0)
            return r;
        if (w->flags & WIRE_HEAD_DONE)
            return 0;
        if (c->timed_out)
            return UV_ETIMEDOUT;
        if (coro_stream_readable(w->io))
            n = http_wire_fill(ctx, w, 0);
        else if (w->io->ops->watch) /* it can wait without a fiber */
            return 1;
        else
            n = conn_fill_held(ctx, c);
        if (n == UV_ETIMEDOUT)
            return c->head_start ? UV_ETIMEDOUT : 2;
        if (n == 0)
            return c->head_start ? UV_ECONNRESET : 2;
        if (n < 0)
            return (int)n;
    }
}

/* The handler failed (threw, or its promise was rejected): tell onError,
   then answer 500 (or what reading the body ran into) if nothing has been
   sent yet, or else break the connection off. */
static void handler_failed(JSContext *ctx, http_conn *c, http_exchange *x, JSValue err,
                           JSValueConst req, JSValueConst res)
{
    http_server *srv = c->srv;

    if (!c->iso->terminating && JS_IsFunction(ctx, srv->on_error)) {
        JSValueConst args[3] = { err, req, res };
        JSValue fn = JS_DupValue(ctx, srv->on_error);
        JSValue r = JS_Call(ctx, fn, JS_UNDEFINED, 3, args);
        if (JS_IsException(r))
            JS_FreeValue(ctx, JS_GetException(ctx));
        JS_FreeValue(ctx, r);
        JS_FreeValue(ctx, fn);
    }
    JS_FreeValue(ctx, err);
    if (c->iso->terminating)
        return;
    if (!(x->res_flags & RES_HEAD_SENT)) {
        http_res_clear_headers(JS_GetRuntime(ctx), x);
        x->res_flags = 0;
        x->status = x->fail_status ? x->fail_status : 500;
        if (!(x->req_flags & REQ_COMPLETE))
            x->res_flags |= RES_CONN_CLOSE;
        if (http_res_send(ctx, x, NULL, 0, 1) == -1)
            JS_FreeValue(ctx, JS_GetException(ctx));
    } else {
        x->res_flags |= RES_CLOSE | RES_FINISHED;
    }
}

/* Read and drop what the handler left of the body, so the next request
   can be parsed. Returns 0, or -1 if the connection must close. */
static int conn_drain(JSContext *ctx, http_conn *c, http_exchange *x)
{
    if (x->req_flags & REQ_COMPLETE)
        return 0;
    if (x->req_flags & (REQ_BROKEN | REQ_READING) ||
        ((x->req_flags & REQ_CONTINUE) && !(x->req_flags & REQ_CONTINUE_SENT)))
        return -1; /* the client waits for our word before it sends the body */
    for (;;) {
        int64_t ms = http_request_time_left(x);
        uint8_t *buf = NULL;
        ssize_t n = ms < 0 ? ms : http_wire_read_body(ctx, &c->w, &buf, (uint64_t)ms);
        js_free(ctx, buf);
        if (n == 0) {
            x->req_flags |= REQ_COMPLETE;
            return 0;
        }
        if (n < 0)
            return -1;
    }
}

/* Whether a Host value is one (RFC 9110 section 7.2: uri-host [":" port],
   empty allowed): the characters of a reg-name, an IP literal and a port. */
static int host_valid(const char *v, uint32_t n)
{
    static const char extra[] = "-._~%!$&'()*+,;=:[]";

    for (uint32_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c && strchr(extra, c))))
            return 0;
    }
    return 1;
}

/* RFC 9112 section 3.2: an HTTP/1.1 request has exactly one Host, and no
   request has two or one that is no host. */
static int host_ok(const http_exchange *x)
{
    int hosts = 0;

    for (uint32_t i = 0; i < x->head.nhead; i++) {
        uint32_t nl, vl;
        const char *name = http_head_name(&x->head, i, &nl), *value = http_head_value(&x->head, i, &vl);
        if (http_token_eq(name, nl, "host") && (++hosts > 1 || !host_valid(value, vl)))
            return 0;
    }
    return hosts == 1 || (x->major == 1 && x->minor == 0) || x->major == 0;
}

/* Answer the request whose head was just parsed. Returns 0 if the
   connection may carry another request, -1 if it must close. */
static int conn_answer(JSContext *ctx, http_conn *c)
{
    http_server *srv = c->srv;
    http_exchange *x = c->x;
    http_wire *w = &c->w;
    JSValue req, res, fn, ret;
    JSValueConst args[2];
    int keep;

    x->method = llhttp_get_method(&w->p);
    x->major = llhttp_get_http_major(&w->p);
    x->minor = llhttp_get_http_minor(&w->p);
    x->start = c->head_start;
    if (llhttp_should_keep_alive(&w->p))
        x->req_flags |= REQ_KEEP_ALIVE;
    if (llhttp_get_upgrade(&w->p) || x->method == HTTP_CONNECT)
        c->upgrade = 1;
    if (!host_ok(x)) {
        conn_refuse(ctx, c, 400);
        return -1;
    }
    if (http_wire_has_body(w)) {
        x->req_flags |= REQ_BODY;
        for (uint32_t i = 0; i < x->head.nfields; i++) {
            uint32_t nl, vl;
            const char *name = http_head_name(&x->head, i, &nl), *value = http_head_value(&x->head, i, &vl);
            if (!http_token_eq(name, nl, "expect"))
                continue;
            if (!http_token_eq(value, vl, "100-continue")) {
                conn_refuse(ctx, c, 417);
                return -1;
            }
            x->req_flags |= REQ_CONTINUE;
        }
    } else if (http_wire_parse(w) < 0) {
        /* what llhttp finds at the end of a head: a Transfer-Encoding that
           does not end in chunked (RFC 9112 section 6.3), ... */
        conn_refuse(ctx, c, 400);
        return -1;
    } else {
        x->req_flags |= REQ_COMPLETE; /* no body: the message ended with its head */
    }
    if (srv->closed)
        return -1;

    if (http_message_objects(ctx, x, &req, &res) < 0)
        return -1;
    args[0] = req;
    args[1] = res;
    fn = JS_DupValue(ctx, srv->handler); /* close() may drop the server's while it runs */
    ret = JS_Call(ctx, fn, JS_UNDEFINED, 2, args);
    JS_FreeValue(ctx, fn);
    if (!JS_IsException(ret) && JS_IsObject(ret) && (int)JS_PromiseState(ctx, ret) >= 0) {
        JSValue v; /* an async handler: its promise is awaited */
        int r = coro_await(ctx, ret, &v);
        JS_FreeValue(ctx, ret);
        ret = r == 0 ? v : JS_Throw(ctx, r == 1 ? v : JS_GetException(ctx));
    }
    if (JS_IsException(ret))
        handler_failed(ctx, c, x, JS_GetException(ctx), req, res);
    JS_FreeValue(ctx, ret);
    if (!c->iso->terminating && !(x->res_flags & RES_FINISHED)) {
        /* the handler did not end it: done for it (a 500 if its status is
           not one) */
        if (http_res_send(ctx, x, NULL, 0, 1) == -1)
            handler_failed(ctx, c, x, JS_GetException(ctx), req, res);
    }
    keep = !c->iso->terminating && !(x->res_flags & RES_CLOSE) && !srv->closed && !c->upgrade &&
           conn_drain(ctx, c, x) == 0;
    JS_FreeValue(ctx, req);
    JS_FreeValue(ctx, res);
    return keep ? 0 : -1;
}

/* Serve requests on c until it has to wait (then it waits without this
   fiber) or closes. The caller holds a reference to c, which passes to
   the waiting connection or is dropped here. */
static void conn_serve(JSContext *ctx, http_conn *c)
{
    http_wire *w = &c->w;

    for (;;) {
        int r;

        if (!c->x) { /* a new request: where its head goes */
            c->x = http_exchange_new(c->iso->rt, c, conn_unref);
            if (!c->x)
                break;
            c->head_start = 0;
            http_wire_next(w, &c->x->head);
            w->max_head = c->srv->max_header;
            w->max_body = c->srv->max_body;
        }
        r = c->srv->closed ? 2 : conn_read_head(ctx, c);
        if (r == 1) {
            conn_wait(c);
            return;
        }
        if (r == 2 || r == UV_ECONNRESET || r == CORO_ETERMINATED || r == UV_EBADF)
            break; /* gone, quietly */
        if (r < 0) {
            int status = r == UV_ETIMEDOUT ? 408 :
                         HTTP_IS_EPARSE(r) && w->error == WIRE_HEAD_TOO_LARGE ? 431 :
                         HTTP_IS_EPARSE(r) && w->error == WIRE_NO_MEMORY ? 503 : 400;
            if (HTTP_IS_EPARSE(r) || r == UV_ETIMEDOUT) {
                conn_refuse(ctx, c, status);
                conn_close(ctx, c);
            }
            break;
        }
        r = conn_answer(ctx, c);
        c->x->conn = NULL;
        http_exchange_unref(c->iso->rt, c->x);
        c->x = NULL;
        if (r < 0) {
            if (!c->iso->terminating)
                conn_close(ctx, c);
            break;
        }
    }
    conn_unref(c);
}

/* ------------------------------------------------------------------ */
/* the bindings */

/* createServer(handler, onError, maxHeaderSize, maxBodySize, headersTimeout,
   idleTimeout, requestTimeout) -> id. Sizes in bytes and times in ms; 0
   means no limit. */
static JSValue js_http_create_server(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_server *srv;
    int64_t max_header, max_body;
    uint64_t ht, it, rt;

    if (coro_arg_function(ctx, argv[0], "handler") < 0 ||
        coro_arg_integer(ctx, argv[2], "maxHeaderSize", 1, INT32_MAX, &max_header) < 0 ||
        coro_arg_integer(ctx, argv[3], "maxBodySize", 0, INT64_MAX, &max_body) < 0 ||
        coro_arg_ms(ctx, argv[4], "headersTimeout", &ht) < 0 ||
        coro_arg_ms(ctx, argv[5], "idleTimeout", &it) < 0 ||
        coro_arg_ms(ctx, argv[6], "requestTimeout", &rt) < 0)
        return JS_EXCEPTION;
    srv = coro_new_handle(ctx, sizeof *srv, &server_type);
    if (!srv)
        return JS_EXCEPTION;
    srv->handler = JS_DupValue(ctx, argv[0]);
    srv->on_error = JS_DupValue(ctx, argv[1]);
    srv->max_header = (size_t)max_header;
    srv->max_body = (uint64_t)max_body;
    srv->headers_timeout = ht;
    srv->idle_timeout = it;
    srv->request_timeout = rt;
    srv->refs = 2; /* the handle and the timer */
    uv_timer_init(coro_loop(), &srv->timer);
    uv_unref((uv_handle_t *)&srv->timer); /* connections keep the loop alive, not their deadlines */
    srv->timer.data = srv;
    return JS_NewBigUint64(ctx, srv->h.id);
}

/* The function net's serve() calls with each accepted socket, in a fiber of
   its own (or a TLS server's handler, with the TLS socket): it serves the
   connection until it first waits without its fiber (streams that can be
   watched: sockets) or until it ends (TLS). */
static JSValue js_http_connection(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                  int magic, JSValue *data)
{
    http_server *srv = (http_server *)coro_arg_handle(ctx, data[0], &server_type);
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_stream *io;
    http_conn *c;

    if (!srv)
        JS_FreeValue(ctx, JS_GetException(ctx)); /* the server is closed */
    io = coro_stream_hold(ctx, argv[0]);
    if (!io) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_UNDEFINED;
    }
    if (!srv || !(c = calloc(1, sizeof *c))) {
        coro_stream_close(io);
        coro_stream_release(io);
        return JS_UNDEFINED;
    }
    http_wire_init(&c->w, iso->rt, io, HTTP_REQUEST);
    c->srv = srv;
    srv->refs++;
    c->iso = iso;
    c->refs = 1;
    conn_serve(ctx, c);
    return JS_HasException(ctx) ? JS_EXCEPTION : JS_UNDEFINED;
}

/* connectionHandler(serverId) -> the function for net's serve() (a socket
   ID), or for a TLS server's handler (a TLS socket ID) */
static JSValue js_http_connection_handler(JSContext *ctx, JSValueConst this_val, int argc,
                                          JSValueConst *argv)
{
    if (!coro_arg_handle(ctx, argv[0], &server_type))
        return JS_EXCEPTION;
    return JS_NewCFunctionData(ctx, js_http_connection, 1, 0, 1, (JSValue *)argv);
}

static JSValue js_http_close_server(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_server *srv = (http_server *)coro_arg_handle(ctx, argv[0], &server_type);

    if (!srv)
        return JS_EXCEPTION;
    coro_handle_close(&coro_isolate_of(ctx)->handles, &srv->h);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry server_funcs[] = {
    JS_CFUNC_DEF("createServer", 7, js_http_create_server),
    JS_CFUNC_DEF("connectionHandler", 1, js_http_connection_handler),
    JS_CFUNC_DEF("closeServer", 1, js_http_close_server),
};
int http_server_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, server_funcs, sizeof server_funcs / sizeof server_funcs[0]);
    return 0;
}
