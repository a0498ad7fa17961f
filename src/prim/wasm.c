/*
 * prim/wasm.c: __primordials.wasm, the engine (src/wasm/) behind the
 * WebAssembly JS API of lib/webassembly.js: modules, instances, exported
 * functions and JS functions as imports, the isolate's state and hooks.
 *
 * Wasm code runs on the calling fiber. Its frames live on an execution
 * stack of the engine lent to the fiber for the call (nested calls reuse
 * it), so a JS import that blocks simply parks the fiber with the wasm
 * frames below it. The engine polls the isolate's interrupt check, so
 * preemption and terminate() reach a wasm loop; linear memory counts
 * against the isolate's memoryLimit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prim.h"
#include "wasm.h"
#include "core/binding.h"
#include "core/fiber.h"
#include "core/quickjs_ext.h"
#include "core/isolate.h"
#include "core/modules.h"
#include "core/run.h"

#define EXEC_CELLS (1u << 20)   /* 8 MiB of value stack (mapped lazily) */
#define EXEC_FRAMES 100000u     /* call depth */
#define SWEEP_YOUNG 4096        /* externref entries kept before a sweep */

static JSClassID holder_class, module_class, instance_class, func_class;

typedef struct module_rec {
    wasm_module *m;
} module_rec;

/* A JS function given as an import. */
typedef struct host_import {
    JSValue fn;
    wasm_state *st;
} host_import;

typedef struct instance_rec {
    wasm_state *st;
    wasm_instance *inst;
    JSValue exports;
    JSValue *held;        /* import values and the objects of its own memories, tables, globals */
    uint32_t nheld;
    host_import *hosts;
    uint32_t nhosts;
} instance_rec;

/* The data of an exported function's JS object. */
typedef struct func_rec {
    wasm_state *st;
    wasm_func *f;
    JSValue owner;        /* the instance_rec object of f's instance */
    void *fn;             /* the function object (not counted) */
} func_rec;

static inline JSValue obj_value(void *p)
{
    return JS_MKPTR(JS_TAG_OBJECT, p);
}

/* ---- the isolate's state ---- */

wasm_state *coro_wasm_state(JSContext *ctx)
{
    wasm_state *st = coro_isolate_of(ctx)->area_data[CORO_SLOT_WASM];

    if (!st)
        JS_ThrowTypeError(ctx, "WebAssembly is not set up (corojs:webassembly does that)");
    return st;
}

wasm_state *coro_wasm_state_ref(wasm_state *st)
{
    st->refs++;
    return st;
}

static void free_execs(wasm_exec_slot *s)
{
    while (s) {
        wasm_exec_slot *next = s->next;
        wasm_exec_free(s->ex);
        free(s);
        s = next;
    }
}

void coro_wasm_state_unref(wasm_state *st)
{
    if (!st || --st->refs)
        return;
    free_execs(st->idle);
    free_execs(st->busy);
    free(st->ext);
    free(st);
}

/* The engine's poll: the isolate's interrupt check (preemption, ending). */
static int hook_poll(wasm_host *h)
{
    wasm_state *st = h->user;
    return st->iso ? coro_isolate_poll(st->iso) : 0;
}

/* Linear memory counts against the isolate's memory limit. */
static int hook_grow_check(wasm_host *h, uint64_t old_bytes, uint64_t new_bytes)
{
    wasm_state *st = h->user;

    if (new_bytes > old_bytes) {
        JSRuntime *rt = st->rt;
        size_t limit = coro_qjs_memory_limit(rt);
        uint64_t used = coro_qjs_memory_used(rt) + st->memory_bytes;
        if (limit != (size_t)-1 && limit != 0 && used + (new_bytes - old_bytes) > limit)
            return -1;
    }
    st->memory_bytes += new_bytes - old_bytes;
    return 0;
}

/* ---- externref values ---- */

static uint32_t ext_new(JSContext *ctx, wasm_state *st, JSValueConst v)
{
    uint32_t i;

    if (st->ext_free) {
        i = st->ext_free - 1;
        st->ext_free = st->ext[i].next_free;
    } else {
        if (st->next_ext == st->ext_cap) {
            uint32_t cap = st->ext_cap ? st->ext_cap * 2 : 64;
            wasm_extref *p = realloc(st->ext, cap * sizeof *p);
            if (!p)
                return 0;
            st->ext = p;
            st->ext_cap = cap;
        }
        i = st->next_ext++;
    }
    st->ext[i].value = JS_DupValue(ctx, v);
    st->ext[i].count = 0;
    st->ext[i].next_free = 0;
    st->young++;
    return i + 1;
}

/* Frees the entries nothing holds; only while no wasm code runs, since
   its frames may hold any of them. */
static void ext_sweep(JSRuntime *rt, wasm_state *st)
{
    if (st->running || st->young < SWEEP_YOUNG)
        return;
    for (uint32_t i = 0; i < st->next_ext; i++) {
        wasm_extref *e = &st->ext[i];
        if (e->count == 0 && !JS_IsUninitialized(e->value)) {
            JS_FreeValueRT(rt, e->value);
            e->value = JS_UNINITIALIZED;
            e->next_free = st->ext_free;
            st->ext_free = i + 1;
        }
    }
    st->young = 0;
}

/* A reference was stored into (or removed from) a table cell or global:
   the holder keeps what it refers to alive, JS-wise and engine-wise. When
   running code overwrites the last holder of an externref, the entry keeps
   the value (a frame may still use it); when the holder is being collected
   (`dying`), the value may be garbage in the same collection, so the entry
   goes with it. */
