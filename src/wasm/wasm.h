/*
 * wasm.h: the WebAssembly engine, as its embedder (src/prim/wasm.c) sees it.
 *
 * Plain C, no QuickJS: a module is decoded and validated once and each
 * function compiled to an internal register-style code (src/wasm/ops.h),
 * which src/wasm/interp.c runs. Instances, memories, tables and globals are
 * C objects with counted references; the embedder ties them to its own
 * objects through the `user` pointers and the hooks of wasm_host.
 *
 * Names: wasm_ is the engine's public prefix, wasm__ its internal one.
 */
#ifndef COROJS_WASM_H
#define COROJS_WASM_H

#include <stddef.h>
#include <stdint.h>

/* Value types, as encoded in the binary format. */
enum {
    WASM_I32 = 0x7f,
    WASM_I64 = 0x7e,
    WASM_F32 = 0x7d,
    WASM_F64 = 0x7c,
    WASM_V128 = 0x7b,
    WASM_FUNCREF = 0x70,
    WASM_EXTERNREF = 0x6f,
};

/* Kinds of import and export. */
enum {
    WASM_EXTERN_FUNC = 0,
    WASM_EXTERN_TABLE = 1,
    WASM_EXTERN_MEMORY = 2,
    WASM_EXTERN_GLOBAL = 3,
};

/* Proposals after WebAssembly 2.0, each switched on by a bit. */
enum {
    WASM_FEATURE_TAIL_CALL = 1,
    WASM_FEATURE_EXTENDED_CONST = 2,
    WASM_FEATURE_MULTI_MEMORY = 4,
    WASM_FEATURE_MEMORY64 = 8,
    WASM_FEATURES_ALL = 15,
};

/* Why a call stopped. */
typedef enum wasm_trap_code {
    WASM_OK = 0,
    WASM_TRAP_UNREACHABLE,
    WASM_TRAP_DIV_ZERO,
    WASM_TRAP_INT_OVERFLOW,
    WASM_TRAP_BAD_CONVERSION,
    WASM_TRAP_MEMORY_OOB,
    WASM_TRAP_TABLE_OOB,
    WASM_TRAP_UNDEFINED_ELEMENT,
    WASM_TRAP_UNINITIALIZED_ELEMENT,
    WASM_TRAP_INDIRECT_TYPE,
    WASM_TRAP_STACK_EXHAUSTED,
    WASM_TRAP_INTERRUPTED,   /* wasm_host.poll asked to stop */
    WASM_TRAP_HOST,          /* a host function failed; its error is the host's */
    WASM_TRAP_OUT_OF_MEMORY,
} wasm_trap_code;

/* One value in a frame: numbers and references take one cell, v128 two. */
typedef union wasm_cell {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f32;
    double f64;
    void *ref;
} wasm_cell;

typedef struct wasm_module wasm_module;
typedef struct wasm_instance wasm_instance;
typedef struct wasm_func wasm_func;
typedef struct wasm_memory wasm_memory;
typedef struct wasm_table wasm_table;
typedef struct wasm_global wasm_global;
typedef struct wasm_exec wasm_exec;
typedef struct wasm_host wasm_host;

typedef struct wasm_functype {
    uint32_t nparams, nresults;
    const uint8_t *params, *results; /* value types */
    uint32_t param_cells, result_cells;
} wasm_functype;

typedef struct wasm_limits {
    uint64_t min, max; /* max is meaningful when has_max */
    uint8_t has_max;
    uint8_t is64;      /* memory64 */
} wasm_limits;

typedef struct wasm_globaltype {
    uint8_t type;
    uint8_t mut;
} wasm_globaltype;

/* An import or export descriptor. Names are UTF-8, NUL-terminated copies
   (they may contain NUL themselves: use the lengths). */
typedef struct wasm_import {
    const char *module, *name;
    uint32_t module_len, name_len;
    uint8_t kind;
    uint8_t elem;              /* table: element type */
    wasm_limits limits;        /* table, memory */
    wasm_globaltype global;    /* global */
    uint32_t type;             /* func: type index */
} wasm_import;

typedef struct wasm_export {
    const char *name;
    uint32_t name_len;
    uint8_t kind;
    uint32_t index;
} wasm_export;

typedef struct wasm_custom {
    const char *name;
    uint32_t name_len;
    const uint8_t *data;
    uint32_t len;
} wasm_custom;

/* A failure to decode, validate or link: a message and where. */
typedef struct wasm_error {
    char msg[240];
    size_t offset; /* byte offset in the module (decode, validate) */
} wasm_error;

/* ---- the embedder ---- */

/* A function given by the host: reads its arguments from args[] (cells, in
   the order of its type) and writes its results there. Returns WASM_OK or
   a trap code (WASM_TRAP_HOST: the host keeps its own error). It may block
   the calling fiber. */
