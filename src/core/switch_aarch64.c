/*
 * switch_aarch64.c: context switch for AArch64 (AAPCS64).
 *
 * coro_switch stores the callee-saved registers x19-x30 and d8-d15 in a
 * 176-byte frame on the current stack, saves sp in `from`, loads the one in
 * `to` and restores the same frame there; `ret` jumps to the restored x30.
 */
#include <stdint.h>
#include "switch.h"

#define FRAME_SIZE 176

__asm__(
    ".text\n"
    ".globl coro_switch\n"
    ".type coro_switch,%function\n"
    ".p2align 4\n"
    "coro_switch:\n"
    "    sub sp, sp, #176\n"
    "    stp x19, x20, [sp, #0]\n"
    "    stp x21, x22, [sp, #16]\n"
    "    stp x23, x24, [sp, #32]\n"
    "    stp x25, x26, [sp, #48]\n"
    "    stp x27, x28, [sp, #64]\n"
    "    stp x29, x30, [sp, #80]\n"
    "    stp d8, d9, [sp, #96]\n"
    "    stp d10, d11, [sp, #112]\n"
    "    stp d12, d13, [sp, #128]\n"
    "    stp d14, d15, [sp, #144]\n"
    "    mov x2, sp\n"
    "    str x2, [x0]\n"
    "    ldr x2, [x1]\n"
    "    mov sp, x2\n"
    "    ldp x19, x20, [sp, #0]\n"
    "    ldp x21, x22, [sp, #16]\n"
    "    ldp x23, x24, [sp, #32]\n"
    "    ldp x25, x26, [sp, #48]\n"
    "    ldp x27, x28, [sp, #64]\n"
    "    ldp x29, x30, [sp, #80]\n"
    "    ldp d8, d9, [sp, #96]\n"
    "    ldp d10, d11, [sp, #112]\n"
    "    ldp d12, d13, [sp, #128]\n"
    "    ldp d14, d15, [sp, #144]\n"
    "    add sp, sp, #176\n"
    "    ret\n"
    ".size coro_switch,.-coro_switch\n"
    /* First code of a new context: x19 holds the argument, x20 the entry. */
    ".globl coro_start_aarch64\n"
    ".type coro_start_aarch64,%function\n"
    ".p2align 4\n"
    "coro_start_aarch64:\n"
    "    mov x0, x19\n"
    "    blr x20\n"
    "    brk #0\n"
    ".size coro_start_aarch64,.-coro_start_aarch64\n");

void coro_start_aarch64(void);

void coro_context_init(coro_context *ctx, void *stack, size_t size,
                       coro_entry_fn *entry, void *arg)
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    void **frame = (void **)(top - FRAME_SIZE);

    for (int i = 0; i < FRAME_SIZE / 8; i++)
        frame[i] = 0;
    frame[0] = arg;                         /* x19 */
    frame[1] = (void *)entry;               /* x20 */
    frame[11] = (void *)coro_start_aarch64; /* x30, where `ret` goes */
    ctx->sp = frame;
}
