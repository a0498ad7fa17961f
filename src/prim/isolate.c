/*
 * prim/isolate.c: __primordials.isolate, apps in isolates of their own on the
 * one loop, and calls between them.
 *
 * An Isolate object names its child through a handle in the parent's store;
 * the handle holds a port (runtime.h), a counted reference that outlives the
 * child and keeps its exit status for join().
 *
 * A call goes from a fiber of the caller to a new fiber of the callee: the
 * arguments are serialised in the caller's runtime (JS_WriteObject2) into a
 * message, which the callee's fiber reads into its own (JS_ReadObject); the
 * result or the exception comes back the same way. The caller's fiber parks
 * meanwhile, and the callee's function may block. A message's bytes and the
 * buffers it moves are plain malloc() memory owned by the message, never by
 * either runtime (quickjs_ext.c), so either side may end first.
 *
 * Plain data takes the fast path: one write, one read. Values QuickJS's
 * serialiser cannot take (functions, errors, Map, Set, RegExp) and buffers
 * marked for transfer take the slow path: lib/isolate.js swaps them for
 * placeholders before the write and back after the read (its encode and
 * decode hooks). A function becomes a Callable handle in its owner and a
 * Proxy handle in the receiver; calling the proxy calls back into the owner.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prim.h"
#include "core/binding.h"
#include "core/modules.h"
#include "core/quickjs_ext.h"
#include "core/run.h"

/* An isolate's state for messages (area_data[CORO_SLOT_ISOLATE]). */
typedef struct rpc_state {
    JSValue encode, decode; /* lib/isolate.js's hooks, once it has loaded */
    int nmarked;            /* live buffers marked for transfer */
} rpc_state;

typedef struct rpc_buf {
    uint8_t *data;
    size_t len;
} rpc_buf;

/* A value on its way to another isolate. */
typedef struct rpc_msg {
    uint8_t *bytes;   /* JS_WriteObject2's output, plain malloc memory */
    size_t len;
    int has_meta;     /* bytes hold [payload, meta] for the decode hook */
    int thrown;       /* the value was thrown, not returned */
    rpc_buf *bufs;    /* moved buffers, until the receiver adopts them */
    unsigned nbufs;
    uint64_t *fns;    /* Callable handles in the sender, until proxies take them */
    unsigned nfns;
    coro_port *from;  /* the sender, when fns is not empty */
} rpc_msg;

enum { CALL_PENDING, CALL_DONE, CALL_ENDED };

/* A call in flight, shared by the caller's fiber and the callee's. */
typedef struct rpc_call {
    unsigned refs;
    coro_fiber *caller;  /* NULL once the caller has gone */
    int state;
    int to_parent;       /* the callee is the caller's parent: no waiting for its main module */
    char *name;          /* the export called, or NULL for a Callable */
    uint64_t callable;
    rpc_msg *args, *result;
} rpc_call;

/* A child isolate, in its parent's store. */
typedef struct js_isolate {
    coro_handle h;
    coro_port *port;
    int released;        /* its Isolate object is garbage */
} js_isolate;

/* A function of this isolate that another isolate holds a proxy of. */
typedef struct js_callable {
    coro_handle h;
    JSValue fn;
} js_callable;

/* A function of another isolate. */
typedef struct js_proxy {
    coro_handle h;
    coro_port *owner;
    uint64_t callable;   /* Callable handle in the owner's store */
} js_proxy;

/* An uncaught error kept for join(), as strings (the isolate is gone). */
typedef struct exit_error {
    char *name, *message, *stack, *code;
} exit_error;

static void isolate_close(coro_handle *h);
static JSValue throw_in_use(JSContext *ctx);
static void callable_close(coro_handle *h);
static void proxy_close(coro_handle *h);

static const coro_handle_type isolate_type = { "Isolate", isolate_close, NULL };
static const coro_handle_type callable_type = { "Callable", callable_close, NULL };
static const coro_handle_type proxy_type = { "Proxy", proxy_close, NULL };

static rpc_state *state_of(coro_isolate *iso)
{
    rpc_state *st = iso->area_data[CORO_SLOT_ISOLATE];

    if (!st && (st = calloc(1, sizeof *st))) {
        st->encode = st->decode = JS_UNDEFINED;
        iso->area_data[CORO_SLOT_ISOLATE] = st;
    }
    return st;
}

void coro_prim_isolate_free(coro_isolate *iso)
{
    rpc_state *st = iso->area_data[CORO_SLOT_ISOLATE];

    if (!st)
        return;
    JS_FreeValue(iso->ctx, st->encode);
    JS_FreeValue(iso->ctx, st->decode);
    free(st);
    iso->area_data[CORO_SLOT_ISOLATE] = NULL;
}

/* { name, message, stack, code } of an isolate's uncaught error */
static JSValue error_fields(JSContext *ctx, const exit_error *e)
{
    JSValue o = JS_NewObject(ctx);

    coro_set_str(ctx, o, "name", e->name);
    coro_set_str(ctx, o, "message", e->message);
    coro_set_str(ctx, o, "stack", e->stack);
    coro_set_str(ctx, o, "code", e->code);
    return o;
}

