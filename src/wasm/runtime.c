/*
 * runtime.c: the engine's runtime objects: memories, tables, globals,
 * functions, instances (linking and initialisation), execution stacks, and
 * the helpers the interpreter calls for the rarer instructions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "internal.h"

/* ---- memories ---- */

/* Memories are anonymous mappings; growing remaps them (the base may
   move, which the JS API allows: grow detaches the old buffer). An empty
   memory points at a static byte, so the pointer is never NULL. */
static uint8_t empty_memory[8];

static int memory_resize(wasm_memory *m, uint64_t bytes)
{
    void *p;

    if (bytes == 0)
        return 0;
    if (bytes > SIZE_MAX / 2)
        return -1;
    if (m->mapped == 0)
        p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    else
        p = mremap(m->data, m->mapped, (size_t)bytes, MREMAP_MAYMOVE);
    if (p == MAP_FAILED)
        return -1;
    m->data = p;
    m->mapped = (size_t)bytes;
    return 0;
}

wasm_memory *wasm_memory_new(wasm_host *h, wasm_limits lim)
{
    wasm_memory *m = calloc(1, sizeof *m);
    uint64_t bound = lim.is64 ? WASM_MAX_PAGES64 : WASM_MAX_PAGES32;

    if (!m)
        return NULL;
    m->refs = 1;
    m->host = h;
    m->lim = lim;
    m->data = empty_memory;
    m->max_pages = lim.has_max && lim.max < bound ? lim.max : bound;
    if (lim.min > m->max_pages ||
        (h && h->grow_check && lim.min && h->grow_check(h, 0, lim.min * WASM_PAGE)) ||
        memory_resize(m, lim.min * WASM_PAGE) < 0) {
        free(m);
        return NULL;
    }
    m->bytes = lim.min * WASM_PAGE;
    return m;
}

wasm_memory *wasm_memory_ref(wasm_memory *m)
{
    m->refs++;
    return m;
}

void wasm_memory_unref(wasm_memory *m)
{
    if (!m || --m->refs)
        return;
    if (m->mapped)
        munmap(m->data, m->mapped);
    if (m->host && m->host->grow_check)
        m->host->grow_check(m->host, m->bytes, 0);
    free(m);
}

int64_t wasm__memory_grow(wasm_memory *m, uint64_t delta)
{
    uint64_t pages = m->bytes / WASM_PAGE;

    if (delta > m->max_pages - pages)
        return -1;
    if (delta == 0) {
        if (m->host && m->host->memory_grown)
            m->host->memory_grown(m->host, m);
        return (int64_t)pages;
    }
    uint64_t bytes = (pages + delta) * WASM_PAGE;
    if (m->host && m->host->grow_check && m->host->grow_check(m->host, m->bytes, bytes))
        return -1;
    if (memory_resize(m, bytes) < 0) {
        if (m->host && m->host->grow_check)
            m->host->grow_check(m->host, bytes, m->bytes);
        return -1;
    }
    m->bytes = bytes;
    if (m->host && m->host->memory_grown)
        m->host->memory_grown(m->host, m);
    return (int64_t)pages;
}

int64_t wasm_memory_grow(wasm_memory *m, uint64_t delta) { return wasm__memory_grow(m, delta); }
uint8_t *wasm_memory_data(const wasm_memory *m) { return m->data; }
uint64_t wasm_memory_bytes(const wasm_memory *m) { return m->bytes; }
void **wasm_memory_user(wasm_memory *m) { return &m->user; }

wasm_limits wasm_memory_limits(const wasm_memory *m)
{
    wasm_limits l = m->lim;
    l.min = m->bytes / WASM_PAGE;
    return l;
}

/* ---- tables ---- */

static void ref_write(wasm_host *h, uint8_t type, wasm_cell old, wasm_cell v)
{
    if (h && h->ref_write && old.ref != v.ref)
        h->ref_write(h, type, old, v);
}

wasm_table *wasm_table_new(wasm_host *h, uint8_t elem, wasm_limits lim, wasm_cell init)
{
    wasm_table *t = calloc(1, sizeof *t);

    if (!t)
        return NULL;
    t->refs = 1;
    t->host = h;
    t->elem = elem;
    t->lim = lim;
    t->max = lim.has_max && lim.max < WASM_MAX_TABLE ? lim.max : WASM_MAX_TABLE;
    if (lim.min > t->max || !(t->cells = calloc(lim.min ? lim.min : 1, sizeof *t->cells))) {
        free(t);
        return NULL;
    }
    t->size = lim.min;
    if (init.ref)
        wasm__table_fill(t, 0, init, t->size);
    return t;
}

