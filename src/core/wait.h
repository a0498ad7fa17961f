/*
 * wait.h: how a fiber of an isolate waits. Every blocking primitive parks its
 * fiber through one of these and gets back either a status or
 * CORO_ETERMINATED with an uncatchable exception pending (its isolate is
 * being torn down: the caller cleans up and returns JS_EXCEPTION).
 *
 * - coro_op: one libuv request; its callback calls coro_op_done.
 * - coro_waitq: a queue of fibers waiting for something (a fiber to end, a
 *   socket to be readable), woken one or all at a time.
 * - a turn: the right to do something one fiber at a time (read a socket).
 * - coro_await: a promise settling.
 *
 * Any of them may run in an exclusive section (coro_fiber_exclusive_enter,
 * fiber.h): the fiber parks, yet nothing else of its isolate runs until the
 * section ends (no other fiber, timer callback or promise job); other
 * isolates go on. That is how a Node-style *Sync call keeps
 * run-to-completion. A wait only the isolate itself could end (a promise,
 * another fiber of it) would never end there: it throws ERR_FIBER_EXCLUSIVE.
 */
#ifndef COROJS_WAIT_H
#define COROJS_WAIT_H

#include <stdint.h>
#include "quickjs.h"
#include "fiber.h"

/* One libuv request a fiber waits for. Its callback calls coro_op_done. The
   request usually lives on the waiting fiber's stack, so the fiber must not
   return before the callback has run, even while its isolate ends. */
typedef struct coro_op {
    coro_fiber *fiber;
    int status;
    int done;
} coro_op;

static inline void coro_op_init(coro_op *op)
{
    op->fiber = coro_fiber_current();
    op->status = 0;
    op->done = 0;
}

/* From the request's callback: record status and wake the fiber. */
void coro_op_done(coro_op *op, int status);

/* Park until the callback has run; nothing else ends the wait. */
void coro_op_finish(coro_op *op);

/* coro_op_finish, then: the request's status, or CORO_ETERMINATED with an
   exception pending if the isolate ended meanwhile. */
int coro_op_wait(JSContext *ctx, coro_op *op);

/* Park the running fiber (see coro_fiber_park). Returns the wake status, or
   CORO_ETERMINATED with an uncatchable exception pending when the isolate is
   being torn down. */
int coro_wait(JSContext *ctx, int flags);

/* coro_wait with a deadline: UV_ETIMEDOUT if nothing woke the fiber within
   ms milliseconds (0 = no deadline). */
int coro_wait_timeout(JSContext *ctx, uint64_t ms, int flags);

/* A queue of fibers waiting for something. Each waiter lives on its fiber's
   stack and unlinks itself however it is woken. The owner of a queue that
   goes away first calls coro_waitq_close, so no waiter touches it afterwards. */
typedef struct coro_waiter {
    struct coro_waiter *next, *prev;
    coro_fiber *fiber;
    struct coro_waitq *q; /* NULL once the queue is closed */
} coro_waiter;

typedef struct coro_waitq {
    coro_waiter *head, *tail;
} coro_waitq;

/* Park the running fiber in q until woken. Returns the wake status, or
   CORO_ETERMINATED with an exception pending (see coro_wait). The _flags
   form parks with coro_fiber_park's flags (CORO_PARK_IDLE). */
int coro_waitq_wait(JSContext *ctx, coro_waitq *q);
int coro_waitq_wait_flags(JSContext *ctx, coro_waitq *q, int flags);

/* Wake the first waiter still parked, or all of them, with `status`. */
void coro_waitq_wake_one(coro_waitq *q, int status);
void coro_waitq_wake_all(coro_waitq *q, int status);

/* Wake all with `status` and forget them: the queue's memory may go. */
void coro_waitq_close(coro_waitq *q, int status);

static inline int coro_waitq_empty(const coro_waitq *q)
{
    return q->head == NULL;
}

/* A turn that fibers take one at a time, in the order they ask (the right
   to read a socket, or to write it): *taken says it is held, q holds the
   fibers waiting for it, *closed that the owner is gone. Returns 0 with the
   turn taken, UV_EBADF once *closed is set, or CORO_ETERMINATED with an
   exception pending. The owner closing wakes q (coro_waitq_wake_all). */
int coro_turn_take(JSContext *ctx, int *taken, coro_waitq *q, const int *closed);
void coro_turn_give(int *taken, coro_waitq *q);

/* Inside an exclusive section, throw ERR_FIBER_EXCLUSIVE (`what` would wait
   for this isolate itself, which cannot run) and return -1; else 0. */
int coro_refuse_exclusive_wait(JSContext *ctx, const char *what);

/* libuv's thread pool is shared by every isolate of the process, and a call
   there cannot be taken back once it runs (a DNS lookup of a dead server, a
   slow disk). So an isolate holds at most coro_pool_share() requests in the
   pool at once, one thread fewer than the pool has: no isolate can take
   every thread from the others. A request takes a slot before it starts
   (parking while all of its isolate's slots are taken) and gives it back
   when it is done. take: 0, or CORO_ETERMINATED with an exception pending. */
int coro_pool_take(JSContext *ctx);
void coro_pool_give(JSContext *ctx);
unsigned coro_pool_share(void);

/* Block the running fiber until `promise` settles. Returns 0 with *result the
   value, 1 with *result the rejection reason, or -1 with an exception
   pending. Non-promises are returned as they are. */
int coro_await(JSContext *ctx, JSValueConst promise, JSValue *result);

#endif
