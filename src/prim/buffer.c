/*
 * prim/buffer.c: __primordials.buffer, the C half of Node's Buffer: the
 * codecs (utf8, ucs2/utf16le, latin1, ascii, hex, base64, base64url) and the
 * byte helpers Node's lib/buffer.js takes from internalBinding('buffer'),
 * under Node's names and with Node's calling conventions: the *Slice and
 * *Write functions are methods (`this` is the Uint8Array), the others take
 * the buffer first. See docs/internals.md "Buffer's C half".
 */
#include <pthread.h>
#include <string.h>

#include "prim.h"
#include "core/binding.h"
#include "core/error.h"
#include "core/quickjs_ext.h"
#include "core/utf8.h"

/* Node's encoding numbers (internalBinding('string_decoder').encodings). */
enum { ENC_ASCII, ENC_UTF8, ENC_BASE64, ENC_UCS2, ENC_LATIN1, ENC_HEX, ENC_BUFFER, ENC_BASE64URL };

/* The largest Buffer QuickJS makes (an ArrayBuffer's length is an int). */
#define BUFFER_MAX_LENGTH 0x7fffffff

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char hex_digits[] = "0123456789abcdef";
static uint8_t unbase64_table[256]; /* 0..63, or 255: not of either alphabet */
static uint8_t unhex_table[256];    /* 0..15, or 255 */

static void init_tables(void)
{
    memset(unbase64_table, 255, sizeof unbase64_table);
    memset(unhex_table, 255, sizeof unhex_table);
    for (int i = 0; i < 64; i++) {
        unbase64_table[(uint8_t)b64_std[i]] = i;
        unbase64_table[(uint8_t)b64_url[i]] = i; /* Node reads both alphabets either way */
    }
    for (int i = 0; i < 16; i++) {
        unhex_table[(uint8_t)hex_digits[i]] = i;
        unhex_table[(uint8_t)("0123456789ABCDEF"[i])] = i;
    }
}

/* ------------------------------------------------------------------ */
/* arguments */

static int arg_buffer(JSContext *ctx, JSValueConst v, const char *name, uint8_t **data, size_t *len)
{
    const uint8_t *d;

    if (coro_arg_view(ctx, v, name, &d, len) < 0)
        return -1;
    *data = (uint8_t *)d;
    return 0;
}

/* Node's ParseArrayIndex: undefined is `dflt`, else an integer >= 0 (a
   fraction is cut); negative is a RangeError. */
static int arg_index(JSContext *ctx, JSValueConst v, const char *name, size_t dflt, size_t *out)
{
    double d;

    if (JS_IsUndefined(v)) {
        *out = dflt;
        return 0;
    }
    if (JS_ToFloat64(ctx, &d, v) < 0)
        return -1;
    if (d < 0) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "Index out of range");
        return -1;
    }
    *out = d > (double)SIZE_MAX / 2 ? SIZE_MAX / 2 : d != d ? 0 : (size_t)d;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the codecs: encode (bytes -> text) */

static size_t base64_length(size_t n, int url)
{
    return url ? (n / 3) * 4 + (n % 3 ? n % 3 + 1 : 0) : (n + 2) / 3 * 4;
}

static void base64_encode(const uint8_t *in, size_t n, uint8_t *out, int url)
{
    const char *abc = url ? b64_url : b64_std;
    size_t i = 0;

    for (; i + 3 <= n; i += 3, out += 4) {
        uint32_t w = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[0] = abc[w >> 18];
        out[1] = abc[(w >> 12) & 63];
        out[2] = abc[(w >> 6) & 63];
        out[3] = abc[w & 63];
    }
    if (n - i == 1) {
        out[0] = abc[in[i] >> 2];
        out[1] = abc[(in[i] & 3) << 4];
        if (!url)
            out[2] = out[3] = '=';
    } else if (n - i == 2) {
        out[0] = abc[in[i] >> 2];
        out[1] = abc[(in[i] & 3) << 4 | in[i + 1] >> 4];
        out[2] = abc[(in[i + 1] & 15) << 2];
        if (!url)
            out[3] = '=';
    }
}

static JSValue encode_base64(JSContext *ctx, const uint8_t *in, size_t n, int url)
{
    uint8_t *out;
    JSValue s = coro_qjs_new_string8(ctx, base64_length(n, url), &out);

    if (!JS_IsException(s))
        base64_encode(in, n, out, url);
    return s;
}

static JSValue encode_hex(JSContext *ctx, const uint8_t *in, size_t n)
{
    uint8_t *out;
    JSValue s = n > CORO_QJS_STRING_MAX / 2 ? coro_qjs_new_string8(ctx, SIZE_MAX, &out)
                                            : coro_qjs_new_string8(ctx, n * 2, &out);

    if (JS_IsException(s))
        return s;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_digits[in[i] >> 4];
        out[2 * i + 1] = hex_digits[in[i] & 15];
    }
    return s;
}

static JSValue encode_ascii(JSContext *ctx, const uint8_t *in, size_t n)
{
    uint8_t *out;
    JSValue s = coro_qjs_new_string8(ctx, n, &out);

    if (!JS_IsException(s)) {
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] & 0x7f;
    }
    return s;
}

