/*
 * error.h: the one chain from a failure to a JS exception, and the assertion
 * for our own invariants.
 *
 * System failures are libuv-style negative codes; coro_throw_uv turns one
 * into an Error with code, errno, syscall and path, as Node does. Misuse (a
 * wrong argument type) throws TypeError naming the argument. Every other
 * error has a `code`: an ERR_ code comes as the kind of error its entry in
 * the registry (error.c) says, with Node's code and wording where Node has
 * one. Each helper returns JS_EXCEPTION with the exception pending.
 *
 * CORO_ASSERT is for invariants of our own code: it aborts with the place,
 * and never stands where user input could make it fail.
 */
#ifndef COROJS_ERROR_H
#define COROJS_ERROR_H

#include <stdarg.h>
#include "quickjs.h"
#include "handle.h"

enum { CORO_ERROR, CORO_TYPE_ERROR, CORO_RANGE_ERROR };

_Noreturn void coro__assert_fail(const char *file, int line, const char *what);
#define CORO_ASSERT(cond) ((cond) ? (void)0 : coro__assert_fail(__FILE__, __LINE__, #cond))

/* The kind of error an ERR_ code comes as (CORO_ERROR for other codes). */
int coro_error_kind(const char *code);

/* An error with `code` and a message (printf-style), of the code's kind. */
JSValue coro_throw_code(JSContext *ctx, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
JSValue coro_new_coded_error(JSContext *ctx, const char *code, const char *fmt, va_list ap);

JSValue coro_new_uv_error(JSContext *ctx, int err, const char *syscall,
                          const char *path, const char *dest);
JSValue coro_throw_uv(JSContext *ctx, int err, const char *syscall,
                      const char *path, const char *dest);

/* A network error as Node words it: "connect ECONNREFUSED 127.0.0.1:80", with
   code, errno, syscall, address and (if port >= 0) port. */
JSValue coro_new_net_error(JSContext *ctx, int err, const char *syscall,
                           const char *address, int port);
JSValue coro_throw_net(JSContext *ctx, int err, const char *syscall,
                       const char *address, int port);

/* TypeError ERR_INVALID_ARG_TYPE: The "name" argument must be <expected>. Received ... */
JSValue coro_throw_arg_type(JSContext *ctx, const char *name, const char *expected,
                            JSValueConst got);
/* RangeError ERR_OUT_OF_RANGE: The value of "name" is out of range. It must be <expected>. Received ... */
JSValue coro_throw_arg_range(JSContext *ctx, const char *name, const char *expected,
                             JSValueConst got);
/* Error with code EBADF for a closed, forged or mistyped handle ID. */
JSValue coro_throw_bad_handle(JSContext *ctx, const coro_handle_type *type);

/* An uncatchable error that unwinds a fiber of an isolate being torn down. */
JSValue coro_throw_terminated(JSContext *ctx);

/* obj[key] = a string, unless val is NULL (the one setter every error and
   info object uses). */
void coro_set_str(JSContext *ctx, JSValueConst obj, const char *key, const char *val);

#endif
