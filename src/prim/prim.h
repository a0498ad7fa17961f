/*
 * prim.h: the areas of __primordials, the one bridge from JS to C.
 *
 * Each area lives in one file, src/prim/<area>.c, and exports one init
 * function that fills the area's namespace object (__primordials.<area>).
 * runtime.c calls them all from one table. The functions are thin: they
 * check their arguments, take and return handle IDs, and block only the
 * calling fiber.
 */
#ifndef COROJS_PRIM_H
#define COROJS_PRIM_H

#include "quickjs.h"

int coro_prim_fiber_init(JSContext *ctx, JSValueConst ns);
int coro_prim_timers_init(JSContext *ctx, JSValueConst ns);
int coro_prim_fs_init(JSContext *ctx, JSValueConst ns);
int coro_prim_process_init(JSContext *ctx, JSValueConst ns);
int coro_prim_encoding_init(JSContext *ctx, JSValueConst ns);
int coro_prim_util_init(JSContext *ctx, JSValueConst ns);
int coro_prim_isolate_init(JSContext *ctx, JSValueConst ns);
int coro_prim_readline_init(JSContext *ctx, JSValueConst ns);
int coro_prim_net_init(JSContext *ctx, JSValueConst ns);
int coro_prim_dns_init(JSContext *ctx, JSValueConst ns);
int coro_prim_dgram_init(JSContext *ctx, JSValueConst ns);
int coro_prim_tls_init(JSContext *ctx, JSValueConst ns);
int coro_prim_http_init(JSContext *ctx, JSValueConst ns);
int coro_prim_wasm_init(JSContext *ctx, JSValueConst ns);

/* prim/fiber.c: block the running fiber until `promise` settles. Returns 0
   with *result the value, 1 with *result the rejection reason, or -1 with
   an exception pending. Non-promises are returned as they are. */
int coro_await(JSContext *ctx, JSValueConst promise, JSValue *result);

/* prim/fiber.c: a coroutine with a JS record has ended (called on main). */
struct coro_fiber;
void coro_fiber_record_ended(struct coro_fiber *co);

/* prim/fiber.c: at the end of the program, report the first exception of a
   fiber nobody joined, from a new fiber. Returns 1 if there was one. */
struct coro_isolate;
int coro_fibers_report_unjoined(struct coro_isolate *iso);

/* prim/isolate.c: keep iso's uncaught error for its parent's join(). */
void coro_isolate_record_error(struct coro_isolate *iso, JSValueConst exc);

/* prim/isolate.c: iso is being freed: drop its RPC state. */
void coro_isolate_forget(struct coro_isolate *iso);

/* prim/isolate.c: free an error kept by coro_isolate_record_error. */
void coro_isolate_free_error(void *error);

#endif
