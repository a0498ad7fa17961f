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
#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
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
    { "isolate", coro_prim_isolate_init },
    { "readline", coro_prim_readline_init },
    { "net", coro_prim_net_init },
    { "dns", coro_prim_dns_init },
    { "dgram", coro_prim_dgram_init },
    { "tls", coro_prim_tls_init },
    { "http", coro_prim_http_init },
    { "wasm", coro_prim_wasm_init },
};

static uint16_t next_isolate_tag = 1; /* process-wide, so IDs differ between isolates */
static uint64_t next_isolate_uid = 1;
static struct {
    coro_isolate *first, *last; /* every live isolate, oldest first */
    unsigned count;
    coro_isolate *reap;         /* ended isolates to free on main */
    int reaping;
    uv_idle_t reaper;           /* active while `reap` is not empty */
    int reaper_ready;
} isolates;

static void fiber_left(coro_fiber *f);
static void job_check_cb(uv_check_t *h);
static void sched_drained(void);
static void unqueue_check(coro_isolate *iso);
static void track_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                            JS_BOOL is_handled, void *opaque);
static int interrupt_cb(JSRuntime *rt, void *opaque);
static void queue_reap(coro_isolate *iso);
static void reap_isolates(void);

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

static char **dup_strv(int n, char *const *v)
{
    char **out;
    int i;

    if (n < 0)
        for (n = 0; v[n]; n++)
            ;
    out = calloc((size_t)n + 1, sizeof *out);
    for (i = 0; out && i < n; i++) {
        if (!(out[i] = strdup(v[i]))) {
            while (i--)
                free(out[i]);
            free(out);
            return NULL;
        }
    }
    return out;
}

static void free_strv(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

coro_port *coro_port_ref(coro_port *p)
{
    p->refs++;
    return p;
}

void coro_port_unref(coro_port *p)
{
    if (p && --p->refs == 0) {
        coro_waitq_close(&p->joiners, 0);
        coro_isolate_free_error(p->error);
        free(p);
    }
}

/* A store tag no live isolate uses (tags wrap after 65,535 isolates). */
static uint16_t new_tag(void)
{
    for (;;) {
        uint16_t tag = next_isolate_tag++;
        coro_isolate *o;
        if (next_isolate_tag == 0)
            next_isolate_tag = 1;
        for (o = isolates.first; o && o->handles.tag != tag; o = o->all_next)
            ;
        if (!o)
            return tag;
    }
}

static void link_isolate(coro_isolate *iso)
{
    iso->all_prev = isolates.last;
    iso->all_next = NULL;
    if (isolates.last)
        isolates.last->all_next = iso;
    else
        isolates.first = iso;
    isolates.last = iso;
    isolates.count++;
}

static void unlink_isolate(coro_isolate *iso)
{
    if (iso->all_prev)
        iso->all_prev->all_next = iso->all_next;
    else
        isolates.first = iso->all_next;
    if (iso->all_next)
        iso->all_next->all_prev = iso->all_prev;
    else
        isolates.last = iso->all_prev;
    isolates.count--;
}

coro_isolate *coro_isolates_first(void)
{
    return isolates.first;
}

unsigned coro_isolates_count(void)
{
    return isolates.count;
}

coro_isolate *coro_isolate_by_uid(uint64_t uid)
{
    for (coro_isolate *iso = isolates.first; iso; iso = iso->all_next) {
        if (iso->port->uid == uid)
            return iso;
    }
    return NULL;
}

/* Copy what the options point to; 0, or -1 with errno set. */
static int copy_options(coro_isolate *iso, const coro_isolate_options *opt)
{
    char real[PATH_MAX];
    struct stat st;

    iso->argc = opt->argc;
    if (!(iso->argv = dup_strv(opt->argc, opt->argv)))
        return -1;
    if (opt->env && !(iso->env = dup_strv(-1, opt->env)))
        return -1;
    if (opt->name && !(iso->name = strdup(opt->name)))
        return -1;
    if (opt->fs_root) {
        if (!realpath(opt->fs_root, real) || stat(real, &st) < 0)
            return -1;
        if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            return -1;
        }
        if (!(iso->fs_root = strdup(real)))
            return -1;
    }
    return 0;
}

