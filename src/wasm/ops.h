/*
 * ops.h: the internal code's instructions, as an X-macro list:
 * OP(name, flags). compile.c emits them, interp.c has one handler each.
 *
 * An instruction is a handler address (8 bytes) followed by its operands,
 * padded to a multiple of 8 bytes. Operands are 16-bit frame slots (locals
 * and the operand stack alike: register style), 32-bit immediates, and
 * 32-bit branch offsets relative to the offset field itself. Layouts:
 *
 *   unary     d@8 s@10                          16 bytes
 *   binary    d@8 a@10 b@12                     16
 *   imm       d@8 a@10 imm32@12                 16
 *   load      d@8 addr@10 offset32@12           16
 *   store     addr@8 value@10 offset32@12       16
 *   br        off@8                             16
 *   br_if     c@8 off@12                        16
 *   br_cmp    a@8 b@10 off@12                   16
 *   br_cmp_i  a@8 off@12 imm32@16               24
 *
 * Flags: T marks instructions that can trap or call (their module offset
 * is recorded for trap messages). The includer defines OP and T.
 */
#ifndef OP
#define OP(name, flags)
#endif

/* control */
OP(EXIT, 0)
OP(UNREACHABLE, T)
OP(BR, T)
OP(BR_NZ, T)
OP(BR_Z, T)
OP(BR_TABLE, T)
/* compare and branch: the order of each group is the compare order */
OP(BR_I32_EQ, T) OP(BR_I32_NE, T) OP(BR_I32_LT_S, T) OP(BR_I32_LT_U, T) OP(BR_I32_GT_S, T)
OP(BR_I32_GT_U, T) OP(BR_I32_LE_S, T) OP(BR_I32_LE_U, T) OP(BR_I32_GE_S, T) OP(BR_I32_GE_U, T)
OP(BR_I32_EQ_I, T) OP(BR_I32_NE_I, T) OP(BR_I32_LT_S_I, T) OP(BR_I32_LT_U_I, T) OP(BR_I32_GT_S_I, T)
OP(BR_I32_GT_U_I, T) OP(BR_I32_LE_S_I, T) OP(BR_I32_LE_U_I, T) OP(BR_I32_GE_S_I, T) OP(BR_I32_GE_U_I, T)
OP(BR_I64_EQ, T) OP(BR_I64_NE, T) OP(BR_I64_LT_S, T) OP(BR_I64_LT_U, T) OP(BR_I64_GT_S, T)
OP(BR_I64_GT_U, T) OP(BR_I64_LE_S, T) OP(BR_I64_LE_U, T) OP(BR_I64_GE_S, T) OP(BR_I64_GE_U, T)
OP(BR_I64_EQ_I, T) OP(BR_I64_NE_I, T) OP(BR_I64_LT_S_I, T) OP(BR_I64_LT_U_I, T) OP(BR_I64_GT_S_I, T)
OP(BR_I64_GT_U_I, T) OP(BR_I64_LE_S_I, T) OP(BR_I64_LE_U_I, T) OP(BR_I64_GE_S_I, T) OP(BR_I64_GE_U_I, T)
/* a loop counter's step and test: d = a + k32@12, branch if d ==/!= (imm32 or
   slot)@16, offset@20; 24 bytes */
OP(ADD_I_BR_EQ_I, T) OP(ADD_I_BR_NE_I, T) OP(ADD_I_BR_EQ, T) OP(ADD_I_BR_NE, T)
OP(RETURN, 0)
OP(RETURN1, 0)              /* s@8: copy one cell to slot 0, return */
OP(CALL, T)                 /* base@8 code_func*@16 */
OP(CALL_FUNC, T)            /* base@8 index32@12: any function (imports); 24 bytes */
OP(CALL_INDIRECT, T)        /* base@8 elem@10 table32@12 type32@16 */
OP(RETURN_CALL, T)
OP(RETURN_CALL_FUNC, T)
OP(RETURN_CALL_INDIRECT, T)

