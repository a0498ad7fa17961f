/*
 * prim/dgram.c: __primordials.dgram, UDP sockets.
 *
 * A socket is a UDPSocket handle over a uv_udp_t. The socket receives only
 * while a fiber waits in recv(), and stops after each datagram, so an idle
 * socket costs no watcher and the kernel keeps what arrives meanwhile.
 * Fibers waiting in recv() queue in order; each takes one datagram.
 *
 * send() first tries to hand the datagram to the kernel at once; if the
 * kernel's buffer is full it queues a send request on the fiber's stack and
 * waits for it, even while the isolate is torn down (closing the socket
 * completes it with ECANCELED).
 *
 * Addresses reaching C are IP literals: the library resolves names first.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "prim.h"
#include "net.h"
#include "core/binding.h"
#include "core/isolate.h"

#define DGRAM_MAX 65536 /* a receive buffer that fits any datagram */

typedef struct udp_datagram {
    struct udp_datagram *next;
    char *data;
    size_t len;
    struct sockaddr_storage from;
} udp_datagram;

typedef struct js_udp {
    coro_handle h;
    uv_udp_t udp;
    int family;          /* AF_INET or AF_INET6 */
    int receiving;
    int recv_error;      /* for the next reader */
    udp_datagram *inbox, *inbox_tail;
    coro_waitq readers;
} js_udp;

static void udp_close(coro_handle *h);

static const coro_handle_type udp_type = { "UDPSocket", udp_close, NULL };

static void udp_closed(uv_handle_t *h)
{
    free(h->data);
}

static void udp_close(coro_handle *h)
{
    js_udp *s = (js_udp *)h;
    udp_datagram *d;

    uv_close((uv_handle_t *)&s->udp, udp_closed); /* pending sends end with ECANCELED */
    while ((d = s->inbox)) {
        s->inbox = d->next;
        free(d->data);
        free(d);
    }
    coro_waitq_close(&s->readers, UV_EBADF); /* they find the ID dead */
}

/* An IP literal and a port as a socket address; -1 with a TypeError if the
   string is not an IP address. */
static int arg_sockaddr(JSContext *ctx, JSValueConst ip, JSValueConst port,
                        struct sockaddr_storage *sa, const char **str, int *portnum)
{
    int64_t p;

    *str = NULL;
    if (coro_arg_integer(ctx, port, "port", 0, 65535, &p) < 0)
        return -1;
    *portnum = (int)p;
    *str = coro_arg_string(ctx, ip, "address", NULL);
    if (!*str)
        return -1;
    if (coro_sockaddr_parse(*str, (int)p, sa) == 0)
        return 0;
    coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "The argument 'address' is not an IP address. Received '%s'",
                    *str);
    JS_FreeCString(ctx, *str);
    *str = NULL;
    return -1;
}

/* socket(family 4 | 6) -> id */
static JSValue js_dgram_socket(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int64_t fam;
    js_udp *s;
    int err;

    if (coro_arg_integer(ctx, argv[0], "family", 4, 6, &fam) < 0)
        return JS_EXCEPTION;
    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "dgram.createSocket"))
        return JS_EXCEPTION;
    s = coro_new_handle(ctx, sizeof *s, &udp_type);
    if (!s)
        return JS_EXCEPTION;
    s->family = fam == 6 ? AF_INET6 : AF_INET;
    err = uv_udp_init_ex(coro_loop(), &s->udp, (unsigned)s->family);
    if (err < 0) {
        coro_handles_remove(&iso->handles, &s->h);
        free(s);
        return coro_throw_uv(ctx, err, "socket", NULL, NULL);
    }
    s->udp.data = s;
    return JS_NewBigUint64(ctx, s->h.id);
}

enum { OP_BIND, OP_CONNECT };

/* bind(id, ip, port, flags); connect(id, ip, port) */
static JSValue js_dgram_bind(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                             int magic)
{
    struct sockaddr_storage sa;
    const char *ip;
    int64_t flags = 0;
    int port, err;
    js_udp *s;

    if (magic == OP_BIND && coro_arg_integer(ctx, argv[3], "flags", 0, 0xffff, &flags) < 0)
        return JS_EXCEPTION;
    if (arg_sockaddr(ctx, argv[1], argv[2], &sa, &ip, &port) < 0)
        return JS_EXCEPTION;
    s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    if (!s) {
        JS_FreeCString(ctx, ip);
        return JS_EXCEPTION;
    }
    if (magic == OP_BIND)
        err = uv_udp_bind(&s->udp, (struct sockaddr *)&sa, (unsigned)flags);
    else
        err = uv_udp_connect(&s->udp, (struct sockaddr *)&sa);
    if (err < 0)
        coro_throw_net(ctx, err, magic == OP_BIND ? "bind" : "connect", ip, port);
    JS_FreeCString(ctx, ip);
    return err < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

enum { OP_LOCAL, OP_REMOTE };

/* address(id), remoteAddress(id) -> { address, family, port } */
static JSValue js_dgram_address(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                int magic)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    struct sockaddr_storage sa;
    int len = sizeof sa, err;

    if (!s)
        return JS_EXCEPTION;
    memset(&sa, 0, sizeof sa);
    if (magic == OP_LOCAL)
        err = uv_udp_getsockname(&s->udp, (struct sockaddr *)&sa, &len);
    else
        err = uv_udp_getpeername(&s->udp, (struct sockaddr *)&sa, &len);
    if (err < 0)
        return coro_throw_net(ctx, err, magic == OP_LOCAL ? "getsockname" : "getpeername", NULL, -1);
    return coro_sockaddr_object(ctx, &sa);
}