static JSValue encode_ucs2(JSContext *ctx, const uint8_t *in, size_t n)
{
    size_t units = n / 2;
    uint16_t *tmp;
    JSValue s;

    if (((uintptr_t)in & 1) == 0)
        return coro_qjs_new_utf16(ctx, (const uint16_t *)in, units);
    tmp = js_malloc(ctx, units ? units * 2 : 1); /* an odd offset: aligned copy */
    if (!tmp)
        return JS_EXCEPTION;
    memcpy(tmp, in, units * 2);
    s = coro_qjs_new_utf16(ctx, tmp, units);
    js_free(ctx, tmp);
    return s;
}

/* The length of the ASCII run at the start of in[0..n). */
static size_t ascii_prefix(const uint8_t *in, size_t n)
{
    size_t i = 0;
    uint64_t w;

    for (; i + 8 <= n; i += 8) {
        memcpy(&w, in + i, 8);
        if (w & 0x8080808080808080ull)
            break;
    }
    while (i < n && in[i] < 0x80)
        i++;
    return i;
}

/* Valid UTF-8 to UTF-16 (or Latin-1 when every character fits). */
static JSValue valid_utf8_to_string(JSContext *ctx, const uint8_t *in, size_t n)
{
    size_t units = 0, o = 0;
    int wide = 0;
    uint8_t *out8;
    uint16_t *out16;
    JSValue s;

    for (size_t i = 0; i < n; i++) {
        units += (in[i] & 0xc0) != 0x80;
        units += in[i] >= 0xf0;  /* a pair */
        wide |= in[i] >= 0xc4;   /* a character past U+00FF */
    }
    if (!wide) {
        s = coro_qjs_new_string8(ctx, units, &out8);
        for (size_t i = 0; !JS_IsException(s) && i < n; i++) {
            if (in[i] < 0x80) {
                out8[o++] = in[i];
            } else { /* C2 or C3 and one more byte */
                out8[o++] = (in[i] & 3) << 6 | (in[i + 1] & 63);
                i++;
            }
        }
        return s;
    }
    s = coro_qjs_new_string16(ctx, units, &out16);
    if (JS_IsException(s))
        return s;
    for (size_t i = 0; i < n;) {
        uint32_t b = in[i], cp;
        if (b < 0x80) {
            out16[o++] = b;
            i++;
            continue;
        }
        if (b < 0xe0) {
            cp = (b & 31) << 6 | (in[i + 1] & 63);
            i += 2;
        } else if (b < 0xf0) {
            cp = (b & 15) << 12 | (in[i + 1] & 63) << 6 | (in[i + 2] & 63);
            i += 3;
        } else {
            cp = (b & 7) << 18 | (in[i + 1] & 63) << 12 | (in[i + 2] & 63) << 6 | (in[i + 3] & 63);
            i += 4;
            out16[o++] = 0xd800 + ((cp - 0x10000) >> 10);
            cp = 0xdc00 + (cp & 0x3ff);
        }
        out16[o++] = cp;
    }
    return s;
}

/* UTF-8 bytes to a string, each invalid sequence a U+FFFD (WHATWG). */
static JSValue encode_utf8(JSContext *ctx, const uint8_t *in, size_t n)
{
    size_t errors, start = ascii_prefix(in, n);
    uint8_t *fixed;
    JSValue s;

    if (start == n)
        return coro_qjs_new_latin1(ctx, in, n);
    coro_utf8_scan(in + start, n - start, 0, &errors);
    if (errors == 0)
        return valid_utf8_to_string(ctx, in, n);
    fixed = js_malloc(ctx, n + 2 * errors);
    if (!fixed)
        return JS_EXCEPTION;
    s = valid_utf8_to_string(ctx, fixed, coro_utf8_repair(in, n, fixed));
    js_free(ctx, fixed);
    return s;
}

static JSValue encode(JSContext *ctx, int enc, const uint8_t *in, size_t n)
{
    switch (enc) {
    case ENC_UTF8:
        return encode_utf8(ctx, in, n);
    case ENC_UCS2:
        return encode_ucs2(ctx, in, n);
    case ENC_LATIN1:
        return coro_qjs_new_latin1(ctx, in, n);
    case ENC_ASCII:
        return encode_ascii(ctx, in, n);
    case ENC_HEX:
        return encode_hex(ctx, in, n);
    default:
        return encode_base64(ctx, in, n, enc == ENC_BASE64URL);
    }
}

/* ------------------------------------------------------------------ */
/* the codecs: decode (text -> bytes), at most `cap` bytes */

/* Node's lenient base64 (either alphabet): characters of neither alphabet
   are skipped, the first '=' ends the data. A fast path takes whole
   groups of four valid characters. */
