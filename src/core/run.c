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
#include <pthread.h>
#include <time.h>

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
    JSValue reason;
} coro_rejection;

static void track_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                            JS_BOOL is_handled, void *opaque);
static int interrupt_cb(JSRuntime *rt, void *opaque);
static void watch_forget(coro_isolate *iso);

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
static void queue_check(coro_isolate *iso);

/* A fiber's exception is decided only once the ready fibers have run (one
   of them may be about to join it): a runner that drains jobs meanwhile
   leaves it for the check after the drain. */
static void check_rejections(coro_isolate *iso)
{
    coro_rejection **p = &iso->rejections, *r;
    int undecided = coro_sched_has_ready();

    while ((r = *p)) {
        if (r->fiber_id && undecided) {
            queue_check(iso);
            p = &r->next;
            continue;
        }
        *p = r->next;
        JS_FreeValue(iso->ctx, r->promise);
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
        coro_fiber_park(CORO_PARK_IDLE);
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
    f = coro_isolate_new_deep_fiber(iso, runner_fn, NULL);
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

void coro__run_fiber_left(coro_isolate *iso, coro_fiber *f)
{
    if (iso->out_of_memory) /* no interrupt point came since */
        coro_isolate_end_out_of_memory(iso);
    if (f == iso->drainer && f->state != CORO_FIBER_READY)
        iso->drainer = NULL; /* blocked inside a job: another runner takes over */
    run_pending_jobs(iso);
}

/* Drop the pending error of fiber `fiber_id` (nonzero), or else of
   `promise`: it was handled. */
static void drop_rejection(coro_isolate *iso, uint64_t fiber_id, JSValueConst promise)
{
    coro_rejection **p, *r;

    for (p = &iso->rejections; (r = *p); p = &r->next) {
        if (fiber_id ? r->fiber_id == fiber_id
                     : !r->fiber_id && JS_VALUE_GET_PTR(r->promise) == JS_VALUE_GET_PTR(promise)) {
            *p = r->next;
            JS_FreeValue(iso->ctx, r->promise);
            JS_FreeValue(iso->ctx, r->reason);
            free(r);
            return;
        }
    }
}

void coro_isolate_joined(coro_isolate *iso, uint64_t fiber_id)
{
    drop_rejection(iso, fiber_id, JS_UNDEFINED);
}

static void track_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                            JS_BOOL is_handled, void *opaque)
{
    coro_isolate *iso = opaque;

    if (is_handled)
        drop_rejection(iso, 0, promise);
    else
        add_rejection(iso, JS_DupValue(ctx, promise), 0, JS_DupValue(ctx, reason));
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

    watch_forget(iso);

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

    /* a stack starts with "Name: message", as V8's */
    fprintf(stderr, "%s %s\n", kind, st ? st : msg ? msg : "(unprintable exception)");
    JS_FreeCString(ctx, st);
    JS_FreeCString(ctx, msg);
    JS_FreeValue(ctx, stack);
    JS_FreeValue(ctx, JS_GetException(ctx)); /* from a failed conversion */
}

/* A child whose allocation passed a memory limit ends, as workerd's and
   Node's workers do: its heap may hold half-built state. Its error, an
   InternalError "out of memory" with code ERR_ISOLATE_OUT_OF_MEMORY, goes
   to join() and to the callers it had. It is called from the interrupt
   handler and from the leave hook; only the stack maker may run JS here. */
void coro_isolate_end_out_of_memory(coro_isolate *iso)
{
    JSContext *ctx = iso->ctx;
    JSValue exc;

    /* reading the error's stack for join() may run JS (the stack maker),
       whose interrupt checks would come back here */
    if (iso->terminating || iso->ending_out_of_memory)
        return;
    iso->ending_out_of_memory = 1;
    JS_SetMemoryLimit(iso->rt, (size_t)-1); /* it ends: its limit no longer matters */
    JS_ThrowInternalError(ctx, "out of memory");
    exc = JS_GetException(ctx);
    JS_SetPropertyStr(ctx, exc, "code", JS_NewString(ctx, "ERR_ISOLATE_OUT_OF_MEMORY"));
    if (iso->record_error)
        iso->record_error(iso, exc);
    JS_FreeValue(ctx, exc);
    fprintf(stderr, "[%llu %s] InternalError: out of memory: the isolate ends\n",
            (unsigned long long)iso->port->uid, iso->name ? iso->name : "?");
    coro_isolate_terminate(iso, 1);
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
    if (iso->out_of_memory) { /* the error is that, whatever came of it */
        JS_FreeValue(ctx, exc);
        coro_isolate_end_out_of_memory(iso);
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
        if (JS_IsException(r) && !iso->terminating) /* not ended by it (a worker's exit) */
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

/* QuickJS calls this every few thousand bytecode operations (and, poked by
   the watchdog below, at least once a tick while a turn goes on). Besides
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

    if (iso->out_of_memory)
        coro_isolate_end_out_of_memory(iso);
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

/* The watchdog. QuickJS counts down 10,000 interrupt points (calls, loop
   back edges) between calls of the handler, and a loop over a slow native
   call (a 20 ms indexOf on a big string) takes minutes to get there. So
   while more than one isolate lives, a thread looks every WATCH_TICK_MS: if
   no switch happened since its last look, one turn has gone on for a tick,
   and it makes the context that runs call the handler at its next
   interrupt point. A slice so ends within about two ticks of its time,
   whatever the JS does; only a single native call longer than that runs to
   its end. The context is published on every switch in, and taken back
   under the lock before it is freed, so the thread never touches a freed
   one. */
#define WATCH_TICK_MS 2
#define WATCH_QUIET_TICKS 50 /* ticks with fewer than two isolates before it sleeps */

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int started, stop;
    int active;           /* two or more isolates live (atomic) */
    int asleep;           /* the thread waits for `active` (atomic) */
    JSContext *running;   /* the context of the fiber switched in last */
} watch = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* One tick: if no switch happened since the last, poke the running context. */
static void watch_tick(uint64_t *seen)
{
    uint64_t now = coro_sched_switches();
    JSContext *ctx = __atomic_load_n(&watch.running, __ATOMIC_RELAXED);

    if (now == *seen && ctx)
        coro_qjs_interrupt_soon(ctx);
    *seen = now;
}

/* With fewer than two isolates for a while, the thread sleeps until
   coro__run_watch(1) wakes it; isolates that come and go quickly (a child
   per request) cost no system call. */
static void watch_sleep(void)
{
    __atomic_store_n(&watch.asleep, 1, __ATOMIC_SEQ_CST);
    while (!watch.stop && !__atomic_load_n(&watch.active, __ATOMIC_SEQ_CST))
        pthread_cond_wait(&watch.cond, &watch.lock);
    __atomic_store_n(&watch.asleep, 0, __ATOMIC_SEQ_CST);
}

static void *watch_main(void *arg)
{
    uint64_t seen = 0;
    unsigned quiet = 0;
    struct timespec deadline;

    pthread_mutex_lock(&watch.lock);
    while (!watch.stop) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_nsec += WATCH_TICK_MS * 1000000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&watch.cond, &watch.lock, &deadline);
        if (__atomic_load_n(&watch.active, __ATOMIC_SEQ_CST)) {
            quiet = 0;
            watch_tick(&seen);
        } else if (++quiet >= WATCH_QUIET_TICKS) {
            watch_sleep();
            quiet = 0;
        }
    }
    pthread_mutex_unlock(&watch.lock);
    return NULL;
}

