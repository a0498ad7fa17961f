/*
 * interp_simd.h: the handlers of the SIMD instructions; a part of
 * wasm__run's body in interp.c (included inside the function).
 */
L_V128_LOAD: {
        uint64_t ea = EA(10, 16);
        memcpy(&D, mem + ea, 16);
        NEXT(16);
    }
L_V128_STORE: {
        uint64_t ea = EA(8, 16);
        memcpy(mem + ea, &R(10), 16);
        NEXT(16);
    }
L_SIMD_MEM: {
        wasm_memory *m = inst->mems[U32(24)];
        tc = wasm__simd_mem(U16(14), m, &D, m->lim.is64 ? A.u64 : A.u32, U64(16), U32(28), &B);
        if (tc)
            goto trap;
        NEXT(32);
    }
L_SIMD: wasm__simd(U32(16), &D, &A, &B, &R(14), U32(20)); NEXT(24);
L_SIMD_SHUFFLE: wasm__simd_shuffle(&D, &A, &B, pc + 16); NEXT(32);
