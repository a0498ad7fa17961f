/*
 * emit.c: the lower half of the compiler: appending internal instructions
 * (and the map from them back to module offsets), and the operand stack
 * of compile time, whose entries say where each value is (its home slot,
 * a local's slot, or a constant not yet copied anywhere). compile.c and
 * compile_simd.c build on it.
 */
#include <stdlib.h>

#include "compile.h"

#define T 1
static const uint8_t op_flags[OP_COUNT] = {
#define OP(name, flags) [OP_##name] = flags,
#include "ops.h"
};
#undef T

const uint8_t wasm__valtypes[256] = {
    [WASM_I32] = WASM_I32, [WASM_I64] = WASM_I64, [WASM_F32] = WASM_F32, [WASM_F64] = WASM_F64,
    [WASM_V128] = WASM_V128, [WASM_FUNCREF] = WASM_FUNCREF, [WASM_EXTERNREF] = WASM_EXTERNREF,
};

#define FAIL(c, ...) (wasm__fail((c)->r, __VA_ARGS__), -1)

/* ---- emitting ---- */

static int grow_code(wasm_compiler *c, size_t need)
{
    size_t cap = c->cap ? c->cap : 4096;
    uint8_t *p;

    while (cap < c->len + need)
        cap *= 2;
    p = realloc(c->code, cap);
    if (!p)
        return -1;
    c->code = p;
    c->cap = cap;
    return 0;
}

static void add_map(wasm_compiler *c, size_t pos)
{
    if (c->nmap == c->mapcap) {
        uint32_t cap = c->mapcap ? c->mapcap * 2 : 256;
        wasm_pcmap *p = realloc(c->map, cap * sizeof *p);
        if (!p)
            return; /* only the trap location suffers */
        c->map = p;
        c->mapcap = cap;
    }
    c->map[c->nmap].code = (uint32_t)pos;
    c->map[c->nmap].wasm = (uint32_t)(c->op_start - c->r->base);
    c->nmap++;
}

/* Appends an instruction of `size` bytes (operands zeroed); returns its
   offset. On allocation failure the reader fails and a scratch area at
   the start is reused, so callers need not check. */
size_t wasm__emit(wasm_compiler *c, int op, size_t size)
{
    size_t pos;

    if (c->len + size > c->cap && grow_code(c, size) < 0) {
        wasm__fail(c->r, "out of memory");
        c->len = 0;
    }
    pos = c->len;
    memset(c->code + pos, 0, size);
    memcpy(c->code + pos, &c->labels[op], sizeof(void *));
    c->len += size;
    if (op_flags[op])
        add_map(c, pos);
    c->prev = c->last;
    c->prev_op = c->last_op;
    c->last = pos;
    c->last_op = op;
    c->last_dst = 0;
    c->last_cmp = -1;
    return pos;
}

void wasm__put16(wasm_compiler *c, size_t at, uint16_t v) { memcpy(c->code + at, &v, 2); }
void wasm__put32(wasm_compiler *c, size_t at, uint32_t v) { memcpy(c->code + at, &v, 4); }
void wasm__put64(wasm_compiler *c, size_t at, uint64_t v) { memcpy(c->code + at, &v, 8); }

uint32_t wasm__get32(wasm_compiler *c, size_t at)
{
    uint32_t v;
    memcpy(&v, c->code + at, 4);
    return v;
}

uint16_t wasm__get16(wasm_compiler *c, size_t at)
{
    uint16_t v;
    memcpy(&v, c->code + at, 2);
    return v;
}


/* d = f(s) */
void wasm__emit_un(wasm_compiler *c, int op, uint16_t d, uint16_t s)
{
    size_t pos = wasm__emit(c, op, 16);
    wasm__put16(c, pos + 8, d);
    wasm__put16(c, pos + 10, s);
    c->last_dst = pos + 8;
}

