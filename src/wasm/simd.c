/*
 * simd.c: the 128-bit SIMD instructions, lane by lane. The interpreter
 * calls in here for each (one call per instruction: SIMD code is rare in
 * the programs we run, and keeping its ~240 operations out of the dispatch
 * loop keeps the loop small). Operation numbers are the binary format's
 * (after the 0xfd prefix).
 */
#include "internal.h"
#include "numeric.h"

typedef union v128 {
    int8_t i8[16];
    uint8_t u8[16];
    int16_t i16[8];
    uint16_t u16[8];
    int32_t i32[4];
    uint32_t u32[4];
    int64_t i64[2];
    uint64_t u64[2];
    float f32[4];
    double f64[2];
} v128;

#define EACH(n, stmt) do { for (int i = 0; i < (n); i++) { stmt; } } while (0)

static inline int8_t sat8(int v) { return v < -128 ? -128 : v > 127 ? 127 : (int8_t)v; }
static inline uint8_t satu8(int v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }
static inline int16_t sat16(int v) { return v < -32768 ? -32768 : v > 32767 ? 32767 : (int16_t)v; }
static inline uint16_t satu16(int v) { return v < 0 ? 0 : v > 65535 ? 65535 : (uint16_t)v; }
static inline float f32_pmin(float a, float b) { return b < a ? b : a; }
static inline float f32_pmax(float a, float b) { return a < b ? b : a; }
static inline double f64_pmin(double a, double b) { return b < a ? b : a; }
static inline double f64_pmax(double a, double b) { return a < b ? b : a; }

/* compares: all ones for true */
#define CMP(n, f, op) EACH(n, r.f[i] = x.f[i] op y.f[i] ? -1 : 0)
#define CMPU(n, f, sf, op) EACH(n, r.sf[i] = x.f[i] op y.f[i] ? -1 : 0)

/* a compare, bitwise or test operation (35 to 100); 1 if op is one */
static int simd_logic(uint32_t op, v128 *rp, const v128 *xp, const v128 *yp, const v128 *zp,
                      wasm_cell *d)
{
    v128 r, x = *xp, y = *yp;
    int t;

    switch (op) {
    case 35: CMP(16, i8, ==); break;
    case 36: CMP(16, i8, !=); break;
    case 37: CMP(16, i8, <); break;
    case 38: CMPU(16, u8, i8, <); break;
    case 39: CMP(16, i8, >); break;
    case 40: CMPU(16, u8, i8, >); break;
    case 41: CMP(16, i8, <=); break;
    case 42: CMPU(16, u8, i8, <=); break;
    case 43: CMP(16, i8, >=); break;
    case 44: CMPU(16, u8, i8, >=); break;
    case 45: CMP(8, i16, ==); break;
    case 46: CMP(8, i16, !=); break;
    case 47: CMP(8, i16, <); break;
    case 48: CMPU(8, u16, i16, <); break;
    case 49: CMP(8, i16, >); break;
    case 50: CMPU(8, u16, i16, >); break;
    case 51: CMP(8, i16, <=); break;
    case 52: CMPU(8, u16, i16, <=); break;
    case 53: CMP(8, i16, >=); break;
    case 54: CMPU(8, u16, i16, >=); break;
    case 55: CMP(4, i32, ==); break;
    case 56: CMP(4, i32, !=); break;
    case 57: CMP(4, i32, <); break;
    case 58: CMPU(4, u32, i32, <); break;
    case 59: CMP(4, i32, >); break;
    case 60: CMPU(4, u32, i32, >); break;
    case 61: CMP(4, i32, <=); break;
    case 62: CMPU(4, u32, i32, <=); break;
    case 63: CMP(4, i32, >=); break;
    case 64: CMPU(4, u32, i32, >=); break;
    case 65: CMPU(4, f32, i32, ==); break;
    case 66: CMPU(4, f32, i32, !=); break;
    case 67: CMPU(4, f32, i32, <); break;
    case 68: CMPU(4, f32, i32, >); break;
    case 69: CMPU(4, f32, i32, <=); break;
    case 70: CMPU(4, f32, i32, >=); break;
    case 71: CMPU(2, f64, i64, ==); break;
    case 72: CMPU(2, f64, i64, !=); break;
    case 73: CMPU(2, f64, i64, <); break;
    case 74: CMPU(2, f64, i64, >); break;
    case 75: CMPU(2, f64, i64, <=); break;
    case 76: CMPU(2, f64, i64, >=); break;
    case 77: EACH(2, r.u64[i] = ~x.u64[i]); break;
    case 78: EACH(2, r.u64[i] = x.u64[i] & y.u64[i]); break;
    case 79: EACH(2, r.u64[i] = x.u64[i] & ~y.u64[i]); break;
    case 80: EACH(2, r.u64[i] = x.u64[i] | y.u64[i]); break;
    case 81: EACH(2, r.u64[i] = x.u64[i] ^ y.u64[i]); break;
    case 82: EACH(2, r.u64[i] = (x.u64[i] & zp->u64[i]) | (y.u64[i] & ~zp->u64[i])); break;
    case 83: d->u64 = (x.u64[0] | x.u64[1]) != 0; return 1;
    case 99: t = 1; EACH(16, t &= x.u8[i] != 0); d->u64 = (uint64_t)t; return 1;
    case 100: t = 0; EACH(16, t |= (x.u8[i] >> 7) << i); d->u64 = (uint64_t)t; return 1;
    case 131: t = 1; EACH(8, t &= x.u16[i] != 0); d->u64 = (uint64_t)t; return 1;
    case 132: t = 0; EACH(8, t |= (x.u16[i] >> 15) << i); d->u64 = (uint64_t)t; return 1;
    case 163: t = 1; EACH(4, t &= x.u32[i] != 0); d->u64 = (uint64_t)t; return 1;
    case 164: t = 0; EACH(4, t |= (int)(x.u32[i] >> 31) << i); d->u64 = (uint64_t)t; return 1;
    case 195: t = 1; EACH(2, t &= x.u64[i] != 0); d->u64 = (uint64_t)t; return 1;
    case 196: t = 0; EACH(2, t |= (int)(x.u64[i] >> 63) << i); d->u64 = (uint64_t)t; return 1;
    case 214: CMP(2, i64, ==); break;
    case 215: CMP(2, i64, !=); break;
    case 216: CMP(2, i64, <); break;
    case 217: CMP(2, i64, >); break;
    case 218: CMP(2, i64, <=); break;
    case 219: CMP(2, i64, >=); break;
    default: return 0;
    }
    *rp = r;
    return 1;
}

