/*
 * decode.c: the binary format: reads and validates a module's sections
 * into a wasm_module; function bodies go to compile.c as they come.
 *
 * Errors name the byte offset and what was expected there. Messages follow
 * the spec's test suite where it has one ("unexpected end", "integer too
 * large", "malformed UTF-8 encoding").
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "compile.h"

/* A count of items, each at least one byte: more than the bytes left is
   malformed, which also bounds what we allocate. */
static uint32_t count(wasm_reader *r, const char *what)
{
    uint32_t n = wasm__u32(r);

    if (!r->failed && n > (size_t)(r->end - r->p)) {
        wasm__fail(r, "unexpected end: %u %s do not fit in the section", n, what);
        return 0;
    }
    return n;
}

static int utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint8_t c = s[i];
        uint32_t cp;
        int len;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
        else return 0;
        if (i + (size_t)len > n)
            return 0;
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        i += (size_t)len;
    }
    return 1;
}

/* A name: points into the module's copy, NUL-terminated by a copy. */
static const char *name(wasm_reader *r, uint32_t *len)
{
    uint32_t n = wasm__u32(r);
    const uint8_t *s = wasm__bytes(r, n);
    char *copy;

    if (!s)
        return NULL;
    if (!utf8_valid(s, n)) {
        wasm__fail(r, "malformed UTF-8 encoding");
        return NULL;
    }
    copy = malloc((size_t)n + 1);
    if (!copy) {
        wasm__fail(r, "out of memory");
        return NULL;
    }
    memcpy(copy, s, n);
    copy[n] = 0;
    *len = n;
    return copy;
}

/* ---- types ---- */

static int valtype_ok(uint8_t t)
{
    return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 ||
           t == WASM_V128 || wasm__is_ref(t);
}

static uint8_t valtype(wasm_reader *r)
{
    uint8_t t = wasm__u8(r);

    if (!r->failed && !valtype_ok(t)) {
        r->p--;
        wasm__fail(r, "malformed value type 0x%02x: expected i32, i64, f32, f64, v128, "
                      "funcref or externref", t);
    }
    return t;
}

static uint8_t reftype(wasm_reader *r)
{
    uint8_t t = wasm__u8(r);

    if (!r->failed && !wasm__is_ref(t)) {
        r->p--;
        wasm__fail(r, "malformed reference type 0x%02x: expected funcref or externref", t);
    }
    return t;
}

static void sec_types(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "types");

    m->types = calloc(n ? n : 1, sizeof *m->types);
    m->canon = calloc(n ? n : 1, sizeof *m->canon);
    if (!m->types || !m->canon)
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        wasm_functype *t = &m->types[i];
        if (wasm__u8(r) != 0x60 && !r->failed) {
            r->p--;
            return wasm__fail(r, "malformed function type: expected 0x60");
        }
        t->nparams = count(r, "parameters");
        t->params = r->p;
        for (uint32_t k = 0; k < t->nparams && !r->failed; k++)
            t->param_cells += wasm_type_cells(valtype(r));
        t->nresults = count(r, "results");
        t->results = r->p;
        for (uint32_t k = 0; k < t->nresults && !r->failed; k++)
            t->result_cells += wasm_type_cells(valtype(r));
        m->canon[i] = i;
        for (uint32_t k = 0; k < i; k++) {
            if (wasm__functype_eq(&m->types[k], t)) {
                m->canon[i] = k;
                break;
            }
        }
        m->ntypes = i + 1;
    }
}

static void limits(wasm_reader *r, wasm_limits *l, int is_memory, uint32_t features)
{
    uint8_t flags = wasm__u8(r);
    int allow64 = is_memory && (features & WASM_FEATURE_MEMORY64);

    if (r->failed)
        return;
    if (flags > (allow64 ? 5 : 1) || flags == 2 || flags == 3) {
        r->p--;
        return wasm__fail(r, "integer too large: limits flags 0x%02x, expected 0x00 or 0x01",
                          flags);
    }
    l->is64 = (flags & 4) != 0;
    l->has_max = flags & 1;
    l->min = l->is64 ? wasm__u64(r) : wasm__u32(r);
    if (l->has_max)
        l->max = l->is64 ? wasm__u64(r) : wasm__u32(r);
}

