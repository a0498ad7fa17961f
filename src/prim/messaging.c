/*
 * prim/messaging.c: __primordials.messaging, under Node's MessagePort,
 * MessageChannel and BroadcastChannel (lib/node/bindings/messaging.js).
 *
 * A port's wake-up is a uv_async_t in the HandleStore, as Node's
 * MessagePort is one: notify() asks for a call of the port's JS function
 * (it drains the port's queue) in a fiber of its own on the next turn of
 * the loop, several notifies before it runs making one call. While it is
 * ref'd, the port keeps the program alive; it starts unref'd. uv_async_send
 * may be called from any thread, which is what a port whose other end lives
 * in another isolate (worker_threads, issue 11) needs.
 *
 * transfer(ab) moves an ArrayBuffer's memory into a new ArrayBuffer and
 * detaches the old one, as postMessage(v, [ab]) and structuredClone(v,
 * { transfer }) do in Node.
 *
 * Between isolates (worker_threads), a port's other end is a coro_msg_end:
 * one end of a channel in C, owned by a port's wake-up (bound), by a
 * PortEnd handle (a port being made or moved) or by a message in flight.
 * A message is bytes (JS_WriteObject2 of the clone messaging.js made), the
 * memory of the ArrayBuffers it moves, the SharedArrayBuffers it shares and
 * the channel ends it carries; it is plain malloc() memory owned by the
 * queue, never by either runtime, so either isolate may end first. All
 * isolates run on the one loop thread (src/core/isolate.c), so the queues
 * need no lock; posting wakes the receiving port with uv_async_send. An end
 * whose owner goes (its port closes, its isolate ends, a message is dropped)
 * closes: its peer hears it after what was queued, as Node's ports do.
 *
 * SharedArrayBuffers are shared between isolates, their memory counted by
 * reference (the sab_* functions every runtime gets here); Atomics.wait
 * cannot block (one thread: the waker could never run) and throws.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prim.h"
#include "core/binding.h"
#include "core/quickjs_ext.h"
#include "core/run.h"

typedef struct js_port_signal js_port_signal;
typedef struct xmsg xmsg;

/* A message on its way to another isolate. */
struct xmsg {
    xmsg *next;
    uint8_t *bytes;        /* JS_WriteObject2's output */
    size_t len;
    uint8_t **bufs;        /* moved ArrayBuffers' memory, until adopted */
    size_t *buf_lens;
    unsigned nbufs;
    coro_msg_end **ends;   /* channel ends it carries, until received */
    unsigned nends;
    uint8_t **sabs;        /* SharedArrayBuffers it holds a reference to */
    unsigned nsabs;
};

struct coro_msg_end {
    coro_msg_end *peer;    /* NULL once either end closed */
    xmsg *head, *tail;     /* what the peer posted, not yet received */
    unsigned queued;
    int peer_gone;         /* the peer closed: after the queue, this end closes */
    js_port_signal *signal; /* the port it is bound to, or NULL */
    char *bc_name;         /* a BroadcastChannel's: its name (no peer) */
    coro_msg_end *bc_prev, *bc_next; /* in broadcasters, then */
};

/* The BroadcastChannel ends of the process, whatever their isolate. */
static coro_msg_end *broadcasters;

struct js_port_signal {
    coro_handle h;
    uv_async_t async;
    JSValue fn;
    coro_msg_end *end;     /* its channel end in C, or NULL (a local channel) */
};

/* A channel end between ports: received, made, or being moved. */
typedef struct js_port_end {
    coro_handle h;
    coro_msg_end *end;
} js_port_end;

static void port_signal_close(coro_handle *h);
static void port_end_close(coro_handle *h);

static const coro_handle_type port_signal_type = { "MessagePort", port_signal_close, NULL };
static const coro_handle_type port_end_type = { "PortEnd", port_end_close, NULL };

/* ------------------------------------------------------------------ */
/* SharedArrayBuffers: a reference count before the bytes */

#define SAB_HEAD 16 /* keeps the bytes aligned as malloc's */

static void *sab_alloc(void *opaque, size_t size)
{
    uint8_t *p = malloc(SAB_HEAD + size);

    if (!p)
        return NULL;
    *(size_t *)p = 1;
    return p + SAB_HEAD;
}

static void sab_dup(void *opaque, void *ptr)
{
    (*(size_t *)((uint8_t *)ptr - SAB_HEAD))++;
}