static void hold_ref(JSRuntime *rt, wasm_state *st, uint8_t type, wasm_cell c, int hold,
                     int dying)
{
    if (!c.ref)
        return;
    if (type == WASM_FUNCREF) {
        wasm_instance *inst = wasm_func_instance(c.ref);
        JSValue owner = obj_value(*wasm_instance_user(inst));
        if (hold) {
            JS_DupValueRT(rt, owner);
            wasm_instance_ref(inst);
        } else {
            JS_FreeValueRT(rt, owner);
            wasm_instance_unref(inst);
        }
        return;
    }
    wasm_extref *e = &st->ext[c.u64 - 1];
    if (hold) {
        if (e->count++ == 0)
            st->young--;      /* the entry's own reference becomes the holder's */
        else
            JS_DupValueRT(rt, e->value);
    } else if (--e->count == 0 && st->iso && !dying) {
        st->young++;          /* the holder's reference becomes the entry's own */
    } else {
        JS_FreeValueRT(rt, e->value);
        if (e->count == 0) {  /* the entry is gone */
            e->value = JS_UNINITIALIZED;
            e->next_free = st->ext_free;
            st->ext_free = (uint32_t)(e - st->ext) + 1;
        }
    }
}

static void hook_ref_write(wasm_host *h, uint8_t type, wasm_cell old_ref, wasm_cell new_ref)
{
    wasm_state *st = h->user;

    hold_ref(st->rt, st, type, new_ref, 1, 0);
    hold_ref(st->rt, st, type, old_ref, 0, 0);
}

void coro_wasm_mark_ref(JSRuntime *rt, wasm_state *st, uint8_t type, wasm_cell c,
                        JS_MarkFunc *mark)
{
    if (!c.ref)
        return;
    if (type == WASM_FUNCREF)
        JS_MarkValue(rt, obj_value(*wasm_instance_user(wasm_func_instance(c.ref))), mark);
    else
        JS_MarkValue(rt, st->ext[c.u64 - 1].value, mark);
}

void coro_wasm_release_ref(JSRuntime *rt, wasm_state *st, uint8_t type, wasm_cell c)
{
    hold_ref(rt, st, type, c, 0, 1);
}

/* ---- errors ---- */

static JSValue new_error_va(JSContext *ctx, wasm_state *st, int which, const char *fmt,
                            va_list ap)
{
    char msg[512];
    JSValue m, err;

    vsnprintf(msg, sizeof msg, fmt, ap);
    m = JS_NewString(ctx, msg);
    err = JS_CallConstructor(ctx, st->js[which], 1, (JSValueConst *)&m);
    JS_FreeValue(ctx, m);
    return err;
}

JSValue coro_wasm_new_error(JSContext *ctx, wasm_state *st, int which, const char *fmt, ...)
{
    va_list ap;
    JSValue err;

    va_start(ap, fmt);
    err = new_error_va(ctx, st, which, fmt, ap);
    va_end(ap);
    return err;
}

JSValue coro_wasm_throw(JSContext *ctx, wasm_state *st, int which, const char *fmt, ...)
{
    va_list ap;
    JSValue err;

    va_start(ap, fmt);
    err = new_error_va(ctx, st, which, fmt, ap);
    va_end(ap);
    if (JS_IsException(err))
        return err;
    return JS_Throw(ctx, err);
}

/* A trap as the JS API sees it: RuntimeError naming where, RangeError for
   an exhausted stack, the isolate's own end for a termination. */
static JSValue throw_trap(JSContext *ctx, wasm_state *st, wasm_exec *ex, wasm_trap_code tc)
{
    const wasm_trap_info *t = wasm_exec_trap(ex);
    char where[160] = "";

    if (tc == WASM_TRAP_HOST)
        return JS_EXCEPTION;
    if (tc == WASM_TRAP_INTERRUPTED)
        return coro_throw_terminated(ctx);
    if (t->module) {
        const char *name = wasm_module_func_name(t->module, t->func);
        snprintf(where, sizeof where, " (in wasm function %u%s%s%s at byte offset %u)", t->func,
                 name ? " \"" : "", name ? name : "", name ? "\"" : "", t->offset);
    }
    if (tc == WASM_TRAP_STACK_EXHAUSTED)
        return JS_ThrowRangeError(ctx, "Maximum call stack size exceeded: wasm call stack "
                                       "exhausted%s", where);
    return coro_wasm_throw(ctx, st, WJS_RUNTIME_ERROR, "%s%s", wasm_trap_message(tc), where);
}

/* ---- conversions ---- */

int coro_wasm_to_cell(JSContext *ctx, wasm_state *st, JSValueConst v, uint8_t type,
                      wasm_cell *out)
{
    double d;

    out->u64 = 0;
    switch (type) {
    case WASM_I32:
        return JS_ToInt32(ctx, &out->i32, v);
    case WASM_I64:
        return JS_ToBigInt64(ctx, &out->i64, v);
    case WASM_F32:
        if (JS_ToFloat64(ctx, &d, v) < 0)
            return -1;
        out->f32 = (float)d;
        return 0;
    case WASM_F64:
        return JS_ToFloat64(ctx, &out->f64, v);
    case WASM_EXTERNREF:
        if (JS_IsNull(v))
            return 0;
        out->u64 = ext_new(ctx, st, v);
        if (!out->u64) {
            JS_ThrowOutOfMemory(ctx);
            return -1;
        }
        return 0;
    case WASM_FUNCREF: {
        if (JS_IsNull(v))
            return 0;
        out->ref = coro_wasm_func_of(v);
        if (!out->ref) {
            JS_ThrowTypeError(ctx, "a funcref must be null or a WebAssembly function");
            return -1;
        }
        return 0;
    }
    default:
        JS_ThrowTypeError(ctx, "v128 values cannot cross into JavaScript");
        return -1;
    }
}

JSValue coro_wasm_to_js(JSContext *ctx, wasm_state *st, uint8_t type, const wasm_cell *c)
{
    switch (type) {
    case WASM_I32: return JS_NewInt32(ctx, c->i32);
    case WASM_I64: return JS_NewBigInt64(ctx, c->i64);
    case WASM_F32: return JS_NewFloat64(ctx, c->f32);
    case WASM_F64: return JS_NewFloat64(ctx, c->f64);
    case WASM_EXTERNREF:
        return c->u64 ? JS_DupValue(ctx, st->ext[c->u64 - 1].value) : JS_NULL;
    case WASM_FUNCREF:
        return c->ref ? coro_wasm_func_object(ctx, st, c->ref) : JS_NULL;
    default:
        return JS_ThrowTypeError(ctx, "v128 values cannot cross into JavaScript");
    }
}

