/*
 * prim/wasm_objects.c: WebAssembly.Memory, Table and Global objects over
 * the engine's memories, tables and globals (part of __primordials.wasm).
 *
 * An engine object has at most one JS object (its `user` pointer, cleared
 * when the object goes), so exporting it twice gives the same object.
 */
#include <stdlib.h>
#include <string.h>

#include "prim.h"
#include "wasm.h"
#include "core/binding.h"

static JSClassID memory_class, table_class, global_class;

/* Each record starts with the state (new_object sets it). */
typedef struct memory_rec {
    wasm_state *st;
    wasm_memory *m;
    JSValue buffer;   /* the current ArrayBuffer, or undefined */
} memory_rec;

typedef struct table_rec {
    wasm_state *st;
    wasm_table *t;
} table_rec;

typedef struct global_rec {
    wasm_state *st;
    wasm_global *g;
} global_rec;

static inline JSValue obj_value(void *p)
{
    return JS_MKPTR(JS_TAG_OBJECT, p);
}

/* A new object of class id with `proto`, standing for an engine object whose
   cache is *user, and its zeroed record of `size` bytes, which starts with the
   state (a counted reference taken here). NULL with an exception pending. */
static void *new_object(JSContext *ctx, wasm_state *st, JSValueConst proto, JSClassID id,
                        size_t size, void **user, JSValue *obj)
{
    void *r = calloc(1, size);

    if (!r) {
        JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    *obj = JS_NewObjectProtoClass(ctx, proto, id);
    if (JS_IsException(*obj)) {
        free(r);
        return NULL;
    }
    *(wasm_state **)r = coro_wasm_state_ref(st);
    JS_SetOpaque(*obj, r);
    *user = JS_VALUE_GET_PTR(*obj);
    return r;
}

/* ---- Memory ---- */

/* What an ArrayBuffer over linear memory holds: a reference to the memory,
   and one to the state, whose host the memory reports to when it is freed.
   The buffer can outlive its Memory object and, when a cycle is freed at
   once (a collection, the end of the runtime), every other object of the
   state too. Both are dropped when the buffer is detached (the finalizer
   then passes NULL). */
typedef struct buffer_hold {
    wasm_state *st;
    wasm_memory *m;
} buffer_hold;

static void buffer_free(JSRuntime *rt, void *opaque, void *ptr)
{
    buffer_hold *h = opaque;

    if (!ptr)
        return;
    wasm_memory_unref(h->m);
    coro_wasm_state_unref(h->st);
    free(h);
}

static void detach(JSContext *ctx, memory_rec *r)
{
    if (JS_IsUndefined(r->buffer))
        return;
    JS_DetachArrayBuffer(ctx, r->buffer);
    JS_FreeValue(ctx, r->buffer);
    r->buffer = JS_UNDEFINED;
}

void coro_wasm_memory_grown(wasm_host *h, wasm_memory *m)
{
    wasm_state *st = h->user;
    void *obj = *wasm_memory_user(m);

    if (obj)
        detach(st->ctx, JS_GetOpaque(obj_value(obj), memory_class));
}

static void memory_finalizer(JSRuntime *rt, JSValue val)
{
    memory_rec *r = JS_GetOpaque(val, memory_class);

    if (!r)
        return;
    *wasm_memory_user(r->m) = NULL;
    JS_FreeValueRT(rt, r->buffer);
    wasm_memory_unref(r->m);
    coro_wasm_state_unref(r->st);
    free(r);
}

static void memory_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    memory_rec *r = JS_GetOpaque(val, memory_class);

    if (r)
        JS_MarkValue(rt, r->buffer, mark);
}

wasm_memory *coro_wasm_memory_of(JSValueConst v)
{
    memory_rec *r = JS_GetOpaque(v, memory_class);
    return r ? r->m : NULL;
}

static JSValue memory_object(JSContext *ctx, wasm_state *st, wasm_memory *m, JSValueConst proto)
{
    JSValue obj;
    memory_rec *r = new_object(ctx, st, proto, memory_class, sizeof *r, wasm_memory_user(m), &obj);

    if (!r)
        return JS_EXCEPTION;
    r->m = wasm_memory_ref(m);
    r->buffer = JS_UNDEFINED;
    return obj;
}