static void sab_free(void *opaque, void *ptr)
{
    uint8_t *p = (uint8_t *)ptr - SAB_HEAD;

    if (--*(size_t *)p == 0)
        free(p);
}

static const JSSharedArrayBufferFunctions sab_funcs = { sab_alloc, sab_free, sab_dup, NULL };

/* ------------------------------------------------------------------ */
/* channel ends */

static void end_wake(coro_msg_end *e)
{
    if (e->signal)
        uv_async_send(&e->signal->async);
}

static void xmsg_free(xmsg *m)
{
    free(m->bytes);
    for (unsigned i = 0; i < m->nbufs; i++)
        free(m->bufs[i]);
    for (unsigned i = 0; i < m->nends; i++)
        coro_msg_end_close(m->ends[i]);
    for (unsigned i = 0; i < m->nsabs; i++)
        sab_free(NULL, m->sabs[i]);
    free(m->bufs);
    free(m->buf_lens);
    free(m->ends);
    free(m->sabs);
    free(m);
}

int coro_msg_pair(coro_msg_end **a, coro_msg_end **b)
{
    *a = calloc(1, sizeof **a);
    *b = calloc(1, sizeof **b);
    if (!*a || !*b) {
        free(*a);
        free(*b);
        return -1;
    }
    (*a)->peer = *b;
    (*b)->peer = *a;
    return 0;
}

void coro_msg_end_close(coro_msg_end *e)
{
    xmsg *m;

    if (!e)
        return;
    if (e->peer) {
        e->peer->peer = NULL;
        e->peer->peer_gone = 1;
        end_wake(e->peer);
    }
    while ((m = e->head)) {
        e->head = m->next;
        xmsg_free(m);
    }
    if (e->signal)
        e->signal->end = NULL;
    if (e->bc_name) {
        if (e->bc_prev)
            e->bc_prev->bc_next = e->bc_next;
        else
            broadcasters = e->bc_next;
        if (e->bc_next)
            e->bc_next->bc_prev = e->bc_prev;
        free(e->bc_name);
    }
    free(e);
}

static void port_end_close(coro_handle *h)
{
    coro_msg_end_close(((js_port_end *)h)->end);
    free(h);
}

JSValue coro_msg_hold(JSContext *ctx, coro_msg_end *e)
{
    js_port_end *pe = coro_new_handle(ctx, sizeof *pe, &port_end_type);

    if (!pe) {
        coro_msg_end_close(e);
        return JS_EXCEPTION;
    }
    pe->end = e;
    return JS_NewBigUint64(ctx, pe->h.id);
}

/* The end a PortEnd handle holds, taken out of it (the handle closes). */
static coro_msg_end *take_end(JSContext *ctx, JSValueConst id)
{
    js_port_end *pe = (js_port_end *)coro_arg_handle(ctx, id, &port_end_type);
    coro_msg_end *e;

    if (!pe)
        return NULL;
    e = pe->end;
    pe->end = NULL;
    coro_handle_close(&coro_isolate_of(ctx)->handles, &pe->h);
    return e;
}

static void port_signal_free(uv_handle_t *u)
{
    free(u->data);
}

static void port_signal_close(coro_handle *h)
{
    js_port_signal *s = (js_port_signal *)h;

    JS_FreeValue(h->iso->ctx, s->fn);
    s->fn = JS_UNDEFINED;
    if (s->end) {
        s->end->signal = NULL;
        coro_msg_end_close(s->end);
        s->end = NULL;
    }
    uv_close((uv_handle_t *)&s->async, port_signal_free);
}

static void port_signalled(uv_async_t *u)
{
    js_port_signal *s = u->data;
    JSValue args = JS_NewArray(s->h.iso->ctx);
    int err = coro_spawn_call(s->h.iso, s->fn, JS_UNDEFINED, args);

    JS_FreeValue(s->h.iso->ctx, args);
    if (err < 0 && err != UV_ECANCELED) {
        fprintf(stderr, "corojs: cannot deliver a port's messages: %s\n", uv_strerror(err));
        coro_isolate_terminate(s->h.iso, 1);
    }
}

