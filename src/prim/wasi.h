/*
 * prim/wasi.h: what the system interfaces of WebAssembly apps share: WASI
 * preview 1 (wasi.c: the area corojs:wasi, descriptors, streams, clocks,
 * poll; wasi_fs.c: paths and file metadata) and Dagger (dagger.c).
 *
 * wasi_host.c holds the host side both stand on:
 * - a guest's linear memory, read afresh after every wait (it may grow and
 *   move while a fiber is parked);
 * - host files: a descriptor read and written on libuv's thread pool (a
 *   slow disk blocks one fiber; the isolate's pool slots are taken), or a
 *   core stream for terminals, pipes, FIFOs and sockets (driven by the
 *   loop, never by the pool);
 * - paths resolved beneath a directory descriptor by the kernel
 *   (openat2 RESOLVE_BENEATH): `..`, absolute paths and symlinks cannot
 *   lead out, and a rename racing the resolution cannot either.
 */
#ifndef COROJS_PRIM_WASI_H
#define COROJS_PRIM_WASI_H

#include <stdint.h>
#include <sys/types.h>
#include "quickjs.h"
#include "core/stream.h"

/* ---- WASI preview 1's numbers ---- */

enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EAGAIN = 6, WASI_EBADF = 8,
    WASI_EBUSY = 10, WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EINTR = 27,
    WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISDIR = 31, WASI_ELOOP = 32, WASI_EMFILE = 33,
    WASI_ENAMETOOLONG = 37, WASI_ENOBUFS = 42, WASI_ENOENT = 44, WASI_ENOMEM = 48,
    WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
    WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_EPERM = 63, WASI_EPIPE = 64, WASI_ESPIPE = 70,
    WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76,
};

enum {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2, WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* fdflags */
enum { WASI_FDFLAG_APPEND = 1, WASI_FDFLAG_DSYNC = 2, WASI_FDFLAG_NONBLOCK = 4,
       WASI_FDFLAG_RSYNC = 8, WASI_FDFLAG_SYNC = 16 };

/* rights */
#define WASI_RIGHT(n) ((uint64_t)1 << (n))
enum {
    WASI_FD_DATASYNC = 0, WASI_FD_READ = 1, WASI_FD_SEEK = 2, WASI_FD_FDSTAT_SET_FLAGS = 3,
    WASI_FD_SYNC = 4, WASI_FD_TELL = 5, WASI_FD_WRITE = 6, WASI_FD_ADVISE = 7,
    WASI_FD_ALLOCATE = 8, WASI_PATH_CREATE_DIRECTORY = 9, WASI_PATH_CREATE_FILE = 10,
    WASI_PATH_LINK_SOURCE = 11, WASI_PATH_LINK_TARGET = 12, WASI_PATH_OPEN = 13,
    WASI_FD_READDIR = 14, WASI_PATH_READLINK = 15, WASI_PATH_RENAME_SOURCE = 16,
    WASI_PATH_RENAME_TARGET = 17, WASI_PATH_FILESTAT_GET = 18,
    WASI_PATH_FILESTAT_SET_SIZE = 19, WASI_PATH_FILESTAT_SET_TIMES = 20,
    WASI_FD_FILESTAT_GET = 21, WASI_FD_FILESTAT_SET_SIZE = 22, WASI_FD_FILESTAT_SET_TIMES = 23,
    WASI_PATH_SYMLINK = 24, WASI_PATH_REMOVE_DIRECTORY = 25, WASI_PATH_UNLINK_FILE = 26,
    WASI_POLL_FD_READWRITE = 27, WASI_SOCK_SHUTDOWN = 28, WASI_SOCK_ACCEPT = 29,
};
#define WASI_RIGHTS_ALL (WASI_RIGHT(30) - 1)

/* The WASI errno for a host errno (a positive errno or a negative libuv
   code; EXDEV as the resolution's way out is the caller's to map). */
int coro_wasi_errno(int err);

/* Little-endian stores into guest memory (the engine's hosts are
   little-endian). */
static inline void coro_put_u32(uint8_t *p, uint32_t v)
{
    __builtin_memcpy(p, &v, 4);
}
static inline void coro_put_u64(uint8_t *p, uint64_t v)
{
    __builtin_memcpy(p, &v, 8);
}
static inline uint32_t coro_get_u32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}
static inline uint64_t coro_get_u64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

