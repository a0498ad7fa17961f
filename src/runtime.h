/*
 * runtime.h: the isolate, which holds all of one application's state (QuickJS
 * runtime and context, HandleStore, fibers, job runner), and the glue that
 * runs its JS on fibers.
 *
 * Nothing JS-visible lives in a C static: one process may host many
 * isolates on the one loop.
 */
#ifndef COROJS_RUNTIME_H
#define COROJS_RUNTIME_H

#include <uv.h>
#include "quickjs.h"
#include "fiber.h"
#include "handle.h"

/* An error nobody has handled yet: a rejected promise without a handler, or
   the exception of a fiber that ended with nobody joining it. Both are
   checked once the ready fibers have run; still unhandled, they are uncaught. */
typedef struct coro_rejection {
    struct coro_rejection *next;
    JSValue promise;    /* JS_UNDEFINED for a fiber's exception */
    uint64_t fiber_id;  /* the fiber's record, 0 for a promise */
    JSValue reason;
} coro_rejection;

/* A queue of fibers waiting for something (a fiber to end, a socket to be
   readable, their turn to write). Each waiter lives on its fiber's stack and
   unlinks itself however it is woken. The owner of a queue that goes away
   first calls coro_waitq_close, so no waiter touches it afterwards. */
typedef struct coro_waiter {
    struct coro_waiter *next, *prev;
    coro_fiber *fiber;
    struct coro_waitq *q; /* NULL once the queue is closed */
} coro_waiter;

typedef struct coro_waitq {
    coro_waiter *head, *tail;
} coro_waitq;

/* Capabilities: what an isolate may reach outside itself. The process's first
   isolate has them all; an isolate started by another has only those granted. */
#define CORO_CAP_NET 1  /* listen and connect */
#define CORO_CAP_FS 2   /* files, below fs_root if one is set */
#define CORO_CAP_ALL (CORO_CAP_NET | CORO_CAP_FS)

typedef struct coro_isolate_options {
    int argc;              /* process.argv (copied) */
    char **argv;
    size_t memory_limit;   /* bytes, 0 = none */
    int expose_internals;  /* user code may import corojs:internal/ (tests) */
    int expose_gc;         /* a global gc() runs the cycle collector (tests) */
    int caps;              /* CORO_CAP_* */
    const char *fs_root;   /* with CORO_CAP_FS: the directory fs is jailed to
                              (NULL = anywhere); copied, resolved to a real path */
    uint64_t cpu_slice_ms; /* longest turn of its JS while others wait; 0 = default */
    char **env;            /* process.env, NULL-terminated "NAME=value" strings
                              (copied); NULL = the process's environment */
    struct coro_isolate *parent; /* the isolate starting it, NULL for a root */
    const char *name;      /* what ps shows: the main module's path (copied) */
} coro_isolate_options;

#define CORO_DEFAULT_CPU_SLICE_MS 10

/* A counted reference to an isolate that outlives it: Isolate objects,
   Isolate.parent and function proxies reach an isolate through one, and so
   never hold a dangling pointer. `iso` is NULL once the isolate is freed;
   the exit status stays for join(). */
typedef struct coro_port {
    struct coro_isolate *iso;
    unsigned refs;
    uint64_t uid;          /* process-wide number, never reused (ps, kill) */
    int ended;             /* freed: code and error are final */
    int code;
    void *error;           /* its uncaught error as a message (isolate.c), or NULL */
    coro_waitq joiners;    /* fibers in join() */
} coro_port;

coro_port *coro_port_ref(coro_port *p);
void coro_port_unref(coro_port *p);

