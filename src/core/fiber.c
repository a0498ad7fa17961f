/*
 * fiber.c: stackful coroutines, their stacks, and the scheduler.
 *
 * Switches go between a fiber and main (the loop's stack), or from a fiber
 * straight to a fiber it starts. main keeps a queue of ready fibers and runs
 * it empty whenever it has resumed one ("drain"), so a fiber woken from a
 * libuv callback runs before the callback returns.
 *
 * The scheduler knows nothing of JS: a fiber's owner (its isolate) gets a
 * call on every switch in and out (coro_sched_set_switch_hooks), where it
 * saves and restores the JS state that belongs to whichever fiber runs.
 *
 * Stacks are mmap'ed with a guard page below them (unless disabled) and kept
 * in a pool when their fiber ends; pooled stacks give their pages back to the
 * kernel with madvise, so an idle pooled fiber costs address space, not RSS.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fiber.h"

#if defined(__SANITIZE_ADDRESS__)
#define CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORO_ASAN 1
#endif
#endif

#ifdef CORO_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#define DEFAULT_STACK_SIZE (1024 * 1024)
#define DEFAULT_DEEP_STACK_SIZE (8 * 1024 * 1024) /* ~12,000 JS calls, as Node's ~14,000 */
#define POOL_MAX 1024          /* ended fibers kept for reuse */
#define HOT_STACK_BYTES 16384  /* top of a pooled stack left resident */
#define POOL_HOT 16            /* the last fibers pooled keep all their pages */

typedef coro_fiber_queue fiber_queue;

static struct {
    uv_loop_t *loop;
    coro_context main_ctx;
    void *main_fake_stack;
    void *main_stack_lo;
    size_t main_stack_size;
    coro_fiber *current; /* NULL on main */
    coro_fiber *dead;    /* ended and switched away from: to the pool */
    fiber_queue ready;
    fiber_queue later;   /* run after the loop has polled IO (yield, preempt) */
    uv_idle_t idle;      /* active while fibers wait for the loop's next turn */
    int draining;
    int want_poll;       /* a fiber went to main for the loop to poll IO */
    int64_t stamp;       /* coarse clock when main last handed over to fibers */
    size_t stack_size;
    size_t deep_stack_size;
    size_t page_size;
    int no_guard;
    coro_fiber *pool;
    unsigned pool_len;
    unsigned live;
    uint64_t switches;   /* read by the watchdog thread too (relaxed atomics) */
    void (*enter_hook)(coro_fiber *f);
    void (*exit_hook)(coro_fiber *f);
    void (*leave_hook)(coro_fiber *f);
    void (*drained_hook)(void);
} sched;

static void fiber_release(coro_fiber *f);
static void idle_cb(uv_idle_t *h);

/* ------------------------------------------------------------------ */
/* queues */

static void queue_push(fiber_queue *q, coro_fiber *f)
{
    f->next = NULL;
    if (q->tail)
        q->tail->next = f;
    else
        q->head = f;
    q->tail = f;
}

static void queue_push_front(fiber_queue *q, coro_fiber *f)
{
    f->next = q->head;
    q->head = f;
    if (!q->tail)
        q->tail = f;
}

static coro_fiber *queue_pop(fiber_queue *q)
{
    coro_fiber *f = q->head;

    if (f) {
        q->head = f->next;
        if (!q->head)
            q->tail = NULL;
        f->next = NULL;
    }
    return f;
}

/* ------------------------------------------------------------------ */
/* stacks */

static int stack_map(coro_fiber *f, size_t size)
{
    size_t guard = sched.no_guard ? 0 : sched.page_size;
    char *base = mmap(NULL, size + guard, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);

    if (base == MAP_FAILED)
        return -1;
    if (guard && mprotect(base, guard, PROT_NONE) < 0) {
        int e = errno;
        munmap(base, size + guard);
        errno = e;
        return -1;
    }
    f->stack = base + guard;
    f->stack_size = size;
    return 0;
}

static void stack_unmap(coro_fiber *f)
{
    size_t guard = sched.no_guard ? 0 : sched.page_size;

    munmap(f->stack - guard, f->stack_size + guard);
}

