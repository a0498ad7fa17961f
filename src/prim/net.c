/*
 * prim/net.c: __primordials.net, TCP and Unix-domain stream sockets.
 *
 * A connected socket is a uvstream (core/stream.c): reading, writing, timeouts
 * and closing are the core's, and __primordials.stream's bindings serve
 * sockets as they serve any stream. This file makes them: connect, listen
 * and accept, addresses and TCP options.
 *
 * A listening socket is ours, not libuv's: accept4() is called from a
 * uv_poll_t callback. When it fails for lack of descriptors (EMFILE, ENFILE)
 * the server stops polling and retries a little later, leaving connections
 * waiting in the kernel's backlog; libuv's own server would accept and drop
 * them instead. Each accepted connection gets a fiber of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "prim.h"
#include "net.h"
#include "core/binding.h"
#include "core/run.h"
#include "core/stream.h"

#define ACCEPT_RETRY_MS 100   /* after EMFILE and friends */
#define DEFAULT_BACKLOG 511

typedef coro_uvstream js_socket;  /* a connected socket */

typedef struct js_server {
    coro_handle h;
    uv_poll_t poll;
    uv_timer_t retry;
    int fd;
    int kind;           /* CORO_UV_TCP or CORO_UV_PIPE */
    int closed;
    int open_handles;   /* poll and retry, until their close callbacks */
    JSValue on_connection;
    coro_waitq serving; /* the fiber blocked in serve() */
    char *path;         /* a Unix socket's path, removed on close */
} js_server;

static void server_close_handle(coro_handle *h);

static const coro_handle_type socket_type = { "Socket", coro_stream_handle_close, &coro_stream_type };
static const coro_handle_type server_type = { "Server", server_close_handle, NULL };

/* ------------------------------------------------------------------ */
/* the socket bindings */

/* A new socket of the isolate, its libuv handle initialised, or NULL. */
static js_socket *socket_new(coro_isolate *iso, int kind)
{
    js_socket *s = calloc(1, sizeof *s);

    if (!s || coro_uvstream_init(s, iso, &socket_type, kind, -1) < 0)
        return NULL;
    return s;
}

/* close(id): for sockets and servers alike. Closing twice is an EBADF. */
static JSValue js_net_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_handle *h;
    uint64_t id;

    if (coro_arg_handle_id(ctx, argv[0], &id) < 0)
        return JS_EXCEPTION;
    h = coro_handles_get(&iso->handles, id, &coro_stream_type);
    if (!h)
        h = coro_handles_get(&iso->handles, id, &server_type);
    if (!h)
        return coro_throw_bad_handle(ctx, &socket_type);
    coro_handle_close(&iso->handles, h);
    return JS_UNDEFINED;
}

enum { OPT_NODELAY, OPT_KEEPALIVE, OPT_RESET };

/* A linger of 0 seconds: closing the socket then resets the connection (RST)
   instead of ending it (FIN). */
static int set_reset_on_close(js_socket *s)
{
    struct linger l = { 1, 0 };
    uv_os_fd_t fd;
    int r = uv_fileno(&s->u.handle, &fd);

    if (r == 0 && setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l) < 0)
        r = -errno;
    return r;
}

/* setNoDelay(id, on), setKeepAlive(id, on, delayMs), resetOnClose(id) */
static JSValue js_net_set_option(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                 int magic)
{
    js_socket *s = (js_socket *)coro_arg_handle(ctx, argv[0], &socket_type);
    uint64_t delay = 0;
    int on, r;

    if (!s)
        return JS_EXCEPTION;
    on = JS_ToBool(ctx, argv[1]);
    if (magic == OPT_KEEPALIVE && !JS_IsUndefined(argv[2]) &&
        coro_arg_ms(ctx, argv[2], "initialDelay", &delay) < 0)
        return JS_EXCEPTION;
    if (s->kind != CORO_UV_TCP)
        return JS_UNDEFINED; /* meaningless for Unix sockets, as in Node */
    if (magic == OPT_RESET)
        r = set_reset_on_close(s);
    else if (magic == OPT_NODELAY)
        r = uv_tcp_nodelay(&s->u.tcp, on);
    else
        r = uv_tcp_keepalive(&s->u.tcp, on, (unsigned)((delay + 999) / 1000));
    if (r < 0)
        return coro_throw_uv(ctx, r, "setsockopt", NULL, NULL);
    return JS_UNDEFINED;
}