JSValue coro_wasm_memory_object(JSContext *ctx, wasm_state *st, wasm_memory *m)
{
    void *cached = *wasm_memory_user(m);

    if (cached)
        return JS_DupValue(ctx, obj_value(cached));
    return memory_object(ctx, st, m, st->js[WJS_MEMORY_PROTO]);
}

static memory_rec *memory_arg(JSContext *ctx, JSValueConst v)
{
    return JS_GetOpaque2(ctx, v, memory_class);
}

/* memoryNew(initial, maximum or undefined, proto): the bounds are checked
   by lib. */
static JSValue js_wasm_memory_new(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    wasm_state *st = coro_wasm_state(ctx);
    wasm_limits lim = { 0 };
    wasm_memory *m;
    int64_t v;
    JSValue obj;

    if (!st || coro_arg_integer(ctx, argv[0], "initial", 0, 65536, &v) < 0)
        return JS_EXCEPTION;
    lim.min = (uint64_t)v;
    if (!JS_IsUndefined(argv[1])) {
        if (coro_arg_integer(ctx, argv[1], "maximum", 0, 65536, &v) < 0)
            return JS_EXCEPTION;
        lim.max = (uint64_t)v;
        lim.has_max = 1;
    }
    m = wasm_memory_new(&st->host, lim);
    if (!m)
        return JS_ThrowRangeError(ctx, "WebAssembly.Memory(): could not allocate %llu pages "
                                       "(out of memory or over the memory limit)",
                                  (unsigned long long)lim.min);
    obj = memory_object(ctx, st, m, argv[2]);
    wasm_memory_unref(m);
    return obj;
}

/* memoryBuffer(memory) -> the ArrayBuffer of its current size */
static JSValue js_wasm_memory_buffer(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    memory_rec *r = memory_arg(ctx, argv[0]);

    if (!r)
        return JS_EXCEPTION;
    if (JS_IsUndefined(r->buffer)) {
        buffer_hold *h = malloc(sizeof *h);

        if (!h)
            return JS_ThrowOutOfMemory(ctx);
        r->buffer = JS_NewArrayBuffer(ctx, wasm_memory_data(r->m), wasm_memory_bytes(r->m),
                                      buffer_free, h, 0);
        if (JS_IsException(r->buffer)) {
            free(h);
            r->buffer = JS_UNDEFINED;
            return JS_EXCEPTION;
        }
        h->m = wasm_memory_ref(r->m);
        h->st = coro_wasm_state_ref(r->st);
    }
    return JS_DupValue(ctx, r->buffer);
}

/* memoryGrow(memory, delta) -> the old size in pages */
static JSValue js_wasm_memory_grow(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    memory_rec *r = memory_arg(ctx, argv[0]);
    int64_t delta, old;

    if (!r || coro_arg_integer(ctx, argv[1], "delta", 0, UINT32_MAX, &delta) < 0)
        return JS_EXCEPTION;
    old = wasm_memory_grow(r->m, (uint64_t)delta);
    if (old < 0)
        return JS_ThrowRangeError(ctx, "WebAssembly.Memory.grow(): cannot grow by %lld pages "
                                       "(maximum reached, out of memory or over the memory "
                                       "limit)", (long long)delta);
    return JS_NewInt64(ctx, old);
}

/* ---- Table ---- */

static void table_finalizer(JSRuntime *rt, JSValue val)
{
    table_rec *r = JS_GetOpaque(val, table_class);
    wasm_cell v;

    if (!r)
        return;
    *wasm_table_user(r->t) = NULL;
    /* the cells' references are this object's: let them go, and the cells */
    for (uint64_t i = 0; i < wasm_table_size(r->t); i++) {
        if (wasm_table_get(r->t, i, &v) == 0 && v.ref) {
            coro_wasm_release_ref(rt, r->st, wasm_table_elem(r->t), v);
            wasm_table_clear(r->t, i);
        }
    }
    wasm_table_unref(r->t);
    coro_wasm_state_unref(r->st);
    free(r);
}

typedef struct mark_ctx {
    JSRuntime *rt;
    wasm_state *st;
    JS_MarkFunc *mark;
} mark_ctx;

static void mark_one(void *ud, uint8_t type, wasm_cell v)
{
    mark_ctx *m = ud;
    coro_wasm_mark_ref(m->rt, m->st, type, v, m->mark);
}

static void table_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    table_rec *r = JS_GetOpaque(val, table_class);
    mark_ctx m = { rt, r ? r->st : NULL, mark };

    if (r)
        wasm_table_each_ref(r->t, mark_one, &m);
}

