/*
 * isolate.h: the isolate, which holds all of one application's state (QuickJS
 * runtime and context, HandleStore, fibers, job runner): creating, ending
 * and freeing one, and the ports through which others reach it.
 *
 * Nothing JS-visible lives in a C static: one process may host many
 * isolates on the one loop. The areas of __primordials (src/prim/) are given
 * to an isolate when it is created (coro_isolate_options.areas): the core
 * calls them only through that table.
 */
#ifndef COROJS_ISOLATE_H
#define COROJS_ISOLATE_H

#include <uv.h>
#include "quickjs.h"
#include "fiber.h"
#include "budget.h"
#include "handle.h"
#include "wait.h"

struct coro_rejection;  /* an error nobody handled yet (run.c) */
typedef struct coro_isolate coro_isolate;

/* A native area of __primordials: init fills the area's namespace object
   (__primordials.<name>) in a new isolate; free, if set, drops what the area
   keeps for an isolate that is being freed (before its JS context goes).
   An area keeps per-isolate state in coro_isolate.area_data[slot]. */
typedef struct coro_area {
    const char *name;
    int (*init)(JSContext *ctx, JSValueConst ns);
    void (*free)(coro_isolate *iso);
} coro_area;

#define CORO_AREA_SLOTS 8

/* Capabilities: what an isolate may reach outside itself. The process's first
   isolate has them all; an isolate started by another has only those granted. */
#define CORO_CAP_NET 1  /* listen and connect */
#define CORO_CAP_FS 2   /* files, below fs_root if one is set */
#define CORO_CAP_SYSCALL 4 /* corojs:syscall: raw system calls (never in CORO_CAP_ALL) */
#define CORO_CAP_ALL (CORO_CAP_NET | CORO_CAP_FS)

enum { CORO_INPUT_DETECT, CORO_INPUT_MODULE, CORO_INPUT_COMMONJS };

typedef struct coro_isolate_options {
    int argc;              /* process.argv (copied) */
    char **argv;
    size_t memory_limit;   /* bytes it and its descendants may take, 0 = none */
    int expose_internals;  /* user code may import corojs:internal/ (tests) */
    int expose_gc;         /* a global gc() runs the cycle collector (tests) */
    int print_eval;        /* corojs -p: print the value of the code run */
    int input_type;        /* corojs --input-type of that code: CORO_INPUT_* */
    int caps;              /* CORO_CAP_* */
    const char *fs_root;   /* with CORO_CAP_FS: the directory fs is jailed to
                              (NULL = anywhere); copied, resolved to a real path */
    uint64_t cpu_slice_ms; /* longest turn of its JS while others wait; 0 = default */
    size_t max_fibers;     /* fibers it and its descendants may hold; 0 = default */
    size_t max_isolates;   /* descendants it may hold at once; 0 = default */
    char **env;            /* process.env, NULL-terminated "NAME=value" strings
                              (copied); NULL = the process's environment */
    struct coro_isolate *parent; /* the isolate starting it, NULL for a root */
    const char *name;      /* what ps shows: the main module's path (copied) */
    int one_of_many;       /* a root among others (corojs run, shell): its
                              uncaught errors say [id name] as children's do */
    const coro_area *areas; /* its __primordials, ending with a NULL name */
} coro_isolate_options;

/* Defaults. A root has no limits but those given; what a child is not
   given is capped by these. Whatever an isolate is given, the limits of the
   isolate that starts it (its cpuSlice, memoryLimit, maxFibers, maxIsolates)
   are ceilings, and the memory, fibers and isolates of its descendants count
   against it (budget.h): limits nest. */
#define CORO_DEFAULT_CPU_SLICE_MS 10
#define CORO_DEFAULT_MAX_FIBERS 4096    /* of a child and its descendants */
#define CORO_DEFAULT_MAX_ISOLATES 64    /* descendants of a child */
/* The heap an isolate without a memory limit reaches before its first
   collection (QuickJS's own is 256 KB): loading Node's lib takes a few MB,
   which would otherwise cost five collections of a growing heap, a quarter
   of the start-up of `require('util')` (docs/performance.md). After the
   first, QuickJS collects at 1.5 times the heap that survived. */
#define CORO_FIRST_GC_BYTES (4 << 20)

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
    void *error;           /* its uncaught error as the recorder made it, or NULL */
    void (*free_error)(void *error);
    coro_waitq joiners;    /* fibers in join() */
} coro_port;

coro_port *coro_port_ref(coro_port *p);
void coro_port_unref(coro_port *p);

