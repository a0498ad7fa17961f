/*
 * prim/http/wire.c: HTTP/1.x on llhttp, the parser Node uses: the wire
 * (llhttp fed from a socket, heads copied out, bodies read on demand) and
 * the headers as JS sees them. See wire.h.
 *
 * The parser is paused at the end of each head and each message, so a
 * reader takes exactly one message's bytes: what follows in the buffer (a
 * pipelined request, or junk) stays there for the next message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "core/binding.h"
#include "core/isolate.h"

enum { HEAD_IN_NONE, HEAD_IN_URL, HEAD_IN_NAME, HEAD_IN_VALUE };

/* ------------------------------------------------------------------ */
/* errors and strings */

JSValue http_latin1_string(JSContext *ctx, const char *p, size_t n)
{
    size_t high = 0, i, j;
    char *u;
    JSValue s;

    for (i = 0; i < n; i++)
        high += (uint8_t)p[i] >> 7;
    if (!high)
        return JS_NewStringLen(ctx, p, n);
    u = js_malloc(ctx, n + high);
    if (!u)
        return JS_EXCEPTION;
    for (i = 0, j = 0; i < n; i++) {
        uint8_t c = (uint8_t)p[i];
        if (c < 0x80) {
            u[j++] = (char)c;
        } else {
            u[j++] = (char)(0xc0 | (c >> 6));
            u[j++] = (char)(0x80 | (c & 0x3f));
        }
    }
    s = JS_NewStringLen(ctx, u, j);
    js_free(ctx, u);
    return s;
}

int http_token_eq(const char *p, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != s[i] || !s[i])
            return 0;
    }
    return s[n] == '\0';
}

/* ------------------------------------------------------------------ */
/* heads */

void http_head_init(http_head *h)
{
    h->text = h->inline_text;
    h->cap = sizeof h->inline_text;
    h->len = 0;
    h->url_off = h->url_len = 0;
    h->fields = h->inline_fields;
    h->fields_cap = HTTP_FIELDS_INLINE;
    h->nfields = h->nhead = 0;
    h->in = HEAD_IN_NONE;
}

void http_head_free(JSRuntime *rt, http_head *h)
{
    if (h->text != h->inline_text)
        js_free_rt(rt, h->text);
    if (h->fields != h->inline_fields)
        js_free_rt(rt, h->fields);
    http_head_init(h);
}

static int head_append(http_wire *w, const char *at, size_t n)
{
    http_head *h = w->head;

    if (h->len + n > w->max_head) {
        w->error = WIRE_HEAD_TOO_LARGE;
        return -1;
    }
    if (h->len + n > h->cap) {
        uint32_t cap = h->cap * 2;
        char *t;
        while (cap < h->len + n)
            cap *= 2;
        t = js_malloc_rt(w->rt, cap);
        if (!t) {
            w->error = WIRE_NO_MEMORY;
            return -1;
        }
        memcpy(t, h->text, h->len);
        if (h->text != h->inline_text)
            js_free_rt(w->rt, h->text);
        h->text = t;
        h->cap = cap;
    }
    memcpy(h->text + h->len, at, n);
    h->len += (uint32_t)n;
    return 0;
}

static int head_new_field(http_wire *w)
{
    http_head *h = w->head;

    if (h->nfields == h->fields_cap) {
        uint32_t cap = h->fields_cap * 2;
        uint32_t (*f)[4] = js_malloc_rt(w->rt, cap * sizeof *f);
        if (!f) {
            w->error = WIRE_NO_MEMORY;
            return -1;
        }
        memcpy(f, h->fields, h->nfields * sizeof *f);
        if (h->fields != h->inline_fields)
            js_free_rt(w->rt, h->fields);
        h->fields = f;
        h->fields_cap = cap;
    }
    h->fields[h->nfields][0] = h->len;
    h->fields[h->nfields][1] = 0;
    h->fields[h->nfields][2] = h->len;
    h->fields[h->nfields][3] = 0;
    h->nfields++;
    return 0;
}