static size_t base64_decode(const coro_qjs_chars *c, uint8_t *out, size_t cap)
{
    size_t i = 0, o = 0, n = c->len;
    uint32_t acc = 0;
    int have = 0;

    if (!c->wide) {
        const uint8_t *s = c->p8;
        for (; i + 4 <= n && o + 3 <= cap; i += 4, o += 3) {
            uint32_t a = unbase64_table[s[i]], b = unbase64_table[s[i + 1]];
            uint32_t d = unbase64_table[s[i + 2]], e = unbase64_table[s[i + 3]];
            if ((a | b | d | e) > 63)
                break;
            uint32_t w = a << 18 | b << 12 | d << 6 | e;
            out[o] = w >> 16;
            out[o + 1] = w >> 8;
            out[o + 2] = w;
        }
    }
    for (; i < n && o < cap; i++) {
        unsigned ch = c->wide ? c->p16[i] : c->p8[i];
        uint8_t v = ch < 256 ? unbase64_table[ch] : 255;
        if (ch == '=')
            break;
        if (v > 63)
            continue;
        acc = acc << 6 | v;
        if (++have == 4) {
            out[o++] = acc >> 16;
            if (o < cap)
                out[o++] = acc >> 8;
            if (o < cap)
                out[o++] = acc;
            acc = 0;
            have = 0;
        }
    }
    if (have >= 2 && o < cap)
        out[o++] = acc >> (have == 2 ? 4 : 10);
    if (have == 3 && o < cap)
        out[o++] = acc >> 2;
    return o;
}

/* Pairs of hex digits up to the first that is not one (Node's rule). */
static size_t hex_decode(const coro_qjs_chars *c, uint8_t *out, size_t cap)
{
    size_t o = 0;

    for (; o < cap && 2 * o + 1 < c->len; o++) {
        unsigned h = c->wide ? c->p16[2 * o] : c->p8[2 * o];
        unsigned l = c->wide ? c->p16[2 * o + 1] : c->p8[2 * o + 1];
        uint8_t a = h < 256 ? unhex_table[h] : 255, b = l < 256 ? unhex_table[l] : 255;
        if ((a | b) > 15)
            break;
        out[o] = a << 4 | b;
    }
    return o;
}

static size_t latin1_decode(const coro_qjs_chars *c, uint8_t *out, size_t cap)
{
    size_t n = c->len < cap ? c->len : cap;

    if (!c->wide) {
        memcpy(out, c->p8, n);
    } else {
        for (size_t i = 0; i < n; i++)
            out[i] = (uint8_t)c->p16[i];
    }
    return n;
}

static size_t ucs2_decode(const coro_qjs_chars *c, uint8_t *out, size_t cap)
{
    size_t n = c->len < cap / 2 ? c->len : cap / 2;

    for (size_t i = 0; i < n; i++) {
        uint16_t u = c->wide ? c->p16[i] : c->p8[i];
        out[2 * i] = (uint8_t)u;
        out[2 * i + 1] = u >> 8;
    }
    return 2 * n;
}

/* The code point at c[*i] (a lone surrogate becomes U+FFFD), moving *i. */
static uint32_t next_code_point(const coro_qjs_chars *c, size_t *i)
{
    uint32_t u = c->wide ? c->p16[*i] : c->p8[*i];

    (*i)++;
    if (u < 0xd800 || u > 0xdfff)
        return u;
    if (u <= 0xdbff && *i < c->len && c->p16[*i] >= 0xdc00 && c->p16[*i] <= 0xdfff)
        return 0x10000 + ((u - 0xd800) << 10) + (c->p16[(*i)++] - 0xdc00);
    return 0xfffd;
}

static int utf8_put(uint32_t cp, uint8_t *o)
{
    if (cp < 0x80) {
        o[0] = cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = 0xc0 | cp >> 6;
        o[1] = 0x80 | (cp & 63);
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = 0xe0 | cp >> 12;
        o[1] = 0x80 | ((cp >> 6) & 63);
        o[2] = 0x80 | (cp & 63);
        return 3;
    }
    o[0] = 0xf0 | cp >> 18;
    o[1] = 0x80 | ((cp >> 12) & 63);
    o[2] = 0x80 | ((cp >> 6) & 63);
    o[3] = 0x80 | (cp & 63);
    return 4;
}

/* Whole characters only, as many as fit (Node's rule for write()). ASCII
   runs are copied by a tight loop; the rest a character at a time. */
static size_t utf8_decode(const coro_qjs_chars *c, uint8_t *out, size_t cap)
{
    size_t i = 0, o = 0, n = c->len;
    uint8_t tmp[4];

    if (!c->wide) {
        const uint8_t *s = c->p8;
        for (; i < n; i++) {
            if (s[i] < 0x80) {
                if (o == cap)
                    break;
                out[o++] = s[i];
            } else {
                if (o + 2 > cap)
                    break;
                out[o++] = 0xc0 | s[i] >> 6;
                out[o++] = 0x80 | (s[i] & 63);
            }
        }
        return o;
    }
    while (i < n) {
        const uint16_t *s = c->p16;
        while (i < n && o < cap && s[i] < 0x80)
            out[o++] = (uint8_t)s[i++];
        if (i == n || o == cap)
            break;
        size_t at = i;
        int k = utf8_put(next_code_point(c, &i), tmp);
        if (o + k > cap) {
            i = at;
            break;
        }
        memcpy(out + o, tmp, k);
        o += k;
    }
    return o;
}

static size_t utf8_length(const coro_qjs_chars *c)
{
    size_t i = 0, n = c->len, bytes = n;

    if (!c->wide) {
        for (; i < n; i++)
            bytes += c->p8[i] >> 7;
        return bytes;
    }
    while (i < n) {
        uint16_t u = c->p16[i++];
        if (u < 0x80)
            continue;
        if (u < 0x800) {
            bytes += 1;
        } else if (u >= 0xd800 && u <= 0xdbff && i < n && c->p16[i] >= 0xdc00 && c->p16[i] <= 0xdfff) {
            bytes += 2; /* a pair: 4 bytes for 2 units */
            i++;
        } else {
            bytes += 2; /* 3 bytes, a lone surrogate's U+FFFD too */
        }
    }
    return bytes;
}

