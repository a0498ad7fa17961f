/*
 * prim/wasi_host.c: the host side of WASI and Dagger (see wasi.h): guest
 * memory, jobs on the thread pool, host files (a descriptor used on the
 * pool, or a core stream), paths opened beneath a directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi.h"
#include "wasm.h"
#include "core/error.h"
#include "core/isolate.h"
#include "core/jail.h"

/* ---- errno ---- */

int coro_wasi_errno(int err)
{
    switch (err < 0 ? -err : err) {
    case 0: return WASI_ESUCCESS;
    case E2BIG: return WASI_E2BIG;
    case EACCES: return WASI_EACCES;
    case EADDRINUSE: return 3;
    case EADDRNOTAVAIL: return 4;
    case EAFNOSUPPORT: return 5;
    case EAGAIN: return WASI_EAGAIN;
    case EALREADY: return 7;
    case EBADF: return WASI_EBADF;
    case EBADMSG: return 9;
    case EBUSY: return WASI_EBUSY;
    case ECANCELED: return 11;
    case ECHILD: return 12;
    case ECONNABORTED: return 13;
    case ECONNREFUSED: return 14;
    case ECONNRESET: return 15;
    case EDEADLK: return 16;
    case EDESTADDRREQ: return 17;
    case EDOM: return 18;
    case EDQUOT: return 19;
    case EEXIST: return WASI_EEXIST;
    case EFAULT: return WASI_EFAULT;
    case EFBIG: return WASI_EFBIG;
    case EHOSTUNREACH: return 23;
    case EIDRM: return 24;
    case EILSEQ: return 25;
    case EINPROGRESS: return 26;
    case EINTR: return WASI_EINTR;
    case EINVAL: return WASI_EINVAL;
    case EIO: return WASI_EIO;
    case EISCONN: return 30;
    case EISDIR: return WASI_EISDIR;
    case ELOOP: return WASI_ELOOP;
    case EMFILE: return WASI_EMFILE;
    case EMLINK: return 34;
    case EMSGSIZE: return 35;
    case EMULTIHOP: return 36;
    case ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case ENETDOWN: return 38;
    case ENETRESET: return 39;
    case ENETUNREACH: return 40;
    case ENFILE: return 41;
    case ENOBUFS: return WASI_ENOBUFS;
    case ENODEV: return 43;
    case ENOENT: return WASI_ENOENT;
    case ENOEXEC: return 45;
    case ENOLCK: return 46;
    case ENOLINK: return 47;
    case ENOMEM: return WASI_ENOMEM;
    case ENOMSG: return 49;
    case ENOPROTOOPT: return 50;
    case ENOSPC: return WASI_ENOSPC;
    case ENOSYS: return WASI_ENOSYS;
    case ENOTCONN: return 53;
    case ENOTDIR: return WASI_ENOTDIR;
    case ENOTEMPTY: return WASI_ENOTEMPTY;
    case ENOTRECOVERABLE: return 56;
    case ENOTSOCK: return WASI_ENOTSOCK;
    case ENOTSUP: return WASI_ENOTSUP;
    case ENOTTY: return 59;
    case ENXIO: return 60;
    case EOVERFLOW: return 61;
    case EOWNERDEAD: return 62;
    case EPERM: return WASI_EPERM;
    case EPIPE: return WASI_EPIPE;
    case EPROTO: return 65;
    case EPROTONOSUPPORT: return 66;
    case EPROTOTYPE: return 67;
    case ERANGE: return 68;
    case EROFS: return 69;
    case ESPIPE: return WASI_ESPIPE;
    case ESRCH: return 71;
    case ESTALE: return 72;
    case ETIMEDOUT: return 73;
    case ETXTBSY: return 74;
    case EXDEV: return WASI_EXDEV;
    default: return WASI_EIO;
    }
}

/* ---- guest memory ---- */

int coro_guest_of(JSValueConst memory, coro_guest *g)
{
    wasm_memory *m = coro_wasm_memory_of(memory);

    if (!m)
        return -1;
    g->base = wasm_memory_data(m);
    g->size = wasm_memory_bytes(m);
    return 0;
}