static void send_done(uv_udp_send_t *req, int status)
{
    coro_op_done(req->data, status);
}

/* send(id, data, ip, port): to ip:port, or to the connected peer when ip is
   undefined. Returns when the kernel has the datagram. */
static JSValue js_dgram_send(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct sockaddr_storage sa;
    const struct sockaddr *to = NULL;
    JSValue ret = JS_EXCEPTION;
    const char *ip = NULL;
    coro_bytes data;
    uv_udp_send_t req;
    coro_op op;
    uv_buf_t buf;
    js_udp *s;
    int port = 0, err;

    if (!JS_IsUndefined(argv[2])) {
        if (arg_sockaddr(ctx, argv[2], argv[3], &sa, &ip, &port) < 0)
            return JS_EXCEPTION;
        to = (struct sockaddr *)&sa;
    }
    if (coro_arg_bytes(ctx, argv[1], "data", &data) < 0) {
        JS_FreeCString(ctx, ip);
        return JS_EXCEPTION;
    }
    s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    if (!s)
        goto out;
    buf = uv_buf_init((char *)data.data, (unsigned)data.len);
    err = data.len > UINT_MAX ? UV_EMSGSIZE : uv_udp_try_send(&s->udp, &buf, 1, to);
    if (err == UV_EAGAIN || err == UV_ENOSYS) { /* a full buffer, or sends queued before */
        coro_op_init(&op);
        req.data = &op;
        err = uv_udp_send(&req, &s->udp, &buf, 1, to, send_done);
        if (err == 0 && (err = coro_op_wait(ctx, &op)) == CORO_ETERMINATED)
            goto out;
    }
    if (err < 0)
        coro_throw_net(ctx, err == UV_ECANCELED ? UV_EBADF : err, "send", ip, ip ? port : -1);
    else
        ret = JS_UNDEFINED;
out:
    coro_bytes_free(ctx, &data);
    JS_FreeCString(ctx, ip);
    return ret;
}

static void recv_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    buf->base = malloc(DGRAM_MAX);
    buf->len = buf->base ? DGRAM_MAX : 0;
}

static void recv_stop(js_udp *s)
{
    if (s->receiving && !uv_is_closing((uv_handle_t *)&s->udp))
        uv_udp_recv_stop(&s->udp);
    s->receiving = 0;
}

/* One datagram (or error) for the first reader; stop until it is taken. */
static void recv_done(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                      const struct sockaddr *from, unsigned flags)
{
    js_udp *s = h->data;
    udp_datagram *d;

    if (nread == 0 && !from) { /* nothing left to read */
        free(buf->base);
        return;
    }
    recv_stop(s);
    if (nread < 0) {
        free(buf->base);
        s->recv_error = (int)nread;
    } else {
        d = malloc(sizeof *d);
        if (!d) {
            free(buf->base);
            s->recv_error = UV_ENOMEM;
        } else {
            d->next = NULL;
            d->len = (size_t)nread;
            d->data = realloc(buf->base, nread ? (size_t)nread : 1);
            if (!d->data)
                d->data = buf->base;
            memset(&d->from, 0, sizeof d->from);
            if (from)
                memcpy(&d->from, from, from->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                                   : sizeof(struct sockaddr_in));
            if (s->inbox_tail)
                s->inbox_tail->next = d;
            else
                s->inbox = d;
            s->inbox_tail = d;
        }
    }
    coro_waitq_wake_one(&s->readers, 0); /* last: the reader may close s */
}