/* ------------------------------------------------------------------ */
/* addresses */

JSValue coro_sockaddr_object(JSContext *ctx, const struct sockaddr_storage *ss)
{
    char ip[INET6_ADDRSTRLEN] = "";
    JSValue o = JS_NewObject(ctx);
    int port;

    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        uv_ip6_name(a, ip, sizeof ip);
        port = ntohs(a->sin6_port);
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        uv_ip4_name(a, ip, sizeof ip);
        port = ntohs(a->sin_port);
    }
    JS_SetPropertyStr(ctx, o, "address", JS_NewString(ctx, ip));
    JS_SetPropertyStr(ctx, o, "family", JS_NewString(ctx, ss->ss_family == AF_INET6 ? "IPv6" : "IPv4"));
    JS_SetPropertyStr(ctx, o, "port", JS_NewInt32(ctx, port));
    return o;
}

/* address(id, remote) -> { address, family, port }, or the path of a Unix
   socket, or undefined when not known (a peer that is gone) */
static JSValue js_net_address(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_socket *s = (js_socket *)coro_arg_handle(ctx, argv[0], &socket_type);
    struct sockaddr_storage ss;
    int len = sizeof ss, remote = JS_ToBool(ctx, argv[1]), r;

    if (!s)
        return JS_EXCEPTION;
    if (s->kind == CORO_UV_PIPE) {
        char path[256];
        size_t plen = sizeof path;
        r = remote ? uv_pipe_getpeername(&s->u.pipe, path, &plen)
                   : uv_pipe_getsockname(&s->u.pipe, path, &plen);
        return r < 0 ? JS_UNDEFINED : JS_NewStringLen(ctx, path, plen);
    }
    r = remote ? uv_tcp_getpeername(&s->u.tcp, (struct sockaddr *)&ss, &len)
               : uv_tcp_getsockname(&s->u.tcp, (struct sockaddr *)&ss, &len);
    return r < 0 ? JS_UNDEFINED : coro_sockaddr_object(ctx, &ss);
}

int coro_sockaddr_parse(const char *host, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0)
        return 0;
    if (uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0)
        return 0;
    return -1;
}

static int arg_port(JSContext *ctx, JSValueConst v, int64_t *port)
{
    return coro_arg_integer(ctx, v, "port", 0, 65535, port);
}

