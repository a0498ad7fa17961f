/*
 * compile.c: validates each function body and translates it, in the same
 * pass, to internal code (ops.h) for interp.c.
 *
 * The translation is register style. Locals occupy the first slots of a
 * frame; every operand stack position has a fixed home slot after them.
 * local.get and constants emit nothing: the stack entry just names the
 * local's slot or holds the constant, and the instruction that consumes it
 * reads the slot or takes the constant as an immediate. An instruction
 * writes its result to the home of its stack position, unless a local.set
 * follows, which retargets it to the local. A compare followed by br_if or
 * if becomes one compare-and-branch. Branches move the values they carry
 * into the homes of their target; they are resolved to relative offsets
 * here, so nothing is decoded at run time.
 */
#include <stdlib.h>

#include "compile.h"

#define FAIL(c, ...) (wasm__fail((c)->r, __VA_ARGS__), -1)

static void set_dead(wasm_compiler *c)
{
    cframe *f = &c->frames[c->nframes - 1];

    if (!c->dead) {
        c->dead = 1;
        c->dead_start = c->len;
    }
    f->unreachable = 1;
    while (c->sp > f->height) {
        if (c->stack[--c->sp].kind == K_LOCAL)
            c->pending--;
    }
}

/* Code is reachable again: what was emitted while it was not goes. */
static void set_live(wasm_compiler *c)
{
    if (!c->dead)
        return;
    c->dead = 0;
    c->len = c->dead_start;
    while (c->nmap && c->map[c->nmap - 1].code >= c->len)
        c->nmap--;
}

/* ---- blocks ---- */

static cframe *push_frame(wasm_compiler *c, int kind, uint32_t nparams, const uint8_t *params,
                          uint32_t nresults, const uint8_t *results)
{
    cframe *f;

    if (c->nframes == c->fcap) {
        uint32_t cap = c->fcap ? c->fcap * 2 : 16;
        cframe *p = realloc(c->frames, cap * sizeof *p);
        if (!p) {
            wasm__fail(c->r, "out of memory");
            return NULL;
        }
        c->frames = p;
        c->fcap = cap;
    }
    f = &c->frames[c->nframes++];
    memset(f, 0, sizeof *f);
    f->kind = (uint8_t)kind;
    f->height = c->sp - nparams;
    f->home = (uint16_t)(f->height ? c->stack[f->height - 1].home +
                                         wasm_type_cells(c->stack[f->height - 1].type)
                                   : c->local_cells);
    f->nparams = nparams;
    f->params = params;
    f->nresults = nresults;
    f->results = results;
    f->patches = -1;
    f->else_field = -1;
    f->entry_dead = (uint8_t)c->dead;
    return f;
}

/* The values a branch to f carries. */
static uint32_t label_arity(const cframe *f, const uint8_t **types)
{
    if (f->kind == F_LOOP) {
        *types = f->params;
        return f->nparams;
    }
    *types = f->results;
    return f->nresults;
}

/* Checks that the top of the stack holds `types` (without popping). What a
   polymorphic stack supplied comes back as `types` (typed), or unknown. */
static int check_top_as(wasm_compiler *c, uint32_t n, const uint8_t *types, int typed)
{
    cval tmp[8], *saved = n <= 8 ? tmp : malloc(n * sizeof *saved);
    int ret = 0;
    uint32_t popped = 0;

    if (!saved)
        return FAIL(c, "out of memory");
    for (uint32_t i = n; i-- > 0;) {
        uint32_t sp = c->sp;
        if (wasm__pop(c, types[i], &saved[i]) < 0) {
            ret = -1;
            break;
        }
        if (c->sp < sp)
            popped++;
    }
    /* put back what was popped; below it, typed fillers for what a
       polymorphic stack supplied */
    for (uint32_t i = 0; i < n && ret == 0; i++) {
        if (i < n - popped) {
            wasm__push_entry(c, typed ? types[i] : T_ANY);
            continue;
        }
        c->stack[c->sp++] = saved[i];
        if (saved[i].kind == K_LOCAL)
            c->pending++;
    }
    if (saved != tmp)
        free(saved);
    return ret;
}

static int check_top(wasm_compiler *c, uint32_t n, const uint8_t *types)
{
    return check_top_as(c, n, types, 1);
}

/* Whether a branch to f needs to move the values it carries. */
static int needs_moves(wasm_compiler *c, const cframe *f)
{
    const uint8_t *types;
    uint32_t n = label_arity(f, &types), home = f->home;

    if (f->kind == F_FUNC)
        return n > 0;
    for (uint32_t i = 0; i < n; i++) {
        const cval *v = &c->stack[c->sp - n + i];
        if (v->kind != K_HOME || v->home != home)
            return 1;
        home += wasm_type_cells(types[i]);
    }
    return 0;
}

/* Before a return: a result still read from a local that the result
   slots overlap is copied to its home first. Done before any conditional
   code, so the stack's record of where values are holds on every path. */
static void protect_results(wasm_compiler *c)
{
    uint32_t n = c->type->nresults;

    for (uint32_t i = c->sp - n; i < c->sp; i++) {
        if (c->stack[i].kind == K_LOCAL && c->stack[i].slot < c->type->result_cells)
            wasm__materialize(c, i);
    }
}

/* Moves the values a branch to f carries into f's homes (or, for the
   function, into the result slots). Ascending order is safe: a value never
   sits below its destination (protect_results saw to locals). */
static void emit_moves(wasm_compiler *c, const cframe *f)
{
    const uint8_t *types;
    uint32_t n = label_arity(f, &types);
    uint32_t dst = f->kind == F_FUNC ? 0 : f->home;
    uint32_t first = c->sp - n;

    for (uint32_t i = 0; i < n; i++) {
        wasm__emit_move(c, (uint16_t)dst, &c->stack[first + i]);
        dst += wasm_type_cells(types[i]);
    }
}

/* Links the branch offset field at `field` to f. */
static void link_branch(wasm_compiler *c, cframe *f, size_t field)
{
    if (c->dead)
        return;
    if (f->kind == F_LOOP) {
        wasm__put32(c, field, (uint32_t)(int32_t)((int64_t)f->start - (int64_t)field));
        return;
    }
    wasm__put32(c, field, (uint32_t)(int32_t)f->patches);
    f->patches = (int64_t)field;
    f->targeted = 1;
}

/* Resolves the forward branches to f's end, which is here. */
static void bind_end(wasm_compiler *c, cframe *f)
{
    for (int64_t at = f->patches; at >= 0;) {
        int64_t next = (int32_t)wasm__get32(c, (size_t)at);
        wasm__put32(c, (size_t)at, (uint32_t)(int32_t)((int64_t)c->len - at));
        at = next;
    }
    f->patches = -1;
}

static void emit_return(wasm_compiler *c)
{
    const wasm_functype *t = c->type;
    size_t pos;

    protect_results(c);
    if (t->nresults == 1 && t->result_cells == 1 && c->stack[c->sp - 1].kind != K_CONST) {
        pos = wasm__emit(c, OP_RETURN1, 16);
        wasm__put16(c, pos + 8, c->stack[c->sp - 1].slot);
        return;
    }
    emit_moves(c, &c->frames[0]);
    wasm__emit(c, OP_RETURN, 8);
}

/* An unconditional branch to frame depth `depth`. */
static void emit_br(wasm_compiler *c, cframe *f)
{
    size_t pos;

    if (f->kind == F_FUNC) {
        emit_return(c);
        return;
    }
    emit_moves(c, f);
    pos = wasm__emit(c, OP_BR, 16);
    link_branch(c, f, pos + 8);
}

static int read_label(wasm_compiler *c, cframe **f)
{
    uint32_t depth = wasm__u32(c->r);

    if (c->r->failed)
        return -1;
    if (depth >= c->nframes)
        return FAIL(c, "unknown label %u", depth);
    *f = &c->frames[c->nframes - 1 - depth];
    return 0;
}

/* Block types: empty, one value type, or a type index (multi-value). */
static int block_type(wasm_compiler *c, uint32_t *np, const uint8_t **params, uint32_t *nr,
                      const uint8_t **results)
{
    uint8_t b;
    int64_t idx;

    if (c->r->p >= c->r->end)
        return FAIL(c, "unexpected end: expected a block type");
    b = *c->r->p;
    *np = *nr = 0;
    *params = *results = NULL;
    if (b == 0x40) {
        c->r->p++;
        return 0;
    }
    if (wasm__valtypes[b]) {
        c->r->p++;
        *nr = 1;
        *results = &wasm__valtypes[b];
        return 0;
    }
    idx = wasm__s33(c->r);
    if (c->r->failed)
        return -1;
    if (idx < 0 || (uint64_t)idx >= c->m->ntypes)
        return FAIL(c, "unknown type %lld", (long long)idx);
    const wasm_functype *t = &c->m->types[idx];
    *np = t->nparams;
    *params = t->params;
    *nr = t->nresults;
    *results = t->results;
    return 0;
}

