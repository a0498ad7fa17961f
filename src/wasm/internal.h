/*
 * internal.h: what the engine's files share: the decoded module, the
 * compiled functions, the runtime objects, the byte reader.
 */
#ifndef COROJS_WASM_INTERNAL_H
#define COROJS_WASM_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "wasm.h"

#define WASM_PAGE 65536u
#define WASM_MAX_PAGES32 65536u
#define WASM_MAX_PAGES64 (1ull << 48)  /* the proposal's bound */
#define WASM_MAX_TABLE 10000000u       /* as the JS API's limits */
#define WASM_MAX_LOCALS 50000u
#define WASM_MAX_FRAME_CELLS 65535u    /* slots are 16-bit operands */

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ---- reading the binary format (reader.c) ---- */

/* A cursor over module bytes. Errors are sticky: after the first, every
   read returns 0 and `err` keeps the first message and offset. */
typedef struct wasm_reader {
    const uint8_t *p, *end, *base;
    wasm_error *err;
    int failed;
} wasm_reader;

void wasm__fail(wasm_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint8_t wasm__u8(wasm_reader *r);
uint32_t wasm__u32(wasm_reader *r);
int32_t wasm__s32(wasm_reader *r);
uint64_t wasm__u64(wasm_reader *r);
int64_t wasm__s64(wasm_reader *r);
int64_t wasm__s33(wasm_reader *r);
uint32_t wasm__fixed32(wasm_reader *r);
uint64_t wasm__fixed64(wasm_reader *r);
const uint8_t *wasm__bytes(wasm_reader *r, uint32_t n);
static inline size_t wasm__offset(const wasm_reader *r)
{
    return (size_t)(r->p - r->base);
}

/* ---- the module ---- */

/* A constant expression, validated; evaluated at instantiation. */
typedef struct wasm_constexpr {
    const uint8_t *code; /* up to and including `end` */
    uint32_t len;
} wasm_constexpr;

typedef struct wasm_tabledesc {
    uint8_t elem;
    wasm_limits lim;
    wasm_constexpr init; /* len 0: null */
} wasm_tabledesc;

typedef struct wasm_globaldesc {
    wasm_globaltype type;
    wasm_constexpr init;
} wasm_globaldesc;

enum { SEG_ACTIVE, SEG_PASSIVE, SEG_DECLARATIVE };

typedef struct wasm_elem {
    uint8_t mode, type;
    uint32_t table;
    wasm_constexpr offset;
    uint32_t n;
    uint32_t *funcs;        /* the items as function indices, or */
    wasm_constexpr *exprs;  /* as expressions */
} wasm_elem;

typedef struct wasm_data {
    uint8_t mode;
    uint32_t mem;
    wasm_constexpr offset;
    const uint8_t *bytes;
    uint32_t len;
} wasm_data;

/* A function compiled to internal code. */
typedef struct wasm_code_func {
    const uint8_t *code;        /* entry point */
    const wasm_functype *type;
    uint32_t param_cells;
    uint32_t local_cells;       /* params and declared locals */
    uint32_t frame_cells;       /* locals and the deepest operand stack */
    uint32_t index;             /* function index in the module */
    uint32_t body;              /* byte offset of the body in the module */
    uint32_t code_off;          /* offset of code in module->code */
} wasm_code_func;

/* Internal code offset -> module byte offset, for trap locations. */
typedef struct wasm_pcmap {
    uint32_t code, wasm;
} wasm_pcmap;

struct wasm_module {
    unsigned refs;
    uint32_t features;
    uint8_t *bytes;             /* our copy; names and segments point into it */
    size_t len;

    uint32_t ntypes;
    wasm_functype *types;
    uint32_t *canon;            /* type index -> first equal type's index */

    uint32_t nimports;
    wasm_import *imports;

    uint32_t nfuncs, nfunc_imports;
    uint32_t *func_types;       /* type index of every function */
    wasm_code_func *code_funcs; /* the defined ones */
    uint8_t *declared;          /* functions ref.func may name (bitset) */

    uint32_t ntables, ntable_imports;
    wasm_tabledesc *tables;
    uint32_t nmems, nmem_imports;
    wasm_limits *mems;
    uint32_t nglobals, nglobal_imports;
    wasm_globaldesc *globals;

    uint32_t nexports;
    wasm_export *exports;
    int has_start;
    uint32_t start;
    uint32_t nelems;
    wasm_elem *elems;
    uint32_t ndatas;
    int has_datacount;
    uint32_t datacount;
    wasm_data *datas;
    uint32_t ncustoms;
    wasm_custom *customs;
    char **func_names;          /* from the name section, or NULL */

    uint8_t *code;              /* every function's internal code */
    size_t code_len;
    wasm_pcmap *pcmap;
    uint32_t npcmap;
};

static inline int wasm__functype_eq(const wasm_functype *a, const wasm_functype *b)
{
    return a == b || (a->nparams == b->nparams && a->nresults == b->nresults &&
                      memcmp(a->params, b->params, a->nparams) == 0 &&
                      memcmp(a->results, b->results, a->nresults) == 0);
}
#define wasm__is_ref wasm_is_ref

/* Validates a constant expression of type `type` at r (through `end`); it
   may read the first nglobals_visible globals (the imported ones). */
int wasm__validate_constexpr(wasm_module *m, wasm_reader *r, uint8_t type,
                             uint32_t nglobals_visible, wasm_constexpr *out);

/* ---- runtime objects ---- */

struct wasm_func {
    const wasm_functype *type;
    wasm_instance *inst;         /* the owner */
    const wasm_code_func *code;  /* NULL for a host function */
    wasm_host_fn host;
    void *host_data;
    void *user;
    wasm_module *type_owner;     /* host functions: holds `type` */
    uint32_t index;
};

struct wasm_memory {
    unsigned refs;
    wasm_host *host;
    uint8_t *data;
    uint64_t bytes;
    uint64_t max_pages;         /* the effective bound */
    size_t mapped;              /* bytes mapped (>= bytes) */
    wasm_limits lim;
    void *user;
};

struct wasm_table {
    unsigned refs;
    wasm_host *host;
    uint8_t elem;
    wasm_limits lim;
    uint64_t size, max;
    wasm_cell *cells;
    void *user;
};

struct wasm_global {
    unsigned refs;
    wasm_host *host;
    wasm_globaltype type;
    wasm_cell val[2];
    void *user;
};

struct wasm_instance {
    unsigned refs;
    wasm_module *module;
    wasm_host *host;
    wasm_func **funcs;           /* the function index space */
    wasm_func *own;              /* the defined functions */
    wasm_func **adopted;         /* host functions given as imports */
    uint32_t nadopted;
    wasm_memory **mems;
    wasm_table **tables;
    wasm_global **globals;
    wasm_cell **elems;           /* passive element segments (refs); NULL when dropped */
    uint32_t *elem_len;
    uint8_t *data_dropped;
    void *user;
};

/* A call record on the engine's own stack. */
typedef struct wasm_frame {
    const uint8_t *pc;           /* where the caller resumes */
    wasm_cell *fp;               /* the caller's frame */
    wasm_instance *inst;         /* the caller's instance */
} wasm_frame;

struct wasm_exec {
    wasm_host *host;
    wasm_cell *stack, *stack_end;
    wasm_cell *top;              /* first cell free for a new entry */
    wasm_frame *frames, *frames_end, *frame;
    size_t stack_bytes, frame_bytes;
    int depth;                   /* nested calls running */
    wasm_trap_info trap;
    void *user;
};

/* interp.c */
void *const *wasm__labels(void);
wasm_trap_code wasm__run(wasm_exec *ex, wasm_func *f, wasm_cell *args);

/* runtime.c: helpers the interpreter calls for the rarer instructions. */
int64_t wasm__memory_grow(wasm_memory *m, uint64_t delta);
wasm_trap_code wasm__table_init(wasm_instance *inst, uint32_t table, uint32_t seg,
                                uint64_t d, uint64_t s, uint64_t n);
wasm_trap_code wasm__table_copy(wasm_instance *inst, uint32_t dt, uint32_t st,
                                uint64_t d, uint64_t s, uint64_t n);
wasm_trap_code wasm__table_fill(wasm_table *t, uint64_t d, wasm_cell v, uint64_t n);
int64_t wasm__table_grow(wasm_table *t, uint64_t delta, wasm_cell init);
void wasm__table_set(wasm_table *t, uint64_t i, wasm_cell v);
void wasm__global_set_ref(wasm_global *g, wasm_cell v);
void wasm__elem_drop(wasm_instance *inst, uint32_t seg);
wasm_trap_code wasm__memory_init(wasm_instance *inst, uint32_t mem, uint32_t seg,
                                 uint64_t d, uint64_t s, uint64_t n);
/* simd.c: one SIMD operation (its number after the 0xfd prefix). */
void wasm__simd(uint32_t op, wasm_cell *d, const wasm_cell *a, const wasm_cell *b,
                const wasm_cell *c, uint32_t lane);
void wasm__simd_shuffle(wasm_cell *d, const wasm_cell *a, const wasm_cell *b,
                        const uint8_t *lanes);
wasm_trap_code wasm__simd_mem(uint32_t op, wasm_memory *m, wasm_cell *d, uint64_t addr,
                              uint64_t off, uint32_t lane, const wasm_cell *v);
/* Locates a trap at pc (internal code of inst's module). */
void wasm__trap_at(wasm_exec *ex, wasm_instance *inst, const uint8_t *pc, wasm_trap_code code);

#endif
