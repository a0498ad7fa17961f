/*
 * prim/syscall.c: __primordials.syscall, the raw Linux system call under
 * corojs:syscall, for trusted code (the syscall capability).
 *
 * Arguments become the kernel's six machine words: a number or a BigInt is
 * passed as that number, null as 0, a string as a pointer to a NUL-terminated
 * copy, and an ArrayBuffer, typed array or DataView as a pointer to its bytes,
 * pinned for the call (nothing can detach or free them meanwhile). Nothing
 * else turns into a pointer: JS never learns an address from here, and a
 * number is never read as one by us. What the kernel does with a number it
 * takes for an address is the kernel's business (EFAULT, or memory the
 * process owns): that is why this is a capability.
 *
 * A call runs either inline, on the loop's thread (fast calls that never
 * block: lib/syscall.js keeps the list), or on libuv's thread pool, parking
 * only the calling fiber; meanwhile it holds one of its isolate's slots in
 * the pool (coro_pool_take), as files do. A pooled call of an isolate that
 * is torn down is interrupted: the pool thread gets INTERRUPT_SIGNAL (no
 * SA_RESTART), so a read or a wait that would block for ever returns EINTR,
 * and the fiber unwinds once the call is back.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "prim.h"
#include "core/binding.h"
#include "core/quickjs_ext.h"
#include "core/run.h"
#include "core/wait.h"

#define MAX_ARGS 6
#define INTERRUPT_SIGNAL SIGURG /* ignored by default, used by nothing of ours */
#define INTERRUPT_RETRY_MS 10   /* a signal can land just before the call starts */

enum { CALL_POOL = 1, CALL_WIDE = 2 }; /* flags from lib/syscall.js */
enum { QUEUED, IN_KERNEL, RETURNED };

/* The arguments as the kernel gets them, and what holds their memory. */
typedef struct sys_args {
    long v[MAX_ARGS];
    char *copies[MAX_ARGS]; /* NUL-terminated copies of strings */
    JSValue pinned[MAX_ARGS];
    int n;
} sys_args;

/* A call on the thread pool; it lives on the calling fiber's stack. */
typedef struct pooled_call {
    uv_work_t work;
    long nr;
    const long *args;
    long ret;
    pthread_t thread;
    atomic_int state;
    atomic_int cancel;
    int finished;       /* its after-work callback ran */
    coro_fiber *fiber;
} pooled_call;

static long raw_syscall(long nr, const long *a)
{
    long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);

    return r == -1 ? -errno : r; /* the kernel's own -4095..-1 convention */
}

static void free_args(JSContext *ctx, sys_args *a)
{
    for (int i = 0; i < a->n; i++) {
        js_free(ctx, a->copies[i]);
        if (!JS_IsUndefined(a->pinned[i]))
            coro_qjs_unpin(ctx, a->pinned[i]);
    }
}

/* A number (an integer from -2^63 to 2^64 - 1), taken as the machine word. */
static int number_arg(JSContext *ctx, JSValueConst v, const char *name, long *out)
{
    double d;

    JS_ToFloat64(ctx, &d, v);
    if (d != d || trunc(d) != d || d < -9223372036854775808.0 || d >= 18446744073709551616.0) {
        coro_throw_arg_range(ctx, name, "an integer from -2^63 to 2^64 - 1", v);
        return -1;
    }
    *out = d < 0 ? (long)(long long)d : (long)(unsigned long long)d;
    return 0;
}

static int string_arg(JSContext *ctx, JSValueConst v, const char *name, char **copy)
{
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, v);

    if (!s)
        return -1;
    if (memchr(s, '\0', len)) {
        JS_FreeCString(ctx, s);
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE",
                        "The argument '%s' must be a string without null bytes", name);
        return -1;
    }
    *copy = js_malloc(ctx, len + 1); /* the kernel may write into it: never into a JS string */
    if (*copy)
        memcpy(*copy, s, len + 1);
    JS_FreeCString(ctx, s);
    return *copy ? 0 : -1;
}

static int buffer_arg(JSContext *ctx, JSValueConst v, const char *name, long *out, JSValue *pinned)
{
    size_t len;
    uint8_t *p = coro_qjs_pin_bytes(ctx, v, &len, pinned);

    if (!p) {
        coro_throw_arg_type(ctx, name, "a number, a bigint, a string, null or an ArrayBuffer, "
                                       "TypedArray or DataView (not shared, not detached)", v);
        return -1;
    }
    *out = (long)(uintptr_t)p;
    return 0;
}

static int read_arg(JSContext *ctx, JSValueConst v, int i, sys_args *a)
{
    char name[24];
    int64_t big;

    snprintf(name, sizeof name, "args[%d]", i);
    a->copies[i] = NULL;
    a->pinned[i] = JS_UNDEFINED;
    a->v[i] = 0;
    if (JS_IsNumber(v))
        return number_arg(ctx, v, name, &a->v[i]);
    if (JS_IsBigInt(ctx, v)) { /* lib/syscall.js has checked the range */
        if (JS_ToBigInt64(ctx, &big, v) < 0)
            return -1;
        a->v[i] = (long)big;
        return 0;
    }
    if (JS_IsNull(v))
        return 0;
    if (JS_IsString(v)) {
        if (string_arg(ctx, v, name, &a->copies[i]) < 0)
            return -1;
        a->v[i] = (long)(uintptr_t)a->copies[i];
        return 0;
    }
    return buffer_arg(ctx, v, name, &a->v[i], &a->pinned[i]);
}