/* signal(fn) -> id: a port's wake-up, unref'd; fn() runs after notify(id) */
static JSValue js_messaging_signal(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_port_signal *s;
    int err;

    if (coro_arg_function(ctx, argv[0], "callback") < 0)
        return JS_EXCEPTION;
    s = coro_new_handle(ctx, sizeof *s, &port_signal_type);
    if (!s)
        return JS_EXCEPTION;
    s->fn = JS_DupValue(ctx, argv[0]);
    s->async.data = s;
    err = uv_async_init(coro_loop(), &s->async, port_signalled);
    if (err < 0) {
        JS_FreeValue(ctx, s->fn);
        coro_handles_remove(&coro_isolate_of(ctx)->handles, &s->h);
        free(s);
        return coro_throw_uv(ctx, err, "uv_async_init", NULL, NULL);
    }
    s->h.uv = (uv_handle_t *)&s->async; /* its isolate has work while it is ref'd */
    uv_unref(s->h.uv);
    return JS_NewBigUint64(ctx, s->h.id);
}

enum { NOTIFY, REF, UNREF, HAS_REF };

/* notify/ref/unref/hasRef(id) -> whether it is ref'd now; a closed port's
   id is quietly ignored (false). */
static JSValue js_messaging_ctl(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                int magic)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    js_port_signal *s;
    uint64_t id;

    if (coro_arg_handle_id(ctx, argv[0], &id) < 0)
        return JS_EXCEPTION;
    s = (js_port_signal *)coro_handles_get(&iso->handles, id, &port_signal_type);
    if (!s)
        return JS_FALSE;
    switch (magic) {
    case NOTIFY:
        uv_async_send(&s->async);
        break;
    case REF:
        uv_ref(s->h.uv);
        break;
    case UNREF:
        uv_unref(s->h.uv);
        break;
    }
    return JS_NewBool(ctx, uv_has_ref(s->h.uv));
}

/* close(id): the port's wake-up is gone (once: a closed id is EBADF) */
static JSValue js_messaging_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &port_signal_type);
}

/* transfer(ab) -> a new ArrayBuffer with ab's memory, ab detached; or
   undefined when ab cannot be detached (pinned by a call in flight, memory
   the engine does not own): Node copies such a buffer instead. */
static JSValue js_messaging_transfer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *data;
    size_t len;
    int marked;

    if (coro_qjs_is_pinned(argv[0]) || coro_qjs_array_buffer_marked(argv[0]))
        return JS_UNDEFINED;
    data = coro_qjs_take_array_buffer(ctx, argv[0], &len, &marked);
    if (!data)
        return JS_UNDEFINED;
    return coro_qjs_adopt_array_buffer(ctx, data, len);
}

/* isDetached(v): whether v is an ArrayBuffer or view whose memory is gone */
static JSValue js_messaging_is_detached(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewBool(ctx, coro_qjs_is_detached(argv[0]));
}


/* ------------------------------------------------------------------ */
/* ports between isolates */

static js_port_signal *arg_signal(JSContext *ctx, JSValueConst v)
{
    return (js_port_signal *)coro_arg_handle(ctx, v, &port_signal_type);
}

/* pair() -> [endId, endId]: a new channel between isolates, its ends held */
static JSValue js_messaging_pair(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_msg_end *a, *b;
    JSValue arr, ia, ib;

    if (coro_msg_pair(&a, &b) < 0)
        return JS_ThrowOutOfMemory(ctx);
    ia = coro_msg_hold(ctx, a);
    if (JS_IsException(ia)) {
        coro_msg_end_close(b);
        return ia;
    }
    ib = coro_msg_hold(ctx, b);
    arr = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, arr, 0, ia);
    JS_SetPropertyUint32(ctx, arr, 1, ib);
    if (JS_IsException(ib)) {
        JS_FreeValue(ctx, arr);
        return JS_EXCEPTION;
    }
    return arr;
}

/* bind(signalId, endId): the port of that wake-up owns the end from now on */
static JSValue js_messaging_bind(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_port_signal *s = arg_signal(ctx, argv[0]);
    coro_msg_end *e;

    if (!s || !(e = take_end(ctx, argv[1])))
        return JS_EXCEPTION;
    coro_msg_end_close(s->end);
    s->end = e;
    e->signal = s;
    if (e->head || e->peer_gone)
        uv_async_send(&s->async);
    return JS_UNDEFINED;
}

/* unbind(signalId) -> endId: the port's end, held apart (the port moves
   within its isolate), or undefined if it has none */
static JSValue js_messaging_unbind(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_port_signal *s = arg_signal(ctx, argv[0]);
    coro_msg_end *e;

    if (!s)
        return JS_EXCEPTION;
    if (!(e = s->end))
        return JS_UNDEFINED;
    s->end = NULL;
    e->signal = NULL;
    return coro_msg_hold(ctx, e);
}

