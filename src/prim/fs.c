/*
 * prim/fs.c: __primordials.fs, files and directories.
 *
 * Every call runs on libuv's thread pool and parks only the calling fiber, so
 * a slow disk stalls one fiber, not the loop. A request lives on the parked
 * fiber's stack; the fiber waits for it to finish even while its isolate is
 * torn down, because a request in the pool cannot be taken back; and it
 * takes one of its isolate's slots in the pool first (coro_pool_take).
 *
 * Reads and writes of a FIFO, a terminal, a character device or a socket
 * could wait forever, so those never go to the pool: such a file is opened
 * non-blocking and read and written where it stands, the fiber parking on
 * a uv_poll_t until the descriptor is ready. Closing it, or the isolate's
 * end, wakes a fiber blocked there.
 *
 * An open file is a File handle. Closing it kills its ID at once; if other
 * fibers still have operations in flight on it, the descriptor itself is
 * closed when the last of them finishes, never under their feet (coro_life).
 *
 * An operation on a path is one job on the thread pool (path_work): an
 * isolate without the fs capability gets ERR_ACCESS_DENIED before it; in an
 * isolate jailed to a directory the job looks the path up below the jail's
 * root and works on what the lookup holds open (jail.c), so nothing can move
 * between the two; a way out is EACCES.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "prim.h"
#include "core/binding.h"
#include "core/jail.h"
#include "core/life.h"
#include "core/isolate.h"

#define DEFAULT_READ_SIZE 65536
#define MAX_IO_SIZE 0x7fffffffLL
#define FIFO_OPEN_RETRY_MS 20 /* a FIFO opened for writing waits for a reader */

typedef struct js_file {
    coro_handle h;
    coro_life life;
    uv_file fd;
    uv_poll_t *poll;    /* a file that must not block: FIFO, terminal, socket ... */
    coro_waitq pollq;   /* ... the fibers waiting for it to be ready */
    int poll_events;
    int fifo;
} js_file;

typedef struct fs_req {
    uv_fs_t req;
    coro_op op;
} fs_req;

static void file_close(coro_handle *h);

static const coro_handle_type file_type = { "File", file_close, NULL };

/* ------------------------------------------------------------------ */
/* running a request */

static void fs_done(uv_fs_t *req)
{
    coro_op_done(req->data, (int)req->result);
}

/* Take a slot in the thread pool and prepare the request. */
static int fs_begin(JSContext *ctx, fs_req *r)
{
    memset(&r->req, 0, sizeof r->req);
    r->req.data = &r->op;
    coro_op_init(&r->op);
    return coro_pool_take(ctx);
}

/* Wait for the request started with `err` (uv_fs_*'s return value), and
   give its slot back. Returns its result, or CORO_ETERMINATED with an
   exception pending. */
static int fs_wait(JSContext *ctx, fs_req *r, int err)
{
    if (err == 0)
        err = coro_op_wait(ctx, &r->op);
    coro_pool_give(ctx);
    return err;
}

/* Run one uv_fs_* call (`call`, evaluated once a slot is taken). */
#define fs_run(ctx, r, call) (fs_begin(ctx, r) < 0 ? CORO_ETERMINATED : fs_wait(ctx, r, (call)))

/* Throw the error of a failed request, unless one is pending already. */
static JSValue fs_throw(JSContext *ctx, int err, const char *syscall, const char *path,
                        const char *dest)
{
    if (err == CORO_ETERMINATED)
        return JS_EXCEPTION;
    return coro_throw_uv(ctx, err, syscall, path, dest);
}

/* ------------------------------------------------------------------ */
/* operations on paths */

enum { OP_OPEN, OP_STAT, OP_LSTAT, OP_UNLINK, OP_RMDIR, OP_MKDIR, OP_READDIR, OP_RENAME };
static const char *const path_op_names[] = {
    "open", "stat", "lstat", "unlink", "rmdir", "mkdir", "scandir", "rename",
};