static void check_memory_limits(wasm_reader *r, const wasm_limits *l)
{
    uint64_t bound = l->is64 ? WASM_MAX_PAGES64 : WASM_MAX_PAGES32;

    if (l->min > bound || (l->has_max && l->max > bound))
        wasm__fail(r, l->is64 ? "memory size must be at most 2^48 pages"
                              : "memory size must be at most 65536 pages (4GiB)");
    else if (l->has_max && l->max < l->min)
        wasm__fail(r, "size minimum must not be greater than maximum");
}

static void check_table_limits(wasm_reader *r, const wasm_limits *l)
{
    if (l->has_max && l->max < l->min)
        wasm__fail(r, "size minimum must not be greater than maximum");
}

static void add_memory(wasm_module *m, wasm_reader *r, const wasm_limits *l)
{
    if (m->nmems >= 1 && !(m->features & WASM_FEATURE_MULTI_MEMORY))
        return wasm__fail(r, "multiple memories");
    check_memory_limits(r, l);
    m->mems[m->nmems++] = *l;
}

static uint8_t mutability(wasm_reader *r)
{
    uint8_t mut = wasm__u8(r);

    if (!r->failed && mut > 1) {
        r->p--;
        wasm__fail(r, "malformed mutability 0x%02x: expected 0 or 1", mut);
    }
    return mut;
}

/* ---- sections ---- */

static int grow_array(void **arr, uint32_t have, uint32_t add, size_t size)
{
    void *p = realloc(*arr, ((size_t)have + add + 1) * size);

    if (!p)
        return -1;
    *arr = p;
    return 0;
}

static void sec_imports(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "imports");

    m->imports = calloc(n ? n : 1, sizeof *m->imports);
    if (!m->imports || grow_array((void **)&m->func_types, 0, n, sizeof(uint32_t)) ||
        grow_array((void **)&m->tables, 0, n, sizeof *m->tables) ||
        grow_array((void **)&m->mems, 0, n, sizeof *m->mems) ||
        grow_array((void **)&m->globals, 0, n, sizeof *m->globals))
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        wasm_import *im = &m->imports[i];
        im->module = name(r, &im->module_len);
        if (im->module)
            m->nimports = i + 1;
        im->name = name(r, &im->name_len);
        im->kind = wasm__u8(r);
        if (r->failed)
            return;
        switch (im->kind) {
        case WASM_EXTERN_FUNC:
            im->type = wasm__u32(r);
            if (!r->failed && im->type >= m->ntypes)
                return wasm__fail(r, "unknown type %u", im->type);
            m->func_types[m->nfuncs++] = im->type;
            break;
        case WASM_EXTERN_TABLE:
            im->elem = reftype(r);
            limits(r, &im->limits, 0, m->features);
            check_table_limits(r, &im->limits);
            m->tables[m->ntables].elem = im->elem;
            m->tables[m->ntables++].lim = im->limits;
            break;
        case WASM_EXTERN_MEMORY:
            limits(r, &im->limits, 1, m->features);
            if (!r->failed)
                add_memory(m, r, &im->limits);
            break;
        case WASM_EXTERN_GLOBAL:
            im->global.type = valtype(r);
            im->global.mut = mutability(r);
            m->globals[m->nglobals++].type = im->global;
            break;
        default:
            r->p--;
            return wasm__fail(r, "malformed import kind 0x%02x: expected 0 to 3", im->kind);
        }
    }
    m->nfunc_imports = m->nfuncs;
    m->ntable_imports = m->ntables;
    m->nmem_imports = m->nmems;
    m->nglobal_imports = m->nglobals;
}

static void sec_functions(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "functions");

    if (grow_array((void **)&m->func_types, m->nfuncs, n, sizeof(uint32_t)))
        return wasm__fail(r, "out of memory");
    m->code_funcs = calloc(n ? n : 1, sizeof *m->code_funcs);
    if (!m->code_funcs)
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        uint32_t t = wasm__u32(r);
        if (!r->failed && t >= m->ntypes)
            return wasm__fail(r, "unknown type %u", t);
        m->func_types[m->nfuncs++] = t;
    }
}

static void sec_tables(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "tables");

    if (grow_array((void **)&m->tables, m->ntables, n, sizeof *m->tables))
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        wasm_tabledesc *t = &m->tables[m->ntables];
        memset(t, 0, sizeof *t);
        t->elem = reftype(r);
        limits(r, &t->lim, 0, m->features);
        check_table_limits(r, &t->lim);
        m->ntables++;
    }
}

