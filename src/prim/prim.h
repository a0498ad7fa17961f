/*
 * prim.h: the areas of __primordials, the one bridge from JS to C.
 *
 * Each area lives in one file, src/prim/<area>.c (HTTP in src/prim/http/),
 * and exports one init function that fills the area's namespace object
 * (__primordials.<area>), and a free function if it keeps state per isolate.
 * prim.c lists them all in one table, which every isolate is created with.
 * The functions are thin: they check their arguments, take and return handle
 * IDs, and block only the calling fiber.
 */
#ifndef COROJS_PRIM_H
#define COROJS_PRIM_H

#include "quickjs.h"
#include "core/isolate.h"

/* Every area, ending with a NULL name: coro_isolate_options.areas. */
extern const coro_area coro_prim_areas[];

/* Slots of coro_isolate.area_data, for the areas that keep state per isolate. */
enum {
    CORO_SLOT_FIBER,    /* prim/fiber.c */
    CORO_SLOT_ISOLATE,  /* prim/isolate.c */
    CORO_SLOT_WASM,     /* prim/wasm.c */
    CORO_SLOT_WASI,     /* prim/wasi.c */
    CORO_SLOT_HTTP_PARSER, /* prim/http_parser.c */
    CORO_SLOT_WORKER,   /* prim/worker.c */
};

int coro_prim_fiber_init(JSContext *ctx, JSValueConst ns);
void coro_prim_fiber_free(coro_isolate *iso);
int coro_prim_timers_init(JSContext *ctx, JSValueConst ns);
int coro_prim_fs_init(JSContext *ctx, JSValueConst ns);
int coro_prim_process_init(JSContext *ctx, JSValueConst ns);
int coro_prim_encoding_init(JSContext *ctx, JSValueConst ns);
int coro_prim_buffer_init(JSContext *ctx, JSValueConst ns);
int coro_prim_intl_init(JSContext *ctx, JSValueConst ns);
int coro_prim_util_init(JSContext *ctx, JSValueConst ns);
int coro_prim_isolate_init(JSContext *ctx, JSValueConst ns);
void coro_prim_isolate_free(coro_isolate *iso);
/* The code of the uncaught error that ended port's isolate (as join() gives
   it: "ERR_ISOLATE_OUT_OF_MEMORY", ...), or NULL. */
const char *coro_prim_isolate_error_code(const coro_port *port);
int coro_prim_readline_init(JSContext *ctx, JSValueConst ns);
int coro_prim_stream_init(JSContext *ctx, JSValueConst ns);
int coro_prim_net_init(JSContext *ctx, JSValueConst ns);
int coro_prim_dns_init(JSContext *ctx, JSValueConst ns);
int coro_prim_dgram_init(JSContext *ctx, JSValueConst ns);
int coro_prim_tls_init(JSContext *ctx, JSValueConst ns);
int coro_prim_http_init(JSContext *ctx, JSValueConst ns);
int coro_prim_wasm_init(JSContext *ctx, JSValueConst ns);
int coro_prim_wasi_init(JSContext *ctx, JSValueConst ns);
void coro_prim_wasi_free(coro_isolate *iso);
int coro_prim_dagger_init(JSContext *ctx, JSValueConst ns);
/* The command line's --dir HOST[::GUEST] and --env NAME=VALUE for the
   WebAssembly apps root isolates run (NULL-terminated; main keeps them). */
void coro_wasi_set_command_line(char **dirs, char **env);
int coro_prim_syscall_init(JSContext *ctx, JSValueConst ns);
int coro_prim_signal_init(JSContext *ctx, JSValueConst ns);
int coro_prim_messaging_init(JSContext *ctx, JSValueConst ns);
/* A channel between isolates (prim/messaging.c): pair makes its two ends
   (-1 when out of memory); hold gives an end to ctx's isolate as a PortEnd
   handle (its ID; on failure e is closed); close drops an end, its peer
   hears it. worker.c gives a worker and its parent one such channel. */
typedef struct coro_msg_end coro_msg_end;
int coro_msg_pair(coro_msg_end **a, coro_msg_end **b);
JSValue coro_msg_hold(JSContext *ctx, coro_msg_end *e);
void coro_msg_end_close(coro_msg_end *e);
int coro_prim_worker_init(JSContext *ctx, JSValueConst ns);
void coro_prim_worker_free(coro_isolate *iso);
int coro_prim_module_init(JSContext *ctx, JSValueConst ns);
int coro_prim_os_init(JSContext *ctx, JSValueConst ns);
int coro_prim_nodefs_init(JSContext *ctx, JSValueConst ns);
int coro_prim_spawn_init(JSContext *ctx, JSValueConst ns);
int coro_prim_vm_init(JSContext *ctx, JSValueConst ns);
int coro_prim_http_parser_init(JSContext *ctx, JSValueConst ns);
void coro_prim_http_parser_free(coro_isolate *iso);
int coro_prim_zlib_init(JSContext *ctx, JSValueConst ns);
int coro_prim_crypto_init(JSContext *ctx, JSValueConst ns);

#endif