/* integer lane arithmetic (96 to 223, less the float ones) */
static int simd_int(uint32_t op, v128 *rp, const v128 *xp, const v128 *yp, uint32_t s)
{
    v128 r, x = *xp, y = *yp;

    switch (op) {
    case 14: EACH(16, r.u8[i] = y.u8[i] < 16 ? x.u8[y.u8[i]] : 0); break;
    case 96: EACH(16, r.u8[i] = (uint8_t)(x.i8[i] < 0 ? -x.i8[i] : x.i8[i])); break;
    case 97: EACH(16, r.u8[i] = (uint8_t)-x.u8[i]); break;
    case 98: EACH(16, r.u8[i] = (uint8_t)__builtin_popcount(x.u8[i])); break;
    case 101: EACH(8, r.i8[i] = sat8(x.i16[i]); r.i8[i + 8] = sat8(y.i16[i])); break;
    case 102: EACH(8, r.u8[i] = satu8(x.i16[i]); r.u8[i + 8] = satu8(y.i16[i])); break;
    case 107: EACH(16, r.u8[i] = (uint8_t)(x.u8[i] << (s & 7))); break;
    case 108: EACH(16, r.i8[i] = (int8_t)(x.i8[i] >> (s & 7))); break;
    case 109: EACH(16, r.u8[i] = (uint8_t)(x.u8[i] >> (s & 7))); break;
    case 110: EACH(16, r.u8[i] = (uint8_t)(x.u8[i] + y.u8[i])); break;
    case 111: EACH(16, r.i8[i] = sat8(x.i8[i] + y.i8[i])); break;
    case 112: EACH(16, r.u8[i] = satu8(x.u8[i] + y.u8[i])); break;
    case 113: EACH(16, r.u8[i] = (uint8_t)(x.u8[i] - y.u8[i])); break;
    case 114: EACH(16, r.i8[i] = sat8(x.i8[i] - y.i8[i])); break;
    case 115: EACH(16, r.u8[i] = satu8(x.u8[i] - y.u8[i])); break;
    case 118: EACH(16, r.i8[i] = x.i8[i] < y.i8[i] ? x.i8[i] : y.i8[i]); break;
    case 119: EACH(16, r.u8[i] = x.u8[i] < y.u8[i] ? x.u8[i] : y.u8[i]); break;
    case 120: EACH(16, r.i8[i] = x.i8[i] > y.i8[i] ? x.i8[i] : y.i8[i]); break;
    case 121: EACH(16, r.u8[i] = x.u8[i] > y.u8[i] ? x.u8[i] : y.u8[i]); break;
    case 123: EACH(16, r.u8[i] = (uint8_t)((x.u8[i] + y.u8[i] + 1) >> 1)); break;
    case 124: EACH(8, r.i16[i] = (int16_t)(x.i8[2 * i] + x.i8[2 * i + 1])); break;
    case 125: EACH(8, r.u16[i] = (uint16_t)(x.u8[2 * i] + x.u8[2 * i + 1])); break;
    case 126: EACH(4, r.i32[i] = x.i16[2 * i] + x.i16[2 * i + 1]); break;
    case 127: EACH(4, r.u32[i] = (uint32_t)x.u16[2 * i] + x.u16[2 * i + 1]); break;
    case 128: EACH(8, r.u16[i] = (uint16_t)(x.i16[i] < 0 ? -x.i16[i] : x.i16[i])); break;
    case 129: EACH(8, r.u16[i] = (uint16_t)-x.u16[i]); break;
    case 130: EACH(8, r.i16[i] = sat16((x.i16[i] * y.i16[i] + 0x4000) >> 15)); break;
    case 133: EACH(4, r.i16[i] = sat16(x.i32[i]); r.i16[i + 4] = sat16(y.i32[i])); break;
    case 134: EACH(4, r.u16[i] = satu16(x.i32[i]); r.u16[i + 4] = satu16(y.i32[i])); break;
    case 135: EACH(8, r.i16[i] = x.i8[i]); break;
    case 136: EACH(8, r.i16[i] = x.i8[i + 8]); break;
    case 137: EACH(8, r.u16[i] = x.u8[i]); break;
    case 138: EACH(8, r.u16[i] = x.u8[i + 8]); break;
    case 139: EACH(8, r.u16[i] = (uint16_t)(x.u16[i] << (s & 15))); break;
    case 140: EACH(8, r.i16[i] = (int16_t)(x.i16[i] >> (s & 15))); break;
    case 141: EACH(8, r.u16[i] = (uint16_t)(x.u16[i] >> (s & 15))); break;
    case 142: EACH(8, r.u16[i] = (uint16_t)(x.u16[i] + y.u16[i])); break;
    case 143: EACH(8, r.i16[i] = sat16(x.i16[i] + y.i16[i])); break;
    case 144: EACH(8, r.u16[i] = satu16(x.u16[i] + y.u16[i])); break;
    case 145: EACH(8, r.u16[i] = (uint16_t)(x.u16[i] - y.u16[i])); break;
    case 146: EACH(8, r.i16[i] = sat16(x.i16[i] - y.i16[i])); break;
    case 147: EACH(8, r.u16[i] = satu16(x.u16[i] - y.u16[i])); break;
    case 149: EACH(8, r.u16[i] = (uint16_t)(x.u16[i] * y.u16[i])); break;
    case 150: EACH(8, r.i16[i] = x.i16[i] < y.i16[i] ? x.i16[i] : y.i16[i]); break;
    case 151: EACH(8, r.u16[i] = x.u16[i] < y.u16[i] ? x.u16[i] : y.u16[i]); break;
    case 152: EACH(8, r.i16[i] = x.i16[i] > y.i16[i] ? x.i16[i] : y.i16[i]); break;
    case 153: EACH(8, r.u16[i] = x.u16[i] > y.u16[i] ? x.u16[i] : y.u16[i]); break;
    case 155: EACH(8, r.u16[i] = (uint16_t)((x.u16[i] + y.u16[i] + 1) >> 1)); break;
    case 156: EACH(8, r.i16[i] = (int16_t)(x.i8[i] * y.i8[i])); break;
    case 157: EACH(8, r.i16[i] = (int16_t)(x.i8[i + 8] * y.i8[i + 8])); break;
    case 158: EACH(8, r.u16[i] = (uint16_t)(x.u8[i] * y.u8[i])); break;
    case 159: EACH(8, r.u16[i] = (uint16_t)(x.u8[i + 8] * y.u8[i + 8])); break;
    case 160: EACH(4, r.u32[i] = x.i32[i] < 0 ? -x.u32[i] : x.u32[i]); break;
    case 161: EACH(4, r.u32[i] = -x.u32[i]); break;
    case 167: EACH(4, r.i32[i] = x.i16[i]); break;
    case 168: EACH(4, r.i32[i] = x.i16[i + 4]); break;
    case 169: EACH(4, r.u32[i] = x.u16[i]); break;
    case 170: EACH(4, r.u32[i] = x.u16[i + 4]); break;
    case 171: EACH(4, r.u32[i] = x.u32[i] << (s & 31)); break;
    case 172: EACH(4, r.i32[i] = x.i32[i] >> (s & 31)); break;
    case 173: EACH(4, r.u32[i] = x.u32[i] >> (s & 31)); break;
    case 174: EACH(4, r.u32[i] = x.u32[i] + y.u32[i]); break;
    case 177: EACH(4, r.u32[i] = x.u32[i] - y.u32[i]); break;
    case 181: EACH(4, r.u32[i] = x.u32[i] * y.u32[i]); break;
    case 182: EACH(4, r.i32[i] = x.i32[i] < y.i32[i] ? x.i32[i] : y.i32[i]); break;
    case 183: EACH(4, r.u32[i] = x.u32[i] < y.u32[i] ? x.u32[i] : y.u32[i]); break;
    case 184: EACH(4, r.i32[i] = x.i32[i] > y.i32[i] ? x.i32[i] : y.i32[i]); break;
    case 185: EACH(4, r.u32[i] = x.u32[i] > y.u32[i] ? x.u32[i] : y.u32[i]); break;
    case 186: EACH(4, r.u32[i] = (uint32_t)(x.i16[2 * i] * y.i16[2 * i]) +
                                 (uint32_t)(x.i16[2 * i + 1] * y.i16[2 * i + 1])); break;
    case 188: EACH(4, r.i32[i] = x.i16[i] * y.i16[i]); break;
    case 189: EACH(4, r.i32[i] = x.i16[i + 4] * y.i16[i + 4]); break;
    case 190: EACH(4, r.u32[i] = (uint32_t)x.u16[i] * y.u16[i]); break;
    case 191: EACH(4, r.u32[i] = (uint32_t)x.u16[i + 4] * y.u16[i + 4]); break;
    case 192: EACH(2, r.u64[i] = x.i64[i] < 0 ? -x.u64[i] : x.u64[i]); break;
    case 193: EACH(2, r.u64[i] = -x.u64[i]); break;
    case 199: EACH(2, r.i64[i] = x.i32[i]); break;
    case 200: EACH(2, r.i64[i] = x.i32[i + 2]); break;
    case 201: EACH(2, r.u64[i] = x.u32[i]); break;
    case 202: EACH(2, r.u64[i] = x.u32[i + 2]); break;
    case 203: EACH(2, r.u64[i] = x.u64[i] << (s & 63)); break;
    case 204: EACH(2, r.i64[i] = x.i64[i] >> (s & 63)); break;
    case 205: EACH(2, r.u64[i] = x.u64[i] >> (s & 63)); break;
    case 206: EACH(2, r.u64[i] = x.u64[i] + y.u64[i]); break;
    case 209: EACH(2, r.u64[i] = x.u64[i] - y.u64[i]); break;
    case 213: EACH(2, r.u64[i] = x.u64[i] * y.u64[i]); break;
    case 220: EACH(2, r.i64[i] = (int64_t)x.i32[i] * y.i32[i]); break;
    case 221: EACH(2, r.i64[i] = (int64_t)x.i32[i + 2] * y.i32[i + 2]); break;
    case 222: EACH(2, r.u64[i] = (uint64_t)x.u32[i] * y.u32[i]); break;
    case 223: EACH(2, r.u64[i] = (uint64_t)x.u32[i + 2] * y.u32[i + 2]); break;
    default: return 0;
    }
    *rp = r;
    return 1;
}