wasm_table *wasm_table_ref(wasm_table *t)
{
    t->refs++;
    return t;
}

void wasm_table_unref(wasm_table *t)
{
    if (!t || --t->refs)
        return;
    free(t->cells);
    free(t);
}

uint8_t wasm_table_elem(const wasm_table *t) { return t->elem; }
uint64_t wasm_table_size(const wasm_table *t) { return t->size; }
void **wasm_table_user(wasm_table *t) { return &t->user; }

wasm_limits wasm_table_limits(const wasm_table *t)
{
    wasm_limits l = t->lim;
    l.min = t->size;
    return l;
}

void wasm__table_set(wasm_table *t, uint64_t i, wasm_cell v)
{
    ref_write(t->host, t->elem, t->cells[i], v);
    t->cells[i] = v;
}

int wasm_table_get(const wasm_table *t, uint64_t i, wasm_cell *out)
{
    if (i >= t->size)
        return -1;
    *out = t->cells[i];
    return 0;
}

int wasm_table_set(wasm_table *t, uint64_t i, wasm_cell v)
{
    if (i >= t->size)
        return -1;
    wasm__table_set(t, i, v);
    return 0;
}

int64_t wasm__table_grow(wasm_table *t, uint64_t delta, wasm_cell init)
{
    uint64_t old = t->size;
    wasm_cell *cells;

    if (delta > t->max - old)
        return -1;
    if (delta == 0)
        return (int64_t)old;
    cells = realloc(t->cells, (size_t)(old + delta) * sizeof *cells);
    if (!cells)
        return -1;
    memset(cells + old, 0, (size_t)delta * sizeof *cells);
    t->cells = cells;
    t->size = old + delta;
    if (init.ref)
        wasm__table_fill(t, old, init, delta);
    return (int64_t)old;
}

int64_t wasm_table_grow(wasm_table *t, uint64_t delta, wasm_cell init)
{
    return wasm__table_grow(t, delta, init);
}

wasm_trap_code wasm__table_fill(wasm_table *t, uint64_t d, wasm_cell v, uint64_t n)
{
    if (d > t->size || n > t->size - d)
        return WASM_TRAP_TABLE_OOB;
    for (uint64_t i = 0; i < n; i++)
        wasm__table_set(t, d + i, v);
    return WASM_OK;
}

int wasm_table_fill(wasm_table *t, uint64_t d, wasm_cell v, uint64_t n)
{
    return wasm__table_fill(t, d, v, n) ? -1 : 0;
}

void wasm_table_clear(wasm_table *t, uint64_t i)
{
    t->cells[i].u64 = 0;
}

void wasm_table_each_ref(const wasm_table *t, void (*fn)(void *ud, uint8_t type, wasm_cell v),
                         void *ud)
{
    for (uint64_t i = 0; i < t->size; i++) {
        if (t->cells[i].ref)
            fn(ud, t->elem, t->cells[i]);
    }
}

wasm_trap_code wasm__table_copy(wasm_instance *inst, uint32_t dt, uint32_t st,
                                uint64_t d, uint64_t s, uint64_t n)
{
    wasm_table *dst = inst->tables[dt], *src = inst->tables[st];

    if (d > dst->size || n > dst->size - d || s > src->size || n > src->size - s)
        return WASM_TRAP_TABLE_OOB;
    if (dst == src && d > s) { /* overlapping: copy backwards */
        for (uint64_t i = n; i-- > 0;)
            wasm__table_set(dst, d + i, src->cells[s + i]);
    } else {
        for (uint64_t i = 0; i < n; i++)
            wasm__table_set(dst, d + i, src->cells[s + i]);
    }
    return WASM_OK;
}

wasm_trap_code wasm__table_init(wasm_instance *inst, uint32_t table, uint32_t seg,
                                uint64_t d, uint64_t s, uint64_t n)
{
    wasm_table *t = inst->tables[table];
    uint64_t len = inst->elems[seg] ? inst->elem_len[seg] : 0;

    if (d > t->size || n > t->size - d || s > len || n > len - s)
        return WASM_TRAP_TABLE_OOB;
    for (uint64_t i = 0; i < n; i++)
        wasm__table_set(t, d + i, inst->elems[seg][s + i]);
    return WASM_OK;
}