/* ERR_ISOLATE_TERMINATED for a call into the isolate of `port`, which has
   ended (`what` happened). If an uncaught error ended it (its top level
   failed, say), the message names it and `cause` holds its fields, which
   lib/isolate.js turns back into an Error as join() does. */
static JSValue throw_ended(JSContext *ctx, coro_port *port, const char *what)
{
    const exit_error *e = port->error;
    JSValue err;

    if (!e)
        return coro_throw_code(ctx, "ERR_ISOLATE_TERMINATED", "the isolate %s", what);
    coro_throw_code(ctx, "ERR_ISOLATE_TERMINATED", "the isolate %s (%s: %s)", what,
                    e->name ? e->name : "Error", e->message ? e->message : "");
    err = JS_GetException(ctx);
    JS_SetPropertyStr(ctx, err, "cause", error_fields(ctx, e));
    return JS_Throw(ctx, err);
}

/* ------------------------------------------------------------------ */
/* handles */

static void callable_close(coro_handle *h)
{
    js_callable *c = (js_callable *)h;

    JS_FreeValue(h->iso->ctx, c->fn);
    if (!h->iso->terminating)
        coro_isolate_check_jobs(h->iso); /* freeing it may have queued jobs */
    free(c);
}

/* Drop the Callable `id` of the isolate behind `owner`, if both live. */
static void release_callable(coro_port *owner, uint64_t id)
{
    coro_isolate *iso = owner->iso;
    coro_handle *h;

    if (iso && (h = coro_handles_get(&iso->handles, id, &callable_type)))
        coro_handle_close(&iso->handles, h);
}

static void proxy_close(coro_handle *h)
{
    js_proxy *p = (js_proxy *)h;

    release_callable(p->owner, p->callable);
    coro_port_unref(p->owner);
    free(p);
}

/* Closing an Isolate handle (its parent ends) ends the child. */
static void isolate_close(coro_handle *h)
{
    js_isolate *ji = (js_isolate *)h;

    if (ji->port->iso)
        coro_isolate_terminate(ji->port->iso, 1);
    coro_port_unref(ji->port);
    free(ji);
}

static js_isolate *arg_isolate(JSContext *ctx, JSValueConst v)
{
    return (js_isolate *)coro_arg_handle(ctx, v, &isolate_type);
}

/* ------------------------------------------------------------------ */
/* messages */

static void msg_free(rpc_msg *m)
{
    if (!m)
        return;
    free(m->bytes);
    for (unsigned i = 0; i < m->nbufs; i++)
        free(m->bufs[i].data);
    free(m->bufs);
    for (unsigned i = 0; i < m->nfns; i++) {
        if (m->fns[i])
            release_callable(m->from, m->fns[i]);
    }
    free(m->fns);
    coro_port_unref(m->from);
    free(m);
}

static void mark_freed(JSRuntime *rt)
{
    coro_isolate *iso = JS_GetRuntimeOpaque(rt);

    if (iso->area_data[CORO_SLOT_ISOLATE])
        ((rpc_state *)iso->area_data[CORO_SLOT_ISOLATE])->nmarked--;
}

static const coro_qjs_mark_hook mark_hook = { mark_freed };

/* The lib's hooks: loading corojs:isolate registers them. */
static int load_hooks(JSContext *ctx, rpc_state *st)
{
    JSValue ns;

    if (JS_IsFunction(ctx, st->decode))
        return 0;
    ns = coro_module_import_builtin(ctx, "corojs:isolate");
    if (JS_IsException(ns))
        return -1;
    JS_FreeValue(ctx, ns);
    CORO_ASSERT(JS_IsFunction(ctx, st->decode)); /* loading corojs:isolate sets them */
    return 0;
}

