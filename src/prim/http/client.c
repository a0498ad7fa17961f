/*
 * prim/http/client.c: the client's connections: a wire parsing responses, as
 * a handle (lib/http.js and lib/fetch.js build requests and the pool).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "core/binding.h"
#include "core/isolate.h"

/* ------------------------------------------------------------------ */
/* client connections: a wire parsing responses, as a handle */

typedef struct http_client {
    coro_handle h;
    http_wire w;
    http_head head;
    coro_life life;  /* calls in progress hold the struct */
} http_client;

static void client_close_handle(coro_handle *h);
static const coro_handle_type client_type = { "HttpClientConnection", client_close_handle, NULL };

static void client_finalize(coro_life *l)
{
    http_client *c = (http_client *)((char *)l - offsetof(http_client, life));

    http_wire_free(&c->w);
    http_head_free(c->h.iso->rt, &c->head);
    free(c);
}

static void client_close_handle(coro_handle *h)
{
    http_client *c = (http_client *)h;

    if (!coro_life_close(&c->life))
        return;
    coro_stream_close(c->w.io); /* wakes a reader, which frees us on its way out */
    coro_life_check(&c->life);
}

static http_client *client_get(JSContext *ctx, JSValueConst id)
{
    http_client *c = (http_client *)coro_arg_handle(ctx, id, &client_type);

    if (c)
        coro_life_hold(&c->life);
    return c;
}

static void client_put(http_client *c)
{
    coro_life_release(&c->life);
}

/* The error for a failed read of a response. */
static JSValue client_throw(JSContext *ctx, http_client *c, ssize_t r)
{
    if (r == CORO_ETERMINATED)
        return JS_EXCEPTION;
    if (HTTP_IS_EPARSE(r)) {
        if (c->w.error == WIRE_HEAD_TOO_LARGE)
            return coro_throw_code(ctx, "HPE_HEADER_OVERFLOW", "Header overflow");
        if (c->w.error == WIRE_NO_MEMORY)
            return JS_ThrowOutOfMemory(ctx);
        return coro_throw_code(ctx, llhttp_errno_name(HTTP_EPARSE_CODE(r)),
                          "Parse Error: %s", llhttp_get_error_reason(&c->w.p) ?
                          llhttp_get_error_reason(&c->w.p) : llhttp_errno_name(HTTP_EPARSE_CODE(r)));
    }
    if (r == UV_ECONNRESET)
        return coro_throw_code(ctx, "ECONNRESET", "socket hang up");
    return JS_Throw(ctx, coro_stream_error(ctx, (int)r, "read"));
}

/* clientOpen(streamId, maxHeaderSize) -> id: the stream (a socket, or a
   TLS connection) is the connection's now */
static JSValue js_http_client_open(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_client *c;
    int64_t max_head;
    coro_stream *io;

    if (coro_arg_integer(ctx, argv[1], "maxHeaderSize", 1, INT32_MAX, &max_head) < 0)
        return JS_EXCEPTION;
    io = coro_stream_hold(ctx, argv[0]);
    if (!io)
        return JS_EXCEPTION;
    c = coro_new_handle(ctx, sizeof *c, &client_type);
    if (!c) {
        coro_stream_release(io);
        return JS_EXCEPTION;
    }
    coro_life_init(&c->life, client_finalize);
    http_wire_init(&c->w, JS_GetRuntime(ctx), io, HTTP_RESPONSE);
    c->w.max_head = (size_t)max_head;
    http_head_init(&c->head);
    http_wire_next(&c->w, &c->head);
    return JS_NewBigUint64(ctx, c->h.id);
}

/* The head just parsed: [status, reason, headers, rawHeaders, minor]. */
static JSValue response_head(JSContext *ctx, http_client *c)
{
    JSValue ret = JS_NewArray(ctx);

    JS_SetPropertyUint32(ctx, ret, 0, JS_NewInt32(ctx, c->w.p.status_code));
    JS_SetPropertyUint32(ctx, ret, 1, http_latin1_string(ctx, c->head.text + c->head.url_off,
                                                         c->head.url_len));
    JS_SetPropertyUint32(ctx, ret, 2, http_head_object(ctx, &c->head, 0, c->head.nhead));
    JS_SetPropertyUint32(ctx, ret, 3, http_head_raw(ctx, &c->head, 0, c->head.nhead));
    JS_SetPropertyUint32(ctx, ret, 4, JS_NewInt32(ctx, llhttp_get_http_minor(&c->w.p)));
    return ret;
}

/* Parse the next head, reading as needed: 0, or an error for client_throw. */
static ssize_t read_head(JSContext *ctx, http_client *c, uint64_t ms)
{
    http_wire *w = &c->w;

    for (;;) {
        ssize_t r = http_wire_parse(w);
        if (r < 0 || (w->flags & WIRE_HEAD_DONE))
            return r;
        r = http_wire_fill(ctx, w, ms);
        if (r == 0)
            return UV_ECONNRESET; /* closed before a whole head came */
        if (r < 0)
            return r;
    }
}

/* clientResponse(id, isHead, timeoutMs, continue) -> [status, reason,
   headers, rawHeaders, httpVersionMinor]: the head of the next response.
   Interim (1xx) responses are skipped, however many come, but for a 100
   Continue when `continue` asks for it. */
