/*
 * prim/spawn.c: __primordials.spawn, a child process run to its end, under
 * Node's child_process.spawnSync, execSync and execFileSync
 * (lib/node/bindings/spawn_sync.js).
 *
 * The whole run -- posix_spawnp, feeding stdin, reading stdout and stderr,
 * the timeout and maxBuffer limits, waiting for the exit -- is one job on
 * libuv's thread pool, in plain POSIX calls, while the calling fiber parks
 * (inside Fiber.exclusive, so nothing else of its isolate runs: a *Sync
 * call). The job ends only with the child: the fiber cannot be taken off it,
 * even while its isolate ends; a timeout is how a caller bounds it.
 *
 * The child's exit is watched through a pidfd, so the timeout holds after the
 * child has closed its output too. The child gets default signal handling
 * and an empty signal mask.
 *
 * Also start(): a child that runs beside the program, under Node's
 * child_process.spawn, exec and execFile (lib/node/bindings/process_wrap.js):
 * libuv's process handle in the HandleStore, its exit reported to a JS
 * callback in a fiber of its own, its stdio pipes streams of ours
 * (core/stream.h) that Node's net.Socket reads and writes through
 * lib/node/bindings/stream_wrap.js.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "prim.h"
#include "core/binding.h"
#include "core/run.h"
#include "core/stream.h"
#include "core/wait.h"

#define STDIO_PIPE (-1)
#define STDIO_IGNORE (-2)
#define READ_CHUNK 65536

extern char **environ;

typedef struct spawn_out {
    uint8_t *data;
    size_t len, cap;
} spawn_out;

typedef struct spawn_req {
    uv_work_t work;
    coro_op op;
    /* in */
    char *file, **argv, **envp, *cwd; /* envp NULL: this process's */
    int stdio[3];                     /* STDIO_PIPE, STDIO_IGNORE or a descriptor */
    coro_bytes input;
    int has_input;
    int64_t timeout_ms;               /* 0: none */
    int64_t max_buffer;               /* 0: none */
    int kill_signal, detached;
    /* out */
    int pid, status, signal, error;   /* error: -errno (spawn, timeout, maxBuffer) */
    spawn_out out[3];                 /* [1] stdout, [2] stderr */
} spawn_req;

static int64_t now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Append what fd has to o: 0 at its end, 1 if more may come, or -errno. */
static int read_some(int fd, spawn_out *o)
{
    ssize_t n;

    if (o->cap - o->len < READ_CHUNK) {
        size_t cap = o->cap ? o->cap * 2 : READ_CHUNK;
        uint8_t *p = realloc(o->data, cap);
        if (!p)
            return -ENOMEM;
        o->data = p;
        o->cap = cap;
    }
    n = read(fd, o->data + o->len, o->cap - o->len);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 1 : -errno;
    o->len += (size_t)n;
    return n > 0;
}

/* pipes[i]: the two ends of fd i's pipe, or -1. The file actions give the
   child its end as fd i, /dev/null for an ignored one, or a descriptor of
   ours. */
static int stdio_actions(spawn_req *r, posix_spawn_file_actions_t *fa, int pipes[3][2])
{
    for (int i = 0; i < 3; i++)
        pipes[i][0] = pipes[i][1] = -1;
    for (int i = 0; i < 3; i++) {
        if (r->stdio[i] == STDIO_IGNORE) {
            if (posix_spawn_file_actions_addopen(fa, i, "/dev/null", i ? O_WRONLY : O_RDONLY, 0))
                return -ENOMEM;
        } else if (r->stdio[i] == STDIO_PIPE) {
            if (pipe2(pipes[i], O_CLOEXEC) < 0)
                return -errno;
            if (posix_spawn_file_actions_adddup2(fa, pipes[i][i == 0 ? 0 : 1], i))
                return -ENOMEM;
        } else if (posix_spawn_file_actions_adddup2(fa, r->stdio[i], i)) {
            return -ENOMEM;
        }
    }
    return 0;
}

