/*
 * prim/intl.c: the locale-sensitive methods of the builtins
 * (String.prototype.localeCompare, Number/BigInt.prototype.toLocaleString,
 * Date.prototype.toLocale{,Date,Time}String) go through Intl. QuickJS's own
 * ignore locales and options ("1234.5", "12/03/2026, 02:05:09 PM"); these
 * replace them in every context, and the first call loads
 * corojs:internal/intl (lib/internal/intl.js), whose `builtinMethods` hold
 * the JS. Defined from C so that start-up pays nothing for them: QuickJS
 * makes a listed C function only when the property is first read.
 * Intl itself is a lazy global of lib/internal/bootstrap.js.
 */
#include "prim.h"
#include "core/modules.h"

enum { LOCALE_COMPARE, NUMBER_TO_LOCALE, BIGINT_TO_LOCALE, DATE_TO_LOCALE, DATE_TO_LOCALE_DATE, DATE_TO_LOCALE_TIME };

static const char *const method_names[] = {
    [LOCALE_COMPARE] = "localeCompare",
    [NUMBER_TO_LOCALE] = "numberToLocaleString",
    [BIGINT_TO_LOCALE] = "bigintToLocaleString",
    [DATE_TO_LOCALE] = "toLocaleString",
    [DATE_TO_LOCALE_DATE] = "toLocaleDateString",
    [DATE_TO_LOCALE_TIME] = "toLocaleTimeString",
};

static JSValue js_intl_method(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                              int magic)
{
    JSValue ns = coro_module_import_builtin(ctx, "corojs:internal/intl"), methods, fn, ret;

    if (JS_IsException(ns))
        return ns;
    methods = JS_GetPropertyStr(ctx, ns, "builtinMethods");
    JS_FreeValue(ctx, ns);
    if (JS_IsException(methods))
        return methods;
    fn = JS_GetPropertyStr(ctx, methods, method_names[magic]);
    JS_FreeValue(ctx, methods);
    if (JS_IsException(fn))
        return fn;
    ret = JS_Call(ctx, fn, this_val, argc, argv);
    JS_FreeValue(ctx, fn);
    return ret;
}

static const JSCFunctionListEntry string_funcs[] = {
    JS_CFUNC_MAGIC_DEF("localeCompare", 1, js_intl_method, LOCALE_COMPARE),
};
static const JSCFunctionListEntry number_funcs[] = {
    JS_CFUNC_MAGIC_DEF("toLocaleString", 0, js_intl_method, NUMBER_TO_LOCALE),
};
static const JSCFunctionListEntry bigint_funcs[] = {
    JS_CFUNC_MAGIC_DEF("toLocaleString", 0, js_intl_method, BIGINT_TO_LOCALE),
};
static const JSCFunctionListEntry date_funcs[] = {
    JS_CFUNC_MAGIC_DEF("toLocaleString", 0, js_intl_method, DATE_TO_LOCALE),
    JS_CFUNC_MAGIC_DEF("toLocaleDateString", 0, js_intl_method, DATE_TO_LOCALE_DATE),
    JS_CFUNC_MAGIC_DEF("toLocaleTimeString", 0, js_intl_method, DATE_TO_LOCALE_TIME),
};

/* Replace global.<ctor>.prototype's methods by the listed ones. */
static int replace_methods(JSContext *ctx, JSValueConst global, const char *ctor,
                           const JSCFunctionListEntry *funcs, int n)
{
    JSValue c = JS_GetPropertyStr(ctx, global, ctor);
    JSValue proto = JS_GetPropertyStr(ctx, c, "prototype");
    int ret = JS_IsObject(proto) ? 0 : -1;

    for (int i = 0; i < n && ret == 0; i++) { /* a listed property must be new */
        JSAtom name = JS_NewAtom(ctx, funcs[i].name);
        ret = JS_DeleteProperty(ctx, proto, name, 0) < 0 ? -1 : 0;
        JS_FreeAtom(ctx, name);
    }
    if (ret == 0)
        JS_SetPropertyFunctionList(ctx, proto, funcs, n);
    JS_FreeValue(ctx, proto);
    JS_FreeValue(ctx, c);
    return ret;
}

int coro_prim_intl_init(JSContext *ctx, JSValueConst ns)
{
    JSValue global = JS_GetGlobalObject(ctx);
    int ret = 0;

    if (replace_methods(ctx, global, "String", string_funcs, 1) < 0 ||
        replace_methods(ctx, global, "Number", number_funcs, 1) < 0 ||
        replace_methods(ctx, global, "BigInt", bigint_funcs, 1) < 0 ||
        replace_methods(ctx, global, "Date", date_funcs, 3) < 0)
        ret = -1;
    JS_FreeValue(ctx, global);
    return ret;
}