typedef struct blocktype {
    uint32_t np, nr;
    const uint8_t *params, *results;
} blocktype;

/* Reads a block type and readies the stack for the block's entry: a write
   to a local inside the block must not happen on some paths only into a
   copy that an entry below depends on, and parameters go to their homes
   (a loop's back edges put new values there; an if's arms both read them). */
static int block_entry(wasm_compiler *c, blocktype *bt)
{
    if (block_type(c, &bt->np, &bt->params, &bt->nr, &bt->results) < 0 ||
        check_top(c, bt->np, bt->params) < 0)
        return -1;
    if (c->dead)
        return 0;
    wasm__materialize_locals(c);
    for (uint32_t i = c->sp - bt->np; i < c->sp; i++)
        wasm__materialize(c, i);
    return 0;
}

static int open_block(wasm_compiler *c, int kind, const blocktype *bt)
{
    cframe *f = push_frame(c, kind, bt->np, bt->params, bt->nr, bt->results);

    if (!f)
        return -1;
    wasm__label(c);
    f->start = c->len;
    return 0;
}

static int op_block(wasm_compiler *c, int kind)
{
    blocktype bt;

    if (block_entry(c, &bt) < 0)
        return -1;
    return open_block(c, kind, &bt);
}

/* Compare-and-branch: the compare just emitted folds into the branch. */
static int fused_branch_op(wasm_compiler *c, int negate)
{
    static const int8_t neg[10] = { 1, 0, 8, 9, 6, 7, 4, 5, 2, 3 };
    int cmp = c->last_cmp, base, idx;

    if (cmp == OP_I32_EQZ || cmp == OP_I64_EQZ)
        return -1;
    if (cmp >= OP_I32_EQ && cmp <= OP_I32_GE_U) { base = OP_BR_I32_EQ; idx = cmp - OP_I32_EQ; }
    else if (cmp >= OP_I32_EQ_I && cmp <= OP_I32_GE_U_I) { base = OP_BR_I32_EQ_I; idx = cmp - OP_I32_EQ_I; }
    else if (cmp >= OP_I64_EQ && cmp <= OP_I64_GE_U) { base = OP_BR_I64_EQ; idx = cmp - OP_I64_EQ; }
    else { base = OP_BR_I64_EQ_I; idx = cmp - OP_I64_EQ_I; }
    return base + (negate ? neg[idx] : idx);
}

/* A loop counter stepped by an i32.add of a constant just before a compare
   for equality and the branch: one instruction for the three. Returns its
   offset field, or NO_LAST. The compare is undone already. */
static size_t fuse_step(wasm_compiler *c, int op, size_t add, int add_op, uint16_t a,
                        uint16_t b, int32_t imm)
{
    static const int16_t fused[][2] = {
        { OP_BR_I32_EQ_I, OP_ADD_I_BR_EQ_I }, { OP_BR_I32_NE_I, OP_ADD_I_BR_NE_I },
        { OP_BR_I32_EQ, OP_ADD_I_BR_EQ }, { OP_BR_I32_NE, OP_ADD_I_BR_NE },
    };
    int f = -1;
    size_t pos;

    for (int i = 0; i < 4; i++) {
        if (fused[i][0] == op)
            f = fused[i][1];
    }
    if (f < 0 || add == NO_LAST || add_op != OP_I32_ADD_I || add + 16 != c->len ||
        wasm__get16(c, add + 8) != a)
        return NO_LAST;
    uint16_t src = wasm__get16(c, add + 10);
    uint32_t k = wasm__get32(c, add + 12);
    c->len = add;
    pos = wasm__emit(c, f, 24);
    wasm__put16(c, pos + 8, a);
    wasm__put16(c, pos + 10, src);
    wasm__put32(c, pos + 12, k);
    if (f == OP_ADD_I_BR_EQ_I || f == OP_ADD_I_BR_NE_I)
        wasm__put32(c, pos + 16, (uint32_t)imm);
    else
        wasm__put16(c, pos + 16, b);
    return pos + 20;
}

/* Emits "branch if cond (or, negated, if not)"; returns the offset field. */
static size_t emit_cond_branch(wasm_compiler *c, cval *cond, int negate)
{
    size_t pos;
    int op;

    if (cond->kind == K_HOME && c->last_cmp >= 0 && wasm__retargetable(c, cond)) {
        int cmp = c->last_cmp;
        uint16_t a = c->cmp_a, b = c->cmp_b;
        int32_t imm = c->cmp_imm;
        size_t add = c->prev;
        int add_op = c->prev_op;
        c->len = c->last; /* undo the compare */
        if (cmp == OP_I32_EQZ || cmp == OP_I64_EQZ) {
            if (cmp == OP_I32_EQZ) {
                pos = wasm__emit(c, negate ? OP_BR_NZ : OP_BR_Z, 16);
                wasm__put16(c, pos + 8, a);
                return pos + 12;
            }
            pos = wasm__emit(c, negate ? OP_BR_I64_NE_I : OP_BR_I64_EQ_I, 24);
            wasm__put16(c, pos + 8, a);
            return pos + 12;
        }
        c->last_cmp = cmp;
        op = fused_branch_op(c, negate);
        if ((pos = fuse_step(c, op, add, add_op, a, b, imm)) != NO_LAST)
            return pos;
        if (op >= OP_BR_I32_EQ_I && op <= OP_BR_I32_GE_U_I) {
            pos = wasm__emit(c, op, 24);
            wasm__put32(c, pos + 16, (uint32_t)imm);
        } else if (op >= OP_BR_I64_EQ_I && op <= OP_BR_I64_GE_U_I) {
            pos = wasm__emit(c, op, 24);
            wasm__put32(c, pos + 16, (uint32_t)imm);
        } else {
            pos = wasm__emit(c, op, 16);
            wasm__put16(c, pos + 10, b);
        }
        wasm__put16(c, pos + 8, a);
        return pos + 12;
    }
    uint16_t s = wasm__src(c, cond);
    pos = wasm__emit(c, negate ? OP_BR_Z : OP_BR_NZ, 16);
    wasm__put16(c, pos + 8, s);
    return pos + 12;
}

static int op_if(wasm_compiler *c)
{
    cval cond;
    size_t field;
    blocktype bt;
    int dead = c->dead;

    if (wasm__pop(c, WASM_I32, &cond) < 0 || block_entry(c, &bt) < 0)
        return -1;
    field = emit_cond_branch(c, &cond, 1);
    if (open_block(c, F_IF, &bt) < 0)
        return -1;
    if (!dead)
        c->frames[c->nframes - 1].else_field = (int64_t)field;
    return 0;
}

/* The end of a block's (or an if's first arm's) code: the results must be
   on the stack, exactly. */
static int check_results(wasm_compiler *c, cframe *f)
{
    if (check_top(c, f->nresults, f->results) < 0)
        return -1;
    if (c->sp != f->height + f->nresults)
        return FAIL(c, "type mismatch: %u values left at the end of a block that "
                       "returns %u", c->sp - f->height, f->nresults);
    if (!c->dead && f->kind != F_FUNC) {
        for (uint32_t i = f->height; i < c->sp; i++)
            wasm__materialize(c, i);
    }
    return 0;
}

static int op_else(wasm_compiler *c)
{
    cframe *f = &c->frames[c->nframes - 1];
    size_t pos;

    if (f->kind != F_IF)
        return FAIL(c, "else without if");
    if (check_results(c, f) < 0)
        return -1;
    if (!c->dead) {
        pos = wasm__emit(c, OP_BR, 16);
        link_branch(c, f, pos + 8);
    }
    if (!f->entry_dead) {
        set_live(c);
        if (f->else_field >= 0)
            wasm__put32(c, (size_t)f->else_field,
                  (uint32_t)(int32_t)((int64_t)c->len - f->else_field));
    }
    f->else_field = -1;
    f->kind = F_ELSE;
    f->unreachable = 0;
    c->sp = f->height;
    for (uint32_t i = 0; i < f->nparams; i++)
        wasm__push_entry(c, f->params[i]);
    wasm__label(c);
    return 0;
}

