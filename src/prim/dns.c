/*
 * prim/dns.c: __primordials.dns, name resolution.
 *
 * Queries go through c-ares, driven by the loop: c-ares tells us which
 * sockets it wants watched (sock_state_cb), a uv_poll_t per socket hands
 * their events back to ares_process_fd, and one uv_timer_t per channel fires
 * when ares_timeout says the next retry or timeout is due. A channel is a
 * Resolver handle; the library makes one per Resolver object, so all state
 * is per isolate.
 *
 * A query is parked on by its fiber. The c-ares callback only records the
 * result and lists the query as done; the fibers are woken after c-ares has
 * returned (resolver_flush), never from inside it, because a woken fiber runs
 * at once and may start queries or close the channel. A fiber that leaves
 * before its query ends (its isolate is torn down) abandons the query, which
 * the callback then frees: c-ares calls every callback exactly once, at the
 * latest from ares_destroy when the channel closes.
 *
 * lookup() is getaddrinfo and lookupService() getnameinfo on libuv's thread
 * pool, like prim/fs.c: the request lives on the parked fiber's stack and the
 * fiber waits for it even while its isolate is torn down.
 */
#include <ares.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "prim.h"
#include "core/binding.h"
#include "core/isolate.h"
#include "net.h"

typedef struct dns_resolver dns_resolver;

typedef struct dns_query {
    struct dns_query *next, *prev; /* in r->done until its fiber is woken */
    dns_resolver *r;
    coro_fiber *fiber;  /* NULL once abandoned: the callback frees the query */
    int done;           /* the callback has run */
    int queued;         /* listed in r->done (r is alive while it is) */
    int status;         /* ARES_SUCCESS or ARES_E* */
    unsigned char *answer;
    int len;
} dns_query;

typedef struct dns_poll {
    uv_poll_t poll;
    struct dns_poll *next;
    dns_resolver *r;
    ares_socket_t fd;
} dns_poll;

struct dns_resolver {
    coro_handle h;
    ares_channel channel;  /* NULL once closed */
    uv_timer_t timer;
    dns_poll *polls;       /* one per socket c-ares watches */
    dns_query *done_head, *done_tail;
    unsigned pending;      /* queries whose callback has not run */
    int nservers;
    int refs;              /* the open handle, each libuv handle, each flush */
};

static void resolver_close(coro_handle *h);

static const coro_handle_type resolver_type = { "Resolver", resolver_close, NULL };

/* ------------------------------------------------------------------ */
/* the channel on the loop */

static void resolver_unref(dns_resolver *r)
{
    dns_query *q;

    if (--r->refs > 0)
        return;
    while ((q = r->done_head)) { /* their fibers find them done, unlisted */
        r->done_head = q->next;
        q->queued = 0;
    }
    free(r);
}

static void done_unlink(dns_resolver *r, dns_query *q)
{
    if (q->prev)
        q->prev->next = q->next;
    else
        r->done_head = q->next;
    if (q->next)
        q->next->prev = q->prev;
    else
        r->done_tail = q->prev;
    q->next = q->prev = NULL;
    q->queued = 0;
}

/* Wake the fibers of finished queries, outside any c-ares call: all are
   made ready first, then run. One may close r, so r is held meanwhile. */
static void resolver_flush(dns_resolver *r)
{
    dns_query *q;

    r->refs++;
    while ((q = r->done_head)) {
        done_unlink(r, q);
        coro_fiber_wake_later(q->fiber, 0);
    }
    coro_sched_run();
    resolver_unref(r);
}

static void timer_fired(uv_timer_t *t);

/* Arm the timer for c-ares' next deadline, if it has one. */
static void resolver_arm_timer(dns_resolver *r)
{
    struct timeval tv, *next;

    if (!r->channel)
        return;
    next = ares_timeout(r->channel, NULL, &tv);
    if (!next) {
        uv_timer_stop(&r->timer);
        return;
    }
    uv_timer_start(&r->timer, timer_fired,
                   (uint64_t)next->tv_sec * 1000 + ((uint64_t)next->tv_usec + 999) / 1000, 0);
}

static void resolver_process(dns_resolver *r, ares_socket_t rfd, ares_socket_t wfd)
{
    if (!r->channel)
        return;
    r->refs++;
    ares_process_fd(r->channel, rfd, wfd);
    resolver_arm_timer(r);
    resolver_flush(r);
    resolver_unref(r);
}

