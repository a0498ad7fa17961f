/*
 * prim/dagger.c: __primordials.dagger, Dagger's five calls on URL-named
 * streams (seed 002), as its reference implementation (Xe/olin, 2019) has
 * them, for lib/dagger.js:
 *
 *   open(url_ptr, url_len) -> fd     -1 bad URL, -2 bad URL input,
 *                                    -3 unknown scheme
 *   close(fd) -> 0                   read(fd, ptr, len) -> n, 0 at the end
 *   write(fd, ptr, len) -> n         flush(fd) -> 0
 *
 * all i32, negative on failure: -1 for a failed call (a descriptor that is
 * not open among them), -2 for a pointer or length outside the guest's
 * memory. No stream is open at the start; open takes the lowest free slot.
 *
 * Schemes: log://?prefix=P (each write one line "P2006/01/02 15:04:05 msg"
 * on stdout, as Go's log package writes it), file://path (read-only,
 * beneath the directory the host gave, by openat2), stdin://, stdout://,
 * stderr://, fd://N (where the host allows it), http:// and https:// (write
 * a raw HTTP/1.1 request, flush performs it on our HTTP client through
 * lib/dagger.js, read returns the raw response), random:// (the kernel's
 * CSPRNG; the talk names it, the reference lacked it).
 *
 * Files are read on libuv's thread pool and stdio goes through the core's
 * streams (wasi_host.c), so read and flush park only the calling fiber.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "prim.h"
#include "wasi.h"
#include "wasm.h"
#include "core/binding.h"
#include "core/isolate.h"
#include "core/quickjs_ext.h"

#define URL_MAX 65536
#define READ_MAX (1u << 20)        /* bytes one read moves at most */
#define REQUEST_MAX (64u << 20)    /* an HTTP request written, at most */

enum { BAD_URL = -1, BAD_INPUT = -2, UNKNOWN_SCHEME = -3 };
enum { FAILED = -1, FAULT = -2 };
enum { S_FILE, S_LOG, S_HTTP, S_RANDOM };

static JSClassID state_class;

typedef struct dstream {
    uint64_t id;            /* tells it from a stream opened later in its slot */
    int kind;
    int rd, wr;             /* S_FILE: may it be read, written */
    coro_hostfd *h;         /* S_FILE: a file, stdio, fd://N */
    char *prefix;           /* S_LOG */
    char *url;              /* S_HTTP: what was opened */
    uint8_t *req, *resp;    /* S_HTTP: written since the last flush; its response */
    size_t req_len, resp_len, resp_off;
} dstream;

typedef struct dagger_state {
    coro_isolate *iso;
    JSValue memory;         /* the guest's Memory, set by start() */
    JSValue http;           /* lib/dagger.js: (url, request bytes) -> response bytes | null */
    int dirfd;              /* file:// lies beneath it; -1: no file:// */
    int fds;                /* fd://N allowed */
    coro_hostfd *std[3];    /* stdin://, stdout://, stderr:// */
    dstream **s;
    uint32_t n;
    uint64_t next_id;
} dagger_state;

/* A call: the instance and its memory as it is now. */
typedef struct dcall {
    JSContext *ctx;
    dagger_state *d;
    coro_guest g;
} dcall;

/* ---- URLs, as Go's net/url parses them (what the reference used) ---- */

typedef struct durl {
    char scheme[16];
    char *host;             /* the authority, decoded */
    char *path;             /* decoded */
    char *query;            /* raw */
} durl;

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
           c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* %XX decoded (and '+' as a space, in a query); NULL for a bad escape. */
static char *unescape(const char *s, size_t n, int query)
{
    char *out = malloc(n + 1), *o = out;

    for (size_t i = 0; out && i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
                free(out);
                return NULL;
            }
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = query && s[i] == '+' ? ' ' : s[i];
        }
    }
    if (out)
        *o = '\0';
    return out;
}

static void url_free(durl *u)
{
    free(u->host);
    free(u->path);
    free(u->query);
}

/* 0, or BAD_URL for what url.Parse refuses: a control character, a
   missing scheme before ':', a bad escape, a port that is not a number. */
