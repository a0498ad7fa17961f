/*
 * prim/encoding.c: __primordials.encoding, UTF-8 for TextEncoder and
 * TextDecoder (lib/encoding.js keeps the streaming state and the BOM).
 */
#include <string.h>

#include "prim.h"
#include "core/binding.h"
#include "core/utf8.h"

/* encode(string) -> Uint8Array */
static JSValue js_encoding_encode(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    coro_bytes b;
    uint8_t *buf;

    if (!JS_IsString(argv[0]))
        return coro_throw_arg_type(ctx, "input", "of type string", argv[0]);
    if (coro_arg_bytes(ctx, argv[0], "input", &b) < 0)
        return JS_EXCEPTION;
    if (b.copy) { /* already a private copy: hand it over */
        buf = b.copy;
        b.copy = NULL;
    } else if ((buf = js_malloc(ctx, b.len ? b.len : 1))) {
        memcpy(buf, b.data, b.len);
    }
    coro_bytes_free(ctx, &b);
    if (!buf)
        return JS_EXCEPTION;
    return coro_new_uint8array(ctx, buf, b.len);
}

/* encodeInto(string, Uint8Array) -> [read, written]: as much as fits, whole
   characters only; `read` counts UTF-16 code units. */
static JSValue js_encoding_encode_into(JSContext *ctx, JSValueConst this_val, int argc,
                                       JSValueConst *argv)
{
    const uint8_t *dst;
    size_t cap, len, in = 0, out = 0, units = 0;
    const char *s;
    JSValue ret;

    if (!JS_IsString(argv[0]))
        return coro_throw_arg_type(ctx, "source", "of type string", argv[0]);
    if (coro_arg_view(ctx, argv[1], "destination", &dst, &cap) < 0)
        return JS_EXCEPTION;
    s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s)
        return JS_EXCEPTION;
    while (in < len) {
        uint8_t c = (uint8_t)s[in];
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (out + n > cap)
            break;
        memcpy((uint8_t *)dst + out, s + in, n);
        if (n == 3)
            coro_utf8_fix_surrogates((uint8_t *)dst + out, 3);
        in += n;
        out += n;
        units += n == 4 ? 2 : 1;
    }
    JS_FreeCString(ctx, s);
    ret = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, ret, 0, JS_NewInt64(ctx, (int64_t)units));
    JS_SetPropertyUint32(ctx, ret, 1, JS_NewInt64(ctx, (int64_t)out));
    return ret;
}

/* decode(bytes, fatal) -> string */
static JSValue js_encoding_decode(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    const uint8_t *p;
    size_t n;

    if (coro_arg_view(ctx, argv[0], "input", &p, &n) < 0)
        return JS_EXCEPTION;
    return coro_new_string_utf8(ctx, p, n, JS_ToBool(ctx, argv[1]));
}

/* tail(bytes) -> how many bytes at the end begin a character not finished yet */
static JSValue js_encoding_tail(JSContext *ctx, JSValueConst this_val, int argc,
                                JSValueConst *argv)
{
    const uint8_t *p;
    size_t n, errors;

    if (coro_arg_view(ctx, argv[0], "input", &p, &n) < 0)
        return JS_EXCEPTION;
    return JS_NewInt64(ctx, (int64_t)(n - coro_utf8_scan(p, n, 1, &errors)));
}

static const JSCFunctionListEntry encoding_funcs[] = {
    JS_CFUNC_DEF("encode", 1, js_encoding_encode),
    JS_CFUNC_DEF("encodeInto", 2, js_encoding_encode_into),
    JS_CFUNC_DEF("decode", 2, js_encoding_decode),
    JS_CFUNC_DEF("tail", 1, js_encoding_tail),
};

int coro_prim_encoding_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, encoding_funcs,
                                      sizeof encoding_funcs / sizeof encoding_funcs[0]);
    return 0;
}
