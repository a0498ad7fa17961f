/*
 * runtime.c: isolates, and running their JS on fibers.
 *
 * No JS runs on the loop's own stack. The main module runs in the isolate's
 * first fiber; timer callbacks and other entries get a fiber each; the
 * promise job queue is drained by a "job runner" fiber. A job that blocks
 * parks its runner, and the next time jobs are pending a fresh runner takes
 * over, so one blocked job never stalls the others.
 *
 * Tearing an isolate down (process.exit, an uncaught exception, the end of
 * the program) closes its handles and wakes every parked fiber with
 * CORO_ETERMINATED; coro_wait then throws an uncatchable error that unwinds
 * the fiber's JS frames, so all of its values are freed before the runtime is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "runtime.h"
#include "binding.h"
#include "modules.h"
#include "quickjs_ext.h"
#include "prim/prim.h"

static const struct {
    const char *name;
    int (*init)(JSContext *ctx, JSValueConst ns);
} prim_areas[] = {
    { "fiber", coro_prim_fiber_init },
    { "timers", coro_prim_timers_init },
    { "fs", coro_prim_fs_init },
    { "process", coro_prim_process_init },
    { "encoding", coro_prim_encoding_init },
    { "util", coro_prim_util_init },
    { "dns", coro_prim_dns_init },
    { "dgram", coro_prim_dgram_init },
};

static uint16_t next_isolate_tag = 1; /* process-wide, so IDs differ between isolates */

static void fiber_left(coro_fiber *f);
static void job_check_cb(uv_check_t *h);
static void sched_drained(void);
static void unqueue_check(coro_isolate *iso);
static void track_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                            JS_BOOL is_handled, void *opaque);
static int interrupt_cb(JSRuntime *rt, void *opaque);

int coro_isolate_allow(JSContext *ctx, int cap, const char *what)
{
    if (coro_isolate_of(ctx)->caps & cap)
        return 1;
    coro_throw_code(ctx, "ERR_ACCESS_DENIED", "%s is not allowed: this isolate was not granted %s",
                    what, cap == CORO_CAP_NET ? "net" : "fs");
    return 0;
}

int coro_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) { /* a non-blocking stdout: wait until it drains */
                struct pollfd pfd = { .fd = fd, .events = POLLOUT };
                poll(&pfd, 1, -1);
                continue;
            }
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* creating an isolate */

static JSValue js_gc(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JS_RunGC(JS_GetRuntime(ctx));
    return JS_UNDEFINED;
}

static int init_primordials(JSContext *ctx, int expose_gc)
{
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue P = JS_NewObject(ctx);
    int ret = 0;

    for (size_t i = 0; i < sizeof prim_areas / sizeof prim_areas[0] && ret == 0; i++) {
        JSValue ns = JS_NewObject(ctx);
        ret = prim_areas[i].init(ctx, ns);
        JS_SetPropertyStr(ctx, P, prim_areas[i].name, ns);
    }
    if (ret == 0)
        JS_SetPropertyStr(ctx, global, "__primordials", JS_DupValue(ctx, P));
    if (expose_gc)
        JS_SetPropertyStr(ctx, global, "gc", JS_NewCFunction(ctx, js_gc, "gc", 0));
    JS_FreeValue(ctx, P);
    JS_FreeValue(ctx, global);
    return ret;
}