/* recv(id) -> { data, address, family, port }, blocking for one datagram */
static JSValue js_dgram_recv(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    udp_datagram *d;
    JSValue ret;
    uint8_t *bytes;
    js_udp *s;
    int err;

    for (;;) {
        s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
        if (!s)
            return JS_EXCEPTION;
        if (s->inbox || s->recv_error)
            break;
        if (!s->receiving) {
            err = uv_udp_recv_start(&s->udp, recv_alloc, recv_done);
            if (err < 0)
                return coro_throw_net(ctx, err, "recvmsg", NULL, -1);
            s->receiving = 1;
        }
        if (coro_waitq_wait(ctx, &s->readers) == CORO_ETERMINATED)
            return JS_EXCEPTION;
    }
    if (!s->inbox) {
        err = s->recv_error;
        s->recv_error = 0;
        return coro_throw_net(ctx, err, "recvmsg", NULL, -1);
    }
    d = s->inbox;
    s->inbox = d->next;
    if (!s->inbox)
        s->inbox_tail = NULL;
    if (!coro_waitq_empty(&s->readers) && !s->receiving &&
        uv_udp_recv_start(&s->udp, recv_alloc, recv_done) == 0) /* the next reader's turn */
        s->receiving = 1;
    bytes = js_malloc(ctx, d->len ? d->len : 1);
    if (bytes) {
        memcpy(bytes, d->data, d->len);
        ret = coro_sockaddr_object(ctx, &d->from);
        JS_SetPropertyStr(ctx, ret, "data", coro_new_uint8array(ctx, bytes, d->len));
    } else {
        ret = JS_EXCEPTION;
    }
    free(d->data);
    free(d);
    return ret;
}

/* setBroadcast(id, on) */
static JSValue js_dgram_set_broadcast(JSContext *ctx, JSValueConst this_val, int argc,
                                      JSValueConst *argv)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    int err;

    if (!s)
        return JS_EXCEPTION;
    err = uv_udp_set_broadcast(&s->udp, JS_ToBool(ctx, argv[1]));
    if (err < 0)
        return coro_throw_net(ctx, err, "setBroadcast", NULL, -1);
    return JS_UNDEFINED;
}

/* close(id): a fiber blocked in recv() throws EBADF */
static JSValue js_dgram_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &udp_type);
}

/* ------------------------------------------------------------------ */
/* Node's UDP handle (lib/node/bindings/udp_wrap.js): options and the rest,
   each returning 0 or a negative libuv error, as Node's binding does */

enum { OPT_TTL, OPT_MULTICAST_TTL, OPT_MULTICAST_LOOP, OPT_REF };

/* setOption(id, value) for the option in magic -> 0 or an error */
static JSValue js_dgram_set_option(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                   int magic)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    int32_t v;

    if (!s || JS_ToInt32(ctx, &v, argv[1]) < 0)
        return JS_EXCEPTION;
    switch (magic) {
    case OPT_TTL: return JS_NewInt32(ctx, uv_udp_set_ttl(&s->udp, v));
    case OPT_MULTICAST_TTL: return JS_NewInt32(ctx, uv_udp_set_multicast_ttl(&s->udp, v));
    case OPT_MULTICAST_LOOP: return JS_NewInt32(ctx, uv_udp_set_multicast_loop(&s->udp, v != 0));
    default:
        if (v)
            uv_ref((uv_handle_t *)&s->udp);
        else
            uv_unref((uv_handle_t *)&s->udp);
        return JS_NewInt32(ctx, 0);
    }
}

/* A string argument, or NULL for undefined/null; -1 with an exception. */
static int arg_optional_string(JSContext *ctx, JSValueConst v, const char *name, const char **out)
{
    *out = NULL;
    if (JS_IsUndefined(v) || JS_IsNull(v))
        return 0;
    *out = coro_arg_string(ctx, v, name, NULL);
    return *out ? 0 : -1;
}

/* membership(id, group, iface, join) -> 0 or an error;
   sourceMembership(id, source, group, iface, join) */
static JSValue js_dgram_membership(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                   int source_specific)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    const char *source = NULL, *group = NULL, *iface = NULL;
    int at = source_specific ? 2 : 1, err = UV_EINVAL;
    uv_membership join = JS_ToBool(ctx, argv[at + 2]) ? UV_JOIN_GROUP : UV_LEAVE_GROUP;

    if (!s)
        return JS_EXCEPTION;
    if ((source_specific && !(source = coro_arg_string(ctx, argv[1], "sourceAddress", NULL))) ||
        !(group = coro_arg_string(ctx, argv[at], "groupAddress", NULL)) ||
        arg_optional_string(ctx, argv[at + 1], "interfaceAddress", &iface) < 0) {
        err = INT_MIN;
    } else if (source_specific) {
        err = uv_udp_set_source_membership(&s->udp, group, iface, source, join);
    } else {
        err = uv_udp_set_membership(&s->udp, group, iface, join);
    }
    JS_FreeCString(ctx, source);
    JS_FreeCString(ctx, group);
    JS_FreeCString(ctx, iface);
    return err == INT_MIN ? JS_EXCEPTION : JS_NewInt32(ctx, err);
}