void wasm__elem_drop(wasm_instance *inst, uint32_t seg)
{
    free(inst->elems[seg]);
    inst->elems[seg] = NULL;
    inst->elem_len[seg] = 0;
}

/* ---- globals ---- */

wasm_global *wasm_global_new(wasm_host *h, wasm_globaltype type, const wasm_cell *init)
{
    wasm_global *g = calloc(1, sizeof *g);

    if (!g)
        return NULL;
    g->refs = 1;
    g->host = h;
    g->type = type;
    wasm_global_set(g, init);
    return g;
}

wasm_global *wasm_global_ref(wasm_global *g)
{
    g->refs++;
    return g;
}

void wasm_global_unref(wasm_global *g)
{
    if (!g || --g->refs)
        return;
    free(g);
}

wasm_globaltype wasm_global_type(const wasm_global *g) { return g->type; }
const wasm_cell *wasm_global_get(const wasm_global *g) { return g->val; }
void **wasm_global_user(wasm_global *g) { return &g->user; }

void wasm_global_clear(wasm_global *g)
{
    g->val[0].u64 = 0;
}

void wasm__global_set_ref(wasm_global *g, wasm_cell v)
{
    ref_write(g->host, g->type.type, g->val[0], v);
    g->val[0] = v;
}

void wasm_global_set(wasm_global *g, const wasm_cell *v)
{
    if (wasm__is_ref(g->type.type)) {
        wasm__global_set_ref(g, v[0]);
        return;
    }
    g->val[0] = v[0];
    if (g->type.type == WASM_V128)
        g->val[1] = v[1];
}

/* ---- functions ---- */

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

const wasm_functype *wasm_func_type(const wasm_func *f) { return f->type; }
wasm_instance *wasm_func_instance(const wasm_func *f) { return f->inst; }
void *wasm_func_host_data(const wasm_func *f) { return f->host_data; }
int wasm_func_is_host(const wasm_func *f) { return f->code == NULL; }
void **wasm_func_user(wasm_func *f) { return &f->user; }
uint32_t wasm_func_index(const wasm_func *f) { return f->index; }

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

wasm_trap_code wasm__memory_init(wasm_instance *inst, uint32_t mem, uint32_t seg,
                                 uint64_t d, uint64_t s, uint64_t n)
{
    const wasm_data *data = &inst->module->datas[seg];
    wasm_memory *m = inst->mems[mem];
    uint64_t len = inst->data_dropped[seg] ? 0 : data->len;

    if (d > m->bytes || n > m->bytes - d || s > len || n > len - s)
        return WASM_TRAP_MEMORY_OOB;
    if (n)
        memcpy(m->data + d, data->bytes + s, (size_t)n);
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

void wasm__trap_at(wasm_exec *ex, wasm_instance *inst, const uint8_t *pc, wasm_trap_code code)
{
    const wasm_module *m = inst ? inst->module : NULL;
    wasm_trap_info *t = &ex->trap;

    t->code = code;
    t->module = NULL;
    t->func = 0;
    t->offset = 0;
    if (!m || pc < m->code || pc >= m->code + m->code_len)
        return;
    uint32_t off = (uint32_t)(pc - m->code), lo = 0, hi = m->npcmap;
    while (lo < hi) { /* the last map entry at or before off */
        uint32_t mid = (lo + hi) / 2;
        if (m->pcmap[mid].code <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    t->module = m;
    if (lo > 0)
        t->offset = m->pcmap[lo - 1].wasm;
    lo = 0;
    hi = m->nfuncs - m->nfunc_imports;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (m->code_funcs[mid].code_off <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0)
        t->func = m->code_funcs[lo - 1].index;
}

const char *wasm_trap_message(wasm_trap_code code)
{
    switch (code) {
    case WASM_OK: return "no trap";
    case WASM_TRAP_UNREACHABLE: return "unreachable";
    case WASM_TRAP_DIV_ZERO: return "integer divide by zero";
    case WASM_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_TRAP_BAD_CONVERSION: return "invalid conversion to integer";
    case WASM_TRAP_MEMORY_OOB: return "out of bounds memory access";
    case WASM_TRAP_TABLE_OOB: return "out of bounds table access";
    case WASM_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case WASM_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case WASM_TRAP_INDIRECT_TYPE: return "indirect call type mismatch";
    case WASM_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case WASM_TRAP_INTERRUPTED: return "interrupted";
    case WASM_TRAP_HOST: return "host function failed";
    case WASM_TRAP_OUT_OF_MEMORY: return "out of memory";
    }
    return "trap";
}