/* "old<sep>value": a repeated field's values joined. */
static JSValue join_values(JSContext *ctx, JSValueConst old, const char *sep,
                           const char *value, size_t vlen)
{
    size_t olen, slen = strlen(sep);
    const char *o = JS_ToCStringLen(ctx, &olen, old);
    JSValue v = http_latin1_string(ctx, value, vlen), ret = JS_EXCEPTION;
    const char *vs = NULL;
    size_t vslen;
    char *all;

    if (!o || JS_IsException(v))
        goto done;
    vs = JS_ToCStringLen(ctx, &vslen, v);
    all = vs ? js_malloc(ctx, olen + slen + vslen) : NULL;
    if (all) {
        memcpy(all, o, olen);
        memcpy(all + olen, sep, slen);
        memcpy(all + olen + slen, vs, vslen);
        ret = JS_NewStringLen(ctx, all, olen + slen + vslen);
        js_free(ctx, all);
    }
done:
    JS_FreeCString(ctx, o);
    JS_FreeCString(ctx, vs);
    JS_FreeValue(ctx, v);
    return ret;
}

/* How Node merges a repeated field (matchKnownFields in _http_incoming.js). */
enum { MERGE_JOIN, MERGE_FIRST, MERGE_COOKIE, MERGE_ARRAY };

static int merge_rule(const char *name, size_t n)
{
    static const char *const first[] = {
        "age", "authorization", "content-length", "content-type", "etag", "expires", "from",
        "host", "if-modified-since", "if-unmodified-since", "last-modified", "location",
        "max-forwards", "proxy-authorization", "referer", "retry-after", "server", "user-agent",
    };

    if (n == 10 && !memcmp(name, "set-cookie", 10))
        return MERGE_ARRAY;
    if (n == 6 && !memcmp(name, "cookie", 6))
        return MERGE_COOKIE;
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++)
        if (strlen(first[i]) == n && !memcmp(first[i], name, n))
            return MERGE_FIRST;
    return MERGE_JOIN;
}

JSValue http_head_object(JSContext *ctx, const http_head *h, uint32_t from, uint32_t to)
{
    JSValue obj = JS_NewObject(ctx);
    char small[64], *lower = small;
    size_t lower_cap = sizeof small;

    if (JS_IsException(obj))
        return obj;
    for (uint32_t i = from; i < to && i < h->nfields; i++) {
        uint32_t nlen, vlen;
        const char *name = http_head_name(h, i, &nlen), *value = http_head_value(h, i, &vlen);
        JSAtom atom;
        JSValue v, old;
        int rule, have;

        if (nlen > lower_cap) {
            char *bigger = js_realloc(ctx, lower == small ? NULL : lower, nlen);
            if (!bigger)
                goto fail;
            lower = bigger;
            lower_cap = nlen;
        }
        for (uint32_t k = 0; k < nlen; k++)
            lower[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] + 32 : name[k]);
        rule = merge_rule(lower, nlen);
        atom = JS_NewAtomLen(ctx, lower, nlen);
        if (atom == JS_ATOM_NULL)
            goto fail;
        have = JS_GetOwnProperty(ctx, NULL, obj, atom);
        if (have > 0 && rule == MERGE_FIRST) {
            JS_FreeAtom(ctx, atom);
            continue;
        }
        if (have > 0 && rule == MERGE_ARRAY) {
            int64_t n = 0;
            JSValue len;
            old = JS_GetProperty(ctx, obj, atom);
            len = JS_GetPropertyStr(ctx, old, "length");
            JS_ToInt64(ctx, &n, len);
            JS_FreeValue(ctx, len);
            JS_SetPropertyInt64(ctx, old, n, http_latin1_string(ctx, value, vlen));
            JS_FreeValue(ctx, old);
        } else {
            if (have > 0) { /* "a, b" or "a; b" */
                old = JS_GetProperty(ctx, obj, atom);
                v = join_values(ctx, old, rule == MERGE_COOKIE ? "; " : ", ", value, vlen);
                JS_FreeValue(ctx, old);
            } else {
                v = http_latin1_string(ctx, value, vlen);
            }
            if (have <= 0 && rule == MERGE_ARRAY) {
                JSValue arr = JS_NewArray(ctx);
                JS_SetPropertyUint32(ctx, arr, 0, v);
                v = arr;
            }
            JS_DefinePropertyValue(ctx, obj, atom, v, JS_PROP_C_W_E);
        }
        JS_FreeAtom(ctx, atom);
    }
    if (lower != small)
        js_free(ctx, lower);
    return obj;

fail:
    if (lower != small)
        js_free(ctx, lower);
    JS_FreeValue(ctx, obj);
    return JS_EXCEPTION;
}

JSValue http_head_raw(JSContext *ctx, const http_head *h, uint32_t from, uint32_t to)
{
    JSValue arr = JS_NewArray(ctx);

    for (uint32_t i = from; i < to && i < h->nfields && !JS_IsException(arr); i++) {
        uint32_t nlen, vlen;
        const char *name = http_head_name(h, i, &nlen), *value = http_head_value(h, i, &vlen);
        JS_SetPropertyUint32(ctx, arr, 2 * (i - from), JS_NewStringLen(ctx, name, nlen));
        JS_SetPropertyUint32(ctx, arr, 2 * (i - from) + 1, http_latin1_string(ctx, value, vlen));
    }
    return arr;
}

