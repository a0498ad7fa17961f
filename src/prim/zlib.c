/*
 * prim/zlib.c: __primordials.zlib, the compression streams under Node's
 * internalBinding('zlib') (lib/node/bindings/zlib.js), on Debian's zlib and
 * brotli (both linked statically, as OpenSSL is: no start-up cost for
 * programs that never compress).
 *
 * A stream is a native object (class ZlibStream) in one of Node's modes
 * (DEFLATE ... UNZIP, BROTLI_DECODE, BROTLI_ENCODE). Node's lib/zlib.js
 * drives it with write(flush, in, inOff, inLen, out, outOff, outLen): one
 * call of deflate/inflate/Brotli*Stream over the caller's buffers, after
 * which state[0] is the room left in `out` and state[1] the input left
 * (Node's writeState Uint32Array). A failure is returned, not thrown:
 * [message, errno, code] as node_zlib.cc hands it to handle.onerror
 * ("unexpected end of file", Z_BUF_ERROR ...), since Node's lib turns it
 * into the stream's 'error'.
 *
 * writeSync works in place. write parks the calling fiber while a
 * compressor's work runs on libuv's pool (in one of the isolate's slots of
 * it), both buffers pinned meanwhile; the stream is `busy` then: a close
 * waits for the work to end (close_pending), anything else that would touch
 * the stream throws. A decompressor's write works in place (see js_zlib_write).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <libdeflate.h>
#include <brotli/decode.h>
#include <brotli/encode.h>

#include "prim.h"
#include "core/binding.h"
#include "core/quickjs_ext.h"
#include "core/run.h"
#include "core/wait.h"

/* Node's modes, in its numbering (node_zlib.cc's node_zlib_mode). */
enum { NONE, DEFLATE, INFLATE, GZIP, GUNZIP, DEFLATERAW, INFLATERAW, UNZIP, BROTLI_DECODE, BROTLI_ENCODE };

#define GZIP_HEADER_ID1 0x1f
#define GZIP_HEADER_ID2 0x8b

typedef struct zstream {
    int mode;           /* NONE once closed */
    int ready;          /* init succeeded: writes may come */
    int busy;           /* a write runs on the pool */
    int close_pending;  /* closed while busy: end it when the work is done */
    int flush;
    int err;            /* zlib: the last status */
    int gzip_id_bytes;  /* UNZIP: how much of the gzip magic was seen */
    uint8_t *dict;
    size_t dict_len;
    z_stream strm;
    /* one-shot compression (whole_level 0: not for this stream's settings) */
    int whole_level;
    uint8_t *whole;     /* the compressed stream, handed out from whole_off */
    size_t whole_len, whole_off;
    /* Brotli: the state, the buffers of the current write, the last result */
    BrotliEncoderState *enc;
    BrotliDecoderState *dec;
    const uint8_t *next_in;
    uint8_t *next_out;
    size_t avail_in, avail_out;
    int brotli_ok;                     /* encoder: the last call succeeded */
    BrotliDecoderResult brotli_result; /* decoder */
    BrotliDecoderErrorCode brotli_error;
    char brotli_code[64];              /* "ERR_" + the decoder's error name */
} zstream;

/* What a failure says (node_zlib.cc's CompressionError); message NULL = none. */
typedef struct zerror {
    const char *message, *code;
    int err;
} zerror;

static JSClassID zstream_class;

static int is_brotli(int mode)
{
    return mode == BROTLI_DECODE || mode == BROTLI_ENCODE;
}

static int is_deflate(int mode)
{
    return mode == DEFLATE || mode == GZIP || mode == DEFLATERAW;
}

/* ------------------------------------------------------------------ */
/* zlib */

static const char *zlib_code(int err)
{
    switch (err) {
    case Z_OK: return "Z_OK";
    case Z_STREAM_END: return "Z_STREAM_END";
    case Z_NEED_DICT: return "Z_NEED_DICT";
    case Z_ERRNO: return "Z_ERRNO";
    case Z_STREAM_ERROR: return "Z_STREAM_ERROR";
    case Z_DATA_ERROR: return "Z_DATA_ERROR";
    case Z_MEM_ERROR: return "Z_MEM_ERROR";
    case Z_BUF_ERROR: return "Z_BUF_ERROR";
    case Z_VERSION_ERROR: return "Z_VERSION_ERROR";
    default: return "Z_UNKNOWN_ERROR";
    }
}

/* The error of zlib's last status, zlib's own message first. */
static zerror zlib_error(const zstream *z, const char *message)
{
    return (zerror){ z->strm.msg ? z->strm.msg : message, zlib_code(z->err), z->err };
}

/* Whether the last status is a failure, as node_zlib.cc judges it. */
static zerror zlib_status(const zstream *z)
{
    switch (z->err) {
    case Z_OK:
    case Z_BUF_ERROR:
        if (z->strm.avail_out != 0 && z->flush == Z_FINISH)
            return zlib_error(z, "unexpected end of file");
        return (zerror){ 0 };
    case Z_STREAM_END:
        return (zerror){ 0 };
    case Z_NEED_DICT:
        return zlib_error(z, z->dict ? "Bad dictionary" : "Missing dictionary");
    default:
        return zlib_error(z, "Zlib error");
    }
}