/* ---- guest memory ---- */

/* A guest's linear memory as it is now: read again after any wait. */
typedef struct coro_guest {
    uint8_t *base;
    uint64_t size;
} coro_guest;

/* The memory of a WebAssembly.Memory object; -1 if v is not one. */
int coro_guest_of(JSValueConst memory, coro_guest *g);

/* *slot becomes memory if it is a WebAssembly.Memory (start() names it):
   0, or -1 with ERR_INVALID_ARG_TYPE thrown, as Node words it. */
int coro_guest_set(JSContext *ctx, JSValue *slot, JSValueConst memory);

/* obj[name]: a C function of nargs arguments (the imports a guest gets)
   calling fn with magic, state its data. 0, or -1 with an exception. */
int coro_wasi_add_call(JSContext *ctx, JSValueConst obj, const char *name, int nargs,
                       JSCFunctionData *fn, int magic, JSValueConst state);

/* Whether [ptr, ptr + len) lies inside the memory. */
static inline int coro_guest_ok(const coro_guest *g, uint64_t ptr, uint64_t len)
{
    return ptr <= g->size && len <= g->size - ptr;
}

/* ---- the thread pool ---- */

/* Run fn(arg) on libuv's thread pool (holding one of the isolate's slots),
   the fiber parked meanwhile; *result is what fn returned. 0, or
   CORO_ETERMINATED with an exception pending: fn ran all the same, and
   what it made (a descriptor) is the caller's to undo. */
int coro_wasi_pool(JSContext *ctx, int64_t (*fn)(void *arg), void *arg, int64_t *result);

/* ---- host files ---- */

enum { HOST_FILE, HOST_DIR, HOST_STREAM };

/* A directory's entries as fd_readdir hands them out: WASI dirents back
   to back, each d_next the cookie of the next (one allocation). */
typedef struct coro_dirlist {
    size_t len;
    uint8_t data[];
} coro_dirlist;

/* Something a guest has open. Counted: each call in flight holds it, so a
   close under a parked call's feet never closes the descriptor that a pool
   thread is using. */
typedef struct coro_hostfd {
    unsigned refs;
    int kind;               /* HOST_FILE, HOST_DIR, HOST_STREAM */
    uint8_t filetype;       /* WASI's */
    int fd;                 /* the descriptor (owned; a stream's once it is made) */
    coro_stream *s;         /* HOST_STREAM: made on first use */
    struct coro_isolate *iso;
    uint8_t *pend;          /* HOST_STREAM: the rest of a chunk read */
    size_t pend_len, pend_off;
    int eof;
    coro_dirlist *dir;      /* HOST_DIR: the last listing */
} coro_hostfd;

/* A host file over fd (taken, also on failure): its kind comes from fstat.
   NULL when out of memory. */
coro_hostfd *coro_hostfd_new(struct coro_isolate *iso, int fd);
static inline coro_hostfd *coro_hostfd_ref(coro_hostfd *h)
{
    h->refs++;
    return h;
}
void coro_hostfd_unref(coro_hostfd *h);

/* A duplicate of the process's descriptor fd as a host file: 0 with *out,
   or a negative errno. (Whether the isolate may use fd is the caller's to
   check: above 2 it needs the fs capability.) */
int coro_hostfd_dup(struct coro_isolate *iso, int fd, coro_hostfd **out);

/* The stream of a HOST_STREAM, made on first use; NULL with *err set. */
coro_stream *coro_hostfd_stream(coro_hostfd *h, int *err);

/* Read up to len bytes into buf (host memory, not the guest's: a pool
   thread may write there), at offset off (-1: the file's position); or
   write all of bufs (which may point into guest memory: they are copied
   before the fiber parks). The fiber parks. Bytes done, 0 at the end, a
   negative libuv-style error, or CORO_ETERMINATED (exception pending). A
   stream's read returns what one chunk holds. */
int64_t coro_hostfd_read(JSContext *ctx, coro_hostfd *h, uint8_t *buf, size_t len, int64_t off);
int64_t coro_hostfd_writev(JSContext *ctx, coro_hostfd *h, const uv_buf_t *bufs, unsigned n,
                           int64_t off);

/* The descriptor under h (a stream's too), or -1. */
int coro_hostfd_os(const coro_hostfd *h);