static size_t decode(int enc, const coro_qjs_chars *c, uint8_t *out, size_t cap)
{
    switch (enc) {
    case ENC_UTF8:
        return utf8_decode(c, out, cap);
    case ENC_UCS2:
        return ucs2_decode(c, out, cap);
    case ENC_HEX:
        return hex_decode(c, out, cap);
    case ENC_BASE64:
    case ENC_BASE64URL:
        return base64_decode(c, out, cap);
    default: /* latin1, ascii */
        return latin1_decode(c, out, cap);
    }
}

/* The bytes string s makes in encoding enc, in a new js_malloc buffer
   (*out; NULL for none). -1 with an exception. */
/* The most bytes string c makes in encoding enc (exact but for hex and
   base64, whose invalid input stops early). */
static size_t decode_cap(int enc, const coro_qjs_chars *c)
{
    return enc == ENC_UTF8 ? utf8_length(c) : enc == ENC_UCS2 ? c->len * 2
         : enc == ENC_HEX ? c->len / 2 : enc == ENC_BASE64 || enc == ENC_BASE64URL ? c->len / 4 * 3 + 3
         : c->len;
}

static int decode_all(JSContext *ctx, int enc, const coro_qjs_chars *c, uint8_t **out, size_t *len)
{
    size_t cap = decode_cap(enc, c);

    *out = NULL;
    *len = 0;
    if (cap == 0)
        return 0;
    *out = js_malloc(ctx, cap);
    if (!*out)
        return -1;
    *len = decode(enc, c, *out, cap);
    return 0;
}

/* ------------------------------------------------------------------ */
/* buf.<enc>Slice(start, end) and buf.<enc>Write(string, offset, length) */

static JSValue js_buffer_slice(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv, int enc)
{
    uint8_t *data;
    size_t len, start, end;

    if (arg_buffer(ctx, this_val, "this", &data, &len) < 0)
        return JS_EXCEPTION;
    if (len == 0)
        return JS_NewStringLen(ctx, "", 0);
    if (arg_index(ctx, argv[0], "start", 0, &start) < 0 || arg_index(ctx, argv[1], "end", len, &end) < 0 ||
        arg_buffer(ctx, this_val, "this", &data, &len) < 0) /* valueOf may have detached it */
        return JS_EXCEPTION;
    if (end < start)
        end = start;
    if (end > len)
        return coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "Index out of range");
    return encode(ctx, enc, data + start, end - start);
}

static JSValue js_buffer_write(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv, int enc)
{
    uint8_t *data;
    size_t len, offset, max;
    coro_qjs_chars c;
    JSValue s;

    if (arg_buffer(ctx, this_val, "this", &data, &len) < 0)
        return JS_EXCEPTION;
    if (!JS_IsString(argv[0]))
        return coro_throw_arg_type(ctx, "argument", "of type string", argv[0]);
    if (arg_index(ctx, argv[1], "offset", 0, &offset) < 0)
        return JS_EXCEPTION;
    if (offset > len)
        return coro_throw_code(ctx, "ERR_BUFFER_OUT_OF_BOUNDS", "\"offset\" is outside of buffer bounds");
    if (arg_index(ctx, argv[2], "length", len - offset, &max) < 0)
        return JS_EXCEPTION;
    if (arg_buffer(ctx, this_val, "this", &data, &len) < 0) /* valueOf may have detached it */
        return JS_EXCEPTION;
    if (offset > len)
        offset = len;
    if (max > len - offset)
        max = len - offset;
    if (max == 0)
        return JS_NewInt32(ctx, 0);
    s = coro_qjs_string_chars(ctx, argv[0], &c);
    if (JS_IsException(s))
        return s;
    /* the string is read after the arguments: no JS runs in between */
    max = decode(enc, &c, data + offset, max);
    JS_FreeValue(ctx, s);
    return JS_NewInt64(ctx, (int64_t)max);
}

/* ------------------------------------------------------------------ */
/* the helpers */

static JSValue js_buffer_byte_length_utf8(JSContext *ctx, JSValueConst this_val, int argc,
                                          JSValueConst *argv)
{
    coro_qjs_chars c;
    JSValue s;
    size_t n;

    if (!JS_IsString(argv[0]))
        return coro_throw_arg_type(ctx, "string", "of type string", argv[0]);
    s = coro_qjs_string_chars(ctx, argv[0], &c);
    if (JS_IsException(s))
        return s;
    n = utf8_length(&c);
    JS_FreeValue(ctx, s);
    return JS_NewInt64(ctx, (int64_t)n);
}

static int compare_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int r = n ? memcmp(a, b, n) : 0;

    if (r == 0)
        return alen < blen ? -1 : alen > blen ? 1 : 0;
    return r < 0 ? -1 : 1;
}

/* compare(a, b) -> -1, 0 or 1 */
static JSValue js_buffer_compare(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *a, *b;
    size_t alen, blen;

    if (arg_buffer(ctx, argv[0], "buf1", &a, &alen) < 0 || arg_buffer(ctx, argv[1], "buf2", &b, &blen) < 0)
        return JS_EXCEPTION;
    return JS_NewInt32(ctx, compare_bytes(a, alen, b, blen));
}

