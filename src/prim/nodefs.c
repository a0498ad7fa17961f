/*
 * prim/nodefs.c: __primordials.nodefs, the file system calls under Node's
 * internalBinding('fs') (lib/node/bindings/fs.js).
 *
 * Node's fs speaks in plain descriptors (numbers), not in the File handles of
 * __primordials.fs, and it wants each system call on its own: one read(2),
 * one write(2), stat, chmod, symlink, realpath ... Each function here is one
 * uv_fs_* request on libuv's thread pool, in one of the isolate's slots of it
 * (coro_pool_take); it parks only the calling fiber, and the request lives
 * on that fiber's stack (the fiber waits for it even while its isolate ends).
 * Inside an exclusive section (a *Sync call) the request runs on the calling
 * thread instead (libuv's synchronous form), as Node's sync calls do.
 * A failure throws Node's error: code, errno, syscall, path, dest.
 *
 * The *Sync, callback and promise forms of node:fs are made in JS from these:
 * a sync call runs one inside Fiber.exclusive, a callback or promise call
 * runs one on a fiber of its own (go(fn, args): its exception is uncaught).
 *
 * Descriptors are the process's own, so these calls need the fs capability
 * and refuse an isolate jailed to a directory (a descriptor or an absolute
 * path would lead out of the jail); such isolates use corojs:fs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prim.h"
#include "core/binding.h"
#include "core/quickjs_ext.h"
#include "core/run.h"
#include "core/wait.h"

#define MAX_IO_SIZE 0x7fffffffLL
#define STAT_FIELDS 18 /* Node's kFsStatsFieldsNumber */
#define STATFS_FIELDS 7

enum {
    NF_OPEN, NF_CLOSE, NF_READ, NF_WRITE, NF_STAT, NF_LSTAT, NF_FSTAT, NF_STATFS,
    NF_UNLINK, NF_RMDIR, NF_MKDIR, NF_RENAME, NF_LINK, NF_SYMLINK, NF_FTRUNCATE,
    NF_FSYNC, NF_FDATASYNC, NF_FCHMOD, NF_CHMOD, NF_CHOWN, NF_LCHOWN, NF_FCHOWN,
    NF_UTIMES, NF_LUTIMES, NF_FUTIMES, NF_ACCESS, NF_COPYFILE, NF_READLINK,
    NF_REALPATH, NF_MKDTEMP, NF_SCANDIR,
    NF_NO_THROW = 0x100, /* with a kind: a failure is its negative errno, not an error */
};

/* Node's syscall names, as its errors carry them. */
static const char *const syscall_names[] = {
    "open", "close", "read", "write", "stat", "lstat", "fstat", "statfs",
    "unlink", "rmdir", "mkdir", "rename", "link", "symlink", "ftruncate",
    "fsync", "fdatasync", "fchmod", "chmod", "chown", "lchown", "fchown",
    "utime", "lutime", "futime", "access", "copyfile", "readlink",
    "realpath", "mkdtemp", "scandir",
};

/* One call: its arguments, read from JS before the fiber parks. */
typedef struct nf_call {
    uv_fs_t req;
    coro_op op;
    int kind;
    const char *path, *dest; /* path arguments (JS_FreeCString) */
    int64_t fd, a, b;        /* descriptor, then mode/flags/uid/gid/length/offset */
    double t1, t2;           /* utimes: seconds */
    uv_buf_t buf;            /* read and write */
    int64_t pos;             /* read and write: -1 = the current position */
    coro_bytes data;         /* write: the bytes, pinned or copied ... */
    int has_data;            /* ... once read */
    JSValue pinned;          /* read: the pinned ArrayBuffer */
} nf_call;

static void nf_done(uv_fs_t *req)
{
    coro_op_done(req->data, (int)req->result);
}

/* Start c's request, 0 or a negative code; with done NULL, libuv makes the
   system call there and then: its result. */