static void sec_memories(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "memories");

    if (grow_array((void **)&m->mems, m->nmems, n, sizeof *m->mems))
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        wasm_limits l = { 0 };
        limits(r, &l, 1, m->features);
        if (!r->failed)
            add_memory(m, r, &l);
    }
}

static void sec_globals(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "globals");

    if (grow_array((void **)&m->globals, m->nglobals, n, sizeof *m->globals))
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        wasm_globaldesc *g = &m->globals[m->nglobals];
        g->type.type = valtype(r);
        g->type.mut = mutability(r);
        if (r->failed)
            return;
        wasm__validate_constexpr(m, r, g->type.type, m->nglobal_imports, &g->init);
        m->nglobals++;
    }
}

static void declare(wasm_module *m, uint32_t f)
{
    m->declared[f >> 3] |= (uint8_t)(1u << (f & 7));
}

static void sec_exports(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "exports");

    m->exports = calloc(n ? n : 1, sizeof *m->exports);
    if (!m->exports)
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        wasm_export *e = &m->exports[i];
        uint32_t limit;
        e->name = name(r, &e->name_len);
        if (e->name)
            m->nexports = i + 1;
        e->kind = wasm__u8(r);
        e->index = wasm__u32(r);
        if (r->failed)
            return;
        switch (e->kind) {
        case WASM_EXTERN_FUNC: limit = m->nfuncs; break;
        case WASM_EXTERN_TABLE: limit = m->ntables; break;
        case WASM_EXTERN_MEMORY: limit = m->nmems; break;
        case WASM_EXTERN_GLOBAL: limit = m->nglobals; break;
        default:
            return wasm__fail(r, "malformed export kind 0x%02x: expected 0 to 3", e->kind);
        }
        if (e->index >= limit) {
            static const char *const kinds[] = { "function", "table", "memory", "global" };
            return wasm__fail(r, "unknown %s %u", kinds[e->kind], e->index);
        }
        if (e->kind == WASM_EXTERN_FUNC)
            declare(m, e->index);
        for (uint32_t k = 0; k < i; k++) {
            if (m->exports[k].name_len == e->name_len &&
                memcmp(m->exports[k].name, e->name, e->name_len) == 0)
                return wasm__fail(r, "duplicate export name \"%s\"", e->name);
        }
    }
}

static void sec_start(wasm_module *m, wasm_reader *r)
{
    m->start = wasm__u32(r);
    if (r->failed)
        return;
    if (m->start >= m->nfuncs)
        return wasm__fail(r, "unknown function %u", m->start);
    const wasm_functype *t = &m->types[m->func_types[m->start]];
    if (t->nparams || t->nresults)
        return wasm__fail(r, "start function must take no arguments and return nothing");
    m->has_start = 1;
}

static uint32_t table_index(wasm_module *m, wasm_reader *r)
{
    uint32_t t = wasm__u32(r);

    if (!r->failed && t >= m->ntables)
        wasm__fail(r, "unknown table %u", t);
    return t;
}

