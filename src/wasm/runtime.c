/*
 * runtime.c: the engine's runtime objects (memories, tables, globals,
 * functions) and the helpers the interpreter calls for the rarer
 * instructions and for traps. Instances are instance.c's.
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

const wasm_functype *wasm_func_type(const wasm_func *f) { return f->type; }
wasm_instance *wasm_func_instance(const wasm_func *f) { return f->inst; }
void *wasm_func_host_data(const wasm_func *f) { return f->host_data; }
int wasm_func_is_host(const wasm_func *f) { return f->code == NULL; }
void **wasm_func_user(wasm_func *f) { return &f->user; }
uint32_t wasm_func_index(const wasm_func *f) { return f->index; }

/* ---- segments and traps ---- */

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
