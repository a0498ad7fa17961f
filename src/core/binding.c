/*
 * binding.c: the argument checks every binding uses, byte buffers and
 * handles from JS (see binding.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "binding.h"
#include "quickjs_ext.h"
#include "isolate.h"
#include "utf8.h"

/* ------------------------------------------------------------------ */
/* argument readers */

const char *coro_arg_string(JSContext *ctx, JSValueConst v, const char *name, size_t *len)
{
    if (!JS_IsString(v)) {
        coro_throw_arg_type(ctx, name, "of type string", v);
        return NULL;
    }
    return JS_ToCStringLen(ctx, len, v);
}

JSValue coro_throw_null_bytes(JSContext *ctx, const char *what, const char *s, size_t len)
{
    char shown[160], *o = shown;

    for (size_t i = 0; i < len && o < shown + sizeof shown - 8; i++) {
        if (s[i] == '\0')
            o += sprintf(o, "\\x00");
        else if (s[i] == '\'')
            o += sprintf(o, "\\'");
        else
            *o++ = s[i];
    }
    *o = '\0';
    return coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE",
                           "%s must be a string without null bytes. Received '%s%s'", what, shown,
                           o < shown + sizeof shown - 8 ? "" : "...");
}

const char *coro_arg_path(JSContext *ctx, JSValueConst v, const char *name)
{
    char what[64];
    size_t len;
    const char *s = coro_arg_string(ctx, v, name, &len);

    if (s && strlen(s) != len) {
        snprintf(what, sizeof what, "The argument '%s'", name);
        coro_throw_null_bytes(ctx, what, s, len);
        JS_FreeCString(ctx, s);
        return NULL;
    }
    return s;
}

int coro_arg_function(JSContext *ctx, JSValueConst v, const char *name)
{
    if (JS_IsFunction(ctx, v))
        return 0;
    coro_throw_arg_type(ctx, name, "of type function", v);
    return -1;
}

int coro_arg_integer(JSContext *ctx, JSValueConst v, const char *name,
                     int64_t min, int64_t max, int64_t *out)
{
    double d;
    char range[96];

    if (!JS_IsNumber(v)) {
        coro_throw_arg_type(ctx, name, "of type number", v);
        return -1;
    }
    JS_ToFloat64(ctx, &d, v);
    if (d != d || d < (double)min || d > (double)max || d != (double)(int64_t)d) {
        snprintf(range, sizeof range, "an integer >= %lld and <= %lld", (long long)min, (long long)max);
        coro_throw_arg_range(ctx, name, range, v);
        return -1;
    }
    *out = (int64_t)d;
    return 0;
}

int coro_arg_ms(JSContext *ctx, JSValueConst v, const char *name, uint64_t *out)
{
    double d;

    if (!JS_IsNumber(v)) {
        coro_throw_arg_type(ctx, name, "of type number", v);
        return -1;
    }
    JS_ToFloat64(ctx, &d, v);
    if (d != d || d < 0 || d > 9007199254740991.0) {
        coro_throw_arg_range(ctx, name, "a number of milliseconds >= 0", v);
        return -1;
    }
    *out = (uint64_t)d;
    return 0;
}

int coro_arg_view(JSContext *ctx, JSValueConst v, const char *name,
                  const uint8_t **data, size_t *len)
{
    *data = coro_qjs_bytes(v, len);
    if (*data)
        return 0;
    coro_throw_arg_type(ctx, name, "an instance of ArrayBuffer, TypedArray or DataView", v);
    return -1;
}

/* Buffers up to this size are copied; copying is cheaper than pinning. */
#define PIN_MIN_SIZE 16384

int coro_arg_bytes(JSContext *ctx, JSValueConst v, const char *name, coro_bytes *b)
{
    const uint8_t *data;

    b->cstr = NULL;
    b->copy = NULL;
    b->pinned = JS_UNDEFINED;
    if (JS_IsString(v)) {
        b->cstr = JS_ToCStringLen(ctx, &b->len, v);
        if (!b->cstr)
            return -1;
        b->data = (const uint8_t *)b->cstr;
        if (!coro_utf8_has_surrogates(b->data, b->len))
            return 0;
        data = b->data; /* lone surrogates: write U+FFFD, as TextEncoder does */
    } else {
        data = coro_qjs_bytes(v, &b->len);
        if (!data) {
            coro_throw_arg_type(ctx, name,
                                "of type string or an instance of ArrayBuffer, TypedArray or DataView", v);
            return -1;
        }
        if (b->len >= PIN_MIN_SIZE && (b->data = coro_qjs_pin_bytes(ctx, v, &b->len, &b->pinned)))
            return 0;
    }
    b->copy = js_malloc(ctx, b->len ? b->len : 1);
    if (!b->copy) {
        coro_bytes_free(ctx, b);
        return -1;
    }
    memcpy(b->copy, data, b->len);
    if (b->cstr)
        coro_utf8_fix_surrogates(b->copy, b->len);
    b->data = b->copy;
    return 0;
}

