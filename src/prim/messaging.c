/*
 * prim/messaging.c: __primordials.messaging, under Node's MessagePort,
 * MessageChannel and BroadcastChannel (lib/node/bindings/messaging.js).
 *
 * A port's wake-up is a uv_async_t in the HandleStore, as Node's
 * MessagePort is one: notify() asks for a call of the port's JS function
 * (it drains the port's queue) in a fiber of its own on the next turn of
 * the loop, several notifies before it runs making one call. While it is
 * ref'd, the port keeps the program alive; it starts unref'd. uv_async_send
 * may be called from any thread, which is what a port whose other end lives
 * in another isolate (worker_threads, issue 11) needs.
 *
 * transfer(ab) moves an ArrayBuffer's memory into a new ArrayBuffer and
 * detaches the old one, as postMessage(v, [ab]) and structuredClone(v,
 * { transfer }) do in Node.
 */
#include <stdio.h>
#include <stdlib.h>

#include "prim.h"
#include "core/binding.h"
#include "core/quickjs_ext.h"
#include "core/run.h"

typedef struct js_port_signal {
    coro_handle h;
    uv_async_t async;
    JSValue fn;
} js_port_signal;

static void port_signal_close(coro_handle *h);

static const coro_handle_type port_signal_type = { "MessagePort", port_signal_close, NULL };

static void port_signal_free(uv_handle_t *u)
{
    free(u->data);
}

static void port_signal_close(coro_handle *h)
{
    js_port_signal *s = (js_port_signal *)h;

    JS_FreeValue(h->iso->ctx, s->fn);
    s->fn = JS_UNDEFINED;
    uv_close((uv_handle_t *)&s->async, port_signal_free);
}

static void port_signalled(uv_async_t *u)
{
    js_port_signal *s = u->data;
    JSValue args = JS_NewArray(s->h.iso->ctx);
    int err = coro_spawn_call(s->h.iso, s->fn, JS_UNDEFINED, args);

    JS_FreeValue(s->h.iso->ctx, args);
    if (err < 0 && err != UV_ECANCELED) {
        fprintf(stderr, "corojs: cannot deliver a port's messages: %s\n", uv_strerror(err));
        coro_isolate_terminate(s->h.iso, 1);
    }
}

/* signal(fn) -> id: a port's wake-up, unref'd; fn() runs after notify(id) */
static JSValue js_messaging_signal(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_port_signal *s;
    int err;

    if (coro_arg_function(ctx, argv[0], "callback") < 0)
        return JS_EXCEPTION;
    s = coro_new_handle(ctx, sizeof *s, &port_signal_type);
    if (!s)
        return JS_EXCEPTION;
    s->fn = JS_DupValue(ctx, argv[0]);
    s->async.data = s;
    err = uv_async_init(coro_loop(), &s->async, port_signalled);
    if (err < 0) {
        JS_FreeValue(ctx, s->fn);
        coro_handles_remove(&coro_isolate_of(ctx)->handles, &s->h);
        free(s);
        return coro_throw_uv(ctx, err, "uv_async_init", NULL, NULL);
    }
    s->h.uv = (uv_handle_t *)&s->async; /* its isolate has work while it is ref'd */
    uv_unref(s->h.uv);
    return JS_NewBigUint64(ctx, s->h.id);
}

enum { NOTIFY, REF, UNREF, HAS_REF };

/* notify/ref/unref/hasRef(id) -> whether it is ref'd now; a closed port's
   id is quietly ignored (false). */
static JSValue js_messaging_ctl(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                int magic)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    js_port_signal *s;
    uint64_t id;

    if (coro_arg_handle_id(ctx, argv[0], &id) < 0)
        return JS_EXCEPTION;
    s = (js_port_signal *)coro_handles_get(&iso->handles, id, &port_signal_type);
    if (!s)
        return JS_FALSE;
    switch (magic) {
    case NOTIFY:
        uv_async_send(&s->async);
        break;
    case REF:
        uv_ref(s->h.uv);
        break;
    case UNREF:
        uv_unref(s->h.uv);
        break;
    }
    return JS_NewBool(ctx, uv_has_ref(s->h.uv));
}

/* close(id): the port's wake-up is gone (once: a closed id is EBADF) */
static JSValue js_messaging_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &port_signal_type);
}

/* transfer(ab) -> a new ArrayBuffer with ab's memory, ab detached; or
   undefined when ab cannot be detached (pinned by a call in flight, memory
   the engine does not own): Node copies such a buffer instead. */
static JSValue js_messaging_transfer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *data;
    size_t len;
    int marked;

    if (coro_qjs_is_pinned(argv[0]) || coro_qjs_array_buffer_marked(argv[0]))
        return JS_UNDEFINED;
    data = coro_qjs_take_array_buffer(ctx, argv[0], &len, &marked);
    if (!data)
        return JS_UNDEFINED;
    return coro_qjs_adopt_array_buffer(ctx, data, len);
}

/* isDetached(v): whether v is an ArrayBuffer or view whose memory is gone */
static JSValue js_messaging_is_detached(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewBool(ctx, coro_qjs_is_detached(argv[0]));
}

static const JSCFunctionListEntry messaging_funcs[] = {
    JS_CFUNC_DEF("signal", 1, js_messaging_signal),
    JS_CFUNC_MAGIC_DEF("notify", 1, js_messaging_ctl, NOTIFY),
    JS_CFUNC_MAGIC_DEF("ref", 1, js_messaging_ctl, REF),
    JS_CFUNC_MAGIC_DEF("unref", 1, js_messaging_ctl, UNREF),
    JS_CFUNC_MAGIC_DEF("hasRef", 1, js_messaging_ctl, HAS_REF),
    JS_CFUNC_DEF("close", 1, js_messaging_close),
    JS_CFUNC_DEF("transfer", 1, js_messaging_transfer),
    JS_CFUNC_DEF("isDetached", 1, js_messaging_is_detached),
};

int coro_prim_messaging_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, messaging_funcs, sizeof messaging_funcs / sizeof messaging_funcs[0]);
    return 0;
}