static int url_parse(const char *s, size_t n, durl *u)
{
    size_t i = 0, k;
    const char *rest, *end = s + n, *q, *hash;

    memset(u, 0, sizeof *u);
    for (k = 0; k < n; k++) {
        if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
            return BAD_URL;
    }
    if (n && s[0] == ':')
        return BAD_URL; /* "missing protocol scheme" */
    if (n && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')) {
        for (i = 1; i < n && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
                              s[i] == '.'); i++)
            ;
        if (i < n && s[i] == ':' && i < sizeof u->scheme) {
            for (k = 0; k < i; k++)
                u->scheme[k] = (char)tolower((unsigned char)s[k]);
        } else {
            i = 0; /* no scheme: a relative reference */
        }
    }
    rest = s + (u->scheme[0] ? i + 1 : 0);
    hash = memchr(rest, '#', (size_t)(end - rest));
    if (hash)
        end = hash;
    q = memchr(rest, '?', (size_t)(end - rest));
    if (q && !(u->query = strndup(q + 1, (size_t)(end - q - 1))))
        return BAD_URL;
    if (q)
        end = q;
    if (end - rest >= 2 && rest[0] == '/' && rest[1] == '/') {
        const char *a = rest + 2, *slash = memchr(a, '/', (size_t)(end - a));
        const char *aend = slash ? slash : end, *colon = aend;
        while (colon > a && colon[-1] != ':' && colon[-1] != ']')
            colon--;
        if (colon > a && colon[-1] == ':') { /* a port: digits only */
            for (const char *p = colon; p < aend; p++) {
                if (*p < '0' || *p > '9')
                    return BAD_URL;
            }
        }
        if (!(u->host = unescape(a, (size_t)(aend - a), 0)))
            return BAD_URL;
        rest = aend;
    }
    if (!(u->path = unescape(rest, (size_t)(end - rest), 0)))
        return BAD_URL;
    return 0;
}

/* The first value of key in a raw query ("" if none); NULL when out of
   memory. Pairs with a bad escape are skipped, as Go's Query() does. */
static char *query_value(const char *query, const char *key)
{
    size_t klen = strlen(key);

    while (query && *query) {
        const char *amp = strpbrk(query, "&;"), *end = amp ? amp : query + strlen(query);
        const char *eq = memchr(query, '=', (size_t)(end - query));
        char *k = unescape(query, (size_t)((eq ? eq : end) - query), 1);
        int match = k && strlen(k) == klen && memcmp(k, key, klen) == 0;
        free(k);
        if (match) {
            char *v = eq ? unescape(eq + 1, (size_t)(end - eq - 1), 1) : strdup("");
            if (v || !eq)
                return v;
        }
        query = amp ? amp + 1 : NULL;
    }
    return strdup("");
}

/* ---- streams ---- */

static void dstream_free(JSRuntime *rt, dstream *s)
{
    if (!s)
        return;
    coro_hostfd_unref(s->h);
    free(s->prefix);
    free(s->url);
    js_free_rt(rt, s->req);
    js_free_rt(rt, s->resp);
    free(s);
}

/* The lowest free slot for s (taken): its descriptor, or FAILED. */
static int slot_add(dagger_state *d, dstream *s)
{
    uint32_t i = 0;

    while (i < d->n && d->s[i])
        i++;
    if (i == d->n) {
        dstream **p = d->n < 65536 ? realloc(d->s, (d->n + 8) * sizeof *p) : NULL;
        if (!p) {
            dstream_free(d->iso->rt, s);
            return FAILED;
        }
        memset(p + d->n, 0, 8 * sizeof *p);
        d->s = p;
        d->n += 8;
    }
    s->id = ++d->next_id;
    d->s[i] = s;
    return (int)i;
}

static dstream *slot_get(dagger_state *d, uint32_t fd)
{
    return fd < d->n ? d->s[fd] : NULL;
}

typedef struct file_job {
    int dirfd;
    const char *path;
} file_job;

static int64_t file_open_work(void *arg)
{
    file_job *j = arg;
    return coro_wasi_open_beneath(j->dirfd, j->path, O_RDONLY, 0, 1);
}

/* file://path: read-only (as the reference's afero Open), beneath the
   directory given. A path leading out, or none given: BAD_INPUT. */
