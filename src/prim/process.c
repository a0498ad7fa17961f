/*
 * prim/process.c: __primordials.process, the program's view of its process:
 * argv, env, exit, clocks, and synchronous writes to stdout and stderr.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/opensslv.h>

#include "prim.h"
#include "core/binding.h"
#include "core/isolate.h"
#include "core/jail.h"
#include "core/quickjs_ext.h"
#include "core/version.h"

extern char **environ;

static JSValue js_process_env(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    JSValue env = JS_NewObject(ctx);

    for (char **e = iso->env ? iso->env : environ; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        JSAtom key = JS_NewAtomLen(ctx, *e, (size_t)(eq - *e));
        JS_DefinePropertyValue(ctx, env, key, JS_NewString(ctx, eq + 1), JS_PROP_C_W_E);
        JS_FreeAtom(ctx, key);
    }
    return env;
}

/* exit(code): end the program now; no further JS of it runs */
static JSValue js_process_exit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int64_t code = iso->exit_code;

    if (!JS_IsUndefined(argv[0]) && coro_arg_integer(ctx, argv[0], "code", INT32_MIN, INT32_MAX,
                                                     &code) < 0)
        return JS_EXCEPTION;
    coro_isolate_terminate(iso, (int)code);
    return coro_throw_terminated(ctx);
}

static JSValue js_process_set_exit_code(JSContext *ctx, JSValueConst this_val, int argc,
                                        JSValueConst *argv)
{
    int64_t code;

    if (coro_arg_integer(ctx, argv[0], "code", INT32_MIN, INT32_MAX, &code) < 0)
        return JS_EXCEPTION;
    coro_isolate_of(ctx)->exit_code = (int)code;
    return JS_UNDEFINED;
}

static JSValue js_process_cwd(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    char buf[4096];
    size_t len = sizeof buf;
    int r;

    if (iso->jail) /* a jailed isolate's relative paths start at the jail */
        return JS_NewString(ctx, iso->jail->root);
    r = uv_cwd(buf, &len);
    if (r < 0)
        return coro_throw_uv(ctx, r, "uv_cwd", NULL, NULL);
    return JS_NewStringLen(ctx, buf, len);
}

static JSValue js_process_chdir(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path;
    int r;

    if (coro_isolate_of(ctx)->parent) /* the directory belongs to the whole process */
        return coro_throw_code(ctx, "ERR_ACCESS_DENIED",
                               "process.chdir is not allowed in a child isolate");
    if (!(path = coro_arg_path(ctx, argv[0], "directory")))
        return JS_EXCEPTION;
    r = uv_chdir(path);
    if (r < 0)
        coro_throw_uv(ctx, r, "chdir", path, NULL);
    JS_FreeCString(ctx, path);
    return r < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

/* hrtime() -> nanoseconds from an arbitrary point, as a BigInt */
static JSValue js_process_hrtime(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewBigUint64(ctx, uv_hrtime());
}

/* now() -> milliseconds from an arbitrary point, as a number (performance.now) */
static JSValue js_process_now(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewFloat64(ctx, (double)uv_hrtime() / 1e6);
}

/* write(fd, data): synchronous, for stdout (1) and stderr (2) only */
static JSValue js_process_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t fd;
    coro_bytes b;
    int r;

    if (coro_arg_integer(ctx, argv[0], "fd", 1, 2, &fd) < 0 ||
        coro_arg_bytes(ctx, argv[1], "data", &b) < 0)
        return JS_EXCEPTION;
    r = coro_write_all((int)fd, b.data, b.len);
    coro_bytes_free(ctx, &b);
    if (r < 0 && r != UV_EPIPE)
        return coro_throw_uv(ctx, r, "write", NULL, NULL);
    return JS_UNDEFINED;
}

