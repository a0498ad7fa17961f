/*
 * prim/http_parser.c: __primordials.http_parser, Node's
 * internalBinding('http_parser') over llhttp (lib/node/bindings/
 * http_parser.js re-exports it): the HTTPParser class Node's _http_common,
 * _http_server and _http_client drive, and ConnectionsList, the server's
 * record of its connections for headersTimeout and requestTimeout.
 *
 * The contract is Node's (its src/node_http_parser.cc): execute(bytes)
 * runs llhttp over them and, as it goes, calls the functions the JS side
 * put at the parser's integer keys kOnMessageBegin, kOnHeaders (headers
 * flushed early, after 32 fields), kOnHeadersComplete (its answer tells
 * llhttp to skip a body, or that an upgrade follows), kOnBody (a Buffer)
 * and kOnMessageComplete; it returns the number of bytes parsed or an
 * Error "Parse Error" with code (HPE_*), reason and bytesParsed. An
 * exception thrown by a callback stops the parse and leaves execute().
 *
 * The callbacks run synchronously on the calling fiber, which may park in
 * them: the parser refuses to be re-entered meanwhile, and the bytes it
 * parses are pinned or copied (coro_bytes). Header names, values, the URL
 * and the status text are copied as they come (llhttp may hand one in
 * several pieces across executes) and become Latin-1 strings, as Node's.
 *
 * Lifetimes: a parser's native state lives as long as its JS object;
 * close() only drops its buffers and its place in a ConnectionsList, so a
 * callback that closes its own parser is safe. A ConnectionsList holds its
 * parsers weakly: each finalizer unlinks the other side.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <llhttp.h>

#include "prim.h"
#include "core/binding.h"
#include "core/quickjs_ext.h"

enum { ON_MESSAGE_BEGIN, ON_HEADERS, ON_HEADERS_COMPLETE, ON_BODY, ON_MESSAGE_COMPLETE,
       ON_EXECUTE, ON_TIMEOUT };

#define MAX_FIELDS 32                 /* more are flushed to kOnHeaders */
#define MAX_CHUNK_EXTENSIONS 16384    /* bytes of chunk extensions per chunk */
#define DEFAULT_MAX_HEADER_SIZE 16384 /* Node's --max-http-header-size */

/* Node's lenient flags, each one of llhttp's lenient settings. */
static void (*const lenient_setters[])(llhttp_t *, int) = {
    llhttp_set_lenient_headers, llhttp_set_lenient_chunked_length, llhttp_set_lenient_keep_alive,
    llhttp_set_lenient_transfer_encoding, llhttp_set_lenient_version,
    llhttp_set_lenient_data_after_close, llhttp_set_lenient_optional_lf_after_cr,
    llhttp_set_lenient_optional_crlf_after_chunk, llhttp_set_lenient_optional_cr_before_lf,
    llhttp_set_lenient_spaces_after_chunk_size,
};
static const char *const lenient_names[] = {
    "kLenientHeaders", "kLenientChunkedLength", "kLenientKeepAlive", "kLenientTransferEncoding",
    "kLenientVersion", "kLenientDataAfterClose", "kLenientOptionalLFAfterCR",
    "kLenientOptionalCRLFAfterChunk", "kLenientOptionalCRBeforeLF", "kLenientSpacesAfterChunkSize",
};
#define N_LENIENT (sizeof lenient_setters / sizeof lenient_setters[0])

typedef struct text {
    char *p;
    size_t len, cap;
} text;

typedef struct span {
    size_t off, len;
} span;

typedef struct conn_list conn_list;

typedef struct parser {
    llhttp_t ll; /* first: llhttp's callbacks get its address */
    JSContext *ctx;
    JSValue self; /* the JS object (not owned: it owns this) */
    text url, status, heads; /* heads holds the names and values of spans */
    span fields[MAX_FIELDS], values[MAX_FIELDS];
    unsigned num_fields, num_values;
    uint64_t header_nread, chunk_ext_nread, max_header_size;
    uint64_t last_message_start; /* uv_hrtime() at its start; 0: idle */
    const uint8_t *cur_data; /* the bytes under execute(), for getCurrentBuffer */
    size_t cur_len;
    bool initialized, have_flushed, got_exception, headers_completed, pending_pause;
    unsigned executing; /* execute() calls under way: a callback may call it again, as in Node */
    conn_list *list;
    struct parser *all_prev, *all_next, *act_prev, *act_next;
    bool in_all, in_active;
} parser;

struct conn_list {
    parser *all_head, *all_tail, *act_head, *act_tail;
};

/* What the area keeps per isolate: the prototype body Buffers get. */
typedef struct hp_state {
    JSValue buffer_proto;
} hp_state;

static JSClassID parser_class, list_class;