/* The memory of an ArrayBuffer listed for transfer: taken (the buffer is
   detached), or a copy if it cannot be (pinned by an IO call, marked by
   Isolate.transfer, foreign memory), as Node copies what V8 cannot detach. */
static uint8_t *take_buffer(JSContext *ctx, JSValueConst ab, size_t *len)
{
    const uint8_t *p;
    uint8_t *copy;
    int marked;

    if (!coro_qjs_is_pinned(ab) && !coro_qjs_array_buffer_marked(ab)) {
        copy = coro_qjs_take_array_buffer(ctx, ab, len, &marked);
        if (copy)
            return copy;
    }
    p = JS_GetArrayBuffer(ctx, len, ab);
    if (!p || !(copy = malloc(*len ? *len : 1))) {
        if (p)
            JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    memcpy(copy, p, *len);
    return copy;
}

static int64_t array_length(JSContext *ctx, JSValueConst arr)
{
    JSValue v = JS_GetPropertyStr(ctx, arr, "length");
    int64_t n = 0;

    JS_ToInt64(ctx, &n, v);
    JS_FreeValue(ctx, v);
    return n < 0 ? 0 : n;
}

static void end_push(coro_msg_end *e, xmsg *m)
{
    if (e->tail)
        e->tail->next = m;
    else
        e->head = m;
    e->tail = m;
    e->queued++;
    end_wake(e);
}

/* What a message moves: the buffers' memory and the ends named. */
static int xmsg_take(JSContext *ctx, xmsg *m, JSValueConst bufs, JSValueConst ends)
{
    int64_t nb = array_length(ctx, bufs), ne = array_length(ctx, ends);

    if ((nb && (!(m->bufs = calloc(nb, sizeof *m->bufs)) || !(m->buf_lens = calloc(nb, sizeof *m->buf_lens)))) ||
        (ne && !(m->ends = calloc(ne, sizeof *m->ends)))) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    for (int64_t i = 0; i < nb; i++) {
        JSValue ab = JS_GetPropertyUint32(ctx, bufs, (uint32_t)i);
        m->bufs[i] = take_buffer(ctx, ab, &m->buf_lens[i]);
        JS_FreeValue(ctx, ab);
        if (!m->bufs[i])
            return -1;
        m->nbufs++;
    }
    for (int64_t i = 0; i < ne; i++) {
        JSValue id = JS_GetPropertyUint32(ctx, ends, (uint32_t)i);
        m->ends[i] = take_end(ctx, id);
        JS_FreeValue(ctx, id);
        if (!m->ends[i])
            return -1;
        m->nends++;
    }
    return 0;
}

/* post(signalId, payload, buffers, endIds) -> whether the other end is
   there to receive it. payload is written as it is (messaging.js made it
   of what QuickJS's writer takes); then the buffers move and the ends go
   with the message, or are closed if nobody will receive it. */
static JSValue js_messaging_post(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_port_signal *s = arg_signal(ctx, argv[0]);
    uint8_t *bytes, **sab_tab = NULL;
    size_t len, nsab = 0;
    coro_msg_end *peer;
    xmsg *m;

    if (!s)
        return JS_EXCEPTION;
    bytes = JS_WriteObject2(ctx, &len, argv[1], JS_WRITE_OBJ_REFERENCE | JS_WRITE_OBJ_SAB, &sab_tab, &nsab);
    if (!bytes)
        return JS_EXCEPTION;
    if (!(m = calloc(1, sizeof *m)) || (nsab && !(m->sabs = malloc(nsab * sizeof *m->sabs)))) {
        free(m);
        js_free(ctx, bytes);
        js_free(ctx, sab_tab);
        return JS_ThrowOutOfMemory(ctx);
    }
    m->bytes = coro_qjs_disown(JS_GetRuntime(ctx), bytes);
    m->len = len;
    for (size_t i = 0; i < nsab; i++) {
        sab_dup(NULL, sab_tab[i]);
        m->sabs[m->nsabs++] = sab_tab[i];
    }
    js_free(ctx, sab_tab);
    if (xmsg_take(ctx, m, argv[2], argv[3]) < 0) {
        xmsg_free(m);
        return JS_EXCEPTION;
    }
    peer = s->end ? s->end->peer : NULL;
    if (!peer) {
        xmsg_free(m);
        return JS_FALSE;
    }
    end_push(peer, m);
    return JS_TRUE;
}

/* A received message's value, in ctx's runtime: [payload, buffers, endIds] */
static JSValue xmsg_read(JSContext *ctx, xmsg *m)
{
    JSValue v, bufs, ends, r;

    v = JS_ReadObject(ctx, m->bytes, m->len, JS_READ_OBJ_REFERENCE | JS_READ_OBJ_SAB);
    if (JS_IsException(v))
        return v;
    r = JS_NewArray(ctx);
    bufs = JS_NewArray(ctx);
    ends = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, r, 0, v);
    JS_SetPropertyUint32(ctx, r, 1, bufs);
    JS_SetPropertyUint32(ctx, r, 2, ends);
    for (unsigned i = 0; i < m->nbufs; i++) {
        JSValue ab = coro_qjs_adopt_array_buffer(ctx, m->bufs[i], m->buf_lens[i]);
        m->bufs[i] = NULL; /* adopted, or freed on failure */
        if (JS_IsException(ab))
            goto fail;
        JS_SetPropertyUint32(ctx, bufs, i, ab);
    }
    for (unsigned i = 0; i < m->nends; i++) {
        JSValue id = coro_msg_hold(ctx, m->ends[i]);
        m->ends[i] = NULL; /* held, or closed on failure */
        if (JS_IsException(id))
            goto fail;
        JS_SetPropertyUint32(ctx, ends, i, id);
    }
    return r;
fail:
    JS_FreeValue(ctx, r);
    return JS_EXCEPTION;
}