static void timer_fired(uv_timer_t *t)
{
    resolver_process(t->data, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

static void poll_ready(uv_poll_t *h, int status, int events)
{
    dns_poll *p = h->data;
    ares_socket_t rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;

    if (status < 0) { /* let c-ares read the error */
        rfd = wfd = p->fd;
    } else {
        if (events & UV_READABLE)
            rfd = p->fd;
        if (events & UV_WRITABLE)
            wfd = p->fd;
    }
    resolver_process(p->r, rfd, wfd);
}

static void poll_closed(uv_handle_t *h)
{
    dns_poll *p = h->data;
    dns_resolver *r = p->r;

    free(p);
    resolver_unref(r);
}

/* c-ares opens, watches and closes its sockets through this. A socket whose
   poll handle cannot be made is left to time out. */
static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    dns_resolver *r = data;
    dns_poll *p, **pp;

    for (pp = &r->polls; (p = *pp) && p->fd != fd; pp = &p->next)
        ;
    if (!readable && !writable) {
        if (p) {
            *pp = p->next; /* a new socket may reuse the descriptor at once */
            uv_close((uv_handle_t *)&p->poll, poll_closed);
        }
        return;
    }
    if (!p) {
        p = malloc(sizeof *p);
        if (!p)
            return;
        if (uv_poll_init_socket(coro_loop(), &p->poll, fd) < 0) {
            free(p);
            return;
        }
        p->poll.data = p;
        p->r = r;
        p->fd = fd;
        p->next = r->polls;
        r->polls = p;
        r->refs++;
    }
    uv_poll_start(&p->poll, (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0), poll_ready);
}

static void timer_closed(uv_handle_t *h)
{
    resolver_unref(h->data);
}

/* Closing ends every pending query with ARES_EDESTRUCTION and wakes its fiber. */
static void resolver_close(coro_handle *h)
{
    dns_resolver *r = (dns_resolver *)h;
    ares_channel channel = r->channel;

    r->refs++;
    r->channel = NULL;
    ares_destroy(channel); /* runs the callbacks, closes the sockets */
    uv_close((uv_handle_t *)&r->timer, timer_closed);
    resolver_flush(r);
    r->refs--; /* the open handle's; the timer and the polls drop theirs when closed */
    resolver_unref(r);
}

/* ------------------------------------------------------------------ */
/* errors */

static const char *const ares_codes[] = {
    [ARES_ENODATA] = "ENODATA",
    [ARES_EFORMERR] = "EFORMERR",
    [ARES_ESERVFAIL] = "ESERVFAIL",
    [ARES_ENOTFOUND] = "ENOTFOUND",
    [ARES_ENOTIMP] = "ENOTIMP",
    [ARES_EREFUSED] = "EREFUSED",
    [ARES_EBADQUERY] = "EBADQUERY",
    [ARES_EBADNAME] = "EBADNAME",
    [ARES_EBADFAMILY] = "EBADFAMILY",
    [ARES_EBADRESP] = "EBADRESP",
    [ARES_ECONNREFUSED] = "ECONNREFUSED",
    [ARES_ETIMEOUT] = "ETIMEOUT",
    [ARES_EOF] = "EOF",
    [ARES_EFILE] = "EFILE",
    [ARES_ENOMEM] = "ENOMEM",
    [ARES_EDESTRUCTION] = "EDESTRUCTION",
    [ARES_EBADSTR] = "EBADSTR",
    [ARES_EBADFLAGS] = "EBADFLAGS",
    [ARES_ENONAME] = "ENONAME",
    [ARES_EBADHINTS] = "EBADHINTS",
    [ARES_ENOTINITIALIZED] = "ENOTINITIALIZED",
    [ARES_ELOADIPHLPAPI] = "ELOADIPHLPAPI",
    [ARES_EADDRGETNETWORKPARAMS] = "EADDRGETNETWORKPARAMS",
    [ARES_ECANCELLED] = "ECANCELLED",
};

/* Error "<syscall> <code> <hostname>" with code, syscall and hostname, as
   Node words DNS failures. */
static JSValue dns_throw(JSContext *ctx, const char *code, int err, const char *syscall,
                         const char *hostname)
{
    JSValue e = JS_NewError(ctx);
    char msg[1200];

    snprintf(msg, sizeof msg, "%s %s %s", syscall, code, hostname);
    JS_SetPropertyStr(ctx, e, "message", JS_NewString(ctx, msg));
    if (err)
        JS_SetPropertyStr(ctx, e, "errno", JS_NewInt32(ctx, err));
    JS_SetPropertyStr(ctx, e, "code", JS_NewString(ctx, code));
    JS_SetPropertyStr(ctx, e, "syscall", JS_NewString(ctx, syscall));
    JS_SetPropertyStr(ctx, e, "hostname", JS_NewString(ctx, hostname));
    return JS_Throw(ctx, e);
}

/* Node's name for a c-ares status: ENOTFOUND for ARES_ENOTFOUND. */
static const char *ares_code(int status)
{
    if (status > 0 && (size_t)status < sizeof ares_codes / sizeof ares_codes[0] && ares_codes[status])
        return ares_codes[status];
    return "EBADRESP";
}

static JSValue ares_throw(JSContext *ctx, int status, const char *syscall, const char *hostname)
{
    return dns_throw(ctx, ares_code(status), 0, syscall, hostname);
}

/* ------------------------------------------------------------------ */
/* answers, as Node's resolve* return them */

static JSValue new_str(JSContext *ctx, const char *s)
{
    return coro_new_string_utf8(ctx, (const uint8_t *)s, strlen(s), 0);
}

/* Names from the network may be any bytes: invalid UTF-8 becomes U+FFFD. */
static void set_text(JSContext *ctx, JSValueConst o, const char *key, const char *s)
{
    JS_SetPropertyStr(ctx, o, key, new_str(ctx, s));
}

static void set_int(JSContext *ctx, JSValueConst o, const char *key, double v)
{
    JS_SetPropertyStr(ctx, o, key, JS_NewFloat64(ctx, v));
}

#define MAX_ADDRS 256

static int parse_addrs(JSContext *ctx, const dns_query *q, int af, int ttl, JSValue *out)
{
    struct ares_addrttl a4[MAX_ADDRS];
    struct ares_addr6ttl a6[MAX_ADDRS];
    char ip[INET6_ADDRSTRLEN];
    int n = MAX_ADDRS, st;

    if (af == AF_INET)
        st = ares_parse_a_reply(q->answer, q->len, NULL, a4, &n);
    else
        st = ares_parse_aaaa_reply(q->answer, q->len, NULL, a6, &n);
    if (st != ARES_SUCCESS)
        return st;
    *out = JS_NewArray(ctx);
    for (int i = 0; i < n; i++) {
        JSValue v;
        if (af == AF_INET)
            uv_inet_ntop(AF_INET, &a4[i].ipaddr, ip, sizeof ip);
        else
            uv_inet_ntop(AF_INET6, &a6[i].ip6addr, ip, sizeof ip);
        if (ttl) {
            v = JS_NewObject(ctx);
            set_text(ctx, v, "address", ip);
            set_int(ctx, v, "ttl", af == AF_INET ? a4[i].ttl : a6[i].ttl);
        } else {
            v = JS_NewString(ctx, ip);
        }
        JS_SetPropertyUint32(ctx, *out, (uint32_t)i, v);
    }
    return ARES_SUCCESS;
}

/* The names of a hostent: its aliases (NS, PTR) or its name (CNAME). */
static int parse_names(JSContext *ctx, const dns_query *q, int type, JSValue *out)
{
    struct hostent *host = NULL;
    uint32_t n = 0;
    int st;

    if (type == 2)
        st = ares_parse_ns_reply(q->answer, q->len, &host);
    else if (type == 12)
        st = ares_parse_ptr_reply(q->answer, q->len, NULL, 0, AF_INET, &host);
    else
        st = ares_parse_a_reply(q->answer, q->len, &host, NULL, NULL);
    if (st != ARES_SUCCESS)
        return st;
    *out = JS_NewArray(ctx);
    if (type == 5) {
        if (host->h_name)
            JS_SetPropertyUint32(ctx, *out, n++, new_str(ctx, host->h_name));
    } else {
        for (char **a = host->h_aliases; a && *a; a++)
            JS_SetPropertyUint32(ctx, *out, n++, new_str(ctx, *a));
    }
    ares_free_hostent(host);
    return ARES_SUCCESS;
}

static int parse_mx(JSContext *ctx, const dns_query *q, JSValue *out)
{
    struct ares_mx_reply *list, *p;
    uint32_t n = 0;
    int st = ares_parse_mx_reply(q->answer, q->len, &list);

    if (st != ARES_SUCCESS)
        return st;
    *out = JS_NewArray(ctx);
    for (p = list; p; p = p->next) {
        JSValue o = JS_NewObject(ctx);
        set_text(ctx, o, "exchange", p->host);
        set_int(ctx, o, "priority", p->priority);
        JS_SetPropertyUint32(ctx, *out, n++, o);
    }
    ares_free_data(list);
    return ARES_SUCCESS;
}

/* TXT: one array of strings per record, its chunks as sent. */
static int parse_txt(JSContext *ctx, const dns_query *q, JSValue *out)
{
    struct ares_txt_ext *list, *p;
    JSValue rec = JS_UNDEFINED;
    uint32_t n = 0, k = 0;
    int st = ares_parse_txt_reply_ext(q->answer, q->len, &list);

    if (st != ARES_SUCCESS)
        return st;
    *out = JS_NewArray(ctx);
    for (p = list; p; p = p->next) {
        if (p->record_start || JS_IsUndefined(rec)) {
            rec = JS_NewArray(ctx);
            JS_SetPropertyUint32(ctx, *out, n++, JS_DupValue(ctx, rec));
            JS_FreeValue(ctx, rec);
            k = 0;
        }
        JS_SetPropertyUint32(ctx, rec, k++, coro_new_string_utf8(ctx, p->txt, p->length, 0));
    }
    ares_free_data(list);
    return ARES_SUCCESS;
}

static int parse_srv(JSContext *ctx, const dns_query *q, JSValue *out)
{
    struct ares_srv_reply *list, *p;
    uint32_t n = 0;
    int st = ares_parse_srv_reply(q->answer, q->len, &list);

    if (st != ARES_SUCCESS)
        return st;
    *out = JS_NewArray(ctx);
    for (p = list; p; p = p->next) {
        JSValue o = JS_NewObject(ctx);
        set_text(ctx, o, "name", p->host);
        set_int(ctx, o, "port", p->port);
        set_int(ctx, o, "priority", p->priority);
        set_int(ctx, o, "weight", p->weight);
        JS_SetPropertyUint32(ctx, *out, n++, o);
    }
    ares_free_data(list);
    return ARES_SUCCESS;
}

static int parse_soa(JSContext *ctx, const dns_query *q, JSValue *out)
{
    struct ares_soa_reply *soa;
    int st = ares_parse_soa_reply(q->answer, q->len, &soa);

    if (st != ARES_SUCCESS)
        return st;
    *out = JS_NewObject(ctx);
    set_text(ctx, *out, "nsname", soa->nsname);
    set_text(ctx, *out, "hostmaster", soa->hostmaster);
    set_int(ctx, *out, "serial", soa->serial);
    set_int(ctx, *out, "refresh", soa->refresh);
    set_int(ctx, *out, "retry", soa->retry);
    set_int(ctx, *out, "expire", soa->expire);
    set_int(ctx, *out, "minttl", soa->minttl);
    ares_free_data(soa);
    return ARES_SUCCESS;
}

/* CAA: { critical, <tag>: value }, e.g. { critical: 0, issue: 'ca.example' }. */
static int parse_caa(JSContext *ctx, const dns_query *q, JSValue *out)
{
    struct ares_caa_reply *list, *p;
    uint32_t n = 0;
    int st = ares_parse_caa_reply(q->answer, q->len, &list);

    if (st != ARES_SUCCESS)
        return st;
    *out = JS_NewArray(ctx);
    for (p = list; p; p = p->next) {
        JSValue o = JS_NewObject(ctx);
        JSAtom tag = JS_NewAtomLen(ctx, (const char *)p->property, p->plength);
        set_int(ctx, o, "critical", p->critical);
        JS_SetProperty(ctx, o, tag, coro_new_string_utf8(ctx, p->value, p->length, 0));
        JS_FreeAtom(ctx, tag);
        JS_SetPropertyUint32(ctx, *out, n++, o);
    }
    ares_free_data(list);
    return ARES_SUCCESS;
}

static int parse_naptr(JSContext *ctx, const dns_query *q, JSValue *out)
{
    struct ares_naptr_reply *list, *p;
    uint32_t n = 0;
    int st = ares_parse_naptr_reply(q->answer, q->len, &list);

    if (st != ARES_SUCCESS)
        return st;
    *out = JS_NewArray(ctx);
    for (p = list; p; p = p->next) {
        JSValue o = JS_NewObject(ctx);
        set_text(ctx, o, "flags", (const char *)p->flags);
        set_text(ctx, o, "service", (const char *)p->service);
        set_text(ctx, o, "regexp", (const char *)p->regexp);
        set_text(ctx, o, "replacement", p->replacement);
        set_int(ctx, o, "order", p->order);
        set_int(ctx, o, "preference", p->preference);
        JS_SetPropertyUint32(ctx, *out, n++, o);
    }
    ares_free_data(list);
    return ARES_SUCCESS;
}

enum { RR_A, RR_AAAA, RR_CAA, RR_CNAME, RR_MX, RR_NAPTR, RR_NS, RR_PTR, RR_SOA, RR_SRV, RR_TXT };

static const struct {
    const char *name;
    int type;             /* on the wire */
    const char *syscall;  /* in errors, as Node names them */
} rr_types[] = {
    [RR_A] = { "A", 1, "queryA" },
    [RR_AAAA] = { "AAAA", 28, "queryAaaa" },
    [RR_CAA] = { "CAA", 257, "queryCaa" },
    [RR_CNAME] = { "CNAME", 5, "queryCname" },
    [RR_MX] = { "MX", 15, "queryMx" },
    [RR_NAPTR] = { "NAPTR", 35, "queryNaptr" },
    [RR_NS] = { "NS", 2, "queryNs" },
    [RR_PTR] = { "PTR", 12, "queryPtr" },
    [RR_SOA] = { "SOA", 6, "querySoa" },
    [RR_SRV] = { "SRV", 33, "querySrv" },
    [RR_TXT] = { "TXT", 16, "queryTxt" },
};

static int parse_answer(JSContext *ctx, const dns_query *q, int rr, int ttl, JSValue *out)
{
    switch (rr) {
    case RR_A:
        return parse_addrs(ctx, q, AF_INET, ttl, out);
    case RR_AAAA:
        return parse_addrs(ctx, q, AF_INET6, ttl, out);
    case RR_CNAME:
    case RR_NS:
    case RR_PTR:
        return parse_names(ctx, q, rr_types[rr].type, out);
    case RR_MX:
        return parse_mx(ctx, q, out);
    case RR_TXT:
        return parse_txt(ctx, q, out);
    case RR_SRV:
        return parse_srv(ctx, q, out);
    case RR_SOA:
        return parse_soa(ctx, q, out);
    case RR_CAA:
        return parse_caa(ctx, q, out);
    default:
        return parse_naptr(ctx, q, out);
    }
}

/* ------------------------------------------------------------------ */
/* channels and queries */

/* channel(timeoutMs, tries) -> id; a negative timeout or tries keeps
   c-ares' default */
static JSValue js_dns_channel(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static int library_ready; /* process-wide, holds no JS state */
    struct ares_addr_port_node *servers;
    struct ares_options opts;
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS;
    int64_t timeout, tries;
    dns_resolver *r;
    int st;

    if (coro_arg_integer(ctx, argv[0], "timeout", -1, INT32_MAX, &timeout) < 0 ||
        coro_arg_integer(ctx, argv[1], "tries", -1, INT32_MAX, &tries) < 0)
        return JS_EXCEPTION;
    if (!library_ready) {
        st = ares_library_init(ARES_LIB_INIT_ALL);
        if (st != ARES_SUCCESS)
            return coro_throw_code(ctx, ares_code(st), "c-ares: %s", ares_strerror(st));
        library_ready = 1;
    }
    r = coro_new_handle(ctx, sizeof *r, &resolver_type);
    if (!r)
        return JS_EXCEPTION;
    memset(&opts, 0, sizeof opts);
    opts.sock_state_cb = sock_state;
    opts.sock_state_cb_data = r;
    opts.flags = ARES_FLAG_NOCHECKRESP; /* report REFUSED and SERVFAIL, as Node does */
    if (timeout >= 0) {
        opts.timeout = (int)timeout;
        mask |= ARES_OPT_TIMEOUTMS;
    }
    if (tries > 0) {
        opts.tries = (int)tries;
        mask |= ARES_OPT_TRIES;
    }
    st = ares_init_options(&r->channel, &opts, mask);
    if (st != ARES_SUCCESS) {
        coro_handles_remove(&coro_isolate_of(ctx)->handles, &r->h);
        free(r);
        return coro_throw_code(ctx, ares_code(st), "c-ares: %s", ares_strerror(st));
    }
    if (ares_get_servers_ports(r->channel, &servers) == ARES_SUCCESS) {
        for (struct ares_addr_port_node *p = servers; p; p = p->next)
            r->nservers++;
        ares_free_data(servers);
    }
    uv_timer_init(coro_loop(), &r->timer);
    r->timer.data = r;
    r->refs = 2; /* the open handle and the timer */
    return JS_NewBigUint64(ctx, r->h.id);
}

static void query_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    dns_query *q = arg;
    dns_resolver *r = q->r;

    r->pending--;
    if (!q->fiber) { /* abandoned by its fiber */
        free(q);
        return;
    }
    q->done = 1;
    q->status = status;
    if (status == ARES_SUCCESS) {
        q->answer = malloc(alen > 0 ? (size_t)alen : 1);
        if (q->answer) {
            memcpy(q->answer, abuf, (size_t)alen);
            q->len = alen;
        } else {
            q->status = ARES_ENOMEM;
        }
    }
    q->prev = r->done_tail;
    q->next = NULL;
    if (r->done_tail)
        r->done_tail->next = q;
    else
        r->done_head = q;
    r->done_tail = q;
    q->queued = 1;
}