static int nf_start(nf_call *c, uv_fs_cb done)
{
    uv_loop_t *loop = coro_loop();
    uv_fs_t *r = &c->req;
    int a = (int)c->a, b = (int)c->b;
    uv_file fd = (uv_file)c->fd;

    switch (c->kind) {
    case NF_OPEN: return uv_fs_open(loop, r, c->path, a, b, done);
    case NF_CLOSE: return uv_fs_close(loop, r, fd, done);
    case NF_READ: return uv_fs_read(loop, r, fd, &c->buf, 1, c->pos, done);
    case NF_WRITE: return uv_fs_write(loop, r, fd, &c->buf, 1, c->pos, done);
    case NF_STAT: return uv_fs_stat(loop, r, c->path, done);
    case NF_LSTAT: return uv_fs_lstat(loop, r, c->path, done);
    case NF_FSTAT: return uv_fs_fstat(loop, r, fd, done);
    case NF_STATFS: return uv_fs_statfs(loop, r, c->path, done);
    case NF_UNLINK: return uv_fs_unlink(loop, r, c->path, done);
    case NF_RMDIR: return uv_fs_rmdir(loop, r, c->path, done);
    case NF_MKDIR: return uv_fs_mkdir(loop, r, c->path, a, done);
    case NF_RENAME: return uv_fs_rename(loop, r, c->path, c->dest, done);
    case NF_LINK: return uv_fs_link(loop, r, c->path, c->dest, done);
    case NF_SYMLINK: return uv_fs_symlink(loop, r, c->path, c->dest, a, done);
    case NF_FTRUNCATE: return uv_fs_ftruncate(loop, r, fd, c->a, done);
    case NF_FSYNC: return uv_fs_fsync(loop, r, fd, done);
    case NF_FDATASYNC: return uv_fs_fdatasync(loop, r, fd, done);
    case NF_FCHMOD: return uv_fs_fchmod(loop, r, fd, a, done);
    case NF_CHMOD: return uv_fs_chmod(loop, r, c->path, a, done);
    case NF_CHOWN: return uv_fs_chown(loop, r, c->path, (uv_uid_t)c->a, (uv_gid_t)c->b, done);
    case NF_LCHOWN: return uv_fs_lchown(loop, r, c->path, (uv_uid_t)c->a, (uv_gid_t)c->b, done);
    case NF_FCHOWN: return uv_fs_fchown(loop, r, fd, (uv_uid_t)c->a, (uv_gid_t)c->b, done);
    case NF_UTIMES: return uv_fs_utime(loop, r, c->path, c->t1, c->t2, done);
    case NF_LUTIMES: return uv_fs_lutime(loop, r, c->path, c->t1, c->t2, done);
    case NF_FUTIMES: return uv_fs_futime(loop, r, fd, c->t1, c->t2, done);
    case NF_ACCESS: return uv_fs_access(loop, r, c->path, a, done);
    case NF_COPYFILE: return uv_fs_copyfile(loop, r, c->path, c->dest, a, done);
    case NF_READLINK: return uv_fs_readlink(loop, r, c->path, done);
    case NF_REALPATH: return uv_fs_realpath(loop, r, c->path, done);
    case NF_MKDTEMP: return uv_fs_mkdtemp(loop, r, c->path, done);
    default: return uv_fs_scandir(loop, r, c->path, 0, done);
    }
}

/* Run c: its result, or a negative code (CORO_ETERMINATED with an
   exception pending). In an exclusive section (a *Sync call) nothing else of
   the isolate may run until it returns, so parking the fiber buys nothing:
   the system call is made on the calling thread, as Node makes it, without
   the two thread hand-offs of the pool. Otherwise in a slot of the pool. */
