/*
 * bench/switch.c: what a fiber switch costs, in one run:
 *   - the bare context switch, there and back (src/switch_<cpu>.c);
 *   - a round trip through the scheduler: a fiber parks and main wakes it
 *     (queue, state and JS-state bookkeeping included), as every blocking
 *     call in CoroJS does;
 *   - ucontext's swapcontext there and back, for comparison.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>
#include "core/fiber.h"

#define ROUNDS 10000000L
#define STACK_SIZE (64 * 1024)

static coro_context main_ctx, co_ctx;
static ucontext_t main_uc, co_uc;

static void co_entry(void *arg)
{
    (void)arg;
    for (;;)
        coro_switch(&co_ctx, &main_ctx);
}

static void uc_entry(void)
{
    for (;;)
        swapcontext(&co_uc, &main_uc);
}

static void parker(coro_fiber *f, void *arg)
{
    (void)f;
    (void)arg;
    for (;;)
        coro_fiber_park(0);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(void)
{
    char *s1 = malloc(STACK_SIZE), *s2 = malloc(STACK_SIZE);
    double t0, bare, sched, uc;
    coro_fiber *f;

    coro_context_init(&co_ctx, s1, STACK_SIZE, co_entry, NULL);
    t0 = now_ns();
    for (long i = 0; i < ROUNDS; i++)
        coro_switch(&main_ctx, &co_ctx);
    bare = (now_ns() - t0) / ROUNDS;

    coro_sched_init(uv_default_loop(), NULL);
    f = coro_fiber_create(NULL, parker, NULL);
    coro_fiber_start(f);
    t0 = now_ns();
    for (long i = 0; i < ROUNDS; i++)
        coro_fiber_wake(f, 0);
    sched = (now_ns() - t0) / ROUNDS;

    getcontext(&co_uc);
    co_uc.uc_stack.ss_sp = s2;
    co_uc.uc_stack.ss_size = STACK_SIZE;
    makecontext(&co_uc, uc_entry, 0);
    t0 = now_ns();
    for (long i = 0; i < ROUNDS / 10; i++)
        swapcontext(&main_uc, &co_uc);
    uc = (now_ns() - t0) / (ROUNDS / 10);

    printf("fiber switch round trip: %.1f ns bare, %.1f ns through the scheduler; "
           "swapcontext %.1f ns (%.0fx / %.0fx slower)\n", bare, sched, uc, uc / bare, uc / sched);
    free(s1);
    free(s2);
    return 0;
}
