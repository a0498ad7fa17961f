/*
 * quickjs_ext.h: the few runtime fields fibers must save and restore, which
 * QuickJS's public API does not reach. See src/quickjs_ext.c.
 */
#ifndef COROJS_QUICKJS_EXT_H
#define COROJS_QUICKJS_EXT_H

#include <stddef.h>
#include <stdint.h>
#include "quickjs.h"

/* The runtime's chain of active JS frames (rt->current_stack_frame). */
void *coro_qjs_get_frame(JSRuntime *rt);
void coro_qjs_set_frame(JSRuntime *rt, void *frame);

/* Where the current C stack ends: JS code may use `size` bytes below `top`
   before it throws RangeError. */
void coro_qjs_set_stack(JSRuntime *rt, uintptr_t top, size_t size);

/* Whether `val` is an error that catch and finally do not stop (QuickJS's
   interrupt error, or one made with JS_SetUncatchableError). */
int coro_qjs_is_uncatchable(JSContext *ctx, JSValueConst val);

#endif
