/*
 * prim/timers.c: __primordials.timers, under setTimeout, setInterval and
 * queueMicrotask.
 *
 * A timer is a uv_timer_t in the HandleStore. When it fires, its callback
 * runs in a fiber of its own, so a callback may block. An interval fires on
 * schedule even while an earlier run of its callback is still blocked.
 */
#include <stdio.h>
#include <stdlib.h>

#include "prim.h"
#include "core/binding.h"
#include "core/run.h"

typedef struct js_timer {
    coro_handle h;
    uv_timer_t timer;
    JSValue fn, args;
    uint64_t delay;
    int repeat;
} js_timer;

static void timer_close(coro_handle *h);

static const coro_handle_type timer_type = { "Timer", timer_close, NULL };

static void timer_free(uv_handle_t *t)
{
    free(t->data);
}

static void timer_close(coro_handle *h)
{
    js_timer *t = (js_timer *)h;
    JSContext *ctx = h->iso->ctx;

    JS_FreeValue(ctx, t->fn);
    JS_FreeValue(ctx, t->args);
    t->fn = t->args = JS_UNDEFINED;
    uv_close((uv_handle_t *)&t->timer, timer_free);
}

static void run_callback(coro_isolate *iso, JSValueConst fn, JSValueConst args)
{
    int err = coro_spawn_call(iso, fn, JS_UNDEFINED, args);

    if (err < 0 && err != UV_ECANCELED) {
        fprintf(stderr, "corojs: cannot run a timer callback: %s\n", uv_strerror(err));
        coro_isolate_terminate(iso, 1);
    }
}

static void timer_fired(uv_timer_t *ut)
{
    js_timer *t = ut->data;
    coro_isolate *iso = t->h.iso;
    JSValue fn, args;

    if (t->repeat) {
        run_callback(iso, t->fn, t->args);
        return;
    }
    /* a timeout is over once it fires: its ID dies before the callback runs */
    fn = JS_DupValue(iso->ctx, t->fn);
    args = JS_DupValue(iso->ctx, t->args);
    coro_handle_close(&iso->handles, &t->h);
    run_callback(iso, fn, args);
    JS_FreeValue(iso->ctx, fn);
    JS_FreeValue(iso->ctx, args);
}

/* start(fn, delayMs, repeat, argsArray) -> id */
static JSValue js_timers_start(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_timer *t;
    uint64_t delay;

    if (coro_arg_function(ctx, argv[0], "callback") < 0 ||
        coro_arg_ms(ctx, argv[1], "delay", &delay) < 0)
        return JS_EXCEPTION;
    t = coro_new_handle(ctx, sizeof *t, &timer_type);
    if (!t)
        return JS_EXCEPTION;
    t->fn = JS_DupValue(ctx, argv[0]);
    t->args = JS_DupValue(ctx, argv[3]);
    t->delay = delay;
    t->repeat = JS_ToBool(ctx, argv[2]);
    uv_timer_init(coro_loop(), &t->timer);
    t->timer.data = t;
    t->h.uv = (uv_handle_t *)&t->timer; /* its isolate has work while it is set */
    uv_update_time(coro_loop()); /* count the delay from now, not from the last poll */
    uv_timer_start(&t->timer, timer_fired, delay, t->repeat ? delay : 0);
    return JS_NewBigUint64(ctx, t->h.id);
}

/* stop(id): clearTimeout/clearInterval. A dead ID is ignored, as in Node. */
static JSValue js_timers_stop(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    js_timer *t;
    uint64_t id;

    if (coro_arg_handle_id(ctx, argv[0], &id) < 0)
        return JS_EXCEPTION;
    t = (js_timer *)coro_handles_get(&iso->handles, id, &timer_type);
    if (t)
        coro_handle_close(&iso->handles, &t->h);
    return JS_UNDEFINED;
}

enum { REF, UNREF, HAS_REF, REFRESH };

static JSValue js_timers_ref(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                             int magic)
{
    js_timer *t;

    t = (js_timer *)coro_arg_handle(ctx, argv[0], &timer_type);
    if (!t) { /* a timeout that fired or was cleared: nothing to hold */
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_FALSE;
    }
    switch (magic) {
    case REF:
        uv_ref((uv_handle_t *)&t->timer);
        break;
    case UNREF:
        uv_unref((uv_handle_t *)&t->timer);
        break;
    case REFRESH:
        uv_timer_start(&t->timer, timer_fired, t->delay, t->repeat ? t->delay : 0);
        break;
    }
    return JS_NewBool(ctx, uv_has_ref((uv_handle_t *)&t->timer));
}

static JSValue call_job(JSContext *ctx, int argc, JSValueConst *argv)
{
    return JS_Call(ctx, argv[0], JS_UNDEFINED, 0, NULL);
}

static JSValue js_timers_queue_microtask(JSContext *ctx, JSValueConst this_val, int argc,
                                         JSValueConst *argv)
{
    if (coro_arg_function(ctx, argv[0], "callback") < 0)
        return JS_EXCEPTION;
    if (JS_EnqueueJob(ctx, call_job, 1, argv) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry timers_funcs[] = {
    JS_CFUNC_DEF("start", 4, js_timers_start),
    JS_CFUNC_DEF("stop", 1, js_timers_stop),
    JS_CFUNC_MAGIC_DEF("ref", 1, js_timers_ref, REF),
    JS_CFUNC_MAGIC_DEF("unref", 1, js_timers_ref, UNREF),
    JS_CFUNC_MAGIC_DEF("hasRef", 1, js_timers_ref, HAS_REF),
    JS_CFUNC_MAGIC_DEF("refresh", 1, js_timers_ref, REFRESH),
    JS_CFUNC_DEF("queueMicrotask", 1, js_timers_queue_microtask),
};

int coro_prim_timers_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, timers_funcs,
                                      sizeof timers_funcs / sizeof timers_funcs[0]);
    return 0;
}