/* compareOffset(source, target, targetStart, sourceStart, targetEnd, sourceEnd) */
static JSValue js_buffer_compare_offset(JSContext *ctx, JSValueConst this_val, int argc,
                                        JSValueConst *argv)
{
    uint8_t *src, *dst;
    size_t slen, dlen, ts, ss, te, se;

    if (arg_buffer(ctx, argv[0], "source", &src, &slen) < 0 ||
        arg_buffer(ctx, argv[1], "target", &dst, &dlen) < 0 ||
        arg_index(ctx, argv[2], "targetStart", 0, &ts) < 0 || arg_index(ctx, argv[3], "sourceStart", 0, &ss) < 0 ||
        arg_index(ctx, argv[4], "targetEnd", dlen, &te) < 0 || arg_index(ctx, argv[5], "sourceEnd", slen, &se) < 0 ||
        arg_buffer(ctx, argv[0], "source", &src, &slen) < 0 || arg_buffer(ctx, argv[1], "target", &dst, &dlen) < 0)
        return JS_EXCEPTION;
    if (ss > slen)
        return coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "The value of \"sourceStart\" is out of range.");
    if (ts > dlen)
        return coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "The value of \"targetStart\" is out of range.");
    se = se > slen ? slen : se < ss ? ss : se;
    te = te > dlen ? dlen : te < ts ? ts : te;
    return JS_NewInt32(ctx, compare_bytes(src + ss, se - ss, dst + ts, te - ts));
}

/* copy(source, target, targetStart, sourceStart, count) -> bytes copied */
static JSValue js_buffer_copy(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *src, *dst;
    size_t slen, dlen, ts, ss, n;

    if (arg_buffer(ctx, argv[0], "source", &src, &slen) < 0 ||
        arg_buffer(ctx, argv[1], "target", &dst, &dlen) < 0 ||
        arg_index(ctx, argv[2], "targetStart", 0, &ts) < 0 || arg_index(ctx, argv[3], "sourceStart", 0, &ss) < 0 ||
        arg_index(ctx, argv[4], "count", slen, &n) < 0 ||
        arg_buffer(ctx, argv[0], "source", &src, &slen) < 0 || arg_buffer(ctx, argv[1], "target", &dst, &dlen) < 0)
        return JS_EXCEPTION;
    if (ts >= dlen || ss >= slen)
        return JS_NewInt32(ctx, 0);
    n = n < slen - ss ? n : slen - ss;
    n = n < dlen - ts ? n : dlen - ts;
    memmove(dst + ts, src + ss, n);
    return JS_NewInt64(ctx, (int64_t)n);
}

/* Node's names of the encodings (ParseEncoding), lower-cased. */
static const struct { const char *name; int enc; } encoding_names[] = {
    { "utf8", ENC_UTF8 }, { "utf-8", ENC_UTF8 }, { "ucs2", ENC_UCS2 }, { "ucs-2", ENC_UCS2 },
    { "utf16le", ENC_UCS2 }, { "utf-16le", ENC_UCS2 }, { "latin1", ENC_LATIN1 }, { "binary", ENC_LATIN1 },
    { "ascii", ENC_ASCII }, { "hex", ENC_HEX }, { "base64", ENC_BASE64 }, { "base64url", ENC_BASE64URL },
    { "buffer", ENC_UTF8 },
};

static int encoding_by_name(JSContext *ctx, JSValueConst v, int *enc)
{
    char lower[16];
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, v);

    if (!s)
        return -1;
    for (size_t i = 0; len < sizeof lower && i <= len; i++)
        lower[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
    for (size_t i = 0; len < sizeof lower && i < sizeof encoding_names / sizeof encoding_names[0]; i++) {
        if (strcmp(lower, encoding_names[i].name) == 0) {
            *enc = encoding_names[i].enc;
            JS_FreeCString(ctx, s);
            return 0;
        }
    }
    coro_throw_code(ctx, "ERR_UNKNOWN_ENCODING", "Unknown encoding: %.*s", (int)(len < 64 ? len : 64), s);
    JS_FreeCString(ctx, s);
    return -1;
}

/* An encoding: Node's number (encodingsMap, as indexOf* get it) or name
   (as fill gets it); undefined is utf8. */
static int arg_encoding(JSContext *ctx, JSValueConst v, int *enc)
{
    int32_t e;

    if (JS_IsUndefined(v)) {
        *enc = ENC_UTF8;
        return 0;
    }
    if (JS_IsString(v))
        return encoding_by_name(ctx, v, enc);
    if (JS_ToInt32(ctx, &e, v) < 0)
        return -1;
    if (e < ENC_ASCII || e > ENC_BASE64URL) {
        coro_throw_arg_range(ctx, "encoding", "an encoding number from 0 to 7", v);
        return -1;
    }
    *enc = e == ENC_BUFFER ? ENC_UTF8 : e;
    return 0;
}

/* The bytes of a fill or search value: a string in `enc` (new buffer in
   *owned) or a buffer's bytes in place. */