typedef wasm_trap_code (*wasm_host_fn)(wasm_exec *ex, wasm_func *f, wasm_cell *args);

/* Hooks of one embedder (one per isolate). */
struct wasm_host {
    /* A reference was stored into a table or global (old is overwritten):
       the embedder keeps what new refers to alive and lets go of old. */
    void (*ref_write)(wasm_host *h, uint8_t type, wasm_cell old_ref, wasm_cell new_ref);
    /* Called every few thousand loop iterations and calls: may switch
       fibers; nonzero stops the code with WASM_TRAP_INTERRUPTED. */
    int (*poll)(wasm_host *h);
    /* May a memory grow from old_bytes to new_bytes? 0 = yes. Called with
       new_bytes 0 when a memory is freed. */
    int (*grow_check)(wasm_host *h, uint64_t old_bytes, uint64_t new_bytes);
    /* A memory grew (or memory.grow ran with 0): its data may have moved. */
    void (*memory_grown)(wasm_host *h, wasm_memory *m);
    void *user;
};

/* ---- modules ---- */

wasm_module *wasm_module_new(const uint8_t *bytes, size_t len, uint32_t features,
                             wasm_error *err);
wasm_module *wasm_module_ref(wasm_module *m);
void wasm_module_unref(wasm_module *m);

uint32_t wasm_module_nimports(const wasm_module *m);
const wasm_import *wasm_module_import(const wasm_module *m, uint32_t i);
uint32_t wasm_module_nexports(const wasm_module *m);
const wasm_export *wasm_module_export(const wasm_module *m, uint32_t i);
uint32_t wasm_module_ncustoms(const wasm_module *m);
const wasm_custom *wasm_module_custom(const wasm_module *m, uint32_t i);
const wasm_functype *wasm_module_type(const wasm_module *m, uint32_t type_index);
/* How many tables, memories and globals (imported ones included). */
void wasm_module_counts(const wasm_module *m, uint32_t *tables, uint32_t *memories,
                        uint32_t *globals);
/* The type of an export (by kind): a function's type, or the descriptor. */
const wasm_functype *wasm_module_func_type(const wasm_module *m, uint32_t func_index);
void wasm_module_table_type(const wasm_module *m, uint32_t index, uint8_t *elem,
                            wasm_limits *lim);
wasm_limits wasm_module_memory_type(const wasm_module *m, uint32_t index);
wasm_globaltype wasm_module_global_type(const wasm_module *m, uint32_t index);
/* The name of function `index` from the "name" section, or NULL. */
const char *wasm_module_func_name(const wasm_module *m, uint32_t index);

/* ---- runtime objects ---- */

/* What an import is bound to. */
typedef struct wasm_extern {
    uint8_t kind;
    union {
        wasm_func *func;
        wasm_table *table;
        wasm_memory *memory;
        wasm_global *global;
    } u;
} wasm_extern;

/* A host function of `type` (owned by the module m, kept alive while the
   function lives). Passed as an import, the new instance adopts it; one
   never imported is freed with wasm_func_free. */
wasm_func *wasm_func_new_host(wasm_module *m, const wasm_functype *type,
                              wasm_host_fn fn, void *data);
void wasm_func_free(wasm_func *f);
const wasm_functype *wasm_func_type(const wasm_func *f);
wasm_instance *wasm_func_instance(const wasm_func *f);
void *wasm_func_host_data(const wasm_func *f);
int wasm_func_is_host(const wasm_func *f);
/* The embedder's pointer (its wrapper of the function). */
void **wasm_func_user(wasm_func *f);
/* The function's index in its instance's module (imports: the import's). */
uint32_t wasm_func_index(const wasm_func *f);

/* Memories: sizes in pages of 64 KiB. NULL when the minimum cannot be had. */
wasm_memory *wasm_memory_new(wasm_host *h, wasm_limits lim);
wasm_memory *wasm_memory_ref(wasm_memory *m);
void wasm_memory_unref(wasm_memory *m);
uint8_t *wasm_memory_data(const wasm_memory *m);
uint64_t wasm_memory_bytes(const wasm_memory *m);
wasm_limits wasm_memory_limits(const wasm_memory *m);
/* Grows by `delta` pages; returns the old size in pages, or -1. */
int64_t wasm_memory_grow(wasm_memory *m, uint64_t delta);
void **wasm_memory_user(wasm_memory *m);