static hp_state *state_of(JSContext *ctx)
{
    return coro_isolate_of(ctx)->area_data[CORO_SLOT_HTTP_PARSER];
}

/* ------------------------------------------------------------------ */
/* bytes */

static int text_add(text *t, const char *p, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 128;
        char *q;

        while (cap < t->len + n)
            cap *= 2;
        q = realloc(t->p, cap);
        if (!q)
            return -1;
        t->p = q;
        t->cap = cap;
    }
    memcpy(t->p + t->len, p, n);
    t->len += n;
    return 0;
}

static void text_free(text *t)
{
    free(t->p);
    memset(t, 0, sizeof *t);
}

static JSValue latin1(JSContext *ctx, const char *p, size_t n)
{
    return coro_qjs_new_latin1(ctx, (const uint8_t *)p, n);
}

/* ------------------------------------------------------------------ */
/* ConnectionsList membership */

#define LIST_UNLINK(l, p, prev, next, head, tail) do {      \
        if ((p)->prev) (p)->prev->next = (p)->next;          \
        else (l)->head = (p)->next;                          \
        if ((p)->next) (p)->next->prev = (p)->prev;          \
        else (l)->tail = (p)->prev;                          \
        (p)->prev = (p)->next = NULL;                        \
    } while (0)
#define LIST_APPEND(l, p, prev, next, head, tail) do {      \
        (p)->prev = (l)->tail;                               \
        (p)->next = NULL;                                    \
        if ((l)->tail) (l)->tail->next = (p);                \
        else (l)->head = (p);                                \
        (l)->tail = (p);                                     \
    } while (0)

static void pop_all(parser *p)
{
    if (p->list && p->in_all) {
        LIST_UNLINK(p->list, p, all_prev, all_next, all_head, all_tail);
        p->in_all = false;
    }
}

static void pop_active(parser *p)
{
    if (p->list && p->in_active) {
        LIST_UNLINK(p->list, p, act_prev, act_next, act_head, act_tail);
        p->in_active = false;
    }
}

/* Joined at the tail, so each list stays ordered by last_message_start. */
static void push_all(parser *p)
{
    if (p->list && !p->in_all) {
        LIST_APPEND(p->list, p, all_prev, all_next, all_head, all_tail);
        p->in_all = true;
    }
}

static void push_active(parser *p)
{
    if (p->list && !p->in_active) {
        LIST_APPEND(p->list, p, act_prev, act_next, act_head, act_tail);
        p->in_active = true;
    }
}

static void leave_list(parser *p)
{
    pop_all(p);
    pop_active(p);
    p->list = NULL;
}

/* ------------------------------------------------------------------ */
/* calls into JS */

/* this[key] if it is a function, else undefined (a new reference). */
static JSValue callback(parser *p, uint32_t key)
{
    JSValue fn = JS_GetPropertyUint32(p->ctx, p->self, key);

    if (JS_IsFunction(p->ctx, fn))
        return fn;
    if (JS_IsException(fn))
        p->got_exception = true;
    JS_FreeValue(p->ctx, fn);
    return JS_UNDEFINED;
}

/* this[key](...argv); -1 (the exception pending) if it threw. */
static int call_back(parser *p, uint32_t key, int argc, JSValue *argv, int32_t *answer)
{
    JSValue fn = callback(p, key), r;
    int i;

    if (JS_IsUndefined(fn)) {
        for (i = 0; i < argc; i++)
            JS_FreeValue(p->ctx, argv[i]);
        return p->got_exception ? -1 : 0;
    }
    r = JS_Call(p->ctx, fn, p->self, argc, (JSValueConst *)argv);
    JS_FreeValue(p->ctx, fn);
    for (i = 0; i < argc; i++)
        JS_FreeValue(p->ctx, argv[i]);
    if (JS_IsException(r) || (answer && JS_ToInt32(p->ctx, answer, r) < 0)) {
        JS_FreeValue(p->ctx, r);
        p->got_exception = true;
        return -1;
    }
    JS_FreeValue(p->ctx, r);
    return 0;
}

/* What a callback returns to llhttp when JS threw. */
static int js_failed(parser *p)
{
    llhttp_set_error_reason(&p->ll, "HPE_JS_EXCEPTION:JS Exception");
    return HPE_USER;
}

static bool in_heads(const parser *p, span s)
{
    return s.off + s.len <= p->heads.len;
}

/* The header names and values gathered so far, as [name, value, ...],
   values without their trailing spaces and tabs. */