static int op_end(wasm_compiler *c)
{
    cframe *f = &c->frames[c->nframes - 1];
    int live;

    if (f->kind == F_IF) { /* no else: the params pass through */
        if (f->nparams != f->nresults ||
            (f->nparams && memcmp(f->params, f->results, f->nparams) != 0))
            return FAIL(c, "type mismatch: if without else must return its parameters");
    }
    if (check_results(c, f) < 0)
        return -1;
    if (f->kind == F_FUNC) {
        if (!c->dead)
            emit_return(c);
        c->nframes--;
        return 0;
    }
    live = !c->dead || f->targeted || (f->kind == F_IF && !f->entry_dead);
    if (live)
        set_live(c);
    if (f->kind == F_IF && f->else_field >= 0)
        wasm__put32(c, (size_t)f->else_field, (uint32_t)(int32_t)((int64_t)c->len - f->else_field));
    bind_end(c, f);
    wasm__label(c);
    c->sp = f->height;
    c->nframes--;
    for (uint32_t i = 0; i < f->nresults; i++)
        wasm__push_entry(c, f->results[i]);
    if (!live && !c->dead) { /* unreachable after the block */
        c->dead = 1;
        c->dead_start = c->len;
    }
    return 0;
}

static int op_br(wasm_compiler *c)
{
    cframe *f;
    const uint8_t *types;
    uint32_t n;

    if (read_label(c, &f) < 0)
        return -1;
    n = label_arity(f, &types);
    if (check_top(c, n, types) < 0)
        return -1;
    if (!c->dead)
        emit_br(c, f);
    set_dead(c);
    return 0;
}

static int op_br_if(wasm_compiler *c)
{
    cframe *f;
    const uint8_t *types;
    uint32_t n;
    cval cond;
    size_t field;

    if (read_label(c, &f) < 0 || wasm__pop(c, WASM_I32, &cond) < 0)
        return -1;
    n = label_arity(f, &types);
    if (check_top(c, n, types) < 0)
        return -1;
    if (c->dead)
        return 0;
    if (f->kind == F_FUNC)
        protect_results(c);
    if (f->kind != F_FUNC && !needs_moves(c, f)) {
        field = emit_cond_branch(c, &cond, 0);
        link_branch(c, f, field);
    } else { /* skip over the moves and the branch when the condition fails */
        field = emit_cond_branch(c, &cond, 1);
        emit_br(c, f);
        wasm__put32(c, field, (uint32_t)(int32_t)((int64_t)c->len - (int64_t)field));
        wasm__label(c);
    }
    return 0;
}

static int op_br_table(wasm_compiler *c)
{
    uint32_t n = wasm__u32(c->r), arity = 0;
    cframe **targets;
    cval idx;
    size_t pos;
    int ret = -1;

    if (c->r->failed)
        return -1;
    if (n > (size_t)(c->r->end - c->r->p))
        return FAIL(c, "unexpected end: br_table of %u labels", n);
    targets = malloc(((size_t)n + 1) * sizeof *targets);
    if (!targets)
        return FAIL(c, "out of memory");
    for (uint32_t i = 0; i <= n; i++) {
        if (read_label(c, &targets[i]) < 0)
            goto out;
    }
    if (wasm__pop(c, WASM_I32, &idx) < 0)
        goto out;
    for (uint32_t i = 0; i <= n; i++) {
        const uint8_t *types;
        uint32_t k = label_arity(targets[i], &types);
        if (i == 0)
            arity = k;
        else if (k != arity) {
            wasm__fail(c->r, "type mismatch: br_table labels of different arity");
            goto out;
        }
        if (check_top_as(c, k, types, 0) < 0)
            goto out;
    }
    if (!c->dead) {
        uint16_t s = wasm__src(c, &idx);
        for (uint32_t i = 0; i <= n; i++) {
            if (targets[i]->kind == F_FUNC)
                protect_results(c);
        }
        pos = wasm__emit(c, OP_BR_TABLE, (16 + 4 * ((size_t)n + 1) + 7) & ~(size_t)7);
        wasm__put16(c, pos + 8, s);
        wasm__put32(c, pos + 12, n);
        for (uint32_t i = 0; i <= n; i++) {
            size_t field = pos + 16 + 4 * (size_t)i;
            cframe *f = targets[i];
            if (f->kind != F_FUNC && !needs_moves(c, f)) {
                link_branch(c, f, field);
                continue;
            }
            wasm__put32(c, field, (uint32_t)(int32_t)((int64_t)c->len - (int64_t)field));
            wasm__label(c);
            emit_br(c, f);
        }
    }
    set_dead(c);
    ret = 0;
out:
    free(targets);
    return ret;
}

/* ---- locals and globals ---- */

static int read_local(wasm_compiler *c, uint32_t *x)
{
    *x = wasm__u32(c->r);
    if (c->r->failed)
        return -1;
    if (*x >= c->nlocals)
        return FAIL(c, "unknown local %u", *x);
    return 0;
}

static int op_local_get(wasm_compiler *c)
{
    uint32_t x;
    cval *v;

    if (read_local(c, &x) < 0)
        return -1;
    v = wasm__push_entry(c, c->ltypes[x]);
    v->kind = K_LOCAL;
    v->slot = c->lslot[x];
    c->pending++;
    return 0;
}

/* local.set and local.tee */
static int op_local_set(wasm_compiler *c, int tee)
{
    uint32_t x;
    cval v;
    uint16_t s;

    if (read_local(c, &x) < 0 || wasm__pop(c, c->ltypes[x], &v) < 0)
        return -1;
    s = c->lslot[x];
    if (c->dead || (v.kind == K_LOCAL && v.slot == s)) {
        /* nothing to do */
    } else if (wasm__retargetable(c, &v) && !wasm__local_conflicts(c, s, 0)) {
        wasm__put16(c, c->last_dst, s);
        c->last_dst = 0;
        v.kind = K_LOCAL;
        v.slot = s;
    } else {
        wasm__local_conflicts(c, s, 1);
        wasm__emit_move(c, s, &v);
        c->last_dst = 0;
    }
    if (tee) {
        cval *t = wasm__push_entry(c, v.type);
        t->kind = v.kind;
        t->slot = v.kind == K_HOME ? t->home : v.slot;
        t->k = v.k;
        if (v.kind == K_LOCAL)
            c->pending++;
    }
    return 0;
}

static int read_global(wasm_compiler *c, uint32_t *x)
{
    *x = wasm__u32(c->r);
    if (c->r->failed)
        return -1;
    if (*x >= c->m->nglobals)
        return FAIL(c, "unknown global %u", *x);
    return 0;
}

static int op_global_get(wasm_compiler *c)
{
    uint32_t x;
    uint8_t t;

    if (read_global(c, &x) < 0)
        return -1;
    t = c->m->globals[x].type.type;
    wasm__emit_imm(c, t == WASM_V128 ? OP_GLOBAL_GET2 : OP_GLOBAL_GET, wasm__push(c, t), 0, x);
    return 0;
}

static int op_global_set(wasm_compiler *c)
{
    uint32_t x;
    cval v;
    uint8_t t;
    size_t pos;

    if (read_global(c, &x) < 0)
        return -1;
    t = c->m->globals[x].type.type;
    if (!c->m->globals[x].type.mut)
        return FAIL(c, "global is immutable: global %u", x);
    if (wasm__pop(c, t, &v) < 0)
        return -1;
    uint16_t s = wasm__src(c, &v);
    pos = wasm__emit(c, t == WASM_V128 ? OP_GLOBAL_SET2 : wasm__is_ref(t) ? OP_GLOBAL_SET_REF
                                                                     : OP_GLOBAL_SET, 16);
    wasm__put16(c, pos + 8, s);
    wasm__put32(c, pos + 12, x);
    return 0;
}

/* ---- numeric instructions ---- */

enum { COMM = 1, CMP = 2, SHIFT = 4 };

typedef struct numop {
    uint16_t op, imm;   /* register form, immediate form (0: none) */
    uint8_t a, b, r;    /* operand types (b 0: unary), result type */
    uint8_t flags;
} numop;

#define I32 WASM_I32
#define I64 WASM_I64
#define F32 WASM_F32
#define F64 WASM_F64
#define UN(o, a, r) { OP_##o, 0, a, 0, r, 0 }
#define BIN(o, t, f) { OP_##o, 0, t, t, t, f }
#define BINI(o, t, f) { OP_##o, OP_##o##_I, t, t, t, f }
#define CMPI(o, t) { OP_##o, OP_##o##_I, t, t, I32, CMP }
#define CMPF(o, t, f) { OP_##o, 0, t, t, I32, f }