static rpc_msg *msg_new(JSContext *ctx, uint8_t *bytes, size_t len)
{
    rpc_msg *m = calloc(1, sizeof *m);

    if (!m) {
        js_free(ctx, bytes);
        JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    m->bytes = coro_qjs_disown(JS_GetRuntime(ctx), bytes);
    m->len = len;
    return m;
}

static JSValue throw_clone_error(JSContext *ctx)
{
    JSValue exc = JS_GetException(ctx), e;
    const char *msg;

    if (coro_qjs_is_uncatchable(ctx, exc))
        return JS_Throw(ctx, exc);
    msg = JS_ToCString(ctx, exc);
    JS_FreeValue(ctx, JS_GetException(ctx));
    coro_throw_code(ctx, "ERR_DATA_CLONE", "could not be cloned: %s", msg ? msg : "?");
    JS_FreeCString(ctx, msg);
    JS_FreeValue(ctx, exc);
    e = JS_GetException(ctx);
    coro_set_str(ctx, e, "name", "DataCloneError");
    return JS_Throw(ctx, e);
}

/* Take the buffers and functions the encode hook set aside. */
static int msg_take_extras(JSContext *ctx, rpc_msg *m, JSValueConst bufs, JSValueConst fns)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    rpc_state *st = iso->area_data[CORO_SLOT_ISOLATE];
    int64_t nb = 0, nf = 0;
    JSValue v;

    JS_FreeValue(ctx, v = JS_GetPropertyStr(ctx, bufs, "length"));
    JS_ToInt64(ctx, &nb, v);
    JS_FreeValue(ctx, v = JS_GetPropertyStr(ctx, fns, "length"));
    JS_ToInt64(ctx, &nf, v);
    if ((nb && !(m->bufs = calloc((size_t)nb, sizeof *m->bufs))) ||
        (nf && !(m->fns = calloc((size_t)nf, sizeof *m->fns)))) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    for (int64_t i = 0; i < nb; i++) {
        rpc_buf *b = &m->bufs[m->nbufs];
        int marked = 0;
        v = JS_GetPropertyUint32(ctx, bufs, (uint32_t)i);
        if (coro_qjs_is_pinned(v)) {
            JS_FreeValue(ctx, v);
            throw_in_use(ctx);
            return -1;
        }
        b->data = coro_qjs_take_array_buffer(ctx, v, &b->len, &marked);
        if (marked)
            st->nmarked--;
        if (!b->data) { /* memory it cannot give away: copy, then detach */
            const uint8_t *p = JS_GetArrayBuffer(ctx, &b->len, v);
            if (!p || !(b->data = malloc(b->len ? b->len : 1))) {
                JS_FreeValue(ctx, v);
                if (p)
                    JS_ThrowOutOfMemory(ctx);
                return -1;
            }
            memcpy(b->data, p, b->len);
            JS_DetachArrayBuffer(ctx, v);
        }
        m->nbufs++;
        JS_FreeValue(ctx, v);
    }
    if (nf)
        m->from = coro_port_ref(iso->port);
    for (int64_t i = 0; i < nf; i++) {
        js_callable *c = coro_new_handle(ctx, sizeof *c, &callable_type);
        if (!c)
            return -1;
        c->fn = JS_GetPropertyUint32(ctx, fns, (uint32_t)i);
        m->fns[m->nfns++] = c->h.id;
    }
    return 0;
}

/* Serialise v for another isolate; NULL with an exception pending. */
static rpc_msg *msg_encode(JSContext *ctx, JSValueConst v, int thrown)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    rpc_state *st = state_of(iso);
    JSValue r = JS_UNDEFINED, pm = JS_UNDEFINED;
    uint8_t *bytes;
    size_t len;
    rpc_msg *m = NULL;

    if (!st) {
        JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    if (st->nmarked == 0) { /* the fast path: plain data */
        bytes = JS_WriteObject2(ctx, &len, v, JS_WRITE_OBJ_REFERENCE, NULL, NULL);
        if (bytes) {
            if ((m = msg_new(ctx, bytes, len)))
                m->thrown = thrown;
            return m;
        }
        JSValue exc = JS_GetException(ctx);
        if (coro_qjs_is_uncatchable(ctx, exc)) {
            JS_Throw(ctx, exc);
            return NULL;
        }
        JS_FreeValue(ctx, exc);
    }
    /* the slow path: lib/isolate.js swaps what the serialiser cannot take
       for placeholders: r = [payload, meta, buffers, functions] */
    if (load_hooks(ctx, st) < 0)
        return NULL;
    r = JS_Call(ctx, st->encode, JS_UNDEFINED, 1, &v);
    if (JS_IsException(r))
        return NULL;
    pm = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, pm, 0, JS_GetPropertyUint32(ctx, r, 0));
    JS_SetPropertyUint32(ctx, pm, 1, JS_GetPropertyUint32(ctx, r, 1));
    bytes = JS_WriteObject2(ctx, &len, pm, JS_WRITE_OBJ_REFERENCE, NULL, NULL);
    if (!bytes) {
        throw_clone_error(ctx);
        goto done;
    }
    if (!(m = msg_new(ctx, bytes, len)))
        goto done;
    m->has_meta = 1;
    m->thrown = thrown;
    JSValue bufs = JS_GetPropertyUint32(ctx, r, 2), fns = JS_GetPropertyUint32(ctx, r, 3);
    int ok = msg_take_extras(ctx, m, bufs, fns);
    JS_FreeValue(ctx, bufs);
    JS_FreeValue(ctx, fns);
    if (ok < 0) {
        msg_free(m);
        m = NULL;
    }
done:
    JS_FreeValue(ctx, pm);
    JS_FreeValue(ctx, r);
    return m;
}

/* The value of a message, in ctx's isolate; the message gives up its
   buffers and functions to it. */
