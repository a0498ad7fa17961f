/*
 * wait.c: how a fiber of an isolate waits (see wait.h).
 */
#include <stdlib.h>

#include "binding.h"
#include "isolate.h"
#include "wait.h"

void coro_op_done(coro_op *op, int status)
{
    op->status = status;
    op->done = 1;
    coro_fiber_wake(op->fiber, 0);
}

void coro_op_finish(coro_op *op)
{
    while (!op->done)
        coro_fiber_park(CORO_PARK_NOINTERRUPT);
}

int coro_op_wait(JSContext *ctx, coro_op *op)
{
    coro_op_finish(op);
    if (coro_isolate_of(ctx)->terminating) {
        coro_throw_terminated(ctx);
        return CORO_ETERMINATED;
    }
    return op->status;
}

int coro_wait_timeout(JSContext *ctx, uint64_t ms, int flags)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int status = 0;

    if (!iso->terminating)
        status = ms ? coro_fiber_park_timeout(ms, flags) : coro_fiber_park(flags);
    if (iso->terminating) {
        coro_throw_terminated(ctx);
        return CORO_ETERMINATED;
    }
    return status;
}

int coro_wait(JSContext *ctx, int flags)
{
    return coro_wait_timeout(ctx, 0, flags);
}

int coro_waitq_wait(JSContext *ctx, coro_waitq *q)
{
    return coro_waitq_wait_flags(ctx, q, 0);
}

int coro_waitq_wait_flags(JSContext *ctx, coro_waitq *q, int flags)
{
    coro_waiter me = { NULL, q->tail, coro_fiber_current(), q };
    int status;

    if (q->tail)
        q->tail->next = &me;
    else
        q->head = &me;
    q->tail = &me;
    status = coro_wait(ctx, flags);
    if (me.q) { /* still listed: wake_one and wake_all leave the list alone */
        if (me.prev)
            me.prev->next = me.next;
        else
            q->head = me.next;
        if (me.next)
            me.next->prev = me.prev;
        else
            q->tail = me.prev;
    }
    return status;
}

void coro_waitq_wake_one(coro_waitq *q, int status)
{
    for (coro_waiter *w = q->head; w; w = w->next) {
        if (coro_fiber_wake(w->fiber, status))
            return;
    }
}

/* A fiber woken from main runs at once, and may end others' waits: so
   all are made ready first, while the list still stands, then run. */
void coro_waitq_wake_all(coro_waitq *q, int status)
{
    for (coro_waiter *w = q->head; w; w = w->next)
        coro_fiber_wake_later(w->fiber, status);
    coro_sched_run();
}

void coro_waitq_close(coro_waitq *q, int status)
{
    coro_waiter *w, *next;

    for (w = q->head; w; w = next) {
        next = w->next;
        w->q = NULL;
        coro_fiber_wake_later(w->fiber, status);
    }
    q->head = q->tail = NULL;
    coro_sched_run();
}

int coro_turn_take(JSContext *ctx, int *taken, coro_waitq *q, const int *closed)
{
    while (*taken && !*closed) {
        int st = coro_waitq_wait(ctx, q);
        if (st == CORO_ETERMINATED)
            return st;
    }
    if (*closed)
        return UV_EBADF;
    *taken = 1;
    return 0;
}

void coro_turn_give(int *taken, coro_waitq *q)
{
    *taken = 0;
    coro_waitq_wake_one(q, 0);
}

int coro_refuse_exclusive_wait(JSContext *ctx, const char *what)
{
    if (!coro_fiber_exclusive(coro_fiber_current()))
        return 0;
    coro_throw_code(ctx, "ERR_FIBER_EXCLUSIVE",
                    "%s inside Fiber.exclusive would never end: nothing else of this isolate runs "
                    "until it returns", what);
    return -1;
}

unsigned coro_pool_share(void)
{
    static unsigned share;
    const char *env;
    long size = 4; /* libuv's default */

    if (!share) {
        env = getenv("UV_THREADPOOL_SIZE");
        if (env && atol(env) > 0)
            size = atol(env);
        share = size > 1 ? (unsigned)size - 1 : 1;
    }
    return share;
}

int coro_pool_take(JSContext *ctx)
{
    coro_isolate *iso = coro_isolate_of(ctx);

    /* An exclusive fiber never waits for a slot: those of its isolate come
       back only once their fibers run, which is after its section. */
    while (iso->pool_used >= coro_pool_share() && !coro_fiber_exclusive(coro_fiber_current())) {
        if (coro_waitq_wait(ctx, &iso->pool_waiters) == CORO_ETERMINATED)
            return CORO_ETERMINATED;
    }
    iso->pool_used++;
    return 0;
}

