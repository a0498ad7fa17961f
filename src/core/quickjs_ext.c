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

int coro_qjs_link_module(JSContext *ctx, JSModuleDef *m)
{
    if (js_create_module_function(ctx, m) < 0)
        return -1;
    return js_link_module(ctx, m);
}

size_t coro_qjs_cstring_len(const char *s)
{
    return container_of(s, JSString, u)->len; /* as JS_FreeCString finds it */
}

JSValue coro_qjs_evaluated_namespace(JSContext *ctx, const char *name)
{
    JSAtom atom = JS_NewAtom(ctx, name);
    JSModuleDef *m = atom == JS_ATOM_NULL ? NULL : js_find_loaded_module(ctx, atom);

    JS_FreeAtom(ctx, atom);
    if (!m || m->status != JS_MODULE_STATUS_EVALUATED || m->eval_has_exception)
        return JS_UNDEFINED;
    return JS_GetModuleNamespace(ctx, m);
}

int coro_qjs_is_uncatchable(JSContext *ctx, JSValueConst val)
{
    return JS_IsUncatchableError(ctx, val);
}

/* ------------------------------------------------------------------ */
/* Moving memory between runtimes (isolates).
 *
 * Every runtime of CoroJS uses QuickJS's default allocator, which is plain
 * malloc() with two counters on top (blocks and bytes, checked against the
 * memory limit). So a block allocated by one runtime becomes the property of
 * another by subtracting it from the first runtime's counters and adding it
 * to the second's: the memory itself stays where it is. That is all a
 * zero-copy transfer of an ArrayBuffer needs, besides detaching the buffer
 * in its old runtime without freeing its memory. Only buffers whose memory
 * came from their runtime's allocator qualify: the free function says so. */

#undef free /* quickjs.c forbids it to its own code; taken memory is plain malloc() memory */

static size_t block_size(void *ptr)
{
    return js_def_malloc_usable_size(ptr) + MALLOC_OVERHEAD;
}

/* The GC threshold follows memory that leaves, or the runtime that gave a
   big buffer away would not collect its garbage for a long time. */
static void lower_threshold(JSRuntime *rt, size_t n)
{
    rt->malloc_gc_threshold = rt->malloc_gc_threshold > n ? rt->malloc_gc_threshold - n : 0;
}

void *coro_qjs_disown(JSRuntime *rt, void *ptr)
{
    JSMallocState *s = &rt->malloc_state;
    size_t n = block_size(ptr);

    s->malloc_count--;
    s->malloc_size -= n;
    lower_threshold(rt, n);
    return ptr;
}

int coro_qjs_adopt(JSRuntime *rt, void *ptr)
{
    JSMallocState *s = &rt->malloc_state;
    size_t n = block_size(ptr);

    if (s->malloc_size + n > s->malloc_limit)
        return -1;
    s->malloc_count++;
    s->malloc_size += n;
    return 0;
}

size_t coro_qjs_memory_used(JSRuntime *rt)
{
    return rt->malloc_state.malloc_size;
}

size_t coro_qjs_memory_limit(JSRuntime *rt)
{
    return rt->malloc_state.malloc_limit;
}

void coro_qjs_array_buffer_free(JSRuntime *rt, void *opaque, void *ptr)
{
    js_free_rt(rt, ptr);
}

/* A buffer that came from another runtime. Its memory counts in this
   runtime, but moves the garbage collector's threshold up by as much while
   it lives: a big buffer coming in is no reason to collect garbage at once
   (nor on each of the next allocations). */
static void adopted_buffer_free(JSRuntime *rt, void *opaque, void *ptr)
{
    size_t n = block_size(ptr);

    lower_threshold(rt, n);
    js_free_rt(rt, ptr);
}

/* A buffer marked for transfer frees like any other, and tells its
   runtime's owner that one mark fewer is alive. */
static void marked_buffer_free(JSRuntime *rt, void *opaque, void *ptr)
{
    const coro_qjs_mark_hook *hook = opaque;

    hook->freed(rt);
    js_free_rt(rt, ptr);
}

static void marked_adopted_free(JSRuntime *rt, void *opaque, void *ptr)
{
    const coro_qjs_mark_hook *hook = opaque;

    hook->freed(rt);
    adopted_buffer_free(rt, NULL, ptr);
}

static int is_marked(const JSArrayBuffer *abuf)
{
    return abuf->free_func == marked_buffer_free || abuf->free_func == marked_adopted_free;
}

static int is_adopted(const JSArrayBuffer *abuf)
{
    return abuf->free_func == adopted_buffer_free || abuf->free_func == marked_adopted_free;
}

static JSArrayBuffer *own_buffer(JSValueConst obj)
{
    JSArrayBuffer *abuf = JS_GetOpaque(obj, JS_CLASS_ARRAY_BUFFER);

    if (!abuf || abuf->detached || abuf->shared)
        return NULL;
    if (abuf->free_func != js_array_buffer_free && abuf->free_func != coro_qjs_array_buffer_free &&
        !is_marked(abuf) && !is_adopted(abuf))
        return NULL;
    return abuf;
}

int coro_qjs_mark_array_buffer(JSValueConst obj, const coro_qjs_mark_hook *hook)
{
    JSArrayBuffer *abuf = own_buffer(obj);

    if (!abuf)
        return -1;
    if (is_marked(abuf))
        return 0;
    abuf->free_func = is_adopted(abuf) ? marked_adopted_free : marked_buffer_free;
    abuf->opaque = (void *)hook;
    return 1;
}

int coro_qjs_array_buffer_marked(JSValueConst obj)
{
    JSArrayBuffer *abuf = JS_GetOpaque(obj, JS_CLASS_ARRAY_BUFFER);

    return abuf && !abuf->detached && is_marked(abuf);
}