/* float lanes and conversions */
static int simd_float(uint32_t op, v128 *rp, const v128 *xp, const v128 *yp)
{
    v128 r, x = *xp, y = *yp;

    switch (op) {
    case 94: EACH(2, r.f32[i] = (float)x.f64[i]); r.u64[1] = 0; break;
    case 95: EACH(2, r.f64[i] = x.f32[i]); break;
    case 103: EACH(4, r.f32[i] = ROUND(ceilf, x.f32[i])); break;
    case 104: EACH(4, r.f32[i] = ROUND(floorf, x.f32[i])); break;
    case 105: EACH(4, r.f32[i] = ROUND(truncf, x.f32[i])); break;
    case 106: EACH(4, r.f32[i] = ROUND(nearbyintf, x.f32[i])); break;
    case 116: EACH(2, r.f64[i] = ROUND(ceil, x.f64[i])); break;
    case 117: EACH(2, r.f64[i] = ROUND(floor, x.f64[i])); break;
    case 122: EACH(2, r.f64[i] = ROUND(trunc, x.f64[i])); break;
    case 148: EACH(2, r.f64[i] = ROUND(nearbyint, x.f64[i])); break;
    case 224: EACH(4, r.u32[i] = x.u32[i] & 0x7fffffffu); break;
    case 225: EACH(4, r.u32[i] = x.u32[i] ^ 0x80000000u); break;
    case 227: EACH(4, r.f32[i] = sqrtf(x.f32[i])); break;
    case 228: EACH(4, r.f32[i] = x.f32[i] + y.f32[i]); break;
    case 229: EACH(4, r.f32[i] = x.f32[i] - y.f32[i]); break;
    case 230: EACH(4, r.f32[i] = x.f32[i] * y.f32[i]); break;
    case 231: EACH(4, r.f32[i] = x.f32[i] / y.f32[i]); break;
    case 232: EACH(4, r.f32[i] = f32_min(x.f32[i], y.f32[i])); break;
    case 233: EACH(4, r.f32[i] = f32_max(x.f32[i], y.f32[i])); break;
    case 234: EACH(4, r.f32[i] = f32_pmin(x.f32[i], y.f32[i])); break;
    case 235: EACH(4, r.f32[i] = f32_pmax(x.f32[i], y.f32[i])); break;
    case 236: EACH(2, r.u64[i] = x.u64[i] & 0x7fffffffffffffffull); break;
    case 237: EACH(2, r.u64[i] = x.u64[i] ^ 0x8000000000000000ull); break;
    case 239: EACH(2, r.f64[i] = sqrt(x.f64[i])); break;
    case 240: EACH(2, r.f64[i] = x.f64[i] + y.f64[i]); break;
    case 241: EACH(2, r.f64[i] = x.f64[i] - y.f64[i]); break;
    case 242: EACH(2, r.f64[i] = x.f64[i] * y.f64[i]); break;
    case 243: EACH(2, r.f64[i] = x.f64[i] / y.f64[i]); break;
    case 244: EACH(2, r.f64[i] = f64_min(x.f64[i], y.f64[i])); break;
    case 245: EACH(2, r.f64[i] = f64_max(x.f64[i], y.f64[i])); break;
    case 246: EACH(2, r.f64[i] = f64_pmin(x.f64[i], y.f64[i])); break;
    case 247: EACH(2, r.f64[i] = f64_pmax(x.f64[i], y.f64[i])); break;
    case 248: EACH(4, r.i32[i] = sat_i32(x.f32[i])); break;
    case 249: EACH(4, r.u32[i] = sat_u32(x.f32[i])); break;
    case 250: EACH(4, r.f32[i] = (float)x.i32[i]); break;
    case 251: EACH(4, r.f32[i] = (float)x.u32[i]); break;
    case 252: EACH(2, r.i32[i] = sat_i32(x.f64[i])); r.u64[1] = 0; break;
    case 253: EACH(2, r.u32[i] = sat_u32(x.f64[i])); r.u64[1] = 0; break;
    case 254: EACH(2, r.f64[i] = x.i32[i]); break;
    case 255: EACH(2, r.f64[i] = x.u32[i]); break;
    default: return 0;
    }
    *rp = r;
    return 1;
}