/* Give the dictionary to a deflater now; a raw inflater too (the others ask
   for it with Z_NEED_DICT). */
static zerror zlib_set_dictionary(zstream *z)
{
    z->err = Z_OK;
    if (!z->dict)
        return (zerror){ 0 };
    if (z->mode == DEFLATE || z->mode == DEFLATERAW)
        z->err = deflateSetDictionary(&z->strm, z->dict, (uInt)z->dict_len);
    else if (z->mode == INFLATERAW)
        z->err = inflateSetDictionary(&z->strm, z->dict, (uInt)z->dict_len);
    return z->err == Z_OK ? (zerror){ 0 } : zlib_error(z, "Failed to set dictionary");
}

static zerror zlib_init(zstream *z, int window_bits, int level, int mem_level, int strategy)
{
    if (z->mode == GZIP || z->mode == GUNZIP)
        window_bits += 16;
    else if (z->mode == UNZIP)
        window_bits += 32;
    else if (z->mode == DEFLATERAW || z->mode == INFLATERAW)
        window_bits = -window_bits;
    if (is_deflate(z->mode))
        z->err = deflateInit2(&z->strm, level, Z_DEFLATED, window_bits, mem_level, strategy);
    else
        z->err = inflateInit2(&z->strm, window_bits);
    if (is_deflate(z->mode) && abs(window_bits) % 16 == 15 && strategy == Z_DEFAULT_STRATEGY &&
        !z->dict && level != 0)
        z->whole_level = level < 0 ? 6 : level; /* zlib's Z_DEFAULT_COMPRESSION */
    if (z->err != Z_OK) {
        zerror e = zlib_error(z, "Init error");
        z->mode = NONE;
        return e;
    }
    return zlib_set_dictionary(z);
}

/* One-shot: compress all of the input with libdeflate into z->whole, which
   takes it all (avail_in 0). Without memory for it, nothing changes (zlib
   does the work), nor if libdeflate fails. The gzip header's XFL and OS
   bytes are made as zlib makes them (libdeflate says "unknown system"); the
   rest is the same format. */
static void whole_compress(zstream *z)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(z->whole_level);
    size_t n = z->strm.avail_in, bound, len;

    if (!c)
        return;
    bound = z->mode == GZIP ? libdeflate_gzip_compress_bound(c, n)
          : z->mode == DEFLATE ? libdeflate_zlib_compress_bound(c, n)
          : libdeflate_deflate_compress_bound(c, n);
    z->whole = malloc(bound);
    if (!z->whole) {
        libdeflate_free_compressor(c);
        return;
    }
    len = z->mode == GZIP ? libdeflate_gzip_compress(c, z->strm.next_in, n, z->whole, bound)
        : z->mode == DEFLATE ? libdeflate_zlib_compress(c, z->strm.next_in, n, z->whole, bound)
        : libdeflate_deflate_compress(c, z->strm.next_in, n, z->whole, bound);
    libdeflate_free_compressor(c);
    if (len == 0) {
        /* it did not fit the bound (never seen): zlib does the work */
        free(z->whole);
        z->whole = NULL;
        return;
    }
    if (z->mode == GZIP) {
        z->whole[8] = z->whole_level == 9 ? 2 : z->whole_level < 2 ? 4 : 0;
        z->whole[9] = 3; /* Unix, zlib's OS_CODE */
    }
    z->whole_len = len;
    z->whole_off = 0;
    z->strm.next_in += n;
    z->strm.avail_in = 0;
    z->strm.total_in += n;
}

/* Hand out what is left of z->whole into `out`, with deflate's status: what
   deflate says of a finished stream once it is all out. */
static void whole_hand_out(zstream *z)
{
    size_t n = z->whole_len - z->whole_off;

    if (n > z->strm.avail_out)
        n = z->strm.avail_out;
    if (n > 0)
        memcpy(z->strm.next_out, z->whole + z->whole_off, n);
    z->whole_off += n;
    z->strm.next_out += n;
    z->strm.avail_out -= (uInt)n;
    z->strm.total_out += n;
    z->strm.msg = NULL;
    if (z->whole_off < z->whole_len)
        z->err = Z_OK;
    else if (z->strm.avail_in == 0 && z->flush == Z_FINISH)
        z->err = Z_STREAM_END;
    else
        z->err = Z_BUF_ERROR;
    if (z->err == Z_BUF_ERROR && z->strm.avail_in > 0)
        z->strm.msg = (char *)"buffer error"; /* zlib's words for more input after the end */
}

/* Below this, zlib is as quick (libdeflate's set-up costs more) and, on a
   few dozen bytes, smaller. */
#define WHOLE_MIN_INPUT 4096