typedef struct path_req {
    uv_work_t work;
    coro_op op;
    const coro_jail *jail; /* NULL: paths as they are */
    int kind;              /* OP_* */
    const char *path, *dest;
    int flags, mode;
    int result;            /* a descriptor (open), 0, or a negative errno */
    uv_stat_t st;          /* stat, lstat */
    char **names;          /* readdir: malloc'ed, NULL-terminated */
} path_req;

/* openat(2) of path, in the jail if there is one. */
static int at_open(const coro_jail *j, const char *path, int flags, int mode)
{
    int fd;

    if (j)
        return coro_jail_open(j, path, flags, mode);
    fd = open(path, flags | O_CLOEXEC, mode);
    return fd < 0 ? -errno : fd;
}

/* The directory and name an operation on a name (unlinkat ...) is given:
   AT_FDCWD and the path itself, or in a jail a descriptor to close. */
static int at_name(const coro_jail *j, const char *path, char *buf, const char **name)
{
    *name = j ? buf : path;
    return j ? coro_jail_parent(j, path, buf) : AT_FDCWD;
}

static void at_done(int dir)
{
    if (dir >= 0)
        close(dir);
}

static void copy_time(uv_timespec_t *t, const struct statx_timestamp *s)
{
    t->tv_sec = s->tv_sec;
    t->tv_nsec = s->tv_nsec;
}

static int stat_fd(int fd, uv_stat_t *st)
{
    struct statx x;

    if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &x) < 0)
        return -errno;
    memset(st, 0, sizeof *st);
    st->st_dev = makedev(x.stx_dev_major, x.stx_dev_minor);
    st->st_rdev = makedev(x.stx_rdev_major, x.stx_rdev_minor);
    st->st_ino = x.stx_ino;
    st->st_mode = x.stx_mode;
    st->st_nlink = x.stx_nlink;
    st->st_uid = x.stx_uid;
    st->st_gid = x.stx_gid;
    st->st_size = x.stx_size;
    st->st_blksize = x.stx_blksize;
    st->st_blocks = x.stx_blocks;
    copy_time(&st->st_atim, &x.stx_atime);
    copy_time(&st->st_mtim, &x.stx_mtime);
    copy_time(&st->st_ctim, &x.stx_ctime);
    copy_time(&st->st_birthtim, x.stx_mask & STATX_BTIME ? &x.stx_btime : &x.stx_ctime);
    return 0;
}

static int read_dir(int fd, char ***names)
{
    DIR *d = fdopendir(fd);
    size_t n = 0, cap = 16;
    struct dirent *e;
    char **v = malloc(cap * sizeof *v);

    if (!d || !v) {
        free(v);
        if (d)
            closedir(d);
        else
            close(fd);
        return -ENOMEM;
    }
    errno = 0;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n + 2 > cap) {
            char **bigger = realloc(v, (cap *= 2) * sizeof *v);
            if (!bigger)
                break;
            v = bigger;
        }
        if (!(v[n] = strdup(e->d_name)))
            break;
        n++;
    }
    v[n] = NULL;
    *names = v;
    closedir(d);
    return e ? -ENOMEM : errno ? -errno : 0;
}

static void free_names(char **names)
{
    for (char **p = names; p && *p; p++)
        free(*p);
    free(names);
}

