/*
 * prim/os.c: __primordials.os, what node:os and Node's lib ask the system:
 * the machine (uname, CPUs, memory, load, interfaces), the user, process
 * priorities, the kind of a descriptor, and the constants of os.constants
 * (errno names, signals, priorities, dlopen flags) from this system's
 * headers. Each call asks libuv or the kernel at the time of the call.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "prim.h"
#include "core/binding.h"

typedef struct { const char *name; int value; } os_constant;

#define C(x) { #x, x }
/* os.constants.errno: the names Node lists for Linux */
static const os_constant errnos[] = {
    C(E2BIG), C(EACCES), C(EADDRINUSE), C(EADDRNOTAVAIL), C(EAFNOSUPPORT), C(EAGAIN),
    C(EALREADY), C(EBADF), C(EBADMSG), C(EBUSY), C(ECANCELED), C(ECHILD), C(ECONNABORTED),
    C(ECONNREFUSED), C(ECONNRESET), C(EDEADLK), C(EDESTADDRREQ), C(EDOM), C(EDQUOT), C(EEXIST),
    C(EFAULT), C(EFBIG), C(EHOSTUNREACH), C(EIDRM), C(EILSEQ), C(EINPROGRESS), C(EINTR),
    C(EINVAL), C(EIO), C(EISCONN), C(EISDIR), C(ELOOP), C(EMFILE), C(EMLINK), C(EMSGSIZE),
    C(EMULTIHOP), C(ENAMETOOLONG), C(ENETDOWN), C(ENETRESET), C(ENETUNREACH), C(ENFILE),
    C(ENOBUFS), C(ENODATA), C(ENODEV), C(ENOENT), C(ENOEXEC), C(ENOLCK), C(ENOLINK), C(ENOMEM),
    C(ENOMSG), C(ENOPROTOOPT), C(ENOSPC), C(ENOSR), C(ENOSTR), C(ENOSYS), C(ENOTCONN),
    C(ENOTDIR), C(ENOTEMPTY), C(ENOTSOCK), C(ENOTSUP), C(ENOTTY), C(ENXIO), C(EOPNOTSUPP),
    C(EOVERFLOW), C(EPERM), C(EPIPE), C(EPROTO), C(EPROTONOSUPPORT), C(EPROTOTYPE), C(ERANGE),
    C(EROFS), C(ESPIPE), C(ESRCH), C(ESTALE), C(ETIME), C(ETIMEDOUT), C(ETXTBSY),
    C(EWOULDBLOCK), C(EXDEV),
};

/* os.constants.signals, in Node's order */
static const os_constant signals[] = {
    C(SIGHUP), C(SIGINT), C(SIGQUIT), C(SIGILL), C(SIGTRAP), C(SIGABRT), C(SIGIOT), C(SIGBUS),
    C(SIGFPE), C(SIGKILL), C(SIGUSR1), C(SIGSEGV), C(SIGUSR2), C(SIGPIPE), C(SIGALRM),
    C(SIGTERM), C(SIGCHLD), C(SIGSTKFLT), C(SIGCONT), C(SIGSTOP), C(SIGTSTP), C(SIGTTIN),
    C(SIGTTOU), C(SIGURG), C(SIGXCPU), C(SIGXFSZ), C(SIGVTALRM), C(SIGPROF), C(SIGWINCH),
    C(SIGIO), C(SIGPOLL), C(SIGPWR), C(SIGSYS),
};

static const os_constant priorities[] = {
    { "PRIORITY_LOW", UV_PRIORITY_LOW }, { "PRIORITY_BELOW_NORMAL", UV_PRIORITY_BELOW_NORMAL },
    { "PRIORITY_NORMAL", UV_PRIORITY_NORMAL }, { "PRIORITY_ABOVE_NORMAL", UV_PRIORITY_ABOVE_NORMAL },
    { "PRIORITY_HIGH", UV_PRIORITY_HIGH }, { "PRIORITY_HIGHEST", UV_PRIORITY_HIGHEST },
};

static const os_constant dlopen_flags[] = {
    C(RTLD_LAZY), C(RTLD_NOW), C(RTLD_GLOBAL), C(RTLD_LOCAL), C(RTLD_DEEPBIND),
};
#undef C