static void zlib_deflate(zstream *z)
{
    if (!z->whole && z->whole_level && z->flush == Z_FINISH && z->strm.avail_in >= WHOLE_MIN_INPUT &&
        z->strm.total_in == 0 && z->strm.total_out == 0)
        whole_compress(z);
    if (z->whole)
        whole_hand_out(z);
    else
        z->err = deflate(&z->strm, z->flush);
}

static void whole_free(zstream *z)
{
    free(z->whole);
    z->whole = NULL;
    z->whole_len = z->whole_off = 0;
}

static zerror zlib_reset(zstream *z)
{
    z->err = Z_OK;
    whole_free(z);
    if (is_deflate(z->mode))
        z->err = deflateReset(&z->strm);
    else if (z->mode != UNZIP)
        z->err = inflateReset(&z->strm);
    if (z->err != Z_OK)
        return zlib_error(z, "Failed to reset stream");
    return zlib_set_dictionary(z);
}

/* UNZIP: look at the first two bytes; gzip's magic makes it GUNZIP, anything
   else INFLATE (zlib's header). The bytes may come one write at a time. */
static void unzip_detect(zstream *z)
{
    const Bytef *p = z->strm.next_in;
    uInt n = z->strm.avail_in;

    if (z->gzip_id_bytes == 0 && n > 0) {
        if (*p != GZIP_HEADER_ID1) {
            z->mode = INFLATE;
            return;
        }
        z->gzip_id_bytes = 1;
        p++;
        n--;
    }
    if (z->gzip_id_bytes == 1 && n > 0) {
        z->gzip_id_bytes = 2;
        z->mode = *p == GZIP_HEADER_ID2 ? GUNZIP : INFLATE;
    }
}

static void zlib_inflate(zstream *z)
{
    if (z->mode == UNZIP)
        unzip_detect(z);
    z->err = inflate(&z->strm, z->flush);
    if (z->mode != INFLATERAW && z->err == Z_NEED_DICT && z->dict) {
        z->err = inflateSetDictionary(&z->strm, z->dict, (uInt)z->dict_len);
        if (z->err == Z_OK)
            z->err = inflate(&z->strm, z->flush);
        else if (z->err == Z_DATA_ERROR)
            z->err = Z_NEED_DICT; /* a bad dictionary, not bad input */
    }
    /* More input after a gzip member: another member (gzip(1) concatenates
       them), unless it is zero padding. */
    while (z->strm.avail_in > 0 && z->mode == GUNZIP && z->err == Z_STREAM_END &&
           z->strm.next_in[0] != 0) {
        zlib_reset(z);
        z->err = inflate(&z->strm, z->flush);
    }
}

/* ------------------------------------------------------------------ */
/* brotli */

static zerror brotli_init(zstream *z)
{
    if (z->mode == BROTLI_ENCODE)
        z->enc = BrotliEncoderCreateInstance(NULL, NULL, NULL);
    else
        z->dec = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    z->brotli_ok = 1;
    z->brotli_result = BROTLI_DECODER_RESULT_SUCCESS;
    z->brotli_error = BROTLI_DECODER_NO_ERROR;
    if (!z->enc && !z->dec)
        return (zerror){ "Could not initialize Brotli instance", "ERR_ZLIB_INITIALIZATION_FAILED", -1 };
    return (zerror){ 0 };
}

static void brotli_end(zstream *z)
{
    if (z->enc)
        BrotliEncoderDestroyInstance(z->enc);
    if (z->dec)
        BrotliDecoderDestroyInstance(z->dec);
    z->enc = NULL;
    z->dec = NULL;
}

static zerror brotli_set_param(zstream *z, int key, uint32_t value)
{
    int ok = z->enc ? BrotliEncoderSetParameter(z->enc, (BrotliEncoderParameter)key, value)
                    : BrotliDecoderSetParameter(z->dec, (BrotliDecoderParameter)key, value);
    if (!ok)
        return (zerror){ "Setting parameter failed", "ERR_BROTLI_PARAM_SET_FAILED", -1 };
    return (zerror){ 0 };
}

/* Node's code for a decoder error is "ERR_" and the name brotli 1.1 gives
   it ("_ERROR_FORMAT_PADDING_1"); brotli 1.0 (Debian 12's) leaves out the
   part before the name ("PADDING_1"): put it back. */
static const char *brotli_error_prefix(BrotliDecoderErrorCode e)
{
    const char *name = BrotliDecoderErrorString(e);

    if (name[0] == '_')
        return "";
    if (e >= BROTLI_DECODER_ERROR_FORMAT_DISTANCE && e <= BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_NIBBLE)
        return "_ERROR_FORMAT_";
    if (e >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES && e <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES)
        return "_ERROR_ALLOC_";
    return e < 0 ? "_ERROR_" : "";
}