static int rr_index(JSContext *ctx, JSValueConst v)
{
    const char *s = coro_arg_string(ctx, v, "rrtype", NULL);
    int i = -1;

    if (!s)
        return -1;
    for (size_t k = 0; k < sizeof rr_types / sizeof rr_types[0]; k++) {
        if (strcmp(s, rr_types[k].name) == 0)
            i = (int)k;
    }
    if (i < 0)
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "The argument 'rrtype' is invalid. Received '%s'", s);
    JS_FreeCString(ctx, s);
    return i;
}

/* query(id, hostname, rrtype, ttl) -> the answer, as Node's resolve* gives it */
static JSValue js_dns_query(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue ret = JS_EXCEPTION;
    dns_resolver *r;
    dns_query *q;
    const char *name;
    size_t len;
    int rr, st;

    rr = rr_index(ctx, argv[2]);
    if (rr < 0)
        return JS_EXCEPTION;
    name = coro_arg_string(ctx, argv[1], "hostname", &len);
    if (!name)
        return JS_EXCEPTION;
    if (strlen(name) != len) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "The argument 'hostname' must not contain NUL");
        goto out;
    }
    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "DNS resolution"))
        goto out;
    r = (dns_resolver *)coro_arg_handle(ctx, argv[0], &resolver_type);
    if (!r)
        goto out;
    q = calloc(1, sizeof *q);
    if (!q) {
        JS_ThrowOutOfMemory(ctx);
        goto out;
    }
    q->r = r;
    q->fiber = coro_fiber_current();
    r->pending++;
    if (r->nservers > 0)
        ares_query(r->channel, name, 1 /* IN */, rr_types[rr].type, query_done, q);
    else /* what c-ares answers, but c-ares 1.18.1 leaks a buffer doing it */
        query_done(q, ARES_ESERVFAIL, 0, NULL, 0);
    resolver_arm_timer(r);
    resolver_flush(r); /* it may have failed at once */
    st = 0;
    while (!q->done && st != CORO_ETERMINATED)
        st = coro_wait(ctx, 0);
    if (q->queued)
        done_unlink(q->r, q);
    if (st == CORO_ETERMINATED) { /* the uncatchable error is pending */
        if (q->done) {
            free(q->answer);
            free(q);
        } else {
            q->fiber = NULL; /* the callback frees it */
        }
        goto out;
    }
    st = q->status;
    if (st == ARES_SUCCESS)
        st = parse_answer(ctx, q, rr, JS_ToBool(ctx, argv[3]), &ret);
    if (st != ARES_SUCCESS)
        ares_throw(ctx, st, rr_types[rr].syscall, name);
    free(q->answer);
    free(q);
