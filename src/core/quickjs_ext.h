/*
 * quickjs_ext.h: the few runtime fields fibers must save and restore, which
 * QuickJS's public API does not reach. See src/quickjs_ext.c.
 */
#ifndef COROJS_QUICKJS_EXT_H
#define COROJS_QUICKJS_EXT_H

#include <stddef.h>
#include <stdint.h>
#include "quickjs.h"
#include "budget.h"

/* The runtime's chain of active JS frames (rt->current_stack_frame). */
void *coro_qjs_get_frame(JSRuntime *rt);
void coro_qjs_set_frame(JSRuntime *rt, void *frame);
/* The async context (QuickJS patch 0015) goes out with a fiber and comes
   back with it: take it from the runtime (leaving none there), the
   reference with it; put it back (NULL: none). */
void *coro_qjs_take_async_context(JSContext *ctx);
void coro_qjs_put_async_context(JSContext *ctx, void *context);

/* Where the current C stack ends: JS code may use `size` bytes below `top`
   before it throws RangeError. */
void coro_qjs_set_stack(JSRuntime *rt, uintptr_t top, size_t size);

/* Make ctx call the runtime's interrupt handler at its next interrupt point
   (a call, a loop's back edge) instead of after up to 10,000 of them. Safe
   from another thread: a lost race only delays the call to the next point
   that counts down to zero. */
void coro_qjs_interrupt_soon(JSContext *ctx);

/* Link a resolved module now, as JS_EvalFunction would first do, so its
   namespace can be taken before it runs. 0, or -1 with an exception. */
int coro_qjs_link_module(JSContext *ctx, JSModuleDef *m);

/* The length in bytes of s, a string from JS_ToCString* (or one QuickJS
   made that way, as the module names it gives the module loader): NUL
   bytes in it included, where strlen stops at the first. */
size_t coro_qjs_cstring_len(const char *s);

/* The namespace of the module named `name` if it is loaded and evaluated
   without error, else JS_UNDEFINED (or JS_EXCEPTION when memory ran out):
   the lookup of loaded modules the public API lacks. */
JSValue coro_qjs_evaluated_namespace(JSContext *ctx, const char *name);

/* The bytes of an ArrayBuffer, a typed array or a DataView, found without
   throwing (the public calls throw, and build a backtrace, on a mismatch):
   NULL if v is none of them or its buffer is detached. */
uint8_t *coro_qjs_bytes(JSValueConst v, size_t *len);

/* Whether v is an ArrayBuffer, typed array or DataView whose buffer is
   detached (transferred away). */
int coro_qjs_is_detached(JSValueConst v);

/* Keep the memory of the buffer behind v (an ArrayBuffer, typed array or
   DataView) where it is until coro_qjs_unpin: meanwhile nothing may detach
   it (a transfer to another isolate refuses a pinned buffer). Returns its
   bytes and sets *owner to the ArrayBuffer (a new reference), or NULL if v
   is no buffer of this runtime's own (shared, detached) or memory ran out. */
uint8_t *coro_qjs_pin_bytes(JSContext *ctx, JSValueConst v, size_t *len, JSValue *owner);
void coro_qjs_unpin(JSContext *ctx, JSValue owner);

/* Whether the ArrayBuffer obj is pinned now (it must not be detached). */
int coro_qjs_is_pinned(JSValueConst obj);

/* Whether `val` is an error that catch and finally do not stop (QuickJS's
   interrupt error, or one made with JS_SetUncatchableError). */
int coro_qjs_is_uncatchable(JSContext *ctx, JSValueConst val);

/* A runtime whose memory counts in budget b and those above it (budget.h):
   an allocation that would pass one of their limits fails (b->refused is
   called), unless the runtime's own limit is lifted (JS_SetMemoryLimit to
   SIZE_MAX); set its limit to b's to have it checked. */
JSRuntime *coro_qjs_new_runtime(coro_budget *b);

/* Whether v is a proxy, seen from outside (no trap runs): -1 not a proxy,
   0 a revoked one, 1 a live one, with its target and handler (borrowed). */
int coro_qjs_proxy_details(JSValueConst v, JSValueConst *target, JSValueConst *handler);

/* Whether a FinalizationRegistry of rt has an object registered, whose
   collection would call back. */
int coro_qjs_has_finalizers(JSRuntime *rt);