static int nf_run(JSContext *ctx, nf_call *c)
{
    int r;

    if (!coro_isolate_allow(ctx, CORO_CAP_FS, "fs"))
        return CORO_ETERMINATED;
    if (coro_isolate_of(ctx)->jail) {
        coro_throw_code(ctx, "ERR_ACCESS_DENIED",
                        "node:fs is not available in an isolate jailed to a directory; "
                        "use corojs:fs there");
        return CORO_ETERMINATED;
    }
    if (coro_fiber_exclusive(coro_fiber_current()))
        return nf_start(c, NULL);
    if (coro_pool_take(ctx) < 0)
        return CORO_ETERMINATED;
    c->req.data = &c->op;
    coro_op_init(&c->op);
    r = nf_start(c, nf_done);
    if (r == 0)
        r = coro_op_wait(ctx, &c->op);
    coro_pool_give(ctx);
    return r;
}

/* ------------------------------------------------------------------ */
/* arguments */

static int arg_int(JSContext *ctx, JSValueConst v, const char *name, int64_t *out)
{
    return coro_arg_integer(ctx, v, name, INT32_MIN, (int64_t)UINT32_MAX, out);
}

/* A position: a number or BigInt >= 0, anything else (-1, null) = current. */
static int arg_position(JSContext *ctx, JSValueConst v, int64_t *pos)
{
    *pos = -1;
    if (JS_IsBigInt(ctx, v))
        return JS_ToBigInt64(ctx, pos, v) < 0 ? -1 : (*pos < 0 ? (*pos = -1, 0) : 0);
    if (JS_IsNumber(v)) {
        double d;
        JS_ToFloat64(ctx, &d, v);
        if (d >= 0 && d <= 9007199254740991.0)
            *pos = (int64_t)d;
    }
    return 0;
}

/* The window [offset, offset + length) of a view, checked. */
static int arg_window(JSContext *ctx, JSValueConst off, JSValueConst len, size_t size,
                      size_t *start, size_t *n)
{
    int64_t o, l;

    if (coro_arg_integer(ctx, off, "offset", 0, (int64_t)size, &o) < 0 ||
        coro_arg_integer(ctx, len, "length", 0, MAX_IO_SIZE, &l) < 0)
        return -1;
    if ((size_t)l > size - (size_t)o) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE",
                        "The value of \"length\" is out of range. It must be <= %zu. Received %lld",
                        size - (size_t)o, (long long)l);
        return -1;
    }
    *start = (size_t)o;
    *n = (size_t)l;
    return 0;
}

/* The arguments of c->kind from argv: 0, or -1 with an exception pending. */
static int nf_args(JSContext *ctx, nf_call *c, int argc, JSValueConst *argv)
{
    int k = c->kind;
    size_t start, n, size;
    uint8_t *p;

    switch (k) {
    case NF_CLOSE: case NF_FSTAT: case NF_FSYNC: case NF_FDATASYNC:
    case NF_READ: case NF_WRITE: case NF_FTRUNCATE: case NF_FCHMOD: case NF_FCHOWN:
    case NF_FUTIMES:
        if (coro_arg_integer(ctx, argv[0], "fd", 0, INT32_MAX, &c->fd) < 0)
            return -1;
        argv++;
        break;
    default:
        if (!(c->path = coro_arg_path(ctx, argv[0], "path")))
            return -1;
        argv++;
        if (k == NF_RENAME || k == NF_LINK || k == NF_SYMLINK || k == NF_COPYFILE) {
            if (!(c->dest = coro_arg_path(ctx, argv[0], "dest")))
                return -1;
            argv++;
        }
    }
    switch (k) {
    case NF_OPEN: case NF_CHOWN: case NF_LCHOWN: case NF_FCHOWN:
        return arg_int(ctx, argv[0], "a", &c->a) < 0 || arg_int(ctx, argv[1], "b", &c->b) < 0 ? -1 : 0;
    case NF_MKDIR: case NF_SYMLINK: case NF_FCHMOD: case NF_CHMOD: case NF_ACCESS:
    case NF_COPYFILE:
        return arg_int(ctx, argv[0], "mode", &c->a);
    case NF_FTRUNCATE:
        return coro_arg_integer(ctx, argv[0], "len", 0, INT64_MAX, &c->a);
    case NF_UTIMES: case NF_LUTIMES: case NF_FUTIMES:
        return JS_ToFloat64(ctx, &c->t1, argv[0]) < 0 || JS_ToFloat64(ctx, &c->t2, argv[1]) < 0 ? -1 : 0;
    case NF_READ:
        if (!(p = coro_qjs_pin_bytes(ctx, argv[0], &size, &c->pinned))) {
            coro_throw_code(ctx, "ERR_INVALID_ARG_TYPE",
                            "The \"buffer\" argument must be an instance of Buffer, TypedArray, or DataView");
            return -1;
        }
        if (arg_window(ctx, argv[1], argv[2], size, &start, &n) < 0 ||
            arg_position(ctx, argv[3], &c->pos) < 0)
            return -1;
        c->buf = uv_buf_init((char *)p + start, (unsigned)n);
        return 0;
    case NF_WRITE:
        if (coro_arg_bytes(ctx, argv[0], "buffer", &c->data) < 0)
            return -1;
        c->has_data = 1;
        if (arg_window(ctx, argv[1], argv[2], c->data.len, &start, &n) < 0 ||
            arg_position(ctx, argv[3], &c->pos) < 0)
            return -1;
        c->buf = uv_buf_init((char *)c->data.data + start, (unsigned)n);
        return 0;
    default:
        return 0;
    }
}

