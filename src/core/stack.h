/*
 * stack.h: V8's stack API on QuickJS's frames. Error.captureStackTrace,
 * Error.stackTraceLimit, Error.prepareStackTrace with call-site objects,
 * and the text V8 gives `stack`. quickjs_ext.c captures the frames and
 * calls the two functions below when a `stack` is first read.
 */
#ifndef COROJS_STACK_H
#define COROJS_STACK_H

#include "quickjs.h"
#include "quickjs_ext.h"

/* Error.captureStackTrace, Error.stackTraceLimit (10) and the CallSite
   class, in a new context. 0, or -1 with an exception. */
int coro_stack_init(JSContext *ctx);

/* V8's text: "Name: message" (as Error.prototype.toString makes it), then
   a line "    at ..." per frame. May run JS (name and message getters). */
JSValue coro__stack_text(JSContext *ctx, JSValueConst error, const coro_backtrace *bt);

/* Error.prepareStackTrace(error, callSites) if it is a function, or the
   function Node's lib set for this error (overrideStackTrace, through the
   isolate's stack_override hook), and this is not a call made from inside
   one (*called = 1); else JS_UNDEFINED. */
JSValue coro__stack_prepare(JSContext *ctx, JSValueConst error, const coro_backtrace *bt,
                            int *called);

#endif