static JSValue msg_decode(JSContext *ctx, rpc_msg *m)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    rpc_state *st = state_of(iso);
    JSValue v, bufs, fns, args[3], r;

    v = JS_ReadObject(ctx, m->bytes, m->len, JS_READ_OBJ_REFERENCE);
    if (JS_IsException(v) || !m->has_meta)
        return v;
    if (!st) {
        JS_FreeValue(ctx, v);
        return JS_ThrowOutOfMemory(ctx);
    }
    if (load_hooks(ctx, st) < 0) {
        JS_FreeValue(ctx, v);
        return JS_EXCEPTION;
    }
    bufs = JS_NewArray(ctx);
    fns = JS_NewArray(ctx);
    for (unsigned i = 0; i < m->nbufs; i++) {
        JSValue ab = coro_qjs_adopt_array_buffer(ctx, m->bufs[i].data, m->bufs[i].len);
        m->bufs[i].data = NULL; /* adopted, or freed on failure */
        if (JS_IsException(ab))
            goto fail;
        JS_SetPropertyUint32(ctx, bufs, i, ab);
    }
    for (unsigned i = 0; i < m->nfns; i++) {
        js_proxy *p = coro_new_handle(ctx, sizeof *p, &proxy_type);
        if (!p)
            goto fail;
        p->owner = coro_port_ref(m->from);
        p->callable = m->fns[i];
        m->fns[i] = 0; /* the proxy releases it */
        JS_SetPropertyUint32(ctx, fns, i, JS_NewBigUint64(ctx, p->h.id));
    }
    args[0] = v;
    args[1] = bufs;
    args[2] = fns;
    r = JS_Call(ctx, st->decode, JS_UNDEFINED, 3, args);
    JS_FreeValue(ctx, v);
    JS_FreeValue(ctx, bufs);
    JS_FreeValue(ctx, fns);
    return r;
fail:
    JS_FreeValue(ctx, v);
    JS_FreeValue(ctx, bufs);
    JS_FreeValue(ctx, fns);
    return JS_EXCEPTION;
}

/* ------------------------------------------------------------------ */
/* calls */

static void call_unref(rpc_call *c)
{
    if (--c->refs == 0) {
        msg_free(c->args);
        msg_free(c->result);
        free(c->name);
        free(c);
    }
}

/* The function a call names in the callee: an export of its main module, or
   a Callable. The exports are looked up once the main module has finished
   (but a child calling its parent, which is busy running it, does not wait). */
static JSValue call_target(JSContext *ctx, rpc_call *c)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    JSValue fn;

    if (!c->name) {
        js_callable *k = (js_callable *)coro_handles_get(&iso->handles, c->callable, &callable_type);
        if (!k)
            return coro_throw_code(ctx, "ERR_ISOLATE_TERMINATED",
                                   "the function was released by its isolate");
        return JS_DupValue(ctx, k->fn);
    }
    while (!iso->main_done && !c->to_parent) {
        if (coro_waitq_wait_flags(ctx, &iso->main_waiters, CORO_PARK_IDLE) == CORO_ETERMINATED)
            return JS_EXCEPTION;
    }
    fn = JS_IsObject(iso->main_ns) ? JS_GetPropertyStr(ctx, iso->main_ns, c->name) : JS_UNDEFINED;
    if (JS_IsException(fn) || JS_IsFunction(ctx, fn))
        return fn;
    JS_FreeValue(ctx, fn);
    return coro_throw_code(ctx, "ERR_ISOLATE_NO_EXPORT",
                           "the isolate does not export a function named '%s'", c->name);
}

/* The callee's side, in a fiber of its own. */
static void callee_fn(coro_fiber *f, void *arg)
{
    rpc_call *c = arg;
    JSContext *ctx = coro_fiber_isolate(f)->ctx;
    JSValue args = JS_UNDEFINED, fn = JS_UNDEFINED, ret = JS_EXCEPTION, exc;
    int thrown = 0;

    if (coro_fiber_isolate(f)->terminating)
        goto ended;
    args = msg_decode(ctx, c->args);
    msg_free(c->args);
    c->args = NULL;
    if (!JS_IsException(args))
        fn = call_target(ctx, c);
    if (!JS_IsException(args) && !JS_IsException(fn))
        ret = coro_call_array(ctx, fn, JS_UNDEFINED, args);
    if (!JS_IsException(ret) && JS_IsObject(ret) && JS_PromiseState(ctx, ret) >= 0) {
        JSValue result;
        int r = coro_await(ctx, ret, &result);
        JS_FreeValue(ctx, ret);
        ret = r == 0 ? result : r == 1 ? JS_Throw(ctx, result) : JS_EXCEPTION;
    }
    if (coro_fiber_isolate(f)->out_of_memory) { /* it ends, whatever its JS made of
                                                    that; the caller gets why */
        coro_isolate_end_out_of_memory(coro_fiber_isolate(f));
        if (JS_IsException(ret))
            JS_FreeValue(ctx, JS_GetException(ctx));
        goto ended;
    }
    if (JS_IsException(ret)) {
        exc = JS_GetException(ctx);
        if (coro_fiber_isolate(f)->terminating || coro_qjs_is_uncatchable(ctx, exc)) {
            JS_FreeValue(ctx, exc);
            goto ended;
        }
        ret = exc;
        thrown = 1;
    }
    if (c->caller) {
        c->result = msg_encode(ctx, ret, thrown);
        if (!c->result) { /* not even the error could be sent: say so */
            exc = JS_GetException(ctx);
            if (coro_fiber_isolate(f)->terminating || coro_qjs_is_uncatchable(ctx, exc)) {
                JS_FreeValue(ctx, exc);
                goto ended;
            }
            c->result = msg_encode(ctx, exc, 1);
            JS_FreeValue(ctx, exc);
            if (!c->result) {
                JS_FreeValue(ctx, JS_GetException(ctx));
                goto ended;
            }
        }
    }
    c->state = CALL_DONE;
    goto out;
ended:
    c->state = CALL_ENDED;
out:
    JS_FreeValue(ctx, ret);
    JS_FreeValue(ctx, fn);
    JS_FreeValue(ctx, args);
    if (c->caller)
        coro_fiber_wake(c->caller, 0);
    call_unref(c);
}

