/*
 * prim/timers.c: __primordials.timers, under setTimeout, setInterval,
 * setImmediate and queueMicrotask.
 *
 * A timer is a uv_timer_t in the HandleStore. When it fires, its callback
 * runs in a fiber of its own, so a callback may block. An interval fires on
 * schedule even while an earlier run of its callback is still blocked.
 *
 * An immediate waits in its isolate's queue of immediates, run in the order
 * set by a uv_check_t after the loop's poll for IO, as Node's are; one set
 * while the queue runs waits for the loop's next turn (a 0 ms timer would run
 * in the same pass of libuv's timers, so a chain of them would starve IO).
 */
#include <stdio.h>
#include <stdlib.h>

#include "prim.h"
#include "core/binding.h"
#include "core/run.h"

typedef struct js_timer js_timer;

struct js_timer {
    coro_handle h;
    uv_timer_t timer;            /* a timer's; unused by an immediate */
    JSValue fn, args, this_obj;
    uint64_t delay;
    int repeat;
    int queued, refed;           /* an immediate's: waits in iso->immediates */
    uint64_t seq;                /* its place in that queue */
    js_timer *prev, *next;
};

/* An isolate's immediates, a handle in its store so that teardown closes it.
   The check handle is active while the queue is not empty and referenced
   while a referenced immediate waits; the idle handle keeps the loop's poll
   from blocking meanwhile (an unreferenced one waits for the poll, as in
   Node). */
typedef struct js_immediates {
    coro_handle h;
    uv_check_t check;
    uv_idle_t idle;
    js_timer *head, *tail;
    uint64_t next_seq;
    unsigned refs;               /* referenced immediates in the queue */
    int open;                    /* libuv handles not closed yet */
} js_immediates;

static void timer_close(coro_handle *h);
static void immediates_close(coro_handle *h);

static const coro_handle_type timer_type = { "Timer", timer_close, NULL };
static const coro_handle_type immediates_type = { "Immediates", immediates_close, NULL };

static void run_callback(coro_isolate *iso, JSValueConst fn, JSValueConst this_obj,
                         JSValueConst args)
{
    int err = coro_spawn_call(iso, fn, this_obj, args);

    if (err < 0 && err != UV_ECANCELED) {
        fprintf(stderr, "corojs: cannot run a timer callback: %s\n", uv_strerror(err));
        coro_isolate_terminate(iso, 1);
    }
}

/* A timeout or an immediate is over once it fires: its ID dies before the
   callback runs. */
static void run_once(js_timer *t)
{
    coro_isolate *iso = t->h.iso;
    JSValue fn = JS_DupValue(iso->ctx, t->fn);
    JSValue this_obj = JS_DupValue(iso->ctx, t->this_obj);
    JSValue args = JS_DupValue(iso->ctx, t->args);

    coro_handle_close(&iso->handles, &t->h);
    run_callback(iso, fn, this_obj, args);
    JS_FreeValue(iso->ctx, fn);
    JS_FreeValue(iso->ctx, this_obj);
    JS_FreeValue(iso->ctx, args);
}

/* ------------------------------------------------------------------ */
/* the queue of immediates */

static void idle_noop(uv_idle_t *ui)
{
}

static void immediates_update(js_immediates *q)
{
    if (q->refs) {
        uv_ref((uv_handle_t *)&q->check);
        uv_idle_start(&q->idle, idle_noop);
    } else {
        uv_unref((uv_handle_t *)&q->check);
        uv_idle_stop(&q->idle);
    }
    if (!q->head)
        uv_check_stop(&q->check);
}

static void immediates_unlink(js_immediates *q, js_timer *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        q->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    else
        q->tail = t->prev;
    t->prev = t->next = NULL;
    t->queued = 0;
    if (t->refed)
        q->refs--;
    immediates_update(q);
}

/* The loop reached its check phase: run the immediates set before now. As
   in Node, unreferenced ones run only while something else keeps their
   isolate going (here the loop may turn for other isolates). */
static void immediates_run(uv_check_t *uc)
{
    js_immediates *q = uc->data;
    uint64_t end = q->next_seq;

    if (!q->refs && coro_isolate_idle(q->h.iso))
        return;
    while (q->head && q->head->seq < end)
        run_once(q->head); /* unlinks it; q outlives it (teardown is not now) */
}

static void immediates_push(js_immediates *q, js_timer *t)
{
    t->seq = q->next_seq++;
    t->prev = q->tail;
    if (q->tail)
        q->tail->next = t;
    else
        q->head = t;
    q->tail = t;
    t->queued = t->refed = 1;
    q->refs++;
    uv_check_start(&q->check, immediates_run);
    immediates_update(q);
}

static void immediates_free(uv_handle_t *u)
{
    js_immediates *q = u->data;

    if (--q->open == 0)
        free(q);
}

static void immediates_close(coro_handle *h)
{
    js_immediates *q = (js_immediates *)h;

    while (q->head) /* teardown: immediates still waiting close after it */
        immediates_unlink(q, q->head);
    h->iso->immediates = NULL;
    q->open = 2;
    uv_close((uv_handle_t *)&q->check, immediates_free);
    uv_close((uv_handle_t *)&q->idle, immediates_free);
}