static int start_child(spawn_req *r, int pipes[3][2])
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, all;
    pid_t pid;
    int err;

    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                    (r->detached ? POSIX_SPAWN_SETSID : 0));
    err = stdio_actions(r, &fa, pipes);
    if (!err && r->cwd && posix_spawn_file_actions_addchdir_np(&fa, r->cwd))
        err = -ENOMEM;
    if (!err)
        err = -posix_spawnp(&pid, r->file, &fa, &attr, r->argv, r->envp ? r->envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (!err)
        r->pid = pid;
    /* the child's ends are the child's now */
    for (int i = 0; i < 3; i++) {
        int *child_end = &pipes[i][i == 0 ? 0 : 1];
        if (*child_end >= 0) {
            close(*child_end);
            *child_end = -1;
        }
    }
    return err;
}

/* End the child early: the error to report, the kill, and our ends of its
   pipes closed (a grandchild may hold them open), as Node does. */
static void stop_child(spawn_req *r, int err, int fds[3])
{
    if (!r->error)
        r->error = err;
    kill(r->pid, r->kill_signal);
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

/* Feed stdin, drain stdout and stderr, watch the exit, until the child has
   exited and closed its output. */
static void run_child(spawn_req *r, int pipes[3][2])
{
    int fds[3] = { pipes[0][1], pipes[1][0], pipes[2][0] };
    int pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
    int64_t deadline = r->timeout_ms ? now_ms() + r->timeout_ms : 0;
    size_t written = 0;
    int exited = 0, st = 0;

    if (fds[0] >= 0 && (!r->has_input || r->input.len == 0)) {
        close(fds[0]);
        fds[0] = -1;
    }
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            fcntl(fds[i], F_SETFL, O_NONBLOCK);
    }
    while (fds[0] >= 0 || fds[1] >= 0 || fds[2] >= 0 || (!exited && pidfd >= 0)) {
        struct pollfd p[4];
        int n = 0, wait = -1;

        for (int i = 0; i < 3; i++) {
            p[n].fd = fds[i];
            p[n++].events = i == 0 ? POLLOUT : POLLIN;
        }
        p[3].fd = exited ? -1 : pidfd;
        p[3].events = POLLIN;
        if (deadline && !r->error) {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                stop_child(r, UV_ETIMEDOUT, fds);
                continue;
            }
            wait = (int)(left > 1000000 ? 1000000 : left);
        }
        if (poll(p, 4, wait) < 0 && errno != EINTR)
            break;
        if (p[3].revents)
            exited = 1;
        if (fds[0] >= 0 && p[0].revents) {
            ssize_t w = write(fds[0], r->input.data + written, r->input.len - written);
            if (w > 0)
                written += (size_t)w;
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == r->input.len) {
                close(fds[0]);
                fds[0] = -1;
            }
        }
        for (int i = 1; i < 3; i++) {
            if (fds[i] < 0 || !p[i].revents)
                continue;
            int more = read_some(fds[i], &r->out[i]);
            if (more <= 0) {
                close(fds[i]);
                fds[i] = -1;
            }
            if (more < 0)
                stop_child(r, more, fds);
            else if (r->max_buffer && (int64_t)r->out[i].len > r->max_buffer && !r->error)
                stop_child(r, UV_ENOBUFS, fds);
        }
    }
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    if (pidfd >= 0)
        close(pidfd);
    while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
        ;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void spawn_work(uv_work_t *w)
{
    spawn_req *r = w->data;
    int pipes[3][2];
    int err = start_child(r, pipes);

    if (err < 0) {
        r->error = err;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                if (pipes[i][j] >= 0)
                    close(pipes[i][j]);
            }
        }
        return;
    }
    run_child(r, pipes);
}

static void spawn_done(uv_work_t *w, int status)
{
    spawn_req *r = w->data;

    coro_op_done(&r->op, status);
}

/* ------------------------------------------------------------------ */
/* arguments and result */

/* A NULL-terminated copy of an array of strings (no NUL bytes in them). */
static char **arg_strings(JSContext *ctx, JSValueConst v, const char *name)
{
    int64_t n;
    char **out;

    if (!JS_IsArray(ctx, v) || JS_ToInt64(ctx, &n, JS_GetPropertyStr(ctx, v, "length")) < 0 ||
        n > 65536) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_TYPE", "The \"%s\" argument must be an Array", name);
        return NULL;
    }
    out = calloc((size_t)n + 1, sizeof *out);
    for (int64_t i = 0; out && i < n; i++) {
        JSValue s = JS_GetPropertyUint32(ctx, v, (uint32_t)i);
        const char *c = coro_arg_path(ctx, s, name);
        JS_FreeValue(ctx, s);
        if (!c || !(out[i] = strdup(c))) {
            JS_FreeCString(ctx, c);
            coro_strv_free(out);
            return NULL;
        }
        JS_FreeCString(ctx, c);
    }
    if (!out)
        JS_ThrowOutOfMemory(ctx);
    return out;
}