JSValue coro_new_string_utf8(JSContext *ctx, const uint8_t *p, size_t n, int fatal)
{
    size_t errors;
    uint8_t *fixed;
    JSValue s;

    coro_utf8_scan(p, n, 0, &errors);
    if (errors == 0)
        return JS_NewStringLen(ctx, (const char *)p, n);
    if (fatal)
        return coro_throw_code(ctx, "ERR_ENCODING_INVALID_ENCODED_DATA",
                               "The encoded data was not valid for encoding utf-8");
    fixed = js_malloc(ctx, n + 2 * errors);
    if (!fixed)
        return JS_EXCEPTION;
    s = JS_NewStringLen(ctx, (const char *)fixed, coro_utf8_repair(p, n, fixed));
    js_free(ctx, fixed);
    return s;
}

void coro_bytes_free(JSContext *ctx, coro_bytes *b)
{
    JS_FreeCString(ctx, b->cstr);
    js_free(ctx, b->copy);
    if (!JS_IsUndefined(b->pinned))
        coro_qjs_unpin(ctx, b->pinned);
    b->cstr = NULL;
    b->copy = NULL;
    b->pinned = JS_UNDEFINED;
}

JSValue coro_new_uint8array(JSContext *ctx, uint8_t *buf, size_t len)
{
    JSValue ab = JS_NewArrayBuffer(ctx, buf, len, coro_qjs_array_buffer_free, NULL, 0);
    JSValue u8;

    if (JS_IsException(ab)) {
        js_free(ctx, buf);
        return ab;
    }
    /* the constructor reads offset and length even when not given */
    JSValue args[3] = { ab, JS_NewInt32(ctx, 0), JS_NewInt64(ctx, (int64_t)len) };
    u8 = JS_NewTypedArray(ctx, 3, (JSValueConst *)args, JS_TYPED_ARRAY_UINT8);
    JS_FreeValue(ctx, ab);
    return u8;
}

void *coro_new_handle(JSContext *ctx, size_t size, const coro_handle_type *type)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_handle *h = calloc(1, size);

    if (h) {
        h->type = type;
        h->iso = iso;
        if (coro_handles_add(&iso->handles, h))
            return h;
        free(h);
    }
    JS_ThrowOutOfMemory(ctx);
    return NULL;
}

JSValue coro_close_arg_handle(JSContext *ctx, JSValueConst v, const coro_handle_type *type)
{
    coro_handle *h = coro_arg_handle(ctx, v, type);

    if (!h)
        return JS_EXCEPTION;
    coro_handle_close(&coro_isolate_of(ctx)->handles, h);
    return JS_UNDEFINED;
}

int coro_arg_handle_id(JSContext *ctx, JSValueConst v, uint64_t *id)
{
    int64_t n;

    if (!JS_IsBigInt(ctx, v)) {
        coro_throw_arg_type(ctx, "handle", "a handle ID (bigint)", v);
        return -1;
    }
    JS_ToBigInt64(ctx, &n, v);
    *id = (uint64_t)n;
    return 0;
}

coro_handle *coro_arg_handle(JSContext *ctx, JSValueConst v, const coro_handle_type *type)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    coro_handle *h;
    uint64_t id;

    if (coro_arg_handle_id(ctx, v, &id) < 0)
        return NULL;
    h = coro_handles_get(&iso->handles, id, type);
    if (!h)
        coro_throw_bad_handle(ctx, type);
    return h;
}

/* ------------------------------------------------------------------ */
/* string vectors */

char **coro_prop_strv(JSContext *ctx, JSValueConst obj, const char *key, int *n)
{
    JSValue arr = JS_GetPropertyStr(ctx, obj, key), len;
    int64_t count = 0;
    int failed = 0;
    char **v;

    *n = 0;
    if (!JS_IsArray(ctx, arr)) {
        JS_FreeValue(ctx, arr);
        return NULL;
    }
    len = JS_GetPropertyStr(ctx, arr, "length");
    JS_ToInt64(ctx, &count, len);
    JS_FreeValue(ctx, len);
    v = calloc((size_t)count + 1, sizeof *v);
    for (int64_t i = 0; v && i < count; i++) {
        JSValue s = JS_GetPropertyUint32(ctx, arr, (uint32_t)i);
        const char *c = JS_ToCString(ctx, s);
        if (!c || !(v[i] = strdup(c)))
            failed = 1;
        JS_FreeCString(ctx, c);
        JS_FreeValue(ctx, s);
    }
    JS_FreeValue(ctx, arr);
    if (!v || failed) {
        coro_strv_free(v);
        *n = -1;
        return NULL;
    }
    *n = (int)count;
    return v;
}

char **coro_strv_dup(int n, char *const *v)
{
    char **out;
    int i;

    if (n < 0)
        for (n = 0; v[n]; n++)
            ;
    out = calloc((size_t)n + 1, sizeof *out);
    for (i = 0; out && i < n; i++) {
        if (!(out[i] = strdup(v[i]))) {
            while (i--)
                free(out[i]);
            free(out);
            return NULL;
        }
    }
    return out;
}

void coro_strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

int coro_register_class(JSRuntime *rt, JSClassID *id, const JSClassDef *def)
{
    if (!*id)
        JS_NewClassID(id);
    return JS_IsRegisteredClass(rt, *id) ? 0 : JS_NewClass(rt, *id, def);
}