int coro_guest_set(JSContext *ctx, JSValue *slot, JSValueConst memory)
{
    coro_guest g;

    if (coro_guest_of(memory, &g) < 0) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_TYPE",
                        "\"instance.exports.memory\" property must be a WebAssembly.Memory object");
        return -1;
    }
    JS_FreeValue(ctx, *slot);
    *slot = JS_DupValue(ctx, memory);
    return 0;
}

int coro_wasi_add_call(JSContext *ctx, JSValueConst obj, const char *name, int nargs,
                       JSCFunctionData *fn, int magic, JSValueConst state)
{
    JSValue f = JS_NewCFunctionData(ctx, fn, nargs, magic, 1, (JSValue *)&state);

    return JS_IsException(f) ? -1 : JS_DefinePropertyValueStr(ctx, obj, name, f, JS_PROP_C_W_E);
}

/* ---- the thread pool ---- */

typedef struct pool_job {
    uv_work_t work;
    coro_op op;
    int64_t (*fn)(void *arg);
    void *arg;
    int64_t result;
} pool_job;

static void job_work(uv_work_t *w)
{
    pool_job *j = w->data;

    j->result = j->fn(j->arg);
}

static void job_done(uv_work_t *w, int status)
{
    pool_job *j = w->data;

    coro_op_done(&j->op, status);
}

int coro_wasi_pool(JSContext *ctx, int64_t (*fn)(void *arg), void *arg, int64_t *result)
{
    pool_job j;
    int st;

    memset(&j, 0, sizeof j);
    j.work.data = &j;
    j.fn = fn;
    j.arg = arg;
    j.result = -EIO;
    coro_op_init(&j.op);
    *result = -ECANCELED;
    if ((st = coro_pool_take(ctx)) < 0)
        return st;
    st = uv_queue_work(coro_loop(), &j.work, job_work, job_done);
    if (st == 0)
        st = coro_op_wait(ctx, &j.op);
    else
        j.result = st;
    coro_pool_give(ctx);
    *result = j.result;
    return st == CORO_ETERMINATED ? st : 0;
}

/* ---- host files ---- */

static const coro_handle_type hoststream_type = { "WasiStream", coro_stream_handle_close,
                                                  &coro_stream_type };

coro_hostfd *coro_hostfd_new(coro_isolate *iso, int fd)
{
    coro_hostfd *h = calloc(1, sizeof *h);
    struct stat st;

    if (!h || fstat(fd, &st) < 0) {
        free(h);
        close(fd);
        return NULL;
    }
    h->refs = 1;
    h->fd = fd;
    h->iso = iso;
    h->kind = HOST_FILE;
    if (S_ISDIR(st.st_mode)) {
        h->kind = HOST_DIR;
        h->filetype = WASI_FILETYPE_DIRECTORY;
    } else if (S_ISREG(st.st_mode)) {
        h->filetype = WASI_FILETYPE_REGULAR_FILE;
    } else if (S_ISBLK(st.st_mode)) {
        h->filetype = WASI_FILETYPE_BLOCK_DEVICE;
    } else if (S_ISCHR(st.st_mode)) {
        h->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
        if (isatty(fd)) /* a terminal waits for input: the loop's, not the pool's */
            h->kind = HOST_STREAM;
    } else if (S_ISSOCK(st.st_mode)) {
        h->kind = HOST_STREAM;
        h->filetype = WASI_FILETYPE_SOCKET_STREAM;
    } else if (S_ISFIFO(st.st_mode)) {
        h->kind = HOST_STREAM; /* WASI has no FIFO type */
    } else if (S_ISLNK(st.st_mode)) {
        h->filetype = WASI_FILETYPE_SYMBOLIC_LINK;
    }
    return h;
}