/* d = f(a, b) */
void wasm__emit_bin(wasm_compiler *c, int op, uint16_t d, uint16_t a, uint16_t b)
{
    size_t pos = wasm__emit(c, op, 16);
    wasm__put16(c, pos + 8, d);
    wasm__put16(c, pos + 10, a);
    wasm__put16(c, pos + 12, b);
    c->last_dst = pos + 8;
}

/* d = f(a, imm) */
void wasm__emit_imm(wasm_compiler *c, int op, uint16_t d, uint16_t a, uint32_t imm)
{
    size_t pos = wasm__emit(c, op, 16);
    wasm__put16(c, pos + 8, d);
    wasm__put16(c, pos + 10, a);
    wasm__put32(c, pos + 12, imm);
    c->last_dst = pos + 8;
}

int wasm__fits32(uint64_t k)
{
    return (int64_t)k == (int64_t)(int32_t)k;
}

static void emit_const(wasm_compiler *c, uint16_t d, uint64_t k)
{
    size_t pos;

    if (wasm__fits32(k)) {
        wasm__emit_imm(c, OP_CONST32, d, 0, (uint32_t)k);
        return;
    }
    pos = wasm__emit(c, OP_CONST64, 24);
    wasm__put16(c, pos + 8, d);
    wasm__put64(c, pos + 16, k);
    c->last_dst = pos + 8;
}

/* Copies the value of entry v to slot d. */
/* A copy right after another is one instruction with it (arguments put in
   place for a call, the moves clang makes for phis). */
static int pair_copy(wasm_compiler *c, uint16_t d, uint16_t s)
{
    size_t pos = c->last;

    if (pos == NO_LAST || c->last_op != OP_COPY || pos + 16 != c->len)
        return 0;
    memcpy(c->code + pos, &c->labels[OP_COPY_PAIR], sizeof(void *));
    wasm__put16(c, pos + 12, d);
    wasm__put16(c, pos + 14, s);
    c->last_op = OP_COPY_PAIR;
    c->last_dst = pos + 12;
    return 1;
}

void wasm__emit_move(wasm_compiler *c, uint16_t d, const cval *v)
{
    if (v->kind == K_CONST)
        emit_const(c, d, v->k);
    else if (v->slot != d && (v->type == WASM_V128 || !pair_copy(c, d, v->slot)))
        wasm__emit_un(c, v->type == WASM_V128 ? OP_COPY2 : OP_COPY, d, v->slot);
}

/* A position code may jump to: nothing fuses across it. */
void wasm__label(wasm_compiler *c)
{
    c->last = NO_LAST;
    c->prev = NO_LAST;
    c->last_dst = 0;
    c->last_cmp = -1;
}

/* ---- the operand stack ---- */

const char *wasm__type_name(uint8_t t)
{
    switch (t) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_V128: return "v128";
    case WASM_FUNCREF: return "funcref";
    case WASM_EXTERNREF: return "externref";
    default: return "nothing";
    }
}

/* The home slot of the next entry. */
uint32_t wasm__next_home(wasm_compiler *c)
{
    if (c->sp == 0)
        return c->local_cells;
    const cval *top = &c->stack[c->sp - 1];
    return (uint32_t)top->home + wasm_type_cells(top->type);
}

cval *wasm__push_entry(wasm_compiler *c, uint8_t type)
{
    uint32_t home = wasm__next_home(c);
    uint32_t end = home + wasm_type_cells(type);

    if (c->sp == c->scap) {
        uint32_t cap = c->scap ? c->scap * 2 : 64;
        cval *p = realloc(c->stack, cap * sizeof *p);
        if (!p) {
            wasm__fail(c->r, "out of memory");
            c->sp = 0;
            return &c->stack[0];
        }
        c->stack = p;
        c->scap = cap;
    }
    if (end > WASM_MAX_FRAME_CELLS) {
        wasm__fail(c->r, "function too complex: more than %u values in a frame",
                   WASM_MAX_FRAME_CELLS);
        home = 0;
    } else if (end - c->local_cells > c->max_cells) {
        c->max_cells = end - c->local_cells;
    }
    cval *v = &c->stack[c->sp++];
    v->type = type;
    v->kind = K_HOME;
    v->home = v->slot = (uint16_t)home;
    v->k = 0;
    return v;
}