static int value_bytes(JSContext *ctx, JSValueConst v, int enc, const uint8_t **p, size_t *n, uint8_t **owned)
{
    coro_qjs_chars c;
    JSValue s;
    int ret;

    *owned = NULL;
    if (!JS_IsString(v))
        return coro_arg_view(ctx, v, "value", p, n);
    s = coro_qjs_string_chars(ctx, v, &c);
    if (JS_IsException(s))
        return -1;
    ret = decode_all(ctx, enc, &c, owned, n);
    JS_FreeValue(ctx, s);
    *p = *owned;
    return ret;
}

/* fill(buf, value, start, end, encoding) -> undefined; -1 when a string
   value makes no bytes, -2 when start/end are outside buf (Node's codes). */
static JSValue js_buffer_fill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *data, *owned = NULL;
    const uint8_t *p;
    size_t len, start, end, n;
    int enc = ENC_UTF8;

    if (arg_buffer(ctx, argv[0], "buf", &data, &len) < 0 ||
        arg_index(ctx, argv[2], "start", 0, &start) < 0 || arg_index(ctx, argv[3], "end", len, &end) < 0)
        return JS_EXCEPTION;
    if (start > end || end > len)
        return JS_NewInt32(ctx, -2);
    if (JS_IsString(argv[1])) {
        if (arg_encoding(ctx, argv[4], &enc) < 0)
            return JS_EXCEPTION;
    } else if (!coro_qjs_bytes(argv[1], &n)) { /* a number, or what is not a buffer: as one (Node) */
        uint32_t byte;
        if (JS_ToUint32(ctx, &byte, argv[1]) < 0)
            return JS_EXCEPTION;
        memset(data + start, byte & 255, end - start);
        return JS_UNDEFINED;
    }
    if (value_bytes(ctx, argv[1], enc, &p, &n, &owned) < 0)
        return JS_EXCEPTION;
    if (n == 0) {
        js_free(ctx, owned);
        return JS_NewInt32(ctx, -1);
    }
    if (arg_buffer(ctx, argv[0], "buf", &data, &len) < 0 || end > len) { /* JS may have run */
        js_free(ctx, owned);
        return JS_EXCEPTION;
    }
    for (size_t at = start; at < end; at += n)
        memmove(data + at, p, end - at < n ? end - at : n);
    js_free(ctx, owned);
    return JS_UNDEFINED;
}

/* Where needle first (forward) or last (backward) starts in hay, from
   byte `from` on (or back), -1 if nowhere; `step` 2 keeps UCS-2 units
   aligned. */
static int64_t search(const uint8_t *hay, size_t hlen, const uint8_t *needle, size_t nlen,
                      int64_t from, int forward, int step)
{
    if (nlen == 0 || nlen > hlen)
        return -1;
    if (forward) {
        for (int64_t i = from < 0 ? 0 : from; i + (int64_t)nlen <= (int64_t)hlen; i++) {
            const uint8_t *at = memchr(hay + i, needle[0], hlen - nlen - i + 1);
            if (!at)
                return -1;
            i = at - hay;
            if (i % step == 0 && memcmp(at, needle, nlen) == 0)
                return i;
        }
        return -1;
    }
    for (int64_t i = from > (int64_t)(hlen - nlen) ? (int64_t)(hlen - nlen) : from; i >= 0; i--) {
        if (i % step == 0 && hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
            return i;
    }
    return -1;
}

/* Node's byteOffset rule: negative counts from the end; an offset past the
   end finds nothing forward and starts at the end backward. */
static int search_start(JSContext *ctx, JSValueConst v, size_t len, int forward, int64_t *from)
{
    double d;

    if (JS_ToFloat64(ctx, &d, v) < 0)
        return -1;
    if (d != d)
        d = forward ? 0 : (double)len;
    if (d < 0)
        d += (double)len;
    if (d < 0)
        d = forward ? 0 : -1;
    *from = d > (double)len ? (int64_t)len + (forward ? 1 : 0) : (int64_t)d;
    return 0;
}

/* indexOfString(buf, string, byteOffset, encoding, forward) and
   indexOfBuffer(buf, value, byteOffset, encoding, forward) -> index or -1 */
static JSValue js_buffer_index_of(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *data, *owned;
    const uint8_t *p;
    size_t len, n;
    int64_t from, at;
    int enc, forward = JS_ToBool(ctx, argv[4]);

    if (arg_buffer(ctx, argv[0], "buffer", &data, &len) < 0 || arg_encoding(ctx, argv[3], &enc) < 0 ||
        search_start(ctx, argv[2], len, forward, &from) < 0)
        return JS_EXCEPTION;
    if (value_bytes(ctx, argv[1], enc, &p, &n, &owned) < 0 ||
        arg_buffer(ctx, argv[0], "buffer", &data, &len) < 0) {
        js_free(ctx, owned);
        return JS_EXCEPTION;
    }
    if (n == 0) /* an empty value is found where the search starts, as Node */
        at = from > (int64_t)len ? (int64_t)len : from;
    else
        at = search(data, len, p, n, from, forward, enc == ENC_UCS2 ? 2 : 1);
    js_free(ctx, owned);
    return JS_NewInt64(ctx, at);
}

/* indexOfNumber(buf, byte, byteOffset, forward) */
static JSValue js_buffer_index_of_number(JSContext *ctx, JSValueConst this_val, int argc,
                                         JSValueConst *argv)
{
    uint8_t *data;
    size_t len;
    uint32_t byte;
    int64_t from;
    int forward = JS_ToBool(ctx, argv[3]);
    uint8_t needle;

    if (arg_buffer(ctx, argv[0], "buffer", &data, &len) < 0 || JS_ToUint32(ctx, &byte, argv[1]) < 0 ||
        search_start(ctx, argv[2], len, forward, &from) < 0 ||
        arg_buffer(ctx, argv[0], "buffer", &data, &len) < 0)
        return JS_EXCEPTION;
    needle = (uint8_t)byte;
    return JS_NewInt64(ctx, search(data, len, &needle, 1, from, forward, 1));
}

/* swap16/32/64(buf): reverse each group of 2, 4 or 8 bytes in place */
static JSValue js_buffer_swap(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int size)
{
    uint8_t *data, t;
    size_t len;

    if (arg_buffer(ctx, argv[0], "buffer", &data, &len) < 0)
        return JS_EXCEPTION;
    if (len % size)
        return coro_throw_code(ctx, "ERR_INVALID_BUFFER_SIZE", "Buffer size must be a multiple of %d-bits", size * 8);
    for (size_t i = 0; i < len; i += size) {
        for (int a = 0, b = size - 1; a < b; a++, b--) {
            t = data[i + a];
            data[i + a] = data[i + b];
            data[i + b] = t;
        }
    }
    return JS_DupValue(ctx, argv[0]);
}

/* The bytes isUtf8/isAscii check: a detached buffer is ERR_INVALID_STATE,
   as in Node (a detached view has no bytes, not zero of them). */
static int arg_checked_bytes(JSContext *ctx, JSValueConst v, uint8_t **data, size_t *len)
{
    if (coro_qjs_is_detached(v)) {
        coro_throw_code(ctx, "ERR_INVALID_STATE", "Cannot validate on a detached buffer");
        return -1;
    }
    return arg_buffer(ctx, v, "input", data, len);
}

static JSValue js_buffer_is_utf8(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *data;
    size_t len, errors;

    if (arg_checked_bytes(ctx, argv[0], &data, &len) < 0)
        return JS_EXCEPTION;
    return JS_NewBool(ctx, coro_utf8_scan(data, len, 0, &errors) == len && errors == 0);
}

static JSValue js_buffer_is_ascii(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *data, any = 0;
    size_t len;

    if (arg_checked_bytes(ctx, argv[0], &data, &len) < 0)
        return JS_EXCEPTION;
    for (size_t i = 0; i < len; i++)
        any |= data[i];
    return JS_NewBool(ctx, any < 0x80);
}

/* encode(bytes, encoding) -> string; decode(string, encoding) -> Uint8Array:
   the codecs for callers that hold no Buffer (string_decoder, atob). */
static JSValue js_buffer_encode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *data;
    size_t len;
    int enc;

    if (arg_buffer(ctx, argv[0], "buffer", &data, &len) < 0 || arg_encoding(ctx, argv[1], &enc) < 0)
        return JS_EXCEPTION;
    return encode(ctx, enc, data, len);
}

