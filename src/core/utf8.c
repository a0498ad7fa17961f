/*
 * utf8.c: the WHATWG UTF-8 decoder's error handling ("maximal subparts": each
 * invalid sequence is one U+FFFD, and the byte that broke it starts afresh),
 * written as a scanner over bytes so the common, valid case never copies.
 */
#include <string.h>
#include "utf8.h"

/* Classify the sequence that starts at in[i]:
     > 0  valid and complete: that many bytes
     0    invalid: its first *len bytes are one error (one U+FFFD)
     -1   valid so far but cut off by the end of the buffer */
static int sequence(const uint8_t *in, size_t n, size_t i, size_t *len)
{
    uint8_t c = in[i], lo = 0x80, hi = 0xBF;
    int need;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *len = 1;
        return 0;
    }
    for (int k = 1; k <= need; k++) {
        if (i + (size_t)k >= n)
            return -1;
        uint8_t b = in[i + (size_t)k];
        if (b < lo || b > hi) {
            *len = (size_t)k;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

size_t coro_utf8_scan(const uint8_t *in, size_t n, int stream, size_t *errors)
{
    size_t i = 0, bad;

    *errors = 0;
    while (i < n) {
        if (in[i] < 0x80) {
            i++;
            continue;
        }
        int r = sequence(in, n, i, &bad);
        if (r > 0) {
            i += (size_t)r;
        } else if (r < 0) {
            if (stream)
                return i;
            (*errors)++;
            return n; /* an unfinished sequence at the very end is one error */
        } else {
            (*errors)++;
            i += bad;
        }
    }
    return n;
}

size_t coro_utf8_repair(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t i = 0, o = 0, bad;

    while (i < n) {
        int r = sequence(in, n, i, &bad);
        if (r > 0) {
            memcpy(out + o, in + i, (size_t)r);
            o += (size_t)r;
            i += (size_t)r;
            continue;
        }
        out[o++] = 0xEF;
        out[o++] = 0xBF;
        out[o++] = 0xBD;
        i = r < 0 ? n : i + bad;
    }
    return o;
}

int coro_utf8_has_surrogates(const uint8_t *buf, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (buf[i] == 0xED && buf[i + 1] >= 0xA0)
            return 1;
    }
    return 0;
}

void coro_utf8_fix_surrogates(uint8_t *buf, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (buf[i] == 0xED && buf[i + 1] >= 0xA0) {
            buf[i] = 0xEF;
            buf[i + 1] = 0xBF;
            buf[i + 2] = 0xBD;
            i += 2;
        }
    }
}