out:
    JS_FreeCString(ctx, name);
    return ret;
}

/* setServers(id, [[family, address, port], ...]) */
static JSValue js_dns_set_servers(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    dns_resolver *r = (dns_resolver *)coro_arg_handle(ctx, argv[0], &resolver_type);
    struct ares_addr_port_node *nodes = NULL;
    JSValue ret = JS_EXCEPTION, len;
    int64_t n;
    int st;

    if (!r)
        return JS_EXCEPTION;
    if (r->pending)
        return coro_throw_code(ctx, "ERR_DNS_SET_SERVERS_FAILED",
                               "c-ares failed to set servers: there are pending queries");
    len = JS_GetPropertyStr(ctx, argv[1], "length");
    st = JS_ToInt64(ctx, &n, len);
    JS_FreeValue(ctx, len);
    if (st < 0)
        return JS_EXCEPTION;
    if (n < 0 || n > 4096)
        return coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "too many servers");
    if (n > 0 && !(nodes = calloc((size_t)n, sizeof *nodes))) {
        JS_ThrowOutOfMemory(ctx);
        return JS_EXCEPTION;
    }
    for (int64_t i = 0; i < n; i++) {
        JSValue s = JS_GetPropertyUint32(ctx, argv[1], (uint32_t)i);
        JSValue fam = JS_GetPropertyUint32(ctx, s, 0), ip = JS_GetPropertyUint32(ctx, s, 1);
        JSValue port = JS_GetPropertyUint32(ctx, s, 2);
        const char *addr = JS_ToCString(ctx, ip);
        int32_t family = 0, p = 0;
        int ok = addr && JS_ToInt32(ctx, &family, fam) == 0 && JS_ToInt32(ctx, &p, port) == 0;

        nodes[i].family = family == 6 ? AF_INET6 : AF_INET;
        nodes[i].udp_port = nodes[i].tcp_port = p;
        if (ok)
            ok = uv_inet_pton(nodes[i].family, addr, &nodes[i].addr) == 0;
        if (i + 1 < n)
            nodes[i].next = &nodes[i + 1];
        JS_FreeCString(ctx, addr);
        JS_FreeValue(ctx, port);
        JS_FreeValue(ctx, ip);
        JS_FreeValue(ctx, fam);
        JS_FreeValue(ctx, s);
        if (!ok) {
            if (!JS_HasException(ctx))
                coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "servers[%lld] is not an IP address",
                                (long long)i);
            goto out;
        }
    }
    st = ares_set_servers_ports(r->channel, nodes);
    if (st != ARES_SUCCESS) {
        coro_throw_code(ctx, "ERR_DNS_SET_SERVERS_FAILED", "c-ares failed to set servers: %s",
                        ares_strerror(st));
        goto out;
    }
    r->nservers = (int)n;
    ret = JS_UNDEFINED;