static void nf_free(JSContext *ctx, nf_call *c)
{
    JS_FreeCString(ctx, c->path);
    JS_FreeCString(ctx, c->dest);
    if (c->has_data)
        coro_bytes_free(ctx, &c->data);
    if (!JS_IsUndefined(c->pinned))
        coro_qjs_unpin(ctx, c->pinned);
    uv_fs_req_cleanup(&c->req);
}

/* ------------------------------------------------------------------ */
/* results */

/* A number, or a BigInt for a BigInt array. */
static JSValue stat_num(JSContext *ctx, int bigint, int64_t v)
{
    return bigint ? JS_NewBigInt64(ctx, v) : JS_NewFloat64(ctx, (double)v);
}

/* Node's stat array: dev, mode, nlink, uid, gid, rdev, blksize, ino, size,
   blocks, then seconds and nanoseconds of atime, mtime, ctime, birthtime. */
static JSValue stat_array(JSContext *ctx, const uv_stat_t *s, int bigint)
{
    const int64_t v[STAT_FIELDS] = {
        (int64_t)s->st_dev, (int64_t)s->st_mode, (int64_t)s->st_nlink, (int64_t)s->st_uid,
        (int64_t)s->st_gid, (int64_t)s->st_rdev, (int64_t)s->st_blksize, (int64_t)s->st_ino,
        (int64_t)s->st_size, (int64_t)s->st_blocks,
        s->st_atim.tv_sec, s->st_atim.tv_nsec, s->st_mtim.tv_sec, s->st_mtim.tv_nsec,
        s->st_ctim.tv_sec, s->st_ctim.tv_nsec, s->st_birthtim.tv_sec, s->st_birthtim.tv_nsec,
    };
    JSValue a = JS_NewArray(ctx);

    for (int i = 0; i < STAT_FIELDS; i++)
        JS_SetPropertyUint32(ctx, a, (uint32_t)i, stat_num(ctx, bigint, v[i]));
    return a;
}

/* type, bsize, blocks, bfree, bavail, files, ffree */
static JSValue statfs_array(JSContext *ctx, const uv_statfs_t *s, int bigint)
{
    const int64_t v[STATFS_FIELDS] = {
        (int64_t)s->f_type, (int64_t)s->f_bsize, (int64_t)s->f_blocks, (int64_t)s->f_bfree,
        (int64_t)s->f_bavail, (int64_t)s->f_files, (int64_t)s->f_ffree,
    };
    JSValue a = JS_NewArray(ctx);

    for (int i = 0; i < STATFS_FIELDS; i++)
        JS_SetPropertyUint32(ctx, a, (uint32_t)i, stat_num(ctx, bigint, v[i]));
    return a;
}