static JSValue headers_array(parser *p)
{
    JSValue a = JS_NewArray(p->ctx);
    unsigned i;

    for (i = 0; i < p->num_values && !JS_IsException(a); i++) {
        const char *v = p->heads.p + p->values[i].off;
        size_t n = p->values[i].len;

        /* a callback that re-initialized or closed the parser under us */
        if (!in_heads(p, p->fields[i]) || !in_heads(p, p->values[i]))
            break;
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
            n--;
        JS_SetPropertyUint32(p->ctx, a, 2 * i,
                             latin1(p->ctx, p->heads.p + p->fields[i].off, p->fields[i].len));
        JS_SetPropertyUint32(p->ctx, a, 2 * i + 1, latin1(p->ctx, v, n));
    }
    return a;
}

/* kOnHeaders(headers, url): the headers so far (and the URL) go to JS,
   to make room for more. -1 if it threw. */
static int flush(parser *p)
{
    JSValue argv[2];
    int r;

    argv[0] = headers_array(p);
    argv[1] = latin1(p->ctx, p->url.p, p->url.len);
    r = call_back(p, ON_HEADERS, 2, argv, NULL);
    p->url.len = 0;
    p->heads.len = 0;
    p->have_flushed = true;
    return r;
}

/* ------------------------------------------------------------------ */
/* llhttp's callbacks */

#define PARSER(ll) ((parser *)(ll))

/* After a callback: a pause asked for meanwhile stops the parse here. */
static int maybe_pause(parser *p, int rv)
{
    if (rv == 0 && p->pending_pause) {
        p->pending_pause = false;
        llhttp_set_error_reason(&p->ll, "Paused in callback");
        return HPE_PAUSED;
    }
    return rv;
}

/* Every byte of a head counts toward the parser's maxHeaderSize. */
static int track_header(parser *p, size_t n)
{
    p->header_nread += n;
    if (p->header_nread >= p->max_header_size) {
        llhttp_set_error_reason(&p->ll, "HPE_HEADER_OVERFLOW:Header overflow");
        return HPE_USER;
    }
    return 0;
}

static int out_of_memory(parser *p)
{
    llhttp_set_error_reason(&p->ll, "HPE_OUT_OF_MEMORY:Out of memory");
    return HPE_USER;
}

static int on_message_begin(llhttp_t *ll)
{
    parser *p = PARSER(ll);

    pop_all(p);
    pop_active(p);
    p->num_fields = p->num_values = 0;
    p->headers_completed = false;
    p->chunk_ext_nread = 0;
    p->last_message_start = uv_hrtime();
    p->url.len = p->status.len = p->heads.len = 0;
    push_all(p);
    push_active(p);
    return maybe_pause(p, call_back(p, ON_MESSAGE_BEGIN, 0, NULL, NULL) < 0 ? js_failed(p) : 0);
}

static int on_url(llhttp_t *ll, const char *at, size_t n)
{
    parser *p = PARSER(ll);
    int rv = track_header(p, n);

    if (rv == 0 && text_add(&p->url, at, n) < 0)
        rv = out_of_memory(p);
    return maybe_pause(p, rv);
}

static int on_status(llhttp_t *ll, const char *at, size_t n)
{
    parser *p = PARSER(ll);
    int rv = track_header(p, n);

    if (rv == 0 && text_add(&p->status, at, n) < 0)
        rv = out_of_memory(p);
    return maybe_pause(p, rv);
}

static int on_header_field(llhttp_t *ll, const char *at, size_t n)
{
    parser *p = PARSER(ll);
    int rv = track_header(p, n);

    if (rv != 0)
        return rv;
    if (p->num_fields == p->num_values) { /* a new name */
        if (p->num_fields + 1 == MAX_FIELDS) {
            if (flush(p) < 0)
                return js_failed(p);
            p->num_fields = p->num_values = 0;
        }
        p->fields[p->num_fields++] = (span){ p->heads.len, 0 };
    }
    if (text_add(&p->heads, at, n) < 0)
        return out_of_memory(p);
    p->fields[p->num_fields - 1].len += n;
    return maybe_pause(p, 0);
}

static int on_header_value(llhttp_t *ll, const char *at, size_t n)
{
    parser *p = PARSER(ll);
    int rv = track_header(p, n);

    if (rv != 0)
        return rv;
    if (p->num_values != p->num_fields) /* a new value */
        p->values[p->num_values++] = (span){ p->heads.len, 0 };
    if (text_add(&p->heads, at, n) < 0)
        return out_of_memory(p);
    p->values[p->num_values - 1].len += n;
    return maybe_pause(p, 0);
}

/* kOnHeadersComplete(versionMajor, versionMinor, headers, method, url,
   statusCode, statusMessage, upgrade, shouldKeepAlive): its answer is
   llhttp's (1: no body follows, 2: no body and stop, for an upgrade). */