/* The operation on r->path, on the thread pool. */
static void path_work(uv_work_t *w)
{
    path_req *r = w->data;
    const coro_jail *j = r->jail;
    char name[NAME_MAX + 1], name2[NAME_MAX + 1];
    const char *at, *at2;
    int dir, dir2, fd;

    switch (r->kind) {
    case OP_OPEN:
        r->result = at_open(j, r->path, r->flags, r->mode);
        return;
    case OP_STAT:
    case OP_LSTAT:
        fd = at_open(j, r->path, O_PATH | (r->kind == OP_LSTAT ? O_NOFOLLOW : 0), 0);
        r->result = fd < 0 ? fd : stat_fd(fd, &r->st);
        at_done(fd);
        return;
    case OP_READDIR:
        fd = at_open(j, r->path, O_RDONLY | O_DIRECTORY, 0);
        r->result = fd < 0 ? fd : read_dir(fd, &r->names);
        return;
    case OP_RENAME:
        dir = at_name(j, r->path, name, &at);
        dir2 = dir < 0 && dir != AT_FDCWD ? dir : at_name(j, r->dest, name2, &at2);
        if (dir2 < 0 && dir2 != AT_FDCWD)
            r->result = dir2;
        else
            r->result = renameat(dir, at, dir2, at2) < 0 ? -errno : 0;
        at_done(dir);
        if (dir2 != dir)
            at_done(dir2);
        return;
    default:
        dir = at_name(j, r->path, name, &at);
        if (dir < 0 && dir != AT_FDCWD) {
            r->result = dir;
            return;
        }
        if (r->kind == OP_MKDIR)
            r->result = mkdirat(dir, at, (mode_t)r->mode);
        else
            r->result = unlinkat(dir, at, r->kind == OP_RMDIR ? AT_REMOVEDIR : 0);
        r->result = r->result < 0 ? -errno : 0;
        at_done(dir);
    }
}

static void path_done(uv_work_t *w, int status)
{
    path_req *r = w->data;

    coro_op_done(&r->op, status < 0 ? status : r->result);
}

/* Run the operation r->kind on path (and dest) with r->flags and r->mode,
   in one of the isolate's slots of the pool: its result, or a negative
   code (CORO_ETERMINATED with an exception pending: no fs capability, or
   the isolate ended; an open that finished meanwhile is closed). */
static int path_run(JSContext *ctx, path_req *r, const char *path, const char *dest)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int status;

    if (!coro_isolate_allow(ctx, CORO_CAP_FS, "fs") || coro_pool_take(ctx) < 0)
        return CORO_ETERMINATED;
    r->work.data = r;
    r->jail = iso->jail;
    r->path = path;
    r->dest = dest;
    r->names = NULL;
    coro_op_init(&r->op);
    status = uv_queue_work(coro_loop(), &r->work, path_work, path_done);
    if (status == 0)
        status = coro_op_wait(ctx, &r->op);
    coro_pool_give(ctx);
    if (status == CORO_ETERMINATED && r->kind == OP_OPEN && r->result >= 0)
        close(r->result);
    return status;
}

/* ------------------------------------------------------------------ */
/* open files */

static void file_closed(uv_fs_t *req)
{
    free(req->data);
    uv_fs_req_cleanup(req);
    free(req);
}

static void poll_closed(uv_handle_t *h)
{
    js_file *f = h->data;

    free(h);
    f->poll = NULL;
    coro_life_close_done(&f->life);
}

/* Closed and let go of: close the descriptor in the background, then free
   the handle. A poll handle goes first. */
static void file_finalize(coro_life *l)
{
    js_file *f = (js_file *)((char *)l - offsetof(js_file, life));
    uv_fs_t *req;

    if (f->poll) {
        f->life.pending = 1;
        uv_close((uv_handle_t *)f->poll, poll_closed);
        return;
    }
    req = malloc(sizeof *req);
    if (!req || uv_fs_close(coro_loop(), req, f->fd, file_closed) < 0) {
        free(req);
        close(f->fd);
        free(f);
    } else {
        req->data = f;
    }
}

static void file_close(coro_handle *h)
{
    js_file *f = (js_file *)h;

    coro_life_close(&f->life);
    coro_waitq_wake_all(&f->pollq, UV_EBADF); /* a fiber waiting on a FIFO */
    coro_life_check(&f->life);
}

static js_file *file_acquire(JSContext *ctx, JSValueConst id)
{
    js_file *f = (js_file *)coro_arg_handle(ctx, id, &file_type);

    if (f)
        coro_life_hold(&f->life);
    return f;
}

static void file_release(js_file *f)
{
    coro_life_release(&f->life);
}

/* ------------------------------------------------------------------ */
/* files that must not block the pool: FIFOs, terminals, sockets */

static void poll_cb(uv_poll_t *p, int status, int events)
{
    js_file *f = p->data;

    uv_poll_stop(p);
    f->poll_events = 0;
    coro_waitq_wake_all(&f->pollq, status);
}