/* setMulticastInterface(id, iface) -> 0 or an error */
static JSValue js_dgram_set_multicast_interface(JSContext *ctx, JSValueConst this_val, int argc,
                                                JSValueConst *argv)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    const char *iface;
    int err;

    if (!s || !(iface = coro_arg_string(ctx, argv[1], "interfaceAddress", NULL)))
        return JS_EXCEPTION;
    err = uv_udp_set_multicast_interface(&s->udp, iface);
    JS_FreeCString(ctx, iface);
    return JS_NewInt32(ctx, err);
}

/* disconnect(id) -> 0 or an error (ENOTCONN when not connected) */
static JSValue js_dgram_disconnect(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);

    return s ? JS_NewInt32(ctx, uv_udp_connect(&s->udp, NULL)) : JS_EXCEPTION;
}

/* bufferSize(id, size, receive) -> the socket's receive (or send) buffer
   size, set first unless size is 0; a negative error on failure */
static JSValue js_dgram_buffer_size(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    int32_t size;
    int value, err;

    if (!s || JS_ToInt32(ctx, &size, argv[1]) < 0)
        return JS_EXCEPTION;
    value = size;
    err = JS_ToBool(ctx, argv[2]) ? uv_recv_buffer_size((uv_handle_t *)&s->udp, &value)
                                  : uv_send_buffer_size((uv_handle_t *)&s->udp, &value);
    return JS_NewInt32(ctx, err < 0 ? err : value);
}

/* sendQueue(id) -> [bytes, requests] waiting to be sent */
static JSValue js_dgram_send_queue(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    JSValue q;

    if (!s)
        return JS_EXCEPTION;
    q = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, q, 0, JS_NewFloat64(ctx, (double)uv_udp_get_send_queue_size(&s->udp)));
    JS_SetPropertyUint32(ctx, q, 1, JS_NewFloat64(ctx, (double)uv_udp_get_send_queue_count(&s->udp)));
    return q;
}

/* fd(id) -> the socket's descriptor, or -1 before bind */
static JSValue js_dgram_fd(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_udp *s = (js_udp *)coro_arg_handle(ctx, argv[0], &udp_type);
    uv_os_fd_t fd;

    if (!s)
        return JS_EXCEPTION;
    return JS_NewInt32(ctx, uv_fileno((uv_handle_t *)&s->udp, &fd) < 0 ? -1 : fd);
}

static const JSCFunctionListEntry dgram_funcs[] = {
    JS_CFUNC_DEF("socket", 1, js_dgram_socket),
    JS_CFUNC_MAGIC_DEF("bind", 4, js_dgram_bind, OP_BIND),
    JS_CFUNC_MAGIC_DEF("connect", 3, js_dgram_bind, OP_CONNECT),
    JS_CFUNC_MAGIC_DEF("address", 1, js_dgram_address, OP_LOCAL),
    JS_CFUNC_MAGIC_DEF("remoteAddress", 1, js_dgram_address, OP_REMOTE),
    JS_CFUNC_DEF("send", 4, js_dgram_send),
    JS_CFUNC_DEF("recv", 1, js_dgram_recv),
    JS_CFUNC_DEF("setBroadcast", 2, js_dgram_set_broadcast),
    JS_CFUNC_DEF("close", 1, js_dgram_close),
    JS_CFUNC_MAGIC_DEF("setTTL", 2, js_dgram_set_option, OPT_TTL),
    JS_CFUNC_MAGIC_DEF("setMulticastTTL", 2, js_dgram_set_option, OPT_MULTICAST_TTL),
    JS_CFUNC_MAGIC_DEF("setMulticastLoopback", 2, js_dgram_set_option, OPT_MULTICAST_LOOP),
    JS_CFUNC_MAGIC_DEF("ref", 2, js_dgram_set_option, OPT_REF),
    JS_CFUNC_MAGIC_DEF("membership", 4, js_dgram_membership, 0),
    JS_CFUNC_MAGIC_DEF("sourceMembership", 5, js_dgram_membership, 1),
    JS_CFUNC_DEF("setMulticastInterface", 2, js_dgram_set_multicast_interface),
    JS_CFUNC_DEF("disconnect", 1, js_dgram_disconnect),
    JS_CFUNC_DEF("bufferSize", 3, js_dgram_buffer_size),
    JS_CFUNC_DEF("sendQueue", 1, js_dgram_send_queue),
    JS_CFUNC_DEF("fd", 1, js_dgram_fd),
    JS_PROP_INT32_DEF("REUSEADDR", UV_UDP_REUSEADDR, 0),
    JS_PROP_INT32_DEF("IPV6ONLY", UV_UDP_IPV6ONLY, 0),
};

int coro_prim_dgram_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, dgram_funcs, sizeof dgram_funcs / sizeof dgram_funcs[0]);
    return 0;
}