/* The callee ended before it answered: it ran out of memory (the caller
   gets that error), or something else ended it. */
static JSValue throw_unanswered(JSContext *ctx, coro_port *target)
{
    const exit_error *e = target->error;
    JSValue exc;

    if (!e || !e->code || strcmp(e->code, "ERR_ISOLATE_OUT_OF_MEMORY") != 0)
        return throw_ended(ctx, target, "ended before it answered");
    JS_ThrowInternalError(ctx, "%s", e->message ? e->message : "out of memory");
    exc = JS_GetException(ctx);
    JS_SetPropertyStr(ctx, exc, "code", JS_NewString(ctx, e->code));
    return JS_Throw(ctx, exc);
}

/* Call into `target` from the running fiber and wait for the answer. */
static JSValue do_call(JSContext *ctx, coro_port *target, const char *name, uint64_t callable,
                       JSValueConst args, int to_parent)
{
    coro_isolate *iso = target->iso;
    rpc_call *c;
    coro_fiber *f;
    JSValue ret;

    if (!iso || iso->terminating)
        return throw_ended(ctx, target, "has ended");
    c = calloc(1, sizeof *c);
    if (!c || (name && !(c->name = strdup(name)))) {
        free(c);
        return JS_ThrowOutOfMemory(ctx);
    }
    c->refs = 1;
    c->callable = callable;
    c->to_parent = to_parent;
    c->args = msg_encode(ctx, args, 0);
    if (!c->args) {
        call_unref(c);
        return JS_EXCEPTION;
    }
    if (!(iso = target->iso) || iso->terminating) { /* encoding may have run JS */
        call_unref(c);
        return throw_ended(ctx, target, "has ended");
    }
    f = coro_isolate_new_fiber(iso, callee_fn, c);
    if (!f) {
        call_unref(c);
        return coro_throw_uv(ctx, -errno, "mmap", NULL, NULL);
    }
    c->refs++;
    c->caller = coro_fiber_current();
    coro_fiber_start(f);
    while (c->state == CALL_PENDING) {
        if (coro_wait(ctx, 0) == CORO_ETERMINATED) {
            c->caller = NULL;
            call_unref(c);
            return JS_EXCEPTION;
        }
    }
    if (c->state == CALL_ENDED) {
        ret = throw_unanswered(ctx, target);
    } else {
        ret = msg_decode(ctx, c->result);
        if (!JS_IsException(ret) && c->result->thrown)
            ret = JS_Throw(ctx, ret);
    }
    call_unref(c);
    return ret;
}

static const char *arg_name(JSContext *ctx, JSValueConst v)
{
    return coro_arg_string(ctx, v, "name", NULL);
}

/* call(id, name, args) -> the result; throws what the function threw.
   id null: Isolate.parent.call */
static JSValue js_isolate_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int to_parent = JS_IsNull(argv[0]);
    js_isolate *ji = NULL;
    const char *name;
    JSValue ret;

    if (to_parent && !iso->parent)
        return coro_throw_code(ctx, "ERR_ISOLATE_NO_PARENT", "this isolate has no parent");
    if ((!to_parent && !(ji = arg_isolate(ctx, argv[0]))) || !(name = arg_name(ctx, argv[1])))
        return JS_EXCEPTION;
    ret = do_call(ctx, to_parent ? iso->parent : ji->port, name, 0, argv[2], to_parent);
    JS_FreeCString(ctx, name);
    return ret;
}

/* callProxy(proxyId, args): a function of another isolate */
static JSValue js_isolate_call_proxy(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    js_proxy *p = (js_proxy *)coro_arg_handle(ctx, argv[0], &proxy_type);

    if (!p)
        return JS_EXCEPTION;
    return do_call(ctx, p->owner, NULL, p->callable, argv[1],
                   p->owner == coro_isolate_of(ctx)->parent);
}

/* releaseProxy(proxyId): the proxy function is garbage */
static JSValue js_isolate_release_proxy(JSContext *ctx, JSValueConst this_val, int argc,
                                        JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_handle *h = coro_arg_handle(ctx, argv[0], &proxy_type);

    if (!h) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_UNDEFINED;
    }
    coro_handle_close(&iso->handles, h);
    return JS_UNDEFINED;
}

/* ------------------------------------------------------------------ */
/* starting, ending, watching */

static char *dup_prop_str(JSContext *ctx, JSValueConst obj, const char *key)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, key);
    const char *s = NULL;
    char *out = NULL;

    if (JS_IsString(v) && (s = JS_ToCString(ctx, v)))
        out = strdup(s);
    JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, v);
    JS_FreeValue(ctx, JS_GetException(ctx)); /* a throwing getter: ignore it */
    return out;
}