coro_isolate *coro_isolate_new(const coro_isolate_options *opt)
{
    coro_isolate *iso = calloc(1, sizeof *iso);

    if (!iso)
        return NULL;
    iso->rt = JS_NewRuntime();
    if (!iso->rt)
        goto fail_rt;
    iso->ctx = JS_NewContext(iso->rt);
    if (!iso->ctx)
        goto fail_ctx;
    JS_SetRuntimeOpaque(iso->rt, iso);
    JS_SetContextOpaque(iso->ctx, iso);
    if (opt->memory_limit)
        JS_SetMemoryLimit(iso->rt, opt->memory_limit);
    JS_SetHostPromiseRejectionTracker(iso->rt, track_rejection, iso);
    JS_SetInterruptHandler(iso->rt, interrupt_cb, iso);
    coro_modules_init(iso->rt, &iso->expose_internals);
    iso->expose_internals = opt->expose_internals;
    iso->caps = opt->caps;
    coro_handles_init(&iso->handles, next_isolate_tag++);
    if (next_isolate_tag == 0)
        next_isolate_tag = 1;
    iso->report = JS_UNDEFINED;
    iso->fiber_wrap = JS_UNDEFINED;
    iso->argc = opt->argc;
    iso->argv = opt->argv;
    coro_sched_set_leave_hook(fiber_left);
    coro_sched_set_drained_hook(sched_drained);
    uv_check_init(coro_loop(), &iso->job_check);
    uv_check_start(&iso->job_check, job_check_cb);
    uv_unref((uv_handle_t *)&iso->job_check);
    iso->job_check.data = iso;
    if (init_primordials(iso->ctx, opt->expose_gc) < 0) {
        JSValue exc = JS_GetException(iso->ctx);
        const char *msg = JS_ToCString(iso->ctx, exc);
        fprintf(stderr, "corojs: cannot set up the runtime: %s\n", msg ? msg : "?");
        JS_FreeCString(iso->ctx, msg);
        JS_FreeValue(iso->ctx, exc);
        coro_isolate_free(iso);
        return NULL;
    }
    return iso;

fail_ctx:
    JS_FreeRuntime(iso->rt);
fail_rt:
    free(iso);
    return NULL;
}

static void free_isolate_memory(uv_handle_t *h)
{
    free(h->data);
}

/* Free an isolate whose fibers have all ended. */
void coro_isolate_free(coro_isolate *iso)
{
    coro_rejection *r;

    unqueue_check(iso);
    coro_handles_close_all(&iso->handles);
    while ((r = iso->rejections)) {
        iso->rejections = r->next;
        JS_FreeValue(iso->ctx, r->promise);
        JS_FreeValue(iso->ctx, r->reason);
        free(r);
    }
    JS_FreeValue(iso->ctx, iso->report);
    JS_FreeValue(iso->ctx, iso->fiber_wrap);
    JS_FreeContext(iso->ctx);
    JS_FreeRuntime(iso->rt);
    coro_handles_free(&iso->handles);
    uv_close((uv_handle_t *)&iso->job_check, free_isolate_memory);
}

/* ------------------------------------------------------------------ */
/* fibers of an isolate */

static void link_fiber(coro_isolate *iso, coro_fiber *f)
{
    f->iso_prev = NULL;
    f->iso_next = iso->fibers;
    if (iso->fibers)
        iso->fibers->iso_prev = f;
    iso->fibers = f;
    iso->nfibers++;
}

static void unlink_fiber(coro_isolate *iso, coro_fiber *f)
{
    if (f->iso_prev)
        f->iso_prev->iso_next = f->iso_next;
    else
        iso->fibers = f->iso_next;
    if (f->iso_next)
        f->iso_next->iso_prev = f->iso_prev;
    iso->nfibers--;
}

coro_fiber *coro_isolate_new_fiber(coro_isolate *iso, coro_fiber_fn *fn, void *arg)
{
    coro_fiber *f = coro_fiber_create(iso, fn, arg);

    if (f) {
        f->rt = iso->rt;
        link_fiber(iso, f);
    }
    return f;
}

void coro_isolate_discard_fiber(coro_isolate *iso, coro_fiber *f)
{
    unlink_fiber(iso, f);
    coro_fiber_discard(f);
}

coro_fiber *coro_isolate_fiber(JSContext *ctx, coro_fiber_fn *fn, void *arg)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_fiber *f;

    if (iso->terminating) {
        coro_throw_terminated(ctx);
        return NULL;
    }
    f = coro_isolate_new_fiber(iso, fn, arg);
    if (!f)
        coro_throw_uv(ctx, -errno, "mmap", NULL, NULL);
    return f;
}

int coro_wait(JSContext *ctx, int flags)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int status = 0;

    if (!iso->terminating)
        status = coro_fiber_park(flags);
    if (iso->terminating) {
        coro_throw_terminated(ctx);
        return CORO_ETERMINATED;
    }
    return status;
}

