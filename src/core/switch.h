/*
 * switch.h: the machine context switch under the fibers.
 *
 * One backend is compiled in (Makefile: SWITCH=x86_64|aarch64|ucontext).
 * The assembly backends save only the callee-saved registers the C ABI
 * requires and cost a few nanoseconds a switch; ucontext also saves the signal
 * mask with a system call (about 350 ns a round trip) and is the fallback
 * for other CPUs.
 */
#ifndef COROJS_SWITCH_H
#define COROJS_SWITCH_H

#include <stddef.h>

#ifdef CORO_SWITCH_UCONTEXT
#include <ucontext.h>
typedef struct coro_context {
    ucontext_t uc;
} coro_context;
#else
typedef struct coro_context {
    void *sp; /* saved stack pointer; the registers sit on that stack */
} coro_context;
#endif

typedef void coro_entry_fn(void *arg);

/* Prepare `ctx` so that the first switch to it runs entry(arg) on the stack
   [stack, stack + size). entry must never return. */
void coro_context_init(coro_context *ctx, void *stack, size_t size,
                       coro_entry_fn *entry, void *arg);

/* Save the running context into `from` and continue `to`. Returns when some
   other context switches back to `from`. */
void coro_switch(coro_context *from, coro_context *to);

#endif