/* [names, types]: the entries of a directory with their UV_DIRENT_* types. */
static JSValue scandir_result(JSContext *ctx, uv_fs_t *req)
{
    JSValue names = JS_NewArray(ctx), types = JS_NewArray(ctx), pair = JS_NewArray(ctx);
    uv_dirent_t ent;
    uint32_t i = 0;

    while (uv_fs_scandir_next(req, &ent) == 0) {
        JS_SetPropertyUint32(ctx, names, i, JS_NewString(ctx, ent.name));
        JS_SetPropertyUint32(ctx, types, i, JS_NewInt32(ctx, ent.type));
        i++;
    }
    JS_SetPropertyUint32(ctx, pair, 0, names);
    JS_SetPropertyUint32(ctx, pair, 1, types);
    return pair;
}

static JSValue nf_result(JSContext *ctx, nf_call *c, int r, int bigint)
{
    switch (c->kind) {
    case NF_OPEN: case NF_READ: case NF_WRITE:
        return JS_NewInt32(ctx, r);
    case NF_STAT: case NF_LSTAT: case NF_FSTAT:
        return stat_array(ctx, &c->req.statbuf, bigint);
    case NF_STATFS:
        return statfs_array(ctx, c->req.ptr, bigint);
    case NF_READLINK: case NF_REALPATH:
        return JS_NewString(ctx, c->req.ptr);
    case NF_MKDTEMP:
        return JS_NewString(ctx, c->req.path);
    case NF_SCANDIR:
        return scandir_result(ctx, &c->req);
    default:
        return JS_UNDEFINED;
    }
}

/* Each function: one call of kind `magic`. The stat calls take one more
   argument after theirs: whether the numbers are BigInts. With NF_NO_THROW
   (statErrno, accessErrno: existsSync, the loader's stat, statSync's
   throwIfNoEntry) a system error is returned as its negative errno, which
   spares making an error to be caught. */
static JSValue js_nodefs_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                              int magic)
{
    nf_call c;
    JSValue ret;
    int r, bigint = 0, no_throw = magic & NF_NO_THROW;

    magic &= ~NF_NO_THROW;
    memset(&c, 0, sizeof c);
    c.kind = magic;
    c.pinned = JS_UNDEFINED;
    if (magic == NF_STAT || magic == NF_LSTAT || magic == NF_FSTAT || magic == NF_STATFS)
        bigint = JS_ToBool(ctx, argv[1]);
    if (nf_args(ctx, &c, argc, argv) < 0) {
        nf_free(ctx, &c);
        return JS_EXCEPTION;
    }
    r = nf_run(ctx, &c);
    if (r == CORO_ETERMINATED)
        ret = JS_EXCEPTION;
    else if (r < 0 && no_throw)
        ret = JS_NewInt32(ctx, r);
    else if (r < 0)
        ret = coro_throw_uv(ctx, r, syscall_names[magic], c.path, c.dest);
    else
        ret = nf_result(ctx, &c, r, bigint);
    nf_free(ctx, &c);
    return ret;
}

/* go(fn, args): fn(...args) in a fiber of its own, started now; an exception
   it throws is uncaught, as a Node callback's is. */
static JSValue js_nodefs_go(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int err;

    if (coro_arg_function(ctx, argv[0], "fn") < 0)
        return JS_EXCEPTION;
    if (!JS_IsArray(ctx, argv[1]))
        return coro_throw_code(ctx, "ERR_INVALID_ARG_TYPE", "The \"args\" argument must be an Array");
    err = coro_spawn_call(coro_isolate_of(ctx), argv[0], JS_UNDEFINED, argv[1]);
    if (err < 0)
        return coro_throw_uv(ctx, err, "go", NULL, NULL);
    return JS_UNDEFINED;
}