void coro_pool_give(JSContext *ctx)
{
    coro_isolate *iso = coro_isolate_of(ctx);

    iso->pool_used--;
    coro_waitq_wake_one(&iso->pool_waiters, 0);
}

/* A fiber awaiting a promise. The request lives on the fiber's stack and the
   promise's callbacks name it by a handle ID, so a callback that comes after
   the wait is over (the isolate was torn down meanwhile) finds nothing. */
typedef struct await_req {
    coro_handle h;
    coro_fiber *fiber;
    int state;          /* -1 waiting, 0 fulfilled, 1 rejected */
    JSValue value;
} await_req;

static void await_close(coro_handle *h)
{
    /* nothing to free: the request is on its fiber's stack */
}

static const coro_handle_type await_type = { "Await", await_close, NULL };

/* The then-callbacks of a pending await: data[0] = the request's ID. */
static JSValue await_settled(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                             int magic, JSValue *data)
{
    int64_t id;
    await_req *req;

    if (JS_ToBigInt64(ctx, &id, data[0]) < 0)
        return JS_EXCEPTION;
    req = (await_req *)coro_handles_get(&coro_isolate_of(ctx)->handles, (uint64_t)id, &await_type);
    if (!req || req->state != -1)
        return JS_UNDEFINED; /* that wait is over */
    req->state = magic;
    req->value = argc > 0 ? JS_DupValue(ctx, argv[0]) : JS_UNDEFINED;
    coro_fiber_wake(req->fiber, 0);
    return JS_UNDEFINED;
}

static int attach_then(JSContext *ctx, JSValueConst promise, JSValueConst on_ok, JSValueConst on_err)
{
    JSValue then = JS_GetPropertyStr(ctx, promise, "then");
    JSValue args[2] = { JS_DupValue(ctx, on_ok), JS_DupValue(ctx, on_err) };
    JSValue r = JS_Call(ctx, then, promise, 2, (JSValueConst *)args);

    JS_FreeValue(ctx, then);
    JS_FreeValue(ctx, args[0]);
    JS_FreeValue(ctx, args[1]);
    if (JS_IsException(r))
        return -1;
    JS_FreeValue(ctx, r);
    return 0;
}

static JSValue ignore(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_UNDEFINED;
}

/* A promise already rejected: handle it, so the rejection does not count as
   unhandled, and give its reason. */
static int take_rejection(JSContext *ctx, JSValueConst promise, JSValue *result)
{
    JSValue on_err = JS_NewCFunction(ctx, ignore, "ignore", 1);
    int r = attach_then(ctx, promise, JS_UNDEFINED, on_err);

    JS_FreeValue(ctx, on_err);
    if (r < 0)
        return -1;
    *result = JS_PromiseResult(ctx, (JSValue)promise);
    return 1;
}

static int await_pending(JSContext *ctx, JSValueConst promise, JSValue *result)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    await_req req = { .fiber = coro_fiber_current(), .state = -1, .value = JS_UNDEFINED };
    JSValue id, on_ok, on_err;
    int r;

    if (coro_refuse_exclusive_wait(ctx, "waiting for a promise") < 0)
        return -1;
    req.h.type = &await_type;
    req.h.iso = iso;
    if (!coro_handles_add(&iso->handles, &req.h)) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    id = JS_NewBigUint64(ctx, req.h.id);
    on_ok = JS_NewCFunctionData(ctx, await_settled, 1, 0, 1, &id);
    on_err = JS_NewCFunctionData(ctx, await_settled, 1, 1, 1, &id);
    JS_FreeValue(ctx, id);
    r = attach_then(ctx, promise, on_ok, on_err);
    JS_FreeValue(ctx, on_ok);
    JS_FreeValue(ctx, on_err);
    while (r == 0 && req.state == -1) {
        if (coro_wait(ctx, CORO_PARK_IDLE) == CORO_ETERMINATED)
            r = -1;
    }
    coro_handle_close(&iso->handles, &req.h);
    if (r < 0) {
        JS_FreeValue(ctx, req.value);
        return -1;
    }
    *result = req.value;
    return req.state;
}

int coro_await(JSContext *ctx, JSValueConst promise, JSValue *result)
{
    switch ((int)JS_PromiseState(ctx, (JSValue)promise)) {
    case JS_PROMISE_FULFILLED:
        *result = JS_PromiseResult(ctx, (JSValue)promise);
        return 0;
    case JS_PROMISE_REJECTED:
        return take_rejection(ctx, promise, result);
    case JS_PROMISE_PENDING:
        return await_pending(ctx, promise, result);
    default:
        *result = JS_DupValue(ctx, promise);
        return 0;
    }
}
