/*
 * interp.c: runs the internal code (ops.h).
 *
 * Direct threading with computed goto: every instruction starts with the
 * address of its handler, and each handler ends with its own indirect jump
 * to the next, so the branch predictor sees one jump per handler. The hot
 * state lives in C locals: pc, the frame pointer, linear memory 0's base
 * and size, the instance. Operands are frame slots named by 16-bit
 * indexes (register style, see compile.c). A wasm call pushes a record on
 * the engine's frame stack and jumps: the C stack does not grow with wasm
 * recursion. Taken branches and calls count down a budget; at zero the
 * embedder's poll runs (preemption, termination).
 */
#include <math.h>
#include <stdlib.h>

#include "compile.h"
#include "numeric.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the engine keeps i32 and f32 values in the low half of a cell: little-endian only"
#endif

#define POLL_INTERVAL 10000

/* a memory for instances without one: every access is out of bounds */
static const wasm_memory no_memory;

/* ---- the loop ---- */

/* operands */
#define U16(o) (*(const uint16_t *)(pc + (o)))
#define U32(o) (*(const uint32_t *)(pc + (o)))
#define I32I(o) (*(const int32_t *)(pc + (o)))
#define U64(o) (*(const uint64_t *)(pc + (o)))
#define R(o) fp[U16(o)]
#define D R(8)
#define A R(10)
#define B R(12)
#define IMM ((uint32_t)I32I(12))
#define IMM64 ((uint64_t)(int64_t)I32I(12))

#define DISPATCH() goto *(*(void *const *)pc)
#define NEXT(n) do { pc += (n); DISPATCH(); } while (0)
#define TRAP(code) do { tc = (code); goto trap; } while (0)
/* a taken branch: the offset is relative to its own field */
#define JUMP(field) do { pc += (intptr_t)I32I(field) + (intptr_t)(field); \
                         if (unlikely(--budget < 0)) goto poll; \
                         DISPATCH(); } while (0)
#define LOAD_MEM() do { const wasm_memory *m0_ = inst->mems ? inst->mems[0] : &no_memory; \
                        mem = m0_->data; memsize = m0_->bytes; } while (0)
#define SYNC() do { ex->frame = fr; } while (0)

/* bounds-checked access to memory 0 at slot `a` + offset32 */
#define EA(a, n) ({ uint64_t ea_ = (uint64_t)R(a).u32 + U32(12); \
                    if (unlikely(ea_ + (n) > memsize)) { TRAP(WASM_TRAP_MEMORY_OOB); } \
                    ea_; })
#define LOAD(T, n, field, conv) do { T v_; memcpy(&v_, mem + EA(10, n), n); \
                                     D.field = conv v_; NEXT(16); } while (0)
#define STORE(T, n, field) do { T v_ = (T)R(10).field; memcpy(mem + EA(8, n), &v_, n); \
                                NEXT(16); } while (0)
/* the fused forms: the address is (u32)(slot + k32@16) + offset32 */
#define EA_K(a, n) ({ uint64_t ea_ = (uint64_t)(uint32_t)(R(a).u32 + U32(16)) + U32(12); \
                      if (unlikely(ea_ + (n) > memsize)) { TRAP(WASM_TRAP_MEMORY_OOB); } \
                      ea_; })
#define LOAD_K(T, n, field, conv) do { T v_; memcpy(&v_, mem + EA_K(10, n), n); \
                                       D.field = conv v_; NEXT(24); } while (0)
#define STORE_K(T, n, field) do { T v_ = (T)R(10).field; memcpy(mem + EA_K(8, n), &v_, n); \
                                  NEXT(24); } while (0)

#define BRANCH_IF(cond, field, size) do { if (cond) JUMP(field); else NEXT(size); } while (0)
#define CMP_BR(type, op) BRANCH_IF(R(8).type op R(10).type, 12, 16)
/* immediates are sign-extended 32-bit values */
#define CMP_BR_I(type, op) BRANCH_IF(R(8).type op (__typeof__(R(8).type))(int64_t)I32I(16), 12, 24)

#define BIN(field, expr) do { __typeof__(A.field) a = A.field, b = B.field; D.field = (expr); \
                              NEXT(16); } while (0)
#define BINI32(expr) do { uint32_t a = A.u32, b = IMM; D.u32 = (expr); NEXT(16); } while (0)
#define BINI64(expr) do { uint64_t a = A.u64, b = IMM64; D.u64 = (expr); NEXT(16); } while (0)
#define CMP(field, op) do { D.u32 = A.field op B.field; NEXT(16); } while (0)
#define CMPI(field, op) do { D.u32 = A.field op (__typeof__(A.field))(int64_t)I32I(12); \
                              NEXT(16); } while (0)
#define UN(dfield, expr) do { __typeof__(A) a = A; D.dfield = (expr); NEXT(16); } while (0)

static const uint8_t *exit_pc; /* the EXIT instruction (set up once) */
static void *const *label_table;

