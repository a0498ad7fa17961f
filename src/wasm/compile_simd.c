/*
 * compile_simd.c: validation and translation of the 128-bit SIMD
 * instructions (prefix 0xfd).
 */
#include "compile.h"

int wasm__compile_simd(wasm_compiler *c)
{
    uint32_t op = wasm__u32(c->r);

    if (!c->r->failed)
        wasm__fail(c->r, "illegal opcode 0xfd %u", op);
    return -1;
}
