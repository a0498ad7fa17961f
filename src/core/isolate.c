/*
 * isolate.c: creating, ending and freeing isolates (see isolate.h), and the
 * fibers each one owns.
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

#include "binding.h"
#include "jail.h"
#include "modules.h"
#include "quickjs_ext.h"
#include "run.h"
#include "stack.h"

static uint16_t next_isolate_tag = 1; /* process-wide, so IDs differ between isolates */
static uint64_t next_isolate_uid = 1;
static struct {
    coro_isolate *first, *last; /* every live isolate, oldest first */
    unsigned count;
    coro_isolate *reap;         /* ended isolates to free on main */
    int reaping;
    uv_idle_t reaper;           /* active while `reap` or `enders` is not empty */
    int reaper_ready;
    coro_waitq enders;          /* fibers in coro_isolate_end: woken after reaping */
    unsigned joining;           /* fibers in coro_port_join */
    int exiting;                /* the loop ended with nothing left to do */
} isolates;

static void fiber_left(coro_fiber *f);
static void drained(void);
static void fiber_enter_js(coro_fiber *f);
static void fiber_leave_js(coro_fiber *f);
static void queue_reap(coro_isolate *iso);
static void reap_isolates(void);

const char *coro_cap_name(int cap)
{
    return cap & CORO_CAP_NET ? "net" : cap & CORO_CAP_FS ? "fs" : "syscall";
}