static void interrupt_handler(int sig)
{
    (void)sig; /* its only job is to make the blocked call return EINTR */
}

static void install_interrupt_handler(void)
{
    static int installed;
    struct sigaction sa;

    if (installed)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = interrupt_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(INTERRUPT_SIGNAL, &sa, NULL); /* no SA_RESTART */
    installed = 1;
}

static void pool_work(uv_work_t *w)
{
    pooled_call *c = (pooled_call *)w;

    c->thread = pthread_self();
    atomic_store(&c->state, IN_KERNEL);
    c->ret = atomic_load(&c->cancel) ? -EINTR : raw_syscall(c->nr, c->args);
    atomic_store(&c->state, RETURNED);
}

static void pool_done(uv_work_t *w, int status)
{
    pooled_call *c = (pooled_call *)w;

    if (status == UV_ECANCELED)
        c->ret = -EINTR;
    c->finished = 1;
    coro_fiber_wake(c->fiber, 0);
}

/* The isolate ends: get the call back from the pool before the fiber unwinds. */
static void interrupt_pooled(pooled_call *c)
{
    atomic_store(&c->cancel, 1);
    uv_cancel((uv_req_t *)&c->work); /* not started yet: it never will */
    while (!c->finished) {
        if (atomic_load(&c->state) == IN_KERNEL)
            pthread_kill(c->thread, INTERRUPT_SIGNAL);
        coro_fiber_park_timeout(INTERRUPT_RETRY_MS, CORO_PARK_NOINTERRUPT);
    }
}

/* Run the call on the pool; 0 with *ret set, or -1 with an exception pending. */
static int run_pooled(JSContext *ctx, long nr, const long *args, long *ret)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    pooled_call c = { .nr = nr, .args = args, .fiber = coro_fiber_current() };
    int err;

    install_interrupt_handler();
    atomic_init(&c.state, QUEUED);
    atomic_init(&c.cancel, 0);
    if (coro_pool_take(ctx) < 0)
        return -1;
    err = uv_queue_work(coro_loop(), &c.work, pool_work, pool_done);
    if (err < 0) {
        coro_pool_give(ctx);
        coro_throw_uv(ctx, err, "syscall", NULL, NULL);
        return -1;
    }
    while (!c.finished && !iso->terminating)
        coro_fiber_park(0);
    if (!c.finished)
        interrupt_pooled(&c);
    coro_pool_give(ctx);
    if (iso->terminating) {
        coro_throw_terminated(ctx);
        return -1;
    }
    *ret = c.ret;
    return 0;
}

/* call(flags, nr, ...args) -> the kernel's return (-errno on failure), a
   number, or a BigInt with CALL_WIDE. Only lib/syscall.js calls it. */
static JSValue js_syscall_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    sys_args a = { .n = 0 };
    int64_t flags, nr;
    long ret;
    int failed = 0;

    if (!coro_isolate_allow(ctx, CORO_CAP_SYSCALL, "syscall"))
        return JS_EXCEPTION;
    if (coro_arg_integer(ctx, argv[0], "flags", 0, 3, &flags) < 0 ||
        coro_arg_integer(ctx, argv[1], "nr", 0, 0x7fffffff, &nr) < 0)
        return JS_EXCEPTION;
    if (argc - 2 > MAX_ARGS) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE",
                        "A system call takes at most %d arguments, got %d", MAX_ARGS, argc - 2);
        return JS_EXCEPTION;
    }
    while (a.n < argc - 2 && !failed) {
        failed = read_arg(ctx, argv[a.n + 2], a.n, &a) < 0;
        a.n++; /* what read_arg set up is freed even when it failed */
    }
    for (int i = a.n; i < MAX_ARGS; i++)
        a.v[i] = 0;
    if (!failed) {
        if (flags & CALL_POOL)
            failed = run_pooled(ctx, (long)nr, a.v, &ret) < 0;
        else
            ret = raw_syscall((long)nr, a.v);
    }
    free_args(ctx, &a);
    if (failed)
        return JS_EXCEPTION;
    return flags & CALL_WIDE ? JS_NewBigInt64(ctx, ret) : JS_NewInt64(ctx, ret);
}

/* check(): throws ERR_ACCESS_DENIED unless this isolate holds the capability */
static JSValue js_syscall_check(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_isolate_allow(ctx, CORO_CAP_SYSCALL, "corojs:syscall") ? JS_UNDEFINED : JS_EXCEPTION;
}

/* errorName(errno) -> 'ENOENT' (undefined for a number no errno has);
   errorMessage(errno) -> 'No such file or directory' */
static JSValue js_syscall_error_text(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv, int message)
{
    int64_t e;
    const char *text;

    if (coro_arg_integer(ctx, argv[0], "errno", 0, 4095, &e) < 0)
        return JS_EXCEPTION;
    text = message ? strerrordesc_np((int)e) : strerrorname_np((int)e);
    if (!text)
        return message ? JS_NewString(ctx, "Unknown error") : JS_UNDEFINED;
    return JS_NewString(ctx, text);
}

static const JSCFunctionListEntry syscall_funcs[] = {
    JS_CFUNC_DEF("call", 2, js_syscall_call),
    JS_CFUNC_DEF("check", 0, js_syscall_check),
    JS_CFUNC_MAGIC_DEF("errorName", 1, js_syscall_error_text, 0),
    JS_CFUNC_MAGIC_DEF("errorMessage", 1, js_syscall_error_text, 1),
};

int coro_prim_syscall_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, syscall_funcs, sizeof syscall_funcs / sizeof syscall_funcs[0]);
    return 0;
}