static void elem_segment(wasm_module *m, wasm_reader *r, wasm_elem *e)
{
    uint32_t flags = wasm__u32(r);
    int has_table = flags & 2, exprs = flags & 4;

    if (r->failed)
        return;
    if (flags > 7)
        return wasm__fail(r, "malformed elements segment kind %u: expected 0 to 7", flags);
    e->mode = !(flags & 1) ? SEG_ACTIVE : has_table ? SEG_DECLARATIVE : SEG_PASSIVE;
    e->type = WASM_FUNCREF;
    if (e->mode == SEG_ACTIVE) {
        e->table = has_table ? table_index(m, r) : 0;
        if (!has_table && !r->failed && m->ntables == 0)
            return wasm__fail(r, "unknown table 0");
        wasm__validate_constexpr(m, r, WASM_I32, m->nglobal_imports, &e->offset);
    }
    if (flags & 3) { /* an element kind or reference type follows */
        if (exprs) {
            e->type = reftype(r);
        } else if (wasm__u8(r) != 0 && !r->failed) {
            r->p--;
            return wasm__fail(r, "malformed element kind: expected 0x00 (funcref)");
        }
    }
    if (r->failed)
        return;
    if (e->mode == SEG_ACTIVE && m->tables[e->table].elem != e->type)
        return wasm__fail(r, "type mismatch: element segment of %s for a table of %s",
                          e->type == WASM_FUNCREF ? "funcref" : "externref",
                          m->tables[e->table].elem == WASM_FUNCREF ? "funcref" : "externref");
    e->n = count(r, "elements");
    if (exprs) {
        e->exprs = calloc(e->n ? e->n : 1, sizeof *e->exprs);
        if (!e->exprs)
            return wasm__fail(r, "out of memory");
        for (uint32_t i = 0; i < e->n && !r->failed; i++)
            wasm__validate_constexpr(m, r, e->type, m->nglobal_imports, &e->exprs[i]);
        return;
    }
    e->funcs = calloc(e->n ? e->n : 1, sizeof *e->funcs);
    if (!e->funcs)
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < e->n && !r->failed; i++) {
        e->funcs[i] = wasm__u32(r);
        if (!r->failed && e->funcs[i] >= m->nfuncs)
            return wasm__fail(r, "unknown function %u", e->funcs[i]);
        if (!r->failed)
            declare(m, e->funcs[i]);
    }
}

static void sec_elements(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "element segments");

    m->elems = calloc(n ? n : 1, sizeof *m->elems);
    if (!m->elems)
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        elem_segment(m, r, &m->elems[i]);
        m->nelems = i + 1;
    }
}

static uint32_t memory_index(wasm_module *m, wasm_reader *r)
{
    uint32_t i = wasm__u32(r);

    if (!r->failed && i >= m->nmems)
        wasm__fail(r, "unknown memory %u", i);
    return i;
}

static void sec_data(wasm_module *m, wasm_reader *r)
{
    uint32_t n = count(r, "data segments");

    if (m->has_datacount && n != m->datacount)
        return wasm__fail(r, "data count and data section have inconsistent lengths");
    m->datas = calloc(n ? n : 1, sizeof *m->datas);
    if (!m->datas)
        return wasm__fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        wasm_data *d = &m->datas[i];
        uint32_t flags = wasm__u32(r);
        if (r->failed)
            return;
        if (flags > 2)
            return wasm__fail(r, "malformed data segment kind %u: expected 0 to 2", flags);
        d->mode = flags == 1 ? SEG_PASSIVE : SEG_ACTIVE;
        if (d->mode == SEG_ACTIVE) {
            d->mem = flags == 2 ? memory_index(m, r) : 0;
            if (flags == 0 && m->nmems == 0)
                return wasm__fail(r, "unknown memory 0");
            if (r->failed)
                return;
            wasm__validate_constexpr(m, r, m->mems[d->mem].is64 ? WASM_I64 : WASM_I32,
                                     m->nglobal_imports, &d->offset);
        }
        d->len = wasm__u32(r);
        d->bytes = wasm__bytes(r, d->len);
        m->ndatas = i + 1;
    }
}

/* The "name" section: function names for trap messages. Malformed content
   is ignored, as the spec wants for custom sections. */
static void parse_names(wasm_module *m, const uint8_t *p, uint32_t len)
{
    wasm_error ignored;
    wasm_reader r = { p, p + len, p, &ignored, 0 };

    while (r.p < r.end && !r.failed) {
        uint8_t id = wasm__u8(&r);
        uint32_t size = wasm__u32(&r);
        const uint8_t *body = wasm__bytes(&r, size);
        if (!body || id != 1)
            continue;
        wasm_reader s = { body, body + size, body, &ignored, 0 };
        uint32_t n = wasm__u32(&s);
        if (!m->func_names)
            m->func_names = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(char *));
        for (uint32_t i = 0; i < n && !s.failed && m->func_names; i++) {
            uint32_t idx = wasm__u32(&s), nlen;
            const char *nm = name(&s, &nlen);
            if (nm && idx < m->nfuncs && !m->func_names[idx])
                m->func_names[idx] = (char *)nm;
            else
                free((char *)nm);
        }
    }
}

