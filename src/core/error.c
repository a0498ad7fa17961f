/*
 * error.c: the one chain from a failure to a JS exception (see error.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "error.h"

/* Every ERR_ code of ours, and the kind of error it comes as: Node's codes
   as Node makes them, ours (ERR_FIBER_..., ERR_ISOLATE_...) as Error. Codes
   that do not start with ERR_ (errno names such as ENOENT, c-ares' ENOTFOUND,
   llhttp's HPE_...) are Errors and need no entry. tests/sh/test_layers.sh
   checks that every ERR_ code the C source names is here. */
static const struct {
    const char *code;
    int kind;
} registry[] = {
    { "ERR_ACCESS_DENIED", CORO_ERROR },
    { "ERR_BUFFER_IN_USE", CORO_ERROR },
    { "ERR_BUFFER_OUT_OF_BOUNDS", CORO_RANGE_ERROR },
    { "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", CORO_ERROR },
    { "ERR_CRYPTO_INVALID_AUTH_TAG", CORO_TYPE_ERROR },
    { "ERR_CRYPTO_INVALID_CURVE", CORO_TYPE_ERROR },
    { "ERR_CRYPTO_INVALID_DIGEST", CORO_TYPE_ERROR },
    { "ERR_CRYPTO_INVALID_IV", CORO_TYPE_ERROR },
    { "ERR_CRYPTO_INVALID_KEYLEN", CORO_RANGE_ERROR },
    { "ERR_CRYPTO_INVALID_KEYPAIR", CORO_RANGE_ERROR },
    { "ERR_CRYPTO_INVALID_KEYTYPE", CORO_RANGE_ERROR },
    { "ERR_CRYPTO_INVALID_MESSAGELEN", CORO_RANGE_ERROR },
    { "ERR_CRYPTO_INVALID_SCRYPT_PARAMS", CORO_RANGE_ERROR },
    { "ERR_CRYPTO_INVALID_STATE", CORO_ERROR },
    { "ERR_CRYPTO_OPERATION_FAILED", CORO_ERROR },
    { "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH", CORO_RANGE_ERROR },
    { "ERR_CRYPTO_UNKNOWN_CIPHER", CORO_ERROR },
    { "ERR_CRYPTO_UNKNOWN_DH_GROUP", CORO_ERROR },
    { "ERR_DAGGER_NOT_STARTED", CORO_ERROR },
    { "ERR_DATA_CLONE", CORO_TYPE_ERROR },
    { "ERR_DNS_SET_SERVERS_FAILED", CORO_ERROR },
    { "ERR_ENCODING_INVALID_ENCODED_DATA", CORO_TYPE_ERROR },
    { "ERR_FIBER_EXCLUSIVE", CORO_ERROR },
    { "ERR_FIBER_JOIN_SELF", CORO_ERROR },
    { "ERR_FIBER_LIMIT", CORO_ERROR },
    { "ERR_FIBER_STARTED", CORO_ERROR },
    { "ERR_HTTP_BODY_BROKEN", CORO_ERROR },
    { "ERR_HTTP_BODY_TOO_LARGE", CORO_ERROR },
    { "ERR_HTTP_HEADERS_SENT", CORO_ERROR },
    { "ERR_HTTP_INVALID_HEADER_VALUE", CORO_TYPE_ERROR },
    { "ERR_HTTP_INVALID_STATUS_CODE", CORO_RANGE_ERROR },
    { "ERR_ILLEGAL_CONSTRUCTOR", CORO_TYPE_ERROR },
    { "ERR_INVALID_ARG_TYPE", CORO_TYPE_ERROR },
    { "ERR_INVALID_ARG_VALUE", CORO_TYPE_ERROR },
    { "ERR_INVALID_BUFFER_SIZE", CORO_RANGE_ERROR },
    { "ERR_INVALID_CHAR", CORO_TYPE_ERROR },
    { "ERR_INVALID_HTTP_TOKEN", CORO_TYPE_ERROR },
    { "ERR_INVALID_IP_ADDRESS", CORO_TYPE_ERROR },
    { "ERR_INVALID_STATE", CORO_ERROR },
    { "ERR_INVALID_THIS", CORO_TYPE_ERROR },
    { "ERR_ISOLATE_LIMIT", CORO_ERROR },
    { "ERR_ISOLATE_NO_EXPORT", CORO_TYPE_ERROR },
    { "ERR_ISOLATE_NO_PARENT", CORO_ERROR },
    { "ERR_ISOLATE_OUT_OF_MEMORY", CORO_ERROR },
    { "ERR_ISOLATE_TERMINATED", CORO_ERROR },
    { "ERR_MISSING_ARGS", CORO_TYPE_ERROR },
    { "ERR_MISSING_PASSPHRASE", CORO_TYPE_ERROR },
    { "ERR_MODULE_NOT_FOUND", CORO_ERROR },
    { "ERR_OSSL_EVP_INVALID_DIGEST", CORO_ERROR },
    { "ERR_OUT_OF_RANGE", CORO_RANGE_ERROR },
    { "ERR_REQUIRE_ASYNC_MODULE", CORO_ERROR },
    { "ERR_SCRIPT_EXECUTION_TIMEOUT", CORO_ERROR },
    { "ERR_SERVER_ALREADY_LISTEN", CORO_ERROR },
    { "ERR_STREAM_WRITE_AFTER_END", CORO_ERROR },
    { "ERR_TLS_CERT_ALTNAME_INVALID", CORO_ERROR },
    { "ERR_TLS_NO_CERTIFICATE", CORO_ERROR },
    { "ERR_UNKNOWN_BUILTIN_MODULE", CORO_ERROR },
    { "ERR_UNKNOWN_ENCODING", CORO_TYPE_ERROR },
    { "ERR_UNSUPPORTED_DIR_IMPORT", CORO_ERROR },
    { "ERR_WASI_NOT_STARTED", CORO_ERROR },
    { "ERR_WORKER_INIT_FAILED", CORO_ERROR },
    { "ERR_WORKER_NOT_RUNNING", CORO_ERROR },
};