/* opcodes 0x45 to 0xbf */
static const numop numops[] = {
    UN(I32_EQZ, I32, I32), CMPI(I32_EQ, I32), CMPI(I32_NE, I32), CMPI(I32_LT_S, I32),
    CMPI(I32_LT_U, I32), CMPI(I32_GT_S, I32), CMPI(I32_GT_U, I32), CMPI(I32_LE_S, I32),
    CMPI(I32_LE_U, I32), CMPI(I32_GE_S, I32), CMPI(I32_GE_U, I32),
    UN(I64_EQZ, I64, I32), CMPI(I64_EQ, I64), CMPI(I64_NE, I64), CMPI(I64_LT_S, I64),
    CMPI(I64_LT_U, I64), CMPI(I64_GT_S, I64), CMPI(I64_GT_U, I64), CMPI(I64_LE_S, I64),
    CMPI(I64_LE_U, I64), CMPI(I64_GE_S, I64), CMPI(I64_GE_U, I64),
    CMPF(F32_EQ, F32, COMM), CMPF(F32_NE, F32, COMM), CMPF(F32_LT, F32, 0),
    CMPF(F32_GT, F32, 0), CMPF(F32_LE, F32, 0), CMPF(F32_GE, F32, 0),
    CMPF(F64_EQ, F64, COMM), CMPF(F64_NE, F64, COMM), CMPF(F64_LT, F64, 0),
    CMPF(F64_GT, F64, 0), CMPF(F64_LE, F64, 0), CMPF(F64_GE, F64, 0),
    UN(I32_CLZ, I32, I32), UN(I32_CTZ, I32, I32), UN(I32_POPCNT, I32, I32),
    BINI(I32_ADD, I32, COMM), BINI(I32_SUB, I32, 0), BINI(I32_MUL, I32, COMM),
    BIN(I32_DIV_S, I32, 0), BIN(I32_DIV_U, I32, 0), BIN(I32_REM_S, I32, 0),
    BIN(I32_REM_U, I32, 0), BINI(I32_AND, I32, COMM), BINI(I32_OR, I32, COMM),
    BINI(I32_XOR, I32, COMM), BINI(I32_SHL, I32, SHIFT), BINI(I32_SHR_S, I32, SHIFT),
    BINI(I32_SHR_U, I32, SHIFT), BINI(I32_ROTL, I32, SHIFT), BIN(I32_ROTR, I32, 0),
    UN(I64_CLZ, I64, I64), UN(I64_CTZ, I64, I64), UN(I64_POPCNT, I64, I64),
    BINI(I64_ADD, I64, COMM), BINI(I64_SUB, I64, 0), BINI(I64_MUL, I64, COMM),
    BIN(I64_DIV_S, I64, 0), BIN(I64_DIV_U, I64, 0), BIN(I64_REM_S, I64, 0),
    BIN(I64_REM_U, I64, 0), BINI(I64_AND, I64, COMM), BINI(I64_OR, I64, COMM),
    BINI(I64_XOR, I64, COMM), BINI(I64_SHL, I64, SHIFT), BINI(I64_SHR_S, I64, SHIFT),
    BINI(I64_SHR_U, I64, SHIFT), BINI(I64_ROTL, I64, SHIFT), BIN(I64_ROTR, I64, 0),
    UN(F32_ABS, F32, F32), UN(F32_NEG, F32, F32), UN(F32_CEIL, F32, F32),
    UN(F32_FLOOR, F32, F32), UN(F32_TRUNC, F32, F32), UN(F32_NEAREST, F32, F32),
    UN(F32_SQRT, F32, F32), BIN(F32_ADD, F32, 0), BIN(F32_SUB, F32, 0), BIN(F32_MUL, F32, 0),
    BIN(F32_DIV, F32, 0), BIN(F32_MIN, F32, 0), BIN(F32_MAX, F32, 0),
    BIN(F32_COPYSIGN, F32, 0),
    UN(F64_ABS, F64, F64), UN(F64_NEG, F64, F64), UN(F64_CEIL, F64, F64),
    UN(F64_FLOOR, F64, F64), UN(F64_TRUNC, F64, F64), UN(F64_NEAREST, F64, F64),
    UN(F64_SQRT, F64, F64), BIN(F64_ADD, F64, 0), BIN(F64_SUB, F64, 0), BIN(F64_MUL, F64, 0),
    BIN(F64_DIV, F64, 0), BIN(F64_MIN, F64, 0), BIN(F64_MAX, F64, 0),
    BIN(F64_COPYSIGN, F64, 0),
    { 0, 0, I64, 0, I32, 0 }, /* i32.wrap_i64: a new type, nothing to do */
    UN(I32_TRUNC_F32_S, F32, I32), UN(I32_TRUNC_F32_U, F32, I32),
    UN(I32_TRUNC_F64_S, F64, I32), UN(I32_TRUNC_F64_U, F64, I32),
    UN(I64_EXTEND_I32_S, I32, I64), UN(I64_EXTEND_I32_U, I32, I64),
    UN(I64_TRUNC_F32_S, F32, I64), UN(I64_TRUNC_F32_U, F32, I64),
    UN(I64_TRUNC_F64_S, F64, I64), UN(I64_TRUNC_F64_U, F64, I64),
    UN(F32_CONVERT_I32_S, I32, F32), UN(F32_CONVERT_I32_U, I32, F32),
    UN(F32_CONVERT_I64_S, I64, F32), UN(F32_CONVERT_I64_U, I64, F32),
    UN(F32_DEMOTE_F64, F64, F32),
    UN(F64_CONVERT_I32_S, I32, F64), UN(F64_CONVERT_I32_U, I32, F64),
    UN(F64_CONVERT_I64_S, I64, F64), UN(F64_CONVERT_I64_U, I64, F64),
    UN(F64_PROMOTE_F32, F32, F64),
    { 0, 0, F32, 0, I32, 0 }, { 0, 0, F64, 0, I64, 0 }, /* reinterpretations */
    { 0, 0, I32, 0, F32, 0 }, { 0, 0, I64, 0, F64, 0 },
    UN(I32_EXTEND8_S, I32, I32), UN(I32_EXTEND16_S, I32, I32),
    UN(I64_EXTEND8_S, I64, I64), UN(I64_EXTEND16_S, I64, I64), UN(I64_EXTEND32_S, I64, I64),
};

/* 0xfc 0 to 7 */
static const numop satops[] = {
    UN(I32_TRUNC_SAT_F32_S, F32, I32), UN(I32_TRUNC_SAT_F32_U, F32, I32),
    UN(I32_TRUNC_SAT_F64_S, F64, I32), UN(I32_TRUNC_SAT_F64_U, F64, I32),
    UN(I64_TRUNC_SAT_F32_S, F32, I64), UN(I64_TRUNC_SAT_F32_U, F32, I64),
    UN(I64_TRUNC_SAT_F64_S, F64, I64), UN(I64_TRUNC_SAT_F64_U, F64, I64),
};

/* a < b is b > a: the compare with the operands swapped */
static int swapped_cmp(int op)
{
    static const int8_t swap[10] = { 0, 1, 4, 5, 2, 3, 8, 9, 6, 7 };
    int base = op >= OP_I64_EQ ? OP_I64_EQ : OP_I32_EQ;
    return base + swap[op - base];
}

static void note_cmp(wasm_compiler *c, int op, uint16_t a, uint16_t b, int32_t imm)
{
    c->last_cmp = op;
    c->cmp_a = a;
    c->cmp_b = b;
    c->cmp_imm = imm;
}