/* ------------------------------------------------------------------ */
/* the wire: llhttp's callbacks */

static int on_message_begin(llhttp_t *p)
{
    http_wire *w = p->data;

    w->flags &= ~(WIRE_HEAD_DONE | WIRE_MSG_DONE);
    w->body_bytes = 0;
    return 0;
}

static int on_url(llhttp_t *p, const char *at, size_t n)
{
    http_wire *w = p->data;
    http_head *h = w->head;

    if (h->in != HEAD_IN_URL) {
        h->in = HEAD_IN_URL;
        h->url_off = h->len;
    }
    if (head_append(w, at, n) < 0)
        return HPE_USER;
    h->url_len += (uint32_t)n;
    return 0;
}

static int on_header_field(llhttp_t *p, const char *at, size_t n)
{
    http_wire *w = p->data;
    http_head *h = w->head;

    if (h->in != HEAD_IN_NAME) {
        h->in = HEAD_IN_NAME;
        if (head_new_field(w) < 0)
            return HPE_USER;
    }
    if (head_append(w, at, n) < 0)
        return HPE_USER;
    h->fields[h->nfields - 1][1] += (uint32_t)n;
    h->fields[h->nfields - 1][2] = h->len;
    return 0;
}

static int on_header_value(llhttp_t *p, const char *at, size_t n)
{
    http_wire *w = p->data;
    http_head *h = w->head;

    h->in = HEAD_IN_VALUE;
    if (head_append(w, at, n) < 0)
        return HPE_USER;
    h->fields[h->nfields - 1][3] += (uint32_t)n;
    return 0;
}

static int on_headers_complete(llhttp_t *p)
{
    http_wire *w = p->data;

    w->flags |= WIRE_HEAD_DONE;
    w->head->nhead = w->head->nfields;
    if (w->flags & WIRE_SKIP_BODY)
        return 1; /* a response to HEAD: done; on_message_complete pauses */
    return HPE_PAUSED;
}

static int on_body(llhttp_t *p, const char *at, size_t n)
{
    http_wire *w = p->data;

    w->body_bytes += n;
    if (w->max_body && w->body_bytes > w->max_body) {
        w->error = WIRE_BODY_TOO_LARGE;
        return HPE_USER;
    }
    if (w->out_len + n > w->out_cap) {
        size_t cap = w->out_cap ? w->out_cap * 2 : 4096;
        uint8_t *o;
        while (cap < w->out_len + n)
            cap *= 2;
        o = js_realloc_rt(w->rt, w->out, cap);
        if (!o) {
            w->error = WIRE_NO_MEMORY;
            return HPE_USER;
        }
        w->out = o;
        w->out_cap = cap;
    }
    memcpy(w->out + w->out_len, at, n);
    w->out_len += n;
    return 0;
}

static int on_message_complete(llhttp_t *p)
{
    http_wire *w = p->data;

    w->flags |= WIRE_MSG_DONE;
    return HPE_PAUSED;
}

static const llhttp_settings_t wire_settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_status = on_url, /* a response's reason phrase goes where a request's target would */
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ------------------------------------------------------------------ */
/* the wire */

void http_wire_init(http_wire *w, JSRuntime *rt, coro_stream *io,
                    llhttp_type_t type)
{
    memset(w, 0, sizeof *w);
    llhttp_init(&w->p, type, &wire_settings);
    w->p.data = w;
    w->rt = rt;
    w->io = io;
    w->max_head = 16384;
}

void http_wire_free(http_wire *w)
{
    js_free_rt(w->rt, w->buf);
    js_free_rt(w->rt, w->out);
    w->buf = w->out = NULL;
    w->pos = w->len = w->out_len = w->out_cap = 0;
    if (w->io) {
        coro_stream_close(w->io);
        coro_stream_release(w->io);
        w->io = NULL;
    }
}

void http_wire_next(http_wire *w, http_head *head)
{
    if (w->flags & WIRE_PAUSED)
        llhttp_resume(&w->p);
    w->flags &= WIRE_EOF;
    w->error = WIRE_OK;
    w->head = head;
    w->head_bytes = 0;
    w->body_bytes = 0;
    js_free_rt(w->rt, w->out);
    w->out = NULL;
    w->out_len = w->out_cap = 0;
    if (head) { /* emptied, its buffers kept */
        head->len = head->nfields = head->nhead = head->url_off = head->url_len = 0;
        head->in = HEAD_IN_NONE;
    }
}

