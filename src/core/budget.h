/*
 * budget.h: what an isolate and everything it started may hold together:
 * bytes (its JS heap, and a fixed share for each of its fibers' stacks),
 * fibers, and isolates below it.
 *
 * Budgets form the tree of isolates. What an isolate takes counts in its own
 * budget and in every budget above it, and a request fails when any of them
 * would pass its limit: a limit bounds a whole subtree, so a child cannot
 * escape its limits by starting grandchildren, and its grandchildren's
 * memory is its memory. A budget outlives its isolate while budgets below it
 * still count in it (an ended parent's children may still be unwinding).
 */
#ifndef COROJS_BUDGET_H
#define COROJS_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#define CORO_UNLIMITED SIZE_MAX

typedef struct coro_budget coro_budget;

struct coro_budget {
    coro_budget *up;            /* the budget of the isolate that started it */
    unsigned refs;              /* its isolate's, and one per budget below */
    size_t bytes, max_bytes;    /* max CORO_UNLIMITED: none */
    size_t fibers, max_fibers;
    size_t isolates, max_isolates; /* live isolates below it */
    /* Called when an allocation it was charged for is refused because a
       limit would be passed (the isolate decides what that means). */
    void (*refused)(coro_budget *b);
    void *owner;
};

/* A budget below `up` (NULL for a root) with the given limits, counted as
   one more isolate in every budget above; NULL with errno EAGAIN when one
   of them holds as many isolates as it may, ENOMEM when out of memory. */
coro_budget *coro__budget_new(coro_budget *up, size_t max_bytes, size_t max_fibers,
                             size_t max_isolates);

/* Its isolate is gone: one isolate fewer above; the budget itself goes
   once no budget below counts in it any more. */
void coro__budget_end(coro_budget *b);

/* Whether n more bytes fit in b and every budget above it. */
static inline int coro__budget_fits(const coro_budget *b, size_t n)
{
    for (; b; b = b->up) {
        if (b->bytes + n > b->max_bytes)
            return 0;
    }
    return 1;
}

static inline void coro__budget_add(coro_budget *b, size_t n)
{
    for (; b; b = b->up)
        b->bytes += n;
}

static inline void coro__budget_sub(coro_budget *b, size_t n)
{
    for (; b; b = b->up)
        b->bytes -= n;
}

/* A fiber's stack counts this much in its isolate's bytes: the pages a
   typical fiber touches (a pooled stack keeps as much resident). */
#define CORO_FIBER_BYTES (16 * 1024)

/* What an empty isolate takes (its runtime and context, made before its
   limit applies): a new one needs this much room above it. */
#define CORO_ISOLATE_BYTES (256 * 1024)

/* Take one fiber (and its bytes) from b: 0, or -1 with errno EAGAIN (too
   many fibers) or ENOMEM (its bytes do not fit; b->refused was called). */
int coro__budget_take_fiber(coro_budget *b);
void coro__budget_give_fiber(coro_budget *b);

#endif