static int op_numeric(wasm_compiler *c, const numop *n)
{
    cval a, b;
    uint16_t d;

    if (n->b) {
        if (wasm__pop(c, n->b, &b) < 0 || wasm__pop(c, n->a, &a) < 0)
            return -1;
        d = wasm__push(c, n->r);
        if (c->dead)
            return 0;
        int is64 = n->a == I64;
        /* an immediate operand, when the form exists and the constant fits */
        if (n->imm && b.kind == K_CONST && (!is64 || wasm__fits32(b.k))) {
            uint32_t k = (uint32_t)b.k;
            if (n->flags & SHIFT)
                k &= is64 ? 63 : 31;
            uint16_t s = wasm__src(c, &a);
            wasm__emit_imm(c, n->imm, d, s, k);
            if (n->flags & CMP)
                note_cmp(c, n->imm, s, 0, (int32_t)k);
            return 0;
        }
        if (n->imm && a.kind == K_CONST && (!is64 || wasm__fits32(a.k)) && (n->flags & (COMM | CMP))) {
            int op = (n->flags & CMP) ? swapped_cmp(n->op) : n->op;
            int imm = (n->flags & CMP) ? op + (OP_I32_EQ_I - OP_I32_EQ) : n->imm;
            if (is64 && (n->flags & CMP))
                imm = op + (OP_I64_EQ_I - OP_I64_EQ);
            wasm__emit_imm(c, imm, d, b.slot, (uint32_t)a.k);
            if (n->flags & CMP)
                note_cmp(c, imm, b.slot, 0, (int32_t)a.k);
            return 0;
        }
        uint16_t sa = wasm__src(c, &a), sb = wasm__src(c, &b);
        wasm__emit_bin(c, n->op, d, sa, sb);
        if (n->flags & CMP)
            note_cmp(c, n->op, sa, sb, 0);
        return 0;
    }
    if (wasm__pop(c, n->a, &a) < 0)
        return -1;
    if (!n->op) { /* a change of type only */
        cval *v = wasm__push_entry(c, n->r);
        v->kind = a.kind;
        v->slot = a.kind == K_HOME ? v->home : a.slot;
        v->k = n->r == I32 || n->r == F32 ? (uint64_t)(int64_t)(int32_t)a.k : a.k;
        if (a.kind == K_LOCAL)
            c->pending++;
        return 0;
    }
    d = wasm__push(c, n->r);
    if (c->dead)
        return 0;
    uint16_t s = wasm__src(c, &a);
    wasm__emit_un(c, n->op, d, s);
    if (n->op == OP_I32_EQZ || n->op == OP_I64_EQZ)
        note_cmp(c, n->op, s, 0, 0);
    return 0;
}

/* ---- memory ---- */

static uint8_t addr_type(wasm_compiler *c, uint32_t mem)
{
    return c->m->mems[mem].is64 ? I64 : I32;
}

/* An address computed by the i32.add (or sub) of a constant that was just
   emitted, with nothing else using its result: the add folds into the
   access, which then computes (u32)(src + k) + offset itself. */
static int fused_addend(wasm_compiler *c, const cval *a, uint16_t *src, uint32_t *k)
{
    if (a->kind != K_HOME || (c->last_op != OP_I32_ADD_I && c->last_op != OP_I32_SUB_I) ||
        !wasm__retargetable(c, a))
        return 0;
    *src = wasm__get16(c, c->last + 10);
    *k = wasm__get32(c, c->last + 12);
    if (c->last_op == OP_I32_SUB_I)
        *k = 0u - *k;
    c->len = c->last;
    wasm__label(c);
    return 1;
}

/* loads 0x28 to 0x35 */
static int op_load(wasm_compiler *c, uint8_t opcode)
{
    static const struct { uint8_t type, size; uint16_t op; } loads[] = {
        { I32, 4, OP_LOAD_32 }, { I64, 8, OP_LOAD_64 }, { F32, 4, OP_LOAD_32 },
        { F64, 8, OP_LOAD_64 }, { I32, 1, OP_LOAD_I32_8S }, { I32, 1, OP_LOAD_I32_8U },
        { I32, 2, OP_LOAD_I32_16S }, { I32, 2, OP_LOAD_I32_16U }, { I64, 1, OP_LOAD_I64_8S },
        { I64, 1, OP_LOAD_I64_8U }, { I64, 2, OP_LOAD_I64_16S }, { I64, 2, OP_LOAD_I64_16U },
        { I64, 4, OP_LOAD_I64_32S }, { I64, 4, OP_LOAD_I64_32U },
    };
    const int k = opcode - 0x28;
    uint32_t mem;
    uint64_t off;
    cval a;
    uint16_t d, s;
    size_t pos;

    if (wasm__memarg(c, loads[k].size, &mem, &off) < 0 ||
        wasm__pop(c, addr_type(c, mem), &a) < 0)
        return -1;
    d = wasm__push(c, loads[k].type);
    uint32_t addend;
    if (mem == 0 && !c->m->mems[0].is64 && fused_addend(c, &a, &s, &addend)) {
        pos = wasm__emit(c, loads[k].op - OP_LOAD_32 + OP_LOAD_32_K, 24);
        wasm__put32(c, pos + 12, (uint32_t)off);
        wasm__put32(c, pos + 16, addend);
    } else if (s = wasm__src(c, &a), mem == 0 && !c->m->mems[0].is64) {
        pos = wasm__emit(c, loads[k].op, 16);
        wasm__put32(c, pos + 12, (uint32_t)off);
    } else {
        pos = wasm__emit(c, OP_LOAD_X, 24);
        wasm__put16(c, pos + 12, (uint16_t)k);
        wasm__put16(c, pos + 14, (uint16_t)mem);
        wasm__put64(c, pos + 16, off);
    }
    wasm__put16(c, pos + 8, d);
    wasm__put16(c, pos + 10, s);
    c->last_dst = pos + 8;
    return 0;
}

/* stores 0x36 to 0x3e */
static int op_store(wasm_compiler *c, uint8_t opcode)
{
    static const struct { uint8_t type, size; uint16_t op; } stores[] = {
        { I32, 4, OP_STORE_32 }, { I64, 8, OP_STORE_64 }, { F32, 4, OP_STORE_32 },
        { F64, 8, OP_STORE_64 }, { I32, 1, OP_STORE_8 }, { I32, 2, OP_STORE_16 },
        { I64, 1, OP_STORE_8 }, { I64, 2, OP_STORE_16 }, { I64, 4, OP_STORE_32 },
    };
    const int k = opcode - 0x36;
    uint32_t mem;
    uint64_t off;
    cval a, v;
    uint16_t sa, sv;
    size_t pos;

    if (wasm__memarg(c, stores[k].size, &mem, &off) < 0 ||
        wasm__pop(c, stores[k].type, &v) < 0 || wasm__pop(c, addr_type(c, mem), &a) < 0)
        return -1;
    uint32_t addend;
    int fused = mem == 0 && !c->m->mems[0].is64 && fused_addend(c, &a, &sa, &addend);
    if (!fused)
        sa = wasm__src(c, &a);
    sv = wasm__src(c, &v);
    if (fused) {
        pos = wasm__emit(c, stores[k].op - OP_STORE_8 + OP_STORE_8_K, 24);
        wasm__put32(c, pos + 12, (uint32_t)off);
        wasm__put32(c, pos + 16, addend);
    } else if (mem == 0 && !c->m->mems[0].is64) {
        pos = wasm__emit(c, stores[k].op, 16);
        wasm__put32(c, pos + 12, (uint32_t)off);
    } else {
        pos = wasm__emit(c, OP_STORE_X, 24);
        wasm__put16(c, pos + 12, (uint16_t)k);
        wasm__put16(c, pos + 14, (uint16_t)mem);
        wasm__put64(c, pos + 16, off);
    }
    wasm__put16(c, pos + 8, sa);
    wasm__put16(c, pos + 10, sv);
    return 0;
}

/* memory.size and memory.grow name a memory: a zero byte in 2.0 */
static int memory_index(wasm_compiler *c, uint32_t *mem)
{
    if (c->m->features & WASM_FEATURE_MULTI_MEMORY) {
        *mem = wasm__u32(c->r);
    } else {
        *mem = wasm__u8(c->r);
        if (*mem != 0 && !c->r->failed)
            return FAIL(c, "zero byte expected");
    }
    if (c->r->failed)
        return -1;
    if (*mem >= c->m->nmems)
        return FAIL(c, "unknown memory %u", *mem);
    return 0;
}

static int op_memory_size(wasm_compiler *c)
{
    uint32_t mem;
    size_t pos;

    if (memory_index(c, &mem) < 0)
        return -1;
    uint16_t d = wasm__push(c, addr_type(c, mem));
    if (mem == 0) {
        pos = wasm__emit(c, OP_MEMORY_SIZE, 16);
    } else {
        pos = wasm__emit(c, OP_MEMORY_SIZE_X, 16);
        wasm__put32(c, pos + 12, mem);
    }
    wasm__put16(c, pos + 8, d);
    c->last_dst = pos + 8;
    return 0;
}

static int op_memory_grow(wasm_compiler *c)
{
    uint32_t mem;
    cval n;
    size_t pos;

    if (memory_index(c, &mem) < 0 || wasm__pop(c, addr_type(c, mem), &n) < 0)
        return -1;
    uint16_t d = wasm__push(c, addr_type(c, mem));
    uint16_t s = wasm__src(c, &n);
    pos = wasm__emit(c, mem == 0 && !c->m->mems[0].is64 ? OP_MEMORY_GROW : OP_MEMORY_GROW_X, 16);
    wasm__put16(c, pos + 8, d);
    wasm__put16(c, pos + 10, s);
    wasm__put32(c, pos + 12, mem);
    c->last_dst = pos + 8;
    return 0;
}