int coro_error_kind(const char *code)
{
    if (strncmp(code, "ERR_", 4) != 0)
        return CORO_ERROR;
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++) {
        if (strcmp(registry[i].code, code) == 0)
            return registry[i].kind;
    }
    return CORO_ERROR; /* a code missing here is our bug: test_layers.sh looks for it */
}

void coro__assert_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "corojs: internal error at %s:%d: %s\n", file, line, what);
    abort();
}

void coro_set_str(JSContext *ctx, JSValueConst obj, const char *key, const char *val)
{
    if (val)
        JS_SetPropertyStr(ctx, obj, key, JS_NewString(ctx, val));
}

/* An error's message as the Error constructor makes it: not enumerable
   (Node's tests check; Object.keys of an error lists only code & co). */
static void set_message(JSContext *ctx, JSValueConst e, const char *msg)
{
    JS_DefinePropertyValueStr(ctx, e, "message", JS_NewString(ctx, msg),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
}

JSValue coro_new_uv_error(JSContext *ctx, int err, const char *syscall,
                          const char *path, const char *dest)
{
    JSValue e = JS_NewError(ctx);
    char msg[1024];
    int n;

    /* Node's wording: "ENOENT: no such file or directory, open 'x'" */
    n = snprintf(msg, sizeof msg, "%s: %s", uv_err_name(err), uv_strerror(err));
    if (syscall && n < (int)sizeof msg)
        n += snprintf(msg + n, sizeof msg - n, ", %s", syscall);
    if (path && n < (int)sizeof msg)
        n += snprintf(msg + n, sizeof msg - n, " '%s'", path);
    if (dest && n < (int)sizeof msg)
        snprintf(msg + n, sizeof msg - n, " -> '%s'", dest);
    set_message(ctx, e, msg);
    JS_SetPropertyStr(ctx, e, "errno", JS_NewInt32(ctx, err));
    coro_set_str(ctx, e, "code", uv_err_name(err));
    if (syscall)
        coro_set_str(ctx, e, "syscall", syscall);
    if (path)
        coro_set_str(ctx, e, "path", path);
    if (dest)
        coro_set_str(ctx, e, "dest", dest);
    return e;
}

JSValue coro_throw_uv(JSContext *ctx, int err, const char *syscall,
                      const char *path, const char *dest)
{
    return JS_Throw(ctx, coro_new_uv_error(ctx, err, syscall, path, dest));
}

JSValue coro_new_net_error(JSContext *ctx, int err, const char *syscall,
                           const char *address, int port)
{
    JSValue e = coro_new_uv_error(ctx, err, syscall, NULL, NULL);
    char msg[512];
    int n;

    n = snprintf(msg, sizeof msg, "%s %s", syscall, uv_err_name(err));
    if (address && n < (int)sizeof msg)
        n += snprintf(msg + n, sizeof msg - n, " %s", address);
    if (address && port >= 0 && n < (int)sizeof msg)
        snprintf(msg + n, sizeof msg - n, ":%d", port);
    set_message(ctx, e, msg);
    if (address)
        coro_set_str(ctx, e, "address", address);
    if (port >= 0)
        JS_SetPropertyStr(ctx, e, "port", JS_NewInt32(ctx, port));
    return e;
}

JSValue coro_throw_net(JSContext *ctx, int err, const char *syscall,
                       const char *address, int port)
{
    return JS_Throw(ctx, coro_new_net_error(ctx, err, syscall, address, port));
}

JSValue coro_new_coded_error(JSContext *ctx, const char *code, const char *fmt, va_list ap)
{
    char msg[1024];
    JSValue e;

    vsnprintf(msg, sizeof msg, fmt, ap);
    switch (coro_error_kind(code)) {
    case CORO_TYPE_ERROR: JS_ThrowTypeError(ctx, "%s", msg); break;
    case CORO_RANGE_ERROR: JS_ThrowRangeError(ctx, "%s", msg); break;
    default: JS_Throw(ctx, JS_NewError(ctx)); break;
    }
    e = JS_GetException(ctx);
    set_message(ctx, e, msg);
    coro_set_str(ctx, e, "code", code);
    return e;
}

JSValue coro_throw_code(JSContext *ctx, const char *code, const char *fmt, ...)
{
    va_list ap;
    JSValue e;

    va_start(ap, fmt);
    e = coro_new_coded_error(ctx, code, fmt, ap);
    va_end(ap);
    return JS_Throw(ctx, e);
}

JSValue coro_throw_terminated(JSContext *ctx)
{
    JSValue e = JS_NewError(ctx);

    set_message(ctx, e, "the isolate is shutting down");
    JS_SetUncatchableError(ctx, e, 1);
    return JS_Throw(ctx, e);
}

/* How Node describes a received value: "type number (42)", "undefined",
   "an instance of Foo", "function bar". */
static void describe(JSContext *ctx, JSValueConst v, char *buf, size_t size)
{
    const char *s;

    if (JS_IsUndefined(v) || JS_IsNull(v)) {
        snprintf(buf, size, "%s", JS_IsNull(v) ? "null" : "undefined");
        return;
    }
    if (JS_IsFunction(ctx, v)) {
        JSValue name = JS_GetPropertyStr(ctx, v, "name");
        s = JS_ToCString(ctx, name);
        snprintf(buf, size, "function %s", s && *s ? s : "(anonymous)");
        JS_FreeCString(ctx, s);
        JS_FreeValue(ctx, name);
        return;
    }
    if (JS_IsObject(v)) {
        JSValue ctor = JS_GetPropertyStr(ctx, v, "constructor");
        JSValue name = JS_IsObject(ctor) ? JS_GetPropertyStr(ctx, ctor, "name") : JS_UNDEFINED;
        s = JS_IsString(name) ? JS_ToCString(ctx, name) : NULL;
        if (s && *s)
            snprintf(buf, size, "an instance of %s", s);
        else
            snprintf(buf, size, "[object Object]"); /* what Node's inspect at depth -1 shows */
        JS_FreeCString(ctx, s);
        JS_FreeValue(ctx, name);
        JS_FreeValue(ctx, ctor);
        JS_FreeValue(ctx, JS_GetException(ctx)); /* a throwing getter is not our concern */
        return;
    }
    s = JS_ToCString(ctx, v);
    if (JS_IsString(v))
        /* Node cuts a string of more than 28 characters to 25 and "..." */
        snprintf(buf, size, "type string ('%.*s%s')", s && strlen(s) > 28 ? 25 : 28, s ? s : "",
                 s && strlen(s) > 28 ? "..." : "");
    else if (JS_IsNumber(v))
        snprintf(buf, size, "type number (%s)", s ? s : "?");
    else if (JS_IsBool(v))
        snprintf(buf, size, "type boolean (%s)", s ? s : "?");
    else if (JS_IsBigInt(ctx, v))
        snprintf(buf, size, "type bigint (%sn)", s ? s : "?");
    else
        snprintf(buf, size, "type symbol");
    JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, JS_GetException(ctx)); /* symbols do not convert */
}

