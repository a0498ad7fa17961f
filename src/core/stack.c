/*
 * stack.c: error stacks as V8 makes them, from the frames quickjs_ext.c
 * captures (see stack.h; internals.md "Error stacks").
 *
 * The text of a frame is V8's: "    at fn (file:line:col)", "    at new
 * Foo (...)", "    at file:line:col" for a script's or module's top level
 * and anonymous functions, "    at fn (<anonymous>)" for a function in C.
 * QuickJS's frames do not hold the receiver, so V8's "Type.method" prefix
 * is not made and getTypeName, getMethodName and getThis answer null or
 * undefined (V8 too answers undefined for getThis in strict code).
 */
#include <string.h>
#include "cutils.h"
#include "stack.h"
#include "isolate.h"

static JSClassID callsite_class_id;

/* ------------------------------------------------------------------ */
/* text */

static void put_value(JSContext *ctx, DynBuf *d, JSValueConst v)
{
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, v);

    if (s)
        dbuf_put(d, (const uint8_t *)s, len);
    else
        JS_FreeValue(ctx, JS_GetException(ctx));
    JS_FreeCString(ctx, s);
}

static void put_atom(JSContext *ctx, DynBuf *d, JSAtom atom)
{
    JSValue v = JS_AtomToString(ctx, atom);

    put_value(ctx, d, v);
    JS_FreeValue(ctx, v);
}

/* The name V8 shows for a frame: a string, or null for none (a top level,
   an anonymous function). */
static JSValue frame_name(JSContext *ctx, const coro_frame *f)
{
    size_t len;
    const char *s;

    if (f->flags & CORO_FRAME_EVAL)
        return JS_NewString(ctx, "eval");
    if ((f->flags & CORO_FRAME_TOP) || !JS_IsString(f->name))
        return JS_NULL;
    s = JS_ToCStringLen(ctx, &len, f->name);
    JS_FreeCString(ctx, s);
    return s && len ? JS_DupValue(ctx, f->name) : JS_NULL;
}

static void put_location(JSContext *ctx, DynBuf *d, const coro_frame *f)
{
    if (f->file == JS_ATOM_NULL) {
        dbuf_putstr(d, "<anonymous>");
        return;
    }
    put_atom(ctx, d, f->file);
    if (f->line > 0)
        dbuf_printf(d, ":%d:%d", f->line, f->col);
}

/* One frame as V8 writes it, after "    at ". */
static void put_frame(JSContext *ctx, DynBuf *d, const coro_frame *f)
{
    JSValue name = frame_name(ctx, f);

    if (f->flags & CORO_FRAME_CONSTRUCTOR) {
        dbuf_putstr(d, "new ");
        if (JS_IsNull(name))
            dbuf_putstr(d, "<anonymous>");
    }
    if (JS_IsNull(name) && !(f->flags & CORO_FRAME_CONSTRUCTOR)) {
        put_location(ctx, d, f);
        return;
    }
    if (!JS_IsNull(name))
        put_value(ctx, d, name);
    JS_FreeValue(ctx, name);
    dbuf_putstr(d, " (");
    put_location(ctx, d, f);
    dbuf_putc(d, ')');
}

static JSValue buf_string(JSContext *ctx, DynBuf *d)
{
    JSValue s = dbuf_error(d) ? JS_ThrowOutOfMemory(ctx)
                              : JS_NewStringLen(ctx, (const char *)d->buf, d->size);

    dbuf_free(d);
    return s;
}

/* A property of error as a string, or `dflt` when undefined. */
static int put_field(JSContext *ctx, DynBuf *d, JSValueConst error, const char *key,
                     const char *dflt)
{
    JSValue v = JS_GetPropertyStr(ctx, error, key), s;

    if (JS_IsException(v))
        return -1;
    if (JS_IsUndefined(v)) {
        dbuf_putstr(d, dflt);
        return 0;
    }
    s = JS_ToString(ctx, v);
    JS_FreeValue(ctx, v);
    if (JS_IsException(s))
        return -1;
    put_value(ctx, d, s);
    JS_FreeValue(ctx, s);
    return 0;
}