/* A path property (the module, the fs jail) as a malloc'ed string in *out,
   NULL if it is no string: 0, or -1 with an exception pending (a NUL byte
   in it, out of memory). */
static int dup_prop_path(JSContext *ctx, JSValueConst obj, const char *key, const char *name,
                         char **out)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, key);
    const char *s = NULL;

    *out = NULL;
    if (JS_IsString(v) && !(s = coro_arg_path(ctx, v, name))) {
        JS_FreeValue(ctx, v);
        return -1;
    }
    JS_FreeValue(ctx, v);
    if (s && !(*out = strdup(s)))
        JS_ThrowOutOfMemory(ctx);
    JS_FreeCString(ctx, s);
    return s && !*out ? -1 : 0;
}

static int64_t prop_int(JSContext *ctx, JSValueConst obj, const char *key)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, key);
    int64_t n = 0;

    JS_ToInt64(ctx, &n, v);
    JS_FreeValue(ctx, v);
    return n;
}

static int prop_bool(JSContext *ctx, JSValueConst obj, const char *key)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, key);
    int b = JS_ToBool(ctx, v);

    JS_FreeValue(ctx, v);
    return b > 0;
}

/* create(path, options) -> id. lib/isolate.js has checked the options:
   { path (absolute), argv: [], env: [NAME=value] | undefined,
     memoryLimit, cpuSlice, maxFibers, maxIsolates, net: bool, fs: dir | undefined,
     syscall: bool } */
static JSValue js_isolate_create(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *self = coro_isolate_of(ctx), *child;
    coro_isolate_options o = { 0 };
    JSValueConst opts = argv[1];
    char *path, *fs = NULL, **args = NULL, **env = NULL;
    int nargs = 0, nenv = 0;
    js_isolate *ji = NULL;
    JSValue ret = JS_EXCEPTION;

    if (dup_prop_path(ctx, opts, "path", "module", &path) < 0)
        return JS_EXCEPTION;
    if (!path)
        return coro_throw_arg_type(ctx, "module", "of type string", argv[0]);
    if (!strncmp(path, "corojs:", 7)) { /* a built-in module as the main one */
        if (!coro_module_is_builtin(path, self->expose_internals)) {
            ret = coro_throw_code(ctx, "ERR_UNKNOWN_BUILTIN_MODULE", "No such built-in module: %s", path);
            goto done;
        }
    } else if (access(path, R_OK) < 0) {
        ret = coro_throw_code(ctx, "ERR_MODULE_NOT_FOUND", "Cannot find module '%s'", path);
        goto done;
    } else {
        char *real = realpath(path, NULL);
        if (real) {
            free(path);
            path = real;
        }
    }
    args = coro_prop_strv(ctx, opts, "argv", &nargs);
    env = coro_prop_strv(ctx, opts, "env", &nenv);
    if (dup_prop_path(ctx, opts, "fs", "fs", &fs) < 0)
        goto done;
    o.caps = (prop_bool(ctx, opts, "net") ? CORO_CAP_NET : 0) | (fs ? CORO_CAP_FS : 0) |
             (prop_bool(ctx, opts, "syscall") ? CORO_CAP_SYSCALL : 0);
    if ((o.caps & ~self->caps) != 0) { /* nobody grants what it has not got */
        ret = coro_throw_code(ctx, "ERR_ACCESS_DENIED", "an isolate cannot grant %s: it has not got it",
                              coro_cap_name(o.caps & ~self->caps));
        goto done;
    }
    o.fs_root = fs;
    o.memory_limit = (size_t)prop_int(ctx, opts, "memoryLimit");
    o.cpu_slice_ms = (uint64_t)prop_int(ctx, opts, "cpuSlice");
    o.max_fibers = (size_t)prop_int(ctx, opts, "maxFibers");
    o.max_isolates = (size_t)prop_int(ctx, opts, "maxIsolates");
    o.env = env ? env : (char *[]){ NULL };
    o.argc = nargs;
    o.argv = args;
    o.parent = self;
    o.name = path;
    o.expose_internals = self->expose_internals;
    o.areas = self->areas; /* a child has the areas its parent has */
    ji = coro_new_handle(ctx, sizeof *ji, &isolate_type);
    if (!ji)
        goto done;
    child = coro_isolate_new(&o);
    if (!child) {
        coro_handles_remove(&self->handles, &ji->h);
        free(ji);
        if (errno == EAGAIN)
            ret = coro_throw_code(ctx, "ERR_ISOLATE_LIMIT", "too many isolates: this one and those "
                                  "above it may hold %zu below them (maxIsolates)",
                                  self->budget->max_isolates);
        else
            ret = coro_throw_uv(ctx, -errno, "isolate", fs, NULL);
        goto done;
    }
    ji->port = coro_port_ref(child->port);
    ret = JS_NewBigUint64(ctx, ji->h.id);
    if (coro_isolate_start(child, path, NULL) < 0) /* runs it until it blocks */
        coro_isolate_terminate(child, 1);
done:
    free(path);
    free(fs);
    coro_strv_free(args);
    coro_strv_free(env);
    return ret;
}

