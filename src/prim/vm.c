/*
 * vm.c: node:vm's contexts and scripts (__primordials.vm), under Node's own
 * lib/vm.js through lib/node/bindings/contextify.js.
 *
 * A context is a new QuickJS context of the isolate's runtime: its own global
 * object and ECMAScript builtins (nothing of CoroJS or Node), the isolate as
 * its opaque, as the main context has. A context object (class VmContext)
 * holds it; QuickJS's collector frees it once neither that object nor
 * anything made in the context (a function, an object) is reachable.
 *
 * Contextified object: vm.createContext(sandbox) makes the sandbox's
 * properties the context's globals, and what the context's code defines
 * globally (var, function, assignment) lands on the sandbox. Node does this
 * with V8's interceptors on the global object. Here the context's global
 * object is an exotic object (class VmGlobal) with no own properties, whose
 * methods reach the sandbox: a key the sandbox has (own or inherited) reads
 * from it, and every write, definition and delete goes to it. Keys the
 * sandbox lacks fall through to the global's prototype, an ordinary object
 * holding the builtins (Array, Object, globalThis, ...), so an unknown name
 * is still a ReferenceError. QuickJS consults an exotic object's methods for
 * keys not in its shape; a top-level `var` is made to use them too
 * (deps/patches/quickjs/0013-vm-contexts.patch).
 *
 * Scripts are compiled for one context (QuickJS binds bytecode to the realm
 * it is compiled in): a VmScript holds the bytecode and that context.
 */
#include <uv.h>
#include "prim.h"
#include "core/binding.h"
#include "core/fiber.h"
#include "core/quickjs_ext.h"
#include "core/stack.h"

static JSClassID context_class, global_class, script_class;

/* ------------------------------------------------------------------ */
/* the contextified global */

/* The sandbox a VmGlobal forwards to (its opaque is a JSValue cell). */
static JSValue *sandbox_of(JSValueConst global)
{
    return JS_GetOpaque(global, global_class);
}

/* The sandbox read through its context's global is the global itself, as
   Node's interceptors do it (`var window = this` keeps window === this). */
static JSValue as_seen_inside(JSContext *ctx, JSValueConst global, JSValue v)
{
    if (JS_IsObject(v) && JS_VALUE_GET_PTR(v) == JS_VALUE_GET_PTR(*sandbox_of(global))) {
        JS_FreeValue(ctx, v);
        return JS_DupValue(ctx, global);
    }
    return v;
}

/* A key of the sandbox: its own property's descriptor as it is, or an
   inherited one's value as a plain data property. */
static int global_get_own(JSContext *ctx, JSPropertyDescriptor *desc, JSValueConst obj, JSAtom prop)
{
    JSValue *sb = sandbox_of(obj);
    int has = JS_GetOwnProperty(ctx, desc, *sb, prop);

    if (has != 0) {
        if (has > 0 && desc)
            desc->value = as_seen_inside(ctx, obj, desc->value);
        return has;
    }
    has = JS_HasProperty(ctx, *sb, prop);
    if (has <= 0 || !desc)
        return has;
    desc->value = JS_GetProperty(ctx, *sb, prop);
    if (JS_IsException(desc->value))
        return -1;
    desc->value = as_seen_inside(ctx, obj, desc->value);
    desc->getter = JS_UNDEFINED;
    desc->setter = JS_UNDEFINED;
    desc->flags = JS_PROP_ENUMERABLE | JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE;
    return 1;
}

static int global_own_keys(JSContext *ctx, JSPropertyEnum **ptab, uint32_t *plen, JSValueConst obj)
{
    return JS_GetOwnPropertyNames(ctx, ptab, plen, *sandbox_of(obj),
                                  JS_GPN_STRING_MASK | JS_GPN_SYMBOL_MASK);
}

static int global_delete(JSContext *ctx, JSValueConst obj, JSAtom prop)
{
    return JS_DeleteProperty(ctx, *sandbox_of(obj), prop, 0);
}

static int global_define(JSContext *ctx, JSValueConst obj, JSAtom prop, JSValueConst val,
                         JSValueConst getter, JSValueConst setter, int flags)
{
    return JS_DefineProperty(ctx, *sandbox_of(obj), prop, val, getter, setter, flags);
}

static int global_has(JSContext *ctx, JSValueConst obj, JSAtom prop)
{
    int has = JS_HasProperty(ctx, *sandbox_of(obj), prop);
    JSValue proto;

    if (has != 0)
        return has;
    proto = JS_GetPrototype(ctx, obj);
    if (JS_IsException(proto))
        return -1;
    has = JS_IsObject(proto) ? JS_HasProperty(ctx, proto, prop) : 0;
    JS_FreeValue(ctx, proto);
    return has;
}

static int global_set(JSContext *ctx, JSValueConst obj, JSAtom prop, JSValueConst val,
                      JSValueConst receiver, int flags)
{
    JSValueConst sb = *sandbox_of(obj);

    /* flags as given: a read-only property fails quietly in sloppy code */
    return JS_SetPropertyInternal(ctx, sb, prop, JS_DupValue(ctx, val), sb, flags);
}