/* moves */
OP(COPY, 0)                 /* d@8 s@10 */
OP(COPY2, 0)                /* d@8 s@10: two cells (v128) */
OP(COPY_PAIR, 0)            /* d1@8 s1@10 d2@12 s2@14: two copies, in this order */
OP(CONST32, 0)              /* d@8 imm32@12 */
OP(CONST64, 0)              /* d@8 imm64@16 */
OP(CONST128, 0)             /* d@8 imm128@16 */
OP(SELECT, 0)               /* d@8 a@10 b@12 cond@14 */
OP(SELECT2, 0)
OP(SELECT_KK, 0)            /* d@8 cond@10 ka32@12 kb32@16: constants (sign-extended) */
OP(SELECT_KR, 0)            /* d@8 b@10 cond@12 ka32@16 */
OP(SELECT_RK, 0)            /* d@8 a@10 cond@12 kb32@16 */
OP(GLOBAL_GET, 0)           /* d@8 index32@12 */
OP(GLOBAL_GET2, 0)
OP(GLOBAL_SET, 0)           /* s@8 index32@12 */
OP(GLOBAL_SET2, 0)
OP(GLOBAL_SET_REF, 0)
OP(I64_EXTEND_I32_U, 0)     /* unary; i32.wrap_i64 and reinterpretations cost nothing */

/* references and tables */
OP(REF_IS_NULL, 0)
OP(REF_FUNC, 0)             /* d@8 index32@12 */
OP(TABLE_GET, T)            /* d@8 i@10 table32@12 */
OP(TABLE_SET, T)            /* i@8 v@10 table32@12 */
OP(TABLE_SIZE, 0)           /* d@8 table32@12 */
OP(TABLE_GROW, 0)           /* d@8 init@10 n@12 table32@16 */
OP(TABLE_FILL, T)           /* i@8 v@10 n@12 table32@16 */
OP(TABLE_COPY, T)           /* d@8 s@10 n@12 dst32@16 src32@20 */
OP(TABLE_INIT, T)           /* d@8 s@10 n@12 table32@16 seg32@20 */
OP(ELEM_DROP, 0)            /* seg32@12 */

/* memory 0 (32-bit addresses): fast paths */
OP(MEMORY_SIZE, 0)          /* d@8 */
OP(MEMORY_GROW, 0)          /* d@8 n@10 */
OP(MEMORY_FILL, T)          /* d@8 v@10 n@12 */
OP(MEMORY_COPY, T)          /* d@8 s@10 n@12 */
OP(MEMORY_INIT, T)          /* d@8 s@10 n@12 seg32@16 */
OP(DATA_DROP, 0)            /* seg32@12 */
OP(LOAD_32, T) OP(LOAD_64, T)
OP(LOAD_I32_8S, T) OP(LOAD_I32_8U, T) OP(LOAD_I32_16S, T) OP(LOAD_I32_16U, T)
OP(LOAD_I64_8S, T) OP(LOAD_I64_8U, T) OP(LOAD_I64_16S, T) OP(LOAD_I64_16U, T)
OP(LOAD_I64_32S, T) OP(LOAD_I64_32U, T)
OP(STORE_8, T) OP(STORE_16, T) OP(STORE_32, T) OP(STORE_64, T)
/* the same at (u32)(addr + k) + offset, fused with the i32.add of k: k32@16, 24 bytes */
OP(LOAD_32_K, T) OP(LOAD_64_K, T)
OP(LOAD_I32_8S_K, T) OP(LOAD_I32_8U_K, T) OP(LOAD_I32_16S_K, T) OP(LOAD_I32_16U_K, T)
OP(LOAD_I64_8S_K, T) OP(LOAD_I64_8U_K, T) OP(LOAD_I64_16S_K, T) OP(LOAD_I64_16U_K, T)
OP(LOAD_I64_32S_K, T) OP(LOAD_I64_32U_K, T)
OP(STORE_8_K, T) OP(STORE_16_K, T) OP(STORE_32_K, T) OP(STORE_64_K, T)

