/*
 * compile_simd.c: validation and translation of the 128-bit SIMD
 * instructions (prefix 0xfd). Each becomes one SIMD instruction naming its
 * operation for simd.c; loads and stores of memory 0 get their own.
 */
#include "compile.h"

#define V WASM_V128
#define I32 WASM_I32
#define I64 WASM_I64
#define F32 WASM_F32
#define F64 WASM_F64

enum {
    S_BAD, S_LOAD, S_STORE, S_LOAD_LANE, S_STORE_LANE, S_CONST, S_SHUFFLE, S_SPLAT,
    S_EXTRACT, S_REPLACE, S_UN, S_BIN, S_TER, S_TEST, S_SHIFT,
};

/* The shape of operation op; *scalar is its scalar operand or result type,
   *n the bytes a memory access takes or the lanes of a lane access. */
static int shape(uint32_t op, uint8_t *scalar, uint32_t *n)
{
    static const uint8_t load_size[] = { 16, 8, 8, 8, 8, 8, 8, 1, 2, 4, 8 };
    static const uint8_t splat_type[] = { I32, I32, I32, I64, F32, F64 };
    /* extract_lane and replace_lane, 21 to 34: lanes and scalar type */
    static const uint8_t lane_count[] = { 16, 16, 16, 8, 8, 8, 4, 4, 2, 2, 4, 4, 2, 2 };
    static const uint8_t lane_type[] = { I32, I32, I32, I32, I32, I32, I32, I32, I64, I64,
                                         F32, F32, F64, F64 };
    /* 94 to 255: U unary, B binary, T test, S shift, - none */
    static const char kinds[] =
        "UU" "UUUTTBBUUUUSSSBBBBBBUUBBBBUBUUUUUUBTTBBUUUUSSSBBBBBBUBBBBB-BBBBB"
        "UU-TT--UUUUSSSB--B---BBBBBB-BBBB" "UU-TT--UUUUSSSB--B---BBBBBBBBBBB"
        "UU-UBBBBBBBB" "UU-UBBBBBBBB" "UUUUUUUU";

    *scalar = 0;
    *n = 0;
    if (op <= 10) { *n = load_size[op]; return S_LOAD; }
    if (op == 11) { *n = 16; return S_STORE; }
    if (op == 12) return S_CONST;
    if (op == 13) return S_SHUFFLE;
    if (op == 14) return S_BIN;
    if (op <= 20) { *scalar = splat_type[op - 15]; return S_SPLAT; }
    if (op <= 34) {
        *n = lane_count[op - 21];
        *scalar = lane_type[op - 21];
        return op == 23 || op == 26 || op == 28 || op == 30 || op == 32 || op == 34 ? S_REPLACE
                                                                                     : S_EXTRACT;
    }
    if (op <= 76) return S_BIN;
    if (op == 77) return S_UN;
    if (op <= 81) return S_BIN;
    if (op == 82) return S_TER;
    if (op == 83) return S_TEST;
    if (op <= 91) {
        *n = 1u << ((op - 84) & 3);
        return op <= 87 ? S_LOAD_LANE : S_STORE_LANE;
    }
    if (op <= 93) { *n = op == 92 ? 4 : 8; return S_LOAD; }
    if (op > 255)
        return S_BAD;
    switch (kinds[op - 94]) {
    case 'U': return S_UN;
    case 'B': return S_BIN;
    case 'T': return S_TEST;
    case 'S': return S_SHIFT;
    default: return S_BAD;
    }
}

static int fail(wasm_compiler *c, const char *what, uint32_t op)
{
    wasm__fail(c->r, "%s (0xfd %u)", what, op);
    return -1;
}

static uint32_t read_lane(wasm_compiler *c, uint32_t lanes, uint32_t op)
{
    uint8_t l = wasm__u8(c->r);

    if (!c->r->failed && l >= lanes)
        fail(c, "invalid lane index", op);
    return l;
}

/* A compute operation: operands a, b, c (0 when absent). */
static void emit_simd(wasm_compiler *c, uint32_t op, uint16_t d, uint16_t a, uint16_t b,
                      uint16_t x, uint32_t lane)
{
    size_t pos = wasm__emit(c, OP_SIMD, 24);

    wasm__put16(c, pos + 8, d);
    wasm__put16(c, pos + 10, a);
    wasm__put16(c, pos + 12, b);
    wasm__put16(c, pos + 14, x);
    wasm__put32(c, pos + 16, op);
    wasm__put32(c, pos + 20, lane);
    c->last_dst = pos + 8;
}