static int on_headers_complete(llhttp_t *ll)
{
    parser *p = PARSER(ll);
    JSValue argv[9];
    int32_t answer = 0;
    int i;

    p->headers_completed = true;
    p->header_nread = 0;
    for (i = 0; i < 9; i++)
        argv[i] = JS_UNDEFINED;
    if (p->have_flushed) {
        if (flush(p) < 0)
            return -1;
    } else {
        argv[2] = headers_array(p);
        if (ll->type == HTTP_REQUEST)
            argv[4] = latin1(p->ctx, p->url.p, p->url.len);
    }
    p->num_fields = p->num_values = 0;
    if (ll->type == HTTP_REQUEST) {
        argv[3] = JS_NewInt32(p->ctx, ll->method);
    } else {
        argv[5] = JS_NewInt32(p->ctx, ll->status_code);
        argv[6] = latin1(p->ctx, p->status.p, p->status.len);
    }
    argv[0] = JS_NewInt32(p->ctx, ll->http_major);
    argv[1] = JS_NewInt32(p->ctx, ll->http_minor);
    argv[7] = JS_NewBool(p->ctx, ll->upgrade);
    argv[8] = JS_NewBool(p->ctx, llhttp_should_keep_alive(ll));
    if (call_back(p, ON_HEADERS_COMPLETE, 9, argv, &answer) < 0)
        return -1;
    return maybe_pause(p, answer);
}

/* kOnBody(buffer): a Buffer of its own for each piece of body. */
static int on_body(llhttp_t *ll, const char *at, size_t n)
{
    parser *p = PARSER(ll);
    hp_state *st = state_of(p->ctx);
    uint8_t *copy;
    JSValue buf;

    if (n == 0)
        return 0;
    copy = js_malloc(p->ctx, n);
    if (!copy)
        return out_of_memory(p);
    memcpy(copy, at, n);
    buf = coro_new_uint8array(p->ctx, copy, n);
    if (JS_IsException(buf)) {
        p->got_exception = true;
        return js_failed(p);
    }
    if (JS_IsObject(st->buffer_proto))
        JS_SetPrototype(p->ctx, buf, st->buffer_proto);
    if (call_back(p, ON_BODY, 1, &buf, NULL) < 0)
        return js_failed(p);
    return maybe_pause(p, 0);
}

static int on_message_complete(llhttp_t *ll)
{
    parser *p = PARSER(ll);

    pop_all(p);
    pop_active(p);
    p->last_message_start = 0;
    push_all(p);
    if (p->num_fields && flush(p) < 0) /* trailers */
        return -1;
    if (call_back(p, ON_MESSAGE_COMPLETE, 0, NULL, NULL) < 0)
        return -1;
    return maybe_pause(p, 0);
}

static int on_chunk_extension(llhttp_t *ll, const char *at, size_t n)
{
    parser *p = PARSER(ll);

    p->chunk_ext_nread += n;
    if (p->chunk_ext_nread > MAX_CHUNK_EXTENSIONS) {
        llhttp_set_error_reason(ll, "HPE_CHUNK_EXTENSIONS_OVERFLOW:Chunk extensions overflow");
        return HPE_USER;
    }
    return maybe_pause(p, 0);
}

static int on_chunk_header(llhttp_t *ll)
{
    parser *p = PARSER(ll);

    p->header_nread = 0;
    p->chunk_ext_nread = 0;
    return maybe_pause(p, 0);
}

static int on_chunk_complete(llhttp_t *ll)
{
    parser *p = PARSER(ll);

    p->header_nread = 0;
    return maybe_pause(p, 0);
}

static const llhttp_settings_t settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_status = on_status,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_chunk_extension_name = on_chunk_extension,
    .on_chunk_extension_value = on_chunk_extension,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
    .on_chunk_header = on_chunk_header,
    .on_chunk_complete = on_chunk_complete,
};

/* ------------------------------------------------------------------ */
/* HTTPParser */

static void parser_release(parser *p)
{
    leave_list(p);
    text_free(&p->url);
    text_free(&p->status);
    text_free(&p->heads);
}

static void parser_finalizer(JSRuntime *rt, JSValue val)
{
    parser *p = JS_GetOpaque(val, parser_class);

    if (p) {
        parser_release(p);
        free(p);
    }
}

/* A new instance of class `id` for `new_target` (a subclass too) whose
   native state is `size` zeroed bytes, *state set to them. */
static JSValue new_instance(JSContext *ctx, JSValueConst new_target, JSClassID id, size_t size, void **state)
{
    JSValue proto = JS_GetPropertyStr(ctx, new_target, "prototype"), obj;

    if (JS_IsException(proto))
        return proto;
    obj = JS_NewObjectProtoClass(ctx, proto, id);
    JS_FreeValue(ctx, proto);
    if (JS_IsException(obj))
        return obj;
    *state = calloc(1, size);
    if (!*state) {
        JS_FreeValue(ctx, obj);
        return JS_ThrowOutOfMemory(ctx);
    }
    JS_SetOpaque(obj, *state);
    return obj;
}