/* Pushes a value in its home slot; returns the slot. */
uint16_t wasm__push(wasm_compiler *c, uint8_t type)
{
    return wasm__push_entry(c, type)->home;
}

void wasm__push_const(wasm_compiler *c, uint8_t type, uint64_t k)
{
    cval *v = wasm__push_entry(c, type);
    v->kind = K_CONST;
    v->k = k;
}

/* Pops a value of `type` (T_ANY: any type). */
int wasm__pop(wasm_compiler *c, uint8_t type, cval *out)
{
    cframe *f = &c->frames[c->nframes - 1];

    if (c->sp == f->height) {
        if (!f->unreachable)
            return FAIL(c, "type mismatch: expected %s, but the stack is empty",
                        type == T_ANY ? "a value" : wasm__type_name(type));
        memset(out, 0, sizeof *out);
        out->type = type;
        return 0;
    }
    *out = c->stack[--c->sp];
    if (out->kind == K_LOCAL)
        c->pending--;
    if (type != T_ANY && out->type != type && out->type != T_ANY)
        return FAIL(c, "type mismatch: expected %s, got %s", wasm__type_name(type),
                    wasm__type_name(out->type));
    return 0;
}

/* The slot that holds v, putting a constant into v's home first. */
uint16_t wasm__src(wasm_compiler *c, cval *v)
{
    if (v->kind == K_CONST) {
        emit_const(c, v->home, v->k);
        v->kind = K_HOME;
        v->slot = v->home;
    }
    return v->slot;
}

/* Puts entry i into its home slot. */
void wasm__materialize(wasm_compiler *c, uint32_t i)
{
    cval *v = &c->stack[i];

    if (v->kind == K_HOME)
        return;
    if (v->kind == K_LOCAL)
        c->pending--;
    wasm__emit_move(c, v->home, v);
    v->kind = K_HOME;
    v->slot = v->home;
}

/* Before local slot s is written: entries still reading it get a copy. */
int wasm__local_conflicts(wasm_compiler *c, uint16_t s, int fix)
{
    int n = 0;

    if (!c->pending)
        return 0;
    for (uint32_t i = 0; i < c->sp; i++) {
        if (c->stack[i].kind == K_LOCAL && c->stack[i].slot == s) {
            n++;
            if (fix)
                wasm__materialize(c, i);
        }
    }
    return n;
}

void wasm__materialize_locals(wasm_compiler *c)
{
    for (uint32_t i = 0; c->pending && i < c->sp; i++) {
        if (c->stack[i].kind == K_LOCAL)
            wasm__materialize(c, i);
    }
}

/* Whether the last instruction computed v (in v's home) and can write
   somewhere else instead. */
int wasm__retargetable(wasm_compiler *c, const cval *v)
{
    return !c->dead && v->kind == K_HOME && c->last != NO_LAST && c->last_dst &&
           wasm__get16(c, c->last_dst) == v->home;
}

/* A memarg: alignment (<= natural), memory index (multi-memory), offset. */
int wasm__memarg(wasm_compiler *c, uint32_t natural, uint32_t *mem, uint64_t *offset)
{
    uint32_t align = wasm__u32(c->r);

    *mem = 0;
    if (align & 0x40) {
        if (!(c->m->features & WASM_FEATURE_MULTI_MEMORY))
            return FAIL(c, "malformed memop flags: alignment 0x%x", align);
        align &= ~0x40u;
        *mem = wasm__u32(c->r);
    }
    if (c->r->failed)
        return -1;
    if (*mem >= c->m->nmems)
        return FAIL(c, "unknown memory %u", *mem);
    *offset = c->m->mems[*mem].is64 ? wasm__u64(c->r) : wasm__u32(c->r);
    if (c->r->failed)
        return -1;
    if (align >= 32 || (1u << align) > natural)
        return FAIL(c, "alignment must not be larger than natural");
    return 0;
}