/* ---- calls ---- */

/* Pops the arguments of t into their homes; returns the first one's slot. */
static int call_args(wasm_compiler *c, const wasm_functype *t, uint16_t *base)
{
    cval v;

    for (uint32_t i = t->nparams; i-- > 0;) {
        if (c->sp > c->frames[c->nframes - 1].height) /* materialize before popping */
            wasm__materialize(c, c->sp - 1);
        if (wasm__pop(c, t->params[i], &v) < 0)
            return -1;
    }
    *base = (uint16_t)wasm__next_home(c);
    return 0;
}

static void push_results(wasm_compiler *c, const wasm_functype *t)
{
    for (uint32_t i = 0; i < t->nresults; i++)
        wasm__push(c, t->results[i]);
}

static int check_tail_results(wasm_compiler *c, const wasm_functype *t)
{
    const wasm_functype *ft = c->type;

    if (t->nresults != ft->nresults || memcmp(t->results, ft->results, t->nresults) != 0)
        return FAIL(c, "type mismatch: tail call to a function with other results");
    return 0;
}

static int op_call(wasm_compiler *c, int tail)
{
    uint32_t f = wasm__u32(c->r);
    const wasm_functype *t;
    uint16_t base;
    size_t pos;

    if (c->r->failed)
        return -1;
    if (f >= c->m->nfuncs)
        return FAIL(c, "unknown function %u", f);
    t = &c->m->types[c->m->func_types[f]];
    if ((tail && check_tail_results(c, t) < 0) || call_args(c, t, &base) < 0)
        return -1;
    if (f >= c->m->nfunc_imports) {
        pos = wasm__emit(c, tail ? OP_RETURN_CALL : OP_CALL, 24);
        const wasm_code_func *cf = &c->m->code_funcs[f - c->m->nfunc_imports];
        memcpy(c->code + pos + 16, &cf, sizeof cf);
    } else {
        pos = wasm__emit(c, tail ? OP_RETURN_CALL_FUNC : OP_CALL_FUNC, 24);
        wasm__put32(c, pos + 12, f);
    }
    wasm__put16(c, pos + 8, base);
    if (tail)
        set_dead(c);
    else
        push_results(c, t);
    return 0;
}

static int op_call_indirect(wasm_compiler *c, int tail)
{
    uint32_t ti = wasm__u32(c->r), table = wasm__u32(c->r);
    const wasm_functype *t;
    uint16_t base, e;
    cval elem;
    size_t pos;

    if (c->r->failed)
        return -1;
    if (ti >= c->m->ntypes)
        return FAIL(c, "unknown type %u", ti);
    if (table >= c->m->ntables)
        return FAIL(c, "unknown table %u", table);
    if (c->m->tables[table].elem != WASM_FUNCREF)
        return FAIL(c, "type mismatch: call_indirect on a table of externref");
    t = &c->m->types[ti];
    if (wasm__pop(c, WASM_I32, &elem) < 0)
        return -1;
    e = wasm__src(c, &elem);
    if ((tail && check_tail_results(c, t) < 0) || call_args(c, t, &base) < 0)
        return -1;
    pos = wasm__emit(c, tail ? OP_RETURN_CALL_INDIRECT : OP_CALL_INDIRECT, 24);
    wasm__put16(c, pos + 8, base);
    wasm__put16(c, pos + 10, e);
    wasm__put32(c, pos + 12, table);
    wasm__put32(c, pos + 16, c->m->canon[ti]);
    if (tail)
        set_dead(c);
    else
        push_results(c, t);
    return 0;
}

/* ---- references, tables, bulk memory ---- */

static int read_table(wasm_compiler *c, uint32_t *t)
{
    *t = wasm__u32(c->r);
    if (c->r->failed)
        return -1;
    if (*t >= c->m->ntables)
        return FAIL(c, "unknown table %u", *t);
    return 0;
}

static int op_select(wasm_compiler *c, int typed)
{
    cval cond, a, b;
    uint8_t t = T_ANY;
    size_t pos;

    if (typed) {
        uint32_t n = wasm__u32(c->r);
        if (!c->r->failed && n != 1)
            return FAIL(c, "invalid result arity: select takes one type");
        t = wasm__valtypes[wasm__u8(c->r)];
        if (!c->r->failed && !t)
            return FAIL(c, "malformed value type");
    }
    if (c->r->failed || wasm__pop(c, WASM_I32, &cond) < 0 || wasm__pop(c, t, &b) < 0 ||
        wasm__pop(c, t == T_ANY ? b.type : t, &a) < 0)
        return -1;
    if (t == T_ANY) {
        t = a.type != T_ANY ? a.type : b.type;
        if (wasm__is_ref(t))
            return FAIL(c, "type mismatch: select without a type on references");
    }
    uint16_t d = wasm__push(c, t);
    int ka = a.kind == K_CONST && wasm__fits32(a.k), kb = b.kind == K_CONST && wasm__fits32(b.k);
    if ((ka || kb) && cond.kind != K_CONST) { /* constants as immediates */
        uint16_t sc = wasm__src(c, &cond);
        uint16_t sr = ka && kb ? 0 : ka ? wasm__src(c, &b) : wasm__src(c, &a);
        pos = wasm__emit(c, ka && kb ? OP_SELECT_KK : ka ? OP_SELECT_KR : OP_SELECT_RK, 24);
        wasm__put16(c, pos + 8, d);
        if (ka && kb) {
            wasm__put16(c, pos + 10, sc);
            wasm__put32(c, pos + 12, (uint32_t)a.k);
            wasm__put32(c, pos + 16, (uint32_t)b.k);
        } else {
            wasm__put16(c, pos + 10, sr);
            wasm__put16(c, pos + 12, sc);
            wasm__put32(c, pos + 16, (uint32_t)(ka ? a.k : b.k));
        }
        c->last_dst = pos + 8;
        return 0;
    }
    uint16_t sa = wasm__src(c, &a), sb = wasm__src(c, &b), sc = wasm__src(c, &cond);
    pos = wasm__emit(c, t == WASM_V128 ? OP_SELECT2 : OP_SELECT, 16);
    wasm__put16(c, pos + 8, d);
    wasm__put16(c, pos + 10, sa);
    wasm__put16(c, pos + 12, sb);
    wasm__put16(c, pos + 14, sc);
    c->last_dst = pos + 8;
    return 0;
}

static int op_ref(wasm_compiler *c, uint8_t opcode)
{
    cval v;
    uint32_t f;

    switch (opcode) {
    case 0xd0: { /* ref.null t */
        uint8_t t = wasm__u8(c->r);
        if (c->r->failed)
            return -1;
        if (!wasm__is_ref(t))
            return FAIL(c, "malformed reference type 0x%02x", t);
        wasm__push_const(c, t, 0);
        return 0;
    }
    case 0xd1: /* ref.is_null */
        if (wasm__pop(c, T_ANY, &v) < 0)
            return -1;
        if (v.type != T_ANY && !wasm__is_ref(v.type))
            return FAIL(c, "type mismatch: ref.is_null of %s", wasm__type_name(v.type));
        wasm__emit_un(c, OP_REF_IS_NULL, wasm__push(c, WASM_I32), wasm__src(c, &v));
        return 0;
    default: /* ref.func */
        f = wasm__u32(c->r);
        if (c->r->failed)
            return -1;
        if (f >= c->m->nfuncs)
            return FAIL(c, "unknown function %u", f);
        if (!(c->m->declared[f >> 3] & (1u << (f & 7))))
            return FAIL(c, "undeclared function reference %u", f);
        wasm__emit_imm(c, OP_REF_FUNC, wasm__push(c, WASM_FUNCREF), 0, f);
        return 0;
    }
}

static int op_table_get_set(wasm_compiler *c, int set)
{
    uint32_t t;
    cval i, v;
    size_t pos;

    if (read_table(c, &t) < 0)
        return -1;
    uint8_t et = c->m->tables[t].elem;
    if (set) {
        if (wasm__pop(c, et, &v) < 0 || wasm__pop(c, I32, &i) < 0)
            return -1;
        uint16_t si = wasm__src(c, &i), sv = wasm__src(c, &v);
        pos = wasm__emit(c, OP_TABLE_SET, 16);
        wasm__put16(c, pos + 8, si);
        wasm__put16(c, pos + 10, sv);
        wasm__put32(c, pos + 12, t);
        return 0;
    }
    if (wasm__pop(c, I32, &i) < 0)
        return -1;
    uint16_t d = wasm__push(c, et);
    wasm__emit_imm(c, OP_TABLE_GET, d, wasm__src(c, &i), t);
    return 0;
}

