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
#include <sanitizer/common_interface_defs.h>
#endif

#define DEFAULT_STACK_SIZE (1024 * 1024)
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
    coro_fiber *left;    /* the fiber that last switched to main */
    fiber_queue ready;
    fiber_queue yielded; /* run on the next loop iteration */
    uv_idle_t idle;      /* active while `yielded` is not empty */
    int draining;
    size_t stack_size;
    size_t page_size;
    int no_guard;
    coro_fiber *pool;
    unsigned pool_len;
    unsigned live;
    uint64_t switches;
    void (*enter_hook)(coro_fiber *f);
    void (*exit_hook)(coro_fiber *f);
    void (*leave_hook)(coro_fiber *f);
    void (*drained_hook)(void);
} sched;

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

static int stack_map(coro_fiber *f)
{
    size_t guard = sched.no_guard ? 0 : sched.page_size;
    char *base = mmap(NULL, sched.stack_size + guard, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);

    if (base == MAP_FAILED)
        return -1;
    if (guard && mprotect(base, guard, PROT_NONE) < 0) {
        int e = errno;
        munmap(base, sched.stack_size + guard);
        errno = e;
        return -1;
    }
    f->stack = base + guard;
    f->stack_size = sched.stack_size;
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

/* Switch from `from` to `to`; NULL means main. Returns when `from` runs again. */
static void do_switch(coro_fiber *from, coro_fiber *to)
{
    coro_context *from_ctx = from ? &from->ctx : &sched.main_ctx;
    coro_context *to_ctx = to ? &to->ctx : &sched.main_ctx;

    if (from && from->owner)
        sched.exit_hook(from);
    else if (!from)
        sched.left = NULL;
    if (!to)
        sched.left = from;
    sched.current = to;
    if (to) {
        to->state = CORO_FIBER_RUNNING;
        if (to->owner)
            sched.enter_hook(to);
    }
    sched.switches++;
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
}

static void fiber_entry(void *arg)
{
    coro_fiber *f = arg;

#ifdef CORO_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    f->fn(f, f->arg);
    f->state = CORO_FIBER_DONE;
    do_switch(f, NULL);
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
    sched.live--;
    f->owner = NULL;
    f->group = NULL;
    f->record = NULL;
    f->on_end = NULL;
    if (sched.pool_len < POOL_MAX) {
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

/* ------------------------------------------------------------------ */
/* groups: a preempted fiber holds back the rest of its group */

/* Whether f must wait for its group's preempted fiber; if so, it is held. */
static int group_hold(coro_fiber *f)
{
    coro_sched_group *g = f->group;

    if (!g || !g->preempted || g->preempted == f)
        return 0;
    f->state = CORO_FIBER_READY;
    queue_push(&g->held, f);
    return 1;
}

/* f, preempted, runs again: the fibers its group held back become ready
   (they run after it leaves). */
static void group_resume(coro_fiber *f)
{
    coro_sched_group *g = f->group;
    coro_fiber *h;

    if (!g || g->preempted != f)
        return;
    g->preempted = NULL;
    while ((h = queue_pop(&g->held)))
        queue_push(&sched.ready, h);
}

/* Run every ready fiber, on main, until none is left. */
static void sched_drain(void)
{
    coro_fiber *f, *left;

    if (sched.draining)
        return;
    sched.draining = 1;
    while ((f = queue_pop(&sched.ready))) {
        if (group_hold(f))
            continue;
        group_resume(f);
        do_switch(NULL, f);
        left = sched.left;
        if (sched.leave_hook)
            sched.leave_hook(left);
        if (left->state == CORO_FIBER_DONE)
            fiber_release(left);
    }
    sched.draining = 0;
    if (sched.drained_hook)
        sched.drained_hook();
}

static void idle_cb(uv_idle_t *h)
{
    fiber_queue batch = sched.yielded;
    coro_fiber *f;

    sched.yielded.head = sched.yielded.tail = NULL;
    while ((f = queue_pop(&batch)))
        queue_push(&sched.ready, f);
    if (!sched.yielded.head)
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

coro_fiber *coro_fiber_create(void *owner, coro_fiber_fn *fn, void *arg)
{
    coro_fiber *f = sched.pool;

    if (f) {
        sched.pool = f->next;
        sched.pool_len--;
    } else {
        f = calloc(1, sizeof *f);
        if (!f)
            return NULL;
        if (stack_map(f) < 0) {
            int e = errno;
            free(f);
            errno = e;
            return NULL;
        }
    }
    f->state = CORO_FIBER_NEW;
    f->wake_status = 0;
    f->park_flags = 0;
    f->owner = owner;
    f->group = NULL;
    f->saved = NULL;
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

void coro_fiber_discard(coro_fiber *f)
{
    if (f->state == CORO_FIBER_NEW)
        fiber_release(f);
}

void coro_fiber_start(coro_fiber *f)
{
    coro_fiber *self = sched.current;

    if (group_hold(f))
        return; /* runs once its group's preempted fiber has run again */
    if (!self) {
        f->state = CORO_FIBER_READY;
        queue_push_front(&sched.ready, f);
        sched_drain();
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
    do_switch(self, NULL);
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

void coro_fiber_yield(void)
{
    coro_fiber *self = sched.current;

    self->state = CORO_FIBER_READY;
    queue_push(&sched.yielded, self);
    if (!uv_is_active((uv_handle_t *)&sched.idle))
        uv_idle_start(&sched.idle, idle_cb);
    do_switch(self, NULL);
}

void coro_fiber_preempt(void)
{
    coro_fiber *self = sched.current;

    if (self->group)
        self->group->preempted = self;
    coro_fiber_yield();
}

uint64_t coro_sched_switches(void)
{
    return sched.switches;
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
