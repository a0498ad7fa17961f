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
#include <limits.h>
#include "quickjs_ext.h"
#include "stack.h"

void *coro_qjs_get_frame(JSRuntime *rt)
{
    return rt->current_stack_frame;
}

void *coro_qjs_take_async_context(JSContext *ctx)
{
    JSValue v = JS_GetAsyncContext(ctx);

    JS_SetAsyncContext(ctx, JS_UNDEFINED);
    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT) /* only objects are set (prim/util.c) */
        return NULL;
    return JS_VALUE_GET_PTR(v);
}

void coro_qjs_put_async_context(JSContext *ctx, void *context)
{
    JS_SetAsyncContext(ctx, context ? JS_MKPTR(JS_TAG_OBJECT, context) : JS_UNDEFINED);
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

void coro_qjs_interrupt_soon(JSContext *ctx)
{
    __atomic_store_n(&ctx->interrupt_counter, 0, __ATOMIC_RELAXED);
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

/* The target and handler of a proxy, read without running a trap. */
int coro_qjs_proxy_details(JSValueConst v, JSValueConst *target, JSValueConst *handler)
{
    JSProxyData *s;

    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT || JS_VALUE_GET_OBJ(v)->class_id != JS_CLASS_PROXY)
        return -1;
    s = JS_VALUE_GET_OBJ(v)->u.opaque;
    if (s->is_revoked)
        return 0;
    *target = s->target;
    *handler = s->handler;
    return 1;
}

/* Whether a FinalizationRegistry of rt holds an entry: only then can a
   collection make a cleanup callback due (the weak list also holds WeakMaps
   and WeakRefs; a registry with no entry has nothing to report). */
int coro_qjs_has_finalizers(JSRuntime *rt)
{
    struct list_head *el;

    list_for_each(el, &rt->weakref_list) {
        JSWeakRefHeader *wh = list_entry(el, JSWeakRefHeader, link);

        if (wh->weakref_type == JS_WEAKREF_TYPE_FINREC &&
            !list_empty(&container_of(wh, JSFinalizationRegistryData, weakref_header)->entries))
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Moving memory between runtimes (isolates).
 *
 * Every runtime of CoroJS uses one allocator (below): plain malloc() with
 * counters on top (blocks and bytes, checked against the memory limits of
 * its isolate's budget). So a block allocated by one runtime becomes the property of
 * another by subtracting it from the first runtime's counters and adding it
 * to the second's: the memory itself stays where it is. That is all a
 * zero-copy transfer of an ArrayBuffer needs, besides detaching the buffer
 * in its old runtime without freeing its memory. Only buffers whose memory
 * came from their runtime's allocator qualify: the free function says so. */

/* quickjs.c forbids these to its own code; the allocator and taken memory
   below are plain malloc() */
#undef free
#undef malloc
#undef realloc

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

/* ------------------------------------------------------------------ */
/* The allocator of every isolate's runtime: QuickJS's default (malloc()
   with a count of blocks and bytes) that also charges each block to the
   isolate's budget and the budgets above it (budget.h), and refuses one
   that would pass any of their limits. A runtime whose limit is lifted
   (QuickJS's malloc_limit is SIZE_MAX: while it throws "out of memory", or
   reports why it is ending) is charged but never refused; so is one with no
   limit anywhere above it. */

/* Whether n more bytes may count in s's runtime. */
static int budget_fits(JSMallocState *s, size_t n)
{
    return s->malloc_limit == (size_t)-1 || coro__budget_fits(s->opaque, n);
}

/* The same for an allocation: one refused is the runtime's to answer for. */
static int budget_allows(JSMallocState *s, size_t n)
{
    coro_budget *b = s->opaque;

    if (budget_fits(s, n))
        return 1;
    if (b->refused)
        b->refused(b);
    return 0;
}

static void budget_count(JSMallocState *s, void *ptr, int sign)
{
    size_t n = block_size(ptr);

    s->malloc_count += sign;
    if (sign > 0) {
        s->malloc_size += n;
        coro__budget_add(s->opaque, n);
    } else {
        s->malloc_size -= n;
        coro__budget_sub(s->opaque, n);
    }
}

static void *budget_malloc(JSMallocState *s, size_t size)
{
    void *ptr;

    if (!budget_allows(s, size) || !(ptr = malloc(size)))
        return NULL;
    budget_count(s, ptr, 1);
    return ptr;
}

static void budget_free(JSMallocState *s, void *ptr)
{
    if (!ptr)
        return;
    budget_count(s, ptr, -1);
    free(ptr);
}

static void *budget_realloc(JSMallocState *s, void *ptr, size_t size)
{
    size_t old;
    void *p;

    if (!ptr)
        return size ? budget_malloc(s, size) : NULL;
    if (size == 0) {
        budget_free(s, ptr);
        return NULL;
    }
    old = js_def_malloc_usable_size(ptr);
    if (size > old && !budget_allows(s, size - old))
        return NULL;
    p = realloc(ptr, size);
    if (!p)
        return NULL;
    size = js_def_malloc_usable_size(p);
    s->malloc_size += size - old;
    coro__budget_sub(s->opaque, old);
    coro__budget_add(s->opaque, size);
    return p;
}

static const JSMallocFunctions budget_malloc_funcs = {
    budget_malloc,
    budget_free,
    budget_realloc,
    js_def_malloc_usable_size,
};

JSRuntime *coro_qjs_new_runtime(coro_budget *b)
{
    return JS_NewRuntime2(&budget_malloc_funcs, b);
}

void *coro_qjs_disown(JSRuntime *rt, void *ptr)
{
    JSMallocState *s = &rt->malloc_state;

    lower_threshold(rt, block_size(ptr));
    budget_count(s, ptr, -1);
    return ptr;
}

int coro_qjs_adopt(JSRuntime *rt, void *ptr)
{
    JSMallocState *s = &rt->malloc_state;

    if (!budget_fits(s, block_size(ptr))) /* the sender's doing: the call fails */
        return -1;
    budget_count(s, ptr, 1);
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

size_t coro_qjs_array_buffer_bytes(JSRuntime *rt)
{
    struct list_head *el;
    size_t bytes = 0;

    list_for_each(el, &rt->gc_obj_list) {
        JSGCObjectHeader *gp = list_entry(el, JSGCObjectHeader, link);
        JSObject *p = (JSObject *)gp;

        if (gp->gc_obj_type != JS_GC_OBJ_TYPE_JS_OBJECT)
            continue;
        if ((p->class_id == JS_CLASS_ARRAY_BUFFER || p->class_id == JS_CLASS_SHARED_ARRAY_BUFFER) &&
            p->u.array_buffer && !p->u.array_buffer->detached)
            bytes += (size_t)p->u.array_buffer->byte_length;
    }
    return bytes;
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

int coro_qjs_is_detached(JSValueConst v)
{
    JSObject *p;

    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT)
        return 0;
    p = JS_VALUE_GET_OBJ(v);
    if (p->class_id == JS_CLASS_ARRAY_BUFFER)
        return p->u.array_buffer->detached;
    if ((p->class_id >= JS_CLASS_UINT8C_ARRAY && p->class_id <= JS_CLASS_FLOAT64_ARRAY) ||
        p->class_id == JS_CLASS_DATAVIEW)
        return p->u.typed_array->buffer->u.array_buffer->detached;
    return 0;
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

/* ------------------------------------------------------------------ */
/* "console.lg is not a function".
 *
 * QuickJS's message names nothing, although the bytecode that computed the
 * callee says what it was: `console.lg(x)` is `get_var console; get_field2
 * lg; <x>; call_method 1`. When a call instruction of a JS function finds
 * no function, its frame is the current one, its pc is just past the call,
 * and argv points into that frame's operand stack (the callee sits below
 * the arguments). The instructions before the call are decoded from the
 * start of the function (they have no fixed size), the last WINDOW of them
 * kept; then, walking back from the call, the stack depth before each is
 * computed (compute_depths), the instruction that pushed the callee's slot
 * is found, and named from its operand (a variable, a property of something
 * named the same way, a call's result). What cannot be named keeps
 * QuickJS's words, or is "(intermediate value)" as in V8. Nothing of this
 * runs until the error. */

#define WINDOW 256 /* instructions looked at before a call */
#define NAME_DEPTH 6 /* x.y.z... parts named at most */
#define UNKNOWN INT_MIN /* the depth of an instruction off the call's path */

typedef struct callee_window {
    JSContext *ctx;
    JSFunctionBytecode *b;
    uint32_t pos[WINDOW]; /* offsets of instructions, the call last */
    int before[WINDOW]; /* stack depth before each, relative to the call */
    int n;
} callee_window;

typedef struct name_buf {
    char s[128];
    size_t len;
} name_buf;

static void name_add(name_buf *nb, const char *s)
{
    size_t n = strlen(s);

    if (n > sizeof nb->s - 1 - nb->len)
        n = sizeof nb->s - 1 - nb->len;
    memcpy(nb->s + nb->len, s, n);
    nb->len += n;
    nb->s[nb->len] = '\0';
}

static void name_add_atom(name_buf *nb, JSContext *ctx, JSAtom atom)
{
    char buf[ATOM_GET_STR_BUF_SIZE];

    name_add(nb, JS_AtomGetStr(ctx, buf, sizeof buf, atom));
}

static int op_at(const callee_window *w, int i)
{
    return w->b->byte_code_buf[w->pos[i]];
}

static const uint8_t *operand(const callee_window *w, int i)
{
    return w->b->byte_code_buf + w->pos[i] + 1;
}

/* Values an instruction pops: a call's arguments count too. */
static int op_pops(const callee_window *w, int i)
{
    int op = op_at(w, i);
    const JSOpCode *oi = &short_opcode_info(op);

    if (oi->fmt == OP_FMT_npop || oi->fmt == OP_FMT_npop_u16)
        return oi->n_pop + get_u16(operand(w, i));
    if (oi->fmt == OP_FMT_npopx)
        return oi->n_pop + op - OP_call0;
    return oi->n_pop;
}

/* Where a jump goes (goto, if_true, if_false), or -1. */
static int64_t jump_target(const callee_window *w, int i)
{
    const uint8_t *p = operand(w, i);

    switch (op_at(w, i)) {
    case OP_goto: case OP_if_true: case OP_if_false:
        return (int64_t)w->pos[i] + 1 + (int32_t)get_u32(p);
    case OP_goto16:
        return (int64_t)w->pos[i] + 1 + (int16_t)get_u16(p);
    case OP_goto8: case OP_if_true8: case OP_if_false8:
        return (int64_t)w->pos[i] + 1 + (int8_t)p[0];
    default:
        return -1;
    }
}

/* Whether the next instruction does not follow this one. */
static int no_fallthrough(int op)
{
    return op == OP_goto || op == OP_goto16 || op == OP_goto8 || op == OP_return ||
           op == OP_return_undef || op == OP_return_async || op == OP_throw ||
           op == OP_throw_error || op == OP_ret || op == OP_tail_call || op == OP_tail_call_method;
}

/* The instruction at offset pos after i, or -1 (offsets increase). */
static int find_pos(const callee_window *w, int i, int64_t pos)
{
    int lo = i + 1, hi = w->n - 1, mid;

    while (lo <= hi) {
        mid = (lo + hi) / 2;
        if (w->pos[mid] == pos)
            return mid;
        if (w->pos[mid] < pos)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Decode the function up to `end` (just past the call); 0 if the
   instructions do not end exactly there. */
static int decode_window(callee_window *w, const uint8_t *end)
{
    const uint8_t *buf = w->b->byte_code_buf;
    uint32_t pos = 0, stop = end - buf, ring[WINDOW];
    int count = 0, op;

    if (end <= buf || stop > (uint32_t)w->b->byte_code_len)
        return 0;
    while (pos < stop) {
        op = buf[pos];
        if (op == 0 || op >= OP_COUNT)
            return 0;
        ring[count++ % WINDOW] = pos;
        pos += short_opcode_info(op).size;
    }
    if (pos != stop)
        return 0;
    w->n = count < WINDOW ? count : WINDOW;
    for (int i = 0; i < w->n; i++)
        w->pos[i] = ring[(count - w->n + i) % WINDOW];
    return 1;
}

/* Stack depths before each instruction, walking back from the call: the
   depth after an instruction is the depth before the one that follows it,
   or before its jump's target (a forward jump: the code of an expression
   has no loops). What reaches the call by neither is off its path: its
   depth is UNKNOWN. */
static void compute_depths(callee_window *w)
{
    int i, t, op, after;

    w->before[w->n - 1] = 0;
    for (i = w->n - 2; i >= 0; i--) {
        op = op_at(w, i);
        after = no_fallthrough(op) ? UNKNOWN : w->before[i + 1];
        if (after == UNKNOWN && (t = find_pos(w, i, jump_target(w, i))) >= 0)
            after = w->before[t];
        w->before[i] = after == UNKNOWN ? UNKNOWN
                                        : after - short_opcode_info(op).n_push + op_pops(w, i);
    }
}

static int name_slot(const callee_window *w, int end, int slot, name_buf *nb, int depth);

/* The index of the variable instruction i reads: in its operand, or in the
   opcode itself (get_loc0 ... get_loc3 count from op0 = OP_get_loc0). */
static int var_index(const callee_window *w, int i, int op0)
{
    switch (short_opcode_info(op_at(w, i)).fmt) {
    case OP_FMT_loc8:
        return operand(w, i)[0];
    case OP_FMT_loc: case OP_FMT_arg: case OP_FMT_var_ref:
        return (int)get_u16(operand(w, i));
    default:
        return op_at(w, i) - op0;
    }
}

/* The name of a global, local, argument or closure variable (or `this`)
   that instruction i reads. */
static int name_variable(const callee_window *w, int i, name_buf *nb)
{
    JSFunctionBytecode *b = w->b;
    int op = op_at(w, i), idx;
    JSAtom atom;

    switch (op) {
    case OP_get_var: case OP_get_var_undef:
        atom = get_u32(operand(w, i));
        break;
    case OP_get_loc: case OP_get_loc_check: case OP_get_loc8:
    case OP_get_loc0: case OP_get_loc1: case OP_get_loc2: case OP_get_loc3:
        idx = var_index(w, i, OP_get_loc0);
        if (!b->vardefs || idx >= b->var_count)
            return 0;
        atom = b->vardefs[b->arg_count + idx].var_name;
        break;
    case OP_get_arg: case OP_get_arg0: case OP_get_arg1: case OP_get_arg2: case OP_get_arg3:
        idx = var_index(w, i, OP_get_arg0);
        if (!b->vardefs || idx >= b->arg_count)
            return 0;
        atom = b->vardefs[idx].var_name;
        break;
    case OP_get_var_ref: case OP_get_var_ref_check:
    case OP_get_var_ref0: case OP_get_var_ref1: case OP_get_var_ref2: case OP_get_var_ref3:
        idx = var_index(w, i, OP_get_var_ref0);
        if (!b->closure_var || idx >= b->closure_var_count)
            return 0;
        atom = b->closure_var[idx].var_name;
        break;
    case OP_push_this:
        name_add(nb, "this");
        return 1;
    default:
        return 0;
    }
    if (atom == JS_ATOM_NULL)
        return 0;
    name_add_atom(nb, w->ctx, atom);
    return 1;
}

/* The last instruction before `end` that wrote stack slot `slot`: it
   popped down to the slot or below and pushed up past it. -1 if none. */
static int find_writer(const callee_window *w, int end, int slot)
{
    int i, base;

    for (i = end - 1; i >= 0; i--) {
        if (w->before[i] == UNKNOWN)
            continue;
        base = w->before[i] - op_pops(w, i);
        if (base <= slot && slot < base + short_opcode_info(op_at(w, i)).n_push)
            return i;
    }
    return -1;
}

static void name_int(name_buf *nb, int v)
{
    char num[16];

    snprintf(num, sizeof num, "%d", v);
    name_add(nb, num);
}

/* A computed key: .text (o["x"] is o.x, as V8 says), [1], [name], [...]. */
static void name_key(const callee_window *w, int end, int slot, name_buf *nb, int depth)
{
    int i = find_writer(w, end, slot), op = i < 0 ? -1 : op_at(w, i);
    const uint8_t *p = i < 0 ? NULL : operand(w, i);

    if (op == OP_push_atom_value) {
        name_add(nb, ".");
        name_add_atom(nb, w->ctx, get_u32(p));
        return;
    }
    name_add(nb, "[");
    if (op >= OP_push_minus1 && op <= OP_push_7)
        name_int(nb, op - OP_push_0);
    else if (op == OP_push_i8)
        name_int(nb, (int8_t)p[0]);
    else if (op == OP_push_i16)
        name_int(nb, (int16_t)get_u16(p));
    else if (op == OP_push_i32)
        name_int(nb, (int32_t)get_u32(p));
    else if (!name_slot(w, end, slot, nb, depth))
        name_add(nb, "...");
    name_add(nb, "]");
}

/* Name the value in stack slot `slot` (a depth relative to the call) as the
   instructions before `end` left it. 1 if named. */
static int name_slot(const callee_window *w, int end, int slot, name_buf *nb, int depth)
{
    int i = find_writer(w, end, slot), op, base;

    if (i < 0 || depth > NAME_DEPTH)
        return 0;
    op = op_at(w, i);
    base = w->before[i] - op_pops(w, i);
    switch (op) {
    case OP_dup: /* a -> a a */
        return name_slot(w, i, base, nb, depth);
    case OP_get_field2: case OP_get_array_el2: /* obj ... -> obj value */
        if (slot == base)
            return name_slot(w, i, base, nb, depth);
        /* fall through */
    case OP_get_field: case OP_get_length: case OP_get_array_el:
        if (!name_slot(w, i, base, nb, depth + 1))
            name_add(nb, "(intermediate value)");
        if (op == OP_get_array_el || op == OP_get_array_el2) {
            name_key(w, i, base + 1, nb, depth + 1);
        } else {
            name_add(nb, ".");
            name_add_atom(nb, w->ctx, op == OP_get_length ? JS_ATOM_length : get_u32(operand(w, i)));
        }
        return 1;
    case OP_call: case OP_call_method: case OP_call_constructor:
    case OP_call0: case OP_call1: case OP_call2: case OP_call3:
        if (!name_slot(w, i, base + (op == OP_call_method), nb, depth + 1))
            return 0;
        name_add(nb, "(...)");
        return 1;
    default:
        return name_variable(w, i, nb);
    }
}

/* Whether two values are the same bits (no conversion, no allocation). */
static int same_value_bits(JSValueConst a, JSValueConst b)
{
    int tag = JS_VALUE_GET_TAG(a);

    if (tag != JS_VALUE_GET_TAG(b))
        return 0;
    if (JS_VALUE_HAS_REF_COUNT(a))
        return JS_VALUE_GET_PTR(a) == JS_VALUE_GET_PTR(b);
    if (tag == JS_TAG_FLOAT64)
        return memcmp(&a, &b, sizeof a) == 0;
    return JS_VALUE_GET_INT(a) == JS_VALUE_GET_INT(b);
}

static int is_call_op(int op, BOOL is_ctor)
{
    if (is_ctor)
        return op == OP_call_constructor;
    return op == OP_call || op == OP_tail_call || op == OP_call_method ||
           op == OP_tail_call_method || (op >= OP_call0 && op <= OP_call3);
}

/* Name the callee of the call the current frame is making, if it is the
   call that found func_obj uncallable (argv is on the frame's operand stack,
   func_obj right below it, and the instruction before cur_pc is a call). */
static int callee_name(JSContext *ctx, JSValueConst func_obj, JSValueConst *argv, BOOL is_ctor,
                       name_buf *nb)
{
    JSStackFrame *sf = ctx->rt->current_stack_frame;
    int below = is_ctor ? 2 : 1, last, argc;
    callee_window w;
    JSValue *stack;
    JSObject *p;

    if (!sf || JS_VALUE_GET_TAG(sf->cur_func) != JS_TAG_OBJECT)
        return 0;
    p = JS_VALUE_GET_OBJ(sf->cur_func);
    if (!js_class_has_bytecode(p->class_id))
        return 0;
    w.ctx = ctx;
    w.b = p->u.func.function_bytecode;
    stack = sf->var_buf + w.b->var_count;
    if ((uintptr_t)argv < (uintptr_t)(stack + below) ||
        (uintptr_t)argv > (uintptr_t)(stack + w.b->stack_size) ||
        !same_value_bits(argv[-below], func_obj) || !decode_window(&w, sf->cur_pc))
        return 0;
    last = w.n - 1;
    if (!is_call_op(op_at(&w, last), is_ctor))
        return 0;
    argc = op_pops(&w, last) - short_opcode_info(op_at(&w, last)).n_pop;
    compute_depths(&w);
    return name_slot(&w, last, -argc - below, nb, 0);
}

static JSValue coro_throw_not_callable(JSContext *ctx, JSValueConst func_obj, JSValueConst *argv,
                                       BOOL is_ctor)
{
    const char *what = is_ctor ? "constructor" : "function";
    name_buf nb = { "", 0 };

    if (callee_name(ctx, func_obj, argv, is_ctor, &nb))
        return JS_ThrowTypeError(ctx, "%s is not a %s", nb.s, what);
    return JS_ThrowTypeError(ctx, "not a %s", what);
}

/* Walks the modules of m's graph not evaluated yet (seen: those visited):
   whether evaluating m now finishes at once. */
static int module_graph_state(JSModuleDef *m, JSModuleDef ***seen, size_t *n, size_t *cap)
{
    int state = CORO_QJS_MODULE_SYNC;

    if (m->status == JS_MODULE_STATUS_EVALUATED)
        return CORO_QJS_MODULE_SYNC;
    if (m->status == JS_MODULE_STATUS_EVALUATING)
        return CORO_QJS_MODULE_CYCLE;
    if (m->status == JS_MODULE_STATUS_EVALUATING_ASYNC || m->has_tla)
        return CORO_QJS_MODULE_ASYNC;
    for (size_t i = 0; i < *n; i++) {
        if ((*seen)[i] == m)
            return CORO_QJS_MODULE_SYNC;
    }
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        JSModuleDef **p = realloc(*seen, ncap * sizeof *p);
        if (!p)
            return -1;
        *seen = p;
        *cap = ncap;
    }
    (*seen)[(*n)++] = m;
    for (int i = 0; i < m->req_module_entries_count && state == CORO_QJS_MODULE_SYNC; i++) {
        JSModuleDef *dep = m->req_module_entries[i].module;
        if (dep)
            state = module_graph_state(dep, seen, n, cap);
    }
    return state;
}

JSValue coro_qjs_require_module(JSContext *ctx, const char *name, int *state)
{
    JSAtom atom = JS_NewAtom(ctx, name);
    JSModuleDef **seen = NULL, *m;
    size_t n = 0, cap = 0;
    JSValue promise;

    if (atom == JS_ATOM_NULL)
        return JS_EXCEPTION;
    m = js_find_loaded_module(ctx, atom);
    JS_FreeAtom(ctx, atom);
    if (!m)
        m = ctx->rt->module_loader_func(ctx, name, ctx->rt->module_loader_opaque);
    if (!m)
        return JS_EXCEPTION;
    if (js_resolve_module(ctx, m) < 0) {
        js_free_modules(ctx, JS_FREE_MODULE_NOT_RESOLVED);
        return JS_EXCEPTION;
    }
    *state = module_graph_state(m, &seen, &n, &cap); /* before linking: it asserts no cycle */
    free(seen);
    if (*state < 0)
        return JS_ThrowOutOfMemory(ctx);
    if (*state != CORO_QJS_MODULE_SYNC)
        return JS_UNDEFINED;
    if (coro_qjs_link_module(ctx, m) < 0)
        return JS_EXCEPTION;
    if (m->status != JS_MODULE_STATUS_EVALUATED) {
        promise = JS_EvalFunction(ctx, JS_DupValue(ctx, JS_MKPTR(JS_TAG_MODULE, m)));
        if (JS_IsException(promise))
            return promise;
        js_promise_mark_handled(ctx, promise); /* the error is thrown below */
        JS_FreeValue(ctx, promise);
    }
    if (m->eval_has_exception)
        return JS_Throw(ctx, JS_DupValue(ctx, m->eval_exception));
    return JS_GetModuleNamespace(ctx, m);
}

/* ------------------------------------------------------------------ */
/* What V8 tells Node about values (util.types, util.inspect). */

JSValue coro_qjs_made_by(JSContext *ctx, JSValueConst obj)
{
    JSObject *proto;
    JSShapeProperty *prs;
    JSProperty *pr;

    if (!JS_IsObject(obj) || ctx->rt->made_by_atom == JS_ATOM_NULL)
        return JS_UNDEFINED;
    proto = JS_VALUE_GET_OBJ(obj)->shape->proto;
    if (!proto || proto->class_id != JS_CLASS_OBJECT)
        return JS_UNDEFINED;
    prs = find_own_property(&pr, proto, ctx->rt->made_by_atom);
    if (!prs || (prs->flags & JS_PROP_TMASK) != JS_PROP_NORMAL)
        return JS_UNDEFINED;
    return JS_DupValue(ctx, pr->u.value);
}

JSValue coro_qjs_class_name(JSContext *ctx, JSValueConst v)
{
    JSObject *p;

    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT)
        return JS_UNDEFINED;
    p = JS_VALUE_GET_OBJ(v);
    switch (p->class_id) {
    case JS_CLASS_MODULE_NS: /* QuickJS names these two "Object" */
        return JS_NewString(ctx, "Module");
    case JS_CLASS_PROXY:
        return JS_NewString(ctx, "Proxy");
    default:
        return JS_AtomToString(ctx, ctx->rt->class_array[p->class_id].class_name);
    }
}

/* Where entries start: the map's state and first record link, and what
   each record gives (the iterator's kind; for a set, the key is the
   value). NULL for a value that has no entries. */
static JSMapState *entries_start(JSValueConst v, struct list_head **first, int *kind, int *is_set)
{
    JSObject *p = JS_VALUE_GET_OBJ(v);
    JSMapIteratorData *it;
    JSMapState *s;

    switch (p->class_id) {
    case JS_CLASS_MAP:
    case JS_CLASS_WEAKMAP:
    case JS_CLASS_SET:
    case JS_CLASS_WEAKSET:
        s = p->u.map_state;
        *is_set = p->class_id == JS_CLASS_SET || p->class_id == JS_CLASS_WEAKSET;
        *kind = *is_set ? JS_ITERATOR_KIND_KEY : JS_ITERATOR_KIND_KEY_AND_VALUE;
        *first = s->records.next;
        return s;
    case JS_CLASS_MAP_ITERATOR:
    case JS_CLASS_SET_ITERATOR:
        it = p->u.map_iterator_data;
        *is_set = p->class_id == JS_CLASS_SET_ITERATOR;
        *kind = it->kind;
        if (JS_IsUndefined(it->obj)) /* finished */
            return NULL;
        s = JS_VALUE_GET_OBJ(it->obj)->u.map_state;
        *first = it->cur_record ? it->cur_record->link.next : s->records.next;
        return s;
    default:
        return NULL;
    }
}

JSValue coro_qjs_preview_entries(JSContext *ctx, JSValueConst v, int *key_value)
{
    struct list_head *first = NULL, *el;
    int kind = JS_ITERATOR_KIND_KEY, is_set = 0, n = 0, per;
    JSMapState *s;
    JSValue *tab, arr;

    if (JS_VALUE_GET_TAG(v) != JS_TAG_OBJECT)
        return JS_UNDEFINED;
    s = entries_start(v, &first, &kind, &is_set);
    if (!s) {
        JSObject *p = JS_VALUE_GET_OBJ(v);
        if (p->class_id != JS_CLASS_MAP_ITERATOR && p->class_id != JS_CLASS_SET_ITERATOR)
            return JS_UNDEFINED;
        *key_value = kind == JS_ITERATOR_KIND_KEY_AND_VALUE;
        return JS_NewArray(ctx);
    }
    *key_value = kind == JS_ITERATOR_KIND_KEY_AND_VALUE;
    per = *key_value ? 2 : 1;
    for (el = first; el != &s->records; el = el->next)
        n += !list_entry(el, JSMapRecord, link)->empty;
    /* copied out first: making the array may collect, and a weak
       collection's records may go then */
    tab = js_malloc(ctx, sizeof *tab * (n * per + 1));
    if (!tab)
        return JS_EXCEPTION;
    n = 0;
    for (el = first; el != &s->records; el = el->next) {
        JSMapRecord *mr = list_entry(el, JSMapRecord, link);
        if (mr->empty)
            continue;
        if (kind != JS_ITERATOR_KIND_VALUE || is_set)
            tab[n++] = JS_DupValue(ctx, mr->key);
        if (kind == JS_ITERATOR_KIND_KEY_AND_VALUE || (kind == JS_ITERATOR_KIND_VALUE && !is_set))
            tab[n++] = JS_DupValue(ctx, is_set ? mr->key : mr->value);
    }
    arr = js_create_array(ctx, n, tab);
    for (int i = 0; i < n; i++)
        JS_FreeValue(ctx, tab[i]);
    js_free(ctx, tab);
    return arr;
}

/* Whether a key with these JS_PROP_* flags and this atom passes the
   filter (an accessor passes ONLY_WRITABLE, as in V8). */
static int key_passes(JSContext *ctx, JSAtom atom, int flags, int accessor, int filter, int symbols)
{
    uint32_t idx;

    if (JS_AtomIsArrayIndex(ctx, &idx, atom) || (JS_AtomIsString(ctx, atom) ? symbols : !symbols))
        return 0;
    if (JS_AtomIsString(ctx, atom) ? filter & CORO_KEYS_SKIP_STRINGS : filter & CORO_KEYS_SKIP_SYMBOLS)
        return 0;
    if ((filter & CORO_KEYS_ONLY_ENUMERABLE) && !(flags & JS_PROP_ENUMERABLE))
        return 0;
    if ((filter & CORO_KEYS_ONLY_CONFIGURABLE) && !(flags & JS_PROP_CONFIGURABLE))
        return 0;
    if ((filter & CORO_KEYS_ONLY_WRITABLE) && !(flags & JS_PROP_WRITABLE) && !accessor)
        return 0;
    return 1;
}

/* A proxy's keys, through its traps. */
static int proxy_keys(JSContext *ctx, JSValueConst obj, int filter, int symbols, JSValue arr, uint32_t *n)
{
    JSPropertyEnum *tab;
    uint32_t len;
    int ret = 0;

    if (JS_GetOwnPropertyNames(ctx, &tab, &len, obj, JS_GPN_STRING_MASK | JS_GPN_SYMBOL_MASK) < 0)
        return -1;
    for (uint32_t i = 0; i < len && ret == 0; i++) {
        JSPropertyDescriptor d;
        int has = JS_GetOwnProperty(ctx, &d, obj, tab[i].atom);
        if (has < 0) {
            ret = -1;
        } else if (has) {
            if (key_passes(ctx, tab[i].atom, d.flags, (d.flags & JS_PROP_GETSET) != 0, filter, symbols) &&
                JS_SetPropertyUint32(ctx, arr, (*n)++, JS_AtomToValue(ctx, tab[i].atom)) < 0)
                ret = -1;
            JS_FreeValue(ctx, d.value);
            JS_FreeValue(ctx, d.getter);
            JS_FreeValue(ctx, d.setter);
        }
    }
    js_free_prop_enum(ctx, tab, len);
    return ret;
}

JSValue coro_qjs_own_non_index_keys(JSContext *ctx, JSValueConst obj, int filter)
{
    JSValue arr;
    JSObject *p;
    uint32_t n = 0;

    if (!JS_IsObject(obj))
        return JS_ThrowTypeError(ctx, "not an object");
    arr = JS_NewArray(ctx);
    if (JS_IsException(arr))
        return arr;
    p = JS_VALUE_GET_OBJ(obj);
    for (int symbols = 0; symbols < 2; symbols++) {
        if (p->class_id == JS_CLASS_PROXY) {
            if (proxy_keys(ctx, obj, filter, symbols, arr, &n) < 0)
                goto fail;
            continue;
        }
        /* the shape does not change below: setting the new array's
           elements runs no JS and touches no other object */
        JSShape *sh = p->shape;
        JSShapeProperty *prs = get_shape_prop(sh);
        for (int i = 0; i < sh->prop_count; i++, prs++) {
            int accessor = (prs->flags & JS_PROP_TMASK) == JS_PROP_GETSET;
            if (prs->atom == JS_ATOM_NULL || !key_passes(ctx, prs->atom, prs->flags, accessor, filter, symbols))
                continue;
            if (JS_SetPropertyUint32(ctx, arr, n++, JS_AtomToValue(ctx, prs->atom)) < 0)
                goto fail;
        }
    }
    return arr;
fail:
    JS_FreeValue(ctx, arr);
    return JS_EXCEPTION;
}

/* ------------------------------------------------------------------ */
/* Strings' characters in place, for src/prim/buffer.c. */

JSValue coro_qjs_string_chars(JSContext *ctx, JSValueConst v, coro_qjs_chars *c)
{
    JSValue flat;
    JSString *str;

    if (JS_VALUE_GET_TAG(v) == JS_TAG_STRING_ROPE)
        flat = js_linearize_string_rope(ctx, JS_DupValue(ctx, v));
    else if (JS_VALUE_GET_TAG(v) == JS_TAG_STRING)
        flat = JS_DupValue(ctx, v);
    else
        return JS_ThrowTypeError(ctx, "not a string");
    if (JS_IsException(flat))
        return flat;
    str = JS_VALUE_GET_STRING(flat);
    c->len = str->len;
    c->wide = str->is_wide_char;
    c->p8 = c->wide ? NULL : str->u.str8;
    c->p16 = c->wide ? str->u.str16 : NULL;
    return flat;
}

JSValue coro_qjs_new_latin1(JSContext *ctx, const uint8_t *s, size_t len)
{
    if (len > JS_STRING_LEN_MAX)
        return JS_ThrowRangeError(ctx, "Cannot create a string longer than 0x%x characters", JS_STRING_LEN_MAX);
    return js_new_string8_len(ctx, (const char *)s, (int)len);
}

JSValue coro_qjs_new_utf16(JSContext *ctx, const uint16_t *s, size_t len)
{
    if (len > JS_STRING_LEN_MAX)
        return JS_ThrowRangeError(ctx, "Cannot create a string longer than 0x%x characters", JS_STRING_LEN_MAX);
    if (len == 0)
        return JS_AtomToString(ctx, JS_ATOM_empty_string);
    return js_new_string16_len(ctx, s, (int)len);
}

JSValue coro_qjs_new_string16(JSContext *ctx, size_t len, uint16_t **chars)
{
    JSString *str;

    if (len > JS_STRING_LEN_MAX)
        return JS_ThrowRangeError(ctx, "Cannot create a string longer than 0x%x characters", JS_STRING_LEN_MAX);
    str = js_alloc_string(ctx, len ? (int)len : 1, 1);
    if (!str)
        return JS_EXCEPTION;
    str->len = len;
    *chars = str->u.str16;
    return JS_MKPTR(JS_TAG_STRING, str);
}

JSValue coro_qjs_new_string8(JSContext *ctx, size_t len, uint8_t **chars)
{
    JSString *str;

    if (len > JS_STRING_LEN_MAX)
        return JS_ThrowRangeError(ctx, "Cannot create a string longer than 0x%x characters", JS_STRING_LEN_MAX);
    str = js_alloc_string(ctx, len ? (int)len : 1, 0);
    if (!str)
        return JS_EXCEPTION;
    str->len = len;
    str->u.str8[len] = '\0';
    *chars = str->u.str8;
    return JS_MKPTR(JS_TAG_STRING, str);
}

/* ------------------------------------------------------------------ */
/* Error stacks as V8 makes them (patch 0010; the text and the call sites
 * are src/core/stack.c's).
 *
 * Where QuickJS wrote an error's frames into a string as the error was
 * made, build_backtrace1 now calls coro_qjs_capture_backtrace, which copies
 * each frame's function name, file, line and column (a coro_backtrace, up
 * to Error.stackTraceLimit frames) and gives the error an autoinit `stack`
 * property holding them. The first read of it (a get, a descriptor, a
 * redefinition) calls coro_qjs_backtrace_init, which makes the text and
 * calls Error.prepareStackTrace. That runs JS, which may change the object,
 * so the property is made a plain one first and looked up again after. */

/* obj's own data property `atom`, without running anything (V8 reads
   Error.stackTraceLimit that way). */
static JSValueConst own_data(JSValueConst obj, JSAtom atom)
{
    JSProperty *pr;
    JSShapeProperty *prs;

    if (JS_VALUE_GET_TAG(obj) != JS_TAG_OBJECT)
        return JS_UNDEFINED;
    prs = find_own_property(&pr, JS_VALUE_GET_OBJ(obj), atom);
    if (!prs || (prs->flags & JS_PROP_TMASK) != JS_PROP_NORMAL)
        return JS_UNDEFINED;
    return pr->u.value;
}

JSValueConst coro_qjs_error_ctor(JSContext *ctx)
{
    return own_data(ctx->class_proto[JS_CLASS_ERROR], JS_ATOM_constructor);
}

/* How many frames to keep: Error.stackTraceLimit, or -1 if it is not a
   number (then errors get no stack, as in V8). */
static int stack_limit(JSContext *ctx)
{
    JSValueConst v = own_data(coro_qjs_error_ctor(ctx), JS_ATOM_stackTraceLimit);
    double d;

    if (JS_VALUE_GET_TAG(v) == JS_TAG_INT)
        d = JS_VALUE_GET_INT(v);
    else if (JS_TAG_IS_FLOAT64(JS_VALUE_GET_TAG(v)))
        d = JS_VALUE_GET_FLOAT64(v);
    else
        return -1;
    if (!(d > 0))
        return 0;
    return d < INT_MAX / 2 ? (int)d : INT_MAX / 2;
}

/* A class constructor begins with OP_check_ctor, after at most a few
   instructions that set up `this` and the arguments. */
static int is_class_constructor(const JSFunctionBytecode *b)
{
    const uint8_t *pc = b->byte_code_buf, *end = pc + b->byte_code_len;

    for (int i = 0; i < 6 && pc < end; i++) {
        if (*pc == OP_check_ctor)
            return 1;
        pc += short_opcode_info(*pc).size;
    }
    return 0;
}

static void fill_frame(JSContext *ctx, JSStackFrame *sf, coro_frame *f)
{
    JSObject *p = JS_VALUE_GET_OBJ(sf->cur_func);
    JSValueConst name = own_data(sf->cur_func, JS_ATOM_name);
    JSFunctionBytecode *b;

    f->name = JS_IsString(name) ? JS_DupValue(ctx, name) : JS_UNDEFINED;
    f->file = JS_ATOM_NULL;
    f->line = f->col = 0;
    f->flags = CORO_FRAME_NATIVE;
    if (!js_class_has_bytecode(p->class_id))
        return;
    b = p->u.func.function_bytecode;
    f->flags = 0;
    if (b->is_direct_or_indirect_eval)
        f->flags |= CORO_FRAME_EVAL;
    else if (b->func_name == JS_ATOM__eval_)
        f->flags |= CORO_FRAME_TOP;
    if (is_class_constructor(b))
        f->flags |= CORO_FRAME_CONSTRUCTOR;
    if (b->has_debug) {
        f->file = JS_DupAtom(ctx, b->debug.filename);
        f->line = find_line_num(ctx, b, sf->cur_pc - b->byte_code_buf - 1, &f->col);
    }
}

static int frame_is_js(JSStackFrame *sf)
{
    return JS_VALUE_GET_TAG(sf->cur_func) == JS_TAG_OBJECT && !(sf->js_mode & JS_MODE_BACKTRACE_BARRIER);
}

/* Function.prototype.call and apply and Reflect.apply make no frame of
   their own in V8, so V8's stacks never show them: packages that pick call
   sites by position (depd) count on that. */
static int frame_is_hidden(JSStackFrame *sf)
{
    JSObject *p = JS_VALUE_GET_OBJ(sf->cur_func);
    JSCFunctionType f;

    if (p->class_id != JS_CLASS_C_FUNCTION)
        return 0;
    f = p->u.cfunc.c_function;
    return f.generic == js_function_call || f.generic == js_reflect_apply ||
           f.generic_magic == js_function_apply;
}

/* The first frame to keep: below the innermost call of `until` if it is a
   function (NULL if it is not running), else below `skip` frames. */
static JSStackFrame *first_kept(JSContext *ctx, int skip, JSValueConst until)
{
    JSStackFrame *sf = ctx->rt->current_stack_frame;

    if (JS_IsFunction(ctx, until)) {
        for (; sf && frame_is_js(sf); sf = sf->prev_frame) {
            if (JS_VALUE_GET_PTR(sf->cur_func) == JS_VALUE_GET_PTR(until))
                return sf->prev_frame;
        }
        return NULL;
    }
    for (; sf && skip > 0; skip--)
        sf = sf->prev_frame;
    return sf;
}

/* The frames from `sf` down, at most `limit`, after an extra first one for
   a parse error's place if `filename` is set. NULL when out of memory. */
static coro_backtrace *take_frames(JSContext *ctx, JSStackFrame *sf, int limit,
                                   const char *filename, int line_num, int col_num)
{
    coro_backtrace *bt;
    JSStackFrame *s;
    int n = filename != NULL;

    for (s = sf; s && frame_is_js(s) && n < limit; s = s->prev_frame)
        n += !frame_is_hidden(s);
    n = n < limit ? n : limit;
    bt = js_malloc(ctx, sizeof *bt + n * sizeof bt->frames[0]);
    if (!bt)
        return NULL;
    bt->count = 0;
    if (filename && n > 0) {
        coro_frame *f = &bt->frames[bt->count++];

        f->name = JS_UNDEFINED;
        f->file = JS_NewAtom(ctx, filename);
        f->line = line_num < 0 ? 0 : line_num;
        f->col = col_num;
        f->flags = 0;
    }
    for (s = sf; bt->count < n; s = s->prev_frame) {
        if (!frame_is_hidden(s))
            fill_frame(ctx, s, &bt->frames[bt->count++]);
    }
    return bt;
}

static void coro_qjs_backtrace_free(JSRuntime *rt, void *opaque)
{
    coro_backtrace *bt = opaque;

    for (int i = 0; i < bt->count; i++) {
        JS_FreeValueRT(rt, bt->frames[i].name);
        if (bt->frames[i].file != JS_ATOM_NULL)
            JS_FreeAtomRT(rt, bt->frames[i].file);
    }
    js_free_rt(rt, bt);
}

/* Give obj (which has no own `stack`) the frames from sf down. An exotic
   object (a proxy, an array) gets its text at once, through its own
   [[DefineOwnProperty]]. */
static int attach_frames(JSContext *ctx, JSValueConst obj, JSStackFrame *sf,
                         const char *filename, int line_num, int col_num)
{
    int limit = stack_limit(ctx), ret;
    coro_backtrace *bt;
    JSValue text;

    if (limit < 0)
        return JS_DefinePropertyValue(ctx, obj, JS_ATOM_stack, JS_UNDEFINED,
                                      JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    bt = take_frames(ctx, sf, limit, filename, line_num, col_num);
    if (!bt)
        return -1;
    if (!JS_VALUE_GET_OBJ(obj)->is_exotic) {
        ret = JS_DefineAutoInitProperty(ctx, obj, JS_ATOM_stack, JS_AUTOINIT_ID_BACKTRACE, bt,
                                        JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        if (ret < 0)
            coro_qjs_backtrace_free(ctx->rt, bt);
        return ret;
    }
    text = coro__stack_text(ctx, obj, bt);
    coro_qjs_backtrace_free(ctx->rt, bt);
    if (JS_IsException(text))
        return -1;
    return JS_DefinePropertyValue(ctx, obj, JS_ATOM_stack, text,
                                  JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE | JS_PROP_THROW);
}

/* Called where QuickJS built its backtrace: for a new error, or one thrown
   without a stack. A stack is best effort: no exception comes out. */
static void coro_qjs_capture_backtrace(JSContext *ctx, JSValueConst error_obj,
                                       const char *filename, int line_num, int col_num,
                                       int skip)
{
    JSProperty *pr;

    if (find_own_property(&pr, JS_VALUE_GET_OBJ(error_obj), JS_ATOM_stack))
        return;
    if (attach_frames(ctx, error_obj, first_kept(ctx, skip, JS_UNDEFINED),
                      filename, line_num, col_num) < 0)
        JS_FreeValue(ctx, JS_GetException(ctx));
}

int coro_qjs_capture_stack(JSContext *ctx, JSValueConst obj, JSValueConst until)
{
    JSProperty *pr;

    if (!JS_IsExtensible(ctx, obj)) {
        JS_ThrowTypeError(ctx, "Cannot define property stack, object is not extensible");
        return -1;
    }
    if (find_own_property(&pr, JS_VALUE_GET_OBJ(obj), JS_ATOM_stack) &&
        JS_DeleteProperty(ctx, obj, JS_ATOM_stack, JS_PROP_THROW) < 0)
        return -1;
    /* the first frame is Error.captureStackTrace's own */
    return attach_frames(ctx, obj, first_kept(ctx, 1, until), NULL, 0, 0);
}

/* Put val in p's own `stack` if that is still a plain property holding
   `expect` (JS may have set or removed it meanwhile: then it stays). */
static void store_stack(JSContext *ctx, JSObject *p, JSAtom prop, JSValueConst expect, JSValue val)
{
    JSProperty *pr;
    JSShapeProperty *prs = find_own_property(&pr, p, prop);

    if (prs && (prs->flags & JS_PROP_TMASK) == JS_PROP_NORMAL && same_value_bits(pr->u.value, expect)) {
        JS_FreeValue(ctx, pr->u.value);
        pr->u.value = val;
    } else {
        JS_FreeValue(ctx, val);
    }
}

/* The first read of a lazy `stack` (see JS_AutoInitProperty). While JS runs
   it holds undefined, then the text, then what prepareStackTrace returned,
   so prepareStackTrace reading error.stack gets the text, as in V8. */
static int coro_qjs_backtrace_init(JSContext *ctx, JSObject *p, JSAtom prop,
                                   JSProperty *pr, JSShapeProperty *prs)
{
    JSContext *realm = js_autoinit_get_realm(pr); /* the property's reference, ours now */
    coro_backtrace *bt = pr->u.init.opaque;
    JSValue obj = JS_DupValue(ctx, JS_MKPTR(JS_TAG_OBJECT, p)), text, res = JS_UNDEFINED;
    int called = 0, ret = -1;

    prs->flags &= ~JS_PROP_TMASK;
    pr->u.value = JS_UNDEFINED;
    text = coro__stack_text(realm, obj, bt);
    if (JS_IsException(text))
        goto done;
    store_stack(ctx, p, prop, JS_UNDEFINED, JS_DupValue(ctx, text));
    res = coro__stack_prepare(realm, obj, bt, &called);
    if (JS_IsException(res))
        goto done;
    if (called)
        store_stack(ctx, p, prop, text, res);
    else
        JS_FreeValue(ctx, res);
    ret = 0;
done:
    JS_FreeValue(ctx, text);
    coro_qjs_backtrace_free(ctx->rt, bt);
    JS_FreeValue(ctx, obj);
    JS_FreeContext(realm);
    return ret;
}

void coro_qjs_set_global(JSContext *ctx, JSValue global)
{
    JS_FreeValue(ctx, ctx->global_obj);
    ctx->global_obj = global;
}

void coro_qjs_mark_context(JSRuntime *rt, JSContext *ctx, JS_MarkFunc *mark_func)
{
    mark_func(rt, &ctx->header);
}

JSValue coro_qjs_eval_at(JSContext *ctx, const char *src, size_t len, const char *filename,
                         int line, int col, int flags)
{
    JSValue r;

    ctx->parse_line_offset = line; /* deps/patches/quickjs/0013-vm-contexts.patch */
    ctx->parse_col_offset = col;
    r = JS_Eval(ctx, src, len, filename, flags);
    ctx->parse_line_offset = 0;
    ctx->parse_col_offset = 0;
    return r;
}

JSValue coro_qjs_new_private_symbol(JSContext *ctx, const char *description)
{
    JSAtom atom = JS_NewAtom(ctx, description);
    JSValue sym;

    if (atom == JS_ATOM_NULL)
        return JS_EXCEPTION;
    sym = JS_NewSymbolFromAtom(ctx, atom, JS_ATOM_TYPE_PRIVATE);
    JS_FreeAtom(ctx, atom);
    return sym;
}

void coro_qjs_interrupt_handler(JSRuntime *rt, JSInterruptHandler **fn, void **opaque)
{
    *fn = rt->interrupt_handler;
    *opaque = rt->interrupt_opaque;
}