static void brotli_process(zstream *z)
{
    if (z->enc) {
        z->brotli_ok = BrotliEncoderCompressStream(z->enc, (BrotliEncoderOperation)z->flush,
                                                   &z->avail_in, &z->next_in,
                                                   &z->avail_out, &z->next_out, NULL);
        return;
    }
    z->brotli_result = BrotliDecoderDecompressStream(z->dec, &z->avail_in, &z->next_in,
                                                     &z->avail_out, &z->next_out, NULL);
    if (z->brotli_result == BROTLI_DECODER_RESULT_ERROR) {
        z->brotli_error = BrotliDecoderGetErrorCode(z->dec);
        snprintf(z->brotli_code, sizeof z->brotli_code, "ERR_%s%s",
                 brotli_error_prefix(z->brotli_error), BrotliDecoderErrorString(z->brotli_error));
    }
}

static zerror brotli_status(const zstream *z)
{
    if (z->enc && !z->brotli_ok)
        return (zerror){ "Compression failed", "ERR_BROTLI_COMPRESSION_FAILED", -1 };
    if (z->dec && z->brotli_error != BROTLI_DECODER_NO_ERROR)
        return (zerror){ "Decompression failed", z->brotli_code, (int)z->brotli_error };
    if (z->dec && z->flush == BROTLI_OPERATION_FINISH &&
        z->brotli_result == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
        return (zerror){ "unexpected end of file", "Z_BUF_ERROR", Z_BUF_ERROR }; /* as zlib says it */
    return (zerror){ 0 };
}

/* ------------------------------------------------------------------ */
/* one stream */

/* The work of one write (on the pool for write, in place for writeSync). */
static void zstream_process(zstream *z)
{
    if (is_brotli(z->mode))
        brotli_process(z);
    else if (is_deflate(z->mode))
        zlib_deflate(z);
    else
        zlib_inflate(z);
}

static void zstream_set_buffers(zstream *z, const uint8_t *in, uint32_t in_len,
                                uint8_t *out, uint32_t out_len)
{
    if (is_brotli(z->mode)) {
        z->next_in = in;
        z->avail_in = in_len;
        z->next_out = out;
        z->avail_out = out_len;
    } else {
        z->strm.next_in = (Bytef *)in;
        z->strm.avail_in = in_len;
        z->strm.next_out = out;
        z->strm.avail_out = out_len;
    }
}

/* After a write: state[0] = room left in out, state[1] = input left (two
   uint32s, however the caller's array is aligned). */
static void zstream_write_state(const zstream *z, uint8_t *state)
{
    const uint32_t v[2] = {
        is_brotli(z->mode) ? (uint32_t)z->avail_out : z->strm.avail_out,
        is_brotli(z->mode) ? (uint32_t)z->avail_in : z->strm.avail_in,
    };

    memcpy(state, v, sizeof v);
}

static zerror zstream_status(const zstream *z)
{
    return is_brotli(z->mode) ? brotli_status(z) : zlib_status(z);
}

static void zstream_end(zstream *z)
{
    if (is_brotli(z->mode))
        brotli_end(z);
    else if (is_deflate(z->mode))
        deflateEnd(&z->strm);
    else if (z->mode != NONE)
        inflateEnd(&z->strm);
    z->mode = NONE;
    free(z->dict);
    z->dict = NULL;
    whole_free(z);
}

static void zstream_finalizer(JSRuntime *rt, JSValue val)
{
    zstream *z = JS_GetOpaque(val, zstream_class);

    /* never busy: the fiber of a write holds the object until it is done */
    if (z) {
        zstream_end(z);
        free(z);
    }
}

/* The stream `this` names: NULL with an exception if none, closed or busy. */
static zstream *zstream_arg(JSContext *ctx, JSValueConst v)
{
    zstream *z = JS_GetOpaque(v, zstream_class);

    if (!z) {
        coro_throw_arg_type(ctx, "handle", "a zlib stream", v);
        return NULL;
    }
    if (z->busy) {
        coro_throw_code(ctx, "ERR_INVALID_STATE", "Invalid state: a write is in progress");
        return NULL;
    }
    if (z->mode == NONE) {
        coro_throw_code(ctx, "ERR_INVALID_STATE", "Invalid state: the zlib stream is closed");
        return NULL;
    }
    return z;
}

/* [message, errno, code], or undefined for no error. */
static JSValue error_value(JSContext *ctx, zerror e)
{
    JSValue a;

    if (!e.message)
        return JS_UNDEFINED;
    a = JS_NewArray(ctx);
    if (JS_IsException(a))
        return a;
    JS_SetPropertyUint32(ctx, a, 0, JS_NewString(ctx, e.message));
    JS_SetPropertyUint32(ctx, a, 1, JS_NewInt32(ctx, e.err));
    JS_SetPropertyUint32(ctx, a, 2, JS_NewString(ctx, e.code));
    return a;
}

/* ------------------------------------------------------------------ */
/* bindings */

/* create(mode) -> a stream of that mode, not yet initialised. */
static JSValue js_zlib_create(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t mode;
    zstream *z;
    JSValue obj;

    if (coro_arg_integer(ctx, argv[0], "mode", DEFLATE, BROTLI_ENCODE, &mode) < 0)
        return JS_EXCEPTION;
    obj = JS_NewObjectClass(ctx, zstream_class);
    if (JS_IsException(obj))
        return obj;
    z = calloc(1, sizeof *z);
    if (!z) {
        JS_FreeValue(ctx, obj);
        return JS_ThrowOutOfMemory(ctx);
    }
    z->mode = (int)mode;
    JS_SetOpaque(obj, z);
    return obj;
}

/* init(stream, windowBits, level, memLevel, strategy, dictionary?) -> error
   or undefined. Node's lib has checked the ranges; zlib checks them again. */
static JSValue js_zlib_init(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    zstream *z = zstream_arg(ctx, argv[0]);
    int64_t wb, level, mem, strategy;
    const uint8_t *d;
    size_t n;
    zerror e;

    if (!z)
        return JS_EXCEPTION;
    if (is_brotli(z->mode))
        return coro_throw_arg_type(ctx, "handle", "a zlib stream", argv[0]);
    if (z->ready)
        return coro_throw_code(ctx, "ERR_INVALID_STATE", "Invalid state: already initialised");
    if (coro_arg_integer(ctx, argv[1], "windowBits", 0, 15, &wb) < 0 ||
        coro_arg_integer(ctx, argv[2], "level", -1, 9, &level) < 0 ||
        coro_arg_integer(ctx, argv[3], "memLevel", 1, 9, &mem) < 0 ||
        coro_arg_integer(ctx, argv[4], "strategy", 0, 4, &strategy) < 0)
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[5])) {
        if (coro_arg_view(ctx, argv[5], "dictionary", &d, &n) < 0)
            return JS_EXCEPTION;
        if (n > 0) {
            z->dict = malloc(n);
            if (!z->dict)
                return JS_ThrowOutOfMemory(ctx);
            memcpy(z->dict, d, n);
            z->dict_len = n;
        }
    }
    e = zlib_init(z, (int)wb, (int)level, (int)mem, (int)strategy);
    z->ready = !e.message;
    return error_value(ctx, e);
}