wasm_table *coro_wasm_table_of(JSValueConst v)
{
    table_rec *r = JS_GetOpaque(v, table_class);
    return r ? r->t : NULL;
}

static JSValue table_object(JSContext *ctx, wasm_state *st, wasm_table *t, JSValueConst proto)
{
    JSValue obj;
    table_rec *r = new_object(ctx, st, proto, table_class, sizeof *r, wasm_table_user(t), &obj);

    if (!r)
        return JS_EXCEPTION;
    r->t = wasm_table_ref(t);
    return obj;
}

JSValue coro_wasm_table_object(JSContext *ctx, wasm_state *st, wasm_table *t)
{
    void *cached = *wasm_table_user(t);

    if (cached)
        return JS_DupValue(ctx, obj_value(cached));
    return table_object(ctx, st, t, st->js[WJS_TABLE_PROTO]);
}

/* A value for a table or global of `type`: undefined is the type's default
   (null for funcref, undefined itself for externref). */
static int ref_or_default(JSContext *ctx, wasm_state *st, JSValueConst v, uint8_t type,
                          wasm_cell *out)
{
    if (JS_IsUndefined(v) && type == WASM_FUNCREF) {
        out->u64 = 0;
        return 0;
    }
    return coro_wasm_to_cell(ctx, st, v, type, out);
}

static uint8_t elem_type(JSContext *ctx, JSValueConst v)
{
    int32_t t;

    if (JS_ToInt32(ctx, &t, v) < 0)
        return 0;
    if (t != WASM_FUNCREF && t != WASM_EXTERNREF) {
        JS_ThrowTypeError(ctx, "bad element type");
        return 0;
    }
    return (uint8_t)t;
}

/* tableNew(elemType, initial, maximum or undefined, value, proto) */
static JSValue js_wasm_table_new(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    wasm_state *st = coro_wasm_state(ctx);
    uint8_t elem = st ? elem_type(ctx, argv[0]) : 0;
    wasm_limits lim = { 0 };
    wasm_cell init;
    wasm_table *t;
    int64_t v;
    JSValue obj;

    if (!elem || coro_arg_integer(ctx, argv[1], "initial", 0, UINT32_MAX, &v) < 0)
        return JS_EXCEPTION;
    lim.min = (uint64_t)v;
    if (!JS_IsUndefined(argv[2])) {
        if (coro_arg_integer(ctx, argv[2], "maximum", 0, UINT32_MAX, &v) < 0)
            return JS_EXCEPTION;
        lim.max = (uint64_t)v;
        lim.has_max = 1;
    }
    if (ref_or_default(ctx, st, argv[3], elem, &init) < 0)
        return JS_EXCEPTION;
    t = wasm_table_new(&st->host, elem, lim, (wasm_cell){ .u64 = 0 });
    if (!t)
        return JS_ThrowRangeError(ctx, "WebAssembly.Table(): could not allocate %llu elements",
                                  (unsigned long long)lim.min);
    obj = table_object(ctx, st, t, argv[4]);
    wasm_table_unref(t);
    if (!JS_IsException(obj) && init.ref)
        wasm_table_fill(t, 0, init, lim.min);
    return obj;
}

static table_rec *table_arg(JSContext *ctx, JSValueConst v)
{
    return JS_GetOpaque2(ctx, v, table_class);
}

static int table_index(JSContext *ctx, table_rec *r, JSValueConst v, uint64_t *i)
{
    int64_t n;

    if (coro_arg_integer(ctx, v, "index", 0, UINT32_MAX, &n) < 0)
        return -1;
    if ((uint64_t)n >= wasm_table_size(r->t)) {
        JS_ThrowRangeError(ctx, "WebAssembly.Table: index %lld out of bounds (length %llu)",
                           (long long)n, (unsigned long long)wasm_table_size(r->t));
        return -1;
    }
    *i = (uint64_t)n;
    return 0;
}

/* tableLength(table) */
static JSValue js_wasm_table_length(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    table_rec *r = table_arg(ctx, argv[0]);
    return r ? JS_NewInt64(ctx, (int64_t)wasm_table_size(r->t)) : JS_EXCEPTION;
}