static int watch_start(void)
{
    pthread_condattr_t ca;
    pthread_attr_t ta;
    int r;

    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&watch.cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_attr_init(&ta);
    pthread_attr_setstacksize(&ta, 64 * 1024);
    r = pthread_create(&watch.thread, &ta, watch_main, NULL);
    pthread_attr_destroy(&ta);
    if (r != 0) {
        pthread_cond_destroy(&watch.cond);
        return -1;
    }
    watch.started = 1;
    return 0;
}

void coro__run_watch(int on)
{
    if (on && !watch.started && watch_start() < 0)
        return; /* no thread: slices are enforced at QuickJS's own pace */
    __atomic_store_n(&watch.active, on, __ATOMIC_SEQ_CST);
    if (on && __atomic_load_n(&watch.asleep, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&watch.lock);
        pthread_cond_signal(&watch.cond);
        pthread_mutex_unlock(&watch.lock);
    }
}

void coro__run_watch_stop(void)
{
    if (!watch.started)
        return;
    pthread_mutex_lock(&watch.lock);
    watch.stop = 1;
    pthread_cond_signal(&watch.cond);
    pthread_mutex_unlock(&watch.lock);
    pthread_join(watch.thread, NULL);
    pthread_cond_destroy(&watch.cond);
    watch.started = watch.stop = watch.active = watch.asleep = 0;
}

/* iso is about to be freed: the watchdog must not poke it after this. */
static void watch_forget(coro_isolate *iso)
{
    pthread_mutex_lock(&watch.lock);
    if (watch.running == iso->ctx)
        __atomic_store_n(&watch.running, NULL, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&watch.lock);
}

void coro__run_entered(coro_isolate *iso)
{
    __atomic_store_n(&watch.running, iso->ctx, __ATOMIC_RELAXED);
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
            eval = coro_module_eval_main(ctx, a->code, iso, &iso->main_ns);
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
    if (JS_IsException(eval)) {
        coro_report_uncaught(ctx, JS_GetException(ctx), "Uncaught");
        if (!iso->terminating) { /* a process.on('uncaughtException') listener took it */
            iso->main_done = 1;
            coro_waitq_wake_all(&iso->main_waiters, 0);
        }
    }
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
    f = coro_isolate_new_deep_fiber(iso, main_fiber_fn, a);
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

