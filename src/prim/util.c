/*
 * prim/util.c: __primordials.util, what the library needs to see inside
 * values (util.inspect) and to report uncaught errors.
 */
#include <stdint.h>
#include <uv.h>

#include "prim.h"
#include "core/binding.h"
#include "core/isolate.h"
#include "core/modules.h"
#include "core/quickjs_ext.h"

/* promiseState(p) -> [state, result]: state 0 pending, 1 fulfilled,
   2 rejected; undefined if p is not a promise */
static JSValue js_util_promise_state(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    int st = (int)JS_PromiseState(ctx, (JSValue)argv[0]);
    JSValue ret;

    if (st < 0)
        return JS_UNDEFINED;
    ret = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, ret, 0, JS_NewInt32(ctx, st == JS_PROMISE_PENDING ? 0 :
                                                       st == JS_PROMISE_FULFILLED ? 1 : 2));
    JS_SetPropertyUint32(ctx, ret, 1, JS_PromiseResult(ctx, (JSValue)argv[0]));
    return ret;
}

static JSValue js_util_is_error(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv)
{
    return JS_NewBool(ctx, JS_IsError(ctx, argv[0]));
}

/* proxyDetails(v) -> undefined if v is not a proxy, null if it is a revoked
   one, else [target, handler]: util.inspect shows a proxy without running
   its traps, as Node does */
static JSValue js_util_proxy_details(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    JSValueConst target, handler;
    JSValue ret;

    switch (coro_qjs_proxy_details(argv[0], &target, &handler)) {
    case -1:
        return JS_UNDEFINED;
    case 0:
        return JS_NULL;
    }
    ret = JS_NewArray(ctx);
    if (JS_IsException(ret))
        return ret;
    JS_SetPropertyUint32(ctx, ret, 0, JS_DupValue(ctx, target));
    JS_SetPropertyUint32(ctx, ret, 1, JS_DupValue(ctx, handler));
    return ret;
}

/* classOf(v) -> the engine's class of v ("Map", "Proxy", "Map Iterator",
   "AsyncFunction", ...), undefined for a primitive: util.types' checks */
static JSValue js_util_class_of(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_qjs_class_name(ctx, argv[0]);
}

/* madeBy(obj) -> the constructor whose `new` made obj when obj's prototype
   has no prototype of its own (V8's GetConstructorName), else undefined */
static JSValue js_util_made_by(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_qjs_made_by(ctx, argv[0]);
}

/* previewEntries(v) -> [entries, isKeyValue] for a Map, Set, WeakMap,
   WeakSet or an iterator over a Map or Set (without moving it), else
   undefined */
static JSValue js_util_preview_entries(JSContext *ctx, JSValueConst this_val, int argc,
                                       JSValueConst *argv)
{
    int key_value = 0;
    JSValue entries = coro_qjs_preview_entries(ctx, argv[0], &key_value), ret;

    if (JS_IsException(entries) || JS_IsUndefined(entries))
        return entries;
    ret = JS_NewArray(ctx);
    if (JS_IsException(ret)) {
        JS_FreeValue(ctx, entries);
        return ret;
    }
    JS_SetPropertyUint32(ctx, ret, 0, entries);
    JS_SetPropertyUint32(ctx, ret, 1, JS_NewBool(ctx, key_value));
    return ret;
}

/* ownNonIndexProperties(obj, filter) -> its own keys that are not indices
   (V8's GetOwnNonIndexProperties; filter: Node's util constants) */
static JSValue js_util_own_non_index_properties(JSContext *ctx, JSValueConst this_val, int argc,
                                                JSValueConst *argv)
{
    int32_t filter;

    if (!JS_IsObject(argv[0]))
        return coro_throw_arg_type(ctx, "object", "of type object", argv[0]);
    if (JS_ToInt32(ctx, &filter, argv[1]) < 0)
        return JS_EXCEPTION;
    return coro_qjs_own_non_index_keys(ctx, argv[0], filter);
}

/* sleep(ms): blocks the whole thread, every fiber with it (Node's
   internalBinding('util').sleep, for tests) */
static JSValue js_util_sleep(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t ms;

    if (coro_arg_integer(ctx, argv[0], "msec", 0, UINT32_MAX, &ms) < 0)
        return JS_EXCEPTION;
    uv_sleep((unsigned int)ms);
    return JS_UNDEFINED;
}

/* guessHandleType(fd) -> 'TCP', 'TTY', 'UDP', 'FILE', 'PIPE' or 'UNKNOWN' */
static JSValue js_util_guess_handle_type(JSContext *ctx, JSValueConst this_val, int argc,
                                         JSValueConst *argv)
{
    int64_t fd;

    if (coro_arg_integer(ctx, argv[0], "fd", 0, INT32_MAX, &fd) < 0)
        return JS_EXCEPTION;
    switch (uv_guess_handle((uv_file)fd)) {
    case UV_TCP: return JS_NewString(ctx, "TCP");
    case UV_TTY: return JS_NewString(ctx, "TTY");
    case UV_UDP: return JS_NewString(ctx, "UDP");
    case UV_FILE: return JS_NewString(ctx, "FILE");
    case UV_NAMED_PIPE: return JS_NewString(ctx, "PIPE");
    default: return JS_NewString(ctx, "UNKNOWN");
    }
}

