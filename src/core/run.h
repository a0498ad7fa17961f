/*
 * run.h: running an isolate's JS on fibers: calls into JS, the main module,
 * the promise job runner, errors nobody handles, and time slices.
 *
 * No JS runs on the loop's own stack. The main module runs in the isolate's
 * first fiber; timer callbacks and other entries get a fiber each; the
 * promise job queue is drained by a "job runner" fiber.
 */
#ifndef COROJS_RUN_H
#define COROJS_RUN_H

#include "isolate.h"

/* Start the main fiber: bootstrap the standard library, then evaluate the
   module at `path`, or `code` when path is NULL. */
int coro_isolate_start(coro_isolate *iso, const char *path, const char *code);

/* fn(...args), with args an array or undefined. */
JSValue coro_call_array(JSContext *ctx, JSValueConst fn, JSValueConst this_val,
                        JSValueConst args);

/* Call fn(...args) in a new fiber now; an exception it throws is uncaught.
   Returns 0 or a negative errno. May be called from main. */
int coro_spawn_call(coro_isolate *iso, JSValueConst fn, JSValueConst this_val,
                    JSValueConst args);

/* Run iso's pending jobs once the ready fibers have run: after code outside
   its fibers (another isolate) freed values of it. */
void coro_isolate_check_jobs(coro_isolate *iso);

/* For code that runs long outside QuickJS (wasm): the check QuickJS makes
   every few thousand operations, which may preempt the fiber for its time
   slice. Nonzero when the isolate is ending and the code must stop. */
int coro_isolate_poll(coro_isolate *iso);

/* The fiber with record `fiber_id` ended with `exc` (taken) and nobody is
   joining it: unless someone joins it before the ready fibers have run
   (coro_isolate_joined), it is an uncaught exception, as Node treats an
   unhandled rejection. A fiber whose object is collected first can never be
   joined: its exception is reported. */
void coro_isolate_add_unjoined(coro_isolate *iso, uint64_t fiber_id, JSValue exc);

/* Someone took the result of fiber `fiber_id`: its exception is handled. */
void coro_isolate_joined(coro_isolate *iso, uint64_t fiber_id);

/* Print an uncaught exception (taking ownership of exc) and end the isolate
   with status 1. Nothing is printed for the error that unwinds a fiber of an
   isolate being torn down; a child that ran out of memory ends as below. */
void coro_report_uncaught(JSContext *ctx, JSValue exc, const char *kind);

/* End a child that ran out of memory (iso->out_of_memory): its join() and
   callers get an InternalError "out of memory", code
   ERR_ISOLATE_OUT_OF_MEMORY. Runs no JS. */
void coro_isolate_end_out_of_memory(coro_isolate *iso);

/* For isolate.c: set up and tear down what running JS needs of an isolate
   (the job check, the rejection tracker, the interrupt handler). */
void coro__run_attach(coro_isolate *iso);
void coro__run_detach(coro_isolate *iso);

/* For isolate.c: fiber f of iso switched back to main (the scheduler's
   leave hook); and the ready fibers have all run (its drained hook). */
void coro__run_fiber_left(coro_isolate *iso, coro_fiber *f);
void coro__run_drained(void);

/* For isolate.c: iso's JS is about to run on a fiber (the switch hook); the
   watchdog thread runs while more than one isolate lives (on), and stops
   for good at the end of the process. */
void coro__run_entered(coro_isolate *iso);
void coro__run_watch(int on);
void coro__run_watch_stop(void);

/* For isolate.c, when the loop ran dry: start a runner for iso's pending
   jobs and unhandled errors; 1 if there was any. */
int coro__run_leftovers(coro_isolate *iso);

#endif