/* An IP literal argument, with a clear error if it is something else. */
static int arg_address(JSContext *ctx, JSValueConst host_v, int port, const char **host,
                       struct sockaddr_storage *ss)
{
    *host = coro_arg_string(ctx, host_v, "host", NULL);
    if (!*host)
        return -1;
    if (coro_sockaddr_parse(*host, port, ss) < 0) {
        coro_throw_code(ctx, "ERR_INVALID_IP_ADDRESS", "Invalid IP address: %s", *host);
        JS_FreeCString(ctx, *host);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* connecting */

/* Bind a TCP socket about to connect to localIp:localPort (node:net's
   localAddress and localPort options). */
static int bind_local(JSContext *ctx, js_socket *s, JSValueConst ip_v, JSValueConst port_v)
{
    struct sockaddr_storage ss;
    const char *ip;
    int64_t port = 0;
    int r;

    if (!JS_IsUndefined(port_v) && arg_port(ctx, port_v, &port) < 0)
        return -1;
    if (arg_address(ctx, ip_v, (int)port, &ip, &ss) < 0)
        return -1;
    r = uv_tcp_bind(&s->u.tcp, (struct sockaddr *)&ss, 0);
    if (r < 0)
        coro_throw_net(ctx, r, "bind", ip, (int)port);
    JS_FreeCString(ctx, ip);
    return r < 0 ? -1 : 0;
}

/* connect(ip, port, timeoutMs, localIp, localPort) / connect(path, undefined,
   timeoutMs) -> id */
static JSValue js_net_connect(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int unix_path = JS_IsUndefined(argv[1]);
    struct sockaddr_storage ss;
    const char *host = NULL;
    int64_t port = -1;
    uint64_t timeout = 0;
    uv_connect_t req;
    coro_op op;
    js_socket *s;
    JSValue ret;
    int st;

    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "connect"))
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[2]) && coro_arg_ms(ctx, argv[2], "timeout", &timeout) < 0)
        return JS_EXCEPTION;
    if (unix_path) {
        host = coro_arg_path(ctx, argv[0], "path");
        if (!host)
            return JS_EXCEPTION;
    } else if (arg_port(ctx, argv[1], &port) < 0 ||
               arg_address(ctx, argv[0], (int)port, &host, &ss) < 0) {
        return JS_EXCEPTION;
    }
    s = socket_new(iso, unix_path ? CORO_UV_PIPE : CORO_UV_TCP);
    if (!s) {
        JS_FreeCString(ctx, host);
        return JS_ThrowOutOfMemory(ctx);
    }
    if (!unix_path && argc > 3 && !JS_IsUndefined(argv[3]) && bind_local(ctx, s, argv[3], argv[4]) < 0) {
        coro_stream_close(&s->s);
        JS_FreeCString(ctx, host);
        return JS_EXCEPTION;
    }
    coro_stream_retain(&s->s);
    coro_op_init(&op);
    req.data = &op;
    if (unix_path) {
        uv_pipe_connect(&req, &s->u.pipe, host, coro_uvstream_connect_cb);
        st = 0;
    } else {
        st = uv_tcp_connect(&req, &s->u.tcp, (struct sockaddr *)&ss, coro_uvstream_connect_cb);
    }
    if (st == 0)
        st = coro_uvstream_wait(ctx, s, &op, timeout);
    if (st == 0 && s->kind == CORO_UV_TCP)
        uv_tcp_nodelay(&s->u.tcp, 1);
    if (st == 0) {
        ret = JS_NewBigUint64(ctx, s->s.h.id);
    } else {
        coro_stream_close(&s->s);
        ret = st == CORO_ETERMINATED ? JS_EXCEPTION
                                     : coro_throw_net(ctx, st, "connect", host, (int)port);
    }
    coro_stream_release(&s->s);
    JS_FreeCString(ctx, host);
    return ret;
}

/* ------------------------------------------------------------------ */
/* servers */

static void server_handle_closed(uv_handle_t *handle)
{
    js_server *srv = handle->data;

    if (--srv->open_handles == 0) {
        free(srv->path);
        free(srv);
    }
}

static void server_close_handle(coro_handle *h)
{
    js_server *srv = (js_server *)h;

    if (srv->closed)
        return;
    srv->closed = 1;
    JS_FreeValue(h->iso->ctx, srv->on_connection);
    srv->on_connection = JS_UNDEFINED;
    uv_close((uv_handle_t *)&srv->poll, server_handle_closed);
    uv_close((uv_handle_t *)&srv->retry, server_handle_closed);
    close(srv->fd);
    if (srv->path)
        unlink(srv->path);
    coro_waitq_close(&srv->serving, 0);
}

static void accept_cb(uv_poll_t *poll, int status, int events);

static void retry_cb(uv_timer_t *t)
{
    js_server *srv = t->data;

    uv_poll_start(&srv->poll, UV_READABLE, accept_cb);
}

/* Stop accepting for a while: out of descriptors or memory. */
static void pause_accepting(js_server *srv)
{
    uv_poll_stop(&srv->poll);
    uv_timer_start(&srv->retry, retry_cb, ACCEPT_RETRY_MS, 0);
}

