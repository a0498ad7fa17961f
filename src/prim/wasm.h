/*
 * prim/wasm.h: what the two files of __primordials.wasm share: the
 * isolate's WebAssembly state, value conversions, the object classes.
 *
 * wasm.c: modules, instances, exported and imported functions, calls.
 * wasm_objects.c: Memory, Table and Global objects.
 *
 * Every WebAssembly object is a native object whose prototype is the one
 * lib/webassembly.js defines (Module.prototype, ...). References between
 * objects are both counted references on the engine's objects and JS
 * references between their wrappers, so QuickJS's cycle collector sees
 * every edge: a table cell holding a function holds the function's
 * instance, a Table holds the values of its externref cells.
 */
#ifndef COROJS_PRIM_WASM_H
#define COROJS_PRIM_WASM_H

#include "quickjs.h"
#include "wasm/wasm.h"

struct coro_isolate;

/* The JS values lib/webassembly.js gives at set-up. */
enum {
    WJS_COMPILE_ERROR, WJS_LINK_ERROR, WJS_RUNTIME_ERROR,
    WJS_MODULE_PROTO, WJS_INSTANCE_PROTO, WJS_MEMORY_PROTO, WJS_TABLE_PROTO,
    WJS_GLOBAL_PROTO, WJS_FUNCTION_PROTO,
    WJS_ITERABLE_TO_LIST, /* [...v], for multi-value results of imports */
    WJS_COUNT
};

/* A JS value held for an externref: the cell holds index + 1. An entry
   held by tables or globals (count > 0) is kept alive by them; one held by
   nothing else keeps its value itself until a sweep while no wasm runs. */
typedef struct wasm_extref {
    JSValue value;
    uint32_t count;     /* table cells and globals holding it */
    uint32_t next_free; /* free list (index + 1), 0 = end */
} wasm_extref;

/* An execution stack lent to a fiber while it runs wasm. */
typedef struct wasm_exec_slot {
    wasm_exec *ex;
    void *fiber;
    struct wasm_exec_slot *next;
} wasm_exec_slot;

typedef struct wasm_state {
    unsigned refs;              /* the holder object and every native object */
    wasm_host host;
    JSContext *ctx;
    JSRuntime *rt;
    struct coro_isolate *iso;
    JSValue js[WJS_COUNT];      /* owned by the holder (marked there) */
    uint32_t features;
    wasm_exec_slot *busy, *idle;
    unsigned running;           /* calls into wasm in progress */
    uint64_t memory_bytes;      /* linear memory, counted against memoryLimit */
    wasm_extref *ext;
    uint32_t next_ext, ext_cap, ext_free, young;
} wasm_state;

/* The isolate's state; NULL with TypeError before lib set it up. */
wasm_state *coro_wasm_state(JSContext *ctx);
wasm_state *coro_wasm_state_ref(wasm_state *st);
void coro_wasm_state_unref(wasm_state *st);

/* ToWebAssemblyValue and ToJSValue. v128 is refused (TypeError). */
int coro_wasm_to_cell(JSContext *ctx, wasm_state *st, JSValueConst v, uint8_t type,
                      wasm_cell *out);
JSValue coro_wasm_to_js(JSContext *ctx, wasm_state *st, uint8_t type, const wasm_cell *c);
JSValue coro_wasm_new_error(JSContext *ctx, wasm_state *st, int which, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
JSValue coro_wasm_throw(JSContext *ctx, wasm_state *st, int which, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* GC support for cells holding references; release is for a table or
   global whose object is being collected. */
void coro_wasm_mark_ref(JSRuntime *rt, wasm_state *st, uint8_t type, wasm_cell c,
                        JS_MarkFunc *mark);
void coro_wasm_release_ref(JSRuntime *rt, wasm_state *st, uint8_t type, wasm_cell c);

/* The JS object of an engine object (its wrapper; made if needed). */
JSValue coro_wasm_memory_object(JSContext *ctx, wasm_state *st, wasm_memory *m);
JSValue coro_wasm_table_object(JSContext *ctx, wasm_state *st, wasm_table *t);
JSValue coro_wasm_global_object(JSContext *ctx, wasm_state *st, wasm_global *g);
JSValue coro_wasm_func_object(JSContext *ctx, wasm_state *st, wasm_func *f);
/* The engine function of an exported function, or NULL. */
wasm_func *coro_wasm_func_of(JSValueConst v);
/* The engine object of a Memory, Table, Global, or NULL. */
wasm_memory *coro_wasm_memory_of(JSValueConst v);
wasm_table *coro_wasm_table_of(JSValueConst v);
wasm_global *coro_wasm_global_of(JSValueConst v);
/* memory.grow happened: the old ArrayBuffer of m is detached. */
void coro_wasm_memory_grown(wasm_host *h, wasm_memory *m);

/* A Module object for m (which keeps its own reference). */
JSValue coro_wasm_module_object(JSContext *ctx, wasm_state *st, wasm_module *m);

/* WebAssembly apps (prim/wasi.c): whether m is a WASI command or a Dagger
   module (0: neither), and the source of the JS module that runs it when
   it is an isolate's main module. */
int coro_wasm_app_kind(const wasm_module *m);
char *coro_wasm_app_source(JSContext *ctx, wasm_module *m, size_t *len);

int coro_wasm_objects_init(JSContext *ctx, JSValueConst ns);

#endif
