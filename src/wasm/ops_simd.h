/*
 * ops_simd.h: the internal instructions of 128-bit SIMD (part of ops.h's
 * list). The operations themselves are simd.c's, numbered as in the binary
 * format; only loads and stores of memory 0 have handlers of their own.
 */
OP(V128_LOAD, T)            /* d@8 addr@10 offset32@12: memory 0, 32-bit */
OP(V128_STORE, T)           /* addr@8 value@10 offset32@12 */
OP(SIMD_MEM, T)             /* d@8 addr@10 v@12 op@14 offset64@16 mem32@24 lane32@28 */
OP(SIMD, 0)                 /* d@8 a@10 b@12 c@14 op32@16 lane32@20 */
OP(SIMD_SHUFFLE, 0)         /* d@8 a@10 b@12 lanes@16 (16 bytes) */
