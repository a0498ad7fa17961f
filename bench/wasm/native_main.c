/* bench/wasm/native_main.c: the kernels and the QuickJS workload, native:
   prints "name ms checksum" for each (best of 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned crc_kernel(int), matrix_kernel(int), list_kernel(int), state_kernel(int);
double float_kernel(int);
int run(int);

#include "best.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    BEST("crc", (unsigned)crc_kernel(2000 * n));
    BEST("matrix", matrix_kernel(400 * n));
    BEST("list", list_kernel(1000 * n));
    BEST("state", state_kernel(1000000 * n));
    BEST("float", float_kernel(10000 * n));
#ifdef WITH_QJS
    BEST("quickjs", (unsigned)run(3 * n));
#endif
    return 0;
}