out:
    free(nodes);
    return ret;
}

/* getServers(id) -> [[address, port], ...] (port 0: the default) */
static JSValue js_dns_get_servers(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    dns_resolver *r = (dns_resolver *)coro_arg_handle(ctx, argv[0], &resolver_type);
    struct ares_addr_port_node *list, *p;
    char ip[INET6_ADDRSTRLEN];
    JSValue ret;
    uint32_t n = 0;
    int st;

    if (!r)
        return JS_EXCEPTION;
    st = ares_get_servers_ports(r->channel, &list);
    if (st != ARES_SUCCESS)
        return ares_throw(ctx, st, "getServers", "");
    ret = JS_NewArray(ctx);
    for (p = list; p; p = p->next) {
        JSValue pair = JS_NewArray(ctx);
        uv_inet_ntop(p->family, &p->addr, ip, sizeof ip);
        JS_SetPropertyUint32(ctx, pair, 0, JS_NewString(ctx, ip));
        JS_SetPropertyUint32(ctx, pair, 1, JS_NewInt32(ctx, p->udp_port));
        JS_SetPropertyUint32(ctx, ret, n++, pair);
    }
    ares_free_data(list);
    return ret;
}

/* cancel(id): every pending query fails with ECANCELLED */
static JSValue js_dns_cancel(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    dns_resolver *r = (dns_resolver *)coro_arg_handle(ctx, argv[0], &resolver_type);

    if (!r)
        return JS_EXCEPTION;
    ares_cancel(r->channel);
    resolver_arm_timer(r);
    resolver_flush(r);
    return JS_UNDEFINED;
}