int coro_waitq_wait(JSContext *ctx, coro_waitq *q)
{
    coro_waiter me = { NULL, q->tail, coro_fiber_current(), q };
    int status;

    if (q->tail)
        q->tail->next = &me;
    else
        q->head = &me;
    q->tail = &me;
    status = coro_wait(ctx, 0);
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

void coro_waitq_wake_all(coro_waitq *q, int status)
{
    for (coro_waiter *w = q->head; w; w = w->next)
        coro_fiber_wake(w->fiber, status);
}

void coro_waitq_close(coro_waitq *q, int status)
{
    coro_waiter *w, *next;

    for (w = q->head; w; w = next) {
        next = w->next;
        w->q = NULL;
        coro_fiber_wake(w->fiber, status);
    }
    q->head = q->tail = NULL;
}

JSValue coro_call_array(JSContext *ctx, JSValueConst fn, JSValueConst this_val,
                        JSValueConst args)
{
    JSValue *argv = NULL, ret;
    int64_t argc = 0;

    if (!JS_IsUndefined(args)) {
        JSValue len = JS_GetPropertyStr(ctx, args, "length");
        int r = JS_ToInt64(ctx, &argc, len);
        JS_FreeValue(ctx, len);
        if (r < 0)
            return JS_EXCEPTION;
    }
    if (argc > 65535)
        return JS_ThrowRangeError(ctx, "too many arguments");
    if (argc > 0 && !(argv = js_malloc(ctx, (size_t)argc * sizeof *argv)))
        return JS_EXCEPTION;
    for (int64_t i = 0; i < argc; i++)
        argv[i] = JS_GetPropertyUint32(ctx, args, (uint32_t)i);
    ret = JS_Call(ctx, fn, this_val, (int)argc, (JSValueConst *)argv);
    for (int64_t i = 0; i < argc; i++)
        JS_FreeValue(ctx, argv[i]);
    js_free(ctx, argv);
    return ret;
}

typedef struct call_req {
    JSValue fn, this_val, args;
} call_req;

static void call_fiber_fn(coro_fiber *f, void *arg)
{
    call_req *req = arg;
    JSContext *ctx = f->iso->ctx;
    JSValue ret = coro_call_array(ctx, req->fn, req->this_val, req->args);

    if (JS_IsException(ret))
        coro_report_uncaught(ctx, JS_GetException(ctx), "Uncaught");
    JS_FreeValue(ctx, ret);
    JS_FreeValue(ctx, req->fn);
    JS_FreeValue(ctx, req->this_val);
    JS_FreeValue(ctx, req->args);
    free(req);
}

int coro_spawn_call(coro_isolate *iso, JSValueConst fn, JSValueConst this_val,
                    JSValueConst args)
{
    JSContext *ctx = iso->ctx;
    call_req *req;
    coro_fiber *f;

    if (iso->terminating)
        return UV_ECANCELED;
    req = malloc(sizeof *req);
    if (!req)
        return UV_ENOMEM;
    f = coro_isolate_new_fiber(iso, call_fiber_fn, req);
    if (!f) {
        int err = -errno;
        free(req);
        return err;
    }
    req->fn = JS_DupValue(ctx, fn);
    req->this_val = JS_DupValue(ctx, this_val);
    req->args = JS_DupValue(ctx, args);
    coro_fiber_start(f);
    return 0;
}

/* ------------------------------------------------------------------ */
/* the promise job queue */

/* Report the first error in iso->rejections that is still unhandled. */
static void check_rejections(coro_isolate *iso)
{
    coro_rejection *r;

    while ((r = iso->rejections)) {
        iso->rejections = r->next;
        JS_FreeValue(iso->ctx, r->promise);
        if (r->fiber_id && coro_fiber_was_joined(iso, r->fiber_id)) {
            JS_FreeValue(iso->ctx, r->reason);
            free(r);
            continue;
        }
        JSValue reason = r->reason;
        const char *kind = r->fiber_id ? "Uncaught (in fiber)" : "Uncaught (in promise)";
        free(r);
        coro_report_uncaught(iso->ctx, reason, kind);
        return;
    }
}

static void run_jobs(coro_isolate *iso)
{
    JSContext *ctx;

    while (!iso->terminating) {
        int r = JS_ExecutePendingJob(iso->rt, &ctx);
        if (r == 0)
            break;
        if (r < 0)
            coro_report_uncaught(ctx, JS_GetException(ctx), "Uncaught");
    }
    if (!iso->terminating)
        check_rejections(iso);
}

static void runner_fn(coro_fiber *f, void *arg)
{
    coro_isolate *iso = f->iso;

    for (;;) {
        iso->drainer = f;
        run_jobs(iso);
        if (iso->drainer == f)
            iso->drainer = NULL;
        if (iso->terminating || iso->idle_runner)
            return;
        iso->idle_runner = f;
        coro_fiber_park(0);
        if (iso->idle_runner == f)
            iso->idle_runner = NULL;
        if (iso->terminating)
            return;
    }
}

/* On main: make sure a runner drains the job queue (and then checks the
   unhandled errors). */
static void start_runner(coro_isolate *iso)
{
    coro_fiber *f;

    if (iso->terminating || iso->drainer)
        return;
    f = iso->idle_runner;
    if (f) {
        iso->idle_runner = NULL;
        iso->drainer = f;
        coro_fiber_wake(f, 0);
        return;
    }
    f = coro_isolate_new_fiber(iso, runner_fn, NULL);
    if (!f) {
        fprintf(stderr, "corojs: cannot create a fiber for promise jobs: %s\n", strerror(errno));
        coro_isolate_terminate(iso, 1);
        return;
    }
    iso->drainer = f;
    coro_fiber_start(f);
}

static void run_pending_jobs(coro_isolate *iso)
{
    if (JS_IsJobPending(iso->rt))
        start_runner(iso);
}

/* Isolates with unhandled errors to check once the ready fibers have run. */
static coro_isolate *check_queue;

static void queue_check(coro_isolate *iso)
{
    if (iso->check_queued)
        return;
    iso->check_queued = 1;
    iso->check_next = check_queue;
    check_queue = iso;
}

static void unqueue_check(coro_isolate *iso)
{
    coro_isolate **p;

    for (p = &check_queue; *p; p = &(*p)->check_next) {
        if (*p == iso) {
            *p = iso->check_next;
            break;
        }
    }
    iso->check_queued = 0;
}

static void sched_drained(void)
{
    coro_isolate *iso;

    while ((iso = check_queue)) {
        check_queue = iso->check_next;
        iso->check_queued = 0;
        if (iso->rejections)
            start_runner(iso);
    }
}

static void add_rejection(coro_isolate *iso, JSValue promise, uint64_t fiber_id, JSValue reason)
{
    coro_rejection *r = malloc(sizeof *r), **p;

    if (!r) {
        JS_FreeValue(iso->ctx, promise);
        JS_FreeValue(iso->ctx, reason);
        return;
    }
    r->promise = promise;
    r->fiber_id = fiber_id;
    r->reason = reason;
    r->next = NULL;
    for (p = &iso->rejections; *p; p = &(*p)->next)
        ;
    *p = r;
    queue_check(iso);
}

void coro_isolate_add_unjoined(coro_isolate *iso, uint64_t fiber_id, JSValue exc)
{
    add_rejection(iso, JS_UNDEFINED, fiber_id, exc);
}

static void job_check_cb(uv_check_t *h)
{
    run_pending_jobs(h->data);
}

static void fiber_left(coro_fiber *f)
{
    coro_isolate *iso = f->iso;

    if (!iso)
        return;
    if (f->state == CORO_FIBER_DONE) {
        if (f->js)
            coro_fiber_record_ended(f);
        unlink_fiber(iso, f);
    }
    if (f == iso->drainer && f->state != CORO_FIBER_READY)
        iso->drainer = NULL; /* blocked inside a job: another runner takes over */
    run_pending_jobs(iso);
}

static void track_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                            JS_BOOL is_handled, void *opaque)
{
    coro_isolate *iso = opaque;
    coro_rejection **p, *r;

    if (!is_handled) {
        add_rejection(iso, JS_DupValue(ctx, promise), 0, JS_DupValue(ctx, reason));
        return;
    }
    for (p = &iso->rejections; (r = *p); p = &r->next) {
        if (!r->fiber_id && JS_VALUE_GET_PTR(r->promise) == JS_VALUE_GET_PTR(promise)) {
            *p = r->next;
            JS_FreeValue(ctx, r->promise);
            JS_FreeValue(ctx, r->reason);
            free(r);
            return;
        }
    }
}