/* tableGet(table, index) */
static JSValue js_wasm_table_get(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    table_rec *r = table_arg(ctx, argv[0]);
    uint64_t i;
    wasm_cell v;

    if (!r || table_index(ctx, r, argv[1], &i) < 0)
        return JS_EXCEPTION;
    wasm_table_get(r->t, i, &v);
    return coro_wasm_to_js(ctx, r->st, wasm_table_elem(r->t), &v);
}

/* tableSet(table, index, value, given): without a value given, the
   element type's default */
static JSValue js_wasm_table_set(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    table_rec *r = table_arg(ctx, argv[0]);
    uint8_t elem;
    uint64_t i;
    wasm_cell v;

    if (!r || table_index(ctx, r, argv[1], &i) < 0)
        return JS_EXCEPTION;
    elem = wasm_table_elem(r->t);
    if (JS_ToBool(ctx, argv[3]) ? coro_wasm_to_cell(ctx, r->st, argv[2], elem, &v) < 0
                                : ref_or_default(ctx, r->st, JS_UNDEFINED, elem, &v) < 0)
        return JS_EXCEPTION;
    wasm_table_set(r->t, i, v);
    return JS_UNDEFINED;
}

/* tableGrow(table, delta, value) -> the old length */
static JSValue js_wasm_table_grow(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    table_rec *r = table_arg(ctx, argv[0]);
    int64_t delta, old;
    wasm_cell v;

    if (!r || coro_arg_integer(ctx, argv[1], "delta", 0, UINT32_MAX, &delta) < 0 ||
        ref_or_default(ctx, r->st, argv[2], wasm_table_elem(r->t), &v) < 0)
        return JS_EXCEPTION;
    old = wasm_table_grow(r->t, (uint64_t)delta, v);
    if (old < 0)
        return JS_ThrowRangeError(ctx, "WebAssembly.Table.grow(): cannot grow by %lld "
                                       "elements", (long long)delta);
    return JS_NewInt64(ctx, old);
}

/* ---- Global ---- */

static void global_finalizer(JSRuntime *rt, JSValue val)
{
    global_rec *r = JS_GetOpaque(val, global_class);
    wasm_globaltype t;

    if (!r)
        return;
    *wasm_global_user(r->g) = NULL;
    t = wasm_global_type(r->g);
    if (wasm_is_ref(t.type)) {
        coro_wasm_release_ref(rt, r->st, t.type, wasm_global_get(r->g)[0]);
        wasm_global_clear(r->g);
    }
    wasm_global_unref(r->g);
    coro_wasm_state_unref(r->st);
    free(r);
}

static void global_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    global_rec *r = JS_GetOpaque(val, global_class);

    if (r && wasm_is_ref(wasm_global_type(r->g).type))
        coro_wasm_mark_ref(rt, r->st, wasm_global_type(r->g).type, wasm_global_get(r->g)[0], mark);
}

wasm_global *coro_wasm_global_of(JSValueConst v)
{
    global_rec *r = JS_GetOpaque(v, global_class);
    return r ? r->g : NULL;
}

static JSValue global_object(JSContext *ctx, wasm_state *st, wasm_global *g, JSValueConst proto)
{
    JSValue obj;
    global_rec *r = new_object(ctx, st, proto, global_class, sizeof *r, wasm_global_user(g), &obj);

    if (!r)
        return JS_EXCEPTION;
    r->g = wasm_global_ref(g);
    return obj;
}

JSValue coro_wasm_global_object(JSContext *ctx, wasm_state *st, wasm_global *g)
{
    void *cached = *wasm_global_user(g);

    if (cached)
        return JS_DupValue(ctx, obj_value(cached));
    return global_object(ctx, st, g, st->js[WJS_GLOBAL_PROTO]);
}

/* A value for a global of type t: undefined is the default value. */
static int global_value(JSContext *ctx, wasm_state *st, JSValueConst v, uint8_t t, wasm_cell *c)
{
    if (JS_IsUndefined(v) && t != WASM_EXTERNREF) {
        c->u64 = 0;
        return t == WASM_V128 ? coro_wasm_to_cell(ctx, st, v, t, c) : 0;
    }
    return coro_wasm_to_cell(ctx, st, v, t, c);
}