static int open_file(dcall *c, dstream *s, const char *path)
{
    file_job j = { c->d->dirfd, path };
    int64_t fd;

    while (*j.path == '/')
        j.path++;
    if (!*j.path)
        j.path = ".";
    if (c->d->dirfd < 0)
        return BAD_INPUT;
    if (coro_wasi_pool(c->ctx, file_open_work, &j, &fd) < 0) {
        if (fd >= 0)
            close((int)fd);
        return CORO_ETERMINATED;
    }
    if (fd < 0 || !(s->h = coro_hostfd_new(c->d->iso, (int)fd)))
        return BAD_INPUT;
    s->rd = 1;
    return 0;
}

/* fd://N: a duplicate of the process's descriptor N, where the host allows
   it (N above 2 only to an isolate with fs unjailed). */
static int open_fd(dcall *c, dstream *s, const char *host)
{
    coro_isolate *iso = c->d->iso;
    char *end;
    long n = strtol(host ? host : "", &end, 10);

    if (!c->d->fds || !host || !*host || *end || n < 0 || n > 0x7fffffff)
        return BAD_INPUT;
    if (n > 2 && (!(iso->caps & CORO_CAP_FS) || iso->jail))
        return BAD_INPUT;
    if (coro_hostfd_dup(iso, (int)n, &s->h) < 0)
        return BAD_INPUT;
    s->rd = s->wr = 1;
    return 0;
}

/* What open does with a parsed URL: 0 with s filled, or an open error. */
static int open_url(dcall *c, dstream *s, const durl *u, const char *text)
{
    const char *sc = u->scheme;
    int std = !strcmp(sc, "stdin") ? 0 : !strcmp(sc, "stdout") ? 1 : !strcmp(sc, "stderr") ? 2 : -1;

    if (std >= 0) {
        s->h = coro_hostfd_ref(c->d->std[std]);
        s->rd = std == 0;
        s->wr = std > 0;
    } else if (!strcmp(sc, "log")) {
        s->kind = S_LOG;
        if (!(s->prefix = query_value(u->query, "prefix")))
            return FAILED;
    } else if (!strcmp(sc, "file")) {
        return open_file(c, s, u->path);
    } else if (!strcmp(sc, "fd")) {
        return open_fd(c, s, u->host);
    } else if (!strcmp(sc, "http") || !strcmp(sc, "https")) {
        s->kind = S_HTTP;
        if (!u->host || !*u->host || !(c->d->iso->caps & CORO_CAP_NET))
            return BAD_INPUT;
        if (!(s->url = strdup(text)))
            return FAILED;
    } else if (!strcmp(sc, "random")) {
        s->kind = S_RANDOM;
    } else {
        return UNKNOWN_SCHEME;
    }
    return 0;
}

/* open(url_ptr, url_len) */
static int d_open(dcall *c, const uint32_t *a)
{
    dstream *s;
    char *text;
    durl u;
    int r;

    if (!coro_guest_ok(&c->g, a[0], a[1]))
        return BAD_INPUT;
    if (a[1] > URL_MAX)
        return BAD_URL;
    if (!(text = strndup((const char *)c->g.base + a[0], a[1])) || strlen(text) != a[1]) {
        free(text);
        return BAD_URL; /* a NUL in it */
    }
    r = url_parse(text, a[1], &u);
    s = r == 0 ? calloc(1, sizeof *s) : NULL;
    if (r == 0 && !s)
        r = FAILED;
    if (r == 0)
        r = open_url(c, s, &u, text);
    url_free(&u);
    free(text);
    if (r < 0) {
        dstream_free(c->d->iso->rt, s);
        return r;
    }
    return slot_add(c->d, s);
}

/* close(fd) */
static int d_close(dcall *c, const uint32_t *a)
{
    dstream *s = slot_get(c->d, a[0]);

    if (!s)
        return FAILED;
    c->d->s[a[0]] = NULL;
    dstream_free(c->d->iso->rt, s);
    return 0;
}

/* A log line: prefix, the local time as Go's log.LstdFlags writes it, the
   message, a newline (Println: always one more). */