static int has_v128(const wasm_functype *t)
{
    return memchr(t->params, WASM_V128, t->nparams) || memchr(t->results, WASM_V128, t->nresults);
}

/* ---- execution stacks ---- */

/* The stack of the running fiber: the one it already uses (a call nested
   in an import), or one from the pool. */
static wasm_exec_slot *exec_acquire(JSContext *ctx, wasm_state *st)
{
    void *fiber = coro_fiber_current();
    wasm_exec_slot *s;

    for (s = st->busy; s; s = s->next) {
        if (s->fiber == fiber)
            return s;
    }
    s = st->idle;
    if (s) {
        st->idle = s->next;
    } else {
        s = calloc(1, sizeof *s);
        if (s)
            s->ex = wasm_exec_new(&st->host, EXEC_CELLS, EXEC_FRAMES);
        if (!s || !s->ex) {
            free(s);
            JS_ThrowOutOfMemory(ctx);
            return NULL;
        }
    }
    s->fiber = fiber;
    s->next = st->busy;
    st->busy = s;
    return s;
}

static void exec_release(wasm_state *st, wasm_exec_slot *s)
{
    wasm_exec_slot **pp;

    if (wasm_exec_busy(s->ex))
        return;
    for (pp = &st->busy; *pp != s; pp = &(*pp)->next)
        ;
    *pp = s->next;
    s->fiber = NULL;
    s->next = st->idle;
    st->idle = s;
}

/* Runs f on the calling fiber's stack; returns the trap as an exception. */
static int run(JSContext *ctx, wasm_state *st, wasm_func *f, wasm_cell *cells)
{
    wasm_exec_slot *s = exec_acquire(ctx, st);
    wasm_trap_code tc;

    if (!s)
        return -1;
    st->running++;
    tc = wasm_call(s->ex, f, cells);
    st->running--;
    if (tc)
        throw_trap(ctx, st, s->ex, tc);
    exec_release(st, s);
    ext_sweep(JS_GetRuntime(ctx), st);
    return tc ? -1 : 0;
}

/* ---- exported functions ---- */

/* Exported functions are objects of a callable class: the object is its
   own record, so telling one from another function costs nothing. */
static void func_finalizer(JSRuntime *rt, JSValue val)
{
    func_rec *r = JS_GetOpaque(val, func_class);

    if (!r)
        return;
    if (*wasm_func_user(r->f) == r->fn)
        *wasm_func_user(r->f) = NULL;
    JS_FreeValueRT(rt, r->owner);
    wasm_instance_unref(wasm_func_instance(r->f));
    coro_wasm_state_unref(r->st);
    free(r);
}

static void func_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    func_rec *r = JS_GetOpaque(val, func_class);

    if (r)
        JS_MarkValue(rt, r->owner, mark);
}

wasm_func *coro_wasm_func_of(JSValueConst v)
{
    func_rec *r = JS_GetOpaque(v, func_class);
    return r ? r->f : NULL;
}

static JSValue func_call(JSContext *ctx, JSValueConst fobj, JSValueConst this_val, int argc,
                         JSValueConst *argv, int flags)
{
    func_rec *r = JS_GetOpaque(fobj, func_class);
    const wasm_functype *t = wasm_func_type(r->f);
    uint32_t n = t->param_cells > t->result_cells ? t->param_cells : t->result_cells;
    wasm_cell small[16], *cells = small;
    JSValue ret = JS_EXCEPTION;

    if (has_v128(t))
        return JS_ThrowTypeError(ctx, "a function with v128 parameters or results cannot be "
                                      "called from JavaScript");
    if (n > 16 && !(cells = js_malloc(ctx, n * sizeof *cells)))
        return JS_EXCEPTION;
    for (uint32_t i = 0, c = 0; i < t->nparams; c += wasm_type_cells(t->params[i]), i++) {
        if (coro_wasm_to_cell(ctx, r->st, (int)i < argc ? argv[i] : JS_UNDEFINED, t->params[i],
                              &cells[c]) < 0)
            goto out;
    }
    if (run(ctx, r->st, r->f, cells) < 0)
        goto out;
    if (t->nresults == 0) {
        ret = JS_UNDEFINED;
    } else if (t->nresults == 1) {
        ret = coro_wasm_to_js(ctx, r->st, t->results[0], &cells[0]);
    } else {
        ret = JS_NewArray(ctx);
        for (uint32_t i = 0, c = 0; i < t->nresults && !JS_IsException(ret); i++) {
            JSValue v = coro_wasm_to_js(ctx, r->st, t->results[i], &cells[c]);
            c += wasm_type_cells(t->results[i]);
            if (JS_IsException(v) || JS_SetPropertyUint32(ctx, ret, i, v) < 0) {
                JS_FreeValue(ctx, ret);
                ret = JS_EXCEPTION;
            }
        }
    }
out:
    if (cells != small)
        js_free(ctx, cells);
    return ret;
}

static int define_fixed(JSContext *ctx, JSValueConst obj, const char *name, JSValue v)
{
    return JS_DefinePropertyValueStr(ctx, obj, name, v, JS_PROP_CONFIGURABLE);
}

/* The JS function of f: one per function, made on first need. */
JSValue coro_wasm_func_object(JSContext *ctx, wasm_state *st, wasm_func *f)
{
    void **cache = wasm_func_user(f);
    wasm_instance *inst = wasm_func_instance(f);
    char name[16];
    func_rec *r;
    JSValue obj;

    if (*cache)
        return JS_DupValue(ctx, obj_value(*cache));
    obj = JS_NewObjectProtoClass(ctx, st->js[WJS_FUNCTION_PROTO], func_class);
    if (JS_IsException(obj))
        return obj;
    r = calloc(1, sizeof *r);
    if (!r) {
        JS_FreeValue(ctx, obj);
        return JS_ThrowOutOfMemory(ctx);
    }
    r->st = coro_wasm_state_ref(st);
    r->f = f;
    r->owner = JS_DupValue(ctx, obj_value(*wasm_instance_user(inst)));
    r->fn = JS_VALUE_GET_PTR(obj);
    wasm_instance_ref(inst);
    JS_SetOpaque(obj, r);
    *cache = r->fn;
    snprintf(name, sizeof name, "%u", wasm_func_index(f));
    if (define_fixed(ctx, obj, "length", JS_NewInt32(ctx, (int32_t)wasm_func_type(f)->nparams)) < 0 ||
        define_fixed(ctx, obj, "name", JS_NewString(ctx, name)) < 0) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    return obj;
}

