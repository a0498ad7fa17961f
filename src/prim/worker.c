/*
 * prim/worker.c: __primordials.worker, under Node's worker_threads
 * (lib/node/bindings/worker.js, internalBinding('worker')).
 *
 * A Worker is a child isolate (src/core/isolate.c): its own QuickJS runtime,
 * heap and limits, on the process's one loop thread, preempted after its
 * cpuSlice like any isolate, so a worker that spins does not stop the
 * others and terminate() ends it wherever it is. Unlike a corojs:isolate
 * child, it gets its parent's capabilities (a Node worker may do whatever
 * its process may) and an environment the parent's JS chose.
 *
 * The parent and the worker share one channel from the start (messaging.c's
 * coro_msg_end): Node's internal port, over which its JS sends the script to
 * run, the public port, stdio and uncaught errors. create() makes the
 * isolate and the channel; start() runs it (until it first blocks); join()
 * waits for its end, as isolate.join() does: a worker with nothing left to
 * do ends, as a Node worker whose loop is empty.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prim.h"
#include "core/binding.h"
#include "core/modules.h"
#include "core/run.h"

#define LIMIT_COUNT 4 /* Node's kTotalResourceLimitCount */

/* A worker's own state (area_data[CORO_SLOT_WORKER]); none in others. */
typedef struct worker_self {
    uint64_t thread_id;
    coro_msg_end *env_end; /* its end of the channel to its parent, until taken */
    double limits[LIMIT_COUNT];
    char *path, *code;     /* its script (a file or code), until it runs */
    int share_env;         /* its process.env is the process's (SHARE_ENV) */
} worker_self;

/* A worker, in its parent's store. */
typedef struct js_worker {
    coro_handle h;
    coro_port *port;
    int started;
} js_worker;

static void worker_close(coro_handle *h);

static const coro_handle_type worker_type = { "Worker", worker_close, NULL };

static uint64_t last_thread_id; /* process-wide, as Node's thread ids */

/* Closing a Worker handle (its parent ends) ends the worker. */
static void worker_close(coro_handle *h)
{
    js_worker *w = (js_worker *)h;

    if (w->port->iso)
        coro_isolate_terminate(w->port->iso, 1);
    coro_port_unref(w->port);
    free(w);
}

void coro_prim_worker_free(coro_isolate *iso)
{
    worker_self *ws = iso->area_data[CORO_SLOT_WORKER];

    if (!ws)
        return;
    coro_msg_end_close(ws->env_end);
    free(ws->path);
    free(ws->code);
    free(ws);
    iso->area_data[CORO_SLOT_WORKER] = NULL;
}

static char *prop_dup_string(JSContext *ctx, JSValueConst obj, const char *key, int *failed)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, key);
    const char *s;
    char *out = NULL;

    if (JS_IsString(v)) {
        s = JS_ToCString(ctx, v);
        if (!s || !(out = strdup(s)))
            *failed = 1;
        JS_FreeCString(ctx, s);
    }
    JS_FreeValue(ctx, v);
    return out;
}

static double prop_num(JSContext *ctx, JSValueConst obj, const char *key)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, key);
    double d = 0;

    JS_ToFloat64(ctx, &d, v);
    JS_FreeValue(ctx, v);
    return d;
}

/* The isolate of a new worker, not started, and its own state; NULL with
   an exception pending. */