/* A stream's state without waiting: 1 if a read would not wait (with
   *nbytes buffered, *hangup at its end), 0 if it would. */
int coro_hostfd_poll_read(JSContext *ctx, coro_hostfd *h, uint64_t *nbytes, int *hangup);

/* ---- paths beneath a directory (on a pool thread) ---- */

/* What opening beneath a directory returns for a path that leads out of it
   (the kernel's EXDEV then, which renameat or linkat also return for
   another reason). */
#define CORO_WASI_ESCAPE (-1000001)

/* openat2(dirfd, path, flags, mode) with RESOLVE_BENEATH: the descriptor,
   CORO_WASI_ESCAPE, or -errno. follow: a symlink as the last component is
   followed (else O_NOFOLLOW). */
int coro_wasi_open_beneath(int dirfd, const char *path, int flags, mode_t mode, int follow);

/* Open `path` as an isolate's fs capability allows: in its jail
   (core/jail.h: -EACCES for a way out), or anywhere with no jail (NULL).
   The descriptor, or -errno. */
struct coro_jail;
int coro_wasi_open_jailed(const struct coro_jail *jail, const char *path, int flags);

/* ---- WASI's descriptors (wasi_fs.c), for wasi.c ---- */

/* One descriptor of a guest. */
typedef struct wasi_fd {
    coro_hostfd *h;         /* NULL: a free slot */
    uint64_t base, inh;     /* rights */
    uint16_t flags;         /* fdflags */
    char *preopen;          /* a preopened directory's guest name */
} wasi_fd;

/* One WASI instance: what `new WASI()` made. */
typedef struct wasi_state {
    struct coro_isolate *iso;
    JSValue memory;         /* the Memory start() or initialize() named */
    char *args, *env;       /* NUL-terminated strings back to back */
    size_t args_len, env_len;
    uint32_t argc, envc;
    wasi_fd *fds;
    uint32_t nfds;          /* slots allocated */
} wasi_state;

/* A call from the guest: its instance and memory as they are now. */
typedef struct wasi_call {
    JSContext *ctx;
    wasi_state *w;
    coro_guest g;
} wasi_call;

/* Read the guest's memory again (after a wait). */
void coro_wasi_refresh(wasi_call *c);

/* The errno a host result comes to: 0 for n >= 0, the WASI errno for an
   error, -1 for CORO_ETERMINATED (an exception pending). */
int coro_wasi_result(int64_t n);

/* The host file of descriptor fd, held (coro_hostfd_unref it), if its
   rights include `rights`: 0, WASI_EBADF or WASI_ENOTCAPABLE. */
int coro_wasi_fd_get(wasi_state *w, uint32_t fd, uint64_t rights, coro_hostfd **h);

/* A new descriptor for h (taken): the lowest free slot. 0 with *fd, or
   WASI_EMFILE (h is let go). */
int coro_wasi_fd_add(wasi_state *w, coro_hostfd *h, uint64_t base, uint64_t inh, uint16_t flags,
                     uint32_t *fd);

/* What a descriptor of this kind may do at most. */
void coro_wasi_max_rights(const coro_hostfd *h, uint64_t *base, uint64_t *inh);

/* Close every descriptor (the end of a command, or of the instance). */
void coro_wasi_fds_free(wasi_state *w);

/* A path argument: a NUL-terminated copy (free it), or a WASI errno. */
int coro_wasi_path(wasi_call *c, uint32_t ptr, uint32_t len, char **out);

/* The calls on files and paths: each takes its arguments (i32 and i64
   alike as uint64_t) and returns a WASI errno or -1 (exception pending). */
typedef int wasi_fn(wasi_call *c, const uint64_t *a);
wasi_fn coro_wasi_fd_advise, coro_wasi_fd_allocate, coro_wasi_fd_datasync,
    coro_wasi_fd_filestat_get, coro_wasi_fd_filestat_set_size, coro_wasi_fd_filestat_set_times,
    coro_wasi_fd_readdir, coro_wasi_fd_sync, coro_wasi_path_create_directory,
    coro_wasi_path_filestat_get, coro_wasi_path_filestat_set_times, coro_wasi_path_link,
    coro_wasi_path_open, coro_wasi_path_readlink, coro_wasi_path_remove_directory,
    coro_wasi_path_rename, coro_wasi_path_symlink, coro_wasi_path_unlink_file;

#endif