typedef struct coro_isolate {
    JSRuntime *rt;
    JSContext *ctx;
    coro_handle_store handles;
    coro_fiber *fibers;         /* every live fiber of this isolate */
    unsigned nfibers;
    coro_fiber *drainer;        /* the job runner draining the queue now */
    coro_fiber *idle_runner;    /* a job runner parked until jobs come */
    uv_check_t job_check;       /* runs jobs queued outside any fiber */
    coro_rejection *rejections; /* errors nobody handles yet (see above) */
    struct coro_isolate *check_next; /* in the list of isolates to check */
    int check_queued;
    JSValue report;             /* lib: prints an uncaught error */
    JSValue fiber_wrap;         /* lib: makes a Fiber object for a record ID */
    int exit_code;
    int terminating;            /* unwinding its fibers, no more JS */
    int main_done;              /* the main module finished evaluating */
    int argc;
    char **argv;
    int expose_internals;
    int caps;                   /* CORO_CAP_* granted */
    char *fs_root;              /* fs jail (real path), NULL = none */
    char **env;                 /* process.env, NULL = the process's */
    char *name;                 /* the main module's path, for ps */
    coro_sched_group group;     /* its fibers take turns as one (preemption) */
    uint64_t cpu_slice_ns;
    uint64_t slice_start;       /* when the running fiber's turn began */
    uint64_t slice_switches;    /* coro_sched_switches() then */
    coro_port *port;            /* how others reach it */
    coro_port *parent;          /* who started it; NULL for a root */
    struct coro_isolate *all_prev, *all_next; /* every isolate of the process */
    struct coro_isolate *reap_next;           /* ended, to be freed on main */
    int reap_queued;
    JSValue main_ns;            /* the main module's namespace (calls) */
    coro_waitq main_waiters;    /* calls waiting for the main module to finish */
    void *rpc;                  /* prim/isolate.c's state of this isolate */
    void *wasm;                 /* prim/wasm.c's state of this isolate */
} coro_isolate;

/* Whether iso holds capability `cap`; if not, throws Error with code
   ERR_ACCESS_DENIED naming `what` and returns 0. */
int coro_isolate_allow(JSContext *ctx, int cap, const char *what);

coro_isolate *coro_isolate_new(const coro_isolate_options *opt);

/* Start the main fiber: bootstrap the standard library, then evaluate the
   module at `path`, or `code` when path is NULL. */
int coro_isolate_start(coro_isolate *iso, const char *path, const char *code);

/* For code that runs long outside QuickJS (wasm): the check QuickJS makes
   every few thousand operations; it may preempt the fiber. Nonzero when
   the isolate is ending and the code must stop. */
int coro_isolate_poll(coro_isolate *iso);

/* End the isolate with `code`: no JS runs any more, parked fibers unwind,
   handles close. Returns at once; the loop finishes the work, and the
   isolate is freed on main once its last fiber has ended. */
void coro_isolate_terminate(coro_isolate *iso, int code);

/* After the loop ran dry: let every isolate run what GC and pending jobs give
   it; if none has work, end the children someone is joining, and if there
   are none, end the roots (which ends their children). Returns 1 while
   isolates are left, so the loop must run again. */
int coro_isolates_loop_ended(void);

/* At the very end, before coro_sched_shutdown: close what isolates shared. */
void coro_isolates_shutdown(void);

/* Run iso's pending jobs once the ready fibers have run: after code outside
   its fibers (another isolate) freed values of it. */
void coro_isolate_check_jobs(coro_isolate *iso);

/* The live isolates of the process, oldest first; and how many there are. */
coro_isolate *coro_isolates_first(void);
unsigned coro_isolates_count(void);

/* The live isolate with this uid, or NULL. */
coro_isolate *coro_isolate_by_uid(uint64_t uid);

static inline coro_isolate *coro_isolate_of(JSContext *ctx)
{
    return JS_GetContextOpaque(ctx);
}

/* A fiber of iso, not started; NULL with errno set on failure. */
coro_fiber *coro_isolate_new_fiber(coro_isolate *iso, coro_fiber_fn *fn, void *arg);

/* Drop a fiber of iso that was never started. */
void coro_isolate_discard_fiber(coro_isolate *iso, coro_fiber *f);