int http_wire_has_body(const http_wire *w)
{
    return (w->p.flags & F_CHUNKED) || w->p.content_length > 0 ||
           (w->p.type == HTTP_RESPONSE && llhttp_message_needs_eof(&w->p));
}

int http_wire_parse(http_wire *w)
{
    const char *start, *end;
    int was_head = !(w->flags & WIRE_HEAD_DONE);
    llhttp_errno_t e;

    if (w->flags & WIRE_MSG_DONE)
        return 0; /* what follows the message is the next one's */
    if (w->pos >= w->len && !(w->flags & WIRE_PAUSED))
        return 0;
    if (w->flags & WIRE_PAUSED) {
        /* paused at the end of the head: go on, with no bytes if there are
           none (a message without a body then ends at once) */
        llhttp_resume(&w->p);
        w->flags &= ~WIRE_PAUSED;
    }
    start = w->buf ? (const char *)w->buf + w->pos : "";
    e = llhttp_execute(&w->p, start, w->len - w->pos);
    if (e == HPE_OK) {
        end = (const char *)w->buf + w->len;
    } else if (e == HPE_PAUSED || e == HPE_PAUSED_UPGRADE) {
        end = llhttp_get_error_pos(&w->p);
        w->flags |= WIRE_PAUSED;
        if (e == HPE_PAUSED_UPGRADE) /* CONNECT or Upgrade: the message ends here */
            w->flags |= WIRE_MSG_DONE;
    } else {
        return HTTP_EPARSE(e);
    }
    w->pos += (size_t)(end - start);
    if (was_head) {
        w->head_bytes += (size_t)(end - start);
        if (w->head_bytes > w->max_head) {
            w->error = WIRE_HEAD_TOO_LARGE;
            return HTTP_EPARSE(HPE_USER);
        }
    }
    if (w->pos == w->len) { /* all parsed: the chunk can go */
        js_free_rt(w->rt, w->buf);
        w->buf = NULL;
        w->pos = w->len = 0;
    }
    return 0;
}

ssize_t http_wire_fill(JSContext *ctx, http_wire *w, uint64_t ms)
{
    uint8_t *buf = NULL;
    ssize_t n;

    js_free_rt(w->rt, w->buf);
    w->buf = NULL;
    w->pos = w->len = 0;
    if (w->flags & WIRE_EOF)
        return 0;
    n = coro_stream_read(ctx, w->io, &buf, ms);
    if (n > 0) {
        w->buf = buf;
        w->len = (size_t)n;
        return n;
    }
    if (n == 0) {
        w->flags |= WIRE_EOF;
        if (!(w->flags & WIRE_MSG_DONE)) {
            /* a message that ends with the connection ends now; any other
               is cut short, which its reader finds out */
            if (w->flags & WIRE_PAUSED) {
                llhttp_resume(&w->p);
                w->flags &= ~WIRE_PAUSED;
            }
            if (llhttp_finish(&w->p) == HPE_PAUSED)
                w->flags |= WIRE_PAUSED;
        }
    }
    return n;
}

int http_wire_body_refused(const http_wire *w)
{
    return w->max_body && !(w->p.flags & F_CHUNKED) && w->p.content_length > w->max_body &&
           !(w->flags & WIRE_MSG_DONE);
}

ssize_t http_wire_read_body(JSContext *ctx, http_wire *w, uint8_t **out, uint64_t ms)
{
    if (http_wire_body_refused(w)) { /* as chunks are once they pass the limit */
        w->error = WIRE_BODY_TOO_LARGE;
        return HTTP_EPARSE(HPE_USER);
    }
    for (;;) {
        ssize_t n;
        int r;

        if (w->out_len) {
            n = (ssize_t)w->out_len;
            *out = w->out;
            w->out = NULL;
            w->out_len = w->out_cap = 0;
            return n;
        }
        if (w->flags & WIRE_MSG_DONE)
            return 0;
        if (w->pos < w->len || (w->flags & WIRE_PAUSED)) {
            r = http_wire_parse(w);
            if (r < 0)
                return r;
            continue;
        }
        n = http_wire_fill(ctx, w, ms);
        if (n < 0)
            return n;
        if (n == 0 && !(w->flags & WIRE_MSG_DONE) && !w->out_len)
            return UV_ECONNRESET; /* the peer left in the middle of the body */
    }
}