static coro_isolate *new_worker_isolate(JSContext *ctx, JSValueConst opts, const char *name,
                                        char **argv, int argc, char **env)
{
    coro_isolate *self = coro_isolate_of(ctx), *child;
    coro_isolate_options o = { 0 };
    worker_self *ws = calloc(1, sizeof *ws);
    JSValue limits = JS_GetPropertyStr(ctx, opts, "limits");

    if (!ws) {
        JS_FreeValue(ctx, limits);
        JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    for (int i = 0; i < LIMIT_COUNT; i++) {
        JSValue v = JS_GetPropertyUint32(ctx, limits, i);
        JS_ToFloat64(ctx, &ws->limits[i], v);
        JS_FreeValue(ctx, v);
    }
    JS_FreeValue(ctx, limits);
    /* its parent's rights; fs only if not jailed (a jail is one isolate's) */
    o.caps = self->caps & ~(self->jail ? CORO_CAP_FS : 0);
    o.memory_limit = (size_t)prop_num(ctx, opts, "memoryLimit");
    o.env = env ? env : self->env; /* NULL: the process's own (SHARE_ENV) */
    o.argc = argc;
    o.argv = argv;
    o.parent = self;
    o.name = name;
    o.expose_internals = self->expose_internals;
    o.areas = self->areas;
    child = coro_isolate_new(&o);
    if (!child) {
        free(ws);
        if (errno == EAGAIN)
            coro_throw_code(ctx, "ERR_WORKER_INIT_FAILED", "too many isolates: this one and those above "
                            "it may hold %zu below them", self->budget->max_isolates);
        else
            coro_throw_code(ctx, "ERR_WORKER_INIT_FAILED", "cannot start a worker: %s", strerror(errno));
        return NULL;
    }
    ws->thread_id = ++last_thread_id;
    ws->share_env = !env;
    child->area_data[CORO_SLOT_WORKER] = ws;
    return child;
}

/* create({ name, argv, env: [NAME=value] | null (shared), memoryLimit,
   limits }) -> [id, threadId, endId]: a worker, not started, and the
   parent's end of their channel. */
static JSValue js_worker_create(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValueConst opts = argv[0];
    int failed = 0, nargs = 0, nenv = 0;
    char *name = prop_dup_string(ctx, opts, "name", &failed);
    char **args = coro_prop_strv(ctx, opts, "argv", &nargs);
    char **env = coro_prop_strv(ctx, opts, "env", &nenv);
    coro_isolate *child = NULL;
    coro_msg_end *mine = NULL, *theirs = NULL;
    js_worker *w = NULL;
    JSValue ret = JS_EXCEPTION, end;

    if (failed || !name || nargs < 0 || nenv < 0 || coro_msg_pair(&mine, &theirs) < 0) {
        JS_ThrowOutOfMemory(ctx);
        goto fail;
    }
    if (!(w = coro_new_handle(ctx, sizeof *w, &worker_type)))
        goto fail;
    if (!(child = new_worker_isolate(ctx, opts, name, args, nargs, env)))
        goto fail;
    ((worker_self *)child->area_data[CORO_SLOT_WORKER])->env_end = theirs;
    theirs = NULL;
    w->port = coro_port_ref(child->port);
    end = coro_msg_hold(ctx, mine);
    mine = NULL;
    if (JS_IsException(end)) {
        coro_handle_close(&coro_isolate_of(ctx)->handles, &w->h);
        goto done;
    }
    ret = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, ret, 0, JS_NewBigUint64(ctx, w->h.id));
    JS_SetPropertyUint32(ctx, ret, 1, JS_NewFloat64(ctx, (double)((worker_self *)child->area_data[CORO_SLOT_WORKER])->thread_id));
    JS_SetPropertyUint32(ctx, ret, 2, end);
    goto done;
fail:
    if (w) {
        coro_handles_remove(&coro_isolate_of(ctx)->handles, &w->h);
        free(w);
    }
done:
    coro_msg_end_close(mine);
    coro_msg_end_close(theirs);
    free(name);
    coro_strv_free(args);
    coro_strv_free(env);
    return ret;
}

static js_worker *arg_worker(JSContext *ctx, JSValueConst v)
{
    return (js_worker *)coro_arg_handle(ctx, v, &worker_type);
}

/* start(id, path, code): the worker runs, until it first blocks: its main
   module is corojs:internal/node/worker_main, which sets it up and then
   runs its script (the file at path, or code: runMain). Once only. */
static JSValue js_worker_start(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_worker *w = arg_worker(ctx, argv[0]);
    const char *path = NULL, *code = NULL;
    coro_isolate *child;
    worker_self *ws;

    if (!w)
        return JS_EXCEPTION;
    if ((JS_IsString(argv[1]) && !(path = coro_arg_path(ctx, argv[1], "path"))) ||
        (!path && !(code = coro_arg_string(ctx, argv[2], "code", NULL))))
        return JS_EXCEPTION;
    child = w->port->iso;
    if (child && !child->terminating && !w->started) {
        w->started = 1;
        ws = child->area_data[CORO_SLOT_WORKER];
        ws->path = path ? strdup(path) : NULL;
        ws->code = code ? strdup(code) : NULL;
        if ((!ws->path && !ws->code) || coro_isolate_start(child, "corojs:internal/node/worker_main", NULL) < 0)
            coro_isolate_terminate(child, 1);
    }
    JS_FreeCString(ctx, path);
    JS_FreeCString(ctx, code);
    return JS_UNDEFINED;
}

/* runMain() -> a promise: in a worker, its script evaluated as the main
   module of a program is (ES module or CommonJS, as the loader says; code
   as corojs -e runs it), its exports answering other isolates' calls. */
static JSValue js_worker_run_main(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    worker_self *ws = iso->area_data[CORO_SLOT_WORKER];
    char *path, *code;
    JSValue r;

    if (!ws || (!ws->path && !ws->code))
        return coro_throw_code(ctx, "ERR_WORKER_NOT_RUNNING", "no script to run");
    path = ws->path;
    code = ws->code;
    ws->path = ws->code = NULL;
    JS_FreeValue(ctx, iso->main_ns);
    iso->main_ns = JS_UNDEFINED;
    r = path ? coro_module_eval_file(ctx, path, &iso->main_ns) : coro_module_eval_main(ctx, code, iso, &iso->main_ns);
    free(path);
    free(code);
    return r;
}