static JSValue js_parser_new(JSContext *ctx, JSValueConst new_target, int argc, JSValueConst *argv)
{
    parser *p;
    JSValue obj = new_instance(ctx, new_target, parser_class, sizeof *p, (void **)&p);

    if (!JS_IsException(obj))
        p->self = obj;
    return obj;
}

/* The parser `this` is, or NULL with a TypeError. */
static parser *this_parser(JSContext *ctx, JSValueConst this_val)
{
    return JS_GetOpaque2(ctx, this_val, parser_class);
}

static conn_list *arg_list(JSContext *ctx, JSValueConst v)
{
    return JS_GetOpaque2(ctx, v, list_class);
}

/* initialize(type, resource[, maxHeaderSize[, lenientFlags[, connections]]]):
   (re)starts the parser for requests or responses. */
static JSValue js_parser_initialize(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    parser *p = this_parser(ctx, this_val);
    int64_t type, lenient = 0, max = 0;
    conn_list *list = NULL;
    size_t i;

    if (!p)
        return JS_EXCEPTION;
    if (coro_arg_integer(ctx, argv[0], "type", HTTP_REQUEST, HTTP_RESPONSE, &type) < 0)
        return JS_EXCEPTION;
    if (!JS_IsObject(argv[1]))
        return coro_throw_arg_type(ctx, "resource", "an object", argv[1]);
    if (argc > 2 && !JS_IsUndefined(argv[2]) &&
        coro_arg_integer(ctx, argv[2], "maxHeaderSize", 0, INT64_MAX, &max) < 0)
        return JS_EXCEPTION;
    if (argc > 3 && !JS_IsUndefined(argv[3]) &&
        coro_arg_integer(ctx, argv[3], "lenientFlags", 0, INT32_MAX, &lenient) < 0)
        return JS_EXCEPTION;
    if (argc > 4 && !JS_IsUndefined(argv[4]) && !JS_IsNull(argv[4]) && !(list = arg_list(ctx, argv[4])))
        return JS_EXCEPTION;

    leave_list(p);
    llhttp_init(&p->ll, (llhttp_type_t)type, &settings);
    for (i = 0; i < N_LENIENT; i++)
        if (lenient & (1 << i))
            lenient_setters[i](&p->ll, 1);
    p->max_header_size = max ? (uint64_t)max : DEFAULT_MAX_HEADER_SIZE;
    p->header_nread = p->chunk_ext_nread = 0;
    p->url.len = p->status.len = p->heads.len = 0;
    p->num_fields = p->num_values = 0;
    p->have_flushed = p->got_exception = p->headers_completed = p->pending_pause = false;
    p->last_message_start = 0;
    p->initialized = true;
    if (list) {
        /* a connection that sends nothing still times out */
        p->list = list;
        p->last_message_start = uv_hrtime();
        push_all(p);
        push_active(p);
    }
    return JS_UNDEFINED;
}