struct coro_isolate {
    JSRuntime *rt;
    JSContext *ctx;
    coro_handle_store handles;
    coro_fiber *fibers;         /* every live fiber of this isolate */
    unsigned nfibers;
    coro_fiber *drainer;        /* the job runner draining the queue now */
    coro_fiber *idle_runner;    /* a job runner parked until jobs come */
    uv_check_t job_check;       /* runs jobs queued outside any fiber */
    struct js_immediates *immediates; /* setImmediate's queue (prim/timers.c), or NULL */
    struct coro_rejection *rejections; /* errors nobody handles yet (run.c) */
    struct coro_isolate *check_next; /* in the list of isolates to check */
    int check_queued;
    JSValue report;             /* lib: prints an uncaught error */
    JSValue stack_override;     /* lib: Node's overrideStackTrace lookup (stack.c) */
    JSValue exit_hook;          /* lib: runs once when the isolate has nothing left
                                   to do (process 'exit' listeners) */
    int exit_code;
    int terminating;            /* unwinding its fibers, no more JS */
    int main_done;              /* the main module finished evaluating */
    int argc;
    char **argv;
    int expose_internals;
    int print_eval;
    int input_type;
    int caps;                   /* CORO_CAP_* granted */
    struct coro_jail *jail;     /* its fs jail (jail.h), NULL = none */
    int imports_confined;       /* file imports obey caps and jail (modules.c) */
    int module_hooks;           /* every import goes through the Node loader (hooks) */
    char **env;                 /* process.env, NULL = the process's */
    char *name;                 /* the main module's path, for ps */
    int one_of_many;            /* labels its uncaught errors (see options) */
    coro_sched_group group;     /* its fibers take turns as one (preemption) */
    coro_budget *budget;        /* its limits and what it holds, with its descendants */
    int out_of_memory;          /* an allocation passed a limit: a child then ends */
    int ending_out_of_memory;   /* coro_isolate_end_out_of_memory is running */
    int preparing_stack;        /* inside Error.prepareStackTrace (stack.c) */
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
    unsigned pool_used;         /* its requests in libuv's thread pool (wait.h) */
    coro_waitq pool_waiters;    /* fibers waiting for a slot there */
    const coro_area *areas;     /* its __primordials */
    void *area_data[CORO_AREA_SLOTS]; /* what areas keep for it (prim/prim.h) */
    /* Keeps iso's uncaught error for its parent's join() (set by an area). */
    void (*record_error)(coro_isolate *iso, JSValueConst exc);
};

/* "net", "fs" or "syscall": the first capability named in `caps`. */
const char *coro_cap_name(int caps);

/* Whether iso holds capability `cap`; if not, throws Error with code
   ERR_ACCESS_DENIED naming `what` and returns 0. */
int coro_isolate_allow(JSContext *ctx, int cap, const char *what);

coro_isolate *coro_isolate_new(const coro_isolate_options *opt);

/* End the isolate with `code`: no JS runs any more, parked fibers unwind,
   handles close. Returns at once; the loop finishes the work, and the
   isolate is freed on main once its last fiber has ended. */
void coro_isolate_terminate(coro_isolate *iso, int code);

/* Whether iso has nothing left to do by itself: no fiber that runs or waits
   for something outside iso, no promise job, no active referenced handle. */
int coro_isolate_idle(coro_isolate *iso);

/* The same from a fiber of another isolate, which then waits for the loop's
   next turn: by then iso's fibers have unwound and it is freed, unless one
   of them waits for the thread pool (it is freed when that is done). 0, or
   CORO_ETERMINATED with an exception pending (the caller's isolate ends). */
int coro_isolate_end(JSContext *ctx, coro_isolate *iso, int code);

/* For join(): park until port's isolate has ended (the caller loops until
   port->ended). A child with nothing left to do (no fiber or timer that can
   make it run again) ends now or as soon as it is so, whatever else the
   process does. 0, or CORO_ETERMINATED with an exception pending. */
int coro_port_join(JSContext *ctx, coro_port *port);

/* After the loop ran dry: let every isolate run what GC and pending jobs give
   it; if none has work, end the children someone is joining, and if there
   are none, end the roots (which ends their children). Returns 1 while
   isolates are left, so the loop must run again. */
int coro_isolates_loop_ended(void);

/* At the very end, before coro_sched_shutdown: close what isolates shared. */
void coro_isolates_shutdown(void);

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

/* The same on a deep stack (coro_fiber_create_deep): for the isolate's main
   module and the runners of its promise jobs. */
coro_fiber *coro_isolate_new_deep_fiber(coro_isolate *iso, coro_fiber_fn *fn, void *arg);

/* Drop a fiber of iso that was never started. */
void coro_isolate_discard_fiber(coro_isolate *iso, coro_fiber *f);

/* The same from JS: NULL with an exception pending on failure. */
coro_fiber *coro_isolate_fiber(JSContext *ctx, coro_fiber_fn *fn, void *arg);

/* The isolate that owns fiber f (NULL for a fiber that runs no JS). */
static inline coro_isolate *coro_fiber_isolate(const coro_fiber *f)
{
    return f->owner;
}

/* Write all of buf to fd, retrying on EINTR and partial writes. */
int coro_write_all(int fd, const void *buf, size_t len);

#endif