/* Give all but the hot top of an idle stack back to the kernel. */
static void stack_release_pages(coro_fiber *f)
{
    size_t cold = f->stack_size - HOT_STACK_BYTES;

    madvise(f->stack, cold, MADV_DONTNEED);
}

/* ------------------------------------------------------------------ */
/* switching */

/* The kernel's coarse clock (one read of a shared page, a few ns; it moves
   once a tick, every 1 to 4 ms): how the scheduler sees, without a system
   call, that a run of fibers has gone on long enough for the loop to poll. */
static int64_t coarse_now(void)
{
    struct timespec ts;

#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* After every switch, on the stack that runs now: the fiber that ended and
   switched away goes back to the pool (not before: it ran on its stack). */
static void finish_switch(void)
{
    coro_fiber *dead = sched.dead;

    if (dead) {
        sched.dead = NULL;
        fiber_release(dead);
    }
}

/* Switch from `from` to `to`; NULL means main. Returns when `from` runs again. */
static void do_switch(coro_fiber *from, coro_fiber *to)
{
    coro_context *from_ctx = from ? &from->ctx : &sched.main_ctx;
    coro_context *to_ctx = to ? &to->ctx : &sched.main_ctx;

    if (from && from->owner)
        sched.exit_hook(from);
    if (from && from->state == CORO_FIBER_DONE)
        sched.dead = from;
    sched.current = to;
    if (to) {
        to->state = CORO_FIBER_RUNNING;
        if (to->owner)
            sched.enter_hook(to);
    }
    __atomic_store_n(&sched.switches, sched.switches + 1, __ATOMIC_RELAXED);
#ifdef CORO_ASAN
    {
        void **fake = from ? (from->state == CORO_FIBER_DONE ? NULL : &from->asan_fake_stack)
                           : &sched.main_fake_stack;
        __sanitizer_start_switch_fiber(fake, to ? to->stack : sched.main_stack_lo,
                                       to ? to->stack_size : sched.main_stack_size);
        coro_switch(from_ctx, to_ctx);
        __sanitizer_finish_switch_fiber(from ? from->asan_fake_stack : sched.main_fake_stack,
                                        NULL, NULL);
    }
#else
    coro_switch(from_ctx, to_ctx);
#endif
    finish_switch();
}

/* ------------------------------------------------------------------ */
/* groups: a fiber that holds its group (preempted, or in an exclusive
   section) holds back the rest of it */

/* Whether f must wait for its group's holder; if so, it is held. */
static int group_hold(coro_fiber *f)
{
    coro_sched_group *g = f->group;

    if (!g || !g->holder || g->holder == f)
        return 0;
    f->state = CORO_FIBER_READY;
    queue_push(&g->held, f);
    return 1;
}

/* Nobody holds g any more: the fibers it held become ready, in order. */
static void group_let_go(coro_sched_group *g)
{
    coro_fiber *h;

    g->holder = NULL;
    g->preempted = 0;
    g->exclusive = 0;
    while ((h = queue_pop(&g->held)))
        queue_push(&sched.ready, h);
}

/* f is about to run: if it was preempted, that is over, and unless it is in
   an exclusive section its group lets go (the fibers held run after it). */
static void group_resume(coro_fiber *f)
{
    coro_sched_group *g = f->group;

    if (!g || g->holder != f || !g->preempted)
        return;
    g->preempted = 0;
    if (!g->exclusive)
        group_let_go(g);
}

/* The next fiber to run, or NULL: none is ready but held ones. */
static coro_fiber *pick_next(void)
{
    coro_fiber *f;

    while ((f = queue_pop(&sched.ready))) {
        if (group_hold(f))
            continue;
        group_resume(f);
        return f;
    }
    return NULL;
}

/* The running fiber stops (it parked, yielded or ended; its state says
   which): it hands the CPU straight to the next ready fiber, or to main when
   none is ready or the loop is due to poll IO, which it is once per tick of
   the coarse clock while fibers keep running. */
static void fiber_leave(coro_fiber *self)
{
    coro_fiber *next = NULL;

    if (self->state == CORO_FIBER_DONE && self->group && self->group->holder == self)
        group_let_go(self->group); /* ended inside an exclusive section */
    if (sched.leave_hook)
        sched.leave_hook(self);
    if (!sched.want_poll && coarse_now() != sched.stamp)
        sched.want_poll = 1;
    if (!sched.want_poll)
        next = pick_next();
    if (next == self) { /* made ready again while it left: it goes on */
        self->state = CORO_FIBER_RUNNING;
        return;
    }
    do_switch(self, next);
}

static void fiber_entry(void *arg)
{
    coro_fiber *f = arg;

#ifdef CORO_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    finish_switch();
    f->fn(f, f->arg);
    f->state = CORO_FIBER_DONE;
    fiber_leave(f);
    abort(); /* a finished fiber is never resumed */
}

/* Free a fiber that is not in use; its timer (the first member of its own
   block) goes when libuv has closed it. */
static void fiber_destroy(coro_fiber *f)
{
    stack_unmap(f);
    if (f->timer)
        uv_close((uv_handle_t *)f->timer, (uv_close_cb)free);
    free(f);
}

static void fiber_release(coro_fiber *f)
{
#ifdef CORO_ASAN
    /* an ended fiber's last frames never returned: their redzones would
       still be poisoned under the next fiber on this stack, where code ASan
       does not instrument (libuv's) puts its own frames */
    __asan_unpoison_memory_region(f->stack, f->stack_size);
#endif
    sched.live--;
    f->owner = NULL;
    f->group = NULL;
    f->record = NULL;
    f->on_end = NULL;
    if (sched.pool_len < POOL_MAX && f->stack_size == sched.stack_size) {
        /* A pool that stays small (fibers ending about as fast as they
           start: calls between isolates, timer callbacks) keeps its stacks'
           pages: giving them back and faulting them in again on the next
           use would cost more than the work. Past a few, they go back. */
        if (sched.pool_len >= POOL_HOT)
            stack_release_pages(f);
        f->next = sched.pool;
        sched.pool = f;
        sched.pool_len++;
        return;
    }
    fiber_destroy(f);
}

/* Run ready fibers, on main, until none is left or the loop is due to poll
   IO; fibers still ready then run on the loop's next turn. */
static void sched_drain(void)
{
    coro_fiber *f;

    if (sched.draining)
        return;
    sched.draining = 1;
    sched.want_poll = 0;
    sched.stamp = coarse_now();
    while (!sched.want_poll && (f = pick_next()))
        do_switch(NULL, f);
    sched.want_poll = 0;
    sched.draining = 0;
    if ((sched.ready.head || sched.later.head) && !uv_is_active((uv_handle_t *)&sched.idle))
        uv_idle_start(&sched.idle, idle_cb);
    if (!sched.ready.head && sched.drained_hook) /* every ready fiber has run */
        sched.drained_hook();
}

/* The loop's next turn (IO has been polled): fibers that waited for it
   join the ready ones. */
static void idle_cb(uv_idle_t *h)
{
    coro_fiber *f;

    while ((f = queue_pop(&sched.later)))
        queue_push(&sched.ready, f);
    uv_idle_stop(&sched.idle);
    sched_drain();
}

/* ------------------------------------------------------------------ */
/* public API */

int coro_sched_init(uv_loop_t *loop, const coro_sched_options *opt)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t size = opt && opt->stack_size ? opt->stack_size : DEFAULT_STACK_SIZE;

    memset(&sched, 0, sizeof sched);
    sched.loop = loop;
    sched.page_size = ps > 0 ? (size_t)ps : 4096;
    sched.stack_size = (size + sched.page_size - 1) & ~(sched.page_size - 1);
    size = opt && opt->deep_stack_size ? opt->deep_stack_size : DEFAULT_DEEP_STACK_SIZE;
    sched.deep_stack_size = (size + sched.page_size - 1) & ~(sched.page_size - 1);
    sched.no_guard = opt ? opt->no_guard : 0;
    uv_idle_init(loop, &sched.idle);
#ifdef CORO_ASAN
    {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &sched.main_stack_lo, &sched.main_stack_size);
            pthread_attr_destroy(&attr);
        }
    }