/* The Error execute() answers a parse error with. */
static JSValue parse_error(JSContext *ctx, parser *p, llhttp_errno_t err, size_t nread)
{
    const char *reason = llhttp_get_error_reason(&p->ll);
    const char *colon = err == HPE_USER && reason ? strchr(reason, ':') : NULL;
    JSValue e = JS_CallConstructor(ctx, coro_qjs_error_ctor(ctx), 0, NULL);

    if (JS_IsException(e))
        return e;
    if (!reason)
        reason = "";
    JS_DefinePropertyValueStr(ctx, e, "message", JS_NewString(ctx, "Parse Error"),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_SetPropertyStr(ctx, e, "bytesParsed", JS_NewInt64(ctx, (int64_t)nread));
    if (colon) {
        JS_SetPropertyStr(ctx, e, "code", JS_NewStringLen(ctx, reason, colon - reason));
        JS_SetPropertyStr(ctx, e, "reason", JS_NewString(ctx, colon + 1));
    } else {
        JS_SetPropertyStr(ctx, e, "code", JS_NewString(ctx, llhttp_errno_name(err)));
        JS_SetPropertyStr(ctx, e, "reason", JS_NewString(ctx, reason));
    }
    return e;
}

/* llhttp over data (NULL: the end of input); Node's answer: bytes parsed,
   a parse Error, or (at the end) undefined. */
static JSValue run(JSContext *ctx, JSValueConst this_val, parser *p, const uint8_t *data, size_t len)
{
    llhttp_errno_t err;
    size_t nread = len;

    p->ctx = ctx;
    p->cur_data = data;
    p->cur_len = len;
    p->got_exception = false;
    p->executing++;
    err = data ? llhttp_execute(&p->ll, (const char *)data, len) : llhttp_finish(&p->ll);
    p->executing--;
    if (err != HPE_OK) {
        nread = data ? (size_t)((const uint8_t *)llhttp_get_error_pos(&p->ll) - data) : 0;
        if (err == HPE_PAUSED_UPGRADE) { /* not a pause: where the upgraded bytes start */
            err = HPE_OK;
            llhttp_resume_after_upgrade(&p->ll);
        }
    }
    if (p->pending_pause) {
        p->pending_pause = false;
        llhttp_pause(&p->ll);
    }
    p->cur_data = NULL;
    p->cur_len = 0;
    if (p->got_exception)
        return JS_EXCEPTION;
    if (!p->ll.upgrade && err != HPE_OK)
        return parse_error(ctx, p, err, nread);
    return data ? JS_NewInt64(ctx, (int64_t)nread) : JS_UNDEFINED;
}

static int ready(JSContext *ctx, parser *p)
{
    if (!p->initialized) {
        JS_ThrowTypeError(ctx, "HTTPParser: initialize() it first");
        return -1;
    }
    return 0;
}

/* execute(buffer) -> bytes parsed, or a parse Error */
static JSValue js_parser_execute(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    parser *p = this_parser(ctx, this_val);
    const uint8_t *view;
    size_t n;
    coro_bytes b;
    JSValue r;

    if (!p || coro_arg_view(ctx, argv[0], "buffer", &view, &n) < 0)
        return JS_EXCEPTION;
    if (ready(ctx, p) < 0 || coro_arg_bytes(ctx, argv[0], "buffer", &b) < 0)
        return JS_EXCEPTION;
    r = run(ctx, this_val, p, b.data ? b.data : (const uint8_t *)"", b.len);
    coro_bytes_free(ctx, &b);
    return r;
}

/* finish(): the end of input; a parse Error if a message was cut short */
static JSValue js_parser_finish(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    parser *p = this_parser(ctx, this_val);

    if (!p || ready(ctx, p) < 0)
        return JS_EXCEPTION;
    return run(ctx, this_val, p, NULL, 0);
}

enum { CLOSE, REMOVE, PAUSE, RESUME, FREE };

/* close(): drops the parser's buffers and connection record; remove():
   only the latter; pause()/resume(): as llhttp's; free(): nothing to do
   (Node's emits async hooks' destroy). */
static JSValue js_parser_ctl(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    parser *p = this_parser(ctx, this_val);

    if (!p)
        return JS_EXCEPTION;
    switch (magic) {
    case CLOSE:
        parser_release(p);
        break;
    case REMOVE:
        pop_all(p);
        pop_active(p);
        break;
    case PAUSE:
        if (p->executing)
            p->pending_pause = true; /* llhttp is paused from its callbacks by their answer */
        else if (p->initialized)
            llhttp_pause(&p->ll);
        break;
    case RESUME:
        if (p->initialized && !p->executing)
            llhttp_resume(&p->ll);
        p->pending_pause = false;
        break;
    }
    return JS_UNDEFINED;
}

/* getCurrentBuffer() -> a copy of the bytes under execute() */
static JSValue js_parser_current_buffer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    parser *p = this_parser(ctx, this_val);
    hp_state *st = state_of(ctx);
    uint8_t *copy;
    JSValue buf;

    if (!p)
        return JS_EXCEPTION;
    copy = js_malloc(ctx, p->cur_len ? p->cur_len : 1);
    if (!copy)
        return JS_EXCEPTION;
    if (p->cur_len)
        memcpy(copy, p->cur_data, p->cur_len);
    buf = coro_new_uint8array(ctx, copy, p->cur_len);
    if (!JS_IsException(buf) && JS_IsObject(st->buffer_proto))
        JS_SetPrototype(ctx, buf, st->buffer_proto);
    return buf;
}

/* duration() -> milliseconds since the message began (0: idle) */
static JSValue js_parser_duration(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    parser *p = this_parser(ctx, this_val);

    if (!p)
        return JS_EXCEPTION;
    if (!p->last_message_start)
        return JS_NewInt32(ctx, 0);
    return JS_NewFloat64(ctx, (double)(uv_hrtime() - p->last_message_start) / 1e6);
}

static JSValue js_parser_headers_completed(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    parser *p = this_parser(ctx, this_val);

    return p ? JS_NewBool(ctx, p->headers_completed) : JS_EXCEPTION;
}

/* ------------------------------------------------------------------ */
/* ConnectionsList */

static void list_finalizer(JSRuntime *rt, JSValue val)
{
    conn_list *l = JS_GetOpaque(val, list_class);

    if (!l)
        return;
    while (l->all_head)
        leave_list(l->all_head);
    while (l->act_head)
        leave_list(l->act_head);
    free(l);
}