static char *arg_dup(JSContext *ctx, JSValueConst v, const char *name)
{
    const char *c = coro_arg_path(ctx, v, name);
    char *copy = c ? strdup(c) : NULL;

    JS_FreeCString(ctx, c);
    if (c && !copy)
        JS_ThrowOutOfMemory(ctx);
    return copy;
}

static int read_args(JSContext *ctx, spawn_req *r, JSValueConst *argv)
{
    int64_t v;

    if (!(r->file = arg_dup(ctx, argv[0], "file")) || !(r->argv = arg_strings(ctx, argv[1], "args")))
        return -1;
    if (!JS_IsNull(argv[2]) && !JS_IsUndefined(argv[2]) && !(r->envp = arg_strings(ctx, argv[2], "envPairs")))
        return -1;
    if (!JS_IsNull(argv[3]) && !JS_IsUndefined(argv[3]) && !(r->cwd = arg_dup(ctx, argv[3], "cwd")))
        return -1;
    for (uint32_t i = 0; i < 3; i++) {
        JSValue s = JS_GetPropertyUint32(ctx, argv[4], i);
        int err = coro_arg_integer(ctx, s, "stdio", STDIO_IGNORE, INT32_MAX, &v);
        JS_FreeValue(ctx, s);
        if (err < 0)
            return -1;
        r->stdio[i] = (int)v;
    }
    if (!JS_IsNull(argv[5]) && !JS_IsUndefined(argv[5])) {
        if (coro_arg_bytes(ctx, argv[5], "input", &r->input) < 0)
            return -1;
        r->has_input = 1;
    }
    if (coro_arg_integer(ctx, argv[6], "timeout", 0, INT64_MAX, &r->timeout_ms) < 0 ||
        coro_arg_integer(ctx, argv[7], "maxBuffer", 0, INT64_MAX, &r->max_buffer) < 0 ||
        coro_arg_integer(ctx, argv[8], "killSignal", 1, 64, &v) < 0)
        return -1;
    r->kill_signal = (int)v;
    r->detached = JS_ToBool(ctx, argv[9]);
    return 0;
}

static void free_req(JSContext *ctx, spawn_req *r)
{
    free(r->file);
    free(r->cwd);
    coro_strv_free(r->argv);
    coro_strv_free(r->envp);
    if (r->has_input)
        coro_bytes_free(ctx, &r->input);
    for (int i = 0; i < 3; i++)
        free(r->out[i].data);
}

static JSValue output(JSContext *ctx, spawn_req *r, int i)
{
    uint8_t *copy;

    if (r->stdio[i] != STDIO_PIPE)
        return JS_NULL;
    copy = js_malloc(ctx, r->out[i].len ? r->out[i].len : 1);
    if (!copy)
        return JS_EXCEPTION;
    if (r->out[i].len)
        memcpy(copy, r->out[i].data, r->out[i].len);
    return coro_new_uint8array(ctx, copy, r->out[i].len);
}

/* A child process can do what files and the network can and more: it needs
   both capabilities, outside any jail. */
static int may_spawn(JSContext *ctx)
{
    if (!coro_isolate_allow(ctx, CORO_CAP_FS, "child processes") ||
        !coro_isolate_allow(ctx, CORO_CAP_NET, "child processes"))
        return 0;
    if (coro_isolate_of(ctx)->jail) {
        coro_throw_code(ctx, "ERR_ACCESS_DENIED", "an isolate jailed to a directory may not start processes");
        return 0;
    }
    return 1;
}

/* sync(file, args, envPairs, cwd, stdio, input, timeout, maxBuffer,
        killSignal, detached) -> { pid, status, signal, stdout, stderr, error }
   stdio: three numbers, -1 a pipe, -2 ignored, else a descriptor of ours;
   status null and signal its number when a signal ended the child; error a
   negative errno (the spawn failed, ETIMEDOUT, ENOBUFS) or 0. */
