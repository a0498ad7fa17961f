/*
 * fiber.h: stackful coroutines and the scheduler that runs them on the loop.
 *
 * Every piece of JS runs on a fiber. The loop itself runs on the process's
 * own stack ("main"). A fiber that parks, yields or ends hands the CPU
 * straight to the next ready fiber; only when none is ready, or once per
 * tick of the kernel's coarse clock (1 to 4 ms) while fibers keep running,
 * does it switch to main, so that the loop polls IO. A fiber woken from main
 * (a libuv callback) runs at once; one woken from another fiber is queued
 * and runs when the running fiber stops.
 */
#ifndef COROJS_FIBER_H
#define COROJS_FIBER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "switch.h"

typedef struct coro_fiber coro_fiber;

/* A group of fibers that take turns, never interleaving inside a turn: the
   fibers of one isolate. One fiber may *hold* its group: when it is
   preempted (its time slice ran out in the middle of JS), until it has run
   again; in an exclusive section, until it leaves the section, however
   often it parks meanwhile. While a group is held no other fiber of it
   runs: those made ready are held back and run, in order, once it lets go.
   This keeps JS's run-to-completion within an isolate while other isolates
   get their turn. */
typedef struct coro_fiber_queue {
    coro_fiber *head, *tail;
} coro_fiber_queue;

typedef struct coro_sched_group {
    coro_fiber *holder;      /* the fiber holding the group, or NULL */
    int preempted;           /* holder was preempted and has not run since */
    int exclusive;           /* depth of holder's exclusive sections */
    coro_fiber_queue held;   /* fibers held back meanwhile, in order */
} coro_sched_group;

typedef void coro_fiber_fn(coro_fiber *f, void *arg);

enum coro_fiber_state {
    CORO_FIBER_NEW,
    CORO_FIBER_RUNNING,
    CORO_FIBER_READY,   /* queued to run */
    CORO_FIBER_PARKED,  /* waiting for coro_fiber_wake */
    CORO_FIBER_DONE,
};

/* Status given to a fiber woken because its isolate is being torn down. */
#define CORO_ETERMINATED (-40001)

/* coro_fiber_park flags */
#define CORO_PARK_NOINTERRUPT 1 /* teardown must wait for the real wake-up */
#define CORO_PARK_IDLE 2        /* only the fiber's own isolate could end the wait
                                   (a promise, another of its fibers): it gives the
                                   isolate nothing left to do */

struct coro_fiber {
    coro_context ctx;
    enum coro_fiber_state state;
    int wake_status;
    int park_flags;
    void *owner;              /* its isolate; NULL for fibers that run no JS */
    coro_sched_group *group;  /* its owner's group, or NULL */
    void *saved;              /* what the switch hooks keep while it is out */
    void *saved_context;      /* its async context while it is out (isolate.c) */
    void *record;             /* a user's record of it (prim/fiber.c), or NULL */
    void (*on_end)(coro_fiber *f); /* with a record: called on main once it ended */
    coro_fiber_fn *fn;
    void *arg;
    coro_fiber *next;                 /* in a run queue or the pool */
    coro_fiber *iso_prev, *iso_next;  /* in iso's list of fibers */
    uv_timer_t *timer;                /* sleeps and park timeouts; made on first use */
    uint64_t deadline;                /* of the timer, in uv_hrtime() ns */
    char *stack;                      /* usable stack, above the guard page */
    size_t stack_size;
    void *asan_fake_stack;
};

typedef struct coro_sched_options {
    size_t stack_size;       /* bytes per fiber stack; 0 = 1 MiB */
    size_t deep_stack_size;  /* bytes per deep stack (coro_fiber_create_deep); 0 = 8 MiB */
    int no_guard;            /* no guard page under each stack (see docs) */
} coro_sched_options;

int coro_sched_init(uv_loop_t *loop, const coro_sched_options *opt);
void coro_sched_shutdown(void);
uv_loop_t *coro_loop(void);

/* Called on every switch for a fiber with an owner: enter right before it
   runs, leave right after it stopped (the isolate's JS state follows it). */
void coro_sched_set_switch_hooks(void (*enter)(coro_fiber *f), void (*leave)(coro_fiber *f));