static JSValue js_list_new(JSContext *ctx, JSValueConst new_target, int argc, JSValueConst *argv)
{
    void *l;

    return new_instance(ctx, new_target, list_class, sizeof(conn_list), &l);
}

enum { ALL, IDLE, ACTIVE };

/* all()/idle()/active() -> the parsers of the connections (idle: between
   messages; active: in one) */
static JSValue js_list_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    conn_list *l = arg_list(ctx, this_val);
    JSValue a;
    parser *p;
    uint32_t n = 0;

    if (!l)
        return JS_EXCEPTION;
    a = JS_NewArray(ctx);
    if (magic == ACTIVE) {
        for (p = l->act_head; p; p = p->act_next)
            JS_SetPropertyUint32(ctx, a, n++, JS_DupValue(ctx, p->self));
        return a;
    }
    for (p = l->all_head; p; p = p->all_next)
        if (magic == ALL || p->last_message_start == 0)
            JS_SetPropertyUint32(ctx, a, n++, JS_DupValue(ctx, p->self));
    return a;
}

/* expired(headersTimeout, requestTimeout) -> the active connections past
   either (in ms; 0: none), each taken off the active list */
static JSValue js_list_expired(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    conn_list *l = arg_list(ctx, this_val);
    uint64_t headers, request, now, headers_deadline, request_deadline;
    int64_t h, r;
    parser *p, *next;
    uint32_t n = 0;
    JSValue a;

    if (!l || coro_arg_integer(ctx, argv[0], "headersTimeout", 0, UINT32_MAX, &h) < 0 ||
        coro_arg_integer(ctx, argv[1], "requestTimeout", 0, UINT32_MAX, &r) < 0)
        return JS_EXCEPTION;
    headers = (uint64_t)h * 1000000;
    request = (uint64_t)r * 1000000;
    if (request > 0 && headers > request) {
        uint64_t t = headers;
        headers = request;
        request = t;
    }
    now = uv_hrtime();
    headers_deadline = headers > 0 && now > headers ? now - headers : 0;
    request_deadline = request > 0 && now > request ? now - request : 0;
    a = JS_NewArray(ctx);
    if (!headers_deadline && !request_deadline)
        return a;
    for (p = l->act_head; p; p = next) {
        next = p->act_next;
        if ((!p->headers_completed && headers_deadline && p->last_message_start < headers_deadline) ||
            (request_deadline && p->last_message_start < request_deadline)) {
            JS_SetPropertyUint32(ctx, a, n++, JS_DupValue(ctx, p->self));
            pop_active(p);
        }
    }
    return a;
}

/* ------------------------------------------------------------------ */
/* the area */