/* close(id) */
static JSValue js_dns_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &resolver_type);
}

/* ------------------------------------------------------------------ */
/* addresses */

static int ip_family(const char *s, unsigned char *buf)
{
    if (uv_inet_pton(AF_INET, s, buf) == 0)
        return 4;
    if (uv_inet_pton(AF_INET6, s, buf) == 0)
        return 6;
    return 0;
}

/* setLocalAddress(id, ipv4, ipv6): the addresses queries are sent from
   (each optional); ERR_INVALID_IP_ADDRESS for what is not one. */
static JSValue js_dns_set_local_address(JSContext *ctx, JSValueConst this_val, int argc,
                                        JSValueConst *argv)
{
    dns_resolver *r = (dns_resolver *)coro_arg_handle(ctx, argv[0], &resolver_type);
    unsigned char buf[16];

    if (!r)
        return JS_EXCEPTION;
    for (int i = 1; i <= 2; i++) {
        const char *ip;
        int family;

        if (JS_IsUndefined(argv[i]))
            continue;
        ip = coro_arg_string(ctx, argv[i], i == 1 ? "ipv4" : "ipv6", NULL);
        if (!ip)
            return JS_EXCEPTION;
        family = ip_family(ip, buf);
        JS_FreeCString(ctx, ip);
        if (family != (i == 1 ? 4 : 6))
            return coro_throw_code(ctx, "ERR_INVALID_IP_ADDRESS", "Invalid IP address.");
        if (family == 4)
            ares_set_local_ip4(r->channel, (unsigned)buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3]);
        else
            ares_set_local_ip6(r->channel, buf);
    }
    return JS_UNDEFINED;
}