/* ---- JS functions as imports ---- */

static int get_length(JSContext *ctx, JSValueConst arr, int64_t *len)
{
    JSValue v = JS_GetPropertyStr(ctx, arr, "length");
    int r = JS_ToInt64(ctx, len, v);

    JS_FreeValue(ctx, v);
    return r;
}

static wasm_trap_code host_results(JSContext *ctx, wasm_state *st, const wasm_functype *t,
                                   JSValue ret, wasm_cell *out)
{
    JSValue list;
    uint32_t c = 0;
    int64_t len;

    if (t->nresults == 1)
        return coro_wasm_to_cell(ctx, st, ret, t->results[0], out) < 0 ? WASM_TRAP_HOST : WASM_OK;
    list = JS_Call(ctx, st->js[WJS_ITERABLE_TO_LIST], JS_UNDEFINED, 1, (JSValueConst *)&ret);
    if (JS_IsException(list) || get_length(ctx, list, &len) < 0)
        goto fail;
    if (len != t->nresults) {
        JS_ThrowTypeError(ctx, "an imported function returned %lld values, expected %u",
                          (long long)len, t->nresults);
        goto fail;
    }
    for (uint32_t i = 0; i < t->nresults; i++) {
        JSValue v = JS_GetPropertyUint32(ctx, list, i);
        int r = JS_IsException(v) ? -1 : coro_wasm_to_cell(ctx, st, v, t->results[i], &out[c]);
        JS_FreeValue(ctx, v);
        if (r < 0)
            goto fail;
        c += wasm_type_cells(t->results[i]);
    }
    JS_FreeValue(ctx, list);
    return WASM_OK;
fail:
    JS_FreeValue(ctx, list);
    return WASM_TRAP_HOST;
}

/* wasm calls a JS function: its arguments become JS values, the fiber may
   block inside, its result comes back as cells. */
static wasm_trap_code host_call(wasm_exec *ex, wasm_func *f, wasm_cell *args)
{
    host_import *h = wasm_func_host_data(f);
    wasm_state *st = h->st;
    JSContext *ctx = st->ctx;
    const wasm_functype *t = wasm_func_type(f);
    JSValue small[8], *argv = small, ret;
    wasm_trap_code tc = WASM_TRAP_HOST;
    uint32_t i = 0, c = 0;

    if (has_v128(t)) {
        JS_ThrowTypeError(ctx, "an imported function with v128 parameters or results cannot "
                               "be called");
        return WASM_TRAP_HOST;
    }
    if (t->nparams > 8 && !(argv = js_malloc(ctx, t->nparams * sizeof *argv)))
        return WASM_TRAP_HOST;
    for (; i < t->nparams; c += wasm_type_cells(t->params[i]), i++) {
        argv[i] = coro_wasm_to_js(ctx, st, t->params[i], &args[c]);
        if (JS_IsException(argv[i]))
            goto out;
    }
    ret = JS_Call(ctx, h->fn, JS_UNDEFINED, (int)t->nparams, (JSValueConst *)argv);
    if (!JS_IsException(ret)) {
        tc = t->nresults ? host_results(ctx, st, t, ret, args) : WASM_OK;
        JS_FreeValue(ctx, ret);
    }
out:
    while (i > 0)
        JS_FreeValue(ctx, argv[--i]);
    if (argv != small)
        js_free(ctx, argv);
    return tc;
}

/* ---- modules ---- */

static void module_finalizer(JSRuntime *rt, JSValue val)
{
    module_rec *r = JS_GetOpaque(val, module_class);

    if (r) {
        wasm_module_unref(r->m);
        free(r);
    }
}

static wasm_module *module_of(JSContext *ctx, JSValueConst v)
{
    module_rec *r = JS_GetOpaque2(ctx, v, module_class);
    return r ? r->m : NULL;
}

/* A module from bytes, or NULL with CompileError thrown (if asked). */
static wasm_module *compile_bytes_as(JSContext *ctx, wasm_state *st, const uint8_t *p,
                                     size_t len, int throw)
{
    wasm_error err;
    wasm_module *m;

    memset(&err, 0, sizeof err);
    m = wasm_module_new(p, len, st->features, &err);
    if (!m && throw)
        coro_wasm_throw(ctx, st, WJS_COMPILE_ERROR, "%s (at byte %zu)", err.msg, err.offset);
    return m;
}

static wasm_module *compile_bytes(JSContext *ctx, wasm_state *st, const uint8_t *p, size_t len)
{
    return compile_bytes_as(ctx, st, p, len, 1);
}

static wasm_module *compile(JSContext *ctx, wasm_state *st, JSValueConst bytes, int throw)
{
    const uint8_t *p;
    size_t len;

    if (coro_arg_view(ctx, bytes, "bytes", &p, &len) < 0)
        return NULL;
    return compile_bytes_as(ctx, st, p, len, throw);
}

/* A Module object (of prototype proto) for m, which it takes. */
static JSValue module_object(JSContext *ctx, wasm_module *m, JSValueConst proto)
{
    JSValue obj = JS_NewObjectProtoClass(ctx, proto, module_class);
    module_rec *r = calloc(1, sizeof *r);

    if (JS_IsException(obj) || !r) {
        free(r);
        wasm_module_unref(m);
        JS_FreeValue(ctx, obj);
        return JS_ThrowOutOfMemory(ctx);
    }
    r->m = m;
    JS_SetOpaque(obj, r);
    return obj;
}

JSValue coro_wasm_module_object(JSContext *ctx, wasm_state *st, wasm_module *m)
{
    return module_object(ctx, wasm_module_ref(m), st->js[WJS_MODULE_PROTO]);
}