static JSValue js_spawn_sync(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    spawn_req *r = calloc(1, sizeof *r);
    JSValue o;
    int status;

    if (!r)
        return JS_ThrowOutOfMemory(ctx);
    if (read_args(ctx, r, argv) < 0 || !may_spawn(ctx) || coro_pool_take(ctx) < 0) {
        free_req(ctx, r);
        free(r);
        return JS_EXCEPTION;
    }
    r->work.data = r;
    coro_op_init(&r->op);
    status = uv_queue_work(coro_loop(), &r->work, spawn_work, spawn_done);
    if (status == 0)
        status = coro_op_wait(ctx, &r->op);
    coro_pool_give(ctx);
    if (status < 0) {
        free_req(ctx, r);
        free(r);
        return status == CORO_ETERMINATED ? JS_EXCEPTION : coro_throw_uv(ctx, status, "spawnSync", NULL, NULL);
    }
    o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "pid", JS_NewInt32(ctx, r->pid));
    JS_SetPropertyStr(ctx, o, "status", r->error && !r->pid ? JS_NULL :
                                         r->status < 0 ? JS_NULL : JS_NewInt32(ctx, r->status));
    JS_SetPropertyStr(ctx, o, "signal", JS_NewInt32(ctx, r->signal));
    JS_SetPropertyStr(ctx, o, "stdout", output(ctx, r, 1));
    JS_SetPropertyStr(ctx, o, "stderr", output(ctx, r, 2));
    JS_SetPropertyStr(ctx, o, "error", JS_NewInt32(ctx, r->error));
    free_req(ctx, r);
    free(r);
    return o;
}

/* ------------------------------------------------------------------ */
/* a child that runs beside the program: libuv's process handle, under Node's
   child_process.spawn (lib/node/bindings/process_wrap.js) */

typedef struct child_proc {
    coro_handle h;
    uv_process_t proc;
    JSValue onexit;   /* onexit(exitStatus, termSignal), in a fiber of its own */
} child_proc;

static void child_close(coro_handle *h);

static const coro_handle_type child_type = { "Process", child_close, NULL };
static const coro_handle_type child_pipe_type = { "Pipe", coro_stream_handle_close, &coro_stream_type };

static void child_free(uv_handle_t *u)
{
    free(u->data);
}

/* Closing stops watching the child, which runs on (Node's handle.close()). */
static void child_close(coro_handle *h)
{
    child_proc *c = (child_proc *)h;

    JS_FreeValue(h->iso->ctx, c->onexit);
    c->onexit = JS_UNDEFINED;
    uv_close((uv_handle_t *)&c->proc, child_free);
}

static void child_exited(uv_process_t *p, int64_t status, int signal)
{
    child_proc *c = p->data;
    JSContext *ctx = c->h.iso->ctx;
    JSValue args = JS_NewArray(ctx);
    int err;

    JS_SetPropertyUint32(ctx, args, 0, JS_NewInt64(ctx, status));
    JS_SetPropertyUint32(ctx, args, 1, JS_NewInt32(ctx, signal));
    err = coro_spawn_call(c->h.iso, c->onexit, JS_UNDEFINED, args);
    JS_FreeValue(ctx, args);
    if (err < 0 && err != UV_ECANCELED)
        fprintf(stderr, "corojs: cannot report a child's exit: %s\n", uv_strerror(err));
}

/* One stdio entry as libuv takes it: -1 a new pipe (its stream registered as
   pipes[i]), -2 ignored, a descriptor of ours, or the ID of a stream of ours
   (a pipe or socket) the child gets. */