#endif
    return 0;
}

void coro_sched_set_switch_hooks(void (*enter)(coro_fiber *f), void (*leave)(coro_fiber *f))
{
    sched.enter_hook = enter;
    sched.exit_hook = leave;
}

void coro_sched_set_leave_hook(void (*hook)(coro_fiber *f))
{
    sched.leave_hook = hook;
}

void coro_sched_set_drained_hook(void (*hook)(void))
{
    sched.drained_hook = hook;
}

/* Free the pool. Live fibers must have ended; the loop runs the close
   callbacks afterwards. */
void coro_sched_shutdown(void)
{
    coro_fiber *f;

    while ((f = sched.pool)) {
        sched.pool = f->next;
        fiber_destroy(f);
    }
    sched.pool_len = 0;
    uv_close((uv_handle_t *)&sched.idle, NULL);
}

uv_loop_t *coro_loop(void)
{
    return sched.loop;
}

size_t coro_stack_size(void)
{
    return sched.stack_size;
}

/* libuv counts timers in whole milliseconds of a clock read once per loop
   iteration, so a timer can fire up to a millisecond early; a sleep must
   not, so the timer is re-armed until the precise clock agrees. */
static void sleep_timer_cb(uv_timer_t *t)
{
    coro_fiber *f = t->data;
    uint64_t now = uv_hrtime();

    if (now < f->deadline) {
        uv_timer_start(t, sleep_timer_cb, (f->deadline - now + 999999) / 1000000, 0);
        return;
    }
    coro_fiber_wake(f, UV_ETIMEDOUT);
}