/* moduleNew(bytes, proto) -> Module */
static JSValue js_wasm_module_new(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    wasm_state *st = coro_wasm_state(ctx);
    wasm_module *m = st ? compile(ctx, st, argv[0], 1) : NULL;

    return m ? module_object(ctx, m, argv[1]) : JS_EXCEPTION;
}

/* validate(bytes) -> boolean */
static JSValue js_wasm_validate(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv)
{
    wasm_state *st = coro_wasm_state(ctx);
    wasm_module *m = st ? compile(ctx, st, argv[0], 0) : NULL;

    if (!m && JS_HasException(ctx))
        return JS_EXCEPTION;
    wasm_module_unref(m);
    return JS_NewBool(ctx, m != NULL);
}

static const char *const kind_names[] = { "function", "table", "memory", "global" };

static JSValue new_string_len(JSContext *ctx, const char *s, uint32_t len)
{
    return JS_NewStringLen(ctx, s, len);
}

/* moduleImports(module) / moduleExports(module) -> [{ module?, name, kind }] */
static JSValue js_wasm_module_list(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv, int imports)
{
    wasm_module *m = module_of(ctx, argv[0]);
    uint32_t n;
    JSValue arr;

    if (!m)
        return JS_EXCEPTION;
    n = imports ? wasm_module_nimports(m) : wasm_module_nexports(m);
    arr = JS_NewArray(ctx);
    for (uint32_t i = 0; i < n && !JS_IsException(arr); i++) {
        JSValue o = JS_NewObject(ctx);
        if (imports) {
            const wasm_import *im = wasm_module_import(m, i);
            JS_SetPropertyStr(ctx, o, "module", new_string_len(ctx, im->module, im->module_len));
            JS_SetPropertyStr(ctx, o, "name", new_string_len(ctx, im->name, im->name_len));
            JS_SetPropertyStr(ctx, o, "kind", JS_NewString(ctx, kind_names[im->kind]));
        } else {
            const wasm_export *e = wasm_module_export(m, i);
            JS_SetPropertyStr(ctx, o, "name", new_string_len(ctx, e->name, e->name_len));
            JS_SetPropertyStr(ctx, o, "kind", JS_NewString(ctx, kind_names[e->kind]));
        }
        if (JS_SetPropertyUint32(ctx, arr, i, o) < 0) {
            JS_FreeValue(ctx, arr);
            arr = JS_EXCEPTION;
        }
    }
    return arr;
}

/* moduleCustomSections(module, name) -> [ArrayBuffer] */
static JSValue js_wasm_module_custom(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    wasm_module *m = module_of(ctx, argv[0]);
    size_t len;
    const char *name;
    JSValue arr;
    uint32_t k = 0;

    if (!m || !(name = coro_arg_string(ctx, argv[1], "sectionName", &len)))
        return JS_EXCEPTION;
    arr = JS_NewArray(ctx);
    for (uint32_t i = 0; i < wasm_module_ncustoms(m) && !JS_IsException(arr); i++) {
        const wasm_custom *c = wasm_module_custom(m, i);
        if (c->name_len != len || memcmp(c->name, name, len) != 0)
            continue;
        JSValue buf = JS_NewArrayBufferCopy(ctx, c->data, c->len);
        if (JS_SetPropertyUint32(ctx, arr, k++, buf) < 0) {
            JS_FreeValue(ctx, arr);
            arr = JS_EXCEPTION;
        }
    }
    JS_FreeCString(ctx, name);
    return arr;
}

/* ---- instances ---- */

static void instance_finalizer(JSRuntime *rt, JSValue val)
{
    instance_rec *r = JS_GetOpaque(val, instance_class);

    if (!r)
        return;
    for (uint32_t i = 0; i < r->nheld; i++)
        JS_FreeValueRT(rt, r->held[i]);
    for (uint32_t i = 0; i < r->nhosts; i++)
        JS_FreeValueRT(rt, r->hosts[i].fn);
    JS_FreeValueRT(rt, r->exports);
    wasm_instance_unref(r->inst);
    coro_wasm_state_unref(r->st);
    free(r->held);
    free(r->hosts);
    free(r);
}

static void instance_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    instance_rec *r = JS_GetOpaque(val, instance_class);

    if (!r)
        return;
    for (uint32_t i = 0; i < r->nheld; i++)
        JS_MarkValue(rt, r->held[i], mark);
    for (uint32_t i = 0; i < r->nhosts; i++)
        JS_MarkValue(rt, r->hosts[i].fn, mark);
    JS_MarkValue(rt, r->exports, mark);
}

static JSValue get_named(JSContext *ctx, JSValueConst obj, const char *name, uint32_t len)
{
    JSAtom a = JS_NewAtomLen(ctx, name, len);
    JSValue v;

    if (a == JS_ATOM_NULL)
        return JS_EXCEPTION;
    v = JS_GetProperty(ctx, obj, a);
    JS_FreeAtom(ctx, a);
    return v;
}

/* A number or BigInt given for a global import becomes a new immutable
   global; a Global is taken as it is. NULL with an exception pending. */
static wasm_global *import_global(JSContext *ctx, wasm_state *st, const wasm_import *im,
                                  JSValueConst v, int *made)
{
    uint8_t t = im->global.type;
    wasm_cell c[2] = { { 0 }, { 0 } };
    wasm_global *g;

    *made = 0;
    if ((g = coro_wasm_global_of(v)))
        return g;
    if (JS_IsNumber(v) || JS_IsBigInt(ctx, v)) {
        if ((t == WASM_I64) != JS_IsBigInt(ctx, v) || t == WASM_V128) {
            coro_wasm_throw(ctx, st, WJS_LINK_ERROR, "import \"%s\" \"%s\": a global of %s "
                            "needs a %s", im->module, im->name,
                            t == WASM_I64 ? "i64" : "this type", t == WASM_I64 ? "BigInt" : "Number");
            return NULL;
        }
        if (coro_wasm_to_cell(ctx, st, v, t, c) < 0)
            return NULL;
        wasm_globaltype gt = { t, 0 };
        if (!(g = wasm_global_new(&st->host, gt, c))) {
            JS_ThrowOutOfMemory(ctx);
            return NULL;
        }
        *made = 1;
        return g;
    }
    coro_wasm_throw(ctx, st, WJS_LINK_ERROR, "import \"%s\" \"%s\": expected a "
                    "WebAssembly.Global or a number", im->module, im->name);
    return NULL;
}

