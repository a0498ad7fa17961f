/*
 * prim/http/message.c: a server's requests and responses. An `exchange`
 * holds one request (its head as parsed, its body's state) and its response
 * (status, headers set, what was sent); the request and response objects a
 * handler gets are instances of two classes made here, each pointing to the
 * exchange (lib/http.js completes their prototypes). The headers become a
 * JS object only when asked for. Response headers are checked and
 * serialised as they are set, and a response's head goes out with its body
 * in one write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "message.h"
#include "core/binding.h"
#include "core/quickjs_ext.h"
#include "core/utf8.h"

static JSClassID req_class_id, res_class_id;

/* ------------------------------------------------------------------ */
/* status lines and dates */

static const struct { int code; const char *reason; } reasons[] = {
    { 100, "Continue" }, { 101, "Switching Protocols" }, { 102, "Processing" },
    { 103, "Early Hints" }, { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
    { 203, "Non-Authoritative Information" }, { 204, "No Content" }, { 205, "Reset Content" },
    { 206, "Partial Content" }, { 207, "Multi-Status" }, { 208, "Already Reported" },
    { 226, "IM Used" }, { 300, "Multiple Choices" }, { 301, "Moved Permanently" },
    { 302, "Found" }, { 303, "See Other" }, { 304, "Not Modified" }, { 305, "Use Proxy" },
    { 307, "Temporary Redirect" }, { 308, "Permanent Redirect" }, { 400, "Bad Request" },
    { 401, "Unauthorized" }, { 402, "Payment Required" }, { 403, "Forbidden" },
    { 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
    { 407, "Proxy Authentication Required" }, { 408, "Request Timeout" }, { 409, "Conflict" },
    { 410, "Gone" }, { 411, "Length Required" }, { 412, "Precondition Failed" },
    { 413, "Payload Too Large" }, { 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
    { 416, "Range Not Satisfiable" }, { 417, "Expectation Failed" }, { 418, "I'm a Teapot" },
    { 421, "Misdirected Request" }, { 422, "Unprocessable Entity" }, { 423, "Locked" },
    { 424, "Failed Dependency" }, { 425, "Too Early" }, { 426, "Upgrade Required" },
    { 428, "Precondition Required" }, { 429, "Too Many Requests" },
    { 431, "Request Header Fields Too Large" }, { 451, "Unavailable For Legal Reasons" },
    { 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
    { 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
    { 505, "HTTP Version Not Supported" }, { 506, "Variant Also Negotiates" },
    { 507, "Insufficient Storage" }, { 508, "Loop Detected" },
    { 509, "Bandwidth Limit Exceeded" }, { 510, "Not Extended" },
    { 511, "Network Authentication Required" },
};

const char *http_reason(int code)
{
    size_t lo = 0, hi = sizeof reasons / sizeof reasons[0];

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (reasons[mid].code == code)
            return reasons[mid].reason;
        if (reasons[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return "unknown";
}

/* "Date: Tue, 15 Nov 1994 08:12:31 GMT\r\n", made once a second. */
#define DATE_LINE_LEN 37
static char date_line[64]; /* room for what snprintf could write; 37 used */
static time_t date_second = -1;

static const char *date_header(void)
{
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    time_t now = time(NULL);
    struct tm tm;

    if (now == date_second)
        return date_line;
    gmtime_r(&now, &tm);
    snprintf(date_line, sizeof date_line, "Date: %.3s, %02d %.3s %04d %02d:%02d:%02d GMT\r\n",
             days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
    date_second = now;
    return date_line;
}

/* ------------------------------------------------------------------ */
/* header names and values */

static const uint8_t token_chars[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

static int is_token(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!token_chars[(uint8_t)s[i]])
            return 0;
    return 1;
}

/* UTF-8 from a JS string to the Latin-1 bytes a head carries, checking
   every character as Node does (tab, 0x20-0x7e, 0x80-0xff only). Returns
   the length written to out (which has room for n bytes), or -1. */
static ssize_t to_latin1(const char *s, size_t n, char *out)
{
    size_t i = 0, j = 0;

    while (i < n) {
        uint8_t c = (uint8_t)s[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return -1;
            out[j++] = (char)c;
            i++;
        } else if ((c == 0xc2 || c == 0xc3) && i + 1 < n && ((uint8_t)s[i + 1] & 0xc0) == 0x80) {
            out[j++] = (char)(((c & 0x1f) << 6) | ((uint8_t)s[i + 1] & 0x3f));
            i += 2;
        } else {
            return -1;
        }
    }
    return (ssize_t)j;
}

/* Whether the Latin-1 value contains `word` as one of its comma-separated
   tokens (Connection: close, Transfer-Encoding: chunked). */
static int has_token(const char *v, size_t n, const char *word)
{
    size_t wl = strlen(word), i = 0;

    while (i < n) {
        size_t s, e;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        s = i;
        while (i < n && v[i] != ',')
            i++;
        e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e - s == wl && http_token_eq(v + s, wl, word))
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* exchanges */

http_exchange *http_exchange_new(JSRuntime *rt, http_conn *c, void (*conn_unref)(http_conn *c))
{
    http_exchange *x = js_malloc_rt(rt, sizeof *x);

    if (!x)
        return NULL;
    memset(x, 0, offsetof(http_exchange, text_inline));
    x->refs = 1;
    x->conn = c;
    x->conn_unref = conn_unref;
    http_head_init(&x->head);
    x->headers = x->raw_headers = JS_UNDEFINED;
    x->status = 200;
    x->text = x->text_inline;
    x->text_cap = OUT_TEXT_INLINE;
    x->hdrs = x->hdrs_inline;
    x->hdrs_cap = OUT_HEADERS_INLINE;
    return x;
}

void http_exchange_unref(JSRuntime *rt, http_exchange *x)
{
    if (--x->refs > 0)
        return;
    coro_waitq_close(&x->readers, UV_EBADF);
    http_head_free(rt, &x->head);
    if (x->text != x->text_inline)
        js_free_rt(rt, x->text);
    if (x->hdrs != x->hdrs_inline)
        js_free_rt(rt, x->hdrs);
    js_free_rt(rt, x->reason);
    js_free_rt(rt, x);
}

/* Drop every response header (an error answer replaces what was set). */
void http_res_clear_headers(JSRuntime *rt, http_exchange *x)
{
    for (uint32_t i = 0; i < x->nhdrs; i++)
        JS_FreeValueRT(rt, x->hdrs[i].value);
    x->nhdrs = 0;
    x->text_len = 0;
    x->res_flags &= ~(RES_HAS_LENGTH | RES_HAS_TE | RES_TE_CHUNKED | RES_HAS_DATE |
                      RES_HAS_CONNECTION | RES_CONN_CLOSE);
    js_free_rt(rt, x->reason);
    x->reason = NULL;
}

static int res_find(http_exchange *x, const char *name, size_t n)
{
    for (uint32_t i = 0; i < x->nhdrs; i++) {
        const char *h = x->text + x->hdrs[i].off;
        if (x->hdrs[i].name_len == n && !strncasecmp(h, name, n))
            return (int)i;
    }
    return -1;
}

/* What a header means to the framing, by name. */
enum { SPECIAL_NONE, SPECIAL_LENGTH, SPECIAL_TE, SPECIAL_DATE, SPECIAL_CONNECTION };

static int special_of(const char *name, size_t n)
{
    if (http_token_eq(name, n, "content-length"))
        return SPECIAL_LENGTH;
    if (http_token_eq(name, n, "transfer-encoding"))
        return SPECIAL_TE;
    if (http_token_eq(name, n, "date"))
        return SPECIAL_DATE;
    if (http_token_eq(name, n, "connection"))
        return SPECIAL_CONNECTION;
    return SPECIAL_NONE;
}

static void res_remove(JSRuntime *rt, http_exchange *x, int i)
{
    out_header h = x->hdrs[i];

    switch (special_of(x->text + h.off, h.name_len)) {
    case SPECIAL_LENGTH: x->res_flags &= ~RES_HAS_LENGTH; break;
    case SPECIAL_TE: x->res_flags &= ~(RES_HAS_TE | RES_TE_CHUNKED); break;
    case SPECIAL_DATE: x->res_flags &= ~RES_HAS_DATE; break;
    case SPECIAL_CONNECTION: x->res_flags &= ~(RES_HAS_CONNECTION | RES_CONN_CLOSE); break;
    }
    JS_FreeValueRT(rt, h.value);
    memmove(x->text + h.off, x->text + h.off + h.len, x->text_len - h.off - h.len);
    x->text_len -= h.len;
    memmove(&x->hdrs[i], &x->hdrs[i + 1], (x->nhdrs - (uint32_t)i - 1) * sizeof *x->hdrs);
    x->nhdrs--;
    for (uint32_t k = (uint32_t)i; k < x->nhdrs; k++)
        x->hdrs[k].off -= h.len;
}

static int text_reserve(JSContext *ctx, http_exchange *x, size_t more)
{
    size_t cap = x->text_cap;
    char *t;

    if (x->text_len + more <= x->text_cap)
        return 0;
    while (cap < x->text_len + more)
        cap *= 2;
    if (cap > UINT32_MAX)
        return -1;
    t = js_malloc(ctx, cap);
    if (!t)
        return -1;
    memcpy(t, x->text, x->text_len);
    if (x->text != x->text_inline)
        js_free(ctx, x->text);
    x->text = t;
    x->text_cap = (uint32_t)cap;
    return 0;
}

/* Append "Name: value\r\n" for one value (anything but an array). */
static int res_append_line(JSContext *ctx, http_exchange *x, const char *name, size_t nlen,
                           JSValueConst value, int special)
{
    size_t vlen;
    const char *v = JS_ToCStringLen(ctx, &vlen, value);
    ssize_t l1;
    char *p;

    if (!v)
        return -1;
    if (text_reserve(ctx, x, nlen + vlen + 4) < 0) {
        JS_FreeCString(ctx, v);
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    p = x->text + x->text_len;
    memcpy(p, name, nlen);
    p[nlen] = ':';
    p[nlen + 1] = ' ';
    l1 = to_latin1(v, vlen, p + nlen + 2);
    JS_FreeCString(ctx, v);
    if (l1 < 0) {
        char shown[64];
        snprintf(shown, sizeof shown, "%.*s", (int)(nlen < 60 ? nlen : 60), name);
        coro_throw_code(ctx, "ERR_INVALID_CHAR", "Invalid character in header content [\"%s\"]", shown);
        return -1;
    }
    memcpy(p + nlen + 2 + l1, "\r\n", 2);
    x->text_len += (uint32_t)(nlen + 4 + (size_t)l1);
    switch (special) {
    case SPECIAL_LENGTH: {
        const char *d = p + nlen + 2;
        uint64_t len = 0;
        ssize_t k;
        for (k = 0; k < l1 && d[k] >= '0' && d[k] <= '9' && len < UINT64_MAX / 10; k++)
            len = len * 10 + (uint64_t)(d[k] - '0');
        x->res_flags |= RES_HAS_LENGTH; /* the handler frames the body: no second length */
        if (k == l1 && k > 0)
            x->length = len;
        else
            x->res_flags |= RES_CONN_CLOSE; /* a length nobody can read: the body ends with the connection */
        break;
    }
    case SPECIAL_TE:
        x->res_flags |= RES_HAS_TE;
        if (has_token(p + nlen + 2, (size_t)l1, "chunked"))
            x->res_flags |= RES_TE_CHUNKED;
        break;
    case SPECIAL_DATE:
        x->res_flags |= RES_HAS_DATE;
        break;
    case SPECIAL_CONNECTION:
        x->res_flags |= RES_HAS_CONNECTION;
        if (has_token(p + nlen + 2, (size_t)l1, "close"))
            x->res_flags |= RES_CONN_CLOSE;
        break;
    }
    return 0;
}

/* Set a header (replacing one of that name), as setHeader does. */
static int res_set(JSContext *ctx, http_exchange *x, JSValueConst name_v, JSValueConst value)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    size_t nlen;
    const char *name;
    uint32_t start;
    int i, special, r = 0;
    out_header *h;

    if (!JS_IsString(name_v)) {
        coro_throw_arg_type(ctx, "name", "of type string", name_v);
        return -1;
    }
    name = JS_ToCStringLen(ctx, &nlen, name_v);
    if (!name)
        return -1;
    if (!is_token(name, nlen)) {
        coro_throw_code(ctx, "ERR_INVALID_HTTP_TOKEN",
                   "Header name must be a valid HTTP token [\"%.64s\"]", name);
        goto fail;
    }
    if (JS_IsUndefined(value)) {
        coro_throw_code(ctx, "ERR_HTTP_INVALID_HEADER_VALUE",
                   "Invalid value \"undefined\" for header \"%.64s\"", name);
        goto fail;
    }
    i = res_find(x, name, nlen);
    if (i >= 0)
        res_remove(rt, x, i);
    if (x->nhdrs == x->hdrs_cap) {
        out_header *more = js_malloc(ctx, 2 * x->hdrs_cap * sizeof *more);
        if (!more)
            goto fail;
        memcpy(more, x->hdrs, x->nhdrs * sizeof *more);
        if (x->hdrs != x->hdrs_inline)
            js_free(ctx, x->hdrs);
        x->hdrs = more;
        x->hdrs_cap *= 2;
    }
    special = special_of(name, nlen);
    start = x->text_len;
    if (JS_IsArray(ctx, value) > 0) {
        JSValue len_v = JS_GetPropertyStr(ctx, value, "length");
        int64_t n = 0;
        JS_ToInt64(ctx, &n, len_v);
        JS_FreeValue(ctx, len_v);
        for (int64_t k = 0; k < n && r == 0; k++) {
            JSValue item = JS_GetPropertyUint32(ctx, value, (uint32_t)k);
            r = JS_IsException(item) ? -1 : res_append_line(ctx, x, name, nlen, item, special);
            JS_FreeValue(ctx, item);
        }
    } else {
        r = res_append_line(ctx, x, name, nlen, value, special);
    }
    if (r < 0) { /* take back the lines of a value that failed half-way */
        x->text_len = start;
        goto fail;
    }
    h = &x->hdrs[x->nhdrs++];
    h->off = start;
    h->len = x->text_len - start;
    h->name_len = (uint32_t)nlen;
    h->value = JS_DupValue(ctx, value);
    JS_FreeCString(ctx, name);
    return 0;

fail:
    JS_FreeCString(ctx, name);
    return -1;
}

/* ------------------------------------------------------------------ */
/* sending a response */

static int status_valid(JSContext *ctx, int status)
{
    if (status >= 100 && status <= 999)
        return 1;
    coro_throw_code(ctx, "ERR_HTTP_INVALID_STATUS_CODE", "Invalid status code: %d", status);
    return 0;
}

/* Decide how the body is framed, and whether the connection stays. */
static void res_frame(http_exchange *x, int end, size_t len)
{
    http_conn *c = x->conn;
    int s = x->status;

    if (x->method == HTTP_HEAD || s < 200 || s == 204 || s == 304)
        x->res_flags |= RES_NO_BODY;
    if ((s < 200 || s == 204 || s == 304) || (x->res_flags & RES_HAS_LENGTH)) {
        /* no body, or the handler framed it */
    } else if (x->res_flags & RES_HAS_TE) {
        if (x->res_flags & RES_TE_CHUNKED)
            x->res_flags |= RES_CHUNKED;
        else
            x->res_flags |= RES_NO_FRAMING;
    } else if (end) {
        x->length = len;
    } else if (x->major == 1 && x->minor >= 1) {
        x->res_flags |= RES_CHUNKED;
    } else {
        x->res_flags |= RES_NO_FRAMING;
    }
    if (x->method == HTTP_HEAD)
        x->res_flags &= ~RES_CHUNKED;
    if (!(x->req_flags & REQ_KEEP_ALIVE) || (x->res_flags & (RES_CONN_CLOSE | RES_NO_FRAMING)) ||
        !c || c->srv->closed || c->upgrade ||
        ((x->req_flags & (REQ_COMPLETE | REQ_CONTINUE | REQ_CONTINUE_SENT)) == REQ_CONTINUE))
        x->res_flags |= RES_CLOSE;
}

/* n in decimal (base 10) or hex (16) at p; returns the end. */
static char *put_number(char *p, uint64_t n, unsigned base)
{
    char digits[24];
    int k = 0;

    do {
        digits[k++] = "0123456789abcdef"[n % base];
        n /= base;
    } while (n);
    while (k)
        *p++ = digits[--k];
    return p;
}

/* The head, into buf (which has room for head_size(x) bytes). */
static size_t head_size(const http_exchange *x)
{
    return 32 + (x->reason ? x->reason_len : 40) + x->text_len + DATE_LINE_LEN + 64;
}

static size_t res_head(http_exchange *x, char *buf, int end)
{
    char *p = buf;
    const char *reason = x->reason ? x->reason : http_reason(x->status);
    size_t rlen = x->reason ? x->reason_len : strlen(reason);
    int s = x->status;

    memcpy(p, "HTTP/1.1 ", 9);
    p += 9;
    *p++ = (char)('0' + s / 100);
    *p++ = (char)('0' + s / 10 % 10);
    *p++ = (char)('0' + s % 10);
    *p++ = ' ';
    memcpy(p, reason, rlen);
    p += rlen;
    *p++ = '\r';
    *p++ = '\n';
    memcpy(p, x->text, x->text_len);
    p += x->text_len;
    if (!(x->res_flags & RES_HAS_DATE)) {
        memcpy(p, date_header(), DATE_LINE_LEN);
        p += DATE_LINE_LEN;
    }
    if (x->res_flags & (RES_HAS_LENGTH | RES_HAS_TE) || s < 200 || s == 204 || s == 304) {
        /* the handler's framing, or none */
    } else if (x->res_flags & RES_CHUNKED) {
        memcpy(p, "Transfer-Encoding: chunked\r\n", 28);
        p += 28;
    } else if (!(x->res_flags & RES_NO_FRAMING) && end) {
        memcpy(p, "Content-Length: ", 16);
        p = put_number(p + 16, x->length, 10);
        *p++ = '\r';
        *p++ = '\n';
    }
    if (!(x->res_flags & RES_HAS_CONNECTION)) {
        if (x->res_flags & RES_CLOSE) {
            memcpy(p, "Connection: close\r\n", 19);
            p += 19;
        } else if (x->minor == 0) {
            memcpy(p, "Connection: keep-alive\r\n", 24);
            p += 24;
        }
    }
    *p++ = '\r';
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* Write data (and, with end, finish the response): the head first if it
   is not out yet, all in one write. Returns 0, -1 with an exception
   pending, or a negative error of the socket (no exception). */
int http_res_send(JSContext *ctx, http_exchange *x, const uint8_t *data, size_t len, int end)
{
    http_conn *c = x->conn;
    char stack[768], *head = stack, chunk[24];
    uv_buf_t bufs[5];
    unsigned n = 0;
    int st;

    if (!(x->res_flags & RES_HEAD_SENT)) {
        size_t need = head_size(x);
        if (!(x->res_flags & RES_COMMITTED) && !status_valid(ctx, x->status))
            return -1;
        x->res_flags |= RES_COMMITTED | RES_HEAD_SENT;
        res_frame(x, end, len);
        if (need > sizeof stack && !(head = js_malloc(ctx, need)))
            return -1;
        bufs[n++] = uv_buf_init(head, (unsigned)res_head(x, head, end));
    }
    if (end)
        x->res_flags |= RES_FINISHED;
    if (x->res_flags & RES_NO_BODY)
        len = 0;
    if (len && (x->res_flags & RES_CHUNKED)) {
        char *e = put_number(chunk, len, 16);
        memcpy(e, "\r\n", 2);
        bufs[n++] = uv_buf_init(chunk, (unsigned)(e + 2 - chunk));
        bufs[n++] = uv_buf_init((char *)data, (unsigned)len);
        bufs[n++] = uv_buf_init(end ? "\r\n0\r\n\r\n" : "\r\n", end ? 7 : 2);
    } else {
        if (len)
            bufs[n++] = uv_buf_init((char *)data, (unsigned)len);
        if (end && (x->res_flags & RES_CHUNKED))
            bufs[n++] = uv_buf_init("0\r\n\r\n", 5);
    }
    x->sent += len;
    if (end && (x->res_flags & RES_HAS_LENGTH) && x->sent != x->length &&
        !(x->res_flags & RES_NO_BODY))
        x->res_flags |= RES_CLOSE; /* the body does not match its length: the framing is lost */
    if (!c) {
        st = UV_EPIPE;
    } else {
        c->refs++;
        st = n ? coro_stream_writev(ctx, c->w.io, bufs, n) : 0;
        if (st < 0)
            x->res_flags |= RES_CLOSE;
        x->conn_unref(c);
    }
    if (head != stack)
        js_free(ctx, head);
    return st;
}

/* The bytes of a body argument: a String (UTF-8), bytes, or nothing. */
static int body_get(JSContext *ctx, JSValueConst v, coro_bytes *b)
{
    if (JS_IsUndefined(v) || JS_IsNull(v)) {
        memset(b, 0, sizeof *b);
        b->pinned = JS_UNDEFINED;
        return 0;
    }
    return coro_arg_bytes(ctx, v, "chunk", b);
}

/* ------------------------------------------------------------------ */
/* request and response objects */

static http_exchange *req_get(JSContext *ctx, JSValueConst v)
{
    http_exchange *x = JS_GetOpaque(v, req_class_id);

    if (!x)
        coro_throw_code(ctx, "ERR_INVALID_THIS", "Value of \"this\" must be of type IncomingMessage");
    return x;
}

static http_exchange *res_get(JSContext *ctx, JSValueConst v)
{
    http_exchange *x = JS_GetOpaque(v, res_class_id);

    if (!x)
        coro_throw_code(ctx, "ERR_INVALID_THIS", "Value of \"this\" must be of type ServerResponse");
    return x;
}

static void req_finalizer(JSRuntime *rt, JSValue val)
{
    http_exchange *x = JS_GetOpaque(val, req_class_id);

    if (!x)
        return;
    JS_FreeValueRT(rt, x->headers);
    JS_FreeValueRT(rt, x->raw_headers);
    x->headers = x->raw_headers = JS_UNDEFINED;
    http_exchange_unref(rt, x);
}

static void req_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark_func)
{
    http_exchange *x = JS_GetOpaque(val, req_class_id);

    if (!x)
        return;
    JS_MarkValue(rt, x->headers, mark_func);
    JS_MarkValue(rt, x->raw_headers, mark_func);
}

static void res_finalizer(JSRuntime *rt, JSValue val)
{
    http_exchange *x = JS_GetOpaque(val, res_class_id);

    if (!x)
        return;
    for (uint32_t i = 0; i < x->nhdrs; i++) {
        JS_FreeValueRT(rt, x->hdrs[i].value);
        x->hdrs[i].value = JS_UNDEFINED;
    }
    http_exchange_unref(rt, x);
}

static void res_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark_func)
{
    http_exchange *x = JS_GetOpaque(val, res_class_id);

    if (!x)
        return;
    for (uint32_t i = 0; i < x->nhdrs; i++)
        JS_MarkValue(rt, x->hdrs[i].value, mark_func);
}

static const JSClassDef req_class = { "IncomingMessage", .finalizer = req_finalizer, .gc_mark = req_mark };
static const JSClassDef res_class = { "ServerResponse", .finalizer = res_finalizer, .gc_mark = res_mark };

enum { REQ_METHOD, REQ_URL, REQ_HEADERS, REQ_RAW_HEADERS, REQ_VERSION, REQ_MAJOR, REQ_MINOR,
       REQ_COMPLETE_GET, REQ_TRAILERS, REQ_RAW_TRAILERS };

static JSValue js_req_get(JSContext *ctx, JSValueConst this_val, int magic)
{
    http_exchange *x = req_get(ctx, this_val);
    char v[8];

    if (!x)
        return JS_EXCEPTION;
    switch (magic) {
    case REQ_METHOD:
        return JS_NewString(ctx, llhttp_method_name(x->method));
    case REQ_URL:
        return http_latin1_string(ctx, x->head.text + x->head.url_off, x->head.url_len);
    case REQ_HEADERS:
        if (JS_IsUndefined(x->headers))
            x->headers = http_head_object(ctx, &x->head, 0, x->head.nhead);
        return JS_DupValue(ctx, x->headers);
    case REQ_RAW_HEADERS:
        if (JS_IsUndefined(x->raw_headers))
            x->raw_headers = http_head_raw(ctx, &x->head, 0, x->head.nhead);
        return JS_DupValue(ctx, x->raw_headers);
    case REQ_VERSION:
        snprintf(v, sizeof v, "%d.%d", x->major, x->minor);
        return JS_NewString(ctx, v);
    case REQ_MAJOR:
        return JS_NewInt32(ctx, x->major);
    case REQ_MINOR:
        return JS_NewInt32(ctx, x->minor);
    case REQ_TRAILERS: /* known once the body is read to its end */
        return (x->req_flags & REQ_COMPLETE) ? http_head_object(ctx, &x->head, x->head.nhead, x->head.nfields)
                                             : JS_NewObject(ctx);
    case REQ_RAW_TRAILERS:
        return (x->req_flags & REQ_COMPLETE) ? http_head_raw(ctx, &x->head, x->head.nhead, x->head.nfields)
                                             : JS_NewArray(ctx);
    default:
        return JS_NewBool(ctx, (x->req_flags & REQ_COMPLETE) != 0);
    }
}

/* ms left of the request's time to arrive (requestTimeout), 0 = no limit;
   UV_ETIMEDOUT when it has run out. */
int64_t http_request_time_left(http_exchange *x)
{
    uint64_t t = x->conn->srv->request_timeout, now = uv_now(coro_loop());

    if (!t)
        return 0;
    return x->start + t > now ? (int64_t)(x->start + t - now) : UV_ETIMEDOUT;
}

/* Send "100 Continue" once, when the handler first wants the body. */
static int send_continue(JSContext *ctx, http_exchange *x)
{
    static const char msg[] = "HTTP/1.1 100 Continue\r\n\r\n";

    if ((x->req_flags & (REQ_CONTINUE | REQ_CONTINUE_SENT)) != REQ_CONTINUE ||
        (x->res_flags & RES_HEAD_SENT))
        return 0;
    x->req_flags |= REQ_CONTINUE_SENT;
    http_wire *w = &x->conn->w;
    uv_buf_t buf = uv_buf_init((char *)msg, sizeof msg - 1);

    return coro_stream_writev(ctx, w->io, &buf, 1);
}

/* The error for a body that could not be read, and the status the
   connection answers with if the handler lets it through. */
static JSValue body_error(JSContext *ctx, http_exchange *x, ssize_t r)
{
    http_wire *w = &x->conn->w;

    x->req_flags |= REQ_BROKEN;
    if (r == CORO_ETERMINATED)
        return JS_EXCEPTION;
    if (HTTP_IS_EPARSE(r) && w->error == WIRE_BODY_TOO_LARGE) {
        JSValue e;
        x->fail_status = 413;
        coro_throw_code(ctx, "ERR_HTTP_BODY_TOO_LARGE",
                   "Request body larger than maxBodySize (%llu bytes)", (unsigned long long)w->max_body);
        e = JS_GetException(ctx);
        JS_SetPropertyStr(ctx, e, "status", JS_NewInt32(ctx, 413));
        return JS_Throw(ctx, e);
    }
    if (HTTP_IS_EPARSE(r) && w->error == WIRE_HEAD_TOO_LARGE) { /* the trailers */
        JSValue e;
        x->fail_status = 431;
        coro_throw_code(ctx, "HPE_HEADER_OVERFLOW", "Header overflow: the trailers are larger than "
                        "maxHeaderSize (%zu bytes, with the head)", w->max_head);
        e = JS_GetException(ctx);
        JS_SetPropertyStr(ctx, e, "status", JS_NewInt32(ctx, 431));
        return JS_Throw(ctx, e);
    }
    if (HTTP_IS_EPARSE(r) && w->error == WIRE_NO_MEMORY)
        return JS_ThrowOutOfMemory(ctx);
    if (HTTP_IS_EPARSE(r)) {
        x->fail_status = 400;
        return coro_throw_code(ctx, llhttp_errno_name(HTTP_EPARSE_CODE(r)), "Parse Error: %s",
                          llhttp_get_error_reason(&w->p) ? llhttp_get_error_reason(&w->p) : "bad body");
    }
    if (r == UV_ECONNRESET) { /* the client ended in the middle of the body */
        x->fail_status = 400;
        return coro_throw_code(ctx, "ECONNRESET", "aborted");
    }
    if (r == UV_ETIMEDOUT)
        x->fail_status = 408;
    return JS_Throw(ctx, coro_stream_error(ctx, (int)r, "read"));
}

/* read() -> Uint8Array or null at the end; bytes() -> all the rest as one
   Uint8Array (magic 1). */
static JSValue js_req_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                           int magic)
{
    http_exchange *x = req_get(ctx, this_val);
    uint8_t *all = NULL, *buf;
    size_t total = 0, cap = 0;
    http_conn *c;
    JSValue ret = JS_UNDEFINED;

    if (!x)
        return JS_EXCEPTION;
    while (x->req_flags & REQ_READING) {
        if (coro_waitq_wait(ctx, &x->readers) == CORO_ETERMINATED)
            return JS_EXCEPTION;
    }
    c = x->conn;
    if ((x->req_flags & REQ_COMPLETE) || !c)
        return magic ? coro_new_uint8array(ctx, js_malloc(ctx, 1), 0) : JS_NULL;
    if (x->req_flags & REQ_BROKEN)
        return coro_throw_code(ctx, "ERR_HTTP_BODY_BROKEN", "the request body could not be read");
    x->req_flags |= REQ_READING;
    c->refs++;
    if (!http_wire_body_refused(&c->w) && send_continue(ctx, x) < 0) /* 413 needs no body */
        x->req_flags |= REQ_BROKEN;
    while (JS_IsUndefined(ret)) {
        int64_t ms = http_request_time_left(x);
        ssize_t n = ms < 0 ? ms : http_wire_read_body(ctx, &c->w, &buf, (uint64_t)ms);
        if (n < 0) {
            ret = body_error(ctx, x, n);
        } else if (n == 0) {
            x->req_flags |= REQ_COMPLETE;
            ret = magic ? coro_new_uint8array(ctx, all ? all : js_malloc(ctx, 1), total) : JS_NULL;
            all = NULL;
        } else if (!magic) {
            ret = coro_new_uint8array(ctx, buf, (size_t)n);
        } else if (!all) {
            all = buf;
            total = cap = (size_t)n;
        } else {
            if (total + (size_t)n > cap) {
                uint8_t *more;
                cap = (total + (size_t)n) * 2;
                more = js_realloc(ctx, all, cap);
                if (!more) {
                    js_free(ctx, buf);
                    ret = JS_EXCEPTION;
                    break;
                }
                all = more;
            }
            memcpy(all + total, buf, (size_t)n);
            total += (size_t)n;
            js_free(ctx, buf);
        }
    }
    js_free(ctx, all);
    x->req_flags &= ~REQ_READING;
    coro_waitq_wake_one(&x->readers, 0);
    x->conn_unref(c);
    return ret;
}

/* socketId() -> the handle ID of the connection's socket, or undefined */
static JSValue js_req_socket_id(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_exchange *x = req_get(ctx, this_val);

    if (!x)
        return JS_EXCEPTION;
    return x->conn ? JS_NewBigUint64(ctx, coro_stream_bottom(x->conn->w.io)->h.id) : JS_UNDEFINED;
}

static const JSCFunctionListEntry req_proto_funcs[] = {
    JS_CGETSET_MAGIC_DEF("method", js_req_get, NULL, REQ_METHOD),
    JS_CGETSET_MAGIC_DEF("url", js_req_get, NULL, REQ_URL),
    JS_CGETSET_MAGIC_DEF("headers", js_req_get, NULL, REQ_HEADERS),
    JS_CGETSET_MAGIC_DEF("rawHeaders", js_req_get, NULL, REQ_RAW_HEADERS),
    JS_CGETSET_MAGIC_DEF("httpVersion", js_req_get, NULL, REQ_VERSION),
    JS_CGETSET_MAGIC_DEF("httpVersionMajor", js_req_get, NULL, REQ_MAJOR),
    JS_CGETSET_MAGIC_DEF("httpVersionMinor", js_req_get, NULL, REQ_MINOR),
    JS_CGETSET_MAGIC_DEF("complete", js_req_get, NULL, REQ_COMPLETE_GET),
    JS_CGETSET_MAGIC_DEF("trailers", js_req_get, NULL, REQ_TRAILERS),
    JS_CGETSET_MAGIC_DEF("rawTrailers", js_req_get, NULL, REQ_RAW_TRAILERS),
    JS_CFUNC_MAGIC_DEF("read", 0, js_req_read, 0),
    JS_CFUNC_MAGIC_DEF("bytes", 0, js_req_read, 1),
    JS_CFUNC_DEF("socketId", 0, js_req_socket_id),
    JS_PROP_STRING_DEF("[Symbol.toStringTag]", "IncomingMessage", JS_PROP_CONFIGURABLE),
};

enum { RES_STATUS, RES_MESSAGE, RES_HEADERS_SENT, RES_ENDED };

static JSValue js_res_get(JSContext *ctx, JSValueConst this_val, int magic)
{
    http_exchange *x = res_get(ctx, this_val);

    if (!x)
        return JS_EXCEPTION;
    switch (magic) {
    case RES_STATUS:
        return JS_NewInt32(ctx, x->status);
    case RES_MESSAGE:
        if (x->reason)
            return http_latin1_string(ctx, x->reason, x->reason_len);
        return JS_NewString(ctx, http_reason(x->status));
    case RES_HEADERS_SENT:
        return JS_NewBool(ctx, (x->res_flags & RES_COMMITTED) != 0);
    default:
        return JS_NewBool(ctx, (x->res_flags & RES_FINISHED) != 0);
    }
}

static int res_set_reason(JSContext *ctx, http_exchange *x, JSValueConst v)
{
    size_t n;
    const char *s = JS_ToCStringLen(ctx, &n, v);
    char *r;
    ssize_t l1;

    if (!s)
        return -1;
    r = js_malloc(ctx, n + 1);
    l1 = r ? to_latin1(s, n, r) : -1;
    JS_FreeCString(ctx, s);
    if (l1 < 0) {
        js_free(ctx, r);
        if (r)
            coro_throw_code(ctx, "ERR_INVALID_CHAR", "Invalid character in statusMessage");
        return -1;
    }
    js_free(ctx, x->reason);
    x->reason = r;
    x->reason_len = (uint32_t)l1;
    return 0;
}

static JSValue js_res_set(JSContext *ctx, JSValueConst this_val, JSValueConst v, int magic)
{
    http_exchange *x = res_get(ctx, this_val);
    int32_t status;

    if (!x)
        return JS_EXCEPTION;
    if (magic == RES_STATUS) {
        if (JS_ToInt32(ctx, &status, v) < 0)
            return JS_EXCEPTION;
        x->status = status;
    } else if (res_set_reason(ctx, x, v) < 0) {
        return JS_EXCEPTION;
    }
    return JS_UNDEFINED;
}

static JSValue headers_sent_error(JSContext *ctx, const char *what)
{
    return coro_throw_code(ctx, "ERR_HTTP_HEADERS_SENT",
                      "Cannot %s headers after they are sent to the client", what);
}

static JSValue js_res_set_header(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_exchange *x = res_get(ctx, this_val);

    if (!x)
        return JS_EXCEPTION;
    if (x->res_flags & RES_COMMITTED)
        return headers_sent_error(ctx, "set");
    if (res_set(ctx, x, argv[0], argv[1]) < 0)
        return JS_EXCEPTION;
    return JS_DupValue(ctx, this_val);
}

/* getHeader(name), hasHeader(name), removeHeader(name) */
enum { HDR_GET, HDR_HAS, HDR_REMOVE };

static JSValue js_res_header_op(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                                int magic)
{
    http_exchange *x = res_get(ctx, this_val);
    const char *name;
    size_t n;
    int i;

    if (!x)
        return JS_EXCEPTION;
    if (!JS_IsString(argv[0]))
        return coro_throw_arg_type(ctx, "name", "of type string", argv[0]);
    if (magic == HDR_REMOVE && (x->res_flags & RES_COMMITTED))
        return headers_sent_error(ctx, "remove");
    name = JS_ToCStringLen(ctx, &n, argv[0]);
    if (!name)
        return JS_EXCEPTION;
    i = res_find(x, name, n);
    JS_FreeCString(ctx, name);
    switch (magic) {
    case HDR_GET:
        return i < 0 ? JS_UNDEFINED : JS_DupValue(ctx, x->hdrs[i].value);
    case HDR_HAS:
        return JS_NewBool(ctx, i >= 0);
    default:
        if (i >= 0)
            res_remove(JS_GetRuntime(ctx), x, i);
        return JS_UNDEFINED;
    }
}

/* A response header's name in lower case. */
static JSAtom lower_name_atom(JSContext *ctx, const http_exchange *x, uint32_t i)
{
    char small[64], *l = small;
    uint32_t n = x->hdrs[i].name_len;
    const char *name = x->text + x->hdrs[i].off;
    JSAtom a;

    if (n > sizeof small && !(l = js_malloc(ctx, n)))
        return JS_ATOM_NULL;
    for (uint32_t k = 0; k < n; k++)
        l[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] + 32 : name[k]);
    a = JS_NewAtomLen(ctx, l, n);
    if (l != small)
        js_free(ctx, l);
    return a;
}

/* getHeaders() -> { name: value } (magic 0); getHeaderNames() -> [name] (1) */
static JSValue js_res_headers(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                              int magic)
{
    http_exchange *x = res_get(ctx, this_val);
    JSValue ret;

    if (!x)
        return JS_EXCEPTION;
    ret = magic ? JS_NewArray(ctx) : JS_NewObject(ctx);
    for (uint32_t i = 0; i < x->nhdrs && !JS_IsException(ret); i++) {
        JSAtom a = lower_name_atom(ctx, x, i);
        if (a == JS_ATOM_NULL) {
            JS_FreeValue(ctx, ret);
            return JS_EXCEPTION;
        }
        if (magic)
            JS_SetPropertyUint32(ctx, ret, i, JS_AtomToString(ctx, a));
        else
            JS_DefinePropertyValue(ctx, ret, a, JS_DupValue(ctx, x->hdrs[i].value), JS_PROP_C_W_E);
        JS_FreeAtom(ctx, a);
    }
    return ret;
}

/* The pairs of a header list, [name, value, ...] or [[name, value], ...],
   as one flat array; JS_EXCEPTION if the list is neither. */
static JSValue header_pairs(JSContext *ctx, JSValueConst list)
{
    JSValue flat = JS_NewArray(ctx), first = JS_GetPropertyUint32(ctx, list, 0), len_v;
    int nested = JS_IsArray(ctx, first) > 0;
    int64_t len = 0;

    JS_FreeValue(ctx, first);
    len_v = JS_GetPropertyStr(ctx, list, "length");
    JS_ToInt64(ctx, &len, len_v);
    JS_FreeValue(ctx, len_v);
    if (!nested && len % 2) {
        JS_FreeValue(ctx, flat);
        return coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE",
                               "The argument 'headers' must hold name and value pairs");
    }
    for (int64_t i = 0; i < len; i++) {
        if (nested) {
            JSValue pair = JS_GetPropertyUint32(ctx, list, (uint32_t)i);
            JS_SetPropertyUint32(ctx, flat, (uint32_t)(2 * i), JS_GetPropertyUint32(ctx, pair, 0));
            JS_SetPropertyUint32(ctx, flat, (uint32_t)(2 * i + 1), JS_GetPropertyUint32(ctx, pair, 1));
            JS_FreeValue(ctx, pair);
        } else {
            JS_SetPropertyUint32(ctx, flat, (uint32_t)i, JS_GetPropertyUint32(ctx, list, (uint32_t)i));
        }
    }
    return flat;
}

/* Whether two header names (strings) are one, ignoring case. */
static int same_name(JSContext *ctx, JSValueConst a, JSValueConst b)
{
    size_t na, nb;
    const char *sa = JS_IsString(a) ? JS_ToCStringLen(ctx, &na, a) : NULL;
    const char *sb = JS_IsString(b) ? JS_ToCStringLen(ctx, &nb, b) : NULL;
    int same = sa && sb && na == nb && !strncasecmp(sa, sb, na);

    JS_FreeCString(ctx, sa);
    JS_FreeCString(ctx, sb);
    return same;
}

/* Set the headers of a list, as Node does: a name given more than once
   keeps all its values (two Set-Cookie are two lines), each name replacing
   what setHeader set before. */
static int res_set_list(JSContext *ctx, http_exchange *x, JSValueConst list)
{
    JSValue pairs = header_pairs(ctx, list), len_v;
    int64_t len = 0;
    int r = 0;

    if (JS_IsException(pairs))
        return -1;
    len_v = JS_GetPropertyStr(ctx, pairs, "length");
    JS_ToInt64(ctx, &len, len_v);
    JS_FreeValue(ctx, len_v);
    for (int64_t i = 0; i < len && r == 0; i += 2) {
        JSValue name = JS_GetPropertyUint32(ctx, pairs, (uint32_t)i), values = JS_NewArray(ctx);
        uint32_t n = 0, done = 0;
        for (int64_t k = 0; k < i && !done; k += 2) { /* set already with an earlier pair */
            JSValue earlier = JS_GetPropertyUint32(ctx, pairs, (uint32_t)k);
            done = same_name(ctx, earlier, name);
            JS_FreeValue(ctx, earlier);
        }
        for (int64_t k = i; k < len && !done; k += 2) { /* all values of this name */
            JSValue other = JS_GetPropertyUint32(ctx, pairs, (uint32_t)k);
            if (k == i || same_name(ctx, other, name)) {
                JSValue v = JS_GetPropertyUint32(ctx, pairs, (uint32_t)k + 1);
                int64_t m = 1;
                if (JS_IsArray(ctx, v) > 0) { /* a value that is a list already */
                    JSValue m_v = JS_GetPropertyStr(ctx, v, "length");
                    JS_ToInt64(ctx, &m, m_v);
                    JS_FreeValue(ctx, m_v);
                    for (int64_t j = 0; j < m; j++)
                        JS_SetPropertyUint32(ctx, values, n++, JS_GetPropertyUint32(ctx, v, (uint32_t)j));
                    JS_FreeValue(ctx, v);
                } else {
                    JS_SetPropertyUint32(ctx, values, n++, v);
                }
            }
            JS_FreeValue(ctx, other);
        }
        if (!done) {
            JSValue one = n == 1 ? JS_GetPropertyUint32(ctx, values, 0) : JS_DupValue(ctx, values);
            r = res_set(ctx, x, name, one);
            JS_FreeValue(ctx, one);
        }
        JS_FreeValue(ctx, values);
        JS_FreeValue(ctx, name);
    }
    JS_FreeValue(ctx, pairs);
    return r;
}

/* Set every header of an object ({ name: value }) or a list ([name, value,
   ...] or [[name, value], ...]). */
static int res_set_all(JSContext *ctx, http_exchange *x, JSValueConst headers)
{
    JSPropertyEnum *tab;
    uint32_t n;
    int r = 0;

    if (JS_IsUndefined(headers) || JS_IsNull(headers))
        return 0;
    if (JS_IsArray(ctx, headers) > 0)
        return res_set_list(ctx, x, headers);
    if (!JS_IsObject(headers)) {
        coro_throw_arg_type(ctx, "headers", "of type object", headers);
        return -1;
    }
    if (JS_GetOwnPropertyNames(ctx, &tab, &n, headers, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        if (r == 0) {
            JSValue k = JS_AtomToString(ctx, tab[i].atom), v = JS_GetProperty(ctx, headers, tab[i].atom);
            r = JS_IsException(v) ? -1 : res_set(ctx, x, k, v);
            JS_FreeValue(ctx, k);
            JS_FreeValue(ctx, v);
        }
        JS_FreeAtom(ctx, tab[i].atom);
    }
    js_free(ctx, tab);
    return r;
}

/* writeHead(status, [statusMessage], [headers]) -> this */
static JSValue js_res_write_head(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    http_exchange *x = res_get(ctx, this_val);
    JSValueConst headers = argv[2];
    int32_t status;

    if (!x)
        return JS_EXCEPTION;
    if (x->res_flags & RES_COMMITTED)
        return headers_sent_error(ctx, "write");
    if (!JS_IsNumber(argv[0]))
        return coro_throw_arg_type(ctx, "statusCode", "of type number", argv[0]);
    if (JS_ToInt32(ctx, &status, argv[0]) < 0 || !status_valid(ctx, status))
        return JS_EXCEPTION;
    if (JS_IsString(argv[1])) {
        if (res_set_reason(ctx, x, argv[1]) < 0)
            return JS_EXCEPTION;
    } else {
        headers = argv[1];
    }
    if (res_set_all(ctx, x, headers) < 0)
        return JS_EXCEPTION;
    x->status = status;
    x->res_flags |= RES_COMMITTED;
    return JS_DupValue(ctx, this_val);
}

/* write(chunk) -> true; end([chunk]) -> this (magic 1); flushHeaders() (2) */
static JSValue js_res_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                            int magic)
{
    http_exchange *x = res_get(ctx, this_val);
    coro_bytes b;
    int st;

    if (!x)
        return JS_EXCEPTION;
    if (x->res_flags & RES_FINISHED) {
        if (magic == 1 && (argc == 0 || JS_IsUndefined(argv[0])))
            return JS_DupValue(ctx, this_val); /* end() again: nothing to do */
        return coro_throw_code(ctx, "ERR_STREAM_WRITE_AFTER_END", "write after end");
    }
    if (magic == 2) {
        if (x->res_flags & RES_HEAD_SENT)
            return JS_UNDEFINED;
        body_get(ctx, JS_UNDEFINED, &b);
    } else if (body_get(ctx, argc ? argv[0] : JS_UNDEFINED, &b) < 0) {
        return JS_EXCEPTION;
    }
    st = http_res_send(ctx, x, b.data, b.len, magic == 1);
    coro_bytes_free(ctx, &b);
    if (st == -1)
        return JS_EXCEPTION;
    if (st < 0)
        return st == CORO_ETERMINATED ? JS_EXCEPTION : JS_Throw(ctx, coro_stream_error(ctx, st, "write"));
    return magic == 1 ? JS_DupValue(ctx, this_val) : magic == 0 ? JS_TRUE : JS_UNDEFINED;
}

static const JSCFunctionListEntry res_proto_funcs[] = {
    JS_CGETSET_MAGIC_DEF("statusCode", js_res_get, js_res_set, RES_STATUS),
    JS_CGETSET_MAGIC_DEF("statusMessage", js_res_get, js_res_set, RES_MESSAGE),
    JS_CGETSET_MAGIC_DEF("headersSent", js_res_get, NULL, RES_HEADERS_SENT),
    JS_CGETSET_MAGIC_DEF("writableEnded", js_res_get, NULL, RES_ENDED),
    JS_CGETSET_MAGIC_DEF("finished", js_res_get, NULL, RES_ENDED),
    JS_CFUNC_DEF("setHeader", 2, js_res_set_header),
    JS_CFUNC_MAGIC_DEF("getHeader", 1, js_res_header_op, HDR_GET),
    JS_CFUNC_MAGIC_DEF("hasHeader", 1, js_res_header_op, HDR_HAS),
    JS_CFUNC_MAGIC_DEF("removeHeader", 1, js_res_header_op, HDR_REMOVE),
    JS_CFUNC_MAGIC_DEF("getHeaders", 0, js_res_headers, 0),
    JS_CFUNC_MAGIC_DEF("getHeaderNames", 0, js_res_headers, 1),
    JS_CFUNC_DEF("writeHead", 3, js_res_write_head),
    JS_CFUNC_MAGIC_DEF("write", 1, js_res_write, 0),
    JS_CFUNC_MAGIC_DEF("end", 1, js_res_write, 1),
    JS_CFUNC_MAGIC_DEF("flushHeaders", 0, js_res_write, 2),
    JS_PROP_STRING_DEF("[Symbol.toStringTag]", "ServerResponse", JS_PROP_CONFIGURABLE),
};


int http_message_objects(JSContext *ctx, http_exchange *x, JSValue *req, JSValue *res)
{
    /* each gets its exchange at once: making the second may run the GC */
    *req = JS_NewObjectClass(ctx, (int)req_class_id);
    if (!JS_IsException(*req)) {
        JS_SetOpaque(*req, x);
        x->refs++;
    }
    *res = JS_NewObjectClass(ctx, (int)res_class_id);
    if (!JS_IsException(*res)) {
        JS_SetOpaque(*res, x);
        x->refs++;
    }
    if (JS_IsException(*req) || JS_IsException(*res)) {
        JS_FreeValue(ctx, *req);
        JS_FreeValue(ctx, *res);
        return -1;
    }
    return 0;
}

/* statusCodes() -> { 200: 'OK', ... } */
static JSValue js_http_status_codes(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue o = JS_NewObject(ctx);

    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        JS_SetPropertyUint32(ctx, o, (uint32_t)reasons[i].code, JS_NewString(ctx, reasons[i].reason));
    return o;
}
static JSValue js_http_illegal(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_throw_code(ctx, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor: requests and responses are made by the server");
}
static const JSCFunctionListEntry message_funcs[] = {
    JS_CFUNC_DEF("statusCodes", 0, js_http_status_codes),
};

/* A class of this runtime, its prototype, and its constructor in ns. */
static int define_class(JSContext *ctx, JSValueConst ns, JSClassID id, const JSClassDef *def,
                        const JSCFunctionListEntry *funcs, int nfuncs)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    JSValue proto, ctor;

    if (!JS_IsRegisteredClass(rt, id) && JS_NewClass(rt, id, def) < 0)
        return -1;
    proto = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, proto, funcs, nfuncs);
    ctor = JS_NewCFunction2(ctx, js_http_illegal, def->class_name, 0, JS_CFUNC_constructor, 0);
    JS_SetConstructor(ctx, ctor, proto);
    JS_SetClassProto(ctx, id, proto);
    JS_SetPropertyStr(ctx, ns, def->class_name, ctor);
    return 0;
}
int http_message_init(JSContext *ctx, JSValueConst ns)
{
    if (!req_class_id) {
        JS_NewClassID(&req_class_id);
        JS_NewClassID(&res_class_id);
    }
    JS_SetPropertyFunctionList(ctx, ns, message_funcs, sizeof message_funcs / sizeof message_funcs[0]);
    if (define_class(ctx, ns, req_class_id, &req_class, req_proto_funcs,
                     sizeof req_proto_funcs / sizeof req_proto_funcs[0]) < 0 ||
        define_class(ctx, ns, res_class_id, &res_class, res_proto_funcs,
                     sizeof res_proto_funcs / sizeof res_proto_funcs[0]) < 0)
        return -1;
    return 0;
}