/* brotliInit(stream, params: Uint32Array) -> error or undefined; a param of
   0xffffffff is left at its default. */
static JSValue js_zlib_brotli_init(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    zstream *z = zstream_arg(ctx, argv[0]);
    const uint8_t *p;
    size_t n;
    zerror e;

    if (!z)
        return JS_EXCEPTION;
    if (!is_brotli(z->mode))
        return coro_throw_arg_type(ctx, "handle", "a Brotli stream", argv[0]);
    if (z->ready)
        return coro_throw_code(ctx, "ERR_INVALID_STATE", "Invalid state: already initialised");
    if (coro_arg_view(ctx, argv[1], "params", &p, &n) < 0)
        return JS_EXCEPTION;
    e = brotli_init(z);
    for (size_t i = 0; !e.message && i < n / 4; i++) {
        uint32_t v;
        memcpy(&v, p + 4 * i, 4);
        if (v != UINT32_MAX)
            e = brotli_set_param(z, (int)i, v);
    }
    z->ready = !e.message;
    return error_value(ctx, e);
}

/* params(stream, level, strategy) -> error or undefined (deflaters only). */
static JSValue js_zlib_params(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    zstream *z = zstream_arg(ctx, argv[0]);
    int64_t level, strategy;

    if (!z || coro_arg_integer(ctx, argv[1], "level", -1, 9, &level) < 0 ||
        coro_arg_integer(ctx, argv[2], "strategy", 0, 4, &strategy) < 0)
        return JS_EXCEPTION;
    if (z->mode != DEFLATE && z->mode != DEFLATERAW)
        return JS_UNDEFINED;
    z->err = deflateParams(&z->strm, (int)level, (int)strategy);
    if (z->whole_level)
        z->whole_level = strategy != Z_DEFAULT_STRATEGY || level == 0 ? 0 : level < 0 ? 6 : (int)level;
    if (z->err != Z_OK && z->err != Z_BUF_ERROR)
        return error_value(ctx, zlib_error(z, "Failed to set parameters"));
    return JS_UNDEFINED;
}

/* reset(stream) -> error or undefined: as new, same settings. */
static JSValue js_zlib_reset(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    zstream *z = zstream_arg(ctx, argv[0]);

    if (!z)
        return JS_EXCEPTION;
    if (is_brotli(z->mode)) {
        zerror e;
        brotli_end(z);
        e = brotli_init(z);
        z->ready = !e.message;
        return error_value(ctx, e);
    }
    return error_value(ctx, zlib_reset(z));
}

/* close(stream): free zlib's state now, or once the write running ends. */
static JSValue js_zlib_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    zstream *z = JS_GetOpaque(argv[0], zstream_class);

    if (!z)
        return coro_throw_arg_type(ctx, "handle", "a zlib stream", argv[0]);
    if (z->busy)
        z->close_pending = 1;
    else
        zstream_end(z);
    return JS_UNDEFINED;
}