static int log_write(dcall *c, dstream *s, uint32_t ptr, uint32_t len)
{
    char stamp[32];
    struct tm tm;
    time_t now = time(NULL);
    uv_buf_t b[4];
    int64_t r;

    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S ", &tm);
    b[0] = uv_buf_init(s->prefix, (unsigned)strlen(s->prefix));
    b[1] = uv_buf_init(stamp, (unsigned)strlen(stamp));
    b[2] = uv_buf_init((char *)c->g.base + ptr, len);
    b[3] = uv_buf_init("\n", 1);
    r = coro_hostfd_writev(c->ctx, c->d->std[1], b, 4, -1);
    return r == CORO_ETERMINATED ? (int)r : r < 0 ? FAILED : (int)len;
}

/* HTTP buffers are the isolate's memory: they count against memoryLimit */
static int http_write(dcall *c, dstream *s, const uint8_t *p, uint32_t len)
{
    uint8_t *req;

    if (s->req_len + len > REQUEST_MAX)
        return FAILED;
    if (!(req = js_realloc_rt(c->d->iso->rt, s->req, s->req_len + len + 1)))
        return FAILED;
    memcpy(req + s->req_len, p, len);
    s->req = req;
    s->req_len += len;
    return (int)len;
}

/* write(fd, ptr, len) */
static int d_write(dcall *c, const uint32_t *a)
{
    dstream *s = slot_get(c->d, a[0]);
    coro_hostfd *h;
    uv_buf_t b;
    int64_t r;

    if (!coro_guest_ok(&c->g, a[1], a[2]))
        return FAULT;
    if (!s)
        return FAILED;
    switch (s->kind) {
    case S_LOG:
        return log_write(c, s, a[1], a[2]);
    case S_HTTP:
        return http_write(c, s, c->g.base + a[1], a[2]);
    case S_FILE:
        if (!s->wr)
            return FAILED;
        b = uv_buf_init((char *)c->g.base + a[1], a[2]);
        h = coro_hostfd_ref(s->h); /* a close while the fiber waits leaves it to us */
        r = coro_hostfd_writev(c->ctx, h, &b, 1, -1);
        coro_hostfd_unref(h);
        return r == CORO_ETERMINATED ? (int)r : r < 0 ? FAILED : (int)r;
    default:
        return FAILED;
    }
}

/* read(fd, ptr, len) */
static int d_read(dcall *c, const uint32_t *a)
{
    dstream *s = slot_get(c->d, a[0]);
    uint32_t len = a[2] < READ_MAX ? a[2] : READ_MAX;
    coro_hostfd *h;
    uint8_t *buf;
    int64_t r;

    if (!coro_guest_ok(&c->g, a[1], a[2]))
        return FAULT;
    if (!s)
        return FAILED;
    switch (s->kind) {
    case S_LOG:
        return 0;
    case S_HTTP:
        if (len > s->resp_len - s->resp_off)
            len = (uint32_t)(s->resp_len - s->resp_off);
        if (len)
            memcpy(c->g.base + a[1], s->resp + s->resp_off, len);
        s->resp_off += len;
        return (int)len;
    case S_RANDOM:
        for (r = 0; r < len;) {
            ssize_t n = getrandom(c->g.base + a[1] + r, len - (uint32_t)r, 0);
            if (n < 0 && errno != EINTR)
                return FAILED;
            r += n > 0 ? n : 0;
        }
        return (int)len;
    default:
        if (!s->rd)
            return FAILED;
        if (!(buf = malloc(len ? len : 1)))
            return FAILED;
        h = coro_hostfd_ref(s->h);
        r = coro_hostfd_read(c->ctx, h, buf, len, -1);
        coro_hostfd_unref(h);
        if (r > 0 && coro_guest_of(c->d->memory, &c->g) == 0) /* it may have moved */
            memcpy(c->g.base + a[1], buf, (size_t)r);
        free(buf);
        return r == CORO_ETERMINATED ? (int)r : r < 0 ? FAILED : (int)r;
    }
}

/* The exchange of an HTTP stream, made by lib/dagger.js on our client
   (the fiber parks there). What was written since the last flush is the
   request; the raw response replaces the last one. */
