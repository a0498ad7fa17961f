/* bench/wasm/best.h: timing for the native drivers: BEST(name, expr) runs
   expr three times and prints "name ms checksum" for the fastest. */
#include <stdio.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

#define BEST(name, expr) do { double best = 1e18; long long sum = 0; \
    for (int r_ = 0; r_ < 3; r_++) { double t0 = now_ms(); sum = (long long)(expr); \
        double t = now_ms() - t0; if (t < best) best = t; } \
    printf("%s %.3f %lld\n", name, best, sum); } while (0)