/* any memory, 32- or 64-bit addresses: d@8 a@10 kind@12 mem@14 offset64@16 */
OP(LOAD_X, T)
OP(STORE_X, T)              /* a@8 v@10 kind@12 mem@14 offset64@16 */
OP(MEMORY_SIZE_X, 0)        /* d@8 mem32@12 */
OP(MEMORY_GROW_X, 0)        /* d@8 n@10 mem32@12 */
OP(MEMORY_FILL_X, T)        /* d@8 v@10 n@12 mem32@16 */
OP(MEMORY_COPY_X, T)        /* d@8 s@10 n@12 dmem32@16 smem32@20 */
OP(MEMORY_INIT_X, T)        /* d@8 s@10 n@12 seg32@16 mem32@20 */

/* i32 */
OP(I32_EQZ, 0) OP(I32_CLZ, 0) OP(I32_CTZ, 0) OP(I32_POPCNT, 0)
OP(I32_EXTEND8_S, 0) OP(I32_EXTEND16_S, 0)
OP(I32_EQ, 0) OP(I32_NE, 0) OP(I32_LT_S, 0) OP(I32_LT_U, 0) OP(I32_GT_S, 0)
OP(I32_GT_U, 0) OP(I32_LE_S, 0) OP(I32_LE_U, 0) OP(I32_GE_S, 0) OP(I32_GE_U, 0)
OP(I32_EQ_I, 0) OP(I32_NE_I, 0) OP(I32_LT_S_I, 0) OP(I32_LT_U_I, 0) OP(I32_GT_S_I, 0)
OP(I32_GT_U_I, 0) OP(I32_LE_S_I, 0) OP(I32_LE_U_I, 0) OP(I32_GE_S_I, 0) OP(I32_GE_U_I, 0)
OP(I32_ADD, 0) OP(I32_SUB, 0) OP(I32_MUL, 0) OP(I32_DIV_S, T) OP(I32_DIV_U, T)
OP(I32_REM_S, T) OP(I32_REM_U, T) OP(I32_AND, 0) OP(I32_OR, 0) OP(I32_XOR, 0)
OP(I32_SHL, 0) OP(I32_SHR_S, 0) OP(I32_SHR_U, 0) OP(I32_ROTL, 0) OP(I32_ROTR, 0)
OP(I32_ADD_I, 0) OP(I32_SUB_I, 0) OP(I32_MUL_I, 0) OP(I32_AND_I, 0) OP(I32_OR_I, 0)
OP(I32_XOR_I, 0) OP(I32_SHL_I, 0) OP(I32_SHR_S_I, 0) OP(I32_SHR_U_I, 0) OP(I32_ROTL_I, 0)