/* Reads import i of m from importObject into x (per the JS API's "read
   the imports"); the value is kept in r->held. */
static int read_import(JSContext *ctx, instance_rec *r, wasm_module *m, uint32_t i,
                       JSValueConst importObject, wasm_extern *x)
{
    wasm_state *st = r->st;
    const wasm_import *im = wasm_module_import(m, i);
    JSValue o = get_named(ctx, importObject, im->module, im->module_len), v;
    int made = 0;

    if (JS_IsException(o))
        return -1;
    if (!JS_IsObject(o)) {
        JS_FreeValue(ctx, o);
        JS_ThrowTypeError(ctx, "import \"%s\" \"%s\": module \"%s\" is not an object",
                          im->module, im->name, im->module);
        return -1;
    }
    v = get_named(ctx, o, im->name, im->name_len);
    JS_FreeValue(ctx, o);
    if (JS_IsException(v))
        return -1;
    r->held[r->nheld++] = v;
    x->kind = im->kind;
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
        if ((x->u.func = coro_wasm_func_of(v)))
            return 0;
        if (!JS_IsFunction(ctx, v))
            break;
        host_import *h = &r->hosts[r->nhosts];
        x->u.func = wasm_func_new_host(m, wasm_module_type(m, im->type), host_call, h);
        if (!x->u.func) {
            JS_ThrowOutOfMemory(ctx);
            return -1;
        }
        h->fn = JS_DupValue(ctx, v);
        h->st = st;
        r->nhosts++;
        return 0;
    case WASM_EXTERN_TABLE:
        if ((x->u.table = coro_wasm_table_of(v)))
            return 0;
        break;
    case WASM_EXTERN_MEMORY:
        if ((x->u.memory = coro_wasm_memory_of(v)))
            return 0;
        break;
    default:
        x->u.global = import_global(ctx, st, im, v, &made);
        if (!x->u.global)
            return -1;
        if (made) { /* the new Global object holds it */
            JSValue g = coro_wasm_global_object(ctx, st, x->u.global);
            wasm_global_unref(x->u.global);
            if (JS_IsException(g))
                return -1;
            r->held[r->nheld++] = g;
        }
        return 0;
    }
    coro_wasm_throw(ctx, st, WJS_LINK_ERROR, "import \"%s\" \"%s\": expected a %s",
                    im->module, im->name,
                    im->kind == WASM_EXTERN_FUNC ? "function" :
                    im->kind == WASM_EXTERN_TABLE ? "WebAssembly.Table" : "WebAssembly.Memory");
    return -1;
}

/* The objects of the instance's own memories, tables and globals, held by
   the instance (a table's cells are released by its object). */
static int hold_own(JSContext *ctx, instance_rec *r)
{
    wasm_module *m = wasm_instance_module(r->inst);
    uint32_t n[3], imported[3] = { 0, 0, 0 };

    for (uint32_t i = 0; i < wasm_module_nimports(m); i++) {
        uint8_t k = wasm_module_import(m, i)->kind;
        if (k != WASM_EXTERN_FUNC)
            imported[k - 1]++;
    }
    wasm_module_counts(m, &n[0], &n[1], &n[2]);
    for (int k = 0; k < 3; k++) {
        for (uint32_t i = imported[k]; i < n[k]; i++) {
            JSValue o = k == 0 ? coro_wasm_table_object(ctx, r->st, wasm_instance_table(r->inst, i)) :
                        k == 1 ? coro_wasm_memory_object(ctx, r->st, wasm_instance_memory(r->inst, i)) :
                                 coro_wasm_global_object(ctx, r->st, wasm_instance_global(r->inst, i));
            if (JS_IsException(o))
                return -1;
            r->held[r->nheld++] = o;
        }
    }
    return 0;
}

static JSValue export_value(JSContext *ctx, wasm_state *st, wasm_extern x)
{
    switch (x.kind) {
    case WASM_EXTERN_FUNC: return coro_wasm_func_object(ctx, st, x.u.func);
    case WASM_EXTERN_TABLE: return coro_wasm_table_object(ctx, st, x.u.table);
    case WASM_EXTERN_MEMORY: return coro_wasm_memory_object(ctx, st, x.u.memory);
    default: return coro_wasm_global_object(ctx, st, x.u.global);
    }
}

static int make_exports(JSContext *ctx, instance_rec *r)
{
    wasm_module *m = wasm_instance_module(r->inst);

    r->exports = JS_NewObjectProto(ctx, JS_NULL);
    if (JS_IsException(r->exports))
        return -1;
    for (uint32_t i = 0; i < wasm_module_nexports(m); i++) {
        const wasm_export *e = wasm_module_export(m, i);
        JSValue v = export_value(ctx, r->st, wasm_instance_export(r->inst, i));
        JSAtom a = JS_NewAtomLen(ctx, e->name, e->name_len);
        int ret = JS_IsException(v) || a == JS_ATOM_NULL ? -1 :
                  JS_DefinePropertyValue(ctx, r->exports, a, v, JS_PROP_ENUMERABLE | JS_PROP_WRITABLE);
        JS_FreeAtom(ctx, a);
        if (ret < 0)
            return -1;
    }
    return 0;
}