static int memory_op(wasm_compiler *c, uint32_t op, int kind, uint32_t size, uint32_t lanes)
{
    uint32_t mem, lane = 0;
    uint64_t off;
    cval addr, v = { 0 };
    uint16_t d = 0, sa, sv = 0;
    size_t pos;
    int store = kind == S_STORE || kind == S_STORE_LANE;

    if (wasm__memarg(c, size, &mem, &off) < 0)
        return -1;
    if (kind == S_LOAD_LANE || kind == S_STORE_LANE)
        lane = read_lane(c, lanes, op);
    uint8_t at = c->m->mems[mem].is64 ? I64 : I32;
    if (c->r->failed || (kind != S_LOAD && wasm__pop(c, V, &v) < 0) || wasm__pop(c, at, &addr) < 0)
        return -1;
    if (!store)
        d = wasm__push(c, V);
    sa = wasm__src(c, &addr);
    if (kind != S_LOAD)
        sv = wasm__src(c, &v);
    if (mem == 0 && !c->m->mems[0].is64 && (op == 0 || op == 11)) {
        pos = wasm__emit(c, op == 0 ? OP_V128_LOAD : OP_V128_STORE, 16);
        wasm__put16(c, pos + 8, store ? sa : d);
        wasm__put16(c, pos + 10, store ? sv : sa);
        wasm__put32(c, pos + 12, (uint32_t)off);
    } else {
        pos = wasm__emit(c, OP_SIMD_MEM, 32);
        wasm__put16(c, pos + 8, d);
        wasm__put16(c, pos + 10, sa);
        wasm__put16(c, pos + 12, sv);
        wasm__put16(c, pos + 14, (uint16_t)op);
        wasm__put64(c, pos + 16, off);
        wasm__put32(c, pos + 24, mem);
        wasm__put32(c, pos + 28, lane);
    }
    if (!store)
        c->last_dst = pos + 8;
    return 0;
}

int wasm__compile_simd(wasm_compiler *c)
{
    uint32_t op = wasm__u32(c->r), n;
    uint8_t scalar;
    cval a, b, x;
    uint16_t d;
    size_t pos;
    int kind = shape(op, &scalar, &n);

    if (c->r->failed)
        return -1;
    switch (kind) {
    case S_LOAD: case S_STORE: case S_LOAD_LANE: case S_STORE_LANE:
        return memory_op(c, op, kind, kind == S_LOAD_LANE || kind == S_STORE_LANE ? n : n,
                         16 / (n ? n : 1));
    case S_CONST: {
        const uint8_t *k = wasm__bytes(c->r, 16);
        uint64_t lo, hi;
        if (!k)
            return -1;
        memcpy(&lo, k, 8);
        memcpy(&hi, k + 8, 8);
        d = wasm__push(c, V);
        pos = wasm__emit(c, OP_CONST128, 32);
        wasm__put16(c, pos + 8, d);
        wasm__put64(c, pos + 16, lo);
        wasm__put64(c, pos + 24, hi);
        c->last_dst = pos + 8;
        return 0;
    }
    case S_SHUFFLE: {
        const uint8_t *lanes = wasm__bytes(c->r, 16);
        if (!lanes)
            return -1;
        for (int i = 0; i < 16; i++) {
            if (lanes[i] >= 32)
                return fail(c, "invalid lane index", op);
        }
        if (wasm__pop(c, V, &b) < 0 || wasm__pop(c, V, &a) < 0)
            return -1;
        d = wasm__push(c, V);
        pos = wasm__emit(c, OP_SIMD_SHUFFLE, 32);
        wasm__put16(c, pos + 8, d);
        wasm__put16(c, pos + 10, a.slot);
        wasm__put16(c, pos + 12, b.slot);
        memcpy(c->code + pos + 16, lanes, 16);
        c->last_dst = pos + 8;
        return 0;
    }
    case S_SPLAT:
        if (wasm__pop(c, scalar, &a) < 0)
            return -1;
        d = wasm__push(c, V);
        emit_simd(c, op, d, wasm__src(c, &a), 0, 0, 0);
        return 0;
    case S_EXTRACT: {
        uint32_t lane = read_lane(c, n, op);
        if (c->r->failed || wasm__pop(c, V, &a) < 0)
            return -1;
        d = wasm__push(c, scalar);
        emit_simd(c, op, d, a.slot, 0, 0, lane);
        return 0;
    }
    case S_REPLACE: {
        uint32_t lane = read_lane(c, n, op);
        if (c->r->failed || wasm__pop(c, scalar, &b) < 0 || wasm__pop(c, V, &a) < 0)
            return -1;
        d = wasm__push(c, V);
        uint16_t sb = wasm__src(c, &b);
        emit_simd(c, op, d, a.slot, sb, 0, lane);
        return 0;
    }
    case S_UN: case S_TEST:
        if (wasm__pop(c, V, &a) < 0)
            return -1;
        d = wasm__push(c, kind == S_TEST ? I32 : V);
        emit_simd(c, op, d, a.slot, 0, 0, 0);
        return 0;
    case S_BIN: case S_SHIFT:
        if (wasm__pop(c, kind == S_SHIFT ? I32 : V, &b) < 0 || wasm__pop(c, V, &a) < 0)
            return -1;
        d = wasm__push(c, V);
        {
            uint16_t sb = wasm__src(c, &b);
            emit_simd(c, op, d, a.slot, sb, 0, 0);
        }
        return 0;
    case S_TER:
        if (wasm__pop(c, V, &x) < 0 || wasm__pop(c, V, &b) < 0 || wasm__pop(c, V, &a) < 0)
            return -1;
        d = wasm__push(c, V);
        emit_simd(c, op, d, a.slot, b.slot, x.slot, 0);
        return 0;
    }
    return fail(c, "illegal opcode", op);
}