static JSValue constant_object(JSContext *ctx, const os_constant *c, size_t n)
{
    JSValue obj = JS_NewObject(ctx);

    for (size_t i = 0; i < n && !JS_IsException(obj); i++)
        JS_SetPropertyStr(ctx, obj, c[i].name, JS_NewInt32(ctx, c[i].value));
    return obj;
}

#define CONSTANTS(ctx, table) constant_object(ctx, table, sizeof table / sizeof table[0])

/* constants() -> { errno, signals, priority, dlopen }: a new object each call */
static JSValue js_os_constants(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue obj = JS_NewObject(ctx);

    if (JS_IsException(obj))
        return obj;
    JS_SetPropertyStr(ctx, obj, "errno", CONSTANTS(ctx, errnos));
    JS_SetPropertyStr(ctx, obj, "signals", CONSTANTS(ctx, signals));
    JS_SetPropertyStr(ctx, obj, "priority", CONSTANTS(ctx, priorities));
    JS_SetPropertyStr(ctx, obj, "dlopen", CONSTANTS(ctx, dlopen_flags));
    return obj;
}

/* uname() -> [sysname, release, version, machine] */
static JSValue js_os_uname(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uv_utsname_t u;
    int err = uv_os_uname(&u);
    JSValue arr;

    if (err < 0)
        return coro_throw_uv(ctx, err, "uv_os_uname", NULL, NULL);
    arr = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, arr, 0, JS_NewString(ctx, u.sysname));
    JS_SetPropertyUint32(ctx, arr, 1, JS_NewString(ctx, u.release));
    JS_SetPropertyUint32(ctx, arr, 2, JS_NewString(ctx, u.version));
    JS_SetPropertyUint32(ctx, arr, 3, JS_NewString(ctx, u.machine));
    return arr;
}

static JSValue js_os_hostname(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    char buf[UV_MAXHOSTNAMESIZE];
    size_t size = sizeof buf;
    int err = uv_os_gethostname(buf, &size);

    return err < 0 ? coro_throw_uv(ctx, err, "uv_os_gethostname", NULL, NULL) : JS_NewString(ctx, buf);
}

static JSValue js_os_homedir(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    char buf[4096];
    size_t size = sizeof buf;
    int err = uv_os_homedir(buf, &size);

    return err < 0 ? coro_throw_uv(ctx, err, "uv_os_homedir", NULL, NULL) : JS_NewString(ctx, buf);
}

/* userInfo() -> { uid, gid, username, homedir, shell } of the effective user */
static JSValue js_os_user_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uv_passwd_t pw;
    int err = uv_os_get_passwd(&pw);
    JSValue obj;

    if (err < 0)
        return coro_throw_uv(ctx, err, "uv_os_get_passwd", NULL, NULL);
    obj = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, obj, "uid", JS_NewInt64(ctx, (int64_t)pw.uid));
    JS_SetPropertyStr(ctx, obj, "gid", JS_NewInt64(ctx, (int64_t)pw.gid));
    coro_set_str(ctx, obj, "username", pw.username);
    coro_set_str(ctx, obj, "homedir", pw.homedir);
    JS_SetPropertyStr(ctx, obj, "shell", pw.shell ? JS_NewString(ctx, pw.shell) : JS_NULL);
    uv_os_free_passwd(&pw);
    return obj;
}

/* cpus() -> [{ model, speed, times: { user, nice, sys, idle, irq } }] (ms) */
static JSValue js_os_cpus(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uv_cpu_info_t *cpus;
    int n, err = uv_cpu_info(&cpus, &n);
    JSValue arr;

    if (err < 0)
        return coro_throw_uv(ctx, err, "uv_cpu_info", NULL, NULL);
    arr = JS_NewArray(ctx);
    for (int i = 0; i < n; i++) {
        JSValue cpu = JS_NewObject(ctx), times = JS_NewObject(ctx);
        coro_set_str(ctx, cpu, "model", cpus[i].model);
        JS_SetPropertyStr(ctx, cpu, "speed", JS_NewInt32(ctx, cpus[i].speed));
        JS_SetPropertyStr(ctx, times, "user", JS_NewInt64(ctx, (int64_t)cpus[i].cpu_times.user));
        JS_SetPropertyStr(ctx, times, "nice", JS_NewInt64(ctx, (int64_t)cpus[i].cpu_times.nice));
        JS_SetPropertyStr(ctx, times, "sys", JS_NewInt64(ctx, (int64_t)cpus[i].cpu_times.sys));
        JS_SetPropertyStr(ctx, times, "idle", JS_NewInt64(ctx, (int64_t)cpus[i].cpu_times.idle));
        JS_SetPropertyStr(ctx, times, "irq", JS_NewInt64(ctx, (int64_t)cpus[i].cpu_times.irq));
        JS_SetPropertyStr(ctx, cpu, "times", times);
        JS_SetPropertyUint32(ctx, arr, (uint32_t)i, cpu);
    }
    uv_free_cpu_info(cpus, n);
    return arr;
}