/* setBufferPrototype(proto): what body chunks are made of (Node's Buffer) */
static JSValue js_set_buffer_prototype(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    hp_state *st = state_of(ctx);

    if (!JS_IsObject(argv[0]))
        return coro_throw_arg_type(ctx, "proto", "an object", argv[0]);
    JS_FreeValue(ctx, st->buffer_proto);
    st->buffer_proto = JS_DupValue(ctx, argv[0]);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry parser_proto_funcs[] = {
    JS_CFUNC_DEF("initialize", 5, js_parser_initialize),
    JS_CFUNC_DEF("execute", 1, js_parser_execute),
    JS_CFUNC_DEF("finish", 0, js_parser_finish),
    JS_CFUNC_MAGIC_DEF("close", 0, js_parser_ctl, CLOSE),
    JS_CFUNC_MAGIC_DEF("free", 0, js_parser_ctl, FREE),
    JS_CFUNC_MAGIC_DEF("remove", 0, js_parser_ctl, REMOVE),
    JS_CFUNC_MAGIC_DEF("pause", 0, js_parser_ctl, PAUSE),
    JS_CFUNC_MAGIC_DEF("resume", 0, js_parser_ctl, RESUME),
    JS_CFUNC_DEF("getCurrentBuffer", 0, js_parser_current_buffer),
    JS_CFUNC_DEF("duration", 0, js_parser_duration),
    JS_CFUNC_DEF("headersCompleted", 0, js_parser_headers_completed),
};

static const JSCFunctionListEntry list_proto_funcs[] = {
    JS_CFUNC_MAGIC_DEF("all", 0, js_list_get, ALL),
    JS_CFUNC_MAGIC_DEF("idle", 0, js_list_get, IDLE),
    JS_CFUNC_MAGIC_DEF("active", 0, js_list_get, ACTIVE),
    JS_CFUNC_DEF("expired", 2, js_list_expired),
};

static const JSCFunctionListEntry parser_statics[] = {
    JS_PROP_INT32_DEF("REQUEST", HTTP_REQUEST, 0),
    JS_PROP_INT32_DEF("RESPONSE", HTTP_RESPONSE, 0),
    JS_PROP_INT32_DEF("kOnMessageBegin", ON_MESSAGE_BEGIN, 0),
    JS_PROP_INT32_DEF("kOnHeaders", ON_HEADERS, 0),
    JS_PROP_INT32_DEF("kOnHeadersComplete", ON_HEADERS_COMPLETE, 0),
    JS_PROP_INT32_DEF("kOnBody", ON_BODY, 0),
    JS_PROP_INT32_DEF("kOnMessageComplete", ON_MESSAGE_COMPLETE, 0),
    JS_PROP_INT32_DEF("kOnExecute", ON_EXECUTE, 0),
    JS_PROP_INT32_DEF("kOnTimeout", ON_TIMEOUT, 0),
    JS_PROP_INT32_DEF("kLenientNone", 0, 0),
    JS_PROP_INT32_DEF("kLenientAll", (1 << N_LENIENT) - 1, 0),
};

#define METHOD_NAME(num, name, string) #string,
static const char *const methods[] = { HTTP_METHOD_MAP(METHOD_NAME) };
static const char *const all_methods[] = { HTTP_ALL_METHOD_MAP(METHOD_NAME) };
#undef METHOD_NAME

static JSValue string_array(JSContext *ctx, const char *const *s, size_t n)
{
    JSValue a = JS_NewArray(ctx);
    size_t i;

    for (i = 0; i < n; i++)
        JS_SetPropertyUint32(ctx, a, i, JS_NewString(ctx, s[i]));
    return a;
}

/* A constructor `name` for instances of class_id, with these methods. */
static JSValue new_class(JSContext *ctx, JSValueConst ns, const char *name, JSClassID id, JSCFunction *fn,
                         const JSCFunctionListEntry *funcs, int n)
{
    JSValue proto = JS_NewObject(ctx), ctor;

    JS_SetPropertyFunctionList(ctx, proto, funcs, n);
    ctor = JS_NewCFunction2(ctx, fn, name, 0, JS_CFUNC_constructor, 0);
    JS_SetConstructor(ctx, ctor, proto);
    JS_SetClassProto(ctx, id, proto);
    JS_SetPropertyStr(ctx, ns, name, JS_DupValue(ctx, ctor));
    return ctor;
}


static const JSClassDef parser_def = { "HTTPParser", .finalizer = parser_finalizer };
static const JSClassDef list_def = { "ConnectionsList", .finalizer = list_finalizer };

int coro_prim_http_parser_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    hp_state *st;
    JSValue ctor;
    size_t i;

    if (coro_register_class(rt, &parser_class, &parser_def) < 0 || coro_register_class(rt, &list_class, &list_def) < 0)
        return -1;
    st = calloc(1, sizeof *st);
    if (!st) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    st->buffer_proto = JS_UNDEFINED;
    coro_isolate_of(ctx)->area_data[CORO_SLOT_HTTP_PARSER] = st;

    ctor = new_class(ctx, ns, "HTTPParser", parser_class, js_parser_new, parser_proto_funcs,
                     sizeof parser_proto_funcs / sizeof parser_proto_funcs[0]);
    JS_SetPropertyFunctionList(ctx, ctor, parser_statics, sizeof parser_statics / sizeof parser_statics[0]);
    for (i = 0; i < N_LENIENT; i++)
        JS_DefinePropertyValueStr(ctx, ctor, lenient_names[i], JS_NewInt32(ctx, 1 << i), 0);
    JS_FreeValue(ctx, ctor);
    JS_FreeValue(ctx, new_class(ctx, ns, "ConnectionsList", list_class, js_list_new, list_proto_funcs,
                                sizeof list_proto_funcs / sizeof list_proto_funcs[0]));
    JS_SetPropertyStr(ctx, ns, "methods", string_array(ctx, methods, sizeof methods / sizeof methods[0]));
    JS_SetPropertyStr(ctx, ns, "allMethods",
                      string_array(ctx, all_methods, sizeof all_methods / sizeof all_methods[0]));
    JS_SetPropertyStr(ctx, ns, "setBufferPrototype",
                      JS_NewCFunction(ctx, js_set_buffer_prototype, "setBufferPrototype", 1));
    return 0;
}

void coro_prim_http_parser_free(coro_isolate *iso)
{
    hp_state *st = iso->area_data[CORO_SLOT_HTTP_PARSER];

    if (!st)
        return;
    JS_FreeValue(iso->ctx, st->buffer_proto);
    free(st);
    iso->area_data[CORO_SLOT_HTTP_PARSER] = NULL;
}