void coro_hostfd_unref(coro_hostfd *h)
{
    if (!h || --h->refs)
        return;
    if (h->s) {
        coro_stream_close(h->s); /* closes the descriptor with the libuv handle */
        coro_stream_release(h->s);
    } else if (h->fd >= 0) {
        close(h->fd); /* closing a file does not block */
    }
    if (h->pend)
        js_free_rt(h->iso->rt, h->pend);
    free(h->dir);
    free(h);
}

int coro_hostfd_dup(coro_isolate *iso, int fd, coro_hostfd **out)
{
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);

    if (d < 0)
        return -errno;
    *out = coro_hostfd_new(iso, d);
    return *out ? 0 : -ENOMEM;
}

coro_stream *coro_hostfd_stream(coro_hostfd *h, int *err)
{
    int kind = h->filetype == WASI_FILETYPE_CHARACTER_DEVICE ? CORO_UV_TTY : CORO_UV_PIPE;
    coro_uvstream *u;
    uv_os_fd_t used;
    int r;

    if (h->s) {
        if (h->s->life.closed) {
            *err = UV_EBADF;
            return NULL;
        }
        return h->s;
    }
    if (!(u = calloc(1, sizeof *u))) {
        *err = UV_ENOMEM;
        return NULL;
    }
    r = coro_uvstream_init(u, h->iso, &hoststream_type, kind, h->fd);
    if (r < 0) { /* u is freed, the descriptor still ours */
        *err = r;
        return NULL;
    }
    if (kind == CORO_UV_PIPE && (r = uv_pipe_open(&u->u.pipe, h->fd)) < 0) {
        coro_stream_close(&u->s);
        *err = r;
        return NULL;
    }
    /* libuv may reopen a terminal (its own file description, made
       non-blocking) and put it on our descriptor's number too: it closes
       only its own, so ours is closed here */
    if (uv_fileno(&u->u.handle, &used) == 0 && used != h->fd)
        close(h->fd);
    h->fd = -1;
    h->s = &u->s;
    coro_stream_retain(h->s);
    return h->s;
}

/* A read or write of a file's descriptor on the pool. */
typedef struct file_io {
    int fd;
    int write;
    uint8_t *buf;
    size_t len;
    int64_t off;
} file_io;