/* Give an accepted descriptor a socket and a fiber running the handler. */
static int start_connection(js_server *srv, int fd)
{
    coro_isolate *iso = srv->h.iso;
    JSContext *ctx = iso->ctx;
    js_socket *s = socket_new(iso, srv->kind);
    JSValue args;
    int r;

    if (!s)
        return UV_ENOMEM;
    r = srv->kind == CORO_UV_TCP ? uv_tcp_open(&s->u.tcp, fd) : uv_pipe_open(&s->u.pipe, fd);
    if (r < 0) {
        close(fd);
        coro_stream_close(&s->s);
        return r;
    }
    if (srv->kind == CORO_UV_TCP)
        uv_tcp_nodelay(&s->u.tcp, 1);
    args = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, args, 0, JS_NewBigUint64(ctx, s->s.h.id));
    r = coro_spawn_call(iso, srv->on_connection, JS_UNDEFINED, args);
    JS_FreeValue(ctx, args);
    if (r < 0)
        coro_stream_close(&s->s);
    return r;
}

static void accept_cb(uv_poll_t *poll, int status, int events)
{
    js_server *srv = poll->data;

    while (!srv->closed) {
        int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                pause_accepting(srv);
            return; /* EAGAIN: all taken */
        }
        if (start_connection(srv, fd) < 0) {
            /* no fiber for it (out of memory or mappings): take a breath */
            if (!uv_is_closing((uv_handle_t *)&srv->poll))
                pause_accepting(srv);
            return;
        }
    }
}

/* A socket bound to addr, listening if backlog > 0, not yet polled: its
   descriptor or -errno. */
static int open_listener(int family, const struct sockaddr *addr, socklen_t len, int backlog,
                         int reuse_port, int ipv6_only)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

    if (fd < 0)
        return -errno;
    if (family != AF_UNIX)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0)
        goto fail;
    if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &ipv6_only, sizeof ipv6_only) < 0)
        goto fail;
    if (bind(fd, addr, len) < 0 || (backlog > 0 && listen(fd, backlog) < 0))
        goto fail;
    return fd;

fail:
    {
        int e = -errno;
        close(fd);
        return e;
    }
}

static JSValue new_server(JSContext *ctx, int fd, int kind, const char *path)
{
    js_server *srv = coro_new_handle(ctx, sizeof *srv, &server_type);

    if (!srv) {
        close(fd);
        return JS_EXCEPTION;
    }
    srv->fd = fd;
    srv->kind = kind;
    srv->on_connection = JS_UNDEFINED;
    srv->path = path ? strdup(path) : NULL;
    uv_poll_init_socket(coro_loop(), &srv->poll, fd);
    uv_timer_init(coro_loop(), &srv->retry);
    srv->poll.data = srv->retry.data = srv;
    srv->open_handles = 2;
    return JS_NewBigUint64(ctx, srv->h.id);
}

enum { LISTEN_REUSEPORT = 1, LISTEN_IPV6ONLY = 2 };
enum { LISTEN_NOW, BIND_ONLY };

/* listen(ip, port, backlog, flags) -> server id; listen(path, undefined, backlog).
   bind(ip, port, undefined, flags) / bind(path): the same server, bound but
   not listening until listenBound(id, backlog) (node:net's bind, then listen). */
