/*
 * life.h: the lifetime of a native object with two kinds of owner (STYLE.md:
 * "two lifetime flags per native object").
 *
 * The program closes the object: its handle ID dies at once, fibers blocked
 * on it wake, no new call takes it. The calls in flight hold it while their
 * fibers wait, so its memory (and, for files, its descriptor) must outlive
 * them. An asynchronous close (uv_close) may be under way too. The object is
 * finalized (freed, its descriptor closed) exactly once, when it is closed,
 * nobody holds it and no close is pending: never under a call's feet.
 */
#ifndef COROJS_LIFE_H
#define COROJS_LIFE_H

typedef struct coro_life coro_life;

struct coro_life {
    unsigned holds;         /* calls in flight that use the object */
    int closed;             /* closed by the program, or by its isolate's end */
    int pending;            /* an asynchronous close is under way */
    void (*finalize)(coro_life *l); /* frees the object that holds l */
};

static inline void coro_life_init(coro_life *l, void (*finalize)(coro_life *l))
{
    l->holds = 0;
    l->closed = 0;
    l->pending = 0;
    l->finalize = finalize;
}

/* Finalize the object if nothing keeps it any more. */
static inline void coro_life_check(coro_life *l)
{
    if (l->closed && !l->pending && l->holds == 0)
        l->finalize(l);
}

static inline void coro_life_hold(coro_life *l)
{
    l->holds++;
}

/* A call is done with the object (which may be freed here). */
static inline void coro_life_release(coro_life *l)
{
    l->holds--;
    coro_life_check(l);
}

/* Mark it closed; 1 the first time (the caller then releases the resource
   and calls coro_life_check), 0 if it was closed already. */
static inline int coro_life_close(coro_life *l)
{
    if (l->closed)
        return 0;
    l->closed = 1;
    return 1;
}

/* An asynchronous close that coro_life_close's caller started has ended. */
static inline void coro_life_close_done(coro_life *l)
{
    l->pending = 0;
    coro_life_check(l);
}

#endif