static int http_flush(dcall *c, uint32_t fd, dstream *s)
{
    uint64_t id = s->id;
    JSValue args[2], ret;
    const uint8_t *p;
    size_t len;

    args[0] = JS_NewString(c->ctx, s->url);
    args[1] = JS_NewArrayBufferCopy(c->ctx, s->req, s->req_len);
    s->req_len = 0;
    ret = JS_Call(c->ctx, c->d->http, JS_UNDEFINED, 2, args);
    JS_FreeValue(c->ctx, args[0]);
    JS_FreeValue(c->ctx, args[1]);
    if (JS_IsException(ret)) /* only the end of the isolate gets past lib's catch */
        return CORO_ETERMINATED;
    p = coro_qjs_bytes(ret, &len);
    s = slot_get(c->d, fd);
    if (!p || !s || s->id != id) { /* it failed, or the stream was closed meanwhile */
        JS_FreeValue(c->ctx, ret);
        return FAILED;
    }
    js_free_rt(c->d->iso->rt, s->resp);
    s->resp = js_malloc_rt(c->d->iso->rt, len ? len : 1);
    if (s->resp)
        memcpy(s->resp, p, len);
    s->resp_len = s->resp ? len : 0;
    s->resp_off = 0;
    JS_FreeValue(c->ctx, ret);
    return s->resp ? 0 : FAILED;
}

/* flush(fd): nothing is buffered but an HTTP request */
static int d_flush(dcall *c, const uint32_t *a)
{
    dstream *s = slot_get(c->d, a[0]);

    if (!s)
        return FAILED;
    return s->kind == S_HTTP ? http_flush(c, a[0], s) : 0;
}

/* ---- the calls as imports ---- */

static const struct {
    const char *name;
    int nargs;
    int (*fn)(dcall *c, const uint32_t *a);
} calls[] = {
    { "open", 2, d_open },
    { "close", 1, d_close },
    { "read", 3, d_read },
    { "write", 3, d_write },
    { "flush", 1, d_flush },
};

static JSValue js_dagger_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                              int magic, JSValue *data)
{
    dcall c = { ctx, JS_GetOpaque(data[0], state_class), { NULL, 0 } };
    uint32_t a[3];
    int r;

    if (!c.d)
        return JS_ThrowTypeError(ctx, "the Dagger instance is gone");
    for (int i = 0; i < calls[magic].nargs; i++) {
        if (JS_ToUint32(ctx, &a[i], i < argc ? argv[i] : JS_UNDEFINED) < 0)
            return JS_EXCEPTION;
    }
    if (coro_guest_of(c.d->memory, &c.g) < 0)
        return coro_throw_code(ctx, "ERR_DAGGER_NOT_STARTED", "dagger.start() has not been called");
    r = calls[magic].fn(&c, a);
    return r == CORO_ETERMINATED ? JS_EXCEPTION : JS_NewInt32(ctx, r);
}

/* ---- the instance ---- */

static void close_all(dagger_state *d)
{
    for (uint32_t i = 0; i < d->n; i++)
        dstream_free(d->iso->rt, d->s[i]);
    free(d->s);
    d->s = NULL;
    d->n = 0;
}

static void state_finalizer(JSRuntime *rt, JSValue val)
{
    dagger_state *d = JS_GetOpaque(val, state_class);

    if (!d)
        return;
    close_all(d);
    for (int i = 0; i < 3; i++)
        coro_hostfd_unref(d->std[i]);
    if (d->dirfd >= 0)
        close(d->dirfd);
    JS_FreeValueRT(rt, d->memory);
    JS_FreeValueRT(rt, d->http);
    free(d);
}

static void state_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    dagger_state *d = JS_GetOpaque(val, state_class);

    if (d) {
        JS_MarkValue(rt, d->memory, mark);
        JS_MarkValue(rt, d->http, mark);
    }
}

typedef struct dir_job {
    const struct coro_jail *jail;
    const char *path;
} dir_job;

static int64_t dir_open_work(void *arg)
{
    dir_job *j = arg;
    return coro_wasi_open_jailed(j->jail, j->path, O_PATH | O_DIRECTORY);
}