/* "Name: message", "Name" or "message", as Error.prototype.toString. */
static int put_header(JSContext *ctx, DynBuf *d, JSValueConst error)
{
    size_t name_end;

    if (put_field(ctx, d, error, "name", "Error") < 0)
        return -1;
    name_end = d->size;
    dbuf_putstr(d, ": ");
    if (put_field(ctx, d, error, "message", "") < 0)
        return -1;
    if (d->size == name_end + 2) { /* no message */
        d->size = name_end;
    } else if (name_end == 0) { /* no name */
        memmove(d->buf, d->buf + 2, d->size - 2);
        d->size -= 2;
    }
    return 0;
}

JSValue coro__stack_text(JSContext *ctx, JSValueConst error, const coro_backtrace *bt)
{
    DynBuf d;

    dbuf_init(&d);
    if (put_header(ctx, &d, error) < 0) {
        dbuf_free(&d);
        return JS_EXCEPTION;
    }
    for (int i = 0; i < bt->count; i++) {
        dbuf_putstr(&d, "\n    at ");
        put_frame(ctx, &d, &bt->frames[i]);
    }
    return buf_string(ctx, &d);
}

/* ------------------------------------------------------------------ */
/* call sites */

static void callsite_finalizer(JSRuntime *rt, JSValue val)
{
    coro_frame *f = JS_GetOpaque(val, callsite_class_id);

    if (!f)
        return;
    JS_FreeValueRT(rt, f->name);
    if (f->file != JS_ATOM_NULL)
        JS_FreeAtomRT(rt, f->file);
    js_free_rt(rt, f);
}

static const JSClassDef callsite_class = { "CallSite", .finalizer = callsite_finalizer };

static JSValue new_callsite(JSContext *ctx, const coro_frame *from)
{
    JSValue obj = JS_NewObjectClass(ctx, callsite_class_id);
    coro_frame *f;

    if (JS_IsException(obj))
        return obj;
    f = js_malloc(ctx, sizeof *f);
    if (!f) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    *f = *from;
    f->name = JS_DupValue(ctx, from->name);
    if (f->file != JS_ATOM_NULL)
        f->file = JS_DupAtom(ctx, f->file);
    JS_SetOpaque(obj, f);
    return obj;
}

enum {
    SITE_FILE, SITE_LINE, SITE_COLUMN, SITE_FUNCTION_NAME, SITE_NULL, SITE_UNDEFINED,
    SITE_TOPLEVEL, SITE_EVAL, SITE_CONSTRUCTOR, SITE_FALSE, SITE_HASH, SITE_STRING,
};

static JSValue js_callsite_get(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv, int magic)
{
    coro_frame *f = JS_GetOpaque2(ctx, this_val, callsite_class_id);
    DynBuf d;

    if (!f)
        return JS_EXCEPTION;
    switch (magic) {
    case SITE_FILE:
        return f->file == JS_ATOM_NULL ? JS_NULL : JS_AtomToString(ctx, f->file);
    case SITE_LINE:
        return f->line > 0 ? JS_NewInt32(ctx, f->line) : JS_NULL;
    case SITE_COLUMN:
        return f->line > 0 ? JS_NewInt32(ctx, f->col) : JS_NULL;
    case SITE_FUNCTION_NAME:
        return frame_name(ctx, f);
    case SITE_TOPLEVEL:
        return JS_NewBool(ctx, !(f->flags & (CORO_FRAME_NATIVE | CORO_FRAME_CONSTRUCTOR)));
    case SITE_EVAL:
        return JS_NewBool(ctx, f->flags & CORO_FRAME_EVAL);
    case SITE_CONSTRUCTOR:
        return JS_NewBool(ctx, f->flags & CORO_FRAME_CONSTRUCTOR);
    case SITE_FALSE:
        return JS_FALSE;
    case SITE_HASH:
        return JS_NewString(ctx, "");
    case SITE_STRING:
        dbuf_init(&d);
        put_frame(ctx, &d, f);
        return buf_string(ctx, &d);
    case SITE_UNDEFINED:
        return JS_UNDEFINED;
    default:
        return JS_NULL;
    }
}

