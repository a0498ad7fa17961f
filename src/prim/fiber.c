/*
 * prim/fiber.c: __primordials.fiber, the JS face of fibers.
 *
 * A fiber JS can name has a record in the HandleStore: those started with
 * Fiber.run, and any other (the main module's, a timer callback's) once it
 * asks for Fiber.current or awaits a promise. The record outlives the
 * coroutine: it keeps the result or exception until the Fiber object is
 * garbage (the library's FinalizationRegistry calls release). While a fiber runs, its record holds the Fiber object, so
 * Fiber.current is always the same object.
 *
 * An exception nobody joins is not lost: if no fiber has joined by the time
 * the ready fibers have all run, it is reported as uncaught, the way Node
 * treats a promise rejection with no handler (core/run.c).
 */
#include <stdlib.h>

#include "prim.h"
#include "core/binding.h"
#include "core/run.h"

enum { FIBER_RUNNING, FIBER_RETURNED, FIBER_THREW };

typedef struct js_fiber {
    coro_handle h;
    coro_fiber *co;       /* NULL once it has ended */
    JSValue fn, args;     /* what Fiber.run gave it, until it starts */
    JSValue wrapper;      /* its Fiber object, held while it runs */
    int has_wrapper;      /* a Fiber object exists: it decides the record's end */
    int state;
    JSValue value;        /* result or exception once ended */
    coro_waitq joiners;
} js_fiber;

/* What this area keeps per isolate (area_data[CORO_SLOT_FIBER]). */
typedef struct fiber_state {
    JSValue wrap;         /* lib: makes a Fiber object for a record ID */
} fiber_state;

static void js_fiber_close(coro_handle *h);
static void detach(coro_fiber *co);

static const coro_handle_type fiber_type = { "Fiber", js_fiber_close, NULL };

static fiber_state *state_of(coro_isolate *iso)
{
    return iso->area_data[CORO_SLOT_FIBER];
}

static void js_fiber_close(coro_handle *h)
{
    js_fiber *jf = (js_fiber *)h;
    JSContext *ctx = h->iso->ctx;

    coro_waitq_close(&jf->joiners, UV_EBADF);
    if (jf->co && jf->co->state == CORO_FIBER_NEW) /* created, never started */
        coro_isolate_discard_fiber(h->iso, jf->co);
    else if (jf->co)
        detach(jf->co);
    JS_FreeValue(ctx, jf->fn);
    JS_FreeValue(ctx, jf->args);
    JS_FreeValue(ctx, jf->wrapper);
    JS_FreeValue(ctx, jf->value);
    free(jf);
}

static void record_ended(coro_fiber *co);

static void attach(js_fiber *jf, coro_fiber *co)
{
    jf->co = co;
    co->record = jf;
    co->on_end = record_ended;
}

static void detach(coro_fiber *co)
{
    co->record = NULL;
    co->on_end = NULL;
}

static js_fiber *record_new(JSContext *ctx, coro_fiber *co)
{
    js_fiber *jf = coro_new_handle(ctx, sizeof *jf, &fiber_type);

    if (!jf)
        return NULL;
    jf->fn = jf->args = jf->wrapper = jf->value = JS_UNDEFINED;
    jf->state = FIBER_RUNNING;
    if (co)
        attach(jf, co);
    return jf;
}

/* The record of the running fiber, made on first use. */
static js_fiber *current_record(JSContext *ctx)
{
    coro_fiber *co = coro_fiber_current();

    return co->record ? co->record : record_new(ctx, co);
}

static JSValue new_id(JSContext *ctx, js_fiber *jf)
{
    return JS_NewBigUint64(ctx, jf->h.id);
}

/* Called (on main) when a coroutine with a record has ended. */
static void record_ended(coro_fiber *co)
{
    js_fiber *jf = co->record;
    JSContext *ctx = jf->h.iso->ctx;

    detach(co);
    jf->co = NULL;
    if (jf->state == FIBER_RUNNING)
        jf->state = FIBER_RETURNED;
    if (jf->state == FIBER_THREW && coro_waitq_empty(&jf->joiners))
        coro_isolate_add_unjoined(jf->h.iso, jf->h.id, JS_DupValue(ctx, jf->value));
    coro_waitq_wake_all(&jf->joiners, 0);
    JS_FreeValue(ctx, jf->wrapper); /* may make the Fiber object garbage */
    jf->wrapper = JS_UNDEFINED;
    if (!jf->has_wrapper)
        coro_handle_close(&jf->h.iso->handles, &jf->h);
}