enum { HOOK_REPORTER, HOOK_EXIT, HOOK_STACK };

/* The isolate's hooks into the library, each a function it keeps:
   setReporter(fn): fn(error, kind) prints an uncaught error;
   setExitHook(fn): fn() runs once, in a fiber, when the isolate has nothing
   left to do (process 'beforeExit' and 'exit' listeners);
   setStackOverride(fn): fn(error) -> a function that makes error.stack from
   its call sites instead (Node's overrideStackTrace), or undefined. */
static JSValue js_util_set_hook(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv, int which)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    JSValue *slot = which == HOOK_EXIT ? &iso->exit_hook : which == HOOK_STACK ? &iso->stack_override : &iso->report;

    if (coro_arg_function(ctx, argv[0], which == HOOK_REPORTER ? "reporter" : "hook") < 0)
        return JS_EXCEPTION;
    JS_FreeValue(ctx, *slot);
    *slot = JS_DupValue(ctx, argv[0]);
    return JS_UNDEFINED;
}

/* exposeInternals() -> whether this isolate may load internal modules
   (--expose-internals): Node's own require('internal/...') too */
static JSValue js_util_expose_internals(JSContext *ctx, JSValueConst this_val, int argc,
                                        JSValueConst *argv)
{
    return JS_NewBool(ctx, coro_isolate_of(ctx)->expose_internals);
}

/* importSync(name) -> the namespace of a corojs: module (lazy globals) */
static JSValue js_util_import_sync(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    const char *name = coro_arg_string(ctx, argv[0], "name", NULL);
    JSValue ns;

    if (!name)
        return JS_EXCEPTION;
    ns = coro_module_import_builtin(ctx, name);
    JS_FreeCString(ctx, name);
    return ns;
}

/* nodeScript(id) -> the function of Node's lib/ file id, compiled into the
   binary (lib/node/builtins.js), or undefined */
static JSValue js_util_node_script(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    const char *id = coro_arg_string(ctx, argv[0], "id", NULL);
    JSValue fn;

    if (!id)
        return JS_EXCEPTION;
    fn = coro_module_node_script(ctx, id);
    JS_FreeCString(ctx, id);
    return fn;
}

/* asyncContext() / setAsyncContext(frame): the async context promise
   reactions carry (QuickJS patch 0015), an object (lib/node/async_context.js
   makes them) or undefined. */
static JSValue js_util_async_context(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    return JS_GetAsyncContext(ctx);
}

static JSValue js_util_set_async_context(JSContext *ctx, JSValueConst this_val, int argc,
                                         JSValueConst *argv)
{
    if (!JS_IsObject(argv[0]) && !JS_IsUndefined(argv[0]))
        return coro_throw_arg_type(ctx, "frame", "of type object", argv[0]);
    JS_SetAsyncContext(ctx, JS_DupValue(ctx, argv[0]));
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry util_funcs[] = {
    JS_CFUNC_DEF("asyncContext", 0, js_util_async_context),
    JS_CFUNC_DEF("setAsyncContext", 1, js_util_set_async_context),
    JS_CFUNC_DEF("importSync", 1, js_util_import_sync),
    JS_CFUNC_DEF("nodeScript", 1, js_util_node_script),
    JS_CFUNC_DEF("promiseState", 1, js_util_promise_state),
    JS_CFUNC_DEF("isError", 1, js_util_is_error),
    JS_CFUNC_DEF("proxyDetails", 1, js_util_proxy_details),
    JS_CFUNC_DEF("classOf", 1, js_util_class_of),
    JS_CFUNC_DEF("madeBy", 1, js_util_made_by),
    JS_CFUNC_DEF("previewEntries", 1, js_util_preview_entries),
    JS_CFUNC_DEF("guessHandleType", 1, js_util_guess_handle_type),
    JS_CFUNC_DEF("ownNonIndexProperties", 2, js_util_own_non_index_properties),
    JS_CFUNC_DEF("sleep", 1, js_util_sleep),
    JS_CFUNC_MAGIC_DEF("setReporter", 1, js_util_set_hook, HOOK_REPORTER),
    JS_CFUNC_MAGIC_DEF("setStackOverride", 1, js_util_set_hook, HOOK_STACK),
    JS_CFUNC_MAGIC_DEF("setExitHook", 1, js_util_set_hook, HOOK_EXIT),
    JS_CFUNC_DEF("exposeInternals", 0, js_util_expose_internals),
};

int coro_prim_util_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, util_funcs,
                                      sizeof util_funcs / sizeof util_funcs[0]);
    return 0;
}