/* ------------------------------------------------------------------ */
/* uncaught errors and the end of an isolate */

static void print_exception_plain(JSContext *ctx, JSValueConst exc, const char *kind)
{
    const char *msg = JS_ToCString(ctx, exc);
    JSValue stack = JS_IsError(ctx, exc) ? JS_GetPropertyStr(ctx, exc, "stack") : JS_UNDEFINED;
    const char *st = JS_IsString(stack) ? JS_ToCString(ctx, stack) : NULL;

    fprintf(stderr, "%s %s\n%s", kind, msg ? msg : "(unprintable exception)", st ? st : "");
    JS_FreeCString(ctx, st);
    JS_FreeCString(ctx, msg);
    JS_FreeValue(ctx, stack);
    JS_FreeValue(ctx, JS_GetException(ctx)); /* from a failed conversion */
}

void coro_report_uncaught(JSContext *ctx, JSValue exc, const char *kind)
{
    coro_isolate *iso = coro_isolate_of(ctx);

    if (iso->terminating || coro_qjs_is_uncatchable(ctx, exc)) {
        JS_FreeValue(ctx, exc);
        return;
    }
    if (JS_IsFunction(ctx, iso->report)) {
        JSValue args[2] = { exc, JS_NewString(ctx, kind) };
        JSValue r = JS_Call(ctx, iso->report, JS_UNDEFINED, 2, args);
        if (JS_IsException(r))
            print_exception_plain(ctx, exc, kind);
        JS_FreeValue(ctx, r);
        JS_FreeValue(ctx, args[1]);
    } else {
        print_exception_plain(ctx, exc, kind);
    }
    JS_FreeValue(ctx, exc);
    coro_isolate_terminate(iso, 1);
}

