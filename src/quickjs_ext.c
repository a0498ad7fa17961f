/*
 * quickjs_ext.c: QuickJS itself, compiled as part of CoroJS, plus the accessors
 * fibers need.
 *
 * QuickJS keeps the chain of active JS frames in rt->current_stack_frame and
 * builds every Error's backtrace by walking it. A fiber that is switched out
 * leaves its frames on its own stack, so each switch must save the chain with
 * the fiber and restore it on resume, and a new fiber must start with an empty
 * chain; otherwise one fiber's backtrace walks into another fiber's (possibly
 * reused) stack. The stack bounds used for overflow checks are per runtime too
 * and must follow the running fiber. QuickJS has no public call for either, so
 * this file includes quickjs.c and defines them after it, with access to the
 * runtime's private fields. It is the only file that sees QuickJS internals.
 */
#include "quickjs.c"
#include "quickjs_ext.h"

void *coro_qjs_get_frame(JSRuntime *rt)
{
    return rt->current_stack_frame;
}

void coro_qjs_set_frame(JSRuntime *rt, void *frame)
{
    rt->current_stack_frame = frame;
}

void coro_qjs_set_stack(JSRuntime *rt, uintptr_t top, size_t size)
{
    rt->stack_top = top;
    rt->stack_size = size;
    update_stack_limit(rt);
}

int coro_qjs_is_uncatchable(JSContext *ctx, JSValueConst val)
{
    return JS_IsUncatchableError(ctx, val);
}