/* The same from JS: NULL with an exception pending on failure. */
coro_fiber *coro_isolate_fiber(JSContext *ctx, coro_fiber_fn *fn, void *arg);

/* One libuv request a fiber waits for. Its callback calls coro_op_done. The
   request usually lives on the waiting fiber's stack, so the fiber must not
   return before the callback has run, even while its isolate ends. */
typedef struct coro_op {
    coro_fiber *fiber;
    int status;
    int done;
} coro_op;

static inline void coro_op_init(coro_op *op)
{
    op->fiber = coro_fiber_current();
    op->status = 0;
    op->done = 0;
}

/* From the request's callback: record status and wake the fiber. */
void coro_op_done(coro_op *op, int status);

/* Park until the callback has run; nothing else ends the wait. */
void coro_op_finish(coro_op *op);

/* coro_op_finish, then: the request's status, or CORO_ETERMINATED with an
   exception pending if the isolate ended meanwhile. */
int coro_op_wait(JSContext *ctx, coro_op *op);

/* coro_wait with a deadline: UV_ETIMEDOUT if nothing woke the fiber within
   ms milliseconds (0 = no deadline). */
int coro_wait_timeout(JSContext *ctx, uint64_t ms, int flags);

/* Park the running fiber in q until woken. Returns the wake status, or
   CORO_ETERMINATED with an exception pending (see coro_wait). */
int coro_waitq_wait(JSContext *ctx, coro_waitq *q);

/* Wake the first waiter still parked, or all of them, with `status`. */
void coro_waitq_wake_one(coro_waitq *q, int status);
void coro_waitq_wake_all(coro_waitq *q, int status);

/* Wake all with `status` and forget them: the queue's memory may go. */
void coro_waitq_close(coro_waitq *q, int status);

/* A turn that fibers take one at a time, in the order they ask (the right
   to read a socket, or to write it): *taken says it is held, q holds the
   fibers waiting for it, *closed that the owner is gone. Returns 0 with the
   turn taken, UV_EBADF once *closed is set, or CORO_ETERMINATED with an
   exception pending. The owner closing wakes q (coro_waitq_wake_all). */
int coro_turn_take(JSContext *ctx, int *taken, coro_waitq *q, const int *closed);
void coro_turn_give(int *taken, coro_waitq *q);

static inline int coro_waitq_empty(const coro_waitq *q)
{
    return q->head == NULL;
}

/* fn(...args), with args an array or undefined. */
JSValue coro_call_array(JSContext *ctx, JSValueConst fn, JSValueConst this_val,
                        JSValueConst args);

/* Call fn(...args) in a new fiber now; an exception it throws is uncaught.
   Returns 0 or a negative errno. May be called from main. */
int coro_spawn_call(coro_isolate *iso, JSValueConst fn, JSValueConst this_val,
                    JSValueConst args);

/* Park the running fiber (see coro_fiber_park). Returns the wake status, or
   CORO_ETERMINATED with an uncatchable exception pending when the isolate is
   being torn down: the caller cleans up and returns JS_EXCEPTION. */
int coro_wait(JSContext *ctx, int flags);

/* The fiber with record `fiber_id` ended with `exc` (taken) and nobody is
   joining it: unless someone joins it before the ready fibers have run, it is
   an uncaught exception, as Node treats an unhandled rejection. */
void coro_isolate_add_unjoined(coro_isolate *iso, uint64_t fiber_id, JSValue exc);

/* prim/fiber.c: whether the fiber of that record has been joined (or is gone). */
int coro_fiber_was_joined(coro_isolate *iso, uint64_t fiber_id);

/* Print an uncaught exception (taking ownership of exc) and end the isolate
   with status 1. Nothing is printed for the error that unwinds a fiber of an
   isolate being torn down. */
void coro_report_uncaught(JSContext *ctx, JSValue exc, const char *kind);

/* Write all of buf to fd, retrying on EINTR and partial writes. */
int coro_write_all(int fd, const void *buf, size_t len);

#endif
