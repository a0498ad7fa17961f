/*
 * budget.c: limits that bound a subtree of isolates (see budget.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "budget.h"

coro_budget *coro__budget_new(coro_budget *up, size_t max_bytes, size_t max_fibers,
                             size_t max_isolates)
{
    coro_budget *b, *a;

    for (a = up; a; a = a->up) {
        if (a->isolates + 1 > a->max_isolates) {
            errno = EAGAIN;
            return NULL;
        }
    }
    b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->up = up;
    b->refs = 1;
    b->max_bytes = max_bytes;
    b->max_fibers = max_fibers;
    b->max_isolates = max_isolates;
    for (a = up; a; a = a->up)
        a->isolates++;
    if (up)
        up->refs++;
    return b;
}

void coro__budget_end(coro_budget *b)
{
    coro_budget *up;

    for (up = b->up; up; up = up->up)
        up->isolates--;
    while (b && --b->refs == 0) {
        up = b->up;
        free(b);
        b = up; /* the reference it held */
    }
}

int coro__budget_take_fiber(coro_budget *b)
{
    coro_budget *a;

    for (a = b; a; a = a->up) {
        if (a->fibers + 1 > a->max_fibers) {
            errno = EAGAIN;
            return -1;
        }
    }
    if (!coro__budget_fits(b, CORO_FIBER_BYTES)) {
        if (b->refused)
            b->refused(b);
        errno = ENOMEM;
        return -1;
    }
    for (a = b; a; a = a->up)
        a->fibers++;
    coro__budget_add(b, CORO_FIBER_BYTES);
    return 0;
}

void coro__budget_give_fiber(coro_budget *b)
{
    coro_budget *a;

    for (a = b; a; a = a->up)
        a->fibers--;
    coro__budget_sub(b, CORO_FIBER_BYTES);
}