/* Tables of references; `init` fills the new slots. */
wasm_table *wasm_table_new(wasm_host *h, uint8_t elem, wasm_limits lim, wasm_cell init);
wasm_table *wasm_table_ref(wasm_table *t);
void wasm_table_unref(wasm_table *t);
uint8_t wasm_table_elem(const wasm_table *t);
uint64_t wasm_table_size(const wasm_table *t);
wasm_limits wasm_table_limits(const wasm_table *t);
int wasm_table_get(const wasm_table *t, uint64_t i, wasm_cell *out);
int wasm_table_set(wasm_table *t, uint64_t i, wasm_cell v);
int64_t wasm_table_grow(wasm_table *t, uint64_t delta, wasm_cell init);
/* Fills n cells from d (0, or -1 out of bounds). */
int wasm_table_fill(wasm_table *t, uint64_t d, wasm_cell v, uint64_t n);
/* Empties cell i without the ref_write hook (the embedder let go already). */
void wasm_table_clear(wasm_table *t, uint64_t i);
/* Call fn on every reference the table holds (for the embedder's GC). */
void wasm_table_each_ref(const wasm_table *t, void (*fn)(void *ud, uint8_t type, wasm_cell v),
                         void *ud);
void **wasm_table_user(wasm_table *t);

wasm_global *wasm_global_new(wasm_host *h, wasm_globaltype type, const wasm_cell *init);
wasm_global *wasm_global_ref(wasm_global *g);
void wasm_global_unref(wasm_global *g);
wasm_globaltype wasm_global_type(const wasm_global *g);
/* The value: one cell, two for v128. */
const wasm_cell *wasm_global_get(const wasm_global *g);
void wasm_global_set(wasm_global *g, const wasm_cell *v);
/* Empties a reference global without the ref_write hook. */
void wasm_global_clear(wasm_global *g);
void **wasm_global_user(wasm_global *g);

/* ---- instances ---- */

/* Links `imports` (one per import of m, in order) and creates the
   instance's own memories, tables, globals and functions, then runs the
   active segments and the start function on ex. `user` is the instance's
   embedder pointer from the start (hooks run during instantiation). Returns
   NULL with err set (*trap 0) when linking fails; with *trap
   WASM_TRAP_OUT_OF_MEMORY when its memories or tables cannot be had; with
   *trap the trap code when a segment or the start function traps: then
   *partial is the instance (its effects on imported memories and tables
   stay), for the embedder to unref. Host functions among the imports are
   adopted by the instance unless NULL is returned with no *partial. */
wasm_instance *wasm_instance_new(wasm_module *m, wasm_host *h, const wasm_extern *imports,
                                 wasm_exec *ex, void *user, wasm_error *err,
                                 wasm_trap_code *trap, wasm_instance **partial);
/* Counted references: the embedder holds one for each of its objects that
   points into the instance (its functions, its instance object), and one
   for each table cell or global that holds one of its functions. */
wasm_instance *wasm_instance_ref(wasm_instance *inst);
void wasm_instance_unref(wasm_instance *inst);
wasm_module *wasm_instance_module(const wasm_instance *inst);
/* An export's value (kind as in the module's export). */
wasm_extern wasm_instance_export(const wasm_instance *inst, uint32_t export_index);
/* Every function, table, memory and global the instance refers to. */
wasm_func *wasm_instance_func(const wasm_instance *inst, uint32_t index);
wasm_table *wasm_instance_table(const wasm_instance *inst, uint32_t index);
wasm_memory *wasm_instance_memory(const wasm_instance *inst, uint32_t index);
wasm_global *wasm_instance_global(const wasm_instance *inst, uint32_t index);
void **wasm_instance_user(wasm_instance *inst);

/* ---- running ---- */

typedef struct wasm_trap_info {
    wasm_trap_code code;
    const wasm_module *module; /* where it happened; NULL if outside wasm code */
    uint32_t func;             /* function index in that module */
    uint32_t offset;           /* byte offset of the instruction in the module */
} wasm_trap_info;

/* An execution stack: wasm frames live here, not on the C stack. Each
   fiber that runs wasm needs its own; calls nest on it (wasm -> host ->
   wasm). `cells` bounds the value stack, `frames` the call depth. */
wasm_exec *wasm_exec_new(wasm_host *h, size_t cells, size_t frames);
void wasm_exec_free(wasm_exec *ex);
/* Whether a call is running on ex. */
int wasm_exec_busy(const wasm_exec *ex);
/* The embedder's context for host functions. */
void **wasm_exec_user(wasm_exec *ex);
const wasm_trap_info *wasm_exec_trap(const wasm_exec *ex);

/* Calls f with args (cells per its type), results written over args,
   which must have room for max(param_cells, result_cells) cells. */
wasm_trap_code wasm_call(wasm_exec *ex, wasm_func *f, wasm_cell *args);

/* The message of a trap code ("integer divide by zero"). */
const char *wasm_trap_message(wasm_trap_code code);

static inline int wasm_is_ref(uint8_t t)
{
    return t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

/* Cells a value of type t takes (2 for v128). */
static inline uint32_t wasm_type_cells(uint8_t t)
{
    return t == WASM_V128 ? 2 : 1;
}

#endif