coro_isolate *coro_isolate_new(const coro_isolate_options *opt)
{
    coro_isolate *iso = calloc(1, sizeof *iso);
    int err;

    if (!iso)
        return NULL;
    iso->port = calloc(1, sizeof *iso->port);
    if (!iso->port || copy_options(iso, opt) < 0)
        goto fail_rt;
    iso->rt = JS_NewRuntime();
    if (!iso->rt)
        goto fail_rt;
    iso->ctx = JS_NewContext(iso->rt);
    if (!iso->ctx)
        goto fail_ctx;
    iso->port->iso = iso;
    iso->port->refs = 1; /* the isolate's own, dropped when it is freed */
    iso->port->uid = next_isolate_uid++;
    iso->parent = opt->parent ? coro_port_ref(opt->parent->port) : NULL;
    iso->cpu_slice_ns = (opt->cpu_slice_ms ? opt->cpu_slice_ms : CORO_DEFAULT_CPU_SLICE_MS) * 1000000;
    iso->main_ns = JS_UNDEFINED;
    JS_SetRuntimeOpaque(iso->rt, iso);
    JS_SetContextOpaque(iso->ctx, iso);
    if (opt->memory_limit)
        JS_SetMemoryLimit(iso->rt, opt->memory_limit);
    JS_SetHostPromiseRejectionTracker(iso->rt, track_rejection, iso);
    JS_SetInterruptHandler(iso->rt, interrupt_cb, iso);
    coro_modules_init(iso->rt, &iso->expose_internals);
    iso->expose_internals = opt->expose_internals;
    iso->caps = opt->caps;
    coro_handles_init(&iso->handles, new_tag());
    iso->report = JS_UNDEFINED;
    iso->fiber_wrap = JS_UNDEFINED;
    link_isolate(iso);
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
        iso->terminating = 1;
        iso->exit_code = 1;
        queue_reap(iso);
        errno = ENOMEM;
        return NULL;
    }
    return iso;

fail_ctx:
    JS_FreeRuntime(iso->rt);
fail_rt:
    err = errno;
    free(iso->port);
    free_strv(iso->argv);
    free_strv(iso->env);
    free(iso->name);
    free(iso->fs_root);
    free(iso);
    errno = err ? err : ENOMEM;
    return NULL;
}

static void free_isolate_memory(uv_handle_t *h)
{
    free(h->data);
}

/* Free an isolate whose fibers have all ended, and tell who waits for it. */
static void isolate_free(coro_isolate *iso)
{
    coro_port *port = iso->port;
    coro_rejection *r;

    unqueue_check(iso);
    coro_handles_close_all(&iso->handles);
    coro_isolate_forget(iso);
    while ((r = iso->rejections)) {
        iso->rejections = r->next;
        JS_FreeValue(iso->ctx, r->promise);
        JS_FreeValue(iso->ctx, r->reason);
        free(r);
    }
    JS_FreeValue(iso->ctx, iso->report);
    JS_FreeValue(iso->ctx, iso->fiber_wrap);
    JS_FreeValue(iso->ctx, iso->main_ns);
    JS_FreeContext(iso->ctx);
    JS_FreeRuntime(iso->rt);
    coro_handles_free(&iso->handles);
    unlink_isolate(iso);
    coro_port_unref(iso->parent);
    free_strv(iso->argv);
    free_strv(iso->env);
    free(iso->name);
    free(iso->fs_root);
    uv_close((uv_handle_t *)&iso->job_check, free_isolate_memory);
    port->iso = NULL;
    port->ended = 1;
    port->code = iso->exit_code;
    coro_waitq_wake_all(&port->joiners, 0); /* may run fibers of other isolates */
    coro_port_unref(port);
}

static void reaper_cb(uv_idle_t *h)
{
    reap_isolates();
}

/* Free iso at the loop's top level, where no code on main holds its values
   any more (a timer callback that started the fiber that ended it, say). */
static void queue_reap(coro_isolate *iso)
{
    coro_isolate **p;

    if (!isolates.reaper_ready) {
        uv_idle_init(coro_loop(), &isolates.reaper);
        isolates.reaper_ready = 1;
    }
    uv_idle_start(&isolates.reaper, reaper_cb);
    if (iso->reap_queued)
        return;
    iso->reap_queued = 1;
    iso->reap_next = NULL;
    for (p = &isolates.reap; *p; p = &(*p)->reap_next)
        ;
    *p = iso;
}