static JSValue js_net_listen(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                             int magic)
{
    int unix_path = JS_IsUndefined(argv[1]);
    struct sockaddr_storage ss;
    struct sockaddr_un sun;
    const char *host = NULL;
    int64_t port = -1, backlog = DEFAULT_BACKLOG, flags = 0;
    JSValue ret;
    int fd;

    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "listen"))
        return JS_EXCEPTION;
    if ((!JS_IsUndefined(argv[2]) && coro_arg_integer(ctx, argv[2], "backlog", 1, 65535, &backlog) < 0) ||
        (!JS_IsUndefined(argv[3]) && coro_arg_integer(ctx, argv[3], "flags", 0, 3, &flags) < 0))
        return JS_EXCEPTION;
    if (unix_path) {
        host = coro_arg_path(ctx, argv[0], "path");
        if (!host)
            return JS_EXCEPTION;
        memset(&sun, 0, sizeof sun);
        sun.sun_family = AF_UNIX;
        if (strlen(host) >= sizeof sun.sun_path) {
            JS_FreeCString(ctx, host);
            return coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "Unix socket path too long");
        }
        strcpy(sun.sun_path, host);
        fd = open_listener(AF_UNIX, (struct sockaddr *)&sun, sizeof sun,
                           magic == BIND_ONLY ? 0 : (int)backlog, 0, 0);
    } else {
        if (arg_port(ctx, argv[1], &port) < 0 || arg_address(ctx, argv[0], (int)port, &host, &ss) < 0)
            return JS_EXCEPTION;
        fd = open_listener(ss.ss_family, (struct sockaddr *)&ss,
                           ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
                           magic == BIND_ONLY ? 0 : (int)backlog, flags & LISTEN_REUSEPORT,
                           (flags & LISTEN_IPV6ONLY) != 0);
    }
    if (fd < 0)
        ret = coro_throw_net(ctx, fd, magic == BIND_ONLY ? "bind" : "listen", host, (int)port);
    else
        ret = new_server(ctx, fd, unix_path ? CORO_UV_PIPE : CORO_UV_TCP, unix_path ? host : NULL);
    JS_FreeCString(ctx, host);
    return ret;
}

/* listenBound(id, backlog): a server made by bind() starts listening. */
static JSValue js_net_listen_bound(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_server *srv = (js_server *)coro_arg_handle(ctx, argv[0], &server_type);
    int64_t backlog = DEFAULT_BACKLOG;

    if (!srv)
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[1]) && coro_arg_integer(ctx, argv[1], "backlog", 1, 65535, &backlog) < 0)
        return JS_EXCEPTION;
    if (listen(srv->fd, (int)backlog) < 0)
        return coro_throw_uv(ctx, -errno, "listen", NULL, NULL);
    return JS_UNDEFINED;
}

/* serverFromFd(fd) -> server id: a server over a duplicate of a bound or
   listening socket's descriptor (node:net's listen({ fd })); listenBound
   starts it listening if it is not. */
static JSValue js_net_server_from_fd(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int64_t fd;
    int dupfd;

    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "listen"))
        return JS_EXCEPTION;
    if (coro_arg_integer(ctx, argv[0], "fd", 0, INT32_MAX, &fd) < 0)
        return JS_EXCEPTION;
    if (getsockname((int)fd, (struct sockaddr *)&ss, &len) < 0)
        return coro_throw_uv(ctx, -errno, "listen", NULL, NULL);
    dupfd = fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
    if (dupfd < 0 || fcntl(dupfd, F_SETFL, fcntl(dupfd, F_GETFL) | O_NONBLOCK) < 0) {
        int e = -errno;
        if (dupfd >= 0)
            close(dupfd);
        return coro_throw_uv(ctx, e, "listen", NULL, NULL);
    }
    return new_server(ctx, dupfd, ss.ss_family == AF_UNIX ? CORO_UV_PIPE : CORO_UV_TCP, NULL);
}

/* fd(id) -> the descriptor of a socket or server, or -1 */
static JSValue js_net_fd(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_handle *h;
    uv_os_fd_t fd = -1;
    uint64_t id;

    if (coro_arg_handle_id(ctx, argv[0], &id) < 0)
        return JS_EXCEPTION;
    if ((h = coro_handles_get(&iso->handles, id, &server_type)))
        fd = ((js_server *)h)->fd;
    else if ((h = coro_handles_get(&iso->handles, id, &coro_stream_type))) {
        coro_uvstream *u = coro_uvstream_of((coro_stream *)h);
        if (u)
            uv_fileno(&u->u.handle, &fd);
    }
    return JS_NewInt32(ctx, fd);
}

/* serverRef(id, on): whether a listening server keeps the program alive. */
static JSValue js_net_server_ref(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_server *srv = (js_server *)coro_arg_handle(ctx, argv[0], &server_type);

    if (!srv)
        return JS_EXCEPTION;
    if (JS_ToBool(ctx, argv[1])) {
        uv_ref((uv_handle_t *)&srv->poll);
        uv_ref((uv_handle_t *)&srv->retry);
    } else {
        uv_unref((uv_handle_t *)&srv->poll);
        uv_unref((uv_handle_t *)&srv->retry);
    }
    return JS_UNDEFINED;
}

