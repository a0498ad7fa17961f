/* bench/wasm/w2c_main.c: the kernels and the QuickJS workload as wasm2c
   (Debian's wabt) turned them into C, compiled by gcc -O2: prints
   "name ms checksum" for each (best of 3). The QuickJS module's four WASI
   calls are given here, doing nothing (the workload prints nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "qjs.h"

struct Z_wasi_snapshot_preview1_instance_t { Z_qjs_instance_t *qjs; };

u32 Z_wasi_snapshot_preview1Z_clock_time_get(struct Z_wasi_snapshot_preview1_instance_t *w, u32 id,
                                             u64 precision, u32 out)
{
    memset(w->qjs->w2c_memory.data + out, 0, 8);
    return 0;
}

u32 Z_wasi_snapshot_preview1Z_fd_close(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd)
{
    return 0;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd,
                                      u64 off, u32 whence, u32 out)
{
    return 0;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd,
                                       u32 iovs, u32 n, u32 out)
{
    memset(w->qjs->w2c_memory.data + out, 0, 4);
    return 0;
}

#include "best.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    static Z_kernels_instance_t k;
    static Z_qjs_instance_t q;
    static struct Z_wasi_snapshot_preview1_instance_t wasi;

    wasm_rt_init();
    Z_kernels_init_module();
    Z_kernels_instantiate(&k);
    BEST("crc", (u32)Z_kernelsZ_crc_kernel(&k, 2000 * n));
    BEST("matrix", (u32)Z_kernelsZ_matrix_kernel(&k, 400 * n));
    BEST("list", (u32)Z_kernelsZ_list_kernel(&k, 1000 * n));
    BEST("state", (u32)Z_kernelsZ_state_kernel(&k, 1000000 * n));
    BEST("float", Z_kernelsZ_float_kernel(&k, 10000 * n));
    wasi.qjs = &q;
    Z_qjs_init_module();
    Z_qjs_instantiate(&q, &wasi);
    Z_qjsZ__initialize(&q);
    BEST("quickjs", (u32)Z_qjsZ_run(&q, 3 * n));
    return 0;
}
