/*
 * numeric.h: wasm's numeric semantics where C's differ (NaN propagation,
 * signed zeros, saturating conversions); shared by interp.c and simd.c.
 */
#ifndef COROJS_WASM_NUMERIC_H
#define COROJS_WASM_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline uint64_t f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline float bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline double bits_f64(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

static inline float f32_min(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == 0 && b == 0)
        return bits_f32(f32_bits(a) | f32_bits(b));
    return a < b ? a : b;
}

static inline float f32_max(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == 0 && b == 0)
        return bits_f32(f32_bits(a) & f32_bits(b));
    return a > b ? a : b;
}

static inline double f64_min(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == 0 && b == 0)
        return bits_f64(f64_bits(a) | f64_bits(b));
    return a < b ? a : b;
}

static inline double f64_max(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == 0 && b == 0)
        return bits_f64(f64_bits(a) & f64_bits(b));
    return a > b ? a : b;
}

/* libm may hand a signalling NaN back unquieted: wasm wants it quiet */
#define ROUND(fn, x) ((x) != (x) ? (x) + (x) : fn(x))

static inline uint32_t rotl32(uint32_t x, uint32_t k) { k &= 31; return (x << k) | (x >> ((32 - k) & 31)); }
static inline uint32_t rotr32(uint32_t x, uint32_t k) { k &= 31; return (x >> k) | (x << ((32 - k) & 31)); }
static inline uint64_t rotl64(uint64_t x, uint64_t k) { k &= 63; return (x << k) | (x >> ((64 - k) & 63)); }
static inline uint64_t rotr64(uint64_t x, uint64_t k) { k &= 63; return (x >> k) | (x << ((64 - k) & 63)); }

/* float -> int: 0 = ok, else the trap (NaN or out of range) */
#define TRUNC_CHECK(x, lo_ok, hi_ok) \
    ((x) != (x) ? WASM_TRAP_BAD_CONVERSION : !((lo_ok) && (hi_ok)) ? WASM_TRAP_INT_OVERFLOW : 0)

static inline int32_t sat_i32(double x)
{
    if (x != x) return 0;
    if (x <= -2147483648.0) return INT32_MIN;
    if (x >= 2147483647.0) return INT32_MAX;
    return (int32_t)x;
}

static inline uint32_t sat_u32(double x)
{
    if (x != x || x <= 0) return 0;
    if (x >= 4294967295.0) return UINT32_MAX;
    return (uint32_t)x;
}

static inline int64_t sat_i64(double x)
{
    if (x != x) return 0;
    if (x < -9223372036854775808.0) return INT64_MIN;
    if (x >= 9223372036854775808.0) return INT64_MAX;
    return (int64_t)x;
}

static inline uint64_t sat_u64(double x)
{
    if (x != x || x <= 0) return 0;
    if (x >= 18446744073709551616.0) return UINT64_MAX;
    return (uint64_t)x;
}

#endif
