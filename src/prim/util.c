/*
 * prim/util.c: __primordials.util, what the library needs to see inside
 * values (util.inspect) and to report uncaught errors.
 */
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

/* classOf(v) -> the kind of object v is ("Map Iterator", "Arguments",
   "AsyncFunction", ...: coro_qjs_class_kind), undefined for a primitive:
   Node's util.types without a way to fake it */
static JSValue js_util_class_of(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv)
{
    const char *kind = coro_qjs_class_kind(ctx, argv[0]);

    return kind ? JS_NewString(ctx, kind) : JS_UNDEFINED;
}

/* previewEntries(v) -> [entries, pairs] for a Map, Set, WeakMap, WeakSet or
   Map/Set iterator (what it has left), seen without running JS or using the
   iterator up; undefined for anything else */
static JSValue js_util_preview_entries(JSContext *ctx, JSValueConst this_val, int argc,
                                       JSValueConst *argv)
{
    int pairs = 0;
    JSValue entries = coro_qjs_collection_entries(ctx, argv[0], &pairs), ret;

    if (JS_IsException(entries) || JS_IsUndefined(entries))
        return entries;
    ret = JS_NewArray(ctx);
    if (JS_IsException(ret)) {
        JS_FreeValue(ctx, entries);
        return ret;
    }
    JS_SetPropertyUint32(ctx, ret, 0, entries);
    JS_SetPropertyUint32(ctx, ret, 1, JS_NewBool(ctx, pairs));
    return ret;
}

/* setReporter(fn): fn(error, kind) prints an uncaught error */
static JSValue js_util_set_reporter(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);

    if (coro_arg_function(ctx, argv[0], "reporter") < 0)
        return JS_EXCEPTION;
    JS_FreeValue(ctx, iso->report);
    iso->report = JS_DupValue(ctx, argv[0]);
    return JS_UNDEFINED;
}

/* setExitHook(fn): fn() runs once, in a fiber, when the isolate has nothing
   left to do (process 'beforeExit' and 'exit' listeners) */
static JSValue js_util_set_exit_hook(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);

    if (coro_arg_function(ctx, argv[0], "hook") < 0)
        return JS_EXCEPTION;
    JS_FreeValue(ctx, iso->exit_hook);
    iso->exit_hook = JS_DupValue(ctx, argv[0]);
    return JS_UNDEFINED;
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

static const JSCFunctionListEntry util_funcs[] = {
    JS_CFUNC_DEF("importSync", 1, js_util_import_sync),
    JS_CFUNC_DEF("nodeScript", 1, js_util_node_script),
    JS_CFUNC_DEF("promiseState", 1, js_util_promise_state),
    JS_CFUNC_DEF("isError", 1, js_util_is_error),
    JS_CFUNC_DEF("proxyDetails", 1, js_util_proxy_details),
    JS_CFUNC_DEF("classOf", 1, js_util_class_of),
    JS_CFUNC_DEF("previewEntries", 1, js_util_preview_entries),
    JS_CFUNC_DEF("setReporter", 1, js_util_set_reporter),
    JS_CFUNC_DEF("setExitHook", 1, js_util_set_exit_hook),
};

int coro_prim_util_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, util_funcs,
                                      sizeof util_funcs / sizeof util_funcs[0]);
    return 0;
}
