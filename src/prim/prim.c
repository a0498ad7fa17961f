/*
 * prim.c: the one table of __primordials areas (see prim.h).
 */
#include "prim.h"

const coro_area coro_prim_areas[] = {
    { "fiber", coro_prim_fiber_init, coro_prim_fiber_free },
    { "timers", coro_prim_timers_init, NULL },
    { "fs", coro_prim_fs_init, NULL },
    { "process", coro_prim_process_init, NULL },
    { "encoding", coro_prim_encoding_init, NULL },
    { "buffer", coro_prim_buffer_init, NULL },
    { "intl", coro_prim_intl_init, NULL },
    { "util", coro_prim_util_init, NULL },
    { "isolate", coro_prim_isolate_init, coro_prim_isolate_free },
    { "readline", coro_prim_readline_init, NULL },
    { "stream", coro_prim_stream_init, NULL },
    { "net", coro_prim_net_init, NULL },
    { "dns", coro_prim_dns_init, NULL },
    { "dgram", coro_prim_dgram_init, NULL },
    { "tls", coro_prim_tls_init, NULL },
    { "http", coro_prim_http_init, NULL },
    { "wasm", coro_prim_wasm_init, NULL },
    { "wasi", coro_prim_wasi_init, coro_prim_wasi_free },
    { "dagger", coro_prim_dagger_init, NULL },
    { "syscall", coro_prim_syscall_init, NULL },
    { "signal", coro_prim_signal_init, NULL },
    { "module", coro_prim_module_init, NULL },
    { "os", coro_prim_os_init, NULL },
    { "nodefs", coro_prim_nodefs_init, NULL },
    { "spawn", coro_prim_spawn_init, NULL },
    { "messaging", coro_prim_messaging_init, NULL },
    { "worker", coro_prim_worker_init, coro_prim_worker_free },
    { "vm", coro_prim_vm_init, NULL },
    { "http_parser", coro_prim_http_parser_init, coro_prim_http_parser_free },
    { "zlib", coro_prim_zlib_init, NULL },
    { "crypto", coro_prim_crypto_init, NULL },
    { NULL, NULL, NULL },
};