static JSClassExoticMethods global_exotic = {
    .get_own_property = global_get_own,
    .get_own_property_names = global_own_keys,
    .delete_property = global_delete,
    .define_own_property = global_define,
    .has_property = global_has,
    .set_property = global_set,
};

static void global_finalizer(JSRuntime *rt, JSValue val)
{
    JSValue *sb = JS_GetOpaque(val, global_class);

    if (sb) {
        JS_FreeValueRT(rt, *sb);
        js_free_rt(rt, sb);
    }
}

static void global_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark_func)
{
    JSValue *sb = JS_GetOpaque(val, global_class);

    if (sb)
        JS_MarkValue(rt, *sb, mark_func);
}

/* Make c's global a VmGlobal over sandbox, the builtins its prototype. */
static int contextify(JSContext *c, JSValueConst sandbox)
{
    JSValue builtins = JS_GetGlobalObject(c);
    JSValue global = JS_NewObjectProtoClass(c, builtins, global_class);
    JSValue *sb = js_malloc(c, sizeof *sb);

    if (JS_IsException(global) || !sb) {
        js_free(c, sb);
        JS_FreeValue(c, global);
        JS_FreeValue(c, builtins);
        return -1;
    }
    *sb = JS_DupValue(c, sandbox);
    JS_SetOpaque(global, sb);
    JS_DefinePropertyValueStr(c, builtins, "globalThis", JS_DupValue(c, global),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_FreeValue(c, builtins);
    coro_qjs_set_global(c, global);
    return 0;
}

/* ------------------------------------------------------------------ */
/* contexts */

static void context_finalizer(JSRuntime *rt, JSValue val)
{
    JSContext *c = JS_GetOpaque(val, context_class);

    if (c)
        JS_FreeContext(c);
}

static void context_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark_func)
{
    JSContext *c = JS_GetOpaque(val, context_class);

    if (c)
        coro_qjs_mark_context(rt, c, mark_func);
}

/* A context object holding c (it takes c's reference). */
static JSValue context_object(JSContext *ctx, JSContext *c)
{
    JSValue obj = JS_NewObjectClass(ctx, context_class);

    if (JS_IsException(obj)) {
        JS_FreeContext(c);
        return obj;
    }
    JS_SetOpaque(obj, c);
    return obj;
}

/* newContext(sandbox | undefined): a context object; with a sandbox, the
   context's globals are the sandbox's properties. */
static JSValue js_vm_new_context(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSContext *c;

    if (!JS_IsUndefined(argv[0]) && !JS_IsObject(argv[0]))
        return coro_throw_arg_type(ctx, "contextObject", "of type object", argv[0]);
    c = JS_NewContext(JS_GetRuntime(ctx));
    if (!c)
        return JS_ThrowOutOfMemory(ctx);
    JS_SetContextOpaque(c, JS_GetContextOpaque(ctx));
    if (coro_stack_init(c) < 0 || (JS_IsObject(argv[0]) && contextify(c, argv[0]) < 0)) {
        JS_FreeContext(c);
        return JS_EXCEPTION;
    }
    return context_object(ctx, c);
}

/* The context a context object holds; ctx itself for null or undefined. */
static JSContext *context_arg(JSContext *ctx, JSValueConst v)
{
    JSContext *c;

    if (JS_IsNull(v) || JS_IsUndefined(v))
        return ctx;
    c = JS_GetOpaque(v, context_class);
    if (!c)
        coro_throw_arg_type(ctx, "context", "a vm context", v);
    return c;
}

/* global(context): the context's global object. */
static JSValue js_vm_global(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSContext *c = context_arg(ctx, argv[0]);

    return c ? JS_GetGlobalObject(c) : JS_EXCEPTION;
}

/* ------------------------------------------------------------------ */
/* scripts */

typedef struct vm_script {
    JSContext *realm;   /* the context it was compiled in (a reference) */
    JSValue bytecode;
} vm_script;

static void script_finalizer(JSRuntime *rt, JSValue val)
{
    vm_script *s = JS_GetOpaque(val, script_class);

    if (s) {
        JS_FreeValueRT(rt, s->bytecode);
        JS_FreeContext(s->realm);
        js_free_rt(rt, s);
    }
}

static void script_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark_func)
{
    vm_script *s = JS_GetOpaque(val, script_class);

    if (s) {
        JS_MarkValue(rt, s->bytecode, mark_func);
        coro_qjs_mark_context(rt, s->realm, mark_func);
    }
}

static JSValue script_object(JSContext *ctx, JSContext *realm, JSValue bytecode)
{
    JSValue obj = JS_NewObjectClass(ctx, script_class);
    vm_script *s = js_malloc(ctx, sizeof *s);

    if (JS_IsException(obj) || !s) {
        js_free(ctx, s);
        JS_FreeValue(ctx, obj);
        JS_FreeValue(ctx, bytecode);
        return JS_EXCEPTION;
    }
    s->realm = JS_DupContext(realm);
    s->bytecode = bytecode;
    JS_SetOpaque(obj, s);
    return obj;
}