int coro_isolate_allow(JSContext *ctx, int cap, const char *what)
{
    if (coro_isolate_of(ctx)->caps & cap)
        return 1;
    coro_throw_code(ctx, "ERR_ACCESS_DENIED", "%s is not allowed: this isolate was not granted %s%s",
                    what, coro_cap_name(cap), cap == CORO_CAP_SYSCALL ? " (--allow-syscall)" : "");
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

static int init_primordials(JSContext *ctx, const coro_area *areas, int expose_gc)
{
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue P = JS_NewObject(ctx);
    int ret = coro_stack_init(ctx);

    for (const coro_area *a = areas; a && a->name && ret == 0; a++) {
        JSValue ns = JS_NewObject(ctx);
        ret = a->init(ctx, ns);
        JS_SetPropertyStr(ctx, P, a->name, ns);
    }
    if (ret == 0)
        JS_SetPropertyStr(ctx, global, "__primordials", JS_DupValue(ctx, P));
    if (expose_gc)
        JS_SetPropertyStr(ctx, global, "gc", JS_NewCFunction(ctx, js_gc, "gc", 0));
    JS_FreeValue(ctx, P);
    JS_FreeValue(ctx, global);
    return ret;
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
        if (p->error)
            p->free_error(p->error);
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
    if (++isolates.count == 2)
        coro__run_watch(1);
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
    if (--isolates.count == 1)
        coro__run_watch(0);
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
    iso->argc = opt->argc;
    if (!(iso->argv = coro_strv_dup(opt->argc, opt->argv)))
        return -1;
    if (opt->env && !(iso->env = coro_strv_dup(-1, opt->env)))
        return -1;
    if (opt->name && !(iso->name = strdup(opt->name)))
        return -1;
    if (opt->fs_root && !(iso->jail = coro_jail_new(opt->fs_root)))
        return -1;
    return 0;
}

/* What an isolate is given, or the default, but never more than `most`. */
static size_t capped(size_t given, size_t dflt, size_t most)
{
    size_t v = given ? given : dflt;

    return v < most ? v : most;
}

/* An allocation of iso passed a limit (its own or one above it). A child
   then ends (run.c) at the next safe point: its heap may hold half-built
   state. A root's out-of-memory error stays a catchable error. */
static void budget_refused(coro_budget *b)
{
    coro_isolate *iso = b->owner;

    if (!iso->parent || iso->terminating || iso->out_of_memory)
        return;
    iso->out_of_memory = 1;
    /* it is done for: what it allocates until it ends (a stretch of code
       without an interrupt point) no longer fails, or every error it threw
       meanwhile would fail to be made too */
    JS_SetMemoryLimit(iso->rt, (size_t)-1);
    coro_qjs_interrupt_soon(iso->ctx);
}

/* iso's budget, under its parent's, with the limits it is given capped by
   the parent's (limits nest; see isolate.h). */
static int new_budget(coro_isolate *iso, const coro_isolate_options *opt)
{
    coro_budget *up = opt->parent ? opt->parent->budget : NULL;
    size_t fibers = capped(opt->max_fibers, up ? CORO_DEFAULT_MAX_FIBERS : CORO_UNLIMITED,
                           up ? up->max_fibers : CORO_UNLIMITED);
    size_t isolates = capped(opt->max_isolates, up ? CORO_DEFAULT_MAX_ISOLATES : CORO_UNLIMITED,
                             up ? up->max_isolates : CORO_UNLIMITED);
    size_t bytes = capped(opt->memory_limit, CORO_UNLIMITED, up ? up->max_bytes : CORO_UNLIMITED);

    if (up && !coro__budget_fits(up, CORO_ISOLATE_BYTES)) {
        errno = ENOMEM; /* no room left for even an empty isolate */
        return -1;
    }
    iso->budget = coro__budget_new(up, bytes, fibers, isolates);
    if (!iso->budget)
        return -1;
    iso->budget->owner = iso;
    iso->budget->refused = budget_refused;
    return 0;
}

/* Its slice, capped by its parent's unless the parent is a root: the
   program may give any slice; below it, a slice bounds those it starts. */
static uint64_t slice_ns(const coro_isolate_options *opt)
{
    coro_isolate *parent = opt->parent;
    uint64_t ms = opt->cpu_slice_ms ? opt->cpu_slice_ms : CORO_DEFAULT_CPU_SLICE_MS;

    if (parent && parent->parent && ms * 1000000 > parent->cpu_slice_ns)
        return parent->cpu_slice_ns;
    return ms * 1000000;
}

coro_isolate *coro_isolate_new(const coro_isolate_options *opt)
{
    coro_isolate *iso = calloc(1, sizeof *iso);
    int err;

    if (!iso)
        return NULL;
    iso->port = calloc(1, sizeof *iso->port);
    if (!iso->port || copy_options(iso, opt) < 0 || new_budget(iso, opt) < 0)
        goto fail_rt;
    iso->rt = coro_qjs_new_runtime(iso->budget);
    if (!iso->rt)
        goto fail_rt;
    iso->ctx = JS_NewContext(iso->rt);
    if (!iso->ctx)
        goto fail_ctx;
    iso->port->iso = iso;
    iso->port->refs = 1; /* the isolate's own, dropped when it is freed */
    iso->port->uid = next_isolate_uid++;
    iso->parent = opt->parent ? coro_port_ref(opt->parent->port) : NULL;
    iso->cpu_slice_ns = slice_ns(opt);
    iso->main_ns = JS_UNDEFINED;
    JS_SetRuntimeOpaque(iso->rt, iso);
    JS_SetContextOpaque(iso->ctx, iso);
    if (iso->budget->max_bytes != CORO_UNLIMITED)
        JS_SetMemoryLimit(iso->rt, iso->budget->max_bytes);
    else
        JS_SetGCThreshold(iso->rt, CORO_FIRST_GC_BYTES);
    coro_modules_init(iso->rt, &iso->expose_internals);
    iso->expose_internals = opt->expose_internals;
    iso->print_eval = opt->print_eval;
    iso->input_type = opt->input_type;
    iso->one_of_many = opt->one_of_many;
    iso->caps = opt->caps;
    coro_handles_init(&iso->handles, new_tag());
    iso->report = JS_UNDEFINED;
    iso->exit_hook = JS_UNDEFINED;
    iso->stack_override = JS_UNDEFINED;
    iso->areas = opt->areas;
    link_isolate(iso);
    coro_sched_set_switch_hooks(fiber_enter_js, fiber_leave_js);
    coro_sched_set_leave_hook(fiber_left);
    coro_sched_set_drained_hook(drained);
    coro__run_attach(iso);
    if (init_primordials(iso->ctx, iso->areas, opt->expose_gc) < 0) {
        JSValue exc = JS_GetException(iso->ctx);
        const char *msg;

        JS_SetMemoryLimit(iso->rt, (size_t)-1); /* to say why, even at the limit */
        msg = JS_ToCString(iso->ctx, exc);
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
    if (iso->budget)
        coro__budget_end(iso->budget);
    free(iso->port);
    coro_strv_free(iso->argv);
    coro_strv_free(iso->env);
    free(iso->name);
    coro_jail_free(iso->jail);
    free(iso);
    errno = err ? err : ENOMEM;
    return NULL;
}

static void free_isolate_memory(uv_handle_t *h)
{
    free(h->data);
}

/* Whether the heap of the last isolate is freed when the process ends.
   Only the sanitizer build does it: there QuickJS checks that no object
   leaked and LeakSanitizer that no block did. Elsewhere the kernel takes the
   memory back at once, where freeing a heap of a few MB object by object
   takes as long as a small program's whole start-up (the finalizers that
   would run only free memory and close descriptors; FinalizationRegistry
   callbacks never run at this point anyway). */
#ifdef __SANITIZE_ADDRESS__
#define FREE_HEAP_AT_EXIT 1
#else
#define FREE_HEAP_AT_EXIT 0
#endif

static void free_heap(coro_isolate *iso)
{
    if (!FREE_HEAP_AT_EXIT && isolates.exiting && isolates.first == iso && !iso->all_next)
        return;
    JS_FreeContext(iso->ctx);
    JS_FreeRuntime(iso->rt);
}

/* Free an isolate whose fibers have all ended, and tell who waits for it. */
static void isolate_free(coro_isolate *iso)
{
    coro_port *port = iso->port;

    coro__run_detach(iso);
    coro_handles_close_all(&iso->handles);
    for (const coro_area *a = iso->areas; a && a->name; a++) {
        if (a->free)
            a->free(iso);
    }
    JS_FreeValue(iso->ctx, iso->report);
    JS_FreeValue(iso->ctx, iso->exit_hook);
    JS_FreeValue(iso->ctx, iso->stack_override);
    JS_FreeValue(iso->ctx, iso->main_ns);
    free_heap(iso);
    coro__budget_end(iso->budget);
    coro_handles_free(&iso->handles);
    unlink_isolate(iso);
    coro_port_unref(iso->parent);
    coro_strv_free(iso->argv);
    coro_strv_free(iso->env);
    free(iso->name);
    coro_jail_free(iso->jail);
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
    coro_waitq_wake_all(&isolates.enders, 0);
}

static void start_reaper(void)
{
    if (!isolates.reaper_ready) {
        uv_idle_init(coro_loop(), &isolates.reaper);
        isolates.reaper_ready = 1;
    }
    uv_idle_start(&isolates.reaper, reaper_cb);
}

/* Free iso at the loop's top level, where no code on main holds its values
   any more (a timer callback that started the fiber that ended it, say). */
static void queue_reap(coro_isolate *iso)
{
    coro_isolate **p;

    start_reaper();
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
    coro__run_watch_stop();
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
    coro__budget_give_fiber(iso->budget);
    if (f->iso_prev)
        f->iso_prev->iso_next = f->iso_next;
    else
        iso->fibers = f->iso_next;
    if (f->iso_next)
        f->iso_next->iso_prev = f->iso_prev;
    iso->nfibers--;
}

static coro_fiber *new_fiber(coro_isolate *iso, coro_fiber_fn *fn, void *arg, int deep)
{
    coro_fiber *f;
    int err;

    if (coro__budget_take_fiber(iso->budget) < 0)
        return NULL;
    f = deep ? coro_fiber_create_deep(iso, fn, arg) : coro_fiber_create(iso, fn, arg);
    if (!f) {
        err = errno;
        coro__budget_give_fiber(iso->budget);
        errno = err;
        return NULL;
    }
    f->group = &iso->group;
    link_fiber(iso, f);
    return f;
}

coro_fiber *coro_isolate_new_fiber(coro_isolate *iso, coro_fiber_fn *fn, void *arg)
{
    return new_fiber(iso, fn, arg, 0);
}

coro_fiber *coro_isolate_new_deep_fiber(coro_isolate *iso, coro_fiber_fn *fn, void *arg)
{
    return new_fiber(iso, fn, arg, 1);
}

void coro_isolate_discard_fiber(coro_isolate *iso, coro_fiber *f)
{
    unlink_fiber(iso, f);
    coro_fiber_discard(f);
}

/* No stack for a new fiber. Mostly it is the kernel's limit of memory
   mappings (a guarded stack takes two), which nothing in ENOMEM says. */
static void throw_no_stack(JSContext *ctx, int err)
{
    coro_sched_stats st;
    char msg[320];
    JSValue e;

    if (err != ENOMEM) {
        coro_throw_uv(ctx, -err, "mmap", NULL, NULL);
        return;
    }
    coro_sched_get_stats(&st);
    snprintf(msg, sizeof msg, "ENOMEM: not enough memory, mmap: no stack for one more fiber (%u are "
             "alive). Each stack and its guard page take two of the memory mappings the kernel "
             "allows (sysctl vm.max_map_count): raise it, or run with --no-stack-guard", st.live);
    e = coro_new_uv_error(ctx, UV_ENOMEM, "mmap", NULL, NULL);
    JS_SetPropertyStr(ctx, e, "message", JS_NewString(ctx, msg));
    JS_Throw(ctx, e);
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
    if (f)
        return f;
    if (errno == EAGAIN)
        coro_throw_code(ctx, "ERR_FIBER_LIMIT", "too many fibers: this isolate and those it "
                        "started may hold %zu (maxFibers)", iso->budget->max_fibers);
    else if (errno == ENOMEM && !coro__budget_fits(iso->budget, CORO_FIBER_BYTES))
        JS_ThrowOutOfMemory(ctx);
    else
        throw_no_stack(ctx, errno);
    return NULL;
}

/* The switch hooks (DESIGN.md, "Fibers on QuickJS"): the runtime's chain of
   JS frames belongs to whichever fiber runs; and stack bounds that leave
   headroom below JS for C code (QuickJS's own C, libc, OpenSSL) so JS
   overflow throws long before the guard page. A new fiber starts with an
   empty chain (coro_fiber_create clears `saved`). */
static void fiber_enter_js(coro_fiber *f)
{
    coro_isolate *iso = f->owner;
    size_t reserve = f->stack_size / 4;

    if (reserve < 32 * 1024)
        reserve = 32 * 1024;
    if (reserve > 256 * 1024) /* what a 1 MiB stack leaves C: enough on a deep one too */
        reserve = 256 * 1024;
    coro_qjs_set_frame(iso->rt, f->saved);
    coro_qjs_put_async_context(iso->ctx, f->saved_context);
    f->saved_context = NULL;
    coro_qjs_set_stack(iso->rt, (uintptr_t)(f->stack + f->stack_size), f->stack_size - reserve);
    coro__run_entered(iso);
    if (iso->terminating) /* no JS of it runs any more: its first call throws */
        coro_qjs_interrupt_soon(iso->ctx);
}

static void fiber_leave_js(coro_fiber *f)
{
    coro_isolate *iso = f->owner;

    f->saved = coro_qjs_get_frame(iso->rt);
    coro_qjs_set_frame(iso->rt, NULL);
    if (f->state == CORO_FIBER_DONE) { /* its async context ends with it */
        coro_qjs_put_async_context(iso->ctx, NULL);
        JS_ClearKeptObjects(iso->rt); /* and its run of JS: WeakRef targets may go */
    } else { /* the async context (AsyncLocalStorage) is the fiber's own */
        f->saved_context = coro_qjs_take_async_context(iso->ctx);
    }
}

/* Called on main whenever a fiber stops running. */
static void fiber_left(coro_fiber *f)
{
    coro_isolate *iso = f->owner;

    if (!iso)
        return;
    if (f->state == CORO_FIBER_DONE) {
        if (f->on_end)
            f->on_end(f);
        unlink_fiber(iso, f);
        if (iso->terminating && iso->nfibers == 0)
            queue_reap(iso);
    }
    coro__run_fiber_left(iso, f);
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
    /* fibers held back by a preempted one, or by an exclusive section that
       may never end, must run to unwind */
    coro_sched_group_release(&iso->group);
    if (iso->nfibers == 0)
        queue_reap(iso);
}

int coro_isolate_end(JSContext *ctx, coro_isolate *iso, int code)
{
    coro_isolate_terminate(iso, code);
    start_reaper();
    return coro_waitq_wait(ctx, &isolates.enders) == CORO_ETERMINATED ? CORO_ETERMINATED : 0;
}

/* Whether iso has nothing left to do by itself: no fiber runs or is ready,
   each parked one waits for what only iso could do (CORO_PARK_IDLE: a
   promise, another of its fibers), no promise job or unhandled error waits,
   and no handle has an active, referenced libuv handle (a timer). A fiber
   waiting for IO, a timer, the thread pool or another isolate keeps it busy. */
int coro_isolate_idle(coro_isolate *iso)
{
    for (coro_fiber *f = iso->fibers; f; f = f->iso_next) {
        if (f->state != CORO_FIBER_PARKED || !(f->park_flags & CORO_PARK_IDLE))
            return 0;
    }
    return !JS_IsJobPending(iso->rt) && !iso->rejections && !coro_handles_busy(&iso->handles);
}

static void end_idle(coro_isolate *iso);

static int run_exit_hook(coro_isolate *iso);

/* A child someone joins ends once it is idle, whatever else the process
   does (its parent may hold a server, or a timer); first its exit hook runs
   (process 'beforeExit' and 'exit', as a program's when it has nothing left
   to do), which may give it work again. */
static void end_if_idle(coro_isolate *iso)
{
    if (iso && !iso->terminating && iso->parent && coro_isolate_idle(iso) &&
        !(iso->main_done && run_exit_hook(iso)))
        end_idle(iso);
}

int coro_port_join(JSContext *ctx, coro_port *port)
{
    int st;

    end_if_idle(port->iso);
    isolates.joining++;
    st = coro_waitq_wait(ctx, &port->joiners);
    isolates.joining--;
    return st;
}

/* The scheduler's drained hook: the ready fibers have run, so a child being
   joined may have become idle. */
static void drained(void)
{
    coro_isolate *iso, *next;

    coro__run_drained();
    for (iso = isolates.joining ? isolates.first : NULL; iso; iso = next) {
        next = iso->all_next;
        if (!coro_waitq_empty(&iso->port->joiners))
            end_if_idle(iso);
    }
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

/* The isolate's exit hook, once, in a fiber: 1 if it was started (it may
   leave work behind, which runs before the isolate ends). */
static int run_exit_hook(coro_isolate *iso)
{
    JSValue hook = iso->exit_hook;

    if (JS_IsUndefined(hook))
        return 0;
    iso->exit_hook = JS_UNDEFINED;
    coro_spawn_call(iso, hook, JS_UNDEFINED, JS_UNDEFINED);
    JS_FreeValue(iso->ctx, hook);
    return 1;
}

int coro_isolates_loop_ended(void)
{
    coro_isolate *iso, *next;
    int work = 0;

    reap_isolates();
    for (iso = isolates.first; iso; iso = iso->all_next) {
        if (iso->terminating)
            continue;
        /* lets FinalizationRegistry see cyclic garbage; with nothing
           registered the collection would only free memory, which freeing
           the runtime does anyway (and a collection of a heap of a few MB
           costs as much as a small program's whole start-up) */
        if (coro_qjs_has_finalizers(iso->rt))
            JS_RunGC(iso->rt);
        if (coro__run_leftovers(iso))
            work = 1;
    }
    if (work)
        return 1;
    /* children someone waits for in join(), or whose parent is gone */
    for (iso = isolates.first; iso; iso = next) {
        next = iso->all_next;
        if (!iso->terminating && iso->parent &&
            (!coro_waitq_empty(&iso->port->joiners) || !iso->parent->iso)) {
            work = 1;
            if (iso->main_done && run_exit_hook(iso))
                continue; /* its 'exit' listeners first */
            end_idle(iso);
            next = isolates.first; /* ending one may have freed others */
        }
    }
    if (work)
        return 1;
    for (iso = isolates.first; iso; iso = iso->all_next) {
        if (!iso->terminating && iso->main_done && run_exit_hook(iso))
            work = 1;
    }
    if (work)
        return 1;
    isolates.exiting = 1;
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