/* interfaces() -> [{ name, address, netmask, family, mac, internal, scopeid }] */
static JSValue js_os_interfaces(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uv_interface_address_t *ifs;
    int n, err = uv_interface_addresses(&ifs, &n);
    JSValue arr;

    if (err < 0)
        return coro_throw_uv(ctx, err, "uv_interface_addresses", NULL, NULL);
    arr = JS_NewArray(ctx);
    for (int i = 0; i < n; i++) {
        JSValue o = JS_NewObject(ctx);
        char addr[INET6_ADDRSTRLEN], mask[INET6_ADDRSTRLEN], mac[18];
        const unsigned char *m = (const unsigned char *)ifs[i].phys_addr;
        int v6 = ifs[i].address.address4.sin_family == AF_INET6;

        if (v6) {
            uv_ip6_name(&ifs[i].address.address6, addr, sizeof addr);
            uv_ip6_name(&ifs[i].netmask.netmask6, mask, sizeof mask);
        } else {
            uv_ip4_name(&ifs[i].address.address4, addr, sizeof addr);
            uv_ip4_name(&ifs[i].netmask.netmask4, mask, sizeof mask);
        }
        snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
        coro_set_str(ctx, o, "name", ifs[i].name);
        coro_set_str(ctx, o, "address", addr);
        coro_set_str(ctx, o, "netmask", mask);
        coro_set_str(ctx, o, "family", v6 ? "IPv6" : "IPv4");
        coro_set_str(ctx, o, "mac", mac);
        JS_SetPropertyStr(ctx, o, "internal", JS_NewBool(ctx, ifs[i].is_internal));
        if (v6)
            JS_SetPropertyStr(ctx, o, "scopeid", JS_NewInt64(ctx, ifs[i].address.address6.sin6_scope_id));
        JS_SetPropertyUint32(ctx, arr, (uint32_t)i, o);
    }
    uv_free_interface_addresses(ifs, n);
    return arr;
}

/* info() -> [loadavg1, 5, 15, uptime s, free bytes, total bytes, parallelism] */
static JSValue js_os_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    double load[3], uptime = 0;
    JSValue arr = JS_NewArray(ctx);

    uv_loadavg(load);
    uv_uptime(&uptime);
    for (uint32_t i = 0; i < 3; i++)
        JS_SetPropertyUint32(ctx, arr, i, JS_NewFloat64(ctx, load[i]));
    JS_SetPropertyUint32(ctx, arr, 3, JS_NewFloat64(ctx, uptime));
    JS_SetPropertyUint32(ctx, arr, 4, JS_NewFloat64(ctx, (double)uv_get_free_memory()));
    JS_SetPropertyUint32(ctx, arr, 5, JS_NewFloat64(ctx, (double)uv_get_total_memory()));
    JS_SetPropertyUint32(ctx, arr, 6, JS_NewInt32(ctx, (int32_t)uv_available_parallelism()));
    return arr;
}

static JSValue js_os_get_priority(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    int64_t pid;
    int prio, err;

    if (coro_arg_integer(ctx, argv[0], "pid", INT32_MIN, INT32_MAX, &pid) < 0)
        return JS_EXCEPTION;
    err = uv_os_getpriority((uv_pid_t)pid, &prio);
    return err < 0 ? coro_throw_uv(ctx, err, "uv_os_getpriority", NULL, NULL) : JS_NewInt32(ctx, prio);
}

static JSValue js_os_set_priority(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    int64_t pid, prio;
    int err;

    if (coro_arg_integer(ctx, argv[0], "pid", INT32_MIN, INT32_MAX, &pid) < 0 ||
        coro_arg_integer(ctx, argv[1], "priority", -20, 19, &prio) < 0)
        return JS_EXCEPTION;
    err = uv_os_setpriority((uv_pid_t)pid, (int)prio);
    return err < 0 ? coro_throw_uv(ctx, err, "uv_os_setpriority", NULL, NULL) : JS_UNDEFINED;
}