/* Instantiates with the imports in x; 0, or -1 with the error thrown. */
static int instantiate(JSContext *ctx, instance_rec *r, wasm_module *m, wasm_extern *x,
                       void *self)
{
    wasm_state *st = r->st;
    wasm_error err;
    wasm_trap_code tc;
    wasm_instance *partial;
    wasm_exec_slot *s = exec_acquire(ctx, st);

    if (!s)
        return -1;
    memset(&err, 0, sizeof err);
    st->running++;
    r->inst = wasm_instance_new(m, &st->host, x, s->ex, self, &err, &tc, &partial);
    st->running--;
    if (!r->inst && partial) {
        r->inst = partial; /* its own objects still need their wrappers, to be freed */
        throw_trap(ctx, st, s->ex, tc);
    } else if (!r->inst && tc == WASM_TRAP_OUT_OF_MEMORY) {
        JS_ThrowRangeError(ctx, "WebAssembly.Instance(): %s", err.msg);
    } else if (!r->inst) {
        coro_wasm_throw(ctx, st, WJS_LINK_ERROR, "WebAssembly.Instance(): %s", err.msg);
    }
    exec_release(st, s);
    if (!r->inst)
        return -1;
    if (hold_own(ctx, r) < 0 || partial)
        return -1;
    return make_exports(ctx, r);
}

/* instanceNew(module, importObject, proto) -> Instance */
static JSValue js_wasm_instance_new(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    wasm_state *st = coro_wasm_state(ctx);
    wasm_module *m = st ? module_of(ctx, argv[0]) : NULL;
    uint32_t n, nown, nt, nm, ng;
    wasm_extern *x = NULL;
    instance_rec *r;
    JSValue obj;

    if (!m)
        return JS_EXCEPTION;
    n = wasm_module_nimports(m);
    wasm_module_counts(m, &nt, &nm, &ng);
    nown = nt + nm + ng;
    obj = JS_NewObjectProtoClass(ctx, argv[2], instance_class);
    if (JS_IsException(obj))
        return obj;
    r = calloc(1, sizeof *r);
    if (r) {
        r->st = coro_wasm_state_ref(st);
        r->exports = JS_UNDEFINED;
        JS_SetOpaque(obj, r);
        r->held = calloc(2 * (size_t)n + nown + 1, sizeof *r->held);
        r->hosts = calloc((size_t)n + 1, sizeof *r->hosts);
        x = calloc((size_t)n + 1, sizeof *x);
    }
    if (!r || !r->held || !r->hosts || !x) {
        JS_ThrowOutOfMemory(ctx);
        goto fail;
    }
    if (n && !JS_IsObject(argv[1])) {
        JS_ThrowTypeError(ctx, "WebAssembly.Instance(): imports must be an object: the module "
                               "has %u imports", n);
        goto fail;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (read_import(ctx, r, m, i, argv[1], &x[i]) < 0)
            goto fail;
    }
    if (instantiate(ctx, r, m, x, JS_VALUE_GET_PTR(obj)) < 0)
        goto fail;
    free(x);
    return obj;
fail:
    /* host functions the instance did not adopt */
    for (uint32_t i = 0; x && i < n; i++) {
        if (x[i].kind == WASM_EXTERN_FUNC && x[i].u.func && wasm_func_is_host(x[i].u.func) &&
            !wasm_func_instance(x[i].u.func))
            wasm_func_free(x[i].u.func);
    }
    free(x);
    JS_FreeValue(ctx, obj);
    return JS_EXCEPTION;
}

/* instanceExports(instance) -> the exports object */
static JSValue js_wasm_instance_exports(JSContext *ctx, JSValueConst this_val, int argc,
                                        JSValueConst *argv)
{
    instance_rec *r = JS_GetOpaque2(ctx, argv[0], instance_class);
    return r ? JS_DupValue(ctx, r->exports) : JS_EXCEPTION;
}

/* ---- ES module integration ---- */

/* A growing string. */
typedef struct sbuf {
    JSContext *ctx;
    char *p;
    size_t len, cap;
    int failed;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024) + n;
        char *p = js_realloc(b->ctx, b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void puts_(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* a JS string literal */
static void put_quoted(sbuf *b, const char *s, uint32_t n)
{
    char esc[8];

    put(b, "\"", 1);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\') {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_(b, esc);
        } else {
            put(b, s + i, 1);
        }
    }
    put(b, "\"", 1);
}

/* An export name usable as a JS binding (ASCII identifiers, no reserved word). */
static int js_binding_name(const char *s, uint32_t n)
{
    static const char *const reserved[] = {
        "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
        "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for",
        "function", "if", "implements", "import", "in", "instanceof", "interface", "let", "new",
        "null", "package", "private", "protected", "public", "return", "static", "super",
        "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
        "yield", "arguments", "eval",
    };

    if (n == 0 || strlen(s) != n || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '$'))
            return 0;
    }
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcmp(s, reserved[i]) == 0)
            return 0;
    }
    return 1;
}

/* `import { add } from './add.wasm'`: the JS module standing for a .wasm
   file. Each module it imports from is imported as a namespace; its exports
   are named exports (those whose names are JS identifiers) and the default
   export is the exports object. */