/* receive(signalId) -> [payload, buffers, endIds], the next message from
   another isolate; undefined if none is queued, null if none will come
   (the other end closed). A message that cannot be read throws (the
   port's 'messageerror'). */
static JSValue js_messaging_receive(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_port_signal *s = arg_signal(ctx, argv[0]);
    coro_msg_end *e;
    xmsg *m;
    JSValue r;

    if (!s)
        return JS_EXCEPTION;
    if (!(e = s->end))
        return JS_UNDEFINED;
    if (!(m = e->head))
        return e->peer_gone ? JS_NULL : JS_UNDEFINED;
    e->head = m->next;
    if (!e->head)
        e->tail = NULL;
    e->queued--;
    r = xmsg_read(ctx, m);
    xmsg_free(m);
    return r;
}

/* ------------------------------------------------------------------ */
/* BroadcastChannels between isolates: within one isolate messaging.js
   delivers to the channels of a name itself; here each channel also has an
   end in `broadcasters`, where the other isolates' messages arrive. */

/* joinBroadcast(signalId, name): the port of that wake-up is a
   BroadcastChannel named so */
static JSValue js_messaging_join_broadcast(JSContext *ctx, JSValueConst this_val, int argc,
                                           JSValueConst *argv)
{
    js_port_signal *s = arg_signal(ctx, argv[0]);
    const char *name;
    coro_msg_end *e;

    if (!s || !(name = coro_arg_string(ctx, argv[1], "name", NULL)))
        return JS_EXCEPTION;
    e = calloc(1, sizeof *e);
    if (!e || !(e->bc_name = strdup(name))) {
        free(e);
        JS_FreeCString(ctx, name);
        return JS_ThrowOutOfMemory(ctx);
    }
    JS_FreeCString(ctx, name);
    coro_msg_end_close(s->end);
    s->end = e;
    e->signal = s;
    e->bc_next = broadcasters;
    if (broadcasters)
        broadcasters->bc_prev = e;
    broadcasters = e;
    return JS_UNDEFINED;
}

/* Whether e is a channel of its name in another isolate than iso. */
static int other_listener(const coro_msg_end *e, const coro_msg_end *from, coro_isolate *iso)
{
    return e != from && e->signal && e->signal->h.iso != iso && !strcmp(e->bc_name, from->bc_name);
}

/* broadcasting(signalId) -> whether channels of its name live in other isolates */
static JSValue js_messaging_broadcasting(JSContext *ctx, JSValueConst this_val, int argc,
                                         JSValueConst *argv)
{
    js_port_signal *s = arg_signal(ctx, argv[0]);

    if (!s)
        return JS_EXCEPTION;
    for (coro_msg_end *e = broadcasters; s->end && s->end->bc_name && e; e = e->bc_next) {
        if (other_listener(e, s->end, s->h.iso))
            return JS_TRUE;
    }
    return JS_FALSE;
}