/* One write's arguments: (stream, flush, in|null, inOff, inLen, out, outOff,
   outLen, state). With `pin`, in and out are pinned (released by
   write_args_free), else valid until JS runs again. */
typedef struct write_args {
    zstream *z;
    JSValue in_owner, out_owner;
} write_args;

static int arg_range(JSContext *ctx, JSValueConst off_v, JSValueConst len_v, const char *name,
                     size_t size, uint32_t *off, uint32_t *len)
{
    int64_t o, n;

    if (coro_arg_integer(ctx, off_v, name, 0, UINT32_MAX, &o) < 0 ||
        coro_arg_integer(ctx, len_v, name, 0, UINT32_MAX, &n) < 0)
        return -1;
    if ((uint64_t)o + (uint64_t)n > size) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "The range of \"%s\" is out of the buffer's bounds", name);
        return -1;
    }
    *off = (uint32_t)o;
    *len = (uint32_t)n;
    return 0;
}

static uint8_t *arg_buffer(JSContext *ctx, JSValueConst v, const char *name, int pin,
                           size_t *len, JSValue *owner)
{
    uint8_t *p = pin ? coro_qjs_pin_bytes(ctx, v, len, owner) : coro_qjs_bytes(v, len);

    if (!p)
        coro_throw_arg_type(ctx, name, "an instance of Buffer, TypedArray, or DataView", v);
    return p;
}

static void write_args_free(JSContext *ctx, write_args *w)
{
    if (!JS_IsUndefined(w->in_owner))
        coro_qjs_unpin(ctx, w->in_owner);
    if (!JS_IsUndefined(w->out_owner))
        coro_qjs_unpin(ctx, w->out_owner);
}

static int write_args_read(JSContext *ctx, JSValueConst *argv, int pin, write_args *w)
{
    uint8_t *in = NULL, *out;
    size_t in_size = 0, out_size, state_size;
    uint32_t in_off = 0, in_len = 0, out_off, out_len;
    int64_t flush;

    w->in_owner = w->out_owner = JS_UNDEFINED;
    w->z = zstream_arg(ctx, argv[0]);
    if (!w->z || coro_arg_integer(ctx, argv[1], "flush", 0, 6, &flush) < 0)
        return -1;
    if (!w->z->ready)
        return coro_throw_code(ctx, "ERR_INVALID_STATE", "Invalid state: write before init"), -1;
    if (!coro_qjs_bytes(argv[8], &state_size) || state_size < 8)
        return coro_throw_arg_type(ctx, "state", "a Uint32Array of 2", argv[8]), -1;
    if (!JS_IsNull(argv[2]) && !JS_IsUndefined(argv[2]) &&
        (!(in = arg_buffer(ctx, argv[2], "in", pin, &in_size, &w->in_owner)) ||
         arg_range(ctx, argv[3], argv[4], "in", in_size, &in_off, &in_len) < 0))
        goto fail;
    if (!(out = arg_buffer(ctx, argv[5], "out", pin, &out_size, &w->out_owner)) ||
        arg_range(ctx, argv[6], argv[7], "out", out_size, &out_off, &out_len) < 0)
        goto fail;
    w->z->flush = (int)flush;
    zstream_set_buffers(w->z, in ? in + in_off : NULL, in_len, out + out_off, out_len);
    return 0;
fail:
    write_args_free(ctx, w);
    return -1;
}

/* The result of a write: the state filled in and undefined, or the error.
   The state array is found again: JS may have run since the write began. */
static JSValue write_result(JSContext *ctx, write_args *w, JSValueConst state_v)
{
    zerror e = zstream_status(w->z);
    size_t size;
    uint8_t *state = coro_qjs_bytes(state_v, &size);

    if (!e.message && state && size >= 8)
        zstream_write_state(w->z, state);
    return error_value(ctx, e);
}

static JSValue js_zlib_write_sync(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    write_args w;

    if (write_args_read(ctx, argv, 0, &w) < 0)
        return JS_EXCEPTION;
    zstream_process(w.z);
    return write_result(ctx, &w, argv[8]);
}

typedef struct pooled_write {
    uv_work_t work;
    coro_op op;
    zstream *z;
} pooled_write;

static void pool_work(uv_work_t *work)
{
    zstream_process(((pooled_write *)work)->z);
}

static void pool_done(uv_work_t *work, int status)
{
    coro_op_done(&((pooled_write *)work)->op, status);
}

/* Run w's work on the pool: 0, or -1 with an exception pending. */
static int run_pooled(JSContext *ctx, write_args *w)
{
    pooled_write p = { .z = w->z };
    int r;

    if (coro_pool_take(ctx) < 0)
        return -1;
    coro_op_init(&p.op);
    r = uv_queue_work(coro_loop(), &p.work, pool_work, pool_done);
    if (r == 0)
        r = coro_op_wait(ctx, &p.op);
    coro_pool_give(ctx);
    if (r == CORO_ETERMINATED)
        return -1;
    if (r < 0) {
        coro_throw_uv(ctx, r, "zlib", NULL, NULL);
        return -1;
    }
    return 0;
}

