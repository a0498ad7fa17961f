/* bench/wasm/native_main.c: the kernels and the QuickJS workload, native:
   prints "name ms checksum" for each (best of 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

unsigned crc_kernel(int), matrix_kernel(int), list_kernel(int), state_kernel(int);
double float_kernel(int);
int run(int);

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

#define BEST(name, expr) do { double best = 1e18; long long sum = 0; \
    for (int r_ = 0; r_ < 3; r_++) { double t0 = now_ms(); sum = (long long)(expr); double t = now_ms() - t0; \
        if (t < best) best = t; } \
    printf("%s %.3f %lld\n", name, best, sum); } while (0)

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