/* splat, extract_lane, replace_lane (15 to 34) */
static void simd_lanes(uint32_t op, v128 *r, const wasm_cell *a, const wasm_cell *b, uint32_t l,
                       wasm_cell *d)
{
    v128 x;

    if (op <= 20) {
        switch (op) {
        case 15: EACH(16, r->u8[i] = (uint8_t)a->u32); break;
        case 16: EACH(8, r->u16[i] = (uint16_t)a->u32); break;
        case 17: case 19: EACH(4, r->u32[i] = a->u32); break;
        default: EACH(2, r->u64[i] = a->u64); break;
        }
        return;
    }
    memcpy(&x, a, 16);
    switch (op) {
    case 21: d->i64 = x.i8[l]; return;
    case 22: d->u64 = x.u8[l]; return;
    case 24: d->i64 = x.i16[l]; return;
    case 25: d->u64 = x.u16[l]; return;
    case 27: case 31: d->u64 = x.u32[l]; return;
    case 29: case 33: d->u64 = x.u64[l]; return;
    }
    *r = x;
    switch (op) {
    case 23: r->u8[l] = (uint8_t)b->u32; break;
    case 26: r->u16[l] = (uint16_t)b->u32; break;
    case 28: case 32: r->u32[l] = b->u32; break;
    default: r->u64[l] = b->u64; break;
    }
}