static int64_t file_io_work(void *arg)
{
    file_io *io = arg;
    ssize_t n;

    do {
        if (io->write)
            n = io->off < 0 ? write(io->fd, io->buf, io->len) : pwrite(io->fd, io->buf, io->len, io->off);
        else
            n = io->off < 0 ? read(io->fd, io->buf, io->len) : pread(io->fd, io->buf, io->len, io->off);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static int64_t file_rw(JSContext *ctx, coro_hostfd *h, int write, uint8_t *buf, size_t len,
                       int64_t off)
{
    file_io io = { h->fd, write, buf, len, off };
    int64_t n;

    if (coro_wasi_pool(ctx, file_io_work, &io, &n) < 0)
        return CORO_ETERMINATED;
    return n;
}

/* Take what a stream has for us: the rest of the last chunk, or a new one. */
static int64_t stream_fill(JSContext *ctx, coro_hostfd *h)
{
    coro_stream *s;
    uint8_t *chunk = NULL;
    ssize_t n;
    int err;

    if (h->pend_off < h->pend_len)
        return (int64_t)(h->pend_len - h->pend_off);
    if (h->eof)
        return 0;
    if (!(s = coro_hostfd_stream(h, &err)))
        return err;
    n = coro_stream_read(ctx, s, &chunk, 0);
    if (n <= 0) {
        h->eof = n == 0;
        return n;
    }
    if (h->pend)
        js_free(ctx, h->pend);
    h->pend = chunk;
    h->pend_len = (size_t)n;
    h->pend_off = 0;
    return n;
}

int64_t coro_hostfd_read(JSContext *ctx, coro_hostfd *h, uint8_t *buf, size_t len, int64_t off)
{
    int64_t n;

    if (h->kind == HOST_DIR)
        return UV_EISDIR;
    if (h->kind == HOST_FILE)
        return file_rw(ctx, h, 0, buf, len, off);
    if (off >= 0)
        return UV_ESPIPE;
    if (len == 0)
        return 0;
    n = stream_fill(ctx, h);
    if (n <= 0)
        return n;
    if ((size_t)n > len)
        n = (int64_t)len;
    memcpy(buf, h->pend + h->pend_off, (size_t)n);
    h->pend_off += (size_t)n;
    return n;
}

int64_t coro_hostfd_writev(JSContext *ctx, coro_hostfd *h, const uv_buf_t *bufs, unsigned n,
                           int64_t off)
{
    coro_stream *s;
    uint8_t *copy;
    size_t len = 0, done = 0;
    int err;

    if (h->kind == HOST_DIR)
        return UV_EISDIR;
    for (unsigned i = 0; i < n; i++)
        len += bufs[i].len;
    if (h->kind == HOST_STREAM) {
        if (off >= 0)
            return UV_ESPIPE;
        if (!(s = coro_hostfd_stream(h, &err)))
            return err;
        for (unsigned i = 0; i < n; i += CORO_STREAM_MAX_BUFS) { /* copied before it parks */
            err = coro_stream_writev(ctx, s, bufs + i,
                                     n - i < CORO_STREAM_MAX_BUFS ? n - i : CORO_STREAM_MAX_BUFS);
            if (err < 0)
                return err;
        }
        return (int64_t)len;
    }
    /* the pool thread writes from a copy: the guest's memory may move */
    if (!(copy = malloc(len ? len : 1)))
        return UV_ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        memcpy(copy + done, bufs[i].base, bufs[i].len);
        done += bufs[i].len;
    }
    for (done = 0; done < len;) { /* a file takes all of it, unless it fails */
        int64_t w = file_rw(ctx, h, 1, copy + done, len - done,
                            off < 0 ? off : off + (int64_t)done);
        if (w <= 0) {
            free(copy);
            return done > 0 && w != CORO_ETERMINATED ? (int64_t)done : w == 0 ? UV_EIO : w;
        }
        done += (size_t)w;
    }
    free(copy);
    return (int64_t)len;
}

int coro_hostfd_os(const coro_hostfd *h)
{
    coro_uvstream *u = h->s ? coro_uvstream_of(h->s) : NULL;
    uv_os_fd_t fd;

    if (!h->s)
        return h->fd;
    return u && !h->s->life.closed && uv_fileno(&u->u.handle, &fd) == 0 ? fd : -1;
}

int coro_hostfd_poll_read(JSContext *ctx, coro_hostfd *h, uint64_t *nbytes, int *hangup)
{
    coro_stream *s;
    int64_t n;
    int err;

    *nbytes = 0;
    *hangup = 0;
    if (h->pend_off < h->pend_len) {
        *nbytes = h->pend_len - h->pend_off;
        return 1;
    }
    if (h->eof) {
        *hangup = 1;
        return 1;
    }
    if (!(s = coro_hostfd_stream(h, &err)) || !coro_stream_readable(s)) {
        *hangup = s == NULL;
        return s == NULL;
    }
    n = stream_fill(ctx, h); /* readable: this does not wait */
    if (n > 0)
        *nbytes = (uint64_t)n;
    else
        *hangup = 1;
    return 1;
}

/* ---- paths beneath a directory ---- */

int coro_wasi_open_beneath(int dirfd, const char *path, int flags, mode_t mode, int follow)
{
    struct open_how how;
    long fd;

    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    how.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    /* EAGAIN: a rename or mount somewhere raced a ".." of the path; the
       kernel refused to guess, so resolve again */
    for (int tries = 0; tries < 64; tries++) {
        fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        if (fd >= 0)
            return (int)fd;
        if (errno != EAGAIN && errno != EINTR)
            break;
    }
    return errno == EXDEV ? CORO_WASI_ESCAPE : -errno;
}

int coro_wasi_open_jailed(const struct coro_jail *jail, const char *path, int flags)
{
    int fd;

    if (jail)
        return coro_jail_open(jail, path, flags, 0);
    fd = open(path, flags | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}
