/*
 * handle.h: the HandleStore, through which JS names native resources.
 *
 * JS never sees a pointer. A native resource (a file, a timer, a fiber's
 * record, a socket) is registered in its isolate's store and JS gets a 64-bit
 * ID, a BigInt, that encodes the slot index, the slot's generation and a tag
 * of the store it came from:
 *
 *     bits 63..48  store tag    bits 47..24  generation    bits 23..0  slot
 *
 * Every lookup names the type it expects. A forged ID, an ID of a closed
 * handle (its slot's generation has moved on), one from another isolate's
 * store or of another type finds nothing, in O(1), without a map lookup.
 */
#ifndef COROJS_HANDLE_H
#define COROJS_HANDLE_H

#include <stdint.h>
#include <uv.h>

typedef struct coro_handle coro_handle;

typedef struct coro_handle_type {
    const char *name;                  /* in error messages: "File", "Timer" */
    void (*close)(coro_handle *h);     /* release the resource (once) */
    const struct coro_handle_type *base; /* a kind of this type (streams), or NULL */
} coro_handle_type;

struct coro_handle {
    const coro_handle_type *type;
    struct coro_isolate *iso;
    uint64_t id; /* 0 once removed from the store */
    /* A libuv handle that makes work for the isolate with no fiber waiting
       on it (a timer), or NULL: while it is active and referenced, the
       isolate is not idle (coro_handles_busy). */
    uv_handle_t *uv;
};

typedef struct coro_handle_slot {
    coro_handle *h;      /* NULL when free */
    uint32_t gen;
    uint32_t next_free;  /* index + 1 of the next free slot, 0 = none */
} coro_handle_slot;

typedef struct coro_handle_store {
    coro_handle_slot *slots;
    uint32_t len, cap;
    uint32_t free_head;  /* index + 1 of the first free slot, 0 = none */
    uint32_t live;
    uint16_t tag;
} coro_handle_store;

void coro_handles_init(coro_handle_store *s, uint16_t tag);
void coro_handles_free(coro_handle_store *s);

/* Register h; sets and returns h->id, or 0 when out of memory or slots. */
uint64_t coro_handles_add(coro_handle_store *s, coro_handle *h);

/* The live handle with this ID and type (or a type whose base it is), or NULL. */
coro_handle *coro_handles_get(const coro_handle_store *s, uint64_t id,
                              const coro_handle_type *type);

/* Unregister h: its ID is dead from now on. */
void coro_handles_remove(coro_handle_store *s, coro_handle *h);

/* Remove h from its store and call its type's close. Safe to call twice. */
void coro_handle_close(coro_handle_store *s, coro_handle *h);

/* Whether a live handle's libuv handle is active and referenced. */
int coro_handles_busy(const coro_handle_store *s);

/* Close every live handle (isolate teardown). */
void coro_handles_close_all(coro_handle_store *s);

#endif