uint8_t *coro_qjs_take_array_buffer(JSContext *ctx, JSValueConst obj, size_t *len, int *was_marked)
{
    JSArrayBuffer *abuf = own_buffer(obj);
    uint8_t *data;
    struct list_head *el;

    if (!abuf)
        return NULL;
    *was_marked = is_marked(abuf);
    data = abuf->data;
    *len = (size_t)abuf->byte_length;
    if (is_adopted(abuf)) /* its lift of the threshold leaves with it */
        lower_threshold(ctx->rt, block_size(data));
    /* detached as JS_DetachArrayBuffer does it, minus the free */
    abuf->data = NULL;
    abuf->byte_length = 0;
    abuf->detached = TRUE;
    abuf->free_func = js_array_buffer_free;
    abuf->opaque = NULL;
    list_for_each(el, &abuf->array_list) {
        JSTypedArray *ta = list_entry(el, JSTypedArray, link);
        JSObject *p = ta->obj;
        if (p->class_id != JS_CLASS_DATAVIEW) {
            p->u.array.count = 0;
            p->u.array.u.ptr = NULL;
        }
    }
    return coro_qjs_disown(ctx->rt, data);
}

JSValue coro_qjs_adopt_array_buffer(JSContext *ctx, uint8_t *data, size_t len)
{
    JSValue ab;

    if (coro_qjs_adopt(ctx->rt, data) < 0) {
        free(data);
        return JS_ThrowOutOfMemory(ctx);
    }
    ctx->rt->malloc_gc_threshold += block_size(data);
    ab = JS_NewArrayBuffer(ctx, data, len, adopted_buffer_free, NULL, FALSE);
    if (JS_IsException(ab))
        adopted_buffer_free(ctx->rt, NULL, data);
    return ab;
}

uint8_t *coro_qjs_bytes(JSValueConst v, size_t *len)
{
    JSArrayBuffer *abuf;
    JSTypedArray *ta;
    JSObject *p;

    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT)
        return NULL;
    p = JS_VALUE_GET_OBJ(v);
    if (p->class_id == JS_CLASS_ARRAY_BUFFER || p->class_id == JS_CLASS_SHARED_ARRAY_BUFFER) {
        abuf = p->u.array_buffer;
        if (abuf->detached)
            return NULL;
        *len = (size_t)abuf->byte_length;
        return abuf->data;
    }
    if ((p->class_id >= JS_CLASS_UINT8C_ARRAY && p->class_id <= JS_CLASS_FLOAT64_ARRAY) ||
        p->class_id == JS_CLASS_DATAVIEW) {
        ta = p->u.typed_array;
        abuf = ta->buffer->u.array_buffer;
        if (abuf->detached)
            return NULL;
        *len = ta->length;
        return abuf->data + ta->offset;
    }
    return NULL;
}

/* A pinned buffer's free function and opaque stand aside in a pin record
   until the last unpin; a transfer sees a free function it does not know and
   refuses the buffer. Nothing else in QuickJS detaches a buffer. */
typedef struct buffer_pin {
    JSFreeArrayBufferDataFunc *free_func;
    void *opaque;
    unsigned count;
} buffer_pin;

static void pinned_buffer_free(JSRuntime *rt, void *opaque, void *ptr)
{
    buffer_pin *pin = opaque; /* only if a pin outlived its own reference */

    pin->free_func(rt, pin->opaque, ptr);
    js_free_rt(rt, pin);
}

uint8_t *coro_qjs_pin_bytes(JSContext *ctx, JSValueConst v, size_t *len, JSValue *owner)
{
    JSArrayBuffer *abuf;
    JSObject *p, *buf;
    size_t offset = 0;
    buffer_pin *pin;

    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT)
        return NULL;
    p = JS_VALUE_GET_OBJ(v);
    if (p->class_id == JS_CLASS_ARRAY_BUFFER) {
        buf = p;
    } else if ((p->class_id >= JS_CLASS_UINT8C_ARRAY && p->class_id <= JS_CLASS_FLOAT64_ARRAY) ||
               p->class_id == JS_CLASS_DATAVIEW) {
        buf = p->u.typed_array->buffer;
        offset = p->u.typed_array->offset;
    } else {
        return NULL;
    }
    abuf = buf->u.array_buffer;
    if (buf->class_id != JS_CLASS_ARRAY_BUFFER || abuf->detached || abuf->shared)
        return NULL;
    if (abuf->free_func == pinned_buffer_free) {
        ((buffer_pin *)abuf->opaque)->count++;
    } else {
        pin = js_malloc(ctx, sizeof *pin);
        if (!pin)
            return NULL;
        pin->free_func = abuf->free_func;
        pin->opaque = abuf->opaque;
        pin->count = 1;
        abuf->free_func = pinned_buffer_free;
        abuf->opaque = pin;
    }
    *len = p == buf ? (size_t)abuf->byte_length : p->u.typed_array->length;
    *owner = JS_DupValue(ctx, JS_MKPTR(JS_TAG_OBJECT, buf));
    return abuf->data + offset;
}

void coro_qjs_unpin(JSContext *ctx, JSValue owner)
{
    JSArrayBuffer *abuf = JS_VALUE_GET_OBJ(owner)->u.array_buffer;
    buffer_pin *pin = abuf->opaque;

    if (--pin->count == 0) {
        abuf->free_func = pin->free_func;
        abuf->opaque = pin->opaque;
        js_free(ctx, pin);
    }
    JS_FreeValue(ctx, owner);
}

int coro_qjs_is_pinned(JSValueConst obj)
{
    JSArrayBuffer *abuf = JS_GetOpaque(obj, JS_CLASS_ARRAY_BUFFER);

    return abuf && abuf->free_func == pinned_buffer_free;
}