/* constants() -> internalBinding('constants').fs: this system's open flags,
   file modes and access modes, and libuv's own numbers. */
static JSValue js_nodefs_constants(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const struct { const char *name; int value; } table[] = {
#define C(name) { #name, name }
        { "UV_FS_SYMLINK_DIR", UV_FS_SYMLINK_DIR }, { "UV_FS_SYMLINK_JUNCTION", UV_FS_SYMLINK_JUNCTION },
        C(O_RDONLY), C(O_WRONLY), C(O_RDWR),
        { "UV_DIRENT_UNKNOWN", UV_DIRENT_UNKNOWN }, { "UV_DIRENT_FILE", UV_DIRENT_FILE },
        { "UV_DIRENT_DIR", UV_DIRENT_DIR }, { "UV_DIRENT_LINK", UV_DIRENT_LINK },
        { "UV_DIRENT_FIFO", UV_DIRENT_FIFO }, { "UV_DIRENT_SOCKET", UV_DIRENT_SOCKET },
        { "UV_DIRENT_CHAR", UV_DIRENT_CHAR }, { "UV_DIRENT_BLOCK", UV_DIRENT_BLOCK },
        { "EXTENSIONLESS_FORMAT_JAVASCRIPT", 0 }, { "EXTENSIONLESS_FORMAT_WASM", 1 },
        C(S_IFMT), C(S_IFREG), C(S_IFDIR), C(S_IFCHR), C(S_IFBLK), C(S_IFIFO), C(S_IFLNK),
        C(S_IFSOCK), C(O_CREAT), C(O_EXCL), { "UV_FS_O_FILEMAP", UV_FS_O_FILEMAP }, C(O_NOCTTY),
        C(O_TRUNC), C(O_APPEND), C(O_DIRECTORY), C(O_NOATIME), C(O_NOFOLLOW), C(O_SYNC),
        C(O_DSYNC), C(O_DIRECT), C(O_NONBLOCK), C(S_IRWXU), C(S_IRUSR), C(S_IWUSR), C(S_IXUSR),
        C(S_IRWXG), C(S_IRGRP), C(S_IWGRP), C(S_IXGRP), C(S_IRWXO), C(S_IROTH), C(S_IWOTH),
        C(S_IXOTH), C(F_OK), C(R_OK), C(W_OK), C(X_OK),
        { "UV_FS_COPYFILE_EXCL", UV_FS_COPYFILE_EXCL }, { "COPYFILE_EXCL", UV_FS_COPYFILE_EXCL },
        { "UV_FS_COPYFILE_FICLONE", UV_FS_COPYFILE_FICLONE },
        { "COPYFILE_FICLONE", UV_FS_COPYFILE_FICLONE },
        { "UV_FS_COPYFILE_FICLONE_FORCE", UV_FS_COPYFILE_FICLONE_FORCE },
        { "COPYFILE_FICLONE_FORCE", UV_FS_COPYFILE_FICLONE_FORCE },
#undef C
    };
    JSValue o = JS_NewObject(ctx);

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        JS_SetPropertyStr(ctx, o, table[i].name, JS_NewInt32(ctx, table[i].value));
    return o;
}

/* ------------------------------------------------------------------ */
/* watchers: fs.watch (uv_fs_event, internalBinding('fs_event_wrap')) and
   fs.watchFile (uv_fs_poll, internalBinding('fs').StatWatcher). Each is a
   handle whose listener runs in a fiber of its own per event; a watcher
   keeps the program going until it is unref'd or closed. */

typedef struct nf_watcher {
    coro_handle h;
    union {
        uv_handle_t any;
        uv_fs_event_t event;
        uv_fs_poll_t poll;
    } u;
    JSValue fn;
} nf_watcher;