/* terminate(id): the worker ends now (exit code 1), wherever its JS is */
static JSValue js_worker_terminate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_worker *w = arg_worker(ctx, argv[0]);

    if (!w)
        return JS_EXCEPTION;
    if (w->port->iso)
        coro_isolate_terminate(w->port->iso, 1);
    return JS_UNDEFINED;
}

/* join(id) -> [exit code, out of memory], once it has ended (a worker with
   nothing left to do ends then); the handle is closed */
static JSValue js_worker_join(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *self = coro_isolate_of(ctx);
    js_worker *w = arg_worker(ctx, argv[0]);
    uint64_t id;
    const char *why;
    JSValue r;

    if (!w)
        return JS_EXCEPTION;
    id = w->h.id;
    while (!w->port->ended) {
        if (coro_port_join(ctx, w->port) == CORO_ETERMINATED)
            return JS_EXCEPTION;
        if (!(w = (js_worker *)coro_handles_get(&self->handles, id, &worker_type)))
            return coro_throw_bad_handle(ctx, &worker_type);
    }
    why = coro_prim_isolate_error_code(w->port);
    r = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, r, 0, JS_NewInt32(ctx, w->port->code));
    JS_SetPropertyUint32(ctx, r, 1, JS_NewBool(ctx, why && !strcmp(why, "ERR_ISOLATE_OUT_OF_MEMORY")));
    coro_handle_close(&self->handles, &w->h);
    return r;
}

/* self() -> { threadId, limits } in a worker, undefined elsewhere */
static JSValue js_worker_self(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    worker_self *ws = coro_isolate_of(ctx)->area_data[CORO_SLOT_WORKER];
    JSValue o, limits;

    if (!ws)
        return JS_UNDEFINED;
    o = JS_NewObject(ctx);
    limits = JS_NewArray(ctx);
    for (int i = 0; i < LIMIT_COUNT; i++)
        JS_SetPropertyUint32(ctx, limits, i, JS_NewFloat64(ctx, ws->limits[i]));
    JS_SetPropertyStr(ctx, o, "threadId", JS_NewFloat64(ctx, (double)ws->thread_id));
    JS_SetPropertyStr(ctx, o, "limits", limits);
    JS_SetPropertyStr(ctx, o, "shareEnv", JS_NewBool(ctx, ws->share_env));
    return o;
}

/* envPort() -> endId: a worker's end of the channel to its parent (once;
   then undefined) */
static JSValue js_worker_env_port(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    worker_self *ws = coro_isolate_of(ctx)->area_data[CORO_SLOT_WORKER];
    coro_msg_end *e;

    if (!ws || !ws->env_end)
        return JS_UNDEFINED;
    e = ws->env_end;
    ws->env_end = NULL;
    return coro_msg_hold(ctx, e);
}

/* The process's own environment, which SHARE_ENV workers and their parent
   share as their process.env (all isolates run on one thread).
   environ() -> [NAME=value...]; setenv(name, value | undefined) */
extern char **environ;

static JSValue js_worker_environ(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue arr = JS_NewArray(ctx);
    uint32_t i = 0;

    for (char **e = environ; e && *e; e++)
        JS_SetPropertyUint32(ctx, arr, i++, JS_NewString(ctx, *e));
    return arr;
}

static JSValue js_worker_setenv(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *name = coro_arg_string(ctx, argv[0], "name", NULL), *value = NULL;
    int r;

    if (!name)
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[1]) && !(value = coro_arg_string(ctx, argv[1], "value", NULL))) {
        JS_FreeCString(ctx, name);
        return JS_EXCEPTION;
    }
    r = value ? setenv(name, value, 1) : unsetenv(name);
    JS_FreeCString(ctx, name);
    JS_FreeCString(ctx, value);
    if (r < 0)
        return coro_throw_uv(ctx, -errno, "setenv", NULL, NULL);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry worker_funcs[] = {
    JS_CFUNC_DEF("environ", 0, js_worker_environ),
    JS_CFUNC_DEF("setenv", 2, js_worker_setenv),
    JS_CFUNC_DEF("create", 1, js_worker_create),
    JS_CFUNC_DEF("start", 1, js_worker_start),
    JS_CFUNC_DEF("terminate", 1, js_worker_terminate),
    JS_CFUNC_DEF("join", 1, js_worker_join),
    JS_CFUNC_DEF("self", 0, js_worker_self),
    JS_CFUNC_DEF("envPort", 0, js_worker_env_port),
    JS_CFUNC_DEF("runMain", 0, js_worker_run_main),
};

int coro_prim_worker_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, worker_funcs, sizeof worker_funcs / sizeof worker_funcs[0]);
    return 0;
}