static const JSCFunctionListEntry callsite_proto_funcs[] = {
    JS_CFUNC_MAGIC_DEF("getFileName", 0, js_callsite_get, SITE_FILE),
    JS_CFUNC_MAGIC_DEF("getScriptNameOrSourceURL", 0, js_callsite_get, SITE_FILE),
    JS_CFUNC_MAGIC_DEF("getLineNumber", 0, js_callsite_get, SITE_LINE),
    JS_CFUNC_MAGIC_DEF("getColumnNumber", 0, js_callsite_get, SITE_COLUMN),
    JS_CFUNC_MAGIC_DEF("getFunctionName", 0, js_callsite_get, SITE_FUNCTION_NAME),
    JS_CFUNC_MAGIC_DEF("getMethodName", 0, js_callsite_get, SITE_NULL),
    JS_CFUNC_MAGIC_DEF("getTypeName", 0, js_callsite_get, SITE_NULL),
    JS_CFUNC_MAGIC_DEF("getPromiseIndex", 0, js_callsite_get, SITE_NULL),
    JS_CFUNC_MAGIC_DEF("getEnclosingLineNumber", 0, js_callsite_get, SITE_NULL),
    JS_CFUNC_MAGIC_DEF("getEnclosingColumnNumber", 0, js_callsite_get, SITE_NULL),
    JS_CFUNC_MAGIC_DEF("getPosition", 0, js_callsite_get, SITE_NULL),
    JS_CFUNC_MAGIC_DEF("getThis", 0, js_callsite_get, SITE_UNDEFINED),
    JS_CFUNC_MAGIC_DEF("getFunction", 0, js_callsite_get, SITE_UNDEFINED),
    JS_CFUNC_MAGIC_DEF("getEvalOrigin", 0, js_callsite_get, SITE_UNDEFINED),
    JS_CFUNC_MAGIC_DEF("getScriptHash", 0, js_callsite_get, SITE_HASH),
    JS_CFUNC_MAGIC_DEF("isToplevel", 0, js_callsite_get, SITE_TOPLEVEL),
    JS_CFUNC_MAGIC_DEF("isEval", 0, js_callsite_get, SITE_EVAL),
    JS_CFUNC_MAGIC_DEF("isConstructor", 0, js_callsite_get, SITE_CONSTRUCTOR),
    JS_CFUNC_MAGIC_DEF("isNative", 0, js_callsite_get, SITE_FALSE),
    JS_CFUNC_MAGIC_DEF("isAsync", 0, js_callsite_get, SITE_FALSE),
    JS_CFUNC_MAGIC_DEF("isPromiseAll", 0, js_callsite_get, SITE_FALSE),
    JS_CFUNC_MAGIC_DEF("toString", 0, js_callsite_get, SITE_STRING),
};

static int init_callsite_class(JSContext *ctx);

static JSValue new_callsites(JSContext *ctx, const coro_backtrace *bt)
{
    JSValue proto = JS_GetClassProto(ctx, callsite_class_id), arr, site;
    int ready = JS_IsObject(proto);

    JS_FreeValue(ctx, proto);
    if (!ready && init_callsite_class(ctx) < 0) /* made on first use */
        return JS_EXCEPTION;
    arr = JS_NewArray(ctx);

    if (JS_IsException(arr))
        return arr;
    for (int i = 0; i < bt->count; i++) {
        site = new_callsite(ctx, &bt->frames[i]);
        if (JS_IsException(site) || JS_SetPropertyUint32(ctx, arr, i, site) < 0) {
            JS_FreeValue(ctx, arr);
            return JS_EXCEPTION;
        }
    }
    return arr;
}

/* The function that makes error's stack instead of Error.prepareStackTrace:
   the one Node's lib set for this error (overrideStackTrace, asked through
   the library's hook), else Error.prepareStackTrace if it is one, else
   JS_UNDEFINED. */
