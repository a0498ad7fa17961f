/*
 * test_switch.c: the machine context switch alone, without the scheduler:
 * control and values go back and forth, callee-saved registers and floating
 * point survive, and a new context starts on a correctly aligned stack.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include "ctest.h"
#include "core/switch.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define UNPOISON(p, n) __asan_unpoison_memory_region(p, n)
#else
#define UNPOISON(p, n) ((void)0)
#endif

#define STACK_SIZE (256 * 1024)

static coro_context main_ctx, co_ctx;
static char *stack;

/* A clean stack for each test: a context abandoned mid-run leaves its frames
   (and, under AddressSanitizer, their poisoned redzones) behind. */
static void fresh_stack(void)
{
    if (!stack)
        stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack == MAP_FAILED)
        abort();
    UNPOISON(stack, STACK_SIZE);
}
static volatile long counter;
static void *entry_arg;
static int aligned_ok;

static void ping_entry(void *arg)
{
    entry_arg = arg;
    for (;;) {
        counter++;
        coro_switch(&co_ctx, &main_ctx);
    }
}

static void test_round_trips(void)
{
    int marker;

    fresh_stack();
    coro_context_init(&co_ctx, stack, STACK_SIZE, ping_entry, &marker);
    counter = 0;
    for (int i = 0; i < 100000; i++)
        coro_switch(&main_ctx, &co_ctx);
    CHECK_EQ(counter, 100000);
    CHECK(entry_arg == &marker);
}

/* Many values live across switches, in registers the compiler chooses. */
static void busy_entry(void *arg)
{
    (void)arg;
    for (;;) {
        volatile double scratch = 0;
        for (int i = 0; i < 16; i++)
            scratch += i * 1.5; /* clobbers FP registers on this side */
        counter = (long)scratch;
        coro_switch(&co_ctx, &main_ctx);
    }
}

static void test_registers_survive(void)
{
    unsigned long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
    double x = 0.5, y = 1.25, z = 2.125, w = 3.0625;

    fresh_stack();
    coro_context_init(&co_ctx, stack, STACK_SIZE, busy_entry, NULL);
    for (int i = 0; i < 1000; i++) {
        coro_switch(&main_ctx, &co_ctx);
        a += b; b += c; c += d; d += e; e += f; f += g; g += h; h += 1;
        x *= 1.0001; y *= 1.0002; z *= 1.0003; w *= 1.0004;
    }
    /* the same arithmetic without switches */
    unsigned long a2 = 1, b2 = 2, c2 = 3, d2 = 4, e2 = 5, f2 = 6, g2 = 7, h2 = 8;
    double x2 = 0.5, y2 = 1.25, z2 = 2.125, w2 = 3.0625;
    for (int i = 0; i < 1000; i++) {
        a2 += b2; b2 += c2; c2 += d2; d2 += e2; e2 += f2; f2 += g2; g2 += h2; h2 += 1;
        x2 *= 1.0001; y2 *= 1.0002; z2 *= 1.0003; w2 *= 1.0004;
    }
    CHECK(a == a2 && b == b2 && c == c2 && d == d2 && e == e2 && f == f2 && g == g2 && h == h2);
    CHECK(x == x2 && y == y2 && z == z2 && w == w2);
}

static void align_entry(void *arg)
{
    _Alignas(16) volatile char buf[16];

    (void)arg;
    aligned_ok = ((uintptr_t)buf & 15) == 0;
    buf[0] = 1;
    coro_switch(&co_ctx, &main_ctx);
}

static void test_stack_alignment(void)
{
    /* whatever the stack's own alignment, the first frame must be ABI-aligned */
    for (int skew = 0; skew < 16; skew += 8) {
        aligned_ok = 0;
        fresh_stack();
        coro_context_init(&co_ctx, stack, STACK_SIZE - skew, align_entry, NULL);
        coro_switch(&main_ctx, &co_ctx);
        CHECK(aligned_ok);
    }
}

static coro_context ring_ctx[8];
static int ring_order[64], ring_len;

static void ring_entry(void *arg)
{
    int me = (int)(intptr_t)arg;

    for (;;) {
        ring_order[ring_len++] = me;
        coro_switch(&ring_ctx[me], me == 7 ? &main_ctx : &ring_ctx[me + 1]);
    }
}

static void test_context_to_context(void)
{
    char *stacks = mmap(NULL, 8 * STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    CHECK(stacks != MAP_FAILED);
    for (int i = 0; i < 8; i++)
        coro_context_init(&ring_ctx[i], stacks + i * STACK_SIZE, STACK_SIZE, ring_entry,
                          (void *)(intptr_t)i);
    ring_len = 0;
    coro_switch(&main_ctx, &ring_ctx[0]);
    coro_switch(&main_ctx, &ring_ctx[0]);
    munmap(stacks, 8 * STACK_SIZE);
    CHECK_EQ(ring_len, 16);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(ring_order[i], i % 8);
}

static const ctest tests[] = {
    { "switch: 100,000 round trips carry control and the entry argument", test_round_trips },
    { "switch: integer and floating-point registers survive", test_registers_survive },
    { "switch: a new context's first frame is 16-byte aligned", test_stack_alignment },
    { "switch: contexts switch straight to each other", test_context_to_context },
};

CTEST_MAIN(tests)