static int child_stdio(JSContext *ctx, JSValueConst v, uv_stdio_container_t *c, coro_uvstream **pipe)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int64_t n;

    if (!JS_IsNumber(v)) {
        coro_stream *s = coro_stream_hold(ctx, v);
        coro_uvstream *u = s ? coro_uvstream_of(s) : NULL;
        if (s)
            coro_stream_release(s); /* the caller's object keeps it open */
        if (!u) {
            if (s)
                coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "a stdio stream must be a pipe or socket");
            return -1;
        }
        c->flags = UV_INHERIT_STREAM;
        c->data.stream = &u->u.stream;
        return 0;
    }
    if (coro_arg_integer(ctx, v, "stdio", STDIO_IGNORE, INT32_MAX, &n) < 0)
        return -1;
    if (n == STDIO_IGNORE) {
        c->flags = UV_IGNORE;
    } else if (n == STDIO_PIPE) {
        coro_uvstream *u = calloc(1, sizeof *u);
        if (!u || coro_uvstream_init(u, iso, &child_pipe_type, CORO_UV_PIPE, -1) < 0) {
            JS_ThrowOutOfMemory(ctx);
            return -1;
        }
        *pipe = u;
        c->flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
        c->data.stream = &u->u.stream;
    } else {
        c->flags = UV_INHERIT_FD;
        c->data.fd = (int)n;
    }
    return 0;
}

#define CHILD_MAX_STDIO 64

/* The child's options from start()'s arguments; -1 with an exception. */
static int child_options(JSContext *ctx, JSValueConst *argv, uv_process_options_t *o,
                         uv_stdio_container_t *stdio, coro_uvstream **pipes)
{
    int64_t n, id;

    if (!(o->file = arg_dup(ctx, argv[0], "file")) || !(o->args = arg_strings(ctx, argv[1], "args")))
        return -1;
    if (!JS_IsNull(argv[2]) && !JS_IsUndefined(argv[2]) && !(o->env = arg_strings(ctx, argv[2], "envPairs")))
        return -1;
    if (!JS_IsNull(argv[3]) && !JS_IsUndefined(argv[3]) && !(o->cwd = arg_dup(ctx, argv[3], "cwd")))
        return -1;
    if (!JS_IsArray(ctx, argv[4]) || JS_ToInt64(ctx, &n, JS_GetPropertyStr(ctx, argv[4], "length")) < 0 ||
        n > CHILD_MAX_STDIO) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_TYPE", "The \"stdio\" argument must be an Array of at most %d",
                        CHILD_MAX_STDIO);
        return -1;
    }
    o->stdio = stdio;
    for (o->stdio_count = 0; o->stdio_count < n; o->stdio_count++) {
        JSValue v = JS_GetPropertyUint32(ctx, argv[4], (uint32_t)o->stdio_count);
        int err = child_stdio(ctx, v, &stdio[o->stdio_count], &pipes[o->stdio_count]);
        JS_FreeValue(ctx, v);
        if (err < 0)
            return -1;
    }
    if (JS_ToBool(ctx, argv[5]))
        o->flags |= UV_PROCESS_DETACHED;
    if (coro_arg_integer(ctx, argv[6], "uid", -1, UINT32_MAX, &id) < 0)
        return -1;
    if (id >= 0) {
        o->flags |= UV_PROCESS_SETUID;
        o->uid = (uv_uid_t)id;
    }
    if (coro_arg_integer(ctx, argv[7], "gid", -1, UINT32_MAX, &id) < 0)
        return -1;
    if (id >= 0) {
        o->flags |= UV_PROCESS_SETGID;
        o->gid = (uv_gid_t)id;
    }
    return coro_arg_function(ctx, argv[8], "onexit");
}

/* start()'s answer. A pipe libuv did not open (it failed before) is closed
   and null; one it opened stays, even when the program could not be run
   (exec failed in the child): the child's end is closed, so it reads EOF, as
   Node's stdio after an ENOENT do. */
static JSValue child_result(JSContext *ctx, child_proc *c, int err, coro_uvstream **pipes, int n)
{
    JSValue o = JS_NewObject(ctx), ids = JS_NewArray(ctx);
    uv_os_fd_t fd;

    for (int i = 0; i < n; i++) {
        if (pipes[i] && uv_fileno(&pipes[i]->u.handle, &fd) < 0) {
            coro_stream_close(&pipes[i]->s);
            pipes[i] = NULL;
        }
        JS_SetPropertyUint32(ctx, ids, (uint32_t)i, pipes[i] ? JS_NewBigUint64(ctx, pipes[i]->s.h.id) : JS_NULL);
    }
    JS_SetPropertyStr(ctx, o, "error", JS_NewInt32(ctx, err));
    JS_SetPropertyStr(ctx, o, "id", err ? JS_NULL : JS_NewBigUint64(ctx, c->h.id));
    JS_SetPropertyStr(ctx, o, "pid", err ? JS_UNDEFINED : JS_NewInt32(ctx, c->proc.pid));
    JS_SetPropertyStr(ctx, o, "pipes", ids);
    return o;
}