static JSValue throw_arg(JSContext *ctx, int range, const char *name,
                         const char *expected, JSValueConst got)
{
    char what[160];

    describe(ctx, got, what, sizeof what);
    if (range)
        return coro_throw_code(ctx, "ERR_OUT_OF_RANGE",
                               "The value of \"%s\" is out of range. It must be %s. Received %s",
                               name, expected, what);
    return coro_throw_code(ctx, "ERR_INVALID_ARG_TYPE", "The \"%s\" argument must be %s. Received %s",
                           name, expected, what);
}

JSValue coro_throw_arg_type(JSContext *ctx, const char *name, const char *expected,
                            JSValueConst got)
{
    return throw_arg(ctx, 0, name, expected, got);
}

JSValue coro_throw_arg_range(JSContext *ctx, const char *name, const char *expected,
                             JSValueConst got)
{
    return throw_arg(ctx, 1, name, expected, got);
}

JSValue coro_throw_bad_handle(JSContext *ctx, const coro_handle_type *type)
{
    JSValue e = coro_new_uv_error(ctx, UV_EBADF, NULL, NULL, NULL);
    char msg[256];

    snprintf(msg, sizeof msg, "EBADF: bad handle: the %s is closed, or the ID is not one",
             type->name);
    set_message(ctx, e, msg);
    return JS_Throw(ctx, e);
}