static JSValue js_buffer_decode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_qjs_chars c;
    uint8_t *out;
    size_t len;
    JSValue s;
    int enc, ret;

    if (!JS_IsString(argv[0]))
        return coro_throw_arg_type(ctx, "string", "of type string", argv[0]);
    if (arg_encoding(ctx, argv[1], &enc) < 0)
        return JS_EXCEPTION;
    s = coro_qjs_string_chars(ctx, argv[0], &c);
    if (JS_IsException(s))
        return s;
    ret = decode_all(ctx, enc, &c, &out, &len);
    JS_FreeValue(ctx, s);
    if (ret < 0)
        return JS_EXCEPTION;
    if (!out && !(out = js_malloc(ctx, 1)))
        return JS_EXCEPTION;
    return coro_new_uint8array(ctx, out, len);
}

/* The length of chunks (an array), or -1 with an exception. */
static int64_t array_length(JSContext *ctx, JSValueConst a)
{
    JSValue len;
    int64_t n;
    int st;

    if (!JS_IsArray(ctx, a)) {
        coro_throw_arg_type(ctx, "chunks", "an instance of Array", a);
        return -1;
    }
    len = JS_GetPropertyStr(ctx, a, "length");
    st = JS_ToInt64(ctx, &n, len);
    JS_FreeValue(ctx, len);
    return st < 0 ? -1 : n;
}

/* Chunk i of Node's writev list: its bytes (a buffer in place, or a string
   in its encoding into out, at most cap bytes) and their count, or -1. With
   out NULL, the most bytes it can make. */
static int64_t gather_chunk(JSContext *ctx, JSValueConst chunks, int all_buffers, uint32_t i,
                            uint8_t *out, size_t cap)
{
    JSValue v = JS_GetPropertyUint32(ctx, chunks, all_buffers ? i : 2 * i), s, e;
    const uint8_t *p;
    coro_qjs_chars c;
    size_t n;
    int enc, st;

    if (!JS_IsString(v)) {
        st = coro_arg_view(ctx, v, "chunk", &p, &n);
        JS_FreeValue(ctx, v);
        if (st < 0)
            return -1;
        if (out)
            memcpy(out, p, n < cap ? n : cap);
        return (int64_t)n;
    }
    e = JS_GetPropertyUint32(ctx, chunks, 2 * i + 1);
    st = encoding_by_name(ctx, e, &enc);
    JS_FreeValue(ctx, e);
    s = st < 0 ? JS_EXCEPTION : coro_qjs_string_chars(ctx, v, &c);
    JS_FreeValue(ctx, v);
    if (JS_IsException(s))
        return -1;
    n = out ? decode(enc, &c, out, cap) : decode_cap(enc, &c);
    JS_FreeValue(ctx, s);
    return (int64_t)n;
}