static void sec_custom(wasm_module *m, wasm_reader *r)
{
    wasm_custom *c;

    if (grow_array((void **)&m->customs, m->ncustoms, 1, sizeof *m->customs))
        return wasm__fail(r, "out of memory");
    c = &m->customs[m->ncustoms];
    c->name = name(r, &c->name_len);
    if (r->failed)
        return;
    c->data = r->p;
    c->len = (uint32_t)(r->end - r->p);
    m->ncustoms++;
    if (c->name_len == 4 && memcmp(c->name, "name", 4) == 0)
        parse_names(m, c->data, c->len);
    r->p = r->end;
}

static void sec_code(wasm_module *m, wasm_reader *r, wasm_compiler *cc)
{
    uint32_t n = wasm__u32(r);
    uint32_t ndefined = m->nfuncs - m->nfunc_imports;

    if (r->failed)
        return;
    if (n != ndefined)
        return wasm__fail(r, "function and code section have inconsistent lengths");
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        uint32_t size = wasm__u32(r);
        const uint8_t *body = wasm__bytes(r, size);
        if (!body)
            return;
        wasm_reader b = { body, body + size, r->base, r->err, 0 };
        if (wasm__compile_func(cc, m->nfunc_imports + i, &b) < 0) {
            r->failed = 1;
            return;
        }
    }
}

/* Sections must come in this order (the data count section sits before
   the code); each at most once. */
static int section_rank(uint8_t id)
{
    static const int8_t rank[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10 };
    return id < sizeof rank ? rank[id] : -1;
}

static void decode_sections(wasm_module *m, wasm_reader *r, wasm_compiler *cc)
{
    int last = 0, saw_code = 0;

    while (r->p < r->end && !r->failed) {
        uint8_t id = wasm__u8(r);
        uint32_t size = wasm__u32(r);
        int rank = section_rank(id);
        if (r->failed)
            return;
        if (rank < 0) {
            r->p -= 1 + (r->p[-1] >= 0x80); /* point at the id (roughly) */
            return wasm__fail(r, "malformed section id %u", id);
        }
        if ((size_t)(r->end - r->p) < size)
            return wasm__fail(r, "unexpected end: section %u of %u bytes does not fit "
                                 "(length out of bounds)", id, size);
        if (id != 0) {
            if (rank <= last)
                return wasm__fail(r, "unexpected content after last section: section %u "
                                     "out of order or repeated", id);
            last = rank;
        }
        wasm_reader s = { r->p, r->p + size, r->base, r->err, 0 };
        switch (id) {
        case 0: sec_custom(m, &s); break;
        case 1: sec_types(m, &s); break;
        case 2: sec_imports(m, &s); break;
        case 3: sec_functions(m, &s); break;
        case 4: sec_tables(m, &s); break;
        case 5: sec_memories(m, &s); break;
        case 6: sec_globals(m, &s); break;
        case 7: sec_exports(m, &s); break;
        case 8: sec_start(m, &s); break;
        case 9: sec_elements(m, &s); break;
        case 10: saw_code = 1; sec_code(m, &s, cc); break;
        case 11: sec_data(m, &s); break;
        case 12:
            m->datacount = wasm__u32(&s);
            m->has_datacount = 1;
            break;
        }
        if (s.failed) {
            r->failed = 1;
            return;
        }
        if (s.p != s.end) {
            r->p = s.p;
            return wasm__fail(r, "section size mismatch: section %u ends %zu bytes before "
                                 "its declared size", id, (size_t)(s.end - s.p));
        }
        r->p += size;
        if (id == 2 || id == 3) { /* functions known: room to record ref.func targets */
            free(m->declared);
            m->declared = calloc(m->nfuncs / 8 + 1, 1);
            if (!m->declared)
                return wasm__fail(r, "out of memory");
        }
    }
    if (!r->failed && !saw_code && m->nfuncs > m->nfunc_imports)
        wasm__fail(r, "function and code section have inconsistent lengths");
}

