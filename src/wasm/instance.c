/*
 * instance.c: instances (linking imports, creating what the module
 * defines, running its segments and start function), host functions,
 * execution stacks, and calls into wasm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "internal.h"

/* ---- host functions ---- */

wasm_func *wasm_func_new_host(wasm_module *m, const wasm_functype *type, wasm_host_fn fn,
                              void *data)
{
    wasm_func *f = calloc(1, sizeof *f);

    if (!f)
        return NULL;
    f->type = type;
    f->host = fn;
    f->host_data = data;
    f->type_owner = wasm_module_ref(m);
    return f;
}

void wasm_func_free(wasm_func *f)
{
    if (!f)
        return;
    wasm_module_unref(f->type_owner);
    free(f);
}

/* ---- constant expressions ---- */

/* Evaluates a validated constant expression (into one cell, two for v128). */
static void eval_constexpr(const wasm_instance *inst, const wasm_constexpr *e, wasm_cell *out)
{
    wasm_error ignored;
    wasm_reader r = { e->code, e->code + e->len, e->code, &ignored, 0 };
    wasm_cell stack[16][2];
    int sp = 0;

    memset(stack, 0, sizeof stack);
    for (;;) {
        uint8_t op = wasm__u8(&r);
        wasm_cell *top = stack[sp];
        switch (op) {
        case 0x0b:
            out[0] = stack[0][0];
            out[1] = stack[0][1];
            return;
        case 0x41: top[0].i64 = wasm__s32(&r); break;
        case 0x42: top[0].i64 = wasm__s64(&r); break;
        case 0x43: top[0].u64 = wasm__fixed32(&r); break;
        case 0x44: top[0].u64 = wasm__fixed64(&r); break;
        case 0xd0: wasm__u8(&r); top[0].ref = NULL; break;
        case 0xd2: top[0].ref = inst->funcs[wasm__u32(&r)]; break;
        case 0x23: {
            const wasm_global *g = inst->globals[wasm__u32(&r)];
            top[0] = g->val[0];
            top[1] = g->val[1];
            break;
        }
        case 0xfd:
            wasm__u32(&r);
            memcpy(top, wasm__bytes(&r, 16), 16);
            break;
        default: { /* extended-const: i32/i64 add, sub, mul */
            wasm_cell *a = stack[sp - 2], *b = stack[sp - 1];
            sp -= 2;
            top = stack[sp];
            switch (op) {
            case 0x6a: top[0].u32 = a->u32 + b->u32; break;
            case 0x6b: top[0].u32 = a->u32 - b->u32; break;
            case 0x6c: top[0].u32 = a->u32 * b->u32; break;
            case 0x7c: top[0].u64 = a->u64 + b->u64; break;
            case 0x7d: top[0].u64 = a->u64 - b->u64; break;
            default: top[0].u64 = a->u64 * b->u64; break;
            }
            break;
        }
        }
        sp++;
    }
}

/* ---- instances ---- */

static const char *const kind_names[] = { "function", "table", "memory", "global" };

static int link_fail(wasm_error *err, const wasm_import *im, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int link_fail(wasm_error *err, const wasm_import *im, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err->msg, sizeof err->msg, "import \"%s\" \"%s\": ", im->module, im->name);

    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof err->msg)
        vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
    va_end(ap);
    err->offset = 0;
    return -1;
}

/* Whether limits `have` fit an import that asks for `want`. */
static int limits_match(wasm_limits have, wasm_limits want)
{
    if (have.is64 != want.is64 || have.min < want.min)
        return 0;
    return !want.has_max || (have.has_max && have.max <= want.max);
}