/* Called each time a fiber stops running (parked, yielded or ended; its
   state says which), on its own stack, before the next one runs: a fiber
   the hook starts runs next, one it wakes is queued. A DONE fiber goes to
   the pool after the switch away from it. */
void coro_sched_set_leave_hook(void (*hook)(coro_fiber *f));

/* Called on main when every ready fiber has run (those waiting for the
   loop's next turn, after a yield, do not count). */
void coro_sched_set_drained_hook(void (*hook)(void));
size_t coro_stack_size(void);

/* Create a fiber that will run fn(f, arg); NULL with errno set on failure. */
coro_fiber *coro_fiber_create(void *owner, coro_fiber_fn *fn, void *arg);

/* The same on a deep stack (deep_stack_size), for the few fibers that run a
   program's own deep recursion: its main module and its promise jobs
   (compilers and formatters recurse thousands of calls deep). A deep stack
   is never pooled: it is unmapped when its fiber ends. */
coro_fiber *coro_fiber_create_deep(void *owner, coro_fiber_fn *fn, void *arg);

/* Drop a fiber that was created but never started. */
void coro_fiber_discard(coro_fiber *f);

/* Run a new fiber now. From main it runs until it parks (after the fibers
   still ready from before the loop polled, if any: a job runner among them
   goes before what IO brings); from a fiber the caller is queued first in
   line and resumes when the new one parks; from a leave hook it runs first
   of the ready fibers. */
void coro_fiber_start(coro_fiber *f);

/* The running fiber, or NULL on main. */
coro_fiber *coro_fiber_current(void);

/* Park the running fiber until coro_fiber_wake(); returns the wake status. */
int coro_fiber_park(int flags);

/* Park with a deadline: returns UV_ETIMEDOUT if nothing woke it within ms. */
int coro_fiber_park_timeout(uint64_t ms, int flags);

/* Make a parked fiber runnable with `status`; returns 0 if it was not parked. */
int coro_fiber_wake(coro_fiber *f, int status);

/* The same, but the fiber only becomes ready: nothing runs until
   coro_sched_run (or until the running fiber parks). */
int coro_fiber_wake_later(coro_fiber *f, int status);

/* On main: run the ready fibers now. From a fiber: nothing (they run when
   it parks). */
void coro_sched_run(void);

/* Let the other ready fibers run, then continue: with others ready it goes
   behind them (no system call); alone, after the loop has polled IO. A
   yield loop never starves IO: the loop polls at least once a tick. */
void coro_fiber_yield(void);

/* From the middle of JS whose time slice ran out: the fiber waits for the
   loop's next turn, and until it runs again no other fiber of its group may
   run (see coro_sched_group). Other groups and the loop's IO run meanwhile. */
void coro_fiber_preempt(void);

/* An exclusive section of the running fiber: until it leaves, no other
   fiber of its group runs (those made ready are held), though it may park
   as often as it likes; other groups go on. Sections nest. Leaving a
   section its group was let go of meanwhile does nothing. */
void coro_fiber_exclusive_enter(void);
void coro_fiber_exclusive_leave(void);

/* Whether f is inside an exclusive section. */
int coro_fiber_exclusive(const coro_fiber *f);

/* Let go of g whoever holds it (its isolate ends): the held fibers become
   ready and, from main, run. */
void coro_sched_group_release(coro_sched_group *g);

/* Whether a fiber of group g holds it now (preempted or exclusive). */
static inline int coro_sched_group_held(const coro_sched_group *g)
{
    return g && g->holder;
}

/* Whether a fiber is ready to run now (not counting those waiting for the
   loop's next turn). */
int coro_sched_has_ready(void);

/* Switches so far: a fiber that sees the count unchanged has not left the
   CPU since it last looked. */
uint64_t coro_sched_switches(void);

/* Sleep ms milliseconds; returns 0, or the status of an early wake. */
int coro_fiber_sleep(uint64_t ms);

/* Counters for tests and stats. */
typedef struct coro_sched_stats {
    uint64_t switches;
    unsigned live, pooled;
} coro_sched_stats;
void coro_sched_get_stats(coro_sched_stats *st);

#endif