static void watcher_close(coro_handle *h);

static const coro_handle_type watcher_type = { "FSWatcher", watcher_close, NULL };

static void watcher_free(uv_handle_t *u)
{
    free(u->data);
}

static void watcher_close(coro_handle *h)
{
    nf_watcher *w = (nf_watcher *)h;

    JS_FreeValue(h->iso->ctx, w->fn);
    w->fn = JS_UNDEFINED;
    uv_close(&w->u.any, watcher_free);
}

/* fn(...args) in a new fiber; args is taken. */
static void watcher_deliver(nf_watcher *w, JSValue args)
{
    int err = coro_spawn_call(w->h.iso, w->fn, JS_UNDEFINED, args);

    JS_FreeValue(w->h.iso->ctx, args);
    if (err < 0 && err != UV_ECANCELED)
        fprintf(stderr, "corojs: cannot run a file watcher's listener: %s\n", uv_strerror(err));
}

static void event_seen(uv_fs_event_t *e, const char *filename, int events, int status)
{
    nf_watcher *w = e->data;
    JSContext *ctx = w->h.iso->ctx;
    JSValue args = JS_NewArray(ctx);

    JS_SetPropertyUint32(ctx, args, 0, JS_NewInt32(ctx, status));
    JS_SetPropertyUint32(ctx, args, 1, JS_NewInt32(ctx, events));
    JS_SetPropertyUint32(ctx, args, 2, filename ? JS_NewString(ctx, filename) : JS_NULL);
    watcher_deliver(w, args);
}

static void poll_seen(uv_fs_poll_t *p, int status, const uv_stat_t *prev, const uv_stat_t *curr)
{
    nf_watcher *w = p->data;
    JSContext *ctx = w->h.iso->ctx;
    JSValue args = JS_NewArray(ctx);

    JS_SetPropertyUint32(ctx, args, 0, JS_NewInt32(ctx, status));
    JS_SetPropertyUint32(ctx, args, 1, stat_array(ctx, curr, 0));
    JS_SetPropertyUint32(ctx, args, 2, stat_array(ctx, prev, 0));
    watcher_deliver(w, args);
}

/* watch(path, listener) -> id, or a negative code: listener(status, events
   (UV_RENAME | UV_CHANGE), filename | null) for each change libuv reports.
   watchFile(path, intervalMs, listener) -> id, or a negative code:
   listener(status, currentStat, previousStat) each time the stat changes
   (magic: 0 = watch, 1 = watchFile). */
static JSValue js_nodefs_watch(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    JSValueConst fn = argv[magic ? 2 : 1];
    const char *path;
    int64_t interval = 0;
    nf_watcher *w;
    int err;

    if (!coro_isolate_allow(ctx, CORO_CAP_FS, "fs"))
        return JS_EXCEPTION;
    if ((magic && coro_arg_integer(ctx, argv[1], "interval", 0, UINT32_MAX, &interval) < 0) ||
        coro_arg_function(ctx, fn, "listener") < 0 || !(path = coro_arg_path(ctx, argv[0], "path")))
        return JS_EXCEPTION;
    w = coro_new_handle(ctx, sizeof *w, &watcher_type);
    if (!w) {
        JS_FreeCString(ctx, path);
        return JS_EXCEPTION;
    }
    w->fn = JS_DupValue(ctx, fn);
    if (magic) {
        uv_fs_poll_init(coro_loop(), &w->u.poll);
        err = uv_fs_poll_start(&w->u.poll, poll_seen, path, (unsigned)interval);
    } else {
        uv_fs_event_init(coro_loop(), &w->u.event);
        err = uv_fs_event_start(&w->u.event, event_seen, path, 0);
    }
    w->u.any.data = w;
    w->h.uv = &w->u.any;
    JS_FreeCString(ctx, path);
    if (err < 0) {
        coro_handle_close(&coro_isolate_of(ctx)->handles, &w->h);
        return JS_NewInt32(ctx, err);
    }
    return JS_NewBigUint64(ctx, w->h.id);
}