static char *translate_wasm(JSContext *ctx, const char *path, const uint8_t *data, size_t len,
                            size_t *out_len)
{
    JSValue ns = coro_module_import_builtin(ctx, "corojs:webassembly"); /* sets the state up */
    wasm_state *st;
    wasm_module *m;
    sbuf b = { ctx, NULL, 0, 0, 0 };
    char line[64];
    uint32_t n;

    if (JS_IsException(ns))
        return NULL;
    JS_FreeValue(ctx, ns);
    st = coro_wasm_state(ctx);
    m = st ? compile_bytes(ctx, st, data, len) : NULL;
    if (!m)
        return NULL;
    if (coro_wasm_app_kind(m)) { /* a WASI command or a Dagger module: prim/wasi.c runs it */
        char *src = coro_wasm_app_source(ctx, m, out_len);
        wasm_module_unref(m);
        return src;
    }
    puts_(&b, "import { instantiateFile } from 'corojs:webassembly';\n");
    n = wasm_module_nimports(m);
    for (uint32_t i = 0; i < n; i++) {
        const wasm_import *im = wasm_module_import(m, i);
        snprintf(line, sizeof line, "import * as m%u from ", i);
        puts_(&b, line);
        put_quoted(&b, im->module, im->module_len);
        puts_(&b, ";\n");
    }
    puts_(&b, "const e = instantiateFile(import.meta.filename, {");
    for (uint32_t i = 0; i < n; i++) {
        const wasm_import *im = wasm_module_import(m, i);
        put_quoted(&b, im->module, im->module_len);
        snprintf(line, sizeof line, ": m%u, ", i);
        puts_(&b, line);
    }
    puts_(&b, "});\nexport default e;\n");
    for (uint32_t i = 0; i < wasm_module_nexports(m); i++) {
        const wasm_export *e = wasm_module_export(m, i);
        if (!js_binding_name(e->name, e->name_len))
            continue;
        puts_(&b, "export const ");
        puts_(&b, e->name);
        puts_(&b, " = e.");
        puts_(&b, e->name);
        puts_(&b, ";\n");
    }
    wasm_module_unref(m);
    if (b.failed) {
        js_free(ctx, b.p);
        JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    *out_len = b.len;
    return b.p;
}

/* ---- set-up ---- */

static void holder_finalizer(JSRuntime *rt, JSValue val)
{
    wasm_state *st = JS_GetOpaque(val, holder_class);

    if (!st)
        return;
    for (int i = 0; i < WJS_COUNT; i++) {
        JS_FreeValueRT(rt, st->js[i]);
        st->js[i] = JS_UNDEFINED;
    }
    for (uint32_t i = 0; i < st->next_ext; i++) /* what tables and globals hold is theirs */
        if (st->ext[i].count == 0)
            JS_FreeValueRT(rt, st->ext[i].value);
    st->next_ext = 0;
    if (st->iso && st->iso->area_data[CORO_SLOT_WASM] == st)
        st->iso->area_data[CORO_SLOT_WASM] = NULL;
    st->iso = NULL;
    coro_wasm_state_unref(st);
}

static void holder_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    wasm_state *st = JS_GetOpaque(val, holder_class);

    if (!st)
        return;
    for (int i = 0; i < WJS_COUNT; i++)
        JS_MarkValue(rt, st->js[i], mark);
    for (uint32_t i = 0; i < st->next_ext; i++) /* entries nothing else holds are ours */
        if (st->ext[i].count == 0)
            JS_MarkValue(rt, st->ext[i].value, mark);
}

/* setup([CompileError, LinkError, RuntimeError, Module.prototype, ...]):
   the isolate's state, held by an object kept on __primordials.wasm */
static JSValue js_wasm_setup(JSContext *ctx, JSValueConst this_val, int argc,
                             JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    wasm_state *st;
    JSValue holder;

    if (iso->area_data[CORO_SLOT_WASM])
        return JS_ThrowTypeError(ctx, "WebAssembly is set up already");
    if (JS_IsArray(ctx, argv[0]) != 1)
        return JS_ThrowTypeError(ctx, "setup takes the array of lib/webassembly.js's values");
    holder = JS_NewObjectClass(ctx, (int)holder_class);
    st = calloc(1, sizeof *st);
    if (JS_IsException(holder) || !st) {
        free(st);
        JS_FreeValue(ctx, holder);
        return JS_ThrowOutOfMemory(ctx);
    }
    st->refs = 1;
    st->ctx = ctx;
    st->rt = JS_GetRuntime(ctx);
    st->iso = iso;
    st->features = WASM_FEATURES_ALL;
    st->host.user = st;
    st->host.poll = hook_poll;
    st->host.grow_check = hook_grow_check;
    st->host.ref_write = hook_ref_write;
    st->host.memory_grown = coro_wasm_memory_grown;
    for (int i = 0; i < WJS_COUNT; i++)
        st->js[i] = JS_GetPropertyUint32(ctx, argv[0], (uint32_t)i);
    JS_SetOpaque(holder, st);
    iso->area_data[CORO_SLOT_WASM] = st;
    if (JS_DefinePropertyValueStr(ctx, this_val, "state", holder, 0) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

/* setFeatures(mask): which proposals after 2.0 new modules may use */
static JSValue js_wasm_set_features(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    wasm_state *st = coro_wasm_state(ctx);
    int64_t mask;

    if (!st || coro_arg_integer(ctx, argv[0], "features", 0, WASM_FEATURES_ALL, &mask) < 0)
        return JS_EXCEPTION;
    st->features = (uint32_t)mask;
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry wasm_funcs[] = {
    JS_CFUNC_DEF("setup", 1, js_wasm_setup),
    JS_CFUNC_DEF("setFeatures", 1, js_wasm_set_features),
    JS_CFUNC_DEF("validate", 1, js_wasm_validate),
    JS_CFUNC_DEF("moduleNew", 2, js_wasm_module_new),
    JS_CFUNC_MAGIC_DEF("moduleImports", 1, js_wasm_module_list, 1),
    JS_CFUNC_MAGIC_DEF("moduleExports", 1, js_wasm_module_list, 0),
    JS_CFUNC_DEF("moduleCustomSections", 2, js_wasm_module_custom),
    JS_CFUNC_DEF("instanceNew", 3, js_wasm_instance_new),
    JS_CFUNC_DEF("instanceExports", 1, js_wasm_instance_exports),
    JS_PROP_INT32_DEF("FEATURES_ALL", WASM_FEATURES_ALL, 0),
};

static const JSClassDef holder_def = { "WebAssemblyState", .finalizer = holder_finalizer,
                                       .gc_mark = holder_mark };
static const JSClassDef module_def = { "WebAssembly.Module", .finalizer = module_finalizer };
static const JSClassDef instance_def = { "WebAssembly.Instance", .finalizer = instance_finalizer,
                                         .gc_mark = instance_mark };
static const JSClassDef func_def = { "Function", .finalizer = func_finalizer,
                                     .gc_mark = func_mark, .call = func_call };


int coro_prim_wasm_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);

    if (coro_register_class(rt, &holder_class, &holder_def) < 0 ||
        coro_register_class(rt, &module_class, &module_def) < 0 ||
        coro_register_class(rt, &instance_class, &instance_def) < 0 ||
        coro_register_class(rt, &func_class, &func_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, wasm_funcs, sizeof wasm_funcs / sizeof wasm_funcs[0]);
    coro_modules_add_translator(".wasm", translate_wasm);
    return coro_wasm_objects_init(ctx, ns);
}