/* reverseName(ip) -> '4.3.2.1.in-addr.arpa' or the ip6.arpa name; null if
   not an IP address */
static JSValue js_dns_reverse_name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char a[16];
    char name[80], *p = name;
    const char *s = coro_arg_string(ctx, argv[0], "ip", NULL);
    int fam;

    if (!s)
        return JS_EXCEPTION;
    fam = ip_family(s, a);
    JS_FreeCString(ctx, s);
    if (fam == 4) {
        snprintf(name, sizeof name, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
    } else if (fam == 6) {
        for (int i = 15; i >= 0; i--) {
            *p++ = hex[a[i] & 15];
            *p++ = '.';
            *p++ = hex[a[i] >> 4];
            *p++ = '.';
        }
        strcpy(p, "ip6.arpa");
    } else {
        return JS_NULL;
    }
    return JS_NewString(ctx, name);
}

/* ------------------------------------------------------------------ */
/* lookup: getaddrinfo on the thread pool */

typedef struct lookup_req {
    uv_getaddrinfo_t req;
    coro_op op;
    struct addrinfo *res;
} lookup_req;

static void lookup_done(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    lookup_req *l = req->data;

    l->res = res;
    coro_op_done(&l->op, status);
}

/* A getaddrinfo or getnameinfo failure as Node reports it (EAI_NONAME and
   EAI_NODATA are ENOTFOUND). */
static JSValue addrinfo_throw(JSContext *ctx, int err, const char *syscall, const char *name)
{
    const char *code = err == UV_EAI_NONAME || err == UV_EAI_NODATA ? "ENOTFOUND" : uv_err_name(err);

    return dns_throw(ctx, code, err, syscall, name);
}

static JSValue address_object(JSContext *ctx, const char *ip, int family)
{
    JSValue o = JS_NewObject(ctx);

    JS_SetPropertyStr(ctx, o, "address", JS_NewString(ctx, ip));
    JS_SetPropertyStr(ctx, o, "family", JS_NewInt32(ctx, family));
    return o;
}

#define LOOKUP_HINTS (AI_ADDRCONFIG | AI_V4MAPPED | AI_ALL)

/* lookup(hostname, family, hints) -> [{ address, family }, ...]; family 0, 4
   or 6, hints getaddrinfo's AI_ADDRCONFIG, AI_V4MAPPED and AI_ALL (the
   AI_* properties). An IP address is returned as it is, without asking
   anyone. */
