/*
 * utf8.h: UTF-8 as the WHATWG Encoding standard defines it, for TextDecoder,
 * TextEncoder and every API that turns bytes into strings (socket.read()).
 */
#ifndef COROJS_UTF8_H
#define COROJS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Check in[0..n) as UTF-8. Returns the number of bytes that form complete
   sequences or errors; with `stream`, a valid but unfinished sequence at
   the end is left out (the caller keeps it for the next chunk). *errors
   counts the invalid sequences, each of which decodes to one U+FFFD. */
size_t coro_utf8_scan(const uint8_t *in, size_t n, int stream, size_t *errors);

/* Copy in[0..n) to out, replacing each invalid sequence by U+FFFD (EF BF BD).
   out must hold n + 2 * errors bytes, errors as coro_utf8_scan counted
   them; returns the length written. */
size_t coro_utf8_repair(const uint8_t *in, size_t n, uint8_t *out);

/* QuickJS writes a lone UTF-16 surrogate as a 3-byte sequence (ED A0..BF xx).
   Whether buf holds one, and replace each by U+FFFD in place (same length). */
int coro_utf8_has_surrogates(const uint8_t *buf, size_t n);
void coro_utf8_fix_surrogates(uint8_t *buf, size_t n);

#endif