/* Park until f's descriptor may be ready for `events` (or closed). */
static int poll_wait(JSContext *ctx, js_file *f, int events)
{
    int r;

    if (f->life.closed)
        return UV_EBADF;
    f->poll_events |= events;
    r = uv_poll_start(f->poll, f->poll_events, poll_cb);
    if (r < 0)
        return r;
    r = coro_waitq_wait(ctx, &f->pollq);
    return f->life.closed && r != CORO_ETERMINATED ? UV_EBADF : r;
}

/* Whether a read of 0 bytes from a FIFO is its end: a writer came and went.
   (Non-blocking, a FIFO no writer has opened yet reads as empty too, where
   a blocking read would wait for one; poll tells the two apart.) */
static int fifo_ended(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, 0) > 0;
}

/* read(2) or write(2) on a non-blocking descriptor, parking until it is
   ready: bytes done, or a negative error. */
static ssize_t poll_io(JSContext *ctx, js_file *f, int write_op, uint8_t *buf, size_t len)
{
    for (;;) {
        ssize_t n = write_op ? write(f->fd, buf, len) : read(f->fd, buf, len);
        int r;

        if (n > 0 || (n == 0 && (write_op || !f->fifo || fifo_ended(f->fd))))
            return n;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            return -errno;
        r = poll_wait(ctx, f, write_op ? UV_WRITABLE : UV_READABLE);
        if (r < 0)
            return r;
    }
}

/* A file just opened with O_NONBLOCK: a FIFO, terminal, character device or
   socket keeps it and gets a poll handle; any other file is a plain one. */
static int file_setup(js_file *f)
{
    struct stat st;

    if (fstat(f->fd, &st) < 0)
        return -errno;
    if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISSOCK(st.st_mode))
        return fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) & ~O_NONBLOCK) < 0 ? -errno : 0;
    f->fifo = S_ISFIFO(st.st_mode);
    f->poll = malloc(sizeof *f->poll);
    if (!f->poll)
        return UV_ENOMEM;
    if (uv_poll_init(coro_loop(), f->poll, f->fd) < 0) {
        /* not pollable after all (a regular character device): the pool */
        free(f->poll);
        f->poll = NULL;
        return fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) & ~O_NONBLOCK) < 0 ? -errno : 0;
    }
    f->poll->data = f;
    return 0;
}

/* Open, never blocking the pool: a FIFO opened for writing without a
   reader yet (ENXIO when non-blocking) is tried again a little later, its
   fiber parked meanwhile. */
static int open_nonblock(JSContext *ctx, path_req *req, const char *path)
{
    req->flags |= O_NONBLOCK;
    for (;;) {
        int r = path_run(ctx, req, path, NULL);
        if (r != UV_ENXIO || (req->flags & O_ACCMODE) != O_WRONLY)
            return r;
        r = coro_wait_timeout(ctx, FIFO_OPEN_RETRY_MS, 0);
        if (r == CORO_ETERMINATED)
            return r;
    }
}

static int parse_flags(const char *s, int *flags)
{
    static const struct {
        const char *name;
        int flags;
    } table[] = {
        { "r", O_RDONLY },
        { "r+", O_RDWR },
        { "rs+", O_RDWR | O_SYNC },
        { "w", O_WRONLY | O_CREAT | O_TRUNC },
        { "wx", O_WRONLY | O_CREAT | O_TRUNC | O_EXCL },
        { "w+", O_RDWR | O_CREAT | O_TRUNC },
        { "wx+", O_RDWR | O_CREAT | O_TRUNC | O_EXCL },
        { "a", O_WRONLY | O_CREAT | O_APPEND },
        { "ax", O_WRONLY | O_CREAT | O_APPEND | O_EXCL },
        { "a+", O_RDWR | O_CREAT | O_APPEND },
        { "ax+", O_RDWR | O_CREAT | O_APPEND | O_EXCL },
    };

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(s, table[i].name) == 0) {
            *flags = table[i].flags | O_CLOEXEC;
            return 0;
        }
    }
    return -1;
}