/* The directory file:// lies beneath, as the isolate's fs allows. */
static int open_dir(JSContext *ctx, dagger_state *d, JSValueConst dir)
{
    dir_job j = { d->iso->jail, NULL };
    int64_t fd;
    int r;

    if (JS_IsNull(dir) || JS_IsUndefined(dir))
        return 0;
    if (!coro_isolate_allow(ctx, CORO_CAP_FS, "file:// in Dagger"))
        return -1;
    if (!(j.path = JS_ToCString(ctx, dir)))
        return -1;
    r = coro_wasi_pool(ctx, dir_open_work, &j, &fd);
    if (r == 0 && fd < 0)
        coro_throw_uv(ctx, (int)fd, "open", j.path, NULL);
    JS_FreeCString(ctx, j.path);
    if (r < 0 && fd >= 0)
        close((int)fd);
    if (r < 0 || fd < 0)
        return -1;
    d->dirfd = (int)fd;
    return 0;
}

/* create(dir | null, fds, [stdin, stdout, stderr], http) -> state */
static JSValue js_dagger_create(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv)
{
    JSValue obj = JS_NewObjectClass(ctx, (int)state_class);
    dagger_state *d = calloc(1, sizeof *d);

    if (JS_IsException(obj) || !d) {
        free(d);
        JS_FreeValue(ctx, obj);
        return JS_ThrowOutOfMemory(ctx);
    }
    d->iso = coro_isolate_of(ctx);
    d->memory = JS_UNDEFINED;
    d->http = JS_DupValue(ctx, argv[3]);
    d->dirfd = -1;
    d->fds = JS_ToBool(ctx, argv[1]);
    JS_SetOpaque(obj, d);
    for (uint32_t i = 0; i < 3; i++) {
        JSValue v = JS_GetPropertyUint32(ctx, argv[2], i);
        int32_t fd;
        int r = JS_ToInt32(ctx, &fd, v);
        JS_FreeValue(ctx, v);
        if (r < 0 || (fd > 2 && !coro_isolate_allow(ctx, CORO_CAP_FS, "a Dagger stdio above 2")))
            goto fail;
        if ((r = coro_hostfd_dup(d->iso, fd, &d->std[i])) < 0) {
            coro_throw_uv(ctx, r, "dup", NULL, NULL);
            goto fail;
        }
    }
    if (open_dir(ctx, d, argv[0]) < 0)
        goto fail;
    return obj;
fail:
    JS_FreeValue(ctx, obj);
    return JS_EXCEPTION;
}

static dagger_state *state_of(JSContext *ctx, JSValueConst v)
{
    return JS_GetOpaque2(ctx, v, state_class);
}

/* imports(state) -> { open, close, read, write, flush } */
static JSValue js_dagger_imports(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    JSValue o;

    if (!state_of(ctx, argv[0]))
        return JS_EXCEPTION;
    o = JS_NewObject(ctx);
    for (int i = 0; i < 5 && !JS_IsException(o); i++) {
        if (coro_wasi_add_call(ctx, o, calls[i].name, calls[i].nargs, js_dagger_call, i, argv[0]) < 0) {
            JS_FreeValue(ctx, o);
            o = JS_EXCEPTION;
        }
    }
    return o;
}

/* setMemory(state, memory) */
static JSValue js_dagger_set_memory(JSContext *ctx, JSValueConst this_val, int argc,
                                    JSValueConst *argv)
{
    dagger_state *d = state_of(ctx, argv[0]);

    if (!d || coro_guest_set(ctx, &d->memory, argv[1]) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

/* close(state): every stream, once dagger_main has returned */
static JSValue js_dagger_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    dagger_state *d = state_of(ctx, argv[0]);

    if (!d)
        return JS_EXCEPTION;
    close_all(d);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry dagger_funcs[] = {
    JS_CFUNC_DEF("create", 4, js_dagger_create),
    JS_CFUNC_DEF("imports", 1, js_dagger_imports),
    JS_CFUNC_DEF("setMemory", 2, js_dagger_set_memory),
    JS_CFUNC_DEF("close", 1, js_dagger_close),
};

static const JSClassDef state_def = { "DaggerState", .finalizer = state_finalizer,
                                      .gc_mark = state_mark };

int coro_prim_dagger_init(JSContext *ctx, JSValueConst ns)
{
    if (coro_register_class(JS_GetRuntime(ctx), &state_class, &state_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, dagger_funcs, sizeof dagger_funcs / sizeof dagger_funcs[0]);
    return 0;
}