/* ref(id, on): whether the watcher keeps the program going. */
static JSValue js_nodefs_watcher_ref(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    nf_watcher *w = (nf_watcher *)coro_arg_handle(ctx, argv[0], &watcher_type);

    if (!w)
        return JS_EXCEPTION;
    if (JS_ToBool(ctx, argv[1]))
        uv_ref(&w->u.any);
    else
        uv_unref(&w->u.any);
    return JS_UNDEFINED;
}

static JSValue js_nodefs_unwatch(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return coro_close_arg_handle(ctx, argv[0], &watcher_type);
}

/* isatty(fd) -> whether the descriptor is a terminal (tty.isatty). */
static JSValue js_nodefs_isatty(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t fd;

    if (JS_ToInt32(ctx, &fd, argv[0]) < 0)
        return JS_EXCEPTION;
    return JS_NewBool(ctx, fd >= 0 && isatty(fd));
}

#define CALL(name, n, kind) JS_CFUNC_MAGIC_DEF(name, n, js_nodefs_call, kind)

static const JSCFunctionListEntry nodefs_funcs[] = {
    CALL("open", 3, NF_OPEN), CALL("close", 1, NF_CLOSE),
    CALL("read", 5, NF_READ), CALL("write", 5, NF_WRITE),
    CALL("stat", 2, NF_STAT), CALL("lstat", 2, NF_LSTAT), CALL("fstat", 2, NF_FSTAT),
    CALL("statErrno", 2, NF_STAT | NF_NO_THROW), CALL("lstatErrno", 2, NF_LSTAT | NF_NO_THROW),
    CALL("accessErrno", 2, NF_ACCESS | NF_NO_THROW),
    CALL("statfs", 2, NF_STATFS),
    CALL("unlink", 1, NF_UNLINK), CALL("rmdir", 1, NF_RMDIR), CALL("mkdir", 2, NF_MKDIR),
    CALL("rename", 2, NF_RENAME), CALL("link", 2, NF_LINK), CALL("symlink", 3, NF_SYMLINK),
    CALL("ftruncate", 2, NF_FTRUNCATE), CALL("fsync", 1, NF_FSYNC),
    CALL("fdatasync", 1, NF_FDATASYNC), CALL("fchmod", 2, NF_FCHMOD), CALL("chmod", 2, NF_CHMOD),
    CALL("chown", 3, NF_CHOWN), CALL("lchown", 3, NF_LCHOWN), CALL("fchown", 3, NF_FCHOWN),
    CALL("utimes", 3, NF_UTIMES), CALL("lutimes", 3, NF_LUTIMES), CALL("futimes", 3, NF_FUTIMES),
    CALL("access", 2, NF_ACCESS), CALL("copyfile", 3, NF_COPYFILE),
    CALL("readlink", 1, NF_READLINK), CALL("realpath", 1, NF_REALPATH),
    CALL("mkdtemp", 1, NF_MKDTEMP), CALL("scandir", 1, NF_SCANDIR),
    JS_CFUNC_DEF("go", 2, js_nodefs_go),
    JS_CFUNC_DEF("constants", 0, js_nodefs_constants),
    JS_CFUNC_DEF("isatty", 1, js_nodefs_isatty),
    JS_CFUNC_MAGIC_DEF("watch", 2, js_nodefs_watch, 0),
    JS_CFUNC_MAGIC_DEF("watchFile", 3, js_nodefs_watch, 1),
    JS_CFUNC_DEF("watcherRef", 2, js_nodefs_watcher_ref),
    JS_CFUNC_DEF("unwatch", 1, js_nodefs_unwatch),
};

int coro_prim_nodefs_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, nodefs_funcs, sizeof nodefs_funcs / sizeof nodefs_funcs[0]);
    return 0;
}