static int check_import(const wasm_module *m, const wasm_import *im, const wasm_extern *x,
                        wasm_error *err)
{
    if (x->kind != im->kind)
        return link_fail(err, im, "expected a %s, got a %s", kind_names[im->kind],
                         kind_names[x->kind & 3]);
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
        if (!wasm__functype_eq(x->u.func->type, &m->types[im->type]))
            return link_fail(err, im, "function of another type");
        return 0;
    case WASM_EXTERN_TABLE:
        if (x->u.table->elem != im->elem)
            return link_fail(err, im, "table of another element type");
        if (!limits_match(wasm_table_limits(x->u.table), im->limits))
            return link_fail(err, im, "table of %llu elements (max %s) does not fit "
                             "the limits asked for", (unsigned long long)x->u.table->size,
                             x->u.table->lim.has_max ? "set" : "none");
        return 0;
    case WASM_EXTERN_MEMORY:
        if (!limits_match(wasm_memory_limits(x->u.memory), im->limits))
            return link_fail(err, im, "memory of %llu pages does not fit the limits asked for",
                             (unsigned long long)(x->u.memory->bytes / WASM_PAGE));
        return 0;
    default:
        if (x->u.global->type.type != im->global.type ||
            x->u.global->type.mut != im->global.mut)
            return link_fail(err, im, "global of another type or mutability");
        return 0;
    }
}

static int alloc_instance(wasm_instance *inst, const wasm_module *m)
{
    inst->funcs = calloc(m->nfuncs + 1, sizeof *inst->funcs);
    inst->own = calloc(m->nfuncs - m->nfunc_imports + 1, sizeof *inst->own);
    inst->adopted = calloc(m->nfunc_imports + 1, sizeof *inst->adopted);
    inst->mems = m->nmems ? calloc(m->nmems, sizeof *inst->mems) : NULL;
    inst->tables = calloc(m->ntables + 1, sizeof *inst->tables);
    inst->globals = calloc(m->nglobals + 1, sizeof *inst->globals);
    inst->elems = calloc(m->nelems + 1, sizeof *inst->elems);
    inst->elem_len = calloc(m->nelems + 1, sizeof *inst->elem_len);
    inst->data_dropped = calloc(m->ndatas + 1, 1);
    return inst->funcs && inst->own && inst->adopted && (inst->mems || !m->nmems) &&
           inst->tables && inst->globals && inst->elems && inst->elem_len && inst->data_dropped
               ? 0 : -1;
}

static void bind_imports(wasm_instance *inst, const wasm_extern *imports)
{
    const wasm_module *m = inst->module;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0;

    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasm_extern *x = &imports[i];
        switch (x->kind) {
        case WASM_EXTERN_FUNC: {
            wasm_func *f = x->u.func;
            if (!f->inst) { /* a host function: adopt it */
                f->inst = inst;
                f->index = nf;
                inst->adopted[inst->nadopted++] = f;
            } else {
                wasm_instance_ref(f->inst);
            }
            inst->funcs[nf++] = f;
            break;
        }
        case WASM_EXTERN_TABLE: inst->tables[nt++] = wasm_table_ref(x->u.table); break;
        case WASM_EXTERN_MEMORY: inst->mems[nm++] = wasm_memory_ref(x->u.memory); break;
        default: inst->globals[ng++] = wasm_global_ref(x->u.global); break;
        }
    }
}

static int create_own(wasm_instance *inst, wasm_host *h)
{
    const wasm_module *m = inst->module;
    wasm_cell v[2];

    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        wasm_func *f = &inst->own[i - m->nfunc_imports];
        f->type = &m->types[m->canon[m->func_types[i]]];
        f->inst = inst;
        f->code = &m->code_funcs[i - m->nfunc_imports];
        f->index = i;
        inst->funcs[i] = f;
    }
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
        if (!(inst->mems[i] = wasm_memory_new(h, m->mems[i])))
            return -1;
    }
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        const wasm_tabledesc *d = &m->tables[i];
        memset(v, 0, sizeof v);
        if (d->init.len)
            eval_constexpr(inst, &d->init, v);
        if (!(inst->tables[i] = wasm_table_new(h, d->elem, d->lim, v[0])))
            return -1;
    }
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        eval_constexpr(inst, &m->globals[i].init, v);
        if (!(inst->globals[i] = wasm_global_new(h, m->globals[i].type, v)))
            return -1;
    }
    return 0;
}

