/*
 * switch_x86_64.c: context switch for x86-64 (System V ABI).
 *
 * coro_switch pushes the six callee-saved registers on the current stack,
 * stores the stack pointer in `from`, loads the one in `to` and pops the same
 * six there. The MXCSR and x87 control words are callee-saved too, but CoroJS
 * never changes them, so they are left alone.
 */
#include <stdint.h>
#include "switch.h"

__asm__(
    ".text\n"
    ".globl coro_switch\n"
    ".type coro_switch,@function\n"
    ".p2align 4\n"
    "coro_switch:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    movq %rsp, (%rdi)\n"
    "    movq (%rsi), %rsp\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    ".size coro_switch,.-coro_switch\n"
    /* First code of a new context: r12 holds the argument, r13 the entry. */
    ".globl coro_start_x86_64\n"
    ".type coro_start_x86_64,@function\n"
    ".p2align 4\n"
    "coro_start_x86_64:\n"
    "    movq %r12, %rdi\n"
    "    callq *%r13\n"
    "    ud2\n"
    ".size coro_start_x86_64,.-coro_start_x86_64\n");

void coro_start_x86_64(void);

void coro_context_init(coro_context *ctx, void *stack, size_t size,
                       coro_entry_fn *entry, void *arg)
{
    /* After the six pops and `ret`, rsp is `top`, 16-byte aligned, as the
       ABI wants it before coro_start_x86_64's call. */
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    void **sp = (void **)top;

    *--sp = (void *)coro_start_x86_64; /* return address of coro_switch */
    *--sp = 0;                         /* rbp */
    *--sp = 0;                         /* rbx */
    *--sp = arg;                       /* r12 */
    *--sp = (void *)entry;             /* r13 */
    *--sp = 0;                         /* r14 */
    *--sp = 0;                         /* r15 */
    ctx->sp = sp;
}
