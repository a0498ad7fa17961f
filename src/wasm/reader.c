/*
 * reader.c: reading the binary format: bytes, LEB128 integers (with the
 * spec's rules for their length and spare bits), sticky errors that name
 * the byte offset.
 */
#include <stdio.h>

#include "internal.h"

void wasm__fail(wasm_reader *r, const char *fmt, ...)
{
    va_list ap;

    if (r->failed)
        return;
    r->failed = 1;
    r->err->offset = wasm__offset(r);
    va_start(ap, fmt);
    vsnprintf(r->err->msg, sizeof r->err->msg, fmt, ap);
    va_end(ap);
    r->p = r->end;
}

static int need(wasm_reader *r, size_t n)
{
    if (r->failed)
        return 0;
    if ((size_t)(r->end - r->p) < n) {
        wasm__fail(r, "unexpected end: expected %zu more byte%s", n, n == 1 ? "" : "s");
        return 0;
    }
    return 1;
}

uint8_t wasm__u8(wasm_reader *r)
{
    return need(r, 1) ? *r->p++ : 0;
}

/* LEB128 of at most `bits` bits; the spare bits of the last byte must be
   zero (unsigned) or copies of the sign (signed). */
static uint64_t leb(wasm_reader *r, unsigned bits, int is_signed)
{
    const uint8_t *start = r->p;
    uint64_t v = 0;
    unsigned shift = 0, maxbytes = (bits + 6) / 7;

    for (unsigned i = 0;; i++) {
        if (!need(r, 1)) {
            wasm__fail(r, "unexpected end: expected a LEB128 integer");
            return 0;
        }
        uint8_t b = *r->p++;
        if (i == maxbytes - 1) {
            if (b & 0x80) {
                r->p = start; /* errors name where the integer starts */
                wasm__fail(r, "integer representation too long");
                return 0;
            }
            unsigned used = bits - shift; /* value bits in this byte */
            uint8_t rest = (uint8_t)(b >> used) & (uint8_t)(0x7f >> used);
            if (is_signed) {
                uint8_t sign = (b >> (used - 1)) & 1;
                if (rest != (sign ? (0x7f >> used) : 0)) {
                    r->p = start;
                    wasm__fail(r, "integer too large");
                    return 0;
                }
            } else if (rest) {
                r->p = start;
                wasm__fail(r, "integer too large");
                return 0;
            }
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (is_signed && shift < 64 && (b & 0x40))
                v |= ~(uint64_t)0 << shift;
            return v;
        }
    }
}

uint32_t wasm__u32(wasm_reader *r) { return (uint32_t)leb(r, 32, 0); }
int32_t wasm__s32(wasm_reader *r) { return (int32_t)leb(r, 32, 1); }
uint64_t wasm__u64(wasm_reader *r) { return leb(r, 64, 0); }
int64_t wasm__s64(wasm_reader *r) { return (int64_t)leb(r, 64, 1); }
int64_t wasm__s33(wasm_reader *r) { return (int64_t)leb(r, 33, 1); }

uint32_t wasm__fixed32(wasm_reader *r)
{
    uint32_t v = 0;

    if (need(r, 4)) {
        memcpy(&v, r->p, 4);
        r->p += 4;
    }
    return v;
}

uint64_t wasm__fixed64(wasm_reader *r)
{
    uint64_t v = 0;

    if (need(r, 8)) {
        memcpy(&v, r->p, 8);
        r->p += 8;
    }
    return v;
}

const uint8_t *wasm__bytes(wasm_reader *r, uint32_t n)
{
    const uint8_t *p = r->p;

    if (!need(r, n))
        return NULL;
    r->p += n;
    return p;
}