static JSValue js_http_client_response(JSContext *ctx, JSValueConst this_val, int argc,
                                       JSValueConst *argv)
{
    http_client *c = client_get(ctx, argv[0]);
    int stop_at_continue = JS_ToBool(ctx, argv[3]);
    uint64_t ms = 0;
    JSValue ret = JS_UNDEFINED;

    if (!c)
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[2]) && coro_arg_ms(ctx, argv[2], "timeout", &ms) < 0) {
        client_put(c);
        return JS_EXCEPTION;
    }
    for (;;) {
        http_wire *w = &c->w;
        int status;
        ssize_t r;

        if (JS_ToBool(ctx, argv[1]))
            w->flags |= WIRE_SKIP_BODY;
        r = read_head(ctx, c, ms);
        if (r < 0) {
            ret = client_throw(ctx, c, r);
            break;
        }
        status = w->p.status_code;
        if (status < 100 || status >= 200 || status == 101) {
            ret = response_head(ctx, c);
            break;
        }
        /* an interim response ends with its head; what follows in the
           buffer is the next response's */
        r = http_wire_parse(w);
        if (r < 0) {
            ret = client_throw(ctx, c, r);
            break;
        }
        if (status == 100 && stop_at_continue)
            ret = response_head(ctx, c);
        http_wire_next(w, &c->head);
        if (!JS_IsUndefined(ret))
            break;
    }
    client_put(c);
    return ret;
}

/* clientRead(id, timeoutMs) -> Uint8Array, or null at the end of the body */
static JSValue js_http_client_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_client *c = client_get(ctx, argv[0]);
    uint64_t ms = 0;
    uint8_t *buf = NULL;
    ssize_t n;
    JSValue ret;

    if (!c)
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[1]) && coro_arg_ms(ctx, argv[1], "timeout", &ms) < 0) {
        client_put(c);
        return JS_EXCEPTION;
    }
    if (!(c->w.flags & WIRE_HEAD_DONE))
        n = 0;
    else
        n = http_wire_read_body(ctx, &c->w, &buf, ms);
    if (n > 0)
        ret = coro_new_uint8array(ctx, buf, (size_t)n);
    else if (n == 0)
        ret = JS_NULL;
    else
        ret = client_throw(ctx, c, n);
    client_put(c);
    return ret;
}

/* clientReusable(id) -> whether the response was read to its end and the
   connection may carry another request; if so, it is made ready for it. */
static JSValue js_http_client_reusable(JSContext *ctx, JSValueConst this_val, int argc,
                                       JSValueConst *argv)
{
    http_client *c = client_get(ctx, argv[0]);
    int ok;

    if (!c)
        return JS_EXCEPTION;
    ok = (c->w.flags & WIRE_MSG_DONE) && !(c->w.flags & WIRE_EOF) && c->w.pos == c->w.len &&
         llhttp_should_keep_alive(&c->w.p) && !coro_stream_readable(c->w.io);
    if (ok)
        http_wire_next(&c->w, &c->head);
    client_put(c);
    return JS_NewBool(ctx, ok);
}

/* clientStale(id) -> whether an idle pooled connection has been closed by
   the server (or sent something unasked) and cannot be used. */
static JSValue js_http_client_stale(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    http_client *c = client_get(ctx, argv[0]);
    int stale;

    if (!c)
        return JS_EXCEPTION;
    stale = coro_stream_readable(c->w.io);
    client_put(c);
    return JS_NewBool(ctx, stale);
}

/* clientWrite(id, bytes): send a request (its head and body, in one piece) */
static JSValue js_http_client_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_client *c;
    const uint8_t *data;
    size_t len;
    uv_buf_t buf;
    int st;

    if (coro_arg_view(ctx, argv[1], "data", &data, &len) < 0)
        return JS_EXCEPTION;
    c = client_get(ctx, argv[0]);
    if (!c)
        return JS_EXCEPTION;
    buf = uv_buf_init((char *)data, (unsigned)len);
    st = coro_stream_writev(ctx, c->w.io, &buf, 1);
    client_put(c);
    if (st == CORO_ETERMINATED)
        return JS_EXCEPTION;
    return st < 0 ? JS_Throw(ctx, coro_stream_error(ctx, st, "write")) : JS_UNDEFINED;
}

/* clientIdle(id, idle): a pooled connection does not keep the program
   alive; one taken from the pool does again. */
static JSValue js_http_client_idle(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_client *c = (http_client *)coro_arg_handle(ctx, argv[0], &client_type);

    if (!c)
        return JS_EXCEPTION;
    coro_stream_ref(c->w.io, !JS_ToBool(ctx, argv[1]));
    return JS_UNDEFINED;
}

static JSValue js_http_client_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_client *c = (http_client *)coro_arg_handle(ctx, argv[0], &client_type);

    if (!c)
        return JS_EXCEPTION;
    coro_handle_close(&coro_isolate_of(ctx)->handles, &c->h);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry client_funcs[] = {
    JS_CFUNC_DEF("clientOpen", 2, js_http_client_open),
    JS_CFUNC_DEF("clientWrite", 2, js_http_client_write),
    JS_CFUNC_DEF("clientResponse", 4, js_http_client_response),
    JS_CFUNC_DEF("clientRead", 2, js_http_client_read),
    JS_CFUNC_DEF("clientReusable", 1, js_http_client_reusable),
    JS_CFUNC_DEF("clientStale", 1, js_http_client_stale),
    JS_CFUNC_DEF("clientIdle", 2, js_http_client_idle),
    JS_CFUNC_DEF("clientClose", 1, js_http_client_close),
};

int http_client_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, client_funcs, sizeof client_funcs / sizeof client_funcs[0]);
    return 0;
}
