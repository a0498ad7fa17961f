/*
 * prim/signal.c: __primordials.signal, under process.on('SIGINT', fn).
 *
 * A watcher is a uv_signal_t in the HandleStore; each delivery runs the JS
 * callback in a fiber of its own. Watching a signal replaces its default
 * action (SIGINT no longer ends the process), as in Node, and a watcher
 * does not keep the program alive. Signals belong to the whole process, so
 * only a root isolate (an app the user started) may watch them.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prim.h"
#include "core/binding.h"
#include "core/run.h"

typedef struct js_signal {
    coro_handle h;
    uv_signal_t sig;
    JSValue fn;
} js_signal;

static void signal_close(coro_handle *h);

static const coro_handle_type signal_type = { "Signal", signal_close, NULL };

/* The signals a program may watch; the others stop, kill or belong to us. */
static const struct { const char *name; int num; } signals[] = {
    { "SIGHUP", SIGHUP }, { "SIGINT", SIGINT }, { "SIGQUIT", SIGQUIT }, { "SIGUSR1", SIGUSR1 },
    { "SIGUSR2", SIGUSR2 }, { "SIGPIPE", SIGPIPE }, { "SIGALRM", SIGALRM }, { "SIGTERM", SIGTERM },
    { "SIGCHLD", SIGCHLD }, { "SIGCONT", SIGCONT }, { "SIGTSTP", SIGTSTP }, { "SIGTTIN", SIGTTIN },
    { "SIGTTOU", SIGTTOU }, { "SIGWINCH", SIGWINCH }, { "SIGPWR", SIGPWR },
};

static void signal_free(uv_handle_t *u)
{
    free(u->data);
}

static void signal_close(coro_handle *h)
{
    js_signal *s = (js_signal *)h;

    JS_FreeValue(h->iso->ctx, s->fn);
    s->fn = JS_UNDEFINED;
    uv_close((uv_handle_t *)&s->sig, signal_free);
}

static void signal_delivered(uv_signal_t *u, int signum)
{
    js_signal *s = u->data;
    JSValue args = JS_NewArray(s->h.iso->ctx);
    int err;

    JS_SetPropertyUint32(s->h.iso->ctx, args, 0, JS_NewInt32(s->h.iso->ctx, signum));
    err = coro_spawn_call(s->h.iso, s->fn, JS_UNDEFINED, args);
    JS_FreeValue(s->h.iso->ctx, args);
    if (err < 0 && err != UV_ECANCELED)
        fprintf(stderr, "corojs: cannot run a signal listener: %s\n", uv_strerror(err));
}

/* watch(name, fn) -> id: fn(signum) runs in a new fiber on each delivery */
static JSValue js_signal_watch(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *name = coro_arg_string(ctx, argv[0], "signal", NULL);
    int signum = 0, err;
    js_signal *s;

    if (!name)
        return JS_EXCEPTION;
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (!strcmp(name, signals[i].name))
            signum = signals[i].num;
    JS_FreeCString(ctx, name);
    if (!signum)
        return coro_throw_arg_range(ctx, "signal", "a signal name such as 'SIGINT'", argv[0]);
    if (coro_isolate_of(ctx)->parent)
        return coro_throw_code(ctx, "ERR_ACCESS_DENIED",
                               "watching signals is not allowed: only a root isolate may");
    if (coro_arg_function(ctx, argv[1], "listener") < 0)
        return JS_EXCEPTION;
    s = coro_new_handle(ctx, sizeof *s, &signal_type);
    if (!s)
        return JS_EXCEPTION;
    s->fn = JS_DupValue(ctx, argv[1]);
    uv_signal_init(coro_loop(), &s->sig);
    s->sig.data = s;
    err = uv_signal_start(&s->sig, signal_delivered, signum);
    if (err < 0) {
        coro_handle_close(&coro_isolate_of(ctx)->handles, &s->h);
        return coro_throw_uv(ctx, err, "signal", NULL, NULL);
    }
    uv_unref((uv_handle_t *)&s->sig); /* a listener alone does not keep the program going */
    return JS_NewBigUint64(ctx, s->h.id);
}

/* unwatch(id): the default action is back once no watcher is left */
static JSValue js_signal_unwatch(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &signal_type);
}

/* ref(id, on): whether the watcher keeps the program alive (Node's Signal
   handle's ref(); a new watcher does not) */
static JSValue js_signal_ref(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_signal *s = (js_signal *)coro_arg_handle(ctx, argv[0], &signal_type);

    if (!s)
        return JS_EXCEPTION;
    if (JS_ToBool(ctx, argv[1]))
        uv_ref((uv_handle_t *)&s->sig);
    else
        uv_unref((uv_handle_t *)&s->sig);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry signal_funcs[] = {
    JS_CFUNC_DEF("watch", 2, js_signal_watch),
    JS_CFUNC_DEF("unwatch", 1, js_signal_unwatch),
    JS_CFUNC_DEF("ref", 2, js_signal_ref),
};

int coro_prim_signal_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, signal_funcs, sizeof signal_funcs / sizeof signal_funcs[0]);
    return 0;
}