/* Three operands (d@8 a@10 b@12) and two 32-bit immediates. */
static void emit3(wasm_compiler *c, int op, cval *x, cval *y, cval *z, uint32_t i1, uint32_t i2)
{
    uint16_t sx = wasm__src(c, x), sy = wasm__src(c, y), sz = wasm__src(c, z);
    size_t pos = wasm__emit(c, op, 24);

    wasm__put16(c, pos + 8, sx);
    wasm__put16(c, pos + 10, sy);
    wasm__put16(c, pos + 12, sz);
    wasm__put32(c, pos + 16, i1);
    wasm__put32(c, pos + 20, i2);
}

static int data_index(wasm_compiler *c, uint32_t *seg)
{
    *seg = wasm__u32(c->r);
    if (c->r->failed)
        return -1;
    if (!c->m->has_datacount)
        return FAIL(c, "data count section required");
    if (*seg >= c->m->datacount)
        return FAIL(c, "unknown data segment %u", *seg);
    return 0;
}

static int elem_index(wasm_compiler *c, uint32_t *seg)
{
    *seg = wasm__u32(c->r);
    if (c->r->failed)
        return -1;
    if (*seg >= c->m->nelems)
        return FAIL(c, "unknown elem segment %u", *seg);
    return 0;
}

static int op_bulk(wasm_compiler *c, uint32_t sub)
{
    uint32_t a, b;
    cval x, y, z;
    size_t pos;

    switch (sub) {
    case 8: /* memory.init seg mem */
        if (data_index(c, &a) < 0 || memory_index(c, &b) < 0 || wasm__pop(c, I32, &z) < 0 ||
            wasm__pop(c, I32, &y) < 0 || wasm__pop(c, addr_type(c, b), &x) < 0)
            return -1;
        emit3(c, b == 0 && !c->m->mems[0].is64 ? OP_MEMORY_INIT : OP_MEMORY_INIT_X,
              &x, &y, &z, a, b);
        return 0;
    case 9: /* data.drop */
        if (data_index(c, &a) < 0)
            return -1;
        pos = wasm__emit(c, OP_DATA_DROP, 16);
        wasm__put32(c, pos + 12, a);
        return 0;
    case 10: { /* memory.copy dst src */
        if (memory_index(c, &a) < 0 || memory_index(c, &b) < 0)
            return -1;
        int wide = c->m->mems[a].is64 && c->m->mems[b].is64;
        if (wasm__pop(c, wide ? I64 : I32, &z) < 0 || wasm__pop(c, addr_type(c, b), &y) < 0 ||
            wasm__pop(c, addr_type(c, a), &x) < 0)
            return -1;
        emit3(c, a == 0 && b == 0 && !c->m->mems[0].is64 ? OP_MEMORY_COPY : OP_MEMORY_COPY_X,
              &x, &y, &z, a, b);
        return 0;
    }
    case 11: /* memory.fill */
        if (memory_index(c, &a) < 0 || wasm__pop(c, addr_type(c, a), &z) < 0 ||
            wasm__pop(c, I32, &y) < 0 || wasm__pop(c, addr_type(c, a), &x) < 0)
            return -1;
        emit3(c, a == 0 && !c->m->mems[0].is64 ? OP_MEMORY_FILL : OP_MEMORY_FILL_X,
              &x, &y, &z, a, 0);
        return 0;
    case 12: /* table.init seg table */
        if (elem_index(c, &a) < 0 || read_table(c, &b) < 0)
            return -1;
        if (c->m->elems[a].type != c->m->tables[b].elem)
            return FAIL(c, "type mismatch: table.init of another reference type");
        if (wasm__pop(c, I32, &z) < 0 || wasm__pop(c, I32, &y) < 0 || wasm__pop(c, I32, &x) < 0)
            return -1;
        emit3(c, OP_TABLE_INIT, &x, &y, &z, b, a);
        return 0;
    case 13: /* elem.drop */
        if (elem_index(c, &a) < 0)
            return -1;
        pos = wasm__emit(c, OP_ELEM_DROP, 16);
        wasm__put32(c, pos + 12, a);
        return 0;
    case 14: /* table.copy dst src */
        if (read_table(c, &a) < 0 || read_table(c, &b) < 0)
            return -1;
        if (c->m->tables[a].elem != c->m->tables[b].elem)
            return FAIL(c, "type mismatch: table.copy between reference types");
        if (wasm__pop(c, I32, &z) < 0 || wasm__pop(c, I32, &y) < 0 || wasm__pop(c, I32, &x) < 0)
            return -1;
        emit3(c, OP_TABLE_COPY, &x, &y, &z, a, b);
        return 0;
    case 15: { /* table.grow */
        if (read_table(c, &a) < 0 || wasm__pop(c, I32, &z) < 0 ||
            wasm__pop(c, c->m->tables[a].elem, &y) < 0)
            return -1;
        uint16_t d = wasm__push(c, I32);
        uint16_t sy = wasm__src(c, &y), sz = wasm__src(c, &z);
        pos = wasm__emit(c, OP_TABLE_GROW, 24);
        wasm__put16(c, pos + 8, d);
        wasm__put16(c, pos + 10, sy);
        wasm__put16(c, pos + 12, sz);
        wasm__put32(c, pos + 16, a);
        c->last_dst = pos + 8;
        return 0;
    }
    case 16: /* table.size */
        if (read_table(c, &a) < 0)
            return -1;
        wasm__emit_imm(c, OP_TABLE_SIZE, wasm__push(c, I32), 0, a);
        return 0;
    case 17: /* table.fill */
        if (read_table(c, &a) < 0 || wasm__pop(c, I32, &z) < 0 ||
            wasm__pop(c, c->m->tables[a].elem, &y) < 0 || wasm__pop(c, I32, &x) < 0)
            return -1;
        emit3(c, OP_TABLE_FILL, &x, &y, &z, a, 0);
        return 0;
    }
    return FAIL(c, "illegal opcode 0xfc %u", sub);
}

/* ---- the instruction loop ---- */

static int op_const(wasm_compiler *c, uint8_t opcode)
{
    switch (opcode) {
    case 0x41: wasm__push_const(c, I32, (uint64_t)(int64_t)wasm__s32(c->r)); break;
    case 0x42: wasm__push_const(c, I64, (uint64_t)wasm__s64(c->r)); break;
    case 0x43: wasm__push_const(c, F32, (uint64_t)(int64_t)(int32_t)wasm__fixed32(c->r)); break;
    default: wasm__push_const(c, F64, wasm__fixed64(c->r)); break;
    }
    return c->r->failed ? -1 : 0;
}

static int instruction(wasm_compiler *c)
{
    wasm_reader *r = c->r;
    uint8_t op = wasm__u8(r);
    cval v;

    if (r->failed)
        return -1;
    switch (op) {
    case 0x00: /* unreachable */
        wasm__emit(c, OP_UNREACHABLE, 8);
        set_dead(c);
        return 0;
    case 0x01: return 0; /* nop */
    case 0x02: return op_block(c, F_BLOCK);
    case 0x03: return op_block(c, F_LOOP);
    case 0x04: return op_if(c);
    case 0x05: return op_else(c);
    case 0x0b: return op_end(c);
    case 0x0c: return op_br(c);
    case 0x0d: return op_br_if(c);
    case 0x0e: return op_br_table(c);
    case 0x0f: /* return */
        if (check_top(c, c->type->nresults, c->type->results) < 0)
            return -1;
        if (!c->dead)
            emit_return(c);
        set_dead(c);
        return 0;
    case 0x10: return op_call(c, 0);
    case 0x11: return op_call_indirect(c, 0);
    case 0x12:
    case 0x13:
        if (!(c->m->features & WASM_FEATURE_TAIL_CALL))
            break;
        return op == 0x12 ? op_call(c, 1) : op_call_indirect(c, 1);
    case 0x1a: /* drop */
        if (wasm__pop(c, T_ANY, &v) < 0)
            return -1;
        wasm__label(c); /* its value is gone: nothing may be retargeted to it */
        return 0;
    case 0x1b: return op_select(c, 0);
    case 0x1c: return op_select(c, 1);
    case 0x20: return op_local_get(c);
    case 0x21: return op_local_set(c, 0);
    case 0x22: return op_local_set(c, 1);
    case 0x23: return op_global_get(c);
    case 0x24: return op_global_set(c);
    case 0x25: return op_table_get_set(c, 0);
    case 0x26: return op_table_get_set(c, 1);
    case 0x3f: return op_memory_size(c);
    case 0x40: return op_memory_grow(c);
    case 0x41: case 0x42: case 0x43: case 0x44: return op_const(c, op);
    case 0xd0: case 0xd1: case 0xd2: return op_ref(c, op);
    case 0xfc: {
        uint32_t sub = wasm__u32(r);
        if (r->failed)
            return -1;
        if (sub < 8)
            return op_numeric(c, &satops[sub]);
        return op_bulk(c, sub);
    }
    case 0xfd: return wasm__compile_simd(c);
    default:
        if (op >= 0x28 && op <= 0x35)
            return op_load(c, op);
        if (op >= 0x36 && op <= 0x3e)
            return op_store(c, op);
        if (op >= 0x45 && op <= 0xc4)
            return op_numeric(c, &numops[op - 0x45]);
        break;
    }
    return FAIL(c, "illegal opcode 0x%02x", op);
}