/* serve(id, onConnection): accept connections, calling onConnection(socketId)
   in a new fiber for each, until the server is closed. */
static JSValue js_net_serve(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_server *srv = (js_server *)coro_arg_handle(ctx, argv[0], &server_type);
    uint64_t id;

    if (!srv || coro_arg_function(ctx, argv[1], "onConnection") < 0)
        return JS_EXCEPTION;
    if (!JS_IsUndefined(srv->on_connection))
        return coro_throw_code(ctx, "ERR_SERVER_ALREADY_LISTEN", "the server is already listening");
    srv->on_connection = JS_DupValue(ctx, argv[1]);
    uv_poll_start(&srv->poll, UV_READABLE, accept_cb);
    id = srv->h.id;
    while (coro_handles_get(&coro_isolate_of(ctx)->handles, id, &server_type)) {
        if (coro_waitq_wait(ctx, &srv->serving) == CORO_ETERMINATED)
            return JS_EXCEPTION;
    }
    return JS_UNDEFINED;
}

/* serverAddress(id) -> { address, family, port } or a path */
static JSValue js_net_server_address(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    js_server *srv = (js_server *)coro_arg_handle(ctx, argv[0], &server_type);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (!srv)
        return JS_EXCEPTION;
    if (srv->path)
        return JS_NewString(ctx, srv->path);
    if (getsockname(srv->fd, (struct sockaddr *)&ss, &len) < 0)
        return coro_throw_uv(ctx, -errno, "getsockname", NULL, NULL);
    return coro_sockaddr_object(ctx, &ss);
}

/* isIP(string) -> 4, 6 or 0 */
static JSValue js_net_is_ip(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    unsigned char buf[sizeof(struct in6_addr)];
    const char *s;
    int v = 0;

    if (!JS_IsString(argv[0]))
        return JS_NewInt32(ctx, 0);
    s = JS_ToCString(ctx, argv[0]);
    if (!s)
        return JS_EXCEPTION;
    if (uv_inet_pton(AF_INET, s, buf) == 0)
        v = 4;
    else if (uv_inet_pton(AF_INET6, s, buf) == 0)
        v = 6;
    JS_FreeCString(ctx, s);
    return JS_NewInt32(ctx, v);
}

static const JSCFunctionListEntry net_funcs[] = {
    JS_CFUNC_DEF("isIP", 1, js_net_is_ip),
    JS_CFUNC_DEF("connect", 5, js_net_connect),
    JS_CFUNC_MAGIC_DEF("listen", 4, js_net_listen, LISTEN_NOW),
    JS_CFUNC_MAGIC_DEF("bind", 4, js_net_listen, BIND_ONLY),
    JS_CFUNC_DEF("listenBound", 2, js_net_listen_bound),
    JS_CFUNC_DEF("serverRef", 2, js_net_server_ref),
    JS_CFUNC_DEF("serverFromFd", 1, js_net_server_from_fd),
    JS_CFUNC_DEF("fd", 1, js_net_fd),
    JS_CFUNC_DEF("serve", 2, js_net_serve),
    JS_CFUNC_DEF("serverAddress", 1, js_net_server_address),
    JS_CFUNC_DEF("close", 1, js_net_close),
    JS_CFUNC_MAGIC_DEF("setNoDelay", 2, js_net_set_option, OPT_NODELAY),
    JS_CFUNC_MAGIC_DEF("setKeepAlive", 3, js_net_set_option, OPT_KEEPALIVE),
    JS_CFUNC_MAGIC_DEF("resetOnClose", 1, js_net_set_option, OPT_RESET),
    JS_CFUNC_DEF("address", 2, js_net_address),
};

int coro_prim_net_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, net_funcs, sizeof net_funcs / sizeof net_funcs[0]);
    return 0;
}
