/*
 * run.c: running an isolate's JS on fibers (see run.h).
 *
 * A promise job that blocks parks its runner fiber, and the next time jobs
 * are pending a fresh runner takes over, so one blocked job never stalls
 * the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "binding.h"
#include "modules.h"
#include "quickjs_ext.h"
#include "run.h"

/* An error nobody has handled yet: a rejected promise without a handler, or
   the exception of a fiber that ended with nobody joining it. Both are
   checked once the ready fibers have run; still unhandled, they are uncaught. */
typedef struct coro_rejection {
    struct coro_rejection *next;
    JSValue promise;    /* JS_UNDEFINED for a fiber's exception */
    uint64_t fiber_id;  /* the fiber's record, 0 for a promise */
    int (*joined)(coro_isolate *iso, uint64_t fiber_id); /* for a fiber's */
    JSValue reason;
} coro_rejection;

static void track_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                            JS_BOOL is_handled, void *opaque);
static int interrupt_cb(JSRuntime *rt, void *opaque);

/* ------------------------------------------------------------------ */
/* calls */

/* The elements of an array (or nothing for undefined) as a js_malloc'ed
   argument vector; -1 with an exception pending. */
static int array_to_argv(JSContext *ctx, JSValueConst args, JSValue **pargv, int *pargc)
{
    JSValue *argv = NULL;
    int64_t argc = 0;

    if (!JS_IsUndefined(args)) {
        JSValue len = JS_GetPropertyStr(ctx, args, "length");
        int r = JS_ToInt64(ctx, &argc, len);
        JS_FreeValue(ctx, len);
        if (r < 0)
            return -1;
    }
    if (argc > 65535) {
        JS_ThrowRangeError(ctx, "too many arguments");
        return -1;
    }
    if (argc > 0 && !(argv = js_malloc(ctx, (size_t)argc * sizeof *argv)))
        return -1;
    for (int64_t i = 0; i < argc; i++)
        argv[i] = JS_GetPropertyUint32(ctx, args, (uint32_t)i);
    *pargv = argv;
    *pargc = (int)argc;
    return 0;
}

static void free_argv(JSContext *ctx, JSValue *argv, int argc)
{
    for (int i = 0; i < argc; i++)
        JS_FreeValue(ctx, argv[i]);
    js_free(ctx, argv);
}

JSValue coro_call_array(JSContext *ctx, JSValueConst fn, JSValueConst this_val,
                        JSValueConst args)
{
    JSValue *argv, ret;
    int argc;

    if (array_to_argv(ctx, args, &argv, &argc) < 0)
        return JS_EXCEPTION;
    ret = JS_Call(ctx, fn, this_val, argc, (JSValueConst *)argv);
    free_argv(ctx, argv, argc);
    return ret;
}

typedef struct call_req {
    JSValue fn, this_val, args;
} call_req;