static JSValue js_isolate_terminate(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    js_isolate *ji = arg_isolate(ctx, argv[0]);

    if (!ji)
        return JS_EXCEPTION;
    if (ji->port->iso && coro_isolate_end(ctx, ji->port->iso, 1) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static void free_error(void *error)
{
    exit_error *e = error;

    if (!e)
        return;
    free(e->name);
    free(e->message);
    free(e->stack);
    free(e->code);
    free(e);
}

/* iso->record_error: keep iso's uncaught error for its parent's join(). */
static void record_error(coro_isolate *iso, JSValueConst exc)
{
    JSContext *ctx = iso->ctx;
    exit_error *e;
    const char *s;

    if (iso->port->error || !(e = calloc(1, sizeof *e)))
        return;
    if (JS_IsError(ctx, exc)) {
        e->name = dup_prop_str(ctx, exc, "name");
        e->message = dup_prop_str(ctx, exc, "message");
        e->stack = dup_prop_str(ctx, exc, "stack");
        e->code = dup_prop_str(ctx, exc, "code");
    } else if ((s = JS_ToCString(ctx, exc))) {
        e->message = strdup(s);
        JS_FreeCString(ctx, s);
    }
    JS_FreeValue(ctx, JS_GetException(ctx));
    iso->port->error = e;
    iso->port->free_error = free_error;
}

const char *coro_prim_isolate_error_code(const coro_port *port)
{
    const exit_error *e = port->error;

    return e ? e->code : NULL;
}

/* join(id) -> { code, error: { name, message, stack, code } | undefined } */
static JSValue js_isolate_join(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *self = coro_isolate_of(ctx);
    js_isolate *ji = arg_isolate(ctx, argv[0]);
    uint64_t id;
    JSValue r;

    if (!ji)
        return JS_EXCEPTION;
    id = ji->h.id;
    while (!ji->port->ended) {
        if (coro_port_join(ctx, ji->port) == CORO_ETERMINATED)
            return JS_EXCEPTION;
        ji = (js_isolate *)coro_handles_get(&self->handles, id, &isolate_type);
        if (!ji)
            return coro_throw_bad_handle(ctx, &isolate_type);
    }
    r = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, r, "code", JS_NewInt32(ctx, ji->port->code));
    if (ji->port->error)
        JS_SetPropertyStr(ctx, r, "error", error_fields(ctx, ji->port->error));
    return r;
}

static void set_num(JSContext *ctx, JSValueConst o, const char *key, double v)
{
    JS_SetPropertyStr(ctx, o, key, JS_NewFloat64(ctx, v));
}

/* A limit, 0 for none. */
static void set_limit(JSContext *ctx, JSValueConst o, const char *key, size_t v)
{
    set_num(ctx, o, key, v == CORO_UNLIMITED ? 0 : (double)v);
}

/* What ps and stats() show of an isolate. */
static JSValue describe(JSContext *ctx, coro_port *port)
{
    coro_isolate *iso = port->iso;
    JSValue o = JS_NewObject(ctx);
    set_num(ctx, o, "id", (double)port->uid);
    JS_SetPropertyStr(ctx, o, "state",
                      JS_NewString(ctx, !iso ? "ended" : iso->terminating ? "ending" : "running"));
    if (!iso) {
        set_num(ctx, o, "code", port->code);
        return o;
    }
    coro_set_str(ctx, o, "name", iso->name);
    set_num(ctx, o, "parent", iso->parent ? (double)iso->parent->uid : 0);
    set_num(ctx, o, "memory", (double)coro_qjs_memory_used(iso->rt));
    set_limit(ctx, o, "memoryLimit", iso->budget->max_bytes);
    set_num(ctx, o, "cpuSlice", (double)(iso->cpu_slice_ns / 1000000));
    set_limit(ctx, o, "maxFibers", iso->budget->max_fibers);
    set_limit(ctx, o, "maxIsolates", iso->budget->max_isolates);
    set_num(ctx, o, "fibers", iso->nfibers);
    set_num(ctx, o, "handles", iso->handles.live);
    return o;
}

static JSValue js_isolate_stats(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_isolate *ji = arg_isolate(ctx, argv[0]);

    return ji ? describe(ctx, ji->port) : JS_EXCEPTION;
}

/* self() -> what stats() says of the calling isolate */
static JSValue js_isolate_self(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return describe(ctx, coro_isolate_of(ctx)->port);
}

/* release(id): the Isolate object is garbage. The child goes on if it runs;
   its handle goes once it has ended (or with the parent). */
static JSValue js_isolate_release(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    coro_isolate *self = coro_isolate_of(ctx);
    js_isolate *ji = (js_isolate *)coro_arg_handle(ctx, argv[0], &isolate_type);

    if (!ji) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_UNDEFINED;
    }
    ji->released = 1;
    if (ji->port->ended)
        coro_handle_close(&self->handles, &ji->h);
    return JS_UNDEFINED;
}