/* The entry frame's record resumes at EXIT, which leaves the loop. */
wasm_trap_code wasm__run(wasm_exec *ex, wasm_func *f, wasm_cell *args)
{
    static void *const labels[] = {
#define T 1
#define OP(name, flags) &&L_##name,
#include "ops.h"
#undef T
    };
    static void *const exit_code[1] = { &&L_EXIT };
    const uint8_t *pc;
    wasm_cell *fp, *const stack_end = ex ? ex->stack_end : NULL;
    wasm_frame *fr, *entry;
    wasm_instance *inst;
    uint8_t *mem;
    uint64_t memsize;
    int32_t budget = POLL_INTERVAL;
    wasm_trap_code tc = WASM_OK;
    const wasm_code_func *cf;
    wasm_func *callee;
    wasm_cell *save_top;

    if (!ex) {
        label_table = labels;
        exit_pc = (const uint8_t *)exit_code;
        return WASM_OK;
    }
    cf = f->code;
    fp = ex->top;
    fr = entry = ex->frame;
    if (fr == ex->frames_end || fp + cf->frame_cells + cf->type->result_cells > stack_end) {
        ex->trap.code = WASM_TRAP_STACK_EXHAUSTED;
        ex->trap.module = NULL;
        return WASM_TRAP_STACK_EXHAUSTED;
    }
    save_top = ex->top;
    memcpy(fp, args, cf->param_cells * sizeof *fp);
    for (uint32_t i = cf->param_cells; i < cf->local_cells; i++)
        fp[i].u64 = 0;
    inst = f->inst;
    fr->pc = exit_pc;
    fr->fp = fp;
    fr->inst = inst;
    fr++;
    ex->depth++;
    pc = cf->code;
    LOAD_MEM();
    DISPATCH();

L_EXIT:
    memcpy(args, fp, f->type->result_cells * sizeof *fp);
    ex->frame = entry;
    ex->top = save_top;
    ex->depth--;
    return WASM_OK;

poll:
    budget = POLL_INTERVAL;
    SYNC();
    if (ex->host && ex->host->poll && ex->host->poll(ex->host))
        TRAP(WASM_TRAP_INTERRUPTED);
    LOAD_MEM();
    DISPATCH();

trap:
    wasm__trap_at(ex, inst, pc, tc);
    ex->frame = entry;
    ex->top = save_top;
    ex->depth--;
    return tc;

    /* ---- control ---- */
L_UNREACHABLE: TRAP(WASM_TRAP_UNREACHABLE);
L_BR: JUMP(8);
L_BR_NZ: BRANCH_IF(R(8).u32, 12, 16);
L_BR_Z: BRANCH_IF(!R(8).u32, 12, 16);
L_BR_TABLE: {
        uint32_t i = R(8).u32, n = U32(12);
        if (i > n)
            i = n;
        JUMP(16 + 4 * i);
    }
L_BR_I32_EQ: CMP_BR(u32, ==);
L_BR_I32_NE: CMP_BR(u32, !=);
L_BR_I32_LT_S: CMP_BR(i32, <);
L_BR_I32_LT_U: CMP_BR(u32, <);
L_BR_I32_GT_S: CMP_BR(i32, >);
L_BR_I32_GT_U: CMP_BR(u32, >);
L_BR_I32_LE_S: CMP_BR(i32, <=);
L_BR_I32_LE_U: CMP_BR(u32, <=);
L_BR_I32_GE_S: CMP_BR(i32, >=);
L_BR_I32_GE_U: CMP_BR(u32, >=);
L_BR_I32_EQ_I: CMP_BR_I(u32, ==);
L_BR_I32_NE_I: CMP_BR_I(u32, !=);
L_BR_I32_LT_S_I: CMP_BR_I(i32, <);
L_BR_I32_LT_U_I: CMP_BR_I(u32, <);
L_BR_I32_GT_S_I: CMP_BR_I(i32, >);
L_BR_I32_GT_U_I: CMP_BR_I(u32, >);
L_BR_I32_LE_S_I: CMP_BR_I(i32, <=);
L_BR_I32_LE_U_I: CMP_BR_I(u32, <=);
L_BR_I32_GE_S_I: CMP_BR_I(i32, >=);
L_BR_I32_GE_U_I: CMP_BR_I(u32, >=);
L_BR_I64_EQ: CMP_BR(u64, ==);
L_BR_I64_NE: CMP_BR(u64, !=);
L_BR_I64_LT_S: CMP_BR(i64, <);
L_BR_I64_LT_U: CMP_BR(u64, <);
L_BR_I64_GT_S: CMP_BR(i64, >);
L_BR_I64_GT_U: CMP_BR(u64, >);
L_BR_I64_LE_S: CMP_BR(i64, <=);
L_BR_I64_LE_U: CMP_BR(u64, <=);
L_BR_I64_GE_S: CMP_BR(i64, >=);
L_BR_I64_GE_U: CMP_BR(u64, >=);
L_BR_I64_EQ_I: CMP_BR_I(u64, ==);
L_BR_I64_NE_I: CMP_BR_I(u64, !=);
L_BR_I64_LT_S_I: CMP_BR_I(i64, <);
L_BR_I64_LT_U_I: CMP_BR_I(u64, <);
L_BR_I64_GT_S_I: CMP_BR_I(i64, >);
L_BR_I64_GT_U_I: CMP_BR_I(u64, >);
L_BR_I64_LE_S_I: CMP_BR_I(i64, <=);
L_BR_I64_LE_U_I: CMP_BR_I(u64, <=);
L_BR_I64_GE_S_I: CMP_BR_I(i64, >=);
L_BR_I64_GE_U_I: CMP_BR_I(u64, >=);

L_ADD_I_BR_EQ_I: { uint32_t v = A.u32 + U32(12); D.u32 = v; BRANCH_IF(v == U32(16), 20, 24); }
L_ADD_I_BR_NE_I: { uint32_t v = A.u32 + U32(12); D.u32 = v; BRANCH_IF(v != U32(16), 20, 24); }
L_ADD_I_BR_EQ: { uint32_t v = A.u32 + U32(12); D.u32 = v; BRANCH_IF(v == R(16).u32, 20, 24); }
L_ADD_I_BR_NE: { uint32_t v = A.u32 + U32(12); D.u32 = v; BRANCH_IF(v != R(16).u32, 20, 24); }

L_RETURN1:
    fp[0] = R(8);
L_RETURN:
    fr--;
    pc = fr->pc;
    fp = fr->fp;
    inst = fr->inst;
    LOAD_MEM();
    DISPATCH();

L_CALL:
    cf = *(const wasm_code_func *const *)(pc + 16);
    {
        wasm_cell *nfp = fp + U16(8);
        if (unlikely(fr == ex->frames_end || nfp + cf->frame_cells > stack_end))
            TRAP(WASM_TRAP_STACK_EXHAUSTED);
        fr->pc = pc + 24;
        fr->fp = fp;
        fr->inst = inst;
        fr++;
        for (uint32_t i = cf->param_cells; i < cf->local_cells; i++)
            nfp[i].u64 = 0;
        fp = nfp;
        pc = cf->code;
        if (unlikely(--budget < 0))
            goto poll;
        DISPATCH();
    }

L_CALL_FUNC:
    callee = inst->funcs[U32(12)];
    goto call_any;
L_CALL_INDIRECT: {
        const wasm_table *t = inst->tables[U32(12)];
        uint32_t i = R(10).u32;
        if (unlikely(i >= t->size))
            TRAP(WASM_TRAP_UNDEFINED_ELEMENT);
        callee = t->cells[i].ref;
        if (unlikely(!callee))
            TRAP(WASM_TRAP_UNINITIALIZED_ELEMENT);
        const wasm_functype *want = &inst->module->types[U32(16)];
        if (unlikely(callee->type != want && !wasm__functype_eq(callee->type, want)))
            TRAP(WASM_TRAP_INDIRECT_TYPE);
        goto call_any;
    }
call_any: /* callee, base@8; the instruction is 24 bytes */
    {
        wasm_cell *nfp = fp + U16(8);
        const uint8_t *ret = pc + 24;
        cf = callee->code;
        if (cf) {
            if (unlikely(fr == ex->frames_end || nfp + cf->frame_cells > stack_end))
                TRAP(WASM_TRAP_STACK_EXHAUSTED);
            fr->pc = ret;
            fr->fp = fp;
            fr->inst = inst;
            fr++;
            for (uint32_t i = cf->param_cells; i < cf->local_cells; i++)
                nfp[i].u64 = 0;
            fp = nfp;
            pc = cf->code;
            inst = callee->inst;
            LOAD_MEM();
            if (unlikely(--budget < 0))
                goto poll;
            DISPATCH();
        }
        const wasm_functype *t = callee->type;
        uint32_t cells = t->param_cells > t->result_cells ? t->param_cells : t->result_cells;
        if (unlikely(nfp + cells > stack_end))
            TRAP(WASM_TRAP_STACK_EXHAUSTED);
        SYNC();
        ex->top = nfp + cells;
        fr->pc = pc; /* for traps and stack walks */
        tc = callee->host(ex, callee, nfp);
        if (tc)
            goto trap;
        LOAD_MEM();
        pc = ret;
        DISPATCH();
    }

L_RETURN_CALL:
    cf = *(const wasm_code_func *const *)(pc + 16);
    if (unlikely(fp + cf->frame_cells > stack_end))
        TRAP(WASM_TRAP_STACK_EXHAUSTED);
    goto tail_wasm;
L_RETURN_CALL_FUNC:
    callee = inst->funcs[U32(12)];
    goto tail_any;
L_RETURN_CALL_INDIRECT: {
        const wasm_table *t = inst->tables[U32(12)];
        uint32_t i = R(10).u32;
        if (unlikely(i >= t->size))
            TRAP(WASM_TRAP_UNDEFINED_ELEMENT);
        callee = t->cells[i].ref;
        if (unlikely(!callee))
            TRAP(WASM_TRAP_UNINITIALIZED_ELEMENT);
        const wasm_functype *want = &inst->module->types[U32(16)];
        if (unlikely(callee->type != want && !wasm__functype_eq(callee->type, want)))
            TRAP(WASM_TRAP_INDIRECT_TYPE);
        goto tail_any;
    }
tail_any:
    cf = callee->code;
    if (cf) {
        if (unlikely(fp + cf->frame_cells > stack_end))
            TRAP(WASM_TRAP_STACK_EXHAUSTED);
        inst = callee->inst;
        LOAD_MEM();
        goto tail_wasm;
    }
    {   /* a host function: call it, then return its results */
        const wasm_functype *t = callee->type;
        wasm_cell *args = fp + U16(8);
        uint32_t cells = t->param_cells > t->result_cells ? t->param_cells : t->result_cells;
        if (unlikely(args + cells > stack_end))
            TRAP(WASM_TRAP_STACK_EXHAUSTED);
        SYNC();
        ex->top = args + cells;
        tc = callee->host(ex, callee, args);
        if (tc)
            goto trap;
        memmove(fp, args, t->result_cells * sizeof *fp);
        goto L_RETURN;
    }
tail_wasm: /* cf: move the arguments down to the frame's start and enter */
    {
        wasm_cell *args = fp + U16(8);
        for (uint32_t i = 0; i < cf->param_cells; i++)
            fp[i] = args[i];
        for (uint32_t i = cf->param_cells; i < cf->local_cells; i++)
            fp[i].u64 = 0;
        pc = cf->code;
        if (unlikely(--budget < 0))
            goto poll;
        DISPATCH();
    }

    /* ---- moves ---- */
L_COPY: D = A; NEXT(16);
L_COPY2: fp[U16(8)] = fp[U16(10)]; fp[U16(8) + 1] = fp[U16(10) + 1]; NEXT(16);
L_COPY_PAIR: R(8) = R(10); R(12) = R(14); NEXT(16);
L_CONST32: D.i64 = I32I(12); NEXT(16);
L_CONST64: D.u64 = U64(16); NEXT(24);
L_CONST128: fp[U16(8)].u64 = U64(16); fp[U16(8) + 1].u64 = U64(24); NEXT(32);
L_SELECT: D = R(14).u32 ? A : B; NEXT(16);
L_SELECT2: {
        wasm_cell *s = R(14).u32 ? &A : &B;
        wasm_cell lo = s[0], hi = s[1];
        fp[U16(8)] = lo;
        fp[U16(8) + 1] = hi;
        NEXT(16);
    }
L_SELECT_KK: D.i64 = R(10).u32 ? I32I(12) : I32I(16); NEXT(24);
L_SELECT_KR: D = R(12).u32 ? (wasm_cell){ .i64 = I32I(16) } : R(10); NEXT(24);
L_SELECT_RK: D = R(12).u32 ? R(10) : (wasm_cell){ .i64 = I32I(16) }; NEXT(24);
L_GLOBAL_GET: D = inst->globals[U32(12)]->val[0]; NEXT(16);
L_GLOBAL_GET2: {
        const wasm_global *g = inst->globals[U32(12)];
        fp[U16(8)] = g->val[0];
        fp[U16(8) + 1] = g->val[1];
        NEXT(16);
    }
L_GLOBAL_SET: inst->globals[U32(12)]->val[0] = R(8); NEXT(16);
L_GLOBAL_SET2: {
        wasm_global *g = inst->globals[U32(12)];
        g->val[0] = fp[U16(8)];
        g->val[1] = fp[U16(8) + 1];
        NEXT(16);
    }
L_GLOBAL_SET_REF: wasm__global_set_ref(inst->globals[U32(12)], R(8)); NEXT(16);
L_I64_EXTEND_I32_U: D.u64 = A.u32; NEXT(16);

    /* ---- references and tables ---- */
L_REF_IS_NULL: D.u32 = A.ref == NULL; NEXT(16);
L_REF_FUNC: D.ref = inst->funcs[U32(12)]; NEXT(16);
L_TABLE_GET: {
        const wasm_table *t = inst->tables[U32(12)];
        uint32_t i = A.u32;
        if (unlikely(i >= t->size))
            TRAP(WASM_TRAP_TABLE_OOB);
        D = t->cells[i];
        NEXT(16);
    }
L_TABLE_SET: {
        wasm_table *t = inst->tables[U32(12)];
        uint32_t i = R(8).u32;
        if (unlikely(i >= t->size))
            TRAP(WASM_TRAP_TABLE_OOB);
        wasm__table_set(t, i, R(10));
        NEXT(16);
    }
L_TABLE_SIZE: D.u32 = (uint32_t)inst->tables[U32(12)]->size; NEXT(16);
L_TABLE_GROW: D.i32 = (int32_t)wasm__table_grow(inst->tables[U32(16)], R(12).u32, R(10)); NEXT(24);
L_TABLE_FILL:
    tc = wasm__table_fill(inst->tables[U32(16)], R(8).u32, R(10), R(12).u32);
    if (tc)
        goto trap;
    NEXT(24);
L_TABLE_COPY:
    tc = wasm__table_copy(inst, U32(16), U32(20), R(8).u32, R(10).u32, R(12).u32);
    if (tc)
        goto trap;
    NEXT(24);
L_TABLE_INIT:
    tc = wasm__table_init(inst, U32(16), U32(20), R(8).u32, R(10).u32, R(12).u32);
    if (tc)
        goto trap;
    NEXT(24);
L_ELEM_DROP: wasm__elem_drop(inst, U32(12)); NEXT(16);

    /* ---- memory 0 ---- */
L_MEMORY_SIZE: D.u32 = (uint32_t)(memsize / WASM_PAGE); NEXT(16);
L_MEMORY_GROW:
    D.i32 = (int32_t)wasm__memory_grow(inst->mems[0], A.u32);
    LOAD_MEM();
    NEXT(16);
L_MEMORY_FILL: {
        uint64_t d = R(8).u32, n = R(12).u32;
        if (unlikely(d + n > memsize))
            TRAP(WASM_TRAP_MEMORY_OOB);
        memset(mem + d, R(10).u32 & 0xff, n);
        NEXT(24);
    }
L_MEMORY_COPY: {
        uint64_t d = R(8).u32, s = R(10).u32, n = R(12).u32;
        if (unlikely(d + n > memsize || s + n > memsize))
            TRAP(WASM_TRAP_MEMORY_OOB);
        memmove(mem + d, mem + s, n);
        NEXT(24);
    }
L_MEMORY_INIT:
    tc = wasm__memory_init(inst, 0, U32(16), R(8).u32, R(10).u32, R(12).u32);
    if (tc)
        goto trap;
    NEXT(24);
L_DATA_DROP: inst->data_dropped[U32(12)] = 1; NEXT(16);

L_LOAD_32: LOAD(uint32_t, 4, u32, );
L_LOAD_64: LOAD(uint64_t, 8, u64, );
L_LOAD_I32_8S: LOAD(int8_t, 1, i32, (int32_t));
L_LOAD_I32_8U: LOAD(uint8_t, 1, u32, (uint32_t));
L_LOAD_I32_16S: LOAD(int16_t, 2, i32, (int32_t));
L_LOAD_I32_16U: LOAD(uint16_t, 2, u32, (uint32_t));
L_LOAD_I64_8S: LOAD(int8_t, 1, i64, (int64_t));
L_LOAD_I64_8U: LOAD(uint8_t, 1, u64, (uint64_t));
L_LOAD_I64_16S: LOAD(int16_t, 2, i64, (int64_t));
L_LOAD_I64_16U: LOAD(uint16_t, 2, u64, (uint64_t));
L_LOAD_I64_32S: LOAD(int32_t, 4, i64, (int64_t));
L_LOAD_I64_32U: LOAD(uint32_t, 4, u64, (uint64_t));
L_STORE_8: STORE(uint8_t, 1, u32);
L_STORE_16: STORE(uint16_t, 2, u32);
L_STORE_32: STORE(uint32_t, 4, u32);
L_STORE_64: STORE(uint64_t, 8, u64);
L_LOAD_32_K: LOAD_K(uint32_t, 4, u32, );
L_LOAD_64_K: LOAD_K(uint64_t, 8, u64, );
L_LOAD_I32_8S_K: LOAD_K(int8_t, 1, i32, (int32_t));
L_LOAD_I32_8U_K: LOAD_K(uint8_t, 1, u32, (uint32_t));
L_LOAD_I32_16S_K: LOAD_K(int16_t, 2, i32, (int32_t));
L_LOAD_I32_16U_K: LOAD_K(uint16_t, 2, u32, (uint32_t));
L_LOAD_I64_8S_K: LOAD_K(int8_t, 1, i64, (int64_t));
L_LOAD_I64_8U_K: LOAD_K(uint8_t, 1, u64, (uint64_t));
L_LOAD_I64_16S_K: LOAD_K(int16_t, 2, i64, (int64_t));
L_LOAD_I64_16U_K: LOAD_K(uint16_t, 2, u64, (uint64_t));
L_LOAD_I64_32S_K: LOAD_K(int32_t, 4, i64, (int64_t));
L_LOAD_I64_32U_K: LOAD_K(uint32_t, 4, u64, (uint64_t));
L_STORE_8_K: STORE_K(uint8_t, 1, u32);
L_STORE_16_K: STORE_K(uint16_t, 2, u32);
L_STORE_32_K: STORE_K(uint32_t, 4, u32);
L_STORE_64_K: STORE_K(uint64_t, 8, u64);

    /* ---- any memory ---- */
L_LOAD_X: {
        static const uint8_t size[] = { 4, 8, 4, 8, 1, 1, 2, 2, 1, 1, 2, 2, 4, 4 };
        const wasm_memory *m = inst->mems[U16(14)];
        unsigned k = U16(12), n = size[k];
        uint64_t a = m->lim.is64 ? A.u64 : A.u32, ea = a + U64(16);
        if (unlikely(ea < a || ea > m->bytes || m->bytes - ea < n))
            TRAP(WASM_TRAP_MEMORY_OOB);
        const uint8_t *p = m->data + ea;
        union { uint8_t u8; int8_t i8; uint16_t u16; int16_t i16; uint32_t u32; int32_t i32;
                uint64_t u64; } v;
        memcpy(&v, p, n);
        switch (k) {
        case 0: case 2: D.u32 = v.u32; break;
        case 1: case 3: D.u64 = v.u64; break;
        case 4: D.i32 = v.i8; break;
        case 5: D.u32 = v.u8; break;
        case 6: D.i32 = v.i16; break;
        case 7: D.u32 = v.u16; break;
        case 8: D.i64 = v.i8; break;
        case 9: D.u64 = v.u8; break;
        case 10: D.i64 = v.i16; break;
        case 11: D.u64 = v.u16; break;
        case 12: D.i64 = v.i32; break;
        default: D.u64 = v.u32; break;
        }
        NEXT(24);
    }
L_STORE_X: {
        static const uint8_t size[] = { 4, 8, 4, 8, 1, 2, 1, 2, 4 };
        wasm_memory *m = inst->mems[U16(14)];
        unsigned n = size[U16(12)];
        uint64_t a = m->lim.is64 ? R(8).u64 : R(8).u32, ea = a + U64(16);
        uint64_t v = R(10).u64;
        if (unlikely(ea < a || ea > m->bytes || m->bytes - ea < n))
            TRAP(WASM_TRAP_MEMORY_OOB);
        memcpy(m->data + ea, &v, n);
        NEXT(24);
    }
L_MEMORY_SIZE_X: {
        const wasm_memory *m = inst->mems[U32(12)];
        if (m->lim.is64)
            D.u64 = m->bytes / WASM_PAGE;
        else
            D.u32 = (uint32_t)(m->bytes / WASM_PAGE);
        NEXT(16);
    }
L_MEMORY_GROW_X: {
        wasm_memory *m = inst->mems[U32(12)];
        int64_t r = wasm__memory_grow(m, m->lim.is64 ? A.u64 : A.u32);
        if (m->lim.is64)
            D.i64 = r;
        else
            D.i32 = (int32_t)r;
        LOAD_MEM();
        NEXT(16);
    }
L_MEMORY_FILL_X: {
        wasm_memory *m = inst->mems[U32(16)];
        uint64_t d = m->lim.is64 ? R(8).u64 : R(8).u32, n = m->lim.is64 ? R(12).u64 : R(12).u32;
        if (unlikely(d > m->bytes || n > m->bytes - d))
            TRAP(WASM_TRAP_MEMORY_OOB);
        memset(m->data + d, R(10).u32 & 0xff, n);
        NEXT(24);
    }
L_MEMORY_COPY_X: {
        wasm_memory *dm = inst->mems[U32(16)], *sm = inst->mems[U32(20)];
        uint64_t d = dm->lim.is64 ? R(8).u64 : R(8).u32, s = sm->lim.is64 ? R(10).u64 : R(10).u32;
        uint64_t n = dm->lim.is64 && sm->lim.is64 ? R(12).u64 : R(12).u32;
        if (unlikely(d > dm->bytes || n > dm->bytes - d || s > sm->bytes || n > sm->bytes - s))
            TRAP(WASM_TRAP_MEMORY_OOB);
        memmove(dm->data + d, sm->data + s, n);
        NEXT(24);
    }
L_MEMORY_INIT_X: {
        const wasm_memory *m = inst->mems[U32(20)];
        tc = wasm__memory_init(inst, U32(20), U32(16), m->lim.is64 ? R(8).u64 : R(8).u32,
                               R(10).u32, R(12).u32);
        if (tc)
            goto trap;
        NEXT(24);
    }

    /* ---- i32 ---- */
L_I32_EQZ: D.u32 = A.u32 == 0; NEXT(16);
L_I32_CLZ: UN(u32, a.u32 ? (uint32_t)__builtin_clz(a.u32) : 32);
L_I32_CTZ: UN(u32, a.u32 ? (uint32_t)__builtin_ctz(a.u32) : 32);
L_I32_POPCNT: UN(u32, (uint32_t)__builtin_popcount(a.u32));
L_I32_EXTEND8_S: UN(i32, (int8_t)a.u32);
L_I32_EXTEND16_S: UN(i32, (int16_t)a.u32);
L_I32_EQ: CMP(u32, ==);
L_I32_NE: CMP(u32, !=);
L_I32_LT_S: CMP(i32, <);
L_I32_LT_U: CMP(u32, <);
L_I32_GT_S: CMP(i32, >);
L_I32_GT_U: CMP(u32, >);
L_I32_LE_S: CMP(i32, <=);
L_I32_LE_U: CMP(u32, <=);
L_I32_GE_S: CMP(i32, >=);
L_I32_GE_U: CMP(u32, >=);
L_I32_EQ_I: CMPI(u32, ==);
L_I32_NE_I: CMPI(u32, !=);
L_I32_LT_S_I: CMPI(i32, <);
L_I32_LT_U_I: CMPI(u32, <);
L_I32_GT_S_I: CMPI(i32, >);
L_I32_GT_U_I: CMPI(u32, >);
L_I32_LE_S_I: CMPI(i32, <=);
L_I32_LE_U_I: CMPI(u32, <=);
L_I32_GE_S_I: CMPI(i32, >=);
L_I32_GE_U_I: CMPI(u32, >=);
L_I32_ADD: BIN(u32, a + b);
L_I32_SUB: BIN(u32, a - b);
L_I32_MUL: BIN(u32, a * b);
L_I32_DIV_S: {
        int32_t a = A.i32, b = B.i32;
        if (unlikely(b == 0))
            TRAP(WASM_TRAP_DIV_ZERO);
        if (unlikely(a == INT32_MIN && b == -1))
            TRAP(WASM_TRAP_INT_OVERFLOW);
        D.i32 = a / b;
        NEXT(16);
    }
L_I32_DIV_U:
    if (unlikely(B.u32 == 0))
        TRAP(WASM_TRAP_DIV_ZERO);
    D.u32 = A.u32 / B.u32;
    NEXT(16);
L_I32_REM_S: {
        int32_t a = A.i32, b = B.i32;
        if (unlikely(b == 0))
            TRAP(WASM_TRAP_DIV_ZERO);
        D.i32 = b == -1 ? 0 : a % b;
        NEXT(16);
    }
L_I32_REM_U:
    if (unlikely(B.u32 == 0))
        TRAP(WASM_TRAP_DIV_ZERO);
    D.u32 = A.u32 % B.u32;
    NEXT(16);
L_I32_AND: BIN(u32, a & b);
L_I32_OR: BIN(u32, a | b);
L_I32_XOR: BIN(u32, a ^ b);
L_I32_SHL: BIN(u32, a << (b & 31));
L_I32_SHR_S: BIN(i32, a >> (b & 31));
L_I32_SHR_U: BIN(u32, a >> (b & 31));
L_I32_ROTL: BIN(u32, rotl32(a, b));
L_I32_ROTR: BIN(u32, rotr32(a, b));
L_I32_ADD_I: BINI32(a + b);
L_I32_SUB_I: BINI32(a - b);
L_I32_MUL_I: BINI32(a * b);
L_I32_AND_I: BINI32(a & b);
L_I32_OR_I: BINI32(a | b);
L_I32_XOR_I: BINI32(a ^ b);
L_I32_SHL_I: BINI32(a << b);
L_I32_SHR_S_I: D.i32 = A.i32 >> IMM; NEXT(16);
L_I32_SHR_U_I: BINI32(a >> b);
L_I32_ROTL_I: BINI32(rotl32(a, b));

    /* ---- i64 ---- */
L_I64_EQZ: D.u32 = A.u64 == 0; NEXT(16);
L_I64_CLZ: UN(u64, a.u64 ? (uint64_t)__builtin_clzll(a.u64) : 64);
L_I64_CTZ: UN(u64, a.u64 ? (uint64_t)__builtin_ctzll(a.u64) : 64);
L_I64_POPCNT: UN(u64, (uint64_t)__builtin_popcountll(a.u64));
L_I64_EXTEND8_S: UN(i64, (int8_t)a.u64);
L_I64_EXTEND16_S: UN(i64, (int16_t)a.u64);
L_I64_EXTEND32_S: UN(i64, (int32_t)a.u64);
L_I64_EQ: CMP(u64, ==);
L_I64_NE: CMP(u64, !=);
L_I64_LT_S: CMP(i64, <);
L_I64_LT_U: CMP(u64, <);
L_I64_GT_S: CMP(i64, >);
L_I64_GT_U: CMP(u64, >);
L_I64_LE_S: CMP(i64, <=);
L_I64_LE_U: CMP(u64, <=);
L_I64_GE_S: CMP(i64, >=);
L_I64_GE_U: CMP(u64, >=);
L_I64_EQ_I: CMPI(u64, ==);
L_I64_NE_I: CMPI(u64, !=);
L_I64_LT_S_I: CMPI(i64, <);
L_I64_LT_U_I: CMPI(u64, <);
L_I64_GT_S_I: CMPI(i64, >);
L_I64_GT_U_I: CMPI(u64, >);
L_I64_LE_S_I: CMPI(i64, <=);
L_I64_LE_U_I: CMPI(u64, <=);
L_I64_GE_S_I: CMPI(i64, >=);
L_I64_GE_U_I: CMPI(u64, >=);
L_I64_ADD: BIN(u64, a + b);
L_I64_SUB: BIN(u64, a - b);
L_I64_MUL: BIN(u64, a * b);
L_I64_DIV_S: {
        int64_t a = A.i64, b = B.i64;
        if (unlikely(b == 0))
            TRAP(WASM_TRAP_DIV_ZERO);
        if (unlikely(a == INT64_MIN && b == -1))
            TRAP(WASM_TRAP_INT_OVERFLOW);
        D.i64 = a / b;
        NEXT(16);
    }
L_I64_DIV_U:
    if (unlikely(B.u64 == 0))
        TRAP(WASM_TRAP_DIV_ZERO);
    D.u64 = A.u64 / B.u64;
    NEXT(16);
L_I64_REM_S: {
        int64_t a = A.i64, b = B.i64;
        if (unlikely(b == 0))
            TRAP(WASM_TRAP_DIV_ZERO);
        D.i64 = b == -1 ? 0 : a % b;
        NEXT(16);
    }
L_I64_REM_U:
    if (unlikely(B.u64 == 0))
        TRAP(WASM_TRAP_DIV_ZERO);
    D.u64 = A.u64 % B.u64;
    NEXT(16);
L_I64_AND: BIN(u64, a & b);
L_I64_OR: BIN(u64, a | b);
L_I64_XOR: BIN(u64, a ^ b);
L_I64_SHL: BIN(u64, a << (b & 63));
L_I64_SHR_S: BIN(i64, a >> (b & 63));
L_I64_SHR_U: BIN(u64, a >> (b & 63));
L_I64_ROTL: BIN(u64, rotl64(a, b));
L_I64_ROTR: BIN(u64, rotr64(a, b));
L_I64_ADD_I: BINI64(a + b);
L_I64_SUB_I: BINI64(a - b);
L_I64_MUL_I: BINI64(a * b);
L_I64_AND_I: BINI64(a & b);
L_I64_OR_I: BINI64(a | b);
L_I64_XOR_I: BINI64(a ^ b);
L_I64_SHL_I: BINI64(a << b);
L_I64_SHR_S_I: D.i64 = A.i64 >> IMM; NEXT(16);
L_I64_SHR_U_I: BINI64(a >> b);
L_I64_ROTL_I: BINI64(rotl64(a, b));

    /* ---- f32, f64 ---- */
L_F32_EQ: CMP(f32, ==);
L_F32_NE: CMP(f32, !=);
L_F32_LT: CMP(f32, <);
L_F32_GT: CMP(f32, >);
L_F32_LE: CMP(f32, <=);
L_F32_GE: CMP(f32, >=);
L_F64_EQ: CMP(f64, ==);
L_F64_NE: CMP(f64, !=);
L_F64_LT: CMP(f64, <);
L_F64_GT: CMP(f64, >);
L_F64_LE: CMP(f64, <=);
L_F64_GE: CMP(f64, >=);
L_F32_ABS: UN(u32, a.u32 & 0x7fffffffu);
L_F32_NEG: UN(u32, a.u32 ^ 0x80000000u);
L_F32_CEIL: UN(f32, ROUND(ceilf, a.f32));
L_F32_FLOOR: UN(f32, ROUND(floorf, a.f32));
L_F32_TRUNC: UN(f32, ROUND(truncf, a.f32));
L_F32_NEAREST: UN(f32, ROUND(nearbyintf, a.f32));
L_F32_SQRT: UN(f32, sqrtf(a.f32));
L_F32_ADD: BIN(f32, a + b);
L_F32_SUB: BIN(f32, a - b);
L_F32_MUL: BIN(f32, a * b);
L_F32_DIV: BIN(f32, a / b);
L_F32_MIN: BIN(f32, f32_min(a, b));
L_F32_MAX: BIN(f32, f32_max(a, b));
L_F32_COPYSIGN: BIN(u32, (a & 0x7fffffffu) | (b & 0x80000000u));
L_F64_ABS: UN(u64, a.u64 & 0x7fffffffffffffffull);
L_F64_NEG: UN(u64, a.u64 ^ 0x8000000000000000ull);
L_F64_CEIL: UN(f64, ROUND(ceil, a.f64));
L_F64_FLOOR: UN(f64, ROUND(floor, a.f64));
L_F64_TRUNC: UN(f64, ROUND(trunc, a.f64));
L_F64_NEAREST: UN(f64, ROUND(nearbyint, a.f64));
L_F64_SQRT: UN(f64, sqrt(a.f64));
L_F64_ADD: BIN(f64, a + b);
L_F64_SUB: BIN(f64, a - b);
L_F64_MUL: BIN(f64, a * b);
L_F64_DIV: BIN(f64, a / b);
L_F64_MIN: BIN(f64, f64_min(a, b));
L_F64_MAX: BIN(f64, f64_max(a, b));
L_F64_COPYSIGN: BIN(u64, (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull));

    /* ---- conversions ---- */
L_I32_TRUNC_F32_S: {
        float x = A.f32;
        if ((tc = TRUNC_CHECK(x, x >= -2147483648.0f, x < 2147483648.0f)))
            goto trap;
        D.i32 = (int32_t)x;
        NEXT(16);
    }
L_I32_TRUNC_F32_U: {
        float x = A.f32;
        if ((tc = TRUNC_CHECK(x, x > -1.0f, x < 4294967296.0f)))
            goto trap;
        D.u32 = (uint32_t)x;
        NEXT(16);
    }
L_I32_TRUNC_F64_S: {
        double x = A.f64;
        if ((tc = TRUNC_CHECK(x, x > -2147483649.0, x < 2147483648.0)))
            goto trap;
        D.i32 = (int32_t)x;
        NEXT(16);
    }
L_I32_TRUNC_F64_U: {
        double x = A.f64;
        if ((tc = TRUNC_CHECK(x, x > -1.0, x < 4294967296.0)))
            goto trap;
        D.u32 = (uint32_t)x;
        NEXT(16);
    }
L_I64_EXTEND_I32_S: D.i64 = A.i32; NEXT(16);
L_I64_TRUNC_F32_S: {
        float x = A.f32;
        if ((tc = TRUNC_CHECK(x, x >= -9223372036854775808.0f, x < 9223372036854775808.0f)))
            goto trap;
        D.i64 = (int64_t)x;
        NEXT(16);
    }
L_I64_TRUNC_F32_U: {
        float x = A.f32;
        if ((tc = TRUNC_CHECK(x, x > -1.0f, x < 18446744073709551616.0f)))
            goto trap;
        D.u64 = (uint64_t)x;
        NEXT(16);
    }
L_I64_TRUNC_F64_S: {
        double x = A.f64;
        if ((tc = TRUNC_CHECK(x, x >= -9223372036854775808.0, x < 9223372036854775808.0)))
            goto trap;
        D.i64 = (int64_t)x;
        NEXT(16);
    }
L_I64_TRUNC_F64_U: {
        double x = A.f64;
        if ((tc = TRUNC_CHECK(x, x > -1.0, x < 18446744073709551616.0)))
            goto trap;
        D.u64 = (uint64_t)x;
        NEXT(16);
    }
L_F32_CONVERT_I32_S: UN(f32, (float)a.i32);
L_F32_CONVERT_I32_U: UN(f32, (float)a.u32);
L_F32_CONVERT_I64_S: UN(f32, (float)a.i64);
L_F32_CONVERT_I64_U: UN(f32, (float)a.u64);
L_F32_DEMOTE_F64: UN(f32, (float)a.f64);
L_F64_CONVERT_I32_S: UN(f64, (double)a.i32);
L_F64_CONVERT_I32_U: UN(f64, (double)a.u32);
L_F64_CONVERT_I64_S: UN(f64, (double)a.i64);
L_F64_CONVERT_I64_U: UN(f64, (double)a.u64);
L_F64_PROMOTE_F32: UN(f64, (double)a.f32);
L_I32_TRUNC_SAT_F32_S: UN(i32, sat_i32(a.f32));
L_I32_TRUNC_SAT_F32_U: UN(u32, sat_u32(a.f32));
L_I32_TRUNC_SAT_F64_S: UN(i32, sat_i32(a.f64));
L_I32_TRUNC_SAT_F64_U: UN(u32, sat_u32(a.f64));
L_I64_TRUNC_SAT_F32_S: UN(i64, sat_i64(a.f32));
L_I64_TRUNC_SAT_F32_U: UN(u64, sat_u64(a.f32));
L_I64_TRUNC_SAT_F64_S: UN(i64, sat_i64(a.f64));
L_I64_TRUNC_SAT_F64_U: UN(u64, sat_u64(a.f64));

#include "interp_simd.h"
}

void *const *wasm__labels(void)
{
    if (!label_table)
        wasm__run(NULL, NULL, NULL);
    return label_table;
}