/* A copy of m's bytes and shared buffers (a broadcast carries no transfers). */
static xmsg *xmsg_copy(const xmsg *m)
{
    xmsg *c = calloc(1, sizeof *c);

    if (!c || !(c->bytes = malloc(m->len ? m->len : 1)) ||
        (m->nsabs && !(c->sabs = malloc(m->nsabs * sizeof *c->sabs)))) {
        if (c)
            free(c->bytes);
        free(c);
        return NULL;
    }
    memcpy(c->bytes, m->bytes, m->len);
    c->len = m->len;
    for (unsigned i = 0; i < m->nsabs; i++) {
        sab_dup(NULL, m->sabs[i]);
        c->sabs[c->nsabs++] = m->sabs[i];
    }
    return c;
}

/* broadcast(signalId, payload): to the channels of its name in other isolates */
static JSValue js_messaging_broadcast(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_port_signal *s = arg_signal(ctx, argv[0]);
    uint8_t *bytes, **sab_tab = NULL;
    size_t len, nsab = 0;
    xmsg proto = { 0 }, *c;
    JSValue ret = JS_UNDEFINED;

    if (!s)
        return JS_EXCEPTION;
    if (!s->end || !s->end->bc_name)
        return JS_UNDEFINED;
    bytes = JS_WriteObject2(ctx, &len, argv[1], JS_WRITE_OBJ_REFERENCE | JS_WRITE_OBJ_SAB, &sab_tab, &nsab);
    if (!bytes)
        return JS_EXCEPTION;
    proto.bytes = bytes;
    proto.len = len;
    proto.sabs = sab_tab;
    proto.nsabs = (unsigned)nsab;
    for (coro_msg_end *e = broadcasters; e; e = e->bc_next) {
        if (!other_listener(e, s->end, s->h.iso))
            continue;
        if (!(c = xmsg_copy(&proto))) {
            ret = JS_ThrowOutOfMemory(ctx);
            break;
        }
        end_push(e, c);
    }
    js_free(ctx, bytes);
    js_free(ctx, sab_tab);
    return ret;
}

/* dropEnd(endId): a held end nobody will use; its peer hears it closed */
static JSValue js_messaging_drop_end(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &port_end_type);
}

/* queued(signalId) -> messages from another isolate waiting there */
static JSValue js_messaging_queued(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_port_signal *s = arg_signal(ctx, argv[0]);

    if (!s)
        return JS_EXCEPTION;
    return JS_NewUint32(ctx, s->end ? s->end->queued : 0);
}

static const JSCFunctionListEntry messaging_funcs[] = {
    JS_CFUNC_DEF("signal", 1, js_messaging_signal),
    JS_CFUNC_MAGIC_DEF("notify", 1, js_messaging_ctl, NOTIFY),
    JS_CFUNC_MAGIC_DEF("ref", 1, js_messaging_ctl, REF),
    JS_CFUNC_MAGIC_DEF("unref", 1, js_messaging_ctl, UNREF),
    JS_CFUNC_MAGIC_DEF("hasRef", 1, js_messaging_ctl, HAS_REF),
    JS_CFUNC_DEF("close", 1, js_messaging_close),
    JS_CFUNC_DEF("transfer", 1, js_messaging_transfer),
    JS_CFUNC_DEF("isDetached", 1, js_messaging_is_detached),
    JS_CFUNC_DEF("pair", 0, js_messaging_pair),
    JS_CFUNC_DEF("bind", 2, js_messaging_bind),
    JS_CFUNC_DEF("unbind", 1, js_messaging_unbind),
    JS_CFUNC_DEF("post", 4, js_messaging_post),
    JS_CFUNC_DEF("receive", 1, js_messaging_receive),
    JS_CFUNC_DEF("queued", 1, js_messaging_queued),
    JS_CFUNC_DEF("dropEnd", 1, js_messaging_drop_end),
    JS_CFUNC_DEF("joinBroadcast", 2, js_messaging_join_broadcast),
    JS_CFUNC_DEF("broadcasting", 1, js_messaging_broadcasting),
    JS_CFUNC_DEF("broadcast", 2, js_messaging_broadcast),
};

int coro_prim_messaging_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetSharedArrayBufferFunctions(JS_GetRuntime(ctx), &sab_funcs);
    JS_SetPropertyFunctionList(ctx, ns, messaging_funcs, sizeof messaging_funcs / sizeof messaging_funcs[0]);
    return 0;
}