/* Whether a SIMD operation gives a scalar (the tests and extract_lane). */
static int scalar_result(uint32_t op)
{
    return op == 83 || op == 99 || op == 100 || op == 131 || op == 132 || op == 163 ||
           op == 164 || op == 195 || op == 196 || (op >= 21 && op <= 33 && op != 23 &&
                                                   op != 26 && op != 28 && op != 30 && op != 32);
}

void wasm__simd(uint32_t op, wasm_cell *d, const wasm_cell *a, const wasm_cell *b,
                const wasm_cell *c, uint32_t lane)
{
    v128 r, x, y, z;

    if (op >= 15 && op <= 34) {
        simd_lanes(op, &r, a, b, lane, d);
        if (!scalar_result(op))
            memcpy(d, &r, 16);
        return;
    }
    memcpy(&x, a, 16);
    memcpy(&y, b, 16);
    memcpy(&z, c, 16);
    if (scalar_result(op)) {
        simd_logic(op, &r, &x, &y, &z, d);
        return;
    }
    if (!simd_logic(op, &r, &x, &y, &z, d) && !simd_int(op, &r, &x, &y, b->u32))
        simd_float(op, &r, &x, &y);
    memcpy(d, &r, 16);
}

void wasm__simd_shuffle(wasm_cell *d, const wasm_cell *a, const wasm_cell *b, const uint8_t *lanes)
{
    uint8_t both[32], r[16];

    memcpy(both, a, 16);
    memcpy(both + 16, b, 16);
    EACH(16, r[i] = both[lanes[i] & 31]);
    memcpy(d, r, 16);
}