static void fiber_main(coro_fiber *co, void *arg)
{
    js_fiber *jf = co->record;
    JSContext *ctx = coro_fiber_isolate(co)->ctx;
    JSValue fn, args, ret;

    if (!jf) /* its record closed before it ran (its isolate ended while its group held it) */
        return;
    fn = jf->fn;
    args = jf->args;
    jf->fn = jf->args = JS_UNDEFINED; /* ours now: the record may close first */
    ret = coro_call_array(ctx, fn, JS_UNDEFINED, args);
    jf = co->record; /* NULL if its record was closed meanwhile */
    if (JS_IsException(ret)) {
        JSValue exc = JS_GetException(ctx);
        if (jf && !coro_isolate_of(ctx)->terminating) {
            jf->value = exc;
            jf->state = FIBER_THREW;
        } else {
            JS_FreeValue(ctx, exc);
        }
    } else if (jf) {
        jf->value = ret;
        jf->state = FIBER_RETURNED;
    } else {
        JS_FreeValue(ctx, ret);
    }
    JS_FreeValue(ctx, fn);
    JS_FreeValue(ctx, args);
}

/* create(fiberObject, fn, argsArray) -> id; the fiber starts with start(id). */
static JSValue js_fiber_create(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_fiber *jf;
    coro_fiber *co;

    if (coro_arg_function(ctx, argv[1], "fn") < 0)
        return JS_EXCEPTION;
    jf = record_new(ctx, NULL);
    if (!jf)
        return JS_EXCEPTION;
    co = coro_isolate_fiber(ctx, fiber_main, NULL); /* it finds jf as its record */
    if (!co) {
        coro_handle_close(&coro_isolate_of(ctx)->handles, &jf->h);
        return JS_EXCEPTION;
    }
    attach(jf, co);
    jf->fn = JS_DupValue(ctx, argv[1]);
    jf->args = JS_DupValue(ctx, argv[2]);
    jf->wrapper = JS_DupValue(ctx, argv[0]);
    jf->has_wrapper = 1;
    return new_id(ctx, jf);
}

static js_fiber *arg_fiber(JSContext *ctx, JSValueConst v)
{
    return (js_fiber *)coro_arg_handle(ctx, v, &fiber_type);
}

static JSValue js_fiber_start(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_fiber *jf = arg_fiber(ctx, argv[0]);

    if (!jf)
        return JS_EXCEPTION;
    if (!jf->co || jf->co->state != CORO_FIBER_NEW)
        return coro_throw_code(ctx, "ERR_FIBER_STARTED", "this fiber has already started");
    coro_fiber_start(jf->co);
    return JS_UNDEFINED;
}

static JSValue js_fiber_join(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    js_fiber *jf = arg_fiber(ctx, argv[0]);
    uint64_t id;
    int status;

    if (!jf)
        return JS_EXCEPTION;
    if (jf->co == coro_fiber_current())
        return coro_throw_code(ctx, "ERR_FIBER_JOIN_SELF", "a fiber cannot join itself");
    id = jf->h.id;
    if (jf->co && coro_refuse_exclusive_wait(ctx, "joining a fiber") < 0)
        return JS_EXCEPTION;
    while (jf->co) {
        status = coro_waitq_wait_flags(ctx, &jf->joiners, CORO_PARK_IDLE);
        if (status == CORO_ETERMINATED)
            return JS_EXCEPTION;
        jf = (js_fiber *)coro_handles_get(&iso->handles, id, &fiber_type);
        if (!jf)
            return coro_throw_bad_handle(ctx, &fiber_type);
    }
    if (jf->state == FIBER_THREW) {
        coro_isolate_joined(iso, id); /* its exception is handled now */
        return JS_Throw(ctx, JS_DupValue(ctx, jf->value));
    }
    return JS_DupValue(ctx, jf->value);
}

static JSValue js_fiber_done(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_fiber *jf = arg_fiber(ctx, argv[0]);

    if (!jf)
        return JS_EXCEPTION;
    return JS_NewBool(ctx, jf->co == NULL);
}

static JSValue js_fiber_current(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    js_fiber *jf = current_record(ctx);
    JSValue id, w;

    if (!jf)
        return JS_EXCEPTION;
    if (jf->has_wrapper)
        return JS_DupValue(ctx, jf->wrapper);
    id = new_id(ctx, jf);
    w = JS_Call(ctx, state_of(iso)->wrap, JS_UNDEFINED, 1, (JSValueConst *)&id);
    JS_FreeValue(ctx, id);
    if (JS_IsException(w))
        return w;
    jf->wrapper = JS_DupValue(ctx, w);
    jf->has_wrapper = 1;
    return w;
}