/* start(file, args, envPairs, cwd, stdio, detached, uid, gid, onexit)
     -> { error, id, pid, pipes }
   args includes argv[0]; envPairs null: this process's environment; stdio:
   see child_stdio, pipes[i] the ID of stdio[i]'s new pipe or null; uid and
   gid -1: ours. error: 0, or a negative errno when the child did not start
   (id null, pid undefined). onexit(exitStatus, termSignal) runs in a fiber
   of its own. */
static JSValue js_spawn_start(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uv_process_options_t o = { .exit_cb = child_exited };
    uv_stdio_container_t stdio[CHILD_MAX_STDIO];
    coro_uvstream *pipes[CHILD_MAX_STDIO] = { 0 };
    child_proc *c = NULL;
    JSValue ret = JS_EXCEPTION;
    int err;

    if (child_options(ctx, argv, &o, stdio, pipes) < 0 || !may_spawn(ctx))
        goto done;
    c = coro_new_handle(ctx, sizeof *c, &child_type);
    if (!c)
        goto done;
    c->onexit = JS_DupValue(ctx, argv[8]);
    c->proc.data = c;
    err = uv_spawn(coro_loop(), &c->proc, &o);
    c->proc.data = c;
    ret = child_result(ctx, c, err, pipes, o.stdio_count);
    if (err < 0)
        coro_handle_close(&coro_isolate_of(ctx)->handles, &c->h);
    else
        c->h.uv = (uv_handle_t *)&c->proc; /* a running child keeps its isolate busy */
done:
    if (JS_IsException(ret)) {
        for (int i = 0; i < CHILD_MAX_STDIO; i++) {
            if (pipes[i])
                coro_stream_close(&pipes[i]->s);
        }
    }
    free((char *)o.file);
    free((char *)o.cwd);
    coro_strv_free(o.args);
    coro_strv_free(o.env);
    return ret;
}

/* kill(id, signal) -> 0 or a negative errno (ESRCH: it has exited) */
static JSValue js_spawn_kill(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    child_proc *c = (child_proc *)coro_arg_handle(ctx, argv[0], &child_type);
    int64_t sig;

    if (!c || coro_arg_integer(ctx, argv[1], "signal", 0, 64, &sig) < 0)
        return JS_EXCEPTION;
    return JS_NewInt32(ctx, uv_process_kill(&c->proc, (int)sig));
}

/* ref(id, on): whether waiting for the child keeps the program alive */
static JSValue js_spawn_ref(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    child_proc *c = (child_proc *)coro_arg_handle(ctx, argv[0], &child_type);

    if (!c)
        return JS_EXCEPTION;
    if (JS_ToBool(ctx, argv[1]))
        uv_ref((uv_handle_t *)&c->proc);
    else
        uv_unref((uv_handle_t *)&c->proc);
    return JS_UNDEFINED;
}

/* signal(pid, signal) -> 0 or a negative errno: process.kill(). Who may start
   processes may signal them. */
static JSValue js_spawn_signal(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t pid, sig;

    if (coro_arg_integer(ctx, argv[0], "pid", INT32_MIN, INT32_MAX, &pid) < 0 ||
        coro_arg_integer(ctx, argv[1], "signal", 0, 64, &sig) < 0 || !may_spawn(ctx))
        return JS_EXCEPTION;
    return JS_NewInt32(ctx, uv_kill((int)pid, (int)sig));
}

/* close(id): stop watching the child (it runs on) */
static JSValue js_spawn_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &child_type);
}

static const JSCFunctionListEntry spawn_funcs[] = {
    JS_CFUNC_DEF("sync", 10, js_spawn_sync),
    JS_CFUNC_DEF("start", 9, js_spawn_start),
    JS_CFUNC_DEF("kill", 2, js_spawn_kill),
    JS_CFUNC_DEF("ref", 2, js_spawn_ref),
    JS_CFUNC_DEF("signal", 2, js_spawn_signal),
    JS_CFUNC_DEF("close", 1, js_spawn_close),
};

int coro_prim_spawn_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, spawn_funcs, sizeof spawn_funcs / sizeof spawn_funcs[0]);
    return 0;
}