/* open(path, flags, mode) -> id */
static JSValue js_fs_open(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    const char *path, *fl = NULL;
    int64_t mode = 0666;
    JSValue ret = JS_EXCEPTION;
    path_req req = { .kind = OP_OPEN };
    js_file *f;
    int r;

    path = coro_arg_path(ctx, argv[0], "path");
    if (!path)
        return JS_EXCEPTION;
    fl = coro_arg_string(ctx, argv[1], "flags", NULL);
    if (!fl)
        goto done;
    if (parse_flags(fl, &req.flags) < 0) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE",
                        "The argument 'flags' is invalid. Received '%s' "
                        "(one of r, r+, rs+, w, wx, w+, wx+, a, ax, a+, ax+)", fl);
        goto done;
    }
    if (!JS_IsUndefined(argv[2]) &&
        coro_arg_integer(ctx, argv[2], "mode", 0, 07777, &mode) < 0)
        goto done;
    req.mode = (int)mode;
    f = coro_new_handle(ctx, sizeof *f, &file_type);
    if (!f)
        goto done;
    coro_life_init(&f->life, file_finalize);
    coro_life_hold(&f->life); /* its ID is not usable until the file is open */
    r = open_nonblock(ctx, &req, path);
    f->fd = r;
    if (r >= 0 && (r = file_setup(f)) < 0)
        close(f->fd); /* out of memory */
    if (r < 0) {
        coro_handles_remove(&iso->handles, &f->h);
        free(f);
        fs_throw(ctx, r, "open", path, NULL);
        goto done;
    }
    file_release(f);
    ret = JS_NewBigUint64(ctx, f->h.id);
done:
    JS_FreeCString(ctx, fl);
    JS_FreeCString(ctx, path);
    return ret;
}

/* close(id): the ID dies now; the descriptor when no operation uses it. */
static JSValue js_fs_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    js_file *f = (js_file *)coro_arg_handle(ctx, argv[0], &file_type);
    fs_req req;
    int r;

    if (!f)
        return JS_EXCEPTION;
    coro_handles_remove(&iso->handles, &f->h);
    if (f->life.holds || f->poll) { /* closed in the background, once let go of */
        file_close(&f->h);
        return JS_UNDEFINED;
    }
    r = fs_run(ctx, &req, uv_fs_close(coro_loop(), &req.req, f->fd, fs_done));
    uv_fs_req_cleanup(&req.req);
    free(f);
    if (r < 0)
        return fs_throw(ctx, r, "close", NULL, NULL);
    return JS_UNDEFINED;
}

/* An optional file position: undefined or null = the current position. */
static int arg_position(JSContext *ctx, JSValueConst v, int64_t *pos)
{
    *pos = -1;
    if (JS_IsUndefined(v) || JS_IsNull(v))
        return 0;
    return coro_arg_integer(ctx, v, "offset", 0, (int64_t)1 << 53, pos);
}

/* read(id, length, offset) -> Uint8Array, or null at the end of the file */
static JSValue js_fs_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t len = DEFAULT_READ_SIZE, pos;
    uint8_t *buf;
    uv_buf_t ub;
    js_file *f;
    fs_req req;
    int r;

    if (!JS_IsUndefined(argv[1]) && !JS_IsNull(argv[1]) &&
        coro_arg_integer(ctx, argv[1], "length", 0, MAX_IO_SIZE, &len) < 0)
        return JS_EXCEPTION;
    if (arg_position(ctx, argv[2], &pos) < 0)
        return JS_EXCEPTION;
    f = file_acquire(ctx, argv[0]);
    if (!f)
        return JS_EXCEPTION;
    buf = js_malloc(ctx, len ? (size_t)len : 1);
    if (!buf) {
        file_release(f);
        return JS_EXCEPTION;
    }
    r = 0;
    if (len > 0 && f->poll) {
        r = (int)poll_io(ctx, f, 0, buf, (size_t)len);
    } else if (len > 0) {
        ub = uv_buf_init((char *)buf, (unsigned)len);
        r = fs_run(ctx, &req, uv_fs_read(coro_loop(), &req.req, f->fd, &ub, 1, pos, fs_done));
        uv_fs_req_cleanup(&req.req);
    }
    file_release(f);
    if (r < 0) {
        js_free(ctx, buf);
        return fs_throw(ctx, r, "read", NULL, NULL);
    }
    if (r == 0 && len > 0) {
        js_free(ctx, buf);
        return JS_NULL;
    }
    if (r < len / 2) { /* do not keep a large, mostly empty buffer alive */
        uint8_t *small = js_realloc(ctx, buf, r ? (size_t)r : 1);
        if (small)
            buf = small;
    }
    return coro_new_uint8array(ctx, buf, (size_t)r);
}

