/*
 * prim/module.c: __primordials.module, the C half of the Node loader
 * (lib/node/loader.js): the file reads and stats resolution makes (plain
 * system calls: require() is synchronous and runs in an exclusive section,
 * so nothing else of the isolate could run meanwhile anyway), CommonJS's
 * function wrapper, and require() of an ES module (core/modules.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prim.h"
#include "core/binding.h"
#include "core/isolate.h"
#include "core/modules.h"

/* readFile(path) -> its text, or undefined if there is no such file (an
   isolate without fs: ERR_ACCESS_DENIED) */
static JSValue js_module_read_file(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    const char *path = coro_arg_path(ctx, argv[0], "path");
    size_t len;
    int err = 0;
    char *text;
    JSValue ret;

    if (!path)
        return JS_EXCEPTION;
    if (coro_module_refused(ctx, path)) {
        JS_FreeCString(ctx, path);
        return JS_EXCEPTION;
    }
    text = coro_module_read(ctx, path, &len, &err);
    if (text)
        ret = JS_NewStringLen(ctx, text, len);
    else if (err == -ENOENT || err == -ENOTDIR || err == -EISDIR)
        ret = JS_UNDEFINED;
    else if (err)
        ret = coro_throw_uv(ctx, err, "open", path, NULL);
    else
        ret = JS_EXCEPTION;
    js_free(ctx, text);
    JS_FreeCString(ctx, path);
    return ret;
}

/* stat(path) -> 0 a file, 1 a directory, or a negative errno (an isolate
   without fs: ERR_ACCESS_DENIED) */
static JSValue js_module_stat(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = coro_arg_path(ctx, argv[0], "path");
    JSValue ret;

    if (!path)
        return JS_EXCEPTION;
    ret = coro_module_refused(ctx, path) ? JS_EXCEPTION : JS_NewInt32(ctx, coro_module_stat(ctx, path));
    JS_FreeCString(ctx, path);
    return ret;
}

/* realpath(path) -> the path with its links resolved (as it is if that
   fails: the caller found the file already) */
static JSValue js_module_realpath(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    const char *path = coro_arg_path(ctx, argv[0], "path");
    char real[PATH_MAX];
    JSValue ret;

    if (!path)
        return JS_EXCEPTION;
    ret = JS_NewString(ctx, realpath(path, real) ? real : path);
    JS_FreeCString(ctx, path);
    return ret;
}

static JSValue js_module_cwd(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    char dir[PATH_MAX];

    if (!getcwd(dir, sizeof dir))
        return coro_throw_uv(ctx, -errno, "getcwd", NULL, NULL);
    return JS_NewString(ctx, dir);
}

/* compileFunction(source, filename) -> the function of a CommonJS module,
   (exports, require, module, __filename, __dirname), as Node wraps it: the
   wrapper shares the first line, so line numbers are the file's */
static JSValue js_module_compile_function(JSContext *ctx, JSValueConst this_val, int argc,
                                          JSValueConst *argv)
{
    static const char head[] = "(function (exports, require, module, __filename, __dirname) { ";
    static const char tail[] = "\n})";
    size_t len;
    const char *src = coro_arg_string(ctx, argv[0], "source", &len);
    const char *filename = src ? coro_arg_string(ctx, argv[1], "filename", NULL) : NULL;
    char *code = NULL;
    JSValue fn = JS_EXCEPTION;

    if (filename)
        code = js_malloc(ctx, sizeof head + len + sizeof tail);
    if (code) {
        char *p = stpcpy(code, head);
        memcpy(p, src, len);
        if (len >= 2 && p[0] == '#' && p[1] == '!') /* a hashbang line */
            p[0] = p[1] = '/';
        strcpy(p + len, tail);
        fn = JS_Eval(ctx, code, sizeof head - 1 + len + sizeof tail - 1, filename, JS_EVAL_TYPE_GLOBAL);
    }
    js_free(ctx, code);
    JS_FreeCString(ctx, src);
    JS_FreeCString(ctx, filename);
    return fn;
}

/* requireModule(name) -> the namespace of the ES module `name`, evaluated
   now; 1 if its graph has top-level await, 2 if it is being evaluated */
static JSValue js_module_require_module(JSContext *ctx, JSValueConst this_val, int argc,
                                        JSValueConst *argv)
{
    const char *name = coro_arg_string(ctx, argv[0], "name", NULL);
    JSValue ret;

    if (!name)
        return JS_EXCEPTION;
    ret = coro_module_require(ctx, name);
    JS_FreeCString(ctx, name);
    return ret;
}

/* setHooks(on): every import of this isolate goes through the Node loader
   (module.registerHooks) */
static JSValue js_module_set_hooks(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    coro_isolate_of(ctx)->module_hooks = JS_ToBool(ctx, argv[0]);
    return JS_UNDEFINED;
}

/* importMap() -> the file of --import-map, or undefined */
static JSValue js_module_import_map(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    const char *path = coro_modules_import_map();

    return path ? JS_NewString(ctx, path) : JS_UNDEFINED;
}

/* hasNet() -> whether this isolate may reach the network (https: imports) */
static JSValue js_module_has_net(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    return JS_NewBool(ctx, coro_isolate_of(ctx)->caps & CORO_CAP_NET);
}

static const JSCFunctionListEntry module_funcs[] = {
    JS_CFUNC_DEF("readFile", 1, js_module_read_file),
    JS_CFUNC_DEF("stat", 1, js_module_stat),
    JS_CFUNC_DEF("realpath", 1, js_module_realpath),
    JS_CFUNC_DEF("cwd", 0, js_module_cwd),
    JS_CFUNC_DEF("compileFunction", 2, js_module_compile_function),
    JS_CFUNC_DEF("requireModule", 1, js_module_require_module),
    JS_CFUNC_DEF("setHooks", 1, js_module_set_hooks),
    JS_CFUNC_DEF("importMap", 0, js_module_import_map),
    JS_CFUNC_DEF("hasNet", 0, js_module_has_net),
};

int coro_prim_module_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, module_funcs, sizeof module_funcs / sizeof module_funcs[0]);
    return 0;
}