static JSValue stack_maker(JSContext *ctx, coro_isolate *iso, JSValueConst error, JSValueConst ctor)
{
    JSValue fn;

    if (JS_IsFunction(ctx, iso->stack_override)) {
        iso->preparing_stack++;
        fn = JS_Call(ctx, iso->stack_override, JS_UNDEFINED, 1, &error);
        iso->preparing_stack--;
        if (JS_IsException(fn) || JS_IsFunction(ctx, fn))
            return fn;
        JS_FreeValue(ctx, fn);
    }
    fn = JS_GetPropertyStr(ctx, ctor, "prepareStackTrace");
    if (JS_IsFunction(ctx, fn) || JS_IsException(fn))
        return fn;
    JS_FreeValue(ctx, fn);
    return JS_UNDEFINED;
}

JSValue coro__stack_prepare(JSContext *ctx, JSValueConst error, const coro_backtrace *bt,
                            int *called)
{
    coro_isolate *iso = JS_GetContextOpaque(ctx);
    JSValueConst ctor = coro_qjs_error_ctor(ctx);
    JSValue fn, args[2], res;

    *called = 0;
    if (!iso || iso->preparing_stack || !JS_IsObject(ctor))
        return JS_UNDEFINED; /* V8's text inside prepareStackTrace */
    fn = stack_maker(ctx, iso, error, ctor);
    if (!JS_IsFunction(ctx, fn))
        return fn;
    args[0] = JS_DupValue(ctx, error);
    args[1] = new_callsites(ctx, bt);
    if (JS_IsException(args[1])) {
        res = JS_EXCEPTION;
    } else {
        iso->preparing_stack++;
        res = JS_Call(ctx, fn, ctor, 2, (JSValueConst *)args);
        iso->preparing_stack--;
        *called = 1;
    }
    JS_FreeValue(ctx, args[0]);
    JS_FreeValue(ctx, args[1]);
    JS_FreeValue(ctx, fn);
    return res;
}

/* ------------------------------------------------------------------ */
/* Error.captureStackTrace and the set-up */

static JSValue js_error_capture_stack_trace(JSContext *ctx, JSValueConst this_val, int argc,
                                            JSValueConst *argv)
{
    if (!JS_IsObject(argv[0]))
        return JS_ThrowTypeError(ctx, "The \"targetObject\" argument must be an object");
    if (coro_qjs_capture_stack(ctx, argv[0], argv[1]) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue js_callsite_illegal(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    return JS_ThrowTypeError(ctx, "Illegal constructor: call sites are made for Error.prepareStackTrace");
}

static int init_callsite_class(JSContext *ctx)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    JSValue proto, ctor;

    if (!JS_IsRegisteredClass(rt, callsite_class_id) &&
        JS_NewClass(rt, callsite_class_id, &callsite_class) < 0)
        return -1;
    proto = JS_NewObject(ctx);
    if (JS_IsException(proto))
        return -1;
    JS_SetPropertyFunctionList(ctx, proto, callsite_proto_funcs, countof(callsite_proto_funcs));
    ctor = JS_NewCFunction2(ctx, js_callsite_illegal, "CallSite", 0, JS_CFUNC_constructor, 0);
    if (JS_IsException(ctor)) {
        JS_FreeValue(ctx, proto);
        return -1;
    }
    JS_SetConstructor(ctx, ctor, proto);
    JS_FreeValue(ctx, ctor);
    JS_SetClassProto(ctx, callsite_class_id, proto);
    return 0;
}

int coro_stack_init(JSContext *ctx)
{
    JSValueConst ctor = coro_qjs_error_ctor(ctx);
    JSValue fn;

    if (!callsite_class_id)
        JS_NewClassID(&callsite_class_id);
    fn = JS_NewCFunction(ctx, js_error_capture_stack_trace, "captureStackTrace", 2);
    if (JS_DefinePropertyValueStr(ctx, ctor, "captureStackTrace", fn,
                                  JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE) < 0 ||
        JS_DefinePropertyValueStr(ctx, ctor, "stackTraceLimit", JS_NewInt32(ctx, 10),
                                  JS_PROP_C_W_E) < 0)
        return -1;
    return 0;
}