/* write(id, data, offset) -> bytes written (all of them), as a BigInt */
static JSValue js_fs_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_bytes data;
    int64_t pos;
    size_t done = 0;
    js_file *f;
    fs_req req;
    int r = 0;

    if (arg_position(ctx, argv[2], &pos) < 0)
        return JS_EXCEPTION;
    if (coro_arg_bytes(ctx, argv[1], "data", &data) < 0)
        return JS_EXCEPTION;
    f = file_acquire(ctx, argv[0]);
    if (!f) {
        coro_bytes_free(ctx, &data);
        return JS_EXCEPTION;
    }
    while (done < data.len) {
        size_t chunk = data.len - done;
        uv_buf_t ub = uv_buf_init((char *)data.data + done,
                                  chunk > MAX_IO_SIZE ? (unsigned)MAX_IO_SIZE : (unsigned)chunk);
        if (f->poll) {
            r = (int)poll_io(ctx, f, 1, (uint8_t *)ub.base, ub.len);
        } else {
            r = fs_run(ctx, &req, uv_fs_write(coro_loop(), &req.req, f->fd, &ub, 1,
                                             pos < 0 ? -1 : pos + (int64_t)done, fs_done));
            uv_fs_req_cleanup(&req.req);
        }
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    file_release(f);
    coro_bytes_free(ctx, &data);
    if (r < 0)
        return fs_throw(ctx, r, "write", NULL, NULL);
    return JS_NewBigUint64(ctx, done);
}

/* ------------------------------------------------------------------ */
/* stat */