static int interrupt_cb(JSRuntime *rt, void *opaque)
{
    coro_isolate *iso = opaque;

    return iso->terminating;
}

void coro_isolate_terminate(coro_isolate *iso, int code)
{
    coro_fiber *f, *next;

    if (iso->terminating)
        return;
    iso->terminating = 1;
    iso->exit_code = code;
    coro_handles_close_all(&iso->handles);
    for (f = iso->fibers; f; f = next) {
        next = f->iso_next;
        if (f->state == CORO_FIBER_PARKED && !(f->park_flags & CORO_PARK_NOINTERRUPT))
            coro_fiber_wake(f, CORO_ETERMINATED);
    }
}

/* ------------------------------------------------------------------ */
/* the main module */

typedef struct main_args {
    char *path;
    char *code;
} main_args;

static void main_fiber_fn(coro_fiber *f, void *arg)
{
    main_args *a = arg;
    coro_isolate *iso = f->iso;
    JSContext *ctx = iso->ctx;
    JSValue eval, result;
    int r;

    eval = coro_module_eval_builtin(ctx, "corojs:internal/bootstrap");
    if (!JS_IsException(eval)) {
        r = coro_await(ctx, eval, &result);
        JS_FreeValue(ctx, eval);
        eval = r == 0 ? JS_UNDEFINED : r == 1 ? JS_Throw(ctx, result) : JS_EXCEPTION;
    }
    if (!JS_IsException(eval)) {
        if (a->path)
            eval = coro_module_eval_file(ctx, a->path);
        else
            eval = coro_module_eval_source(ctx, "[eval]", a->code, strlen(a->code));
    }
    if (!JS_IsException(eval)) {
        r = coro_await(ctx, eval, &result);
        JS_FreeValue(ctx, eval);
        if (r == 0) {
            JS_FreeValue(ctx, result);
            iso->main_done = 1;
        }
        eval = r == 0 ? JS_UNDEFINED : r == 1 ? JS_Throw(ctx, result) : JS_EXCEPTION;
    }
    if (JS_IsException(eval))
        coro_report_uncaught(ctx, JS_GetException(ctx), "Uncaught");
    free(a->path);
    free(a->code);
    free(a);
}

int coro_isolate_start(coro_isolate *iso, const char *path, const char *code)
{
    main_args *a = calloc(1, sizeof *a);
    coro_fiber *f;

    if (!a)
        return -1;
    a->path = path ? strdup(path) : NULL;
    a->code = code ? strdup(code) : NULL;
    f = coro_isolate_new_fiber(iso, main_fiber_fn, a);
    if (!f) {
        fprintf(stderr, "corojs: cannot create the main fiber: %s\n", strerror(errno));
        free(a->path);
        free(a->code);
        free(a);
        return -1;
    }
    coro_fiber_start(f);
    return 0;
}

int coro_isolate_loop_ended(coro_isolate *iso)
{
    if (iso->terminating)
        return 0;
    JS_RunGC(iso->rt); /* lets FinalizationRegistry see cyclic garbage */
    if (JS_IsJobPending(iso->rt) || iso->rejections) {
        start_runner(iso);
        return 1;
    }
    if (!iso->main_done) {
        fprintf(stderr, "Warning: the main module never finished: it waits for something "
                        "that nothing is left to do\n");
        coro_isolate_terminate(iso, 13);
    }
    return 0;
}