/* Memory of a runtime given to another (isolates; see quickjs_ext.c). All
   runtimes use one allocator, plain malloc() with counters.
   disown: the block no longer counts in rt and is plain malloc() memory.
   adopt: it counts in rt from now on; -1 if that would pass rt's limit. */
void *coro_qjs_disown(JSRuntime *rt, void *ptr);
int coro_qjs_adopt(JSRuntime *rt, void *ptr);

/* Bytes the runtime has allocated, and its limit. */
size_t coro_qjs_memory_used(JSRuntime *rt);
size_t coro_qjs_memory_limit(JSRuntime *rt);

/* Bytes held by the runtime's live ArrayBuffers and SharedArrayBuffers (a
   walk over its objects: process.memoryUsage().arrayBuffers). */
size_t coro_qjs_array_buffer_bytes(JSRuntime *rt);

/* Free function for ArrayBuffers made with JS_NewArrayBuffer from js_malloc
   memory: buffers made with it can be transferred without a copy. */
void coro_qjs_array_buffer_free(JSRuntime *rt, void *opaque, void *ptr);

/* Transfer marks on ArrayBuffers. mark: 1 marked now, 0 already marked, -1
   not a buffer that can be moved (shared, detached, or of foreign memory);
   hook->freed(rt) runs if a marked buffer is garbage collected. */
typedef struct coro_qjs_mark_hook {
    void (*freed)(JSRuntime *rt);
} coro_qjs_mark_hook;
int coro_qjs_mark_array_buffer(JSValueConst obj, const coro_qjs_mark_hook *hook);
int coro_qjs_array_buffer_marked(JSValueConst obj);

/* Take the memory of an ArrayBuffer away from its runtime: the buffer is
   detached (its views see length 0) but its memory is not freed; it is
   plain malloc() memory of *len bytes, the caller's to free. NULL (and no
   exception) if the buffer cannot be moved; *was_marked tells whether it
   carried a transfer mark. */
uint8_t *coro_qjs_take_array_buffer(JSContext *ctx, JSValueConst obj, size_t *len,
                                    int *was_marked);

/* An ArrayBuffer of ctx's runtime made of taken memory (adopted; freed with
   the buffer). On failure (over the memory limit) data is freed and an
   exception is pending. */
JSValue coro_qjs_adopt_array_buffer(JSContext *ctx, uint8_t *data, size_t len);

/* require() of an ES module (modules.c): the namespace of the module `name`
   (normalized), loaded, linked and evaluated now, or its error thrown. If
   its graph cannot finish at once, *state says why (ASYNC: top-level await;
   CYCLE: it would enter a module being evaluated) and undefined is
   returned, nothing evaluated. */
enum { CORO_QJS_MODULE_SYNC, CORO_QJS_MODULE_ASYNC, CORO_QJS_MODULE_CYCLE };
JSValue coro_qjs_require_module(JSContext *ctx, const char *name, int *state);
/* Error stacks as V8 makes them (see src/core/stack.c). An error keeps the
   frames it was made in (a coro_backtrace) and its `stack` is made from them
   when first read. */
enum {
    CORO_FRAME_NATIVE = 1,      /* a function in C: no file, line or column */
    CORO_FRAME_CONSTRUCTOR = 2, /* a class constructor */
    CORO_FRAME_EVAL = 4,        /* code given to eval() */
    CORO_FRAME_TOP = 8,         /* the top level of a script or module */
};
typedef struct coro_frame {
    JSValue name;   /* the function's own `name` (a string), or JS_UNDEFINED */
    JSAtom file;    /* JS_ATOM_NULL if none */
    int line, col;  /* from 1; 0 if unknown */
    int flags;
} coro_frame;
typedef struct coro_backtrace {
    int count;
    coro_frame frames[];
} coro_backtrace;

/* Give obj a lazy `stack` of the frames running now, up to
   Error.stackTraceLimit of them, leaving out those above and including the
   innermost call of `until` (a function; none if it is not running; any
   other value leaves out nothing but the caller's own native frame), as
   Error.captureStackTrace does. 0, or -1 with an exception. */
int coro_qjs_capture_stack(JSContext *ctx, JSValueConst obj, JSValueConst until);

/* The realm's own Error constructor (borrowed), whatever the global says. */
JSValueConst coro_qjs_error_ctor(JSContext *ctx);

/* The characters of a string in place (for the Buffer codecs): Latin-1
   bytes (p8, wide = 0) or UTF-16 units (p16, wide = 1). */