static JSValue js_dns_lookup(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct addrinfo hints;
    JSValue ret = JS_EXCEPTION;
    unsigned char buf[16];
    const char *name;
    char ip[INET6_ADDRSTRLEN];
    int64_t family, flags = 0;
    uint32_t n = 0;
    lookup_req l;
    size_t len;
    int fam, err;

    if (coro_arg_integer(ctx, argv[1], "family", 0, 6, &family) < 0 ||
        (!JS_IsUndefined(argv[2]) && coro_arg_integer(ctx, argv[2], "hints", 0, LOOKUP_HINTS, &flags) < 0))
        return JS_EXCEPTION;
    name = coro_arg_string(ctx, argv[0], "hostname", &len);
    if (!name)
        return JS_EXCEPTION;
    if (strlen(name) != len) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "The argument 'hostname' must not contain NUL");
        goto out;
    }
    fam = ip_family(name, buf);
    if (fam) {
        ret = JS_NewArray(ctx);
        JS_SetPropertyUint32(ctx, ret, 0, address_object(ctx, name, fam));
        goto out;
    }
    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "DNS resolution"))
        goto out;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM; /* one entry per address */
    hints.ai_flags = (int)flags;
    memset(&l, 0, sizeof l);
    l.req.data = &l;
    coro_op_init(&l.op);
    err = uv_getaddrinfo(coro_loop(), &l.req, lookup_done, name, NULL, &hints);
    if (err == 0 && (err = coro_op_wait(ctx, &l.op)) == CORO_ETERMINATED) {
        uv_freeaddrinfo(l.res);
        goto out;
    }
    if (err < 0) {
        addrinfo_throw(ctx, err, "getaddrinfo", name);
        goto out;
    }
    ret = JS_NewArray(ctx);
    for (struct addrinfo *a = l.res; a; a = a->ai_next) {
        if (a->ai_family == AF_INET)
            uv_ip4_name((struct sockaddr_in *)a->ai_addr, ip, sizeof ip);
        else if (a->ai_family == AF_INET6)
            uv_ip6_name((struct sockaddr_in6 *)a->ai_addr, ip, sizeof ip);
        else
            continue;
        JS_SetPropertyUint32(ctx, ret, n++, address_object(ctx, ip, a->ai_family == AF_INET ? 4 : 6));
    }
    uv_freeaddrinfo(l.res);
out:
    JS_FreeCString(ctx, name);
    return ret;
}

/* ------------------------------------------------------------------ */
/* lookupService: getnameinfo on the thread pool */

typedef struct service_req {
    uv_getnameinfo_t req;
    coro_op op;
    const char *host, *service;
} service_req;

static void service_done(uv_getnameinfo_t *req, int status, const char *host, const char *service)
{
    service_req *l = req->data;

    l->host = host;        /* in req, valid until it is freed */
    l->service = service;
    coro_op_done(&l->op, status);
}

/* lookupService(ip, port) -> [hostname, service] */
static JSValue js_dns_lookup_service(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct sockaddr_storage ss;
    JSValue ret = JS_EXCEPTION;
    const char *ip;
    int64_t port;
    service_req l;
    int err;

    if (coro_arg_integer(ctx, argv[1], "port", 0, 65535, &port) < 0)
        return JS_EXCEPTION;
    ip = coro_arg_string(ctx, argv[0], "address", NULL);
    if (!ip)
        return JS_EXCEPTION;
    if (coro_sockaddr_parse(ip, (int)port, &ss) < 0) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "The argument 'address' is invalid. Received '%s'", ip);
        goto out;
    }
    if (!coro_isolate_allow(ctx, CORO_CAP_NET, "DNS resolution"))
        goto out;
    memset(&l, 0, sizeof l);
    l.req.data = &l;
    coro_op_init(&l.op);
    err = uv_getnameinfo(coro_loop(), &l.req, service_done, (struct sockaddr *)&ss, NI_NAMEREQD);
    if (err == 0 && (err = coro_op_wait(ctx, &l.op)) == CORO_ETERMINATED)
        goto out;
    if (err < 0) {
        addrinfo_throw(ctx, err, "getnameinfo", ip);
        goto out;
    }
    ret = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, ret, 0, JS_NewString(ctx, l.host));
    JS_SetPropertyUint32(ctx, ret, 1, JS_NewString(ctx, l.service));
out:
    JS_FreeCString(ctx, ip);
    return ret;
}

static const JSCFunctionListEntry dns_funcs[] = {
    JS_CFUNC_DEF("channel", 2, js_dns_channel),
    JS_CFUNC_DEF("query", 4, js_dns_query),
    JS_CFUNC_DEF("setServers", 2, js_dns_set_servers),
    JS_CFUNC_DEF("getServers", 1, js_dns_get_servers),
    JS_CFUNC_DEF("setLocalAddress", 3, js_dns_set_local_address),
    JS_CFUNC_DEF("cancel", 1, js_dns_cancel),
    JS_CFUNC_DEF("close", 1, js_dns_close),
    JS_CFUNC_DEF("reverseName", 1, js_dns_reverse_name),
    JS_CFUNC_DEF("lookup", 3, js_dns_lookup),
    JS_CFUNC_DEF("lookupService", 2, js_dns_lookup_service),
    JS_PROP_INT32_DEF("AI_ADDRCONFIG", AI_ADDRCONFIG, JS_PROP_ENUMERABLE),
    JS_PROP_INT32_DEF("AI_V4MAPPED", AI_V4MAPPED, JS_PROP_ENUMERABLE),
    JS_PROP_INT32_DEF("AI_ALL", AI_ALL, JS_PROP_ENUMERABLE),
};

int coro_prim_dns_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, dns_funcs, sizeof dns_funcs / sizeof dns_funcs[0]);
    return 0;
}