/* handleType(fd) -> 'TTY', 'FILE', 'PIPE', 'TCP', 'UDP' or 'UNKNOWN' */
static JSValue js_os_handle_type(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    int64_t fd;

    if (coro_arg_integer(ctx, argv[0], "fd", 0, INT32_MAX, &fd) < 0)
        return JS_EXCEPTION;
    switch (uv_guess_handle((uv_file)fd)) {
    case UV_TTY: return JS_NewString(ctx, "TTY");
    case UV_FILE: return JS_NewString(ctx, "FILE");
    case UV_NAMED_PIPE: return JS_NewString(ctx, "PIPE");
    case UV_TCP: return JS_NewString(ctx, "TCP");
    case UV_UDP: return JS_NewString(ctx, "UDP");
    default: return JS_NewString(ctx, "UNKNOWN");
    }
}

/* uvErrors() -> [[code, name, message], ...]: libuv's error codes (UV_EOF,
   UV_ENOENT, ...), for Node's internalBinding('uv') */
static JSValue js_os_uv_errors(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const int codes[] = {
#define UV_CODE(name, msg) UV_##name,
        UV_ERRNO_MAP(UV_CODE)
#undef UV_CODE
    };
    JSValue arr = JS_NewArray(ctx);

    for (uint32_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        JSValue e = JS_NewArray(ctx);
        JS_SetPropertyUint32(ctx, e, 0, JS_NewInt32(ctx, codes[i]));
        JS_SetPropertyUint32(ctx, e, 1, JS_NewString(ctx, uv_err_name(codes[i])));
        JS_SetPropertyUint32(ctx, e, 2, JS_NewString(ctx, uv_strerror(codes[i])));
        JS_SetPropertyUint32(ctx, arr, i, e);
    }
    return arr;
}

/* randomFill(view): fills the bytes of an ArrayBuffer view from the
   system's CSPRNG (getrandom), for crypto.getRandomValues and randomUUID */
static JSValue js_os_random_fill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint8_t *p;
    size_t n;
    int err;

    if (coro_arg_view(ctx, argv[0], "view", (const uint8_t **)&p, &n) < 0)
        return JS_EXCEPTION;
    err = n ? uv_random(NULL, NULL, p, n, 0, NULL) : 0;
    return err < 0 ? coro_throw_uv(ctx, err, "uv_random", NULL, NULL) : JS_UNDEFINED;
}

/* umask(mask) -> the previous mask; umask(-1) only reads it */
static JSValue js_os_umask(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t mask;
    mode_t old;

    if (coro_arg_integer(ctx, argv[0], "mask", -1, 0777, &mask) < 0)
        return JS_EXCEPTION;
    old = umask(mask < 0 ? 0 : (mode_t)mask);
    if (mask < 0)
        umask(old);
    return JS_NewInt32(ctx, (int32_t)old);
}

static const JSCFunctionListEntry os_funcs[] = {
    JS_CFUNC_DEF("umask", 1, js_os_umask),
    JS_CFUNC_DEF("randomFill", 1, js_os_random_fill),
    JS_CFUNC_DEF("uvErrors", 0, js_os_uv_errors),
    JS_CFUNC_DEF("constants", 0, js_os_constants),
    JS_CFUNC_DEF("uname", 0, js_os_uname),
    JS_CFUNC_DEF("hostname", 0, js_os_hostname),
    JS_CFUNC_DEF("homedir", 0, js_os_homedir),
    JS_CFUNC_DEF("userInfo", 0, js_os_user_info),
    JS_CFUNC_DEF("cpus", 0, js_os_cpus),
    JS_CFUNC_DEF("interfaces", 0, js_os_interfaces),
    JS_CFUNC_DEF("info", 0, js_os_info),
    JS_CFUNC_DEF("getPriority", 1, js_os_get_priority),
    JS_CFUNC_DEF("setPriority", 2, js_os_set_priority),
    JS_CFUNC_DEF("handleType", 1, js_os_handle_type),
};

int coro_prim_os_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, os_funcs, sizeof os_funcs / sizeof os_funcs[0]);
    return 0;
}