static JSValue js_process_memory_usage(JSContext *ctx, JSValueConst this_val, int argc,
                                       JSValueConst *argv)
{
    JSMemoryUsage mu;
    size_t rss = 0;
    size_t buffers = coro_qjs_array_buffer_bytes(JS_GetRuntime(ctx));
    JSValue o = JS_NewObject(ctx);

    uv_resident_set_memory(&rss);
    JS_ComputeMemoryUsage(JS_GetRuntime(ctx), &mu);
    JS_SetPropertyStr(ctx, o, "rss", JS_NewFloat64(ctx, (double)rss));
    JS_SetPropertyStr(ctx, o, "heapTotal", JS_NewFloat64(ctx, (double)mu.malloc_size));
    JS_SetPropertyStr(ctx, o, "heapUsed", JS_NewFloat64(ctx, (double)mu.memory_used_size));
    /* Node's external counts ArrayBuffers' bytes and other memory held
       outside V8's heap; ours, the ArrayBuffers' bytes only */
    JS_SetPropertyStr(ctx, o, "external", JS_NewFloat64(ctx, (double)buffers));
    JS_SetPropertyStr(ctx, o, "arrayBuffers", JS_NewFloat64(ctx, (double)buffers));
    JS_SetPropertyStr(ctx, o, "objects", JS_NewFloat64(ctx, (double)mu.obj_count));
    return o;
}

/* ids() -> [uid, euid, gid, egid] of the process (process.getuid & co). */
static JSValue js_process_ids(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const uint32_t ids[] = { getuid(), geteuid(), getgid(), getegid() };
    JSValue a = JS_NewArray(ctx);

    for (uint32_t i = 0; i < 4; i++)
        JS_SetPropertyUint32(ctx, a, i, JS_NewUint32(ctx, ids[i]));
    return a;
}

static JSValue string_array(JSContext *ctx, int argc, char **argv)
{
    JSValue arr = JS_NewArray(ctx);

    for (int i = 0; i < argc; i++)
        JS_SetPropertyUint32(ctx, arr, (uint32_t)i, JS_NewString(ctx, argv[i]));
    return arr;
}

static const JSCFunctionListEntry process_funcs[] = {
    JS_CFUNC_DEF("env", 0, js_process_env),
    JS_CFUNC_DEF("exit", 1, js_process_exit),
    JS_CFUNC_DEF("setExitCode", 1, js_process_set_exit_code),
    JS_CFUNC_DEF("cwd", 0, js_process_cwd),
    JS_CFUNC_DEF("chdir", 1, js_process_chdir),
    JS_CFUNC_DEF("hrtime", 0, js_process_hrtime),
    JS_CFUNC_DEF("now", 0, js_process_now),
    JS_CFUNC_DEF("write", 2, js_process_write),
    JS_CFUNC_DEF("memoryUsage", 0, js_process_memory_usage),
    JS_CFUNC_DEF("ids", 0, js_process_ids),
    JS_PROP_STRING_DEF("version", CORO_VERSION, 0),
    JS_PROP_STRING_DEF("quickjsVersion", CORO_QUICKJS_VERSION, 0),
    JS_PROP_STRING_DEF("opensslVersion", OPENSSL_VERSION_STR, 0),
};

int coro_prim_process_init(JSContext *ctx, JSValueConst ns)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    char exe[4096];
    size_t len = sizeof exe;
    uv_utsname_t un;

    if (uv_exepath(exe, &len) < 0)
        len = 0;
    JS_SetPropertyStr(ctx, ns, "argv", string_array(ctx, iso->argc, iso->argv));
    JS_SetPropertyStr(ctx, ns, "execPath", JS_NewStringLen(ctx, exe, len));
    JS_SetPropertyStr(ctx, ns, "pid", JS_NewInt32(ctx, (int32_t)getpid()));
    JS_SetPropertyStr(ctx, ns, "ppid", JS_NewInt32(ctx, (int32_t)getppid()));
    JS_SetPropertyStr(ctx, ns, "uvVersion", JS_NewString(ctx, uv_version_string()));
    if (uv_os_uname(&un) == 0)
        JS_SetPropertyStr(ctx, ns, "arch", JS_NewString(ctx, un.machine));
    JS_SetPropertyFunctionList(ctx, ns, process_funcs,
                                      sizeof process_funcs / sizeof process_funcs[0]);
    return 0;
}
