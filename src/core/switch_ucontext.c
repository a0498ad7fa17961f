/*
 * switch_ucontext.c: portable context switch on ucontext(3), the fallback for
 * CPUs without an assembly backend. makecontext passes only int arguments,
 * so the pointer travels in two halves.
 */
#include <stdint.h>
#include <stdlib.h>
#include "switch.h"

static void coro_start_ucontext(unsigned int fn_hi, unsigned int fn_lo,
                                unsigned int arg_hi, unsigned int arg_lo)
{
    coro_entry_fn *entry = (coro_entry_fn *)(uintptr_t)(((uint64_t)fn_hi << 32) | fn_lo);
    void *arg = (void *)(uintptr_t)(((uint64_t)arg_hi << 32) | arg_lo);

    entry(arg);
    abort(); /* entry never returns */
}

void coro_context_init(coro_context *ctx, void *stack, size_t size,
                       coro_entry_fn *entry, void *arg)
{
    uint64_t fn = (uintptr_t)entry, a = (uintptr_t)arg;

    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = stack;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = NULL;
    makecontext(&ctx->uc, (void (*)(void))coro_start_ucontext, 4,
                (unsigned int)(fn >> 32), (unsigned int)fn,
                (unsigned int)(a >> 32), (unsigned int)a);
}

void coro_switch(coro_context *from, coro_context *to)
{
    swapcontext(&from->uc, &to->uc);
}