/* release(id): the Fiber object is garbage; its record can go. */
static JSValue js_fiber_release(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    js_fiber *jf = arg_fiber(ctx, argv[0]);

    if (!jf) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_UNDEFINED;
    }
    if (!jf->co) /* a running fiber holds its object: this is not from the GC */
        coro_handle_close(&iso->handles, &jf->h);
    return JS_UNDEFINED;
}

static JSValue js_fiber_sleep(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    uint64_t ms;

    if (coro_arg_ms(ctx, argv[0], "ms", &ms) < 0)
        return JS_EXCEPTION;
    if (!iso->terminating)
        coro_fiber_sleep(ms);
    if (iso->terminating)
        return coro_throw_terminated(ctx);
    return JS_UNDEFINED;
}

static JSValue js_fiber_yield(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!coro_isolate_of(ctx)->terminating)
        coro_fiber_yield();
    if (coro_isolate_of(ctx)->terminating)
        return coro_throw_terminated(ctx);
    return JS_UNDEFINED;
}

/* exclusive(fn, args) -> fn(...args), during which no other fiber, timer
   callback or promise job of this isolate runs, however fn blocks. */
static JSValue js_fiber_exclusive(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue ret;

    if (coro_arg_function(ctx, argv[0], "fn") < 0)
        return JS_EXCEPTION;
    coro_fiber_exclusive_enter();
    ret = coro_call_array(ctx, argv[0], JS_UNDEFINED, argv[1]);
    coro_fiber_exclusive_leave();
    return ret;
}

static JSValue js_fiber_await(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue result;
    int r;

    r = coro_await(ctx, argv[0], &result);
    if (r < 0)
        return JS_EXCEPTION;
    return r == 1 ? JS_Throw(ctx, result) : result;
}

static JSValue js_fiber_set_wrap(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);

    if (coro_arg_function(ctx, argv[0], "wrap") < 0)
        return JS_EXCEPTION;
    JS_FreeValue(ctx, state_of(iso)->wrap);
    state_of(iso)->wrap = JS_DupValue(ctx, argv[0]);
    return JS_UNDEFINED;
}

static JSValue js_fiber_stats(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_sched_stats st;
    JSValue o = JS_NewObject(ctx);

    coro_sched_get_stats(&st);
    JS_SetPropertyStr(ctx, o, "switches", JS_NewInt64(ctx, (int64_t)st.switches));
    JS_SetPropertyStr(ctx, o, "live", JS_NewUint32(ctx, iso->nfibers));
    JS_SetPropertyStr(ctx, o, "pooled", JS_NewUint32(ctx, st.pooled));
    JS_SetPropertyStr(ctx, o, "stackSize", JS_NewInt64(ctx, (int64_t)coro_stack_size()));
    return o;
}

static const JSCFunctionListEntry fiber_funcs[] = {
    JS_CFUNC_DEF("create", 3, js_fiber_create),
    JS_CFUNC_DEF("start", 1, js_fiber_start),
    JS_CFUNC_DEF("join", 1, js_fiber_join),
    JS_CFUNC_DEF("done", 1, js_fiber_done),
    JS_CFUNC_DEF("current", 0, js_fiber_current),
    JS_CFUNC_DEF("release", 1, js_fiber_release),
    JS_CFUNC_DEF("sleep", 1, js_fiber_sleep),
    JS_CFUNC_DEF("yield", 0, js_fiber_yield),
    JS_CFUNC_DEF("await", 1, js_fiber_await),
    JS_CFUNC_DEF("exclusive", 2, js_fiber_exclusive),
    JS_CFUNC_DEF("setWrap", 1, js_fiber_set_wrap),
    JS_CFUNC_DEF("stats", 0, js_fiber_stats),
};

int coro_prim_fiber_init(JSContext *ctx, JSValueConst ns)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    fiber_state *st = calloc(1, sizeof *st);

    if (!st) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    st->wrap = JS_UNDEFINED;
    iso->area_data[CORO_SLOT_FIBER] = st;
    JS_SetPropertyFunctionList(ctx, ns, fiber_funcs,
                                      sizeof fiber_funcs / sizeof fiber_funcs[0]);
    return 0;
}

void coro_prim_fiber_free(coro_isolate *iso)
{
    fiber_state *st = state_of(iso);

    if (!st)
        return;
    JS_FreeValue(iso->ctx, st->wrap);
    free(st);
    iso->area_data[CORO_SLOT_FIBER] = NULL;
}