static void call_fiber_fn(coro_fiber *f, void *arg)
{
    call_req req = *(call_req *)arg;
    JSContext *ctx = coro_fiber_isolate(f)->ctx;
    JSValue *argv = NULL, ret = JS_EXCEPTION;
    int argc = 0;

    /* a long-lived fiber (a connection's) keeps nothing it does not need */
    free(arg);
    if (array_to_argv(ctx, req.args, &argv, &argc) == 0) {
        JS_FreeValue(ctx, req.args);
        req.args = JS_UNDEFINED;
        ret = JS_Call(ctx, req.fn, req.this_val, argc, (JSValueConst *)argv);
        free_argv(ctx, argv, argc);
    }
    if (JS_IsException(ret))
        coro_report_uncaught(ctx, JS_GetException(ctx), "Uncaught");
    JS_FreeValue(ctx, ret);
    JS_FreeValue(ctx, req.fn);
    JS_FreeValue(ctx, req.this_val);
    JS_FreeValue(ctx, req.args);
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
        if (r->fiber_id && r->joined(iso, r->fiber_id)) {
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
    coro_isolate *iso = coro_fiber_isolate(f);

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

void coro__run_drained(void)
{
    coro_isolate *iso;

    while ((iso = check_queue)) {
        check_queue = iso->check_next;
        iso->check_queued = 0;
        if (iso->rejections || JS_IsJobPending(iso->rt))
            start_runner(iso);
    }
}

void coro_isolate_check_jobs(coro_isolate *iso)
{
    queue_check(iso);
}

static void add_rejection(coro_isolate *iso, JSValue promise, uint64_t fiber_id, JSValue reason,
                          int (*joined)(coro_isolate *iso, uint64_t fiber_id))
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
    r->joined = joined;
    r->next = NULL;
    for (p = &iso->rejections; *p; p = &(*p)->next)
        ;
    *p = r;
    queue_check(iso);
}

void coro_isolate_add_unjoined(coro_isolate *iso, uint64_t fiber_id, JSValue exc,
                               int (*joined)(coro_isolate *iso, uint64_t fiber_id))
{
    add_rejection(iso, JS_UNDEFINED, fiber_id, exc, joined);
}

static void job_check_cb(uv_check_t *h)
{
    run_pending_jobs(h->data);
}

void coro__run_fiber_left(coro_isolate *iso, coro_fiber *f)
{
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
        add_rejection(iso, JS_DupValue(ctx, promise), 0, JS_DupValue(ctx, reason), NULL);
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


void coro__run_attach(coro_isolate *iso)
{
    JS_SetHostPromiseRejectionTracker(iso->rt, track_rejection, iso);
    JS_SetInterruptHandler(iso->rt, interrupt_cb, iso);
    uv_check_init(coro_loop(), &iso->job_check);
    uv_check_start(&iso->job_check, job_check_cb);
    uv_unref((uv_handle_t *)&iso->job_check);
    iso->job_check.data = iso;
}

void coro__run_detach(coro_isolate *iso)
{
    coro_rejection *r;

    unqueue_check(iso);
    while ((r = iso->rejections)) {
        iso->rejections = r->next;
        JS_FreeValue(iso->ctx, r->promise);
        JS_FreeValue(iso->ctx, r->reason);
        free(r);
    }
}

int coro__run_leftovers(coro_isolate *iso)
{
    if (!JS_IsJobPending(iso->rt) && !iso->rejections)
        return 0;
    start_runner(iso);
    return 1;
}

/* ------------------------------------------------------------------ */
/* uncaught errors and time slices */

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
    size_t limit = coro_qjs_memory_limit(iso->rt);
    char label[256];
    int handled = 0;

    if (iso->terminating || coro_qjs_is_uncatchable(ctx, exc)) {
        JS_FreeValue(ctx, exc);
        return;
    }
    /* an isolate that ran out of memory still gets to report why: it ends
       anyway, so its limit no longer matters */
    JS_SetMemoryLimit(iso->rt, (size_t)-1);
    if (iso->parent || iso->one_of_many) { /* one of several apps: say which */
        snprintf(label, sizeof label, "[%llu %s] %s", (unsigned long long)iso->port->uid,
                 iso->name ? iso->name : "?", kind);
        kind = label;
    }
    if (JS_IsFunction(ctx, iso->report)) {
        JSValue args[2] = { exc, JS_NewString(ctx, kind) };
        JSValue r = JS_Call(ctx, iso->report, JS_UNDEFINED, 2, args);
        handled = JS_IsBool(r) && JS_ToBool(ctx, r); /* process.on('uncaughtException') took it */
        if (JS_IsException(r))
            print_exception_plain(ctx, exc, kind);
        JS_FreeValue(ctx, r);
        JS_FreeValue(ctx, args[1]);
    } else {
        print_exception_plain(ctx, exc, kind);
    }
    if (handled) {
        JS_SetMemoryLimit(iso->rt, limit);
    } else {
        if (iso->record_error)
            iso->record_error(iso, exc); /* for the parent's join() */
        coro_isolate_terminate(iso, 1);
    }
    JS_FreeValue(ctx, exc);
}

/* QuickJS calls this every few thousand bytecode operations. Besides
   stopping the JS of an isolate being torn down, it enforces time slices:
   a fiber whose JS has run longer than its isolate's slice while other
   isolates exist is preempted, and the other isolates (and the loop's IO)
   get their turn. Switching stacks here is safe: to QuickJS it is a C call
   that takes a while. Its isolate's other fibers wait (coro_fiber_preempt),
   so JS still runs to completion within an isolate. A turn starts when a
   fiber is switched in; the switch counter tells the first check of a turn
   from later ones without reading the clock on every switch. */
static int interrupt_cb(JSRuntime *rt, void *opaque)
{
    coro_isolate *iso = opaque;
    coro_fiber *f = coro_fiber_current();
    uint64_t now, switches;

    if (iso->terminating)
        return 1;
    if (!f || coro_fiber_isolate(f) != iso || coro_isolates_count() < 2)
        return 0;
    switches = coro_sched_switches();
    now = uv_hrtime();
    if (switches != iso->slice_switches) {
        iso->slice_switches = switches;
        iso->slice_start = now;
    } else if (now - iso->slice_start >= iso->cpu_slice_ns) {
        coro_fiber_preempt();
        iso->slice_switches = coro_sched_switches();
        iso->slice_start = uv_hrtime();
    }
    return iso->terminating;
}

int coro_isolate_poll(coro_isolate *iso)
{
    return interrupt_cb(iso->rt, iso);
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
    coro_isolate *iso = coro_fiber_isolate(f);
    JSContext *ctx = iso->ctx;
    JSValue eval, result;
    int r;

    eval = coro_module_eval_builtin(ctx, "corojs:internal/bootstrap");
    if (!JS_IsException(eval)) {
        r = coro_await(ctx, eval, &result);
        JS_FreeValue(ctx, eval);
        eval = r == 0 ? JS_UNDEFINED : r == 1 ? JS_Throw(ctx, result) : JS_EXCEPTION;
    }
    if (!JS_IsException(eval)) { /* main_ns: its exports, for other isolates' calls */
        if (a->path)
            eval = coro_module_eval_file(ctx, a->path, &iso->main_ns);
        else
            eval = coro_module_eval_source(ctx, "[eval]", a->code, strlen(a->code), &iso->main_ns);
    }
    if (!JS_IsException(eval)) {
        r = coro_await(ctx, eval, &result);
        JS_FreeValue(ctx, eval);
        if (r == 0) {
            JS_FreeValue(ctx, result);
            iso->main_done = 1;
            coro_waitq_wake_all(&iso->main_waiters, 0);
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