/* A fiber with a stack of `size` bytes, not yet set up; NULL with errno. */
static coro_fiber *fiber_new(size_t size)
{
    coro_fiber *f = calloc(1, sizeof *f);

    if (!f)
        return NULL;
    if (stack_map(f, size) < 0) {
        int e = errno;
        free(f);
        errno = e;
        return NULL;
    }
    return f;
}

/* Set up a fiber taken from the pool or just made to run fn(f, arg). */
static coro_fiber *fiber_setup(coro_fiber *f, void *owner, coro_fiber_fn *fn, void *arg)
{
    f->state = CORO_FIBER_NEW;
    f->wake_status = 0;
    f->park_flags = 0;
    f->owner = owner;
    f->group = NULL;
    f->saved = NULL;
    f->saved_context = NULL;
    f->record = NULL;
    f->on_end = NULL;
    f->fn = fn;
    f->arg = arg;
    f->next = NULL;
    f->iso_prev = f->iso_next = NULL;
    f->asan_fake_stack = NULL;
    coro_context_init(&f->ctx, f->stack, f->stack_size, fiber_entry, f);
    sched.live++;
    return f;
}

coro_fiber *coro_fiber_create(void *owner, coro_fiber_fn *fn, void *arg)
{
    coro_fiber *f = sched.pool;

    if (f) {
        sched.pool = f->next;
        sched.pool_len--;
    } else if (!(f = fiber_new(sched.stack_size))) {
        return NULL;
    }
    return fiber_setup(f, owner, fn, arg);
}

coro_fiber *coro_fiber_create_deep(void *owner, coro_fiber_fn *fn, void *arg)
{
    coro_fiber *f = fiber_new(sched.deep_stack_size);

    return f ? fiber_setup(f, owner, fn, arg) : NULL;
}

void coro_fiber_discard(coro_fiber *f)
{
    if (f->state == CORO_FIBER_NEW)
        fiber_release(f);
}

void coro_fiber_start(coro_fiber *f)
{
    coro_fiber *self = sched.current;

    if (group_hold(f))
        return; /* runs once its group's holder lets go */
    if (!self || self->state != CORO_FIBER_RUNNING) {
        /* from a fiber that is leaving (its leave hook: a job runner), it
           runs first of the ready ones; from main too, unless fibers are
           still ready from before the loop polled (a job runner among
           them: promise jobs run before what IO brings) */
        f->state = CORO_FIBER_READY;
        if (!self && sched.ready.head)
            queue_push(&sched.ready, f);
        else
            queue_push_front(&sched.ready, f);
        coro_sched_run();
        return;
    }
    self->state = CORO_FIBER_READY;
    queue_push_front(&sched.ready, self);
    do_switch(self, f);
}

