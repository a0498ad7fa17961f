/*
 * handle.c: the HandleStore (see handle.h). Free slots form a list threaded
 * through the slot array; removing a handle bumps its slot's generation so
 * every ID ever handed out for the old occupant stops matching.
 */
#include <stdlib.h>
#include "handle.h"

#define SLOT_BITS 24
#define GEN_BITS 24
#define MAX_SLOTS (1u << SLOT_BITS)
#define GEN_MASK ((1u << GEN_BITS) - 1)

static uint64_t make_id(const coro_handle_store *s, uint32_t index, uint32_t gen)
{
    return (uint64_t)s->tag << (SLOT_BITS + GEN_BITS) | (uint64_t)gen << SLOT_BITS | index;
}

void coro_handles_init(coro_handle_store *s, uint16_t tag)
{
    s->slots = NULL;
    s->len = s->cap = s->free_head = s->live = 0;
    s->tag = tag;
}

void coro_handles_free(coro_handle_store *s)
{
    free(s->slots);
    s->slots = NULL;
    s->len = s->cap = s->free_head = s->live = 0;
}

static int grow(coro_handle_store *s)
{
    uint32_t cap = s->cap ? s->cap * 2 : 64;
    coro_handle_slot *slots;

    if (cap > MAX_SLOTS)
        cap = MAX_SLOTS;
    if (cap <= s->cap)
        return -1;
    slots = realloc(s->slots, cap * sizeof *slots);
    if (!slots)
        return -1;
    s->slots = slots;
    s->cap = cap;
    return 0;
}

uint64_t coro_handles_add(coro_handle_store *s, coro_handle *h)
{
    uint32_t index;
    coro_handle_slot *slot;

    if (s->free_head) {
        index = s->free_head - 1;
        slot = &s->slots[index];
        s->free_head = slot->next_free;
    } else {
        if (s->len == s->cap && grow(s) < 0)
            return 0;
        index = s->len++;
        slot = &s->slots[index];
        slot->gen = 1;
    }
    slot->h = h;
    slot->next_free = 0;
    s->live++;
    h->id = make_id(s, index, slot->gen);
    return h->id;
}

coro_handle *coro_handles_get(const coro_handle_store *s, uint64_t id,
                              const coro_handle_type *type)
{
    uint32_t index = id & (MAX_SLOTS - 1);
    const coro_handle_slot *slot;

    if (index >= s->len || id != make_id(s, index, s->slots[index].gen))
        return NULL;
    slot = &s->slots[index];
    if (!slot->h || (slot->h->type != type && slot->h->type->base != type))
        return NULL;
    return slot->h;
}

void coro_handles_remove(coro_handle_store *s, coro_handle *h)
{
    uint32_t index = h->id & (MAX_SLOTS - 1);
    coro_handle_slot *slot;

    if (!h->id || index >= s->len || s->slots[index].h != h)
        return;
    slot = &s->slots[index];
    slot->h = NULL;
    slot->gen = (slot->gen + 1) & GEN_MASK;
    if (slot->gen == 0)
        slot->gen = 1;
    slot->next_free = s->free_head;
    s->free_head = index + 1;
    s->live--;
    h->id = 0;
}

void coro_handle_close(coro_handle_store *s, coro_handle *h)
{
    if (!h->id)
        return;
    coro_handles_remove(s, h);
    h->type->close(h);
}

int coro_handles_busy(const coro_handle_store *s)
{
    for (uint32_t i = 0; i < s->len; i++) {
        uv_handle_t *u = s->slots[i].h ? s->slots[i].h->uv : NULL;
        if (u && uv_is_active(u) && uv_has_ref(u))
            return 1;
    }
    return 0;
}

void coro_handles_close_all(coro_handle_store *s)
{
    for (uint32_t i = 0; i < s->len; i++) {
        if (s->slots[i].h)
            coro_handle_close(s, s->slots[i].h);
    }
}