/* compile(context | null, code, filename, lineOffset, columnOffset): a
   script compiled for the context (null: the caller's); a SyntaxError of
   that context, at filename:line:column, if the code is not a script. */
static JSValue js_vm_compile(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSContext *c = context_arg(ctx, argv[0]);
    const char *code = NULL, *filename = NULL;
    size_t len;
    int64_t line, col;
    JSValue bytecode = JS_EXCEPTION;

    if (!c || !(code = coro_arg_string(ctx, argv[1], "code", &len)) ||
        !(filename = coro_arg_string(ctx, argv[2], "filename", NULL)) ||
        coro_arg_integer(ctx, argv[3], "lineOffset", INT32_MIN, INT32_MAX, &line) < 0 ||
        coro_arg_integer(ctx, argv[4], "columnOffset", INT32_MIN, INT32_MAX, &col) < 0)
        goto done;
    bytecode = coro_qjs_eval_at(c, code, len, filename, (int)line, (int)col,
                                JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
done:
    JS_FreeCString(ctx, code);
    JS_FreeCString(ctx, filename);
    return JS_IsException(bytecode) ? bytecode : script_object(ctx, c, bytecode);
}

/* A run under a timeout: the runtime's interrupt handler is chained to one
   that also ends the run once its time is up. The run is an exclusive
   section of its fiber, so no other JS of the isolate runs (and meets the
   deadline) until it returns, and nested runs restore handlers in order. */
typedef struct vm_deadline {
    JSInterruptHandler *next;
    void *next_opaque;
    uint64_t at;      /* uv_hrtime() */
    int passed;
} vm_deadline;

static int deadline_interrupt(JSRuntime *rt, void *opaque)
{
    vm_deadline *d = opaque;

    if (d->next && d->next(rt, d->next_opaque))
        return 1;
    if (uv_hrtime() >= d->at)
        d->passed = 1;
    return d->passed;
}

static JSValue run_with_timeout(JSContext *ctx, vm_script *s, int64_t ms)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    vm_deadline d = { .at = uv_hrtime() + (uint64_t)ms * 1000000 };
    JSValue r;

    coro_qjs_interrupt_handler(rt, &d.next, &d.next_opaque);
    JS_SetInterruptHandler(rt, deadline_interrupt, &d);
    coro_fiber_exclusive_enter();
    r = JS_EvalFunction(s->realm, JS_DupValue(ctx, s->bytecode));
    coro_fiber_exclusive_leave();
    JS_SetInterruptHandler(rt, d.next, d.next_opaque);
    if (JS_IsException(r) && d.passed) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return coro_throw_code(ctx, "ERR_SCRIPT_EXECUTION_TIMEOUT",
                               "Script execution timed out after %lldms", (long long)ms);
    }
    return r;
}

/* run(script, timeout): runs the script in its context (timeout in ms, or
   -1 for none) and returns its completion value. */
static JSValue js_vm_run(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    vm_script *s = JS_GetOpaque(argv[0], script_class);
    int64_t ms;

    if (!s)
        return coro_throw_arg_type(ctx, "script", "a vm script", argv[0]);
    if (coro_arg_integer(ctx, argv[1], "timeout", -1, UINT32_MAX, &ms) < 0)
        return JS_EXCEPTION;
    if (ms >= 0)
        return run_with_timeout(ctx, s, ms);
    return JS_EvalFunction(s->realm, JS_DupValue(ctx, s->bytecode));
}

/* privateSymbol(description): a symbol no reflection lists (V8's private
   symbols, which Node's lib marks contextified objects with). */
static JSValue js_vm_private_symbol(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *description = coro_arg_string(ctx, argv[0], "description", NULL);
    JSValue sym;

    if (!description)
        return JS_EXCEPTION;
    sym = coro_qjs_new_private_symbol(ctx, description);
    JS_FreeCString(ctx, description);
    return sym;
}

/* ------------------------------------------------------------------ */

static const JSClassDef context_def = { "VmContext", .finalizer = context_finalizer,
                                        .gc_mark = context_mark };
static const JSClassDef global_def = { "Object", .finalizer = global_finalizer,
                                       .gc_mark = global_mark, .exotic = &global_exotic };
static const JSClassDef script_def = { "VmScript", .finalizer = script_finalizer,
                                       .gc_mark = script_mark };

static const JSCFunctionListEntry vm_funcs[] = {
    JS_CFUNC_DEF("newContext", 1, js_vm_new_context),
    JS_CFUNC_DEF("global", 1, js_vm_global),
    JS_CFUNC_DEF("compile", 5, js_vm_compile),
    JS_CFUNC_DEF("run", 2, js_vm_run),
    JS_CFUNC_DEF("privateSymbol", 1, js_vm_private_symbol),
};


int coro_prim_vm_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);

    if (coro_register_class(rt, &context_class, &context_def) < 0 ||
        coro_register_class(rt, &global_class, &global_def) < 0 ||
        coro_register_class(rt, &script_class, &script_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, vm_funcs, sizeof vm_funcs / sizeof vm_funcs[0]);
    return 0;
}