/* The references of element segment e. */
static wasm_cell *elem_refs(const wasm_instance *inst, const wasm_elem *e)
{
    wasm_cell *refs = calloc(e->n ? e->n : 1, sizeof *refs);
    wasm_cell v[2];

    if (!refs)
        return NULL;
    for (uint32_t i = 0; i < e->n; i++) {
        if (e->funcs) {
            refs[i].ref = inst->funcs[e->funcs[i]];
        } else {
            eval_constexpr(inst, &e->exprs[i], v);
            refs[i] = v[0];
        }
    }
    return refs;
}

/* Element segments, then data segments, in order; a trap stops there. */
static wasm_trap_code init_segments(wasm_instance *inst)
{
    const wasm_module *m = inst->module;
    wasm_trap_code tc;
    wasm_cell v[2];

    for (uint32_t i = 0; i < m->nelems; i++) {
        const wasm_elem *e = &m->elems[i];
        if (!(inst->elems[i] = elem_refs(inst, e)))
            return WASM_TRAP_OUT_OF_MEMORY;
        inst->elem_len[i] = e->n;
        if (e->mode == SEG_ACTIVE) {
            eval_constexpr(inst, &e->offset, v);
            tc = wasm__table_init(inst, e->table, i, v[0].u32, 0, e->n);
            if (tc)
                return tc;
        }
        if (e->mode != SEG_PASSIVE)
            wasm__elem_drop(inst, i);
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wasm_data *d = &m->datas[i];
        if (d->mode != SEG_ACTIVE)
            continue;
        eval_constexpr(inst, &d->offset, v);
        tc = wasm__memory_init(inst, d->mem, i,
                               m->mems[d->mem].is64 ? v[0].u64 : v[0].u32, 0, d->len);
        if (tc)
            return tc;
        inst->data_dropped[i] = 1;
    }
    return WASM_OK;
}

/* Instantiation failed before anything ran: the host functions go back
   to the embedder. */
static void fail_new(wasm_instance *inst)
{
    for (uint32_t i = 0; i < inst->nadopted; i++)
        inst->adopted[i]->inst = NULL;
    inst->nadopted = 0;
    wasm_instance_unref(inst);
}

wasm_instance *wasm_instance_new(wasm_module *m, wasm_host *h, const wasm_extern *imports,
                                 wasm_exec *ex, void *user, wasm_error *err,
                                 wasm_trap_code *trap, wasm_instance **partial)
{
    wasm_instance *inst;

    *trap = WASM_OK;
    *partial = NULL;
    for (uint32_t i = 0; i < m->nimports; i++) {
        if (check_import(m, &m->imports[i], &imports[i], err) < 0)
            return NULL;
    }
    inst = calloc(1, sizeof *inst);
    if (!inst) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return NULL;
    }
    inst->refs = 1;
    inst->module = wasm_module_ref(m);
    inst->host = h;
    inst->user = user;
    if (alloc_instance(inst, m) < 0) {
        fail_new(inst);
        *trap = WASM_TRAP_OUT_OF_MEMORY;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return NULL;
    }
    bind_imports(inst, imports);
    if (create_own(inst, h) < 0) {
        fail_new(inst);
        *trap = WASM_TRAP_OUT_OF_MEMORY;
        snprintf(err->msg, sizeof err->msg, "cannot allocate the memories and tables of the "
                 "instance (out of memory or over the memory limit)");
        return NULL;
    }
    *trap = init_segments(inst);
    if (!*trap && m->has_start) {
        wasm_cell none[1];
        *trap = wasm_call(ex, inst->funcs[m->start], none);
    }
    if (*trap) {
        *partial = inst;
        return NULL;
    }
    return inst;
}

wasm_instance *wasm_instance_ref(wasm_instance *inst)
{
    inst->refs++;
    return inst;
}