/* i64 */
OP(I64_EQZ, 0) OP(I64_CLZ, 0) OP(I64_CTZ, 0) OP(I64_POPCNT, 0)
OP(I64_EXTEND8_S, 0) OP(I64_EXTEND16_S, 0) OP(I64_EXTEND32_S, 0)
OP(I64_EQ, 0) OP(I64_NE, 0) OP(I64_LT_S, 0) OP(I64_LT_U, 0) OP(I64_GT_S, 0)
OP(I64_GT_U, 0) OP(I64_LE_S, 0) OP(I64_LE_U, 0) OP(I64_GE_S, 0) OP(I64_GE_U, 0)
OP(I64_EQ_I, 0) OP(I64_NE_I, 0) OP(I64_LT_S_I, 0) OP(I64_LT_U_I, 0) OP(I64_GT_S_I, 0)
OP(I64_GT_U_I, 0) OP(I64_LE_S_I, 0) OP(I64_LE_U_I, 0) OP(I64_GE_S_I, 0) OP(I64_GE_U_I, 0)
OP(I64_ADD, 0) OP(I64_SUB, 0) OP(I64_MUL, 0) OP(I64_DIV_S, T) OP(I64_DIV_U, T)
OP(I64_REM_S, T) OP(I64_REM_U, T) OP(I64_AND, 0) OP(I64_OR, 0) OP(I64_XOR, 0)
OP(I64_SHL, 0) OP(I64_SHR_S, 0) OP(I64_SHR_U, 0) OP(I64_ROTL, 0) OP(I64_ROTR, 0)
OP(I64_ADD_I, 0) OP(I64_SUB_I, 0) OP(I64_MUL_I, 0) OP(I64_AND_I, 0) OP(I64_OR_I, 0)
OP(I64_XOR_I, 0) OP(I64_SHL_I, 0) OP(I64_SHR_S_I, 0) OP(I64_SHR_U_I, 0) OP(I64_ROTL_I, 0)

/* f32, f64 */
OP(F32_EQ, 0) OP(F32_NE, 0) OP(F32_LT, 0) OP(F32_GT, 0) OP(F32_LE, 0) OP(F32_GE, 0)
OP(F64_EQ, 0) OP(F64_NE, 0) OP(F64_LT, 0) OP(F64_GT, 0) OP(F64_LE, 0) OP(F64_GE, 0)
OP(F32_ABS, 0) OP(F32_NEG, 0) OP(F32_CEIL, 0) OP(F32_FLOOR, 0) OP(F32_TRUNC, 0)
OP(F32_NEAREST, 0) OP(F32_SQRT, 0) OP(F32_ADD, 0) OP(F32_SUB, 0) OP(F32_MUL, 0)
OP(F32_DIV, 0) OP(F32_MIN, 0) OP(F32_MAX, 0) OP(F32_COPYSIGN, 0)
OP(F64_ABS, 0) OP(F64_NEG, 0) OP(F64_CEIL, 0) OP(F64_FLOOR, 0) OP(F64_TRUNC, 0)
OP(F64_NEAREST, 0) OP(F64_SQRT, 0) OP(F64_ADD, 0) OP(F64_SUB, 0) OP(F64_MUL, 0)
OP(F64_DIV, 0) OP(F64_MIN, 0) OP(F64_MAX, 0) OP(F64_COPYSIGN, 0)

/* conversions */
OP(I32_TRUNC_F32_S, T) OP(I32_TRUNC_F32_U, T) OP(I32_TRUNC_F64_S, T) OP(I32_TRUNC_F64_U, T)
OP(I64_EXTEND_I32_S, 0)
OP(I64_TRUNC_F32_S, T) OP(I64_TRUNC_F32_U, T) OP(I64_TRUNC_F64_S, T) OP(I64_TRUNC_F64_U, T)
OP(F32_CONVERT_I32_S, 0) OP(F32_CONVERT_I32_U, 0) OP(F32_CONVERT_I64_S, 0)
OP(F32_CONVERT_I64_U, 0) OP(F32_DEMOTE_F64, 0)
OP(F64_CONVERT_I32_S, 0) OP(F64_CONVERT_I32_U, 0) OP(F64_CONVERT_I64_S, 0)
OP(F64_CONVERT_I64_U, 0) OP(F64_PROMOTE_F32, 0)
OP(I32_TRUNC_SAT_F32_S, 0) OP(I32_TRUNC_SAT_F32_U, 0) OP(I32_TRUNC_SAT_F64_S, 0)
OP(I32_TRUNC_SAT_F64_U, 0) OP(I64_TRUNC_SAT_F32_S, 0) OP(I64_TRUNC_SAT_F32_U, 0)
OP(I64_TRUNC_SAT_F64_S, 0) OP(I64_TRUNC_SAT_F64_U, 0)

#include "ops_simd.h"

#undef OP