static int decode(wasm_module *m, wasm_error *err)
{
    static const uint8_t magic[4] = { 0, 'a', 's', 'm' };
    wasm_reader r = { m->bytes, m->bytes + m->len, m->bytes, err, 0 };
    const uint8_t *p;
    wasm_compiler *cc;

    p = wasm__bytes(&r, 4);
    if (!p || memcmp(p, magic, 4) != 0) {
        r.failed = 0;
        r.p = r.base;
        wasm__fail(&r, "magic header not detected: expected \\0asm");
        return -1;
    }
    if (wasm__fixed32(&r) != 1 && !r.failed) {
        r.p -= 4;
        wasm__fail(&r, "unknown binary version: expected 1");
    }
    if (r.failed)
        return -1;
    m->declared = calloc(1, 1);
    cc = wasm__compiler_new(m);
    if (!cc || !m->declared) {
        wasm__compiler_free(cc);
        wasm__fail(&r, "out of memory");
        return -1;
    }
    decode_sections(m, &r, cc);
    if (!r.failed && wasm__compiler_finish(cc, err) < 0)
        r.failed = 1;
    wasm__compiler_free(cc);
    return r.failed ? -1 : 0;
}

wasm_module *wasm_module_new(const uint8_t *bytes, size_t len, uint32_t features,
                             wasm_error *err)
{
    wasm_module *m = calloc(1, sizeof *m);

    if (!m || !(m->bytes = malloc(len ? len : 1))) {
        free(m);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        err->offset = 0;
        return NULL;
    }
    memcpy(m->bytes, bytes, len);
    m->len = len;
    m->refs = 1;
    m->features = features;
    if (decode(m, err) < 0) {
        wasm_module_unref(m);
        return NULL;
    }
    return m;
}

wasm_module *wasm_module_ref(wasm_module *m)
{
    m->refs++;
    return m;
}

void wasm_module_unref(wasm_module *m)
{
    if (!m || --m->refs)
        return;
    for (uint32_t i = 0; i < m->nimports; i++) {
        free((char *)m->imports[i].module);
        free((char *)m->imports[i].name);
    }
    for (uint32_t i = 0; i < m->nexports; i++)
        free((char *)m->exports[i].name);
    for (uint32_t i = 0; i < m->ncustoms; i++)
        free((char *)m->customs[i].name);
    for (uint32_t i = 0; i < m->nelems; i++) {
        free(m->elems[i].funcs);
        free(m->elems[i].exprs);
    }
    if (m->func_names) {
        for (uint32_t i = 0; i < m->nfuncs; i++)
            free(m->func_names[i]);
        free(m->func_names);
    }
    free(m->types);
    free(m->canon);
    free(m->imports);
    free(m->func_types);
    free(m->code_funcs);
    free(m->declared);
    free(m->tables);
    free(m->mems);
    free(m->globals);
    free(m->exports);
    free(m->elems);
    free(m->datas);
    free(m->customs);
    free(m->code);
    free(m->pcmap);
    free(m->bytes);
    free(m);
}

/* ---- introspection ---- */

uint32_t wasm_module_nimports(const wasm_module *m) { return m->nimports; }
const wasm_import *wasm_module_import(const wasm_module *m, uint32_t i) { return &m->imports[i]; }
uint32_t wasm_module_nexports(const wasm_module *m) { return m->nexports; }
const wasm_export *wasm_module_export(const wasm_module *m, uint32_t i) { return &m->exports[i]; }
uint32_t wasm_module_ncustoms(const wasm_module *m) { return m->ncustoms; }
const wasm_custom *wasm_module_custom(const wasm_module *m, uint32_t i) { return &m->customs[i]; }

const wasm_functype *wasm_module_type(const wasm_module *m, uint32_t type_index)
{
    return &m->types[type_index];
}

void wasm_module_counts(const wasm_module *m, uint32_t *tables, uint32_t *memories,
                        uint32_t *globals)
{
    *tables = m->ntables;
    *memories = m->nmems;
    *globals = m->nglobals;
}

const wasm_functype *wasm_module_func_type(const wasm_module *m, uint32_t func_index)
{
    return &m->types[m->func_types[func_index]];
}

void wasm_module_table_type(const wasm_module *m, uint32_t index, uint8_t *elem,
                            wasm_limits *lim)
{
    *elem = m->tables[index].elem;
    *lim = m->tables[index].lim;
}

wasm_limits wasm_module_memory_type(const wasm_module *m, uint32_t index)
{
    return m->mems[index];
}

wasm_globaltype wasm_module_global_type(const wasm_module *m, uint32_t index)
{
    return m->globals[index].type;
}

const char *wasm_module_func_name(const wasm_module *m, uint32_t index)
{
    return m->func_names && index < m->nfuncs ? m->func_names[index] : NULL;
}