/* write(...): writeSync's work on libuv's pool, parking the calling fiber.
   A decompressor's work is done in place: inflating one chunk of output
   (16 KB by default) takes tens of microseconds, less than the two thread
   hand-offs of the pool, which a loaded machine makes far longer. So is
   handing out a one-shot compression's result (a copy). */
static JSValue js_zlib_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    zstream *z = JS_GetOpaque(argv[0], zstream_class);
    write_args w;
    JSValue ret = JS_EXCEPTION;
    int r;

    if (z && (z->dec || z->mode == INFLATE || z->mode == GUNZIP || z->mode == INFLATERAW ||
              z->mode == UNZIP || z->whole))
        return js_zlib_write_sync(ctx, this_val, argc, argv);
    if (write_args_read(ctx, argv, 1, &w) < 0)
        return JS_EXCEPTION;
    w.z->busy = 1;
    r = run_pooled(ctx, &w);
    w.z->busy = 0;
    if (r == 0)
        ret = write_result(ctx, &w, argv[8]);
    if (w.z->close_pending)
        zstream_end(w.z);
    write_args_free(ctx, &w);
    return ret;
}

/* crc32(data: string | view, value) -> the CRC-32 of data continuing value. */
static JSValue js_zlib_crc32(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t value;
    const uint8_t *p;
    const char *s = NULL;
    size_t n;
    uLong crc;

    if (coro_arg_integer(ctx, argv[1], "value", 0, UINT32_MAX, &value) < 0)
        return JS_EXCEPTION;
    if (JS_IsString(argv[0])) {
        if (!(s = JS_ToCStringLen(ctx, &n, argv[0])))
            return JS_EXCEPTION;
        p = (const uint8_t *)s;
    } else if (coro_arg_view(ctx, argv[0], "data", &p, &n) < 0) {
        return JS_EXCEPTION;
    }
    crc = crc32_z((uLong)value, p, n);
    JS_FreeCString(ctx, s);
    return JS_NewUint32(ctx, (uint32_t)crc);
}

/* ------------------------------------------------------------------ */
/* constants: internalBinding('constants').zlib, in node_zlib.cc's order */

#define Z_MIN_CHUNK 64
#define Z_DEFAULT_CHUNK (16 * 1024)
#define Z_MIN_MEMLEVEL 1
#define Z_MAX_MEMLEVEL 9
#define Z_DEFAULT_MEMLEVEL 8
#define Z_MIN_LEVEL (-1)
#define Z_MAX_LEVEL 9
#define Z_DEFAULT_LEVEL Z_DEFAULT_COMPRESSION
#define Z_MIN_WINDOWBITS 8
#define Z_MAX_WINDOWBITS 15
#define Z_DEFAULT_WINDOWBITS 15