coro_fiber *coro_fiber_current(void)
{
    return sched.current;
}

int coro_fiber_park(int flags)
{
    coro_fiber *self = sched.current;

    if (!self)
        abort(); /* main never blocks */
    self->state = CORO_FIBER_PARKED;
    self->park_flags = flags;
    self->wake_status = 0;
    fiber_leave(self);
    return self->wake_status;
}

int coro_fiber_park_timeout(uint64_t ms, int flags)
{
    coro_fiber *self = sched.current;
    int status;

    if (!self->timer) { /* most fibers never sleep: a timer only for those that do */
        self->timer = malloc(sizeof *self->timer);
        if (!self->timer)
            return UV_ENOMEM;
        uv_timer_init(sched.loop, self->timer);
        self->timer->data = self;
    }
    self->deadline = uv_hrtime() + ms * 1000000;
    uv_update_time(sched.loop);
    uv_timer_start(self->timer, sleep_timer_cb, ms, 0);
    status = coro_fiber_park(flags);
    uv_timer_stop(self->timer);
    return status;
}

int coro_fiber_wake_later(coro_fiber *f, int status)
{
    if (f->state != CORO_FIBER_PARKED)
        return 0;
    f->state = CORO_FIBER_READY;
    f->wake_status = status;
    queue_push(&sched.ready, f);
    return 1;
}

void coro_sched_run(void)
{
    if (!sched.current)
        sched_drain();
}

int coro_fiber_wake(coro_fiber *f, int status)
{
    if (!coro_fiber_wake_later(f, status))
        return 0;
    coro_sched_run();
    return 1;
}

/* With other fibers ready, the yielding one goes behind them and the next
   runs at once; alone, it waits for the loop to poll IO first. */
void coro_fiber_yield(void)
{
    coro_fiber *self = sched.current;

    self->state = CORO_FIBER_READY;
    queue_push(sched.ready.head ? &sched.ready : &sched.later, self);
    sched.want_poll |= self == sched.later.tail; /* alone: the loop polls first */
    fiber_leave(self);
}

void coro_fiber_preempt(void)
{
    coro_fiber *self = sched.current;

    if (self->group) {
        self->group->holder = self;
        self->group->preempted = 1;
    }
    self->state = CORO_FIBER_READY;
    queue_push(&sched.later, self);
    sched.want_poll = 1;
    fiber_leave(self);
}

void coro_fiber_exclusive_enter(void)
{
    coro_fiber *self = sched.current;
    coro_sched_group *g = self->group;

    if (!g)
        return;
    g->holder = self;
    g->exclusive++;
}

void coro_fiber_exclusive_leave(void)
{
    coro_fiber *self = sched.current;
    coro_sched_group *g = self->group;

    if (!g || g->holder != self || g->exclusive == 0)
        return; /* let go meanwhile (its isolate is ending) */
    if (--g->exclusive == 0 && !g->preempted)
        group_let_go(g);
}

int coro_fiber_exclusive(const coro_fiber *f)
{
    return f && f->group && f->group->holder == f && f->group->exclusive > 0;
}

void coro_sched_group_release(coro_sched_group *g)
{
    if (g->holder)
        group_let_go(g);
    coro_sched_run();
}

int coro_sched_has_ready(void)
{
    return sched.ready.head != NULL;
}

uint64_t coro_sched_switches(void)
{
    return __atomic_load_n(&sched.switches, __ATOMIC_RELAXED);
}

int coro_fiber_sleep(uint64_t ms)
{
    int status = coro_fiber_park_timeout(ms, 0);

    return status == UV_ETIMEDOUT ? 0 : status;
}

void coro_sched_get_stats(coro_sched_stats *st)
{
    st->switches = sched.switches;
    st->live = sched.live;
    st->pooled = sched.pool_len;
}