static int read_locals(wasm_compiler *c, const wasm_functype *t)
{
    uint32_t groups = wasm__u32(c->r), n = t->nparams, cells = 0;
    const uint8_t *save = c->r->p;
    uint64_t total = t->nparams;

    /* count first, to allocate once and to refuse absurd counts */
    for (uint32_t g = 0; g < groups && !c->r->failed; g++) {
        total += wasm__u32(c->r);
        wasm__u8(c->r);
        if (total > WASM_MAX_LOCALS)
            return FAIL(c, "too many locals: more than %u", WASM_MAX_LOCALS);
    }
    if (c->r->failed)
        return -1;
    c->r->p = save;
    if (total > c->lcap) {
        free(c->ltypes);
        free(c->lslot);
        c->ltypes = malloc(total);
        c->lslot = malloc(total * sizeof *c->lslot);
        c->lcap = (uint32_t)total;
        if (!c->ltypes || !c->lslot) {
            c->lcap = 0;
            return FAIL(c, "out of memory");
        }
    }
    for (uint32_t i = 0; i < t->nparams; i++) {
        c->ltypes[i] = t->params[i];
        c->lslot[i] = (uint16_t)cells;
        cells += wasm_type_cells(t->params[i]);
    }
    for (uint32_t g = 0; g < groups; g++) {
        uint32_t k = wasm__u32(c->r);
        uint8_t ty = wasm__u8(c->r);
        if (c->r->failed)
            return -1;
        if (!wasm__valtypes[ty])
            return FAIL(c, "malformed value type 0x%02x", ty);
        for (uint32_t i = 0; i < k; i++) {
            c->ltypes[n] = ty;
            c->lslot[n++] = (uint16_t)cells;
            cells += wasm_type_cells(ty);
            if (cells > WASM_MAX_FRAME_CELLS)
                return FAIL(c, "too many locals");
        }
    }
    c->nlocals = n;
    c->local_cells = cells;
    return 0;
}

int wasm__compile_func(wasm_compiler *c, uint32_t index, wasm_reader *r)
{
    wasm_module *m = c->m;
    wasm_code_func *cf = &m->code_funcs[index - m->nfunc_imports];
    const wasm_functype *t = &m->types[m->func_types[index]];

    c->r = r;
    c->type = t;
    c->op_start = r->p;
    c->sp = c->nframes = c->pending = 0;
    c->max_cells = 0;
    c->dead = 0;
    wasm__label(c);
    /* functions start at 8-byte boundaries (every instruction is a multiple) */
    cf->code_off = (uint32_t)c->len;
    cf->type = t;
    cf->index = index;
    cf->body = (uint32_t)(r->p - r->base);
    if (read_locals(c, t) < 0 ||
        !push_frame(c, F_FUNC, 0, NULL, t->nresults, t->results))
        return -1;
    while (c->nframes > 0) {
        if (r->p >= r->end)
            return FAIL(c, "unexpected end of section or function: END opcode expected");
        c->op_start = r->p;
        if (instruction(c) < 0)
            return -1;
    }
    if (r->p != r->end)
        return FAIL(c, "section size mismatch: bytes after the function's end");
    cf->param_cells = t->param_cells;
    cf->local_cells = c->local_cells;
    cf->frame_cells = c->local_cells + c->max_cells;
    if (cf->frame_cells < t->result_cells)
        cf->frame_cells = t->result_cells;
    if (cf->frame_cells > WASM_MAX_FRAME_CELLS)
        return FAIL(c, "function too complex: more than %u values in a frame",
                    WASM_MAX_FRAME_CELLS);
    return r->failed ? -1 : 0;
}

wasm_compiler *wasm__compiler_new(wasm_module *m)
{
    wasm_compiler *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    c->m = m;
    c->labels = wasm__labels();
    return c;
}

int wasm__compiler_finish(wasm_compiler *c, wasm_error *err)
{
    wasm_module *m = c->m;
    uint32_t n = m->nfuncs - m->nfunc_imports;

    (void)err;
    m->code = c->code ? c->code : malloc(8);
    m->code_len = c->len;
    m->pcmap = c->map;
    m->npcmap = c->nmap;
    c->code = NULL;
    c->map = NULL;
    for (uint32_t i = 0; i < n; i++)
        m->code_funcs[i].code = m->code + m->code_funcs[i].code_off;
    return m->code ? 0 : -1;
}

void wasm__compiler_free(wasm_compiler *c)
{
    if (!c)
        return;
    free(c->code);
    free(c->map);
    free(c->ltypes);
    free(c->lslot);
    free(c->stack);
    free(c->frames);
    free(c);
}

/* ---- constant expressions ---- */

int wasm__validate_constexpr(wasm_module *m, wasm_reader *r, uint8_t type,
                             uint32_t nglobals_visible, wasm_constexpr *out)
{
    uint8_t stack[16];
    int sp = 0, extended = (m->features & WASM_FEATURE_EXTENDED_CONST) != 0;

    out->code = r->p;
    for (;;) {
        uint8_t op = wasm__u8(r), t;
        uint32_t x;
        if (r->failed)
            return -1;
        switch (op) {
        case 0x0b:
            if (sp != 1 || (stack[0] != type && stack[0] != T_ANY)) {
                wasm__fail(r, "type mismatch: constant expression of %s expected", wasm__type_name(type));
                return -1;
            }
            out->len = (uint32_t)(r->p - out->code);
            return 0;
        case 0x41: wasm__s32(r); t = I32; break;
        case 0x42: wasm__s64(r); t = I64; break;
        case 0x43: wasm__fixed32(r); t = F32; break;
        case 0x44: wasm__fixed64(r); t = F64; break;
        case 0xd0:
            t = wasm__u8(r);
            if (!r->failed && !wasm__is_ref(t)) {
                wasm__fail(r, "malformed reference type 0x%02x", t);
                return -1;
            }
            break;
        case 0xd2:
            x = wasm__u32(r);
            if (!r->failed && x >= m->nfuncs) {
                wasm__fail(r, "unknown function %u", x);
                return -1;
            }
            if (!r->failed)
                m->declared[x >> 3] |= (uint8_t)(1u << (x & 7));
            t = WASM_FUNCREF;
            break;
        case 0x23:
            x = wasm__u32(r);
            if (!r->failed && x >= nglobals_visible) {
                wasm__fail(r, "unknown global %u", x);
                return -1;
            }
            if (!r->failed && m->globals[x].type.mut) {
                wasm__fail(r, "constant expression required: global %u is mutable", x);
                return -1;
            }
            t = m->globals[x].type.type;
            break;
        case 0xfd:
            if (wasm__u32(r) != 12 && !r->failed) {
                wasm__fail(r, "constant expression required");
                return -1;
            }
            wasm__bytes(r, 16);
            t = WASM_V128;
            break;
        case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e:
            t = op < 0x70 ? I32 : I64;
            if (!extended) {
                wasm__fail(r, "constant expression required");
                return -1;
            }
            if (sp < 2 || stack[sp - 1] != t || stack[sp - 2] != t) {
                wasm__fail(r, "type mismatch in constant expression");
                return -1;
            }
            sp -= 2;
            break;
        default:
            wasm__fail(r, "constant expression required: opcode 0x%02x", op);
            return -1;
        }
        if (r->failed)
            return -1;
        if (sp == (int)sizeof stack) {
            wasm__fail(r, "constant expression too deep");
            return -1;
        }
        stack[sp++] = t;
    }
}