/* On main: free the isolates that have ended. Freeing one may wake fibers
   that end others; the loop takes those too. */
static void reap_isolates(void)
{
    coro_isolate *iso;

    if (isolates.reaping || coro_fiber_current())
        return;
    isolates.reaping = 1;
    while ((iso = isolates.reap)) {
        isolates.reap = iso->reap_next;
        isolate_free(iso);
    }
    isolates.reaping = 0;
    uv_idle_stop(&isolates.reaper);
}

void coro_isolates_shutdown(void)
{
    if (isolates.reaper_ready)
        uv_close((uv_handle_t *)&isolates.reaper, NULL);
    isolates.reaper_ready = 0;
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
        f->group = &iso->group;
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
    JSContext *ctx = f->iso->ctx;
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

static void fiber_left(coro_fiber *f)
{
    coro_isolate *iso = f->iso;

    if (!iso)
        return;
    if (f->state == CORO_FIBER_DONE) {
        if (f->js)
            coro_fiber_record_ended(f);
        unlink_fiber(iso, f);
        if (iso->terminating && iso->nfibers == 0)
            queue_reap(iso);
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
    char label[256];

    if (iso->terminating || coro_qjs_is_uncatchable(ctx, exc)) {
        JS_FreeValue(ctx, exc);
        return;
    }
    /* an isolate that ran out of memory still gets to report why: it ends
       anyway, so its limit no longer matters */
    JS_SetMemoryLimit(iso->rt, (size_t)-1);
    coro_isolate_record_error(iso, exc); /* for the parent's join() */
    if (iso->parent || iso->name) { /* one of several apps: say which */
        snprintf(label, sizeof label, "[%llu %s] %s", (unsigned long long)iso->port->uid,
                 iso->name ? iso->name : "?", kind);
        kind = label;
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
    if (!f || f->iso != iso || isolates.count < 2)
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

void coro_isolate_terminate(coro_isolate *iso, int code)
{
    coro_fiber *f, *next;

    if (iso->terminating)
        return;
    iso->terminating = 1;
    iso->exit_code = code;
    coro_handles_close_all(&iso->handles);
    coro_waitq_close(&iso->main_waiters, CORO_ETERMINATED);
    for (f = iso->fibers; f; f = next) {
        next = f->iso_next;
        if (f->state == CORO_FIBER_PARKED && !(f->park_flags & CORO_PARK_NOINTERRUPT))
            coro_fiber_wake(f, CORO_ETERMINATED);
    }
    if (iso->nfibers == 0)
        queue_reap(iso);
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

/* An isolate with nothing left to do ends; one whose main module never
   finished waited for something that can no longer happen (status 13). */
static void end_idle(coro_isolate *iso)
{
    if (!iso->main_done) {
        fprintf(stderr, "Warning: %s%s%sthe main module never finished: it waits for something "
                        "that nothing is left to do\n", iso->parent ? "[" : "",
                iso->parent ? iso->name : "", iso->parent ? "] " : "");
        coro_isolate_terminate(iso, 13);
    } else {
        coro_isolate_terminate(iso, iso->exit_code);
    }
}

int coro_isolates_loop_ended(void)
{
    coro_isolate *iso, *next;
    int work = 0;

    reap_isolates();
    for (iso = isolates.first; iso; iso = iso->all_next) {
        if (iso->terminating)
            continue;
        JS_RunGC(iso->rt); /* lets FinalizationRegistry see cyclic garbage */
        if (JS_IsJobPending(iso->rt) || iso->rejections) {
            start_runner(iso);
            work = 1;
        }
    }
    if (work)
        return 1;
    /* children someone waits for in join(), or whose parent is gone */
    for (iso = isolates.first; iso; iso = next) {
        next = iso->all_next;
        if (!iso->terminating && iso->parent &&
            (!coro_waitq_empty(&iso->port->joiners) || !iso->parent->iso)) {
            end_idle(iso);
            work = 1;
            next = isolates.first; /* ending one may have freed others */
        }
    }
    if (work)
        return 1;
    for (iso = isolates.first; iso; iso = next) {
        next = iso->all_next;
        if (!iso->terminating) {
            end_idle(iso);
            next = isolates.first;
        }
    }
    reap_isolates();
    return isolates.first != NULL;
}