/* Only a root (an app the user started) sees and ends other isolates. */
static int allow_all(JSContext *ctx, const char *what)
{
    if (!coro_isolate_of(ctx)->parent)
        return 1;
    coro_throw_code(ctx, "ERR_ACCESS_DENIED", "%s is not allowed: only a root isolate may", what);
    return 0;
}

/* list() -> [describe(each live isolate)], oldest first */
static JSValue js_isolate_list(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue arr;
    uint32_t i = 0;

    if (!allow_all(ctx, "listing isolates"))
        return JS_EXCEPTION;
    arr = JS_NewArray(ctx);
    for (coro_isolate *iso = coro_isolates_first(); iso; iso = iso->all_next)
        JS_SetPropertyUint32(ctx, arr, i++, describe(ctx, iso->port));
    return arr;
}

/* kill(uid) -> whether it was alive */
static JSValue js_isolate_kill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso;
    int64_t uid;

    if (!allow_all(ctx, "ending other isolates") ||
        coro_arg_integer(ctx, argv[0], "id", 1, (int64_t)1 << 53, &uid) < 0)
        return JS_EXCEPTION;
    iso = coro_isolate_by_uid((uint64_t)uid);
    if (!iso || iso->terminating)
        return JS_FALSE;
    if (iso == coro_isolate_of(ctx)) {
        coro_isolate_terminate(iso, 1);
        return coro_throw_terminated(ctx);
    }
    if (coro_isolate_end(ctx, iso, 1) < 0)
        return JS_EXCEPTION;
    return JS_TRUE;
}

static JSValue js_isolate_has_parent(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    return JS_NewBool(ctx, coro_isolate_of(ctx)->parent != NULL);
}

/* ------------------------------------------------------------------ */
/* transfer marks and the library's hooks */

/* A buffer a blocked write is sending from cannot move meanwhile. */
static JSValue throw_in_use(JSContext *ctx)
{
    return coro_throw_code(ctx, "ERR_BUFFER_IN_USE",
                           "the ArrayBuffer is being written by an I/O operation and cannot be "
                           "transferred until it completes");
}

/* transfer(arrayBuffer): move it, not copy it, when it is next sent */
static JSValue js_isolate_transfer(JSContext *ctx, JSValueConst this_val, int argc,
                                   JSValueConst *argv)
{
    rpc_state *st = state_of(coro_isolate_of(ctx));
    int r;

    if (!st)
        return JS_ThrowOutOfMemory(ctx);
    if (coro_qjs_is_pinned(argv[0]))
        return throw_in_use(ctx);
    r = coro_qjs_mark_array_buffer(argv[0], &mark_hook);
    if (r < 0)
        return coro_throw_arg_type(ctx, "buffer", "an ArrayBuffer that is not detached", argv[0]);
    st->nmarked += r;
    return JS_UNDEFINED;
}

static JSValue js_isolate_is_marked(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    return JS_NewBool(ctx, coro_qjs_array_buffer_marked(argv[0]));
}

/* setHooks(encode, decode) */
static JSValue js_isolate_set_hooks(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    rpc_state *st = state_of(coro_isolate_of(ctx));

    if (!st)
        return JS_ThrowOutOfMemory(ctx);
    if (coro_arg_function(ctx, argv[0], "encode") < 0 || coro_arg_function(ctx, argv[1], "decode") < 0)
        return JS_EXCEPTION;
    JS_FreeValue(ctx, st->encode);
    JS_FreeValue(ctx, st->decode);
    st->encode = JS_DupValue(ctx, argv[0]);
    st->decode = JS_DupValue(ctx, argv[1]);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry isolate_funcs[] = {
    JS_CFUNC_DEF("create", 2, js_isolate_create),
    JS_CFUNC_DEF("call", 3, js_isolate_call),
    JS_CFUNC_DEF("callProxy", 2, js_isolate_call_proxy),
    JS_CFUNC_DEF("releaseProxy", 1, js_isolate_release_proxy),
    JS_CFUNC_DEF("terminate", 1, js_isolate_terminate),
    JS_CFUNC_DEF("join", 1, js_isolate_join),
    JS_CFUNC_DEF("stats", 1, js_isolate_stats),
    JS_CFUNC_DEF("self", 0, js_isolate_self),
    JS_CFUNC_DEF("release", 1, js_isolate_release),
    JS_CFUNC_DEF("list", 0, js_isolate_list),
    JS_CFUNC_DEF("kill", 1, js_isolate_kill),
    JS_CFUNC_DEF("hasParent", 0, js_isolate_has_parent),
    JS_CFUNC_DEF("transfer", 1, js_isolate_transfer),
    JS_CFUNC_DEF("isMarked", 1, js_isolate_is_marked),
    JS_CFUNC_DEF("setHooks", 2, js_isolate_set_hooks),
};

int coro_prim_isolate_init(JSContext *ctx, JSValueConst ns)
{
    coro_isolate_of(ctx)->record_error = record_error;
    JS_SetPropertyFunctionList(ctx, ns, isolate_funcs, sizeof isolate_funcs / sizeof isolate_funcs[0]);
    return 0;
}