typedef struct coro_qjs_chars {
    const uint8_t *p8;
    const uint16_t *p16;
    size_t len;
    int wide;
} coro_qjs_chars;
/* A flat string holding v's characters (a new reference: free it once
   done with *c; a rope is joined first), JS_EXCEPTION if v is no string or
   out of memory. */
JSValue coro_qjs_string_chars(JSContext *ctx, JSValueConst v, coro_qjs_chars *c);
/* A new string of len Latin-1 characters from s, or of len UTF-16 units. */
JSValue coro_qjs_new_latin1(JSContext *ctx, const uint8_t *s, size_t len);
JSValue coro_qjs_new_utf16(JSContext *ctx, const uint16_t *s, size_t len);
/* A new string of len 8-bit characters (or UTF-16 units) for the caller
   to write through *chars before any other use; JS_EXCEPTION with a
   RangeError past the longest string. */
JSValue coro_qjs_new_string8(JSContext *ctx, size_t len, uint8_t **chars);
JSValue coro_qjs_new_string16(JSContext *ctx, size_t len, uint16_t **chars);
/* The longest string, in characters. */
#define CORO_QJS_STRING_MAX ((1 << 30) - 1)

/* The engine's class of value v (what no Symbol.toStringTag or prototype
   change fakes), as V8's type checks see it: "Object", "Array", "Error",
   "Date", "RegExp", "Map", "Map Iterator", "Promise", "Proxy", "Module",
   "Arguments", "Function", "AsyncFunction", "GeneratorFunction",
   "Generator", "Uint8Array", ... JS_UNDEFINED for a primitive. */
JSValue coro_qjs_class_name(JSContext *ctx, JSValueConst v);

/* The constructor whose `new` made obj, where QuickJS patch 0020 recorded
   it (obj's prototype has no prototype of its own), else JS_UNDEFINED:
   the name V8 gives such an object (GetConstructorName). */
JSValue coro_qjs_made_by(JSContext *ctx, JSValueConst obj);

/* The entries of a Map, Set, WeakMap or WeakSet, or what an iterator over a
   Map or Set has left, without running JS or moving the iterator: a flat
   array (key, value, key, value, ... when *key_value is set), JS_UNDEFINED
   for any other value (V8's previewEntries). */
JSValue coro_qjs_preview_entries(JSContext *ctx, JSValueConst v, int *key_value);

/* V8's GetOwnNonIndexProperties: obj's own keys that are not array
   indices, strings (in creation order) then symbols, filtered as Node's
   util binding asks (CORO_KEYS_*). An ordinary object's keys are read from
   its shape, so a large typed array costs nothing per element; a proxy's
   come through its traps. A new array, or JS_EXCEPTION. */
enum {
    CORO_KEYS_ONLY_WRITABLE = 1, CORO_KEYS_ONLY_ENUMERABLE = 2, CORO_KEYS_ONLY_CONFIGURABLE = 4,
    CORO_KEYS_SKIP_STRINGS = 8, CORO_KEYS_SKIP_SYMBOLS = 16,
};
JSValue coro_qjs_own_non_index_keys(JSContext *ctx, JSValueConst obj, int filter);

/* node:vm's contexts (src/prim/vm.c). */
/* Make global the global object of ctx (it takes global), as `globalThis`,
   top-level `this` and the global scope of code compiled in ctx see it. */
void coro_qjs_set_global(JSContext *ctx, JSValue global);
/* For a class's gc_mark: ctx is reachable from the object marked. */
void coro_qjs_mark_context(JSRuntime *rt, JSContext *ctx, JS_MarkFunc *mark_func);
/* JS_Eval with the source's first line and column counted as line + 1 and
   col + 1 (vm.Script's lineOffset and columnOffset), in syntax errors and
   in the stack traces of the code compiled. */
JSValue coro_qjs_eval_at(JSContext *ctx, const char *src, size_t len, const char *filename,
                         int line, int col, int flags);
/* A private symbol (a key no reflection lists, as V8's private symbols;
   QuickJS's kind for #private names) described by `description`. */
JSValue coro_qjs_new_private_symbol(JSContext *ctx, const char *description);
/* The runtime's interrupt handler and its opaque, to chain to. */
void coro_qjs_interrupt_handler(JSRuntime *rt, JSInterruptHandler **fn, void **opaque);

#endif
