/*
 * binding.h: what every binding uses besides errors (error.h): argument
 * checks, byte buffers, handles from JS. Each reader returns 0, or -1 with
 * the exception pending.
 */
#ifndef COROJS_BINDING_H
#define COROJS_BINDING_H

#include <stddef.h>
#include <stdint.h>
#include "quickjs.h"
#include "error.h"
#include "handle.h"

/* Argument readers. Each returns 0, or -1 with the exception pending. */
const char *coro_arg_string(JSContext *ctx, JSValueConst v, const char *name, size_t *len);
/* A path for the system: a string without NUL bytes (the system would take
   the first for its end, and reach another file). A NUL byte throws
   TypeError ERR_INVALID_ARG_VALUE, as Node does. */
const char *coro_arg_path(JSContext *ctx, JSValueConst v, const char *name);
/* That TypeError: "<what> must be a string without null bytes. Received
   '...'" (what: "The argument 'path'"), for s of len bytes. */
JSValue coro_throw_null_bytes(JSContext *ctx, const char *what, const char *s, size_t len);
int coro_arg_function(JSContext *ctx, JSValueConst v, const char *name);
int coro_arg_integer(JSContext *ctx, JSValueConst v, const char *name,
                     int64_t min, int64_t max, int64_t *out);
/* A number of milliseconds >= 0 (fractions are rounded down). */
int coro_arg_ms(JSContext *ctx, JSValueConst v, const char *name, uint64_t *out);

/* The bytes of a String (as UTF-8), ArrayBuffer or ArrayBuffer view, valid
   until coro_bytes_free (which must be called on success), however long the
   fiber waits meanwhile: a small buffer is copied; a large one is used in
   place and pinned, so no other JS can detach it under the operation. */
typedef struct coro_bytes {
    const uint8_t *data;
    size_t len;
    const char *cstr;  /* set when the value was a string */
    uint8_t *copy;     /* set when the bytes were copied */
    JSValue pinned;    /* the ArrayBuffer pinned, or JS_UNDEFINED */
} coro_bytes;
int coro_arg_bytes(JSContext *ctx, JSValueConst v, const char *name, coro_bytes *b);
void coro_bytes_free(JSContext *ctx, coro_bytes *b);

/* The bytes of an ArrayBuffer or ArrayBuffer view, in place: valid only until
   JS runs again. Returns 0, or -1 with a TypeError naming the argument. */
int coro_arg_view(JSContext *ctx, JSValueConst v, const char *name,
                  const uint8_t **data, size_t *len);

/* A string from UTF-8 bytes, invalid sequences replaced by U+FFFD; with
   `fatal`, a TypeError (ERR_ENCODING_INVALID_ENCODED_DATA) instead. */
JSValue coro_new_string_utf8(JSContext *ctx, const uint8_t *p, size_t n, int fatal);

/* A Uint8Array that takes over buf, which must come from js_malloc. On
   failure buf is freed. */
JSValue coro_new_uint8array(JSContext *ctx, uint8_t *buf, size_t len);

/* A zeroed native object of `size` bytes starting with a coro_handle of
   `type`, registered in the current isolate's store. NULL with an exception
   pending when out of memory. Free it with free() once it is closed. */
void *coro_new_handle(JSContext *ctx, size_t size, const coro_handle_type *type);

/* close(id) for a handle of `type`: closes it, or throws EBADF. */
JSValue coro_close_arg_handle(JSContext *ctx, JSValueConst v, const coro_handle_type *type);

/* The ID a BigInt argument carries, without looking it up: 0, or -1 with a
   TypeError naming "handle". For calls that take dead IDs quietly. */
int coro_arg_handle_id(JSContext *ctx, JSValueConst v, uint64_t *id);

/* The handle named by a BigInt ID in the current isolate's store. */
coro_handle *coro_arg_handle(JSContext *ctx, JSValueConst v, const coro_handle_type *type);

/* A copy of the first n strings of v (n < 0: up to its NULL), itself
   NULL-terminated; NULL when out of memory. Free it with coro_strv_free
   (which takes NULL too). */
char **coro_strv_dup(int n, char *const *v);

/* obj[key], an array of strings, as NULL-terminated strings (each made a
   string as JS would); *n its length. NULL if it is no array; NULL with
   *n = -1 when out of memory. Free it with coro_strv_free. */
char **coro_prop_strv(JSContext *ctx, JSValueConst obj, const char *key, int *n);
void coro_strv_free(char **v);

/* Give *id a class id (once per process) and register def under it in rt
   (once per runtime): the set-up of every native class of an area. */
int coro_register_class(JSRuntime *rt, JSClassID *id, const JSClassDef *def);

#endif