/* globalNew(type, mutable, value, proto) */
static JSValue js_wasm_global_new(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    wasm_state *st = coro_wasm_state(ctx);
    wasm_cell c[2] = { { 0 }, { 0 } };
    wasm_globaltype t;
    wasm_global *g;
    int32_t type;
    JSValue obj;

    if (!st || JS_ToInt32(ctx, &type, argv[0]) < 0)
        return JS_EXCEPTION;
    t.type = (uint8_t)type;
    if (!wasm_is_ref(t.type) && t.type != WASM_I32 && t.type != WASM_I64 &&
        t.type != WASM_F32 && t.type != WASM_F64 && t.type != WASM_V128)
        return JS_ThrowTypeError(ctx, "bad value type");
    t.mut = (uint8_t)JS_ToBool(ctx, argv[1]);
    if (global_value(ctx, st, argv[2], t.type, c) < 0)
        return JS_EXCEPTION;
    g = wasm_global_new(&st->host, t, c);
    if (!g)
        return JS_ThrowOutOfMemory(ctx);
    obj = global_object(ctx, st, g, argv[3]);
    wasm_global_unref(g);
    return obj;
}

/* globalGet(global) -> its value */
static JSValue js_wasm_global_get(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    global_rec *r = JS_GetOpaque2(ctx, argv[0], global_class);

    if (!r)
        return JS_EXCEPTION;
    return coro_wasm_to_js(ctx, r->st, wasm_global_type(r->g).type, wasm_global_get(r->g));
}

/* globalSet(global, value): TypeError for an immutable one */
static JSValue js_wasm_global_set(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    global_rec *r = JS_GetOpaque2(ctx, argv[0], global_class);
    wasm_cell c[2] = { { 0 }, { 0 } };
    wasm_globaltype t;

    if (!r)
        return JS_EXCEPTION;
    t = wasm_global_type(r->g);
    if (!t.mut)
        return JS_ThrowTypeError(ctx, "WebAssembly.Global: cannot set the value of an "
                                      "immutable global");
    if (coro_wasm_to_cell(ctx, r->st, argv[1], t.type, c) < 0)
        return JS_EXCEPTION;
    wasm_global_set(r->g, c);
    return JS_UNDEFINED;
}

/* globalType(global) -> [type, mutable] (for the Global's checks in lib) */
static JSValue js_wasm_global_type(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    global_rec *r = JS_GetOpaque2(ctx, argv[0], global_class);
    JSValue arr;

    if (!r)
        return JS_EXCEPTION;
    arr = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, arr, 0, JS_NewInt32(ctx, wasm_global_type(r->g).type));
    JS_SetPropertyUint32(ctx, arr, 1, JS_NewBool(ctx, wasm_global_type(r->g).mut));
    return arr;
}

static const JSCFunctionListEntry object_funcs[] = {
    JS_CFUNC_DEF("memoryNew", 3, js_wasm_memory_new),
    JS_CFUNC_DEF("memoryBuffer", 1, js_wasm_memory_buffer),
    JS_CFUNC_DEF("memoryGrow", 2, js_wasm_memory_grow),
    JS_CFUNC_DEF("tableNew", 5, js_wasm_table_new),
    JS_CFUNC_DEF("tableLength", 1, js_wasm_table_length),
    JS_CFUNC_DEF("tableGet", 2, js_wasm_table_get),
    JS_CFUNC_DEF("tableSet", 4, js_wasm_table_set),
    JS_CFUNC_DEF("tableGrow", 3, js_wasm_table_grow),
    JS_CFUNC_DEF("globalNew", 4, js_wasm_global_new),
    JS_CFUNC_DEF("globalGet", 1, js_wasm_global_get),
    JS_CFUNC_DEF("globalSet", 2, js_wasm_global_set),
    JS_CFUNC_DEF("globalType", 1, js_wasm_global_type),
};

static const JSClassDef memory_def = { "WebAssembly.Memory", .finalizer = memory_finalizer,
                                       .gc_mark = memory_mark };
static const JSClassDef table_def = { "WebAssembly.Table", .finalizer = table_finalizer,
                                      .gc_mark = table_mark };
static const JSClassDef global_def = { "WebAssembly.Global", .finalizer = global_finalizer,
                                       .gc_mark = global_mark };

int coro_wasm_objects_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);

    if (coro_register_class(rt, &memory_class, &memory_def) < 0 ||
        coro_register_class(rt, &table_class, &table_def) < 0 ||
        coro_register_class(rt, &global_class, &global_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, object_funcs, sizeof object_funcs / sizeof object_funcs[0]);
    return 0;
}