static double timespec_ms(uv_timespec_t t)
{
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static JSValue stat_object(JSContext *ctx, const uv_stat_t *st)
{
    JSValue o = JS_NewObject(ctx);

#define NUM(name, v) JS_SetPropertyStr(ctx, o, name, JS_NewFloat64(ctx, (double)(v)))
    NUM("dev", st->st_dev);
    NUM("ino", st->st_ino);
    NUM("mode", st->st_mode);
    NUM("nlink", st->st_nlink);
    NUM("uid", st->st_uid);
    NUM("gid", st->st_gid);
    NUM("rdev", st->st_rdev);
    NUM("size", st->st_size);
    NUM("blksize", st->st_blksize);
    NUM("blocks", st->st_blocks);
    NUM("atimeMs", timespec_ms(st->st_atim));
    NUM("mtimeMs", timespec_ms(st->st_mtim));
    NUM("ctimeMs", timespec_ms(st->st_ctim));
    NUM("birthtimeMs", timespec_ms(st->st_birthtim));
#undef NUM
    return o;
}

enum { OP_FSTAT, OP_FSYNC, OP_FDATASYNC };
static const char *const fd_op_names[] = { "fstat", "fsync", "fdatasync" };

/* fstat(id) -> object; fsync(id); fdatasync(id) */
static JSValue js_fs_fd_op(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                           int magic)
{
    js_file *f = file_acquire(ctx, argv[0]);
    JSValue ret = JS_UNDEFINED;
    fs_req req;
    int r;

    if (!f)
        return JS_EXCEPTION;
    if (magic == OP_FSTAT)
        r = fs_run(ctx, &req, uv_fs_fstat(coro_loop(), &req.req, f->fd, fs_done));
    else if (magic == OP_FSYNC)
        r = fs_run(ctx, &req, uv_fs_fsync(coro_loop(), &req.req, f->fd, fs_done));
    else
        r = fs_run(ctx, &req, uv_fs_fdatasync(coro_loop(), &req.req, f->fd, fs_done));
    file_release(f);
    if (r < 0)
        ret = fs_throw(ctx, r, fd_op_names[magic], NULL, NULL);
    else if (magic == OP_FSTAT)
        ret = stat_object(ctx, &req.req.statbuf);
    uv_fs_req_cleanup(&req.req);
    return ret;
}

/* ------------------------------------------------------------------ */
/* paths */

static JSValue readdir_names(JSContext *ctx, char **names)
{
    JSValue list = JS_NewArray(ctx);
    uint32_t i = 0;

    for (char **p = names; *p; p++)
        JS_SetPropertyUint32(ctx, list, i++, JS_NewString(ctx, *p));
    return list;
}

/* stat(path), lstat(path), unlink(path), rmdir(path), mkdir(path, mode),
   readdir(path), rename(from, to) */
static JSValue js_fs_path_op(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                             int magic)
{
    const char *path, *dest = NULL;
    int64_t mode = 0777;
    JSValue ret = JS_EXCEPTION;
    path_req req = { .kind = magic };
    int r;

    path = coro_arg_path(ctx, argv[0], magic == OP_RENAME ? "from" : "path");
    if (!path)
        return JS_EXCEPTION;
    if (magic == OP_RENAME && !(dest = coro_arg_path(ctx, argv[1], "to")))
        goto done;
    if (magic == OP_MKDIR && !JS_IsUndefined(argv[1]) &&
        coro_arg_integer(ctx, argv[1], "mode", 0, 07777, &mode) < 0)
        goto done;
    req.mode = (int)mode;
    if ((r = path_run(ctx, &req, path, dest)) < 0)
        fs_throw(ctx, r, path_op_names[magic], path, dest);
    else if (magic == OP_STAT || magic == OP_LSTAT)
        ret = stat_object(ctx, &req.st);
    else if (magic == OP_READDIR)
        ret = readdir_names(ctx, req.names);
    else
        ret = JS_UNDEFINED;
    free_names(req.names);
done:
    JS_FreeCString(ctx, dest);
    JS_FreeCString(ctx, path);
    return ret;
}

static const JSCFunctionListEntry fs_funcs[] = {
    JS_CFUNC_DEF("open", 3, js_fs_open),
    JS_CFUNC_DEF("close", 1, js_fs_close),
    JS_CFUNC_DEF("read", 3, js_fs_read),
    JS_CFUNC_DEF("write", 3, js_fs_write),
    JS_CFUNC_MAGIC_DEF("fstat", 1, js_fs_fd_op, OP_FSTAT),
    JS_CFUNC_MAGIC_DEF("fsync", 1, js_fs_fd_op, OP_FSYNC),
    JS_CFUNC_MAGIC_DEF("fdatasync", 1, js_fs_fd_op, OP_FDATASYNC),
    JS_CFUNC_MAGIC_DEF("stat", 1, js_fs_path_op, OP_STAT),
    JS_CFUNC_MAGIC_DEF("lstat", 1, js_fs_path_op, OP_LSTAT),
    JS_CFUNC_MAGIC_DEF("unlink", 1, js_fs_path_op, OP_UNLINK),
    JS_CFUNC_MAGIC_DEF("rmdir", 1, js_fs_path_op, OP_RMDIR),
    JS_CFUNC_MAGIC_DEF("mkdir", 2, js_fs_path_op, OP_MKDIR),
    JS_CFUNC_MAGIC_DEF("readdir", 1, js_fs_path_op, OP_READDIR),
    JS_CFUNC_MAGIC_DEF("rename", 2, js_fs_path_op, OP_RENAME),
};

int coro_prim_fs_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, fs_funcs, sizeof fs_funcs / sizeof fs_funcs[0]);
    return 0;
}