/* Loads and stores (0 to 11, 84 to 93) at addr + off of memory m. */
wasm_trap_code wasm__simd_mem(uint32_t op, wasm_memory *m, wasm_cell *d, uint64_t addr,
                              uint64_t off, uint32_t lane, const wasm_cell *v)
{
    static const uint8_t size[] = { 16, 8, 8, 8, 8, 8, 8, 1, 2, 4, 8, 16 };
    uint32_t n = op <= 11 ? size[op] : op >= 92 ? (op == 92 ? 4 : 8) : 1u << ((op - 84) & 3);
    uint64_t ea = addr + off;
    v128 r, x;
    uint8_t *p;

    if (ea < addr || ea > m->bytes || m->bytes - ea < n)
        return WASM_TRAP_MEMORY_OOB;
    p = m->data + ea;
    memset(&r, 0, sizeof r);
    switch (op) {
    case 0: memcpy(&r, p, 16); break;
    case 1: EACH(8, r.i16[i] = (int8_t)p[i]); break;
    case 2: EACH(8, r.u16[i] = p[i]); break;
    case 3: memcpy(&x, p, 8); EACH(4, r.i32[i] = x.i16[i]); break;
    case 4: memcpy(&x, p, 8); EACH(4, r.u32[i] = x.u16[i]); break;
    case 5: memcpy(&x, p, 8); EACH(2, r.i64[i] = x.i32[i]); break;
    case 6: memcpy(&x, p, 8); EACH(2, r.u64[i] = x.u32[i]); break;
    case 7: EACH(16, r.u8[i] = p[0]); break;
    case 8: memcpy(&x, p, 2); EACH(8, r.u16[i] = x.u16[0]); break;
    case 9: memcpy(&x, p, 4); EACH(4, r.u32[i] = x.u32[0]); break;
    case 10: memcpy(&x, p, 8); EACH(2, r.u64[i] = x.u64[0]); break;
    case 11: memcpy(p, v, 16); return WASM_OK;
    case 92: case 93: memcpy(&r, p, n); break;
    default:
        memcpy(&x, v, 16);
        if (op >= 88) { /* store lane */
            memcpy(p, x.u8 + lane * n, n);
            return WASM_OK;
        }
        r = x; /* load lane */
        memcpy(r.u8 + lane * n, p, n);
        break;
    }
    memcpy(d, &r, 16);
    return WASM_OK;
}