static js_immediates *immediates_of(JSContext *ctx)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    js_immediates *q = iso->immediates;

    if (q)
        return q;
    q = coro_new_handle(ctx, sizeof *q, &immediates_type);
    if (!q)
        return NULL;
    uv_check_init(coro_loop(), &q->check);
    uv_idle_init(coro_loop(), &q->idle);
    q->check.data = q->idle.data = q;
    q->h.uv = (uv_handle_t *)&q->check; /* its isolate has work while it is set */
    iso->immediates = q;
    return q;
}

/* ------------------------------------------------------------------ */
/* timers and immediates */

static void timer_free(uv_handle_t *u)
{
    free(u->data);
}

static void timer_close(coro_handle *h)
{
    js_timer *t = (js_timer *)h;
    JSContext *ctx = h->iso->ctx;

    JS_FreeValue(ctx, t->fn);
    JS_FreeValue(ctx, t->args);
    JS_FreeValue(ctx, t->this_obj);
    t->fn = t->args = t->this_obj = JS_UNDEFINED;
    if (t->h.uv) {
        uv_close((uv_handle_t *)&t->timer, timer_free);
        return;
    }
    if (t->queued)
        immediates_unlink(h->iso->immediates, t);
    free(t);
}

static void timer_fired(uv_timer_t *ut)
{
    js_timer *t = ut->data;

    if (t->repeat)
        run_callback(t->h.iso, t->fn, t->this_obj, t->args);
    else
        run_once(t);
}

static js_timer *new_timer(JSContext *ctx, JSValueConst fn, JSValueConst args,
                           JSValueConst this_obj)
{
    js_timer *t;

    if (coro_arg_function(ctx, fn, "callback") < 0)
        return NULL;
    if (!JS_IsArray(ctx, args)) {
        coro_throw_arg_type(ctx, "args", "an instance of Array", args);
        return NULL;
    }
    t = coro_new_handle(ctx, sizeof *t, &timer_type);
    if (!t)
        return NULL;
    t->fn = JS_DupValue(ctx, fn);
    t->args = JS_DupValue(ctx, args);
    t->this_obj = JS_DupValue(ctx, this_obj);
    return t;
}

/* start(fn, delayMs, repeat, argsArray, thisObj) -> id */
static JSValue js_timers_start(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_timer *t;
    uint64_t delay;

    if (coro_arg_ms(ctx, argv[1], "delay", &delay) < 0)
        return JS_EXCEPTION;
    t = new_timer(ctx, argv[0], argv[3], argv[4]);
    if (!t)
        return JS_EXCEPTION;
    t->delay = delay;
    t->repeat = JS_ToBool(ctx, argv[2]);
    uv_timer_init(coro_loop(), &t->timer);
    t->timer.data = t;
    t->h.uv = (uv_handle_t *)&t->timer; /* its isolate has work while it is set */
    uv_update_time(coro_loop()); /* count the delay from now, not from the last poll */
    uv_timer_start(&t->timer, timer_fired, delay, t->repeat ? delay : 0);
    return JS_NewBigUint64(ctx, t->h.id);
}

/* immediate(fn, argsArray, thisObj) -> id */
static JSValue js_timers_immediate(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    js_immediates *q = immediates_of(ctx);
    js_timer *t;

    if (!q)
        return JS_EXCEPTION;
    t = new_timer(ctx, argv[0], argv[1], argv[2]);
    if (!t)
        return JS_EXCEPTION;
    immediates_push(q, t);
    return JS_NewBigUint64(ctx, t->h.id);
}

/* stop(id): clearTimeout/clearInterval/clearImmediate. A dead ID is
   ignored, as in Node. */
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

/* ref/unref of an immediate: it counts in its queue's references */
static void immediate_ref(js_timer *t, int ref)
{
    js_immediates *q = t->h.iso->immediates;

    if (t->refed == ref)
        return;
    t->refed = ref;
    if (ref)
        q->refs++;
    else
        q->refs--;
    immediates_update(q);
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
    if (!t->h.uv) { /* an immediate */
        if (magic == REF || magic == UNREF)
            immediate_ref(t, magic == REF);
        return JS_NewBool(ctx, t->refed);
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

/* queueMicrotask's job: the callback runs in the async context it was
   queued in (AsyncLocalStorage), as a promise reaction does. */
static JSValue call_job(JSContext *ctx, int argc, JSValueConst *argv)
{
    JSValue saved = JS_GetAsyncContext(ctx), ret;

    JS_SetAsyncContext(ctx, JS_DupValue(ctx, argv[1]));
    ret = JS_Call(ctx, argv[0], JS_UNDEFINED, 0, NULL);
    JS_SetAsyncContext(ctx, saved);
    return ret;
}

static JSValue js_timers_queue_microtask(JSContext *ctx, JSValueConst this_val, int argc,
                                         JSValueConst *argv)
{
    JSValue args[2];
    int err;

    if (coro_arg_function(ctx, argv[0], "callback") < 0)
        return JS_EXCEPTION;
    args[0] = argv[0];
    args[1] = JS_GetAsyncContext(ctx);
    err = JS_EnqueueJob(ctx, call_job, 2, (JSValueConst *)args);
    JS_FreeValue(ctx, args[1]);
    return err < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

static const JSCFunctionListEntry timers_funcs[] = {
    JS_CFUNC_DEF("start", 5, js_timers_start),
    JS_CFUNC_DEF("immediate", 3, js_timers_immediate),
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