/* gather(chunks, allBuffers) -> a Uint8Array of all the bytes of Node's
   StreamBase writev list, in one copy: buffers (allBuffers true), or
   [chunk, encoding, ...] pairs whose strings are encoded as Buffer.from
   would. What a stream's writev sends to the kernel in one write. */
static JSValue js_buffer_gather(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int all_buffers = JS_ToBool(ctx, argv[1]);
    int64_t count = array_length(ctx, argv[0]), n;
    size_t cap = 0, len = 0;
    uint8_t *out;

    if (count < 0)
        return JS_EXCEPTION;
    if (!all_buffers)
        count /= 2;
    for (uint32_t i = 0; i < count; i++) {
        if ((n = gather_chunk(ctx, argv[0], all_buffers, i, NULL, 0)) < 0)
            return JS_EXCEPTION;
        cap += (size_t)n;
    }
    if (cap > BUFFER_MAX_LENGTH)
        return coro_throw_code(ctx, "ERR_OUT_OF_RANGE",
                               "The value of \"chunks\" is out of range. It must be at most %d bytes. Received %zu",
                               BUFFER_MAX_LENGTH, cap);
    if (!(out = js_malloc(ctx, cap ? cap : 1)))
        return JS_EXCEPTION;
    for (uint32_t i = 0; i < count; i++) {
        if ((n = gather_chunk(ctx, argv[0], all_buffers, i, out + len, cap - len)) < 0) {
            js_free(ctx, out);
            return JS_EXCEPTION;
        }
        len += (size_t)n < cap - len ? (size_t)n : cap - len;
    }
    return coro_new_uint8array(ctx, out, len);
}

/* detachArrayBuffer(ab): a new ArrayBuffer with ab's memory, ab detached
   (what web streams' transfers of bytes use); undefined for a buffer that
   cannot be moved (shared, detached, pinned by an operation in progress). */
static JSValue js_buffer_detach(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    int marked;
    uint8_t *data;

    if (coro_qjs_is_pinned(argv[0]))
        return JS_UNDEFINED;
    data = coro_qjs_take_array_buffer(ctx, argv[0], &len, &marked);
    return data ? coro_qjs_adopt_array_buffer(ctx, data, len) : JS_UNDEFINED;
}

#define SLICE_WRITE(name, enc)                                                       \
    JS_CFUNC_MAGIC_DEF(name "Slice", 2, js_buffer_slice, enc),                       \
    JS_CFUNC_MAGIC_DEF(name "Write", 3, js_buffer_write, enc)

static const JSCFunctionListEntry buffer_funcs[] = {
    SLICE_WRITE("utf8", ENC_UTF8),
    SLICE_WRITE("ucs2", ENC_UCS2),
    SLICE_WRITE("latin1", ENC_LATIN1),
    SLICE_WRITE("ascii", ENC_ASCII),
    SLICE_WRITE("hex", ENC_HEX),
    SLICE_WRITE("base64", ENC_BASE64),
    SLICE_WRITE("base64url", ENC_BASE64URL),
    JS_CFUNC_DEF("byteLengthUtf8", 1, js_buffer_byte_length_utf8),
    JS_CFUNC_DEF("compare", 2, js_buffer_compare),
    JS_CFUNC_DEF("compareOffset", 6, js_buffer_compare_offset),
    JS_CFUNC_DEF("copy", 5, js_buffer_copy),
    JS_CFUNC_DEF("fill", 5, js_buffer_fill),
    JS_CFUNC_DEF("indexOfString", 5, js_buffer_index_of),
    JS_CFUNC_DEF("indexOfBuffer", 5, js_buffer_index_of),
    JS_CFUNC_DEF("indexOfNumber", 4, js_buffer_index_of_number),
    JS_CFUNC_MAGIC_DEF("swap16", 1, js_buffer_swap, 2),
    JS_CFUNC_MAGIC_DEF("swap32", 1, js_buffer_swap, 4),
    JS_CFUNC_MAGIC_DEF("swap64", 1, js_buffer_swap, 8),
    JS_CFUNC_DEF("isUtf8", 1, js_buffer_is_utf8),
    JS_CFUNC_DEF("isAscii", 1, js_buffer_is_ascii),
    JS_CFUNC_DEF("encode", 2, js_buffer_encode),
    JS_CFUNC_DEF("decode", 2, js_buffer_decode),
    JS_CFUNC_DEF("gather", 2, js_buffer_gather),
    JS_CFUNC_DEF("detachArrayBuffer", 1, js_buffer_detach),
    JS_PROP_INT32_DEF("kMaxLength", BUFFER_MAX_LENGTH, 0),
    JS_PROP_INT32_DEF("kStringMaxLength", CORO_QJS_STRING_MAX, 0),
};

int coro_prim_buffer_init(JSContext *ctx, JSValueConst ns)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, init_tables);
    JS_SetPropertyFunctionList(ctx, ns, buffer_funcs, sizeof buffer_funcs / sizeof buffer_funcs[0]);
    return 0;
}