#define C(name) { #name, name }
static const struct { const char *name; int value; } zlib_constants[] = {
    C(Z_NO_FLUSH), C(Z_PARTIAL_FLUSH), C(Z_SYNC_FLUSH), C(Z_FULL_FLUSH), C(Z_FINISH), C(Z_BLOCK),
    C(Z_OK), C(Z_STREAM_END), C(Z_NEED_DICT), C(Z_ERRNO), C(Z_STREAM_ERROR), C(Z_DATA_ERROR),
    C(Z_MEM_ERROR), C(Z_BUF_ERROR), C(Z_VERSION_ERROR),
    C(Z_NO_COMPRESSION), C(Z_BEST_SPEED), C(Z_BEST_COMPRESSION), C(Z_DEFAULT_COMPRESSION),
    C(Z_FILTERED), C(Z_HUFFMAN_ONLY), C(Z_RLE), C(Z_FIXED), C(Z_DEFAULT_STRATEGY), C(ZLIB_VERNUM),
    C(DEFLATE), C(INFLATE), C(GZIP), C(GUNZIP), C(DEFLATERAW), C(INFLATERAW), C(UNZIP),
    C(BROTLI_DECODE), C(BROTLI_ENCODE),
    C(Z_MIN_WINDOWBITS), C(Z_MAX_WINDOWBITS), C(Z_DEFAULT_WINDOWBITS), C(Z_MIN_CHUNK),
    { "Z_MAX_CHUNK", 0 }, /* Infinity, set below */
    C(Z_DEFAULT_CHUNK), C(Z_MIN_MEMLEVEL), C(Z_MAX_MEMLEVEL), C(Z_DEFAULT_MEMLEVEL),
    C(Z_MIN_LEVEL), C(Z_MAX_LEVEL), C(Z_DEFAULT_LEVEL),
    C(BROTLI_OPERATION_PROCESS), C(BROTLI_OPERATION_FLUSH), C(BROTLI_OPERATION_FINISH),
    C(BROTLI_OPERATION_EMIT_METADATA),
    C(BROTLI_PARAM_MODE), C(BROTLI_MODE_GENERIC), C(BROTLI_MODE_TEXT), C(BROTLI_MODE_FONT),
    C(BROTLI_DEFAULT_MODE), C(BROTLI_PARAM_QUALITY), C(BROTLI_MIN_QUALITY), C(BROTLI_MAX_QUALITY),
    C(BROTLI_DEFAULT_QUALITY), C(BROTLI_PARAM_LGWIN), C(BROTLI_MIN_WINDOW_BITS),
    C(BROTLI_MAX_WINDOW_BITS), C(BROTLI_LARGE_MAX_WINDOW_BITS), C(BROTLI_DEFAULT_WINDOW),
    C(BROTLI_PARAM_LGBLOCK), C(BROTLI_MIN_INPUT_BLOCK_BITS), C(BROTLI_MAX_INPUT_BLOCK_BITS),
    C(BROTLI_PARAM_DISABLE_LITERAL_CONTEXT_MODELING), C(BROTLI_PARAM_SIZE_HINT),
    C(BROTLI_PARAM_LARGE_WINDOW), C(BROTLI_PARAM_NPOSTFIX), C(BROTLI_PARAM_NDIRECT),
    C(BROTLI_DECODER_RESULT_ERROR), C(BROTLI_DECODER_RESULT_SUCCESS),
    C(BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT), C(BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT),
    C(BROTLI_DECODER_PARAM_DISABLE_RING_BUFFER_REALLOCATION), C(BROTLI_DECODER_PARAM_LARGE_WINDOW),
    C(BROTLI_DECODER_NO_ERROR), C(BROTLI_DECODER_SUCCESS), C(BROTLI_DECODER_NEEDS_MORE_INPUT),
    C(BROTLI_DECODER_NEEDS_MORE_OUTPUT), C(BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_NIBBLE),
    C(BROTLI_DECODER_ERROR_FORMAT_RESERVED), C(BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_META_NIBBLE),
    C(BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_ALPHABET),
    C(BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_SAME), C(BROTLI_DECODER_ERROR_FORMAT_CL_SPACE),
    C(BROTLI_DECODER_ERROR_FORMAT_HUFFMAN_SPACE), C(BROTLI_DECODER_ERROR_FORMAT_CONTEXT_MAP_REPEAT),
    C(BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_1), C(BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_2),
    C(BROTLI_DECODER_ERROR_FORMAT_TRANSFORM), C(BROTLI_DECODER_ERROR_FORMAT_DICTIONARY),
    C(BROTLI_DECODER_ERROR_FORMAT_WINDOW_BITS), C(BROTLI_DECODER_ERROR_FORMAT_PADDING_1),
    C(BROTLI_DECODER_ERROR_FORMAT_PADDING_2), C(BROTLI_DECODER_ERROR_FORMAT_DISTANCE),
    C(BROTLI_DECODER_ERROR_DICTIONARY_NOT_SET), C(BROTLI_DECODER_ERROR_INVALID_ARGUMENTS),
    C(BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES), C(BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS),
    C(BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP), C(BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1),
    C(BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2), C(BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES),
    C(BROTLI_DECODER_ERROR_UNREACHABLE),
};
#undef C

/* constants() -> a new object of the constants; version() -> zlib's. */
static JSValue js_zlib_constants(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue o = JS_NewObject(ctx);

    for (size_t i = 0; !JS_IsException(o) && i < sizeof zlib_constants / sizeof zlib_constants[0]; i++) {
        JSValue v = strcmp(zlib_constants[i].name, "Z_MAX_CHUNK") == 0
                        ? JS_NewFloat64(ctx, INFINITY) : JS_NewInt32(ctx, zlib_constants[i].value);
        JS_DefinePropertyValueStr(ctx, o, zlib_constants[i].name, v, JS_PROP_ENUMERABLE);
    }
    return o;
}

static JSValue js_zlib_version(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewString(ctx, zlibVersion());
}

static const JSClassDef zstream_def = { "ZlibStream", .finalizer = zstream_finalizer };

static const JSCFunctionListEntry zlib_funcs[] = {
    JS_CFUNC_DEF("create", 1, js_zlib_create),
    JS_CFUNC_DEF("init", 6, js_zlib_init),
    JS_CFUNC_DEF("brotliInit", 2, js_zlib_brotli_init),
    JS_CFUNC_DEF("params", 3, js_zlib_params),
    JS_CFUNC_DEF("reset", 1, js_zlib_reset),
    JS_CFUNC_DEF("close", 1, js_zlib_close),
    JS_CFUNC_DEF("writeSync", 9, js_zlib_write_sync),
    JS_CFUNC_DEF("write", 9, js_zlib_write),
    JS_CFUNC_DEF("crc32", 2, js_zlib_crc32),
    JS_CFUNC_DEF("constants", 0, js_zlib_constants),
    JS_CFUNC_DEF("version", 0, js_zlib_version),
};

int coro_prim_zlib_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);

    if (coro_register_class(rt, &zstream_class, &zstream_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, zlib_funcs, sizeof zlib_funcs / sizeof zlib_funcs[0]);
    return 0;
}