void wasm_instance_unref(wasm_instance *inst)
{
    const wasm_module *m;

    if (!inst || --inst->refs)
        return;
    m = inst->module;
    for (uint32_t i = 0; i < m->nfunc_imports && inst->funcs; i++) {
        wasm_func *f = inst->funcs[i];
        if (f && f->inst != inst)
            wasm_instance_unref(f->inst);
    }
    for (uint32_t i = 0; i < inst->nadopted; i++)
        wasm_func_free(inst->adopted[i]);
    for (uint32_t i = 0; i < m->nmems && inst->mems; i++)
        wasm_memory_unref(inst->mems[i]);
    for (uint32_t i = 0; i < m->ntables && inst->tables; i++)
        wasm_table_unref(inst->tables[i]);
    for (uint32_t i = 0; i < m->nglobals && inst->globals; i++)
        wasm_global_unref(inst->globals[i]);
    for (uint32_t i = 0; i < m->nelems && inst->elems; i++)
        free(inst->elems[i]);
    free(inst->funcs);
    free(inst->own);
    free(inst->adopted);
    free(inst->mems);
    free(inst->tables);
    free(inst->globals);
    free(inst->elems);
    free(inst->elem_len);
    free(inst->data_dropped);
    wasm_module_unref(inst->module);
    free(inst);
}

wasm_module *wasm_instance_module(const wasm_instance *inst) { return inst->module; }
wasm_func *wasm_instance_func(const wasm_instance *inst, uint32_t i) { return inst->funcs[i]; }
wasm_table *wasm_instance_table(const wasm_instance *inst, uint32_t i) { return inst->tables[i]; }
wasm_memory *wasm_instance_memory(const wasm_instance *inst, uint32_t i) { return inst->mems[i]; }
wasm_global *wasm_instance_global(const wasm_instance *inst, uint32_t i) { return inst->globals[i]; }
void **wasm_instance_user(wasm_instance *inst) { return &inst->user; }

wasm_extern wasm_instance_export(const wasm_instance *inst, uint32_t export_index)
{
    const wasm_export *e = &inst->module->exports[export_index];
    wasm_extern x;

    x.kind = e->kind;
    switch (e->kind) {
    case WASM_EXTERN_FUNC: x.u.func = inst->funcs[e->index]; break;
    case WASM_EXTERN_TABLE: x.u.table = inst->tables[e->index]; break;
    case WASM_EXTERN_MEMORY: x.u.memory = inst->mems[e->index]; break;
    default: x.u.global = inst->globals[e->index]; break;
    }
    return x;
}

/* ---- execution ---- */

static void *map_stack(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

wasm_exec *wasm_exec_new(wasm_host *h, size_t cells, size_t frames)
{
    wasm_exec *ex = calloc(1, sizeof *ex);

    if (!ex)
        return NULL;
    ex->host = h;
    ex->stack_bytes = cells * sizeof(wasm_cell);
    ex->frame_bytes = frames * sizeof(wasm_frame);
    ex->stack = map_stack(ex->stack_bytes);
    ex->frames = map_stack(ex->frame_bytes);
    if (!ex->stack || !ex->frames) {
        wasm_exec_free(ex);
        return NULL;
    }
    ex->stack_end = ex->stack + cells;
    ex->top = ex->stack;
    ex->frames_end = ex->frames + frames;
    ex->frame = ex->frames;
    return ex;
}

void wasm_exec_free(wasm_exec *ex)
{
    if (!ex)
        return;
    if (ex->stack)
        munmap(ex->stack, ex->stack_bytes);
    if (ex->frames)
        munmap(ex->frames, ex->frame_bytes);
    free(ex);
}

int wasm_exec_busy(const wasm_exec *ex) { return ex->depth > 0; }
void **wasm_exec_user(wasm_exec *ex) { return &ex->user; }
const wasm_trap_info *wasm_exec_trap(const wasm_exec *ex) { return &ex->trap; }

wasm_trap_code wasm_call(wasm_exec *ex, wasm_func *f, wasm_cell *args)
{
    wasm_trap_code tc;

    ex->trap.code = WASM_OK;
    ex->trap.module = NULL;
    if (f->code)
        return wasm__run(ex, f, args);
    tc = f->host(ex, f, args);
    ex->trap.code = tc;
    return tc;
}

