/*
 * prim/wasi.c: __primordials.wasi, WASI preview 1 (wasi_snapshot_preview1)
 * for lib/wasi.js, and WebAssembly apps: `corojs app.wasm` and
 * `new Isolate('app.wasm')` run a WASI command or a Dagger module.
 *
 * A WASI instance is a native object; its imports are C functions, each
 * holding the instance, called by wasm through the JS API with i32 and i64
 * arguments. Guest pointers are offsets into the Memory that start() or
 * initialize() named, checked against its size on every use (EFAULT, never
 * a crash) and turned into host pointers only between waits: the memory
 * may grow, and move, while the calling fiber is parked.
 *
 * Descriptors 0 to 2 are the host descriptors given (duplicated), then the
 * preopened directories. Files are read and written on libuv's thread pool,
 * terminals, pipes, FIFOs and sockets through the core's streams (the
 * loop); paths are in wasi_fs.c; poll_oneoff parks the fiber on the loop
 * (a timer, and stream watchers for fd_read subscriptions).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "prim.h"
#include "wasi.h"
#include "wasm.h"
#include "core/binding.h"
#include "core/isolate.h"
#include "core/run.h"

#define IO_MAX (1u << 20)     /* bytes one fd_read or fd_write moves at most */
#define IOVS_MAX 1024         /* iovecs of one call (IOV_MAX) */
#define POLL_MAX 65536        /* subscriptions of one poll_oneoff */

static JSClassID state_class;

/* ---- results and memory ---- */

void coro_wasi_refresh(wasi_call *c)
{
    coro_guest_of(c->w->memory, &c->g);
}

int coro_wasi_result(int64_t n)
{
    if (n >= 0)
        return 0;
    if (n == CORO_ETERMINATED)
        return -1;
    if (n == CORO_WASI_ESCAPE)
        return WASI_ENOTCAPABLE;
    return coro_wasi_errno((int)n);
}

/* ---- args and environ ---- */

/* args_get / environ_get(argv, argv_buf): the pointers, then the strings */
static int put_strings(wasi_call *c, uint32_t vec, uint32_t buf, const char *s, uint32_t n,
                       size_t len)
{
    if (!coro_guest_ok(&c->g, vec, (uint64_t)n * 4) || !coro_guest_ok(&c->g, buf, len))
        return WASI_EFAULT;
    memcpy(c->g.base + buf, s, len);
    for (uint32_t i = 0; i < n; i++) {
        coro_put_u32(c->g.base + vec + 4 * i, buf);
        size_t k = strlen(s) + 1;
        buf += (uint32_t)k;
        s += k;
    }
    return 0;
}

static int put_sizes(wasi_call *c, uint32_t count, uint32_t size, uint32_t n, size_t len)
{
    if (!coro_guest_ok(&c->g, count, 4) || !coro_guest_ok(&c->g, size, 4))
        return WASI_EFAULT;
    coro_put_u32(c->g.base + count, n);
    coro_put_u32(c->g.base + size, (uint32_t)len);
    return 0;
}

static int args_get(wasi_call *c, const uint64_t *a)
{
    return put_strings(c, (uint32_t)a[0], (uint32_t)a[1], c->w->args, c->w->argc, c->w->args_len);
}

static int args_sizes_get(wasi_call *c, const uint64_t *a)
{
    return put_sizes(c, (uint32_t)a[0], (uint32_t)a[1], c->w->argc, c->w->args_len);
}

static int environ_get(wasi_call *c, const uint64_t *a)
{
    return put_strings(c, (uint32_t)a[0], (uint32_t)a[1], c->w->env, c->w->envc, c->w->env_len);
}

static int environ_sizes_get(wasi_call *c, const uint64_t *a)
{
    return put_sizes(c, (uint32_t)a[0], (uint32_t)a[1], c->w->envc, c->w->env_len);
}

/* ---- clocks, random, scheduling ---- */

static int clock_of(uint64_t id, clockid_t *out)
{
    static const clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                     CLOCK_THREAD_CPUTIME_ID };

    if (id > 3)
        return WASI_EINVAL;
    *out = ids[id];
    return 0;
}

static uint64_t ns_of(const struct timespec *t)
{
    return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static uint64_t clock_now(clockid_t id)
{
    struct timespec t;

    clock_gettime(id, &t);
    return ns_of(&t);
}

/* clock_res_get(id, resolution) */
static int clock_res_get(wasi_call *c, const uint64_t *a)
{
    struct timespec t;
    clockid_t id;
    int e = clock_of(a[0], &id);

    if (e)
        return e;
    if (!coro_guest_ok(&c->g, a[1], 8))
        return WASI_EFAULT;
    if (clock_getres(id, &t) < 0)
        return coro_wasi_errno(errno);
    coro_put_u64(c->g.base + a[1], ns_of(&t));
    return 0;
}

/* clock_time_get(id, precision, time) */
static int clock_time_get(wasi_call *c, const uint64_t *a)
{
    clockid_t id;
    int e = clock_of(a[0], &id);

    if (e)
        return e;
    if (!coro_guest_ok(&c->g, a[2], 8))
        return WASI_EFAULT;
    coro_put_u64(c->g.base + a[2], clock_now(id));
    return 0;
}

/* random_get(buf, len): the kernel's CSPRNG, which never blocks once
   seeded. A large request is filled 64 KiB at a time, with the isolate's
   interrupt check between: its time slice and terminate() reach it. */
static int random_get(wasi_call *c, const uint64_t *a)
{
    coro_isolate *iso = coro_isolate_of(c->ctx);
    uint64_t done = 0;

    if (!coro_guest_ok(&c->g, a[0], a[1]))
        return WASI_EFAULT;
    while (done < a[1]) {
        size_t want = a[1] - done < 65536 ? (size_t)(a[1] - done) : 65536;
        ssize_t n = getrandom(c->g.base + a[0] + done, want, 0);
        if (n < 0 && errno != EINTR)
            return coro_wasi_errno(errno);
        done += n > 0 ? (uint64_t)n : 0;
        if (done < a[1] && coro_isolate_poll(iso)) {
            coro_throw_terminated(c->ctx);
            return -1;
        }
        coro_wasi_refresh(c); /* a turn of other fibers may have moved it */
    }
    return 0;
}

static int sched_yield_(wasi_call *c, const uint64_t *a)
{
    coro_isolate *iso = coro_isolate_of(c->ctx);

    if (!iso->terminating)
        coro_fiber_yield();
    if (iso->terminating) {
        coro_throw_terminated(c->ctx);
        return -1;
    }
    coro_wasi_refresh(c);
    return 0;
}

/* proc_raise: a guest sends no signals to the host process */
static int proc_raise(wasi_call *c, const uint64_t *a)
{
    return WASI_ENOSYS;
}

/* ---- reading and writing ---- */

/* The iovecs (ptr, len pairs) of a call, up to IO_MAX bytes in all. */
typedef struct iovs {
    uint32_t small[32], *v;
    uint32_t n;
    size_t total;
} iovs;

static int iovs_read(wasi_call *c, uint32_t ptr, uint32_t n, iovs *io)
{
    io->v = io->small;
    io->n = 0;
    io->total = 0;
    if (n > IOVS_MAX)
        return WASI_EINVAL;
    if (!coro_guest_ok(&c->g, ptr, (uint64_t)n * 8))
        return WASI_EFAULT;
    if (n > 16 && !(io->v = malloc((size_t)n * 8)))
        return WASI_ENOMEM;
    for (uint32_t i = 0; i < n && io->total < IO_MAX; i++) {
        uint32_t p = coro_get_u32(c->g.base + ptr + 8 * i);
        uint32_t len = coro_get_u32(c->g.base + ptr + 8 * i + 4);
        if (!coro_guest_ok(&c->g, p, len)) {
            if (io->v != io->small)
                free(io->v);
            return WASI_EFAULT;
        }
        if (len > IO_MAX - io->total)
            len = (uint32_t)(IO_MAX - io->total);
        io->v[2 * io->n] = p;
        io->v[2 * io->n + 1] = len;
        io->n++;
        io->total += len;
    }
    return 0;
}

static void iovs_free(iovs *io)
{
    if (io->v != io->small)
        free(io->v);
}

static int64_t write_iovs(wasi_call *c, coro_hostfd *h, iovs *io, int64_t off)
{
    uv_buf_t small[16], *bufs = io->n > 16 ? malloc(io->n * sizeof *bufs) : small;
    int64_t r;

    if (!bufs)
        return UV_ENOMEM;
    for (uint32_t i = 0; i < io->n; i++)
        bufs[i] = uv_buf_init((char *)c->g.base + io->v[2 * i], io->v[2 * i + 1]);
    r = coro_hostfd_writev(c->ctx, h, bufs, io->n, off);
    if (bufs != small)
        free(bufs);
    return r;
}

/* What was read lands in the guest's iovecs, at the memory's place now. */
static int64_t read_iovs(wasi_call *c, coro_hostfd *h, iovs *io, int64_t off)
{
    uint8_t *buf = malloc(io->total ? io->total : 1);
    int64_t r;

    if (!buf)
        return UV_ENOMEM;
    r = coro_hostfd_read(c->ctx, h, buf, io->total, off);
    coro_wasi_refresh(c);
    for (uint32_t i = 0, done = 0; r > 0 && done < r; i++) {
        uint32_t k = io->v[2 * i + 1] < r - done ? io->v[2 * i + 1] : (uint32_t)(r - done);
        memcpy(c->g.base + io->v[2 * i], buf + done, k);
        done += k;
    }
    free(buf);
    return r;
}

/* fd_read, fd_write, fd_pread, fd_pwrite: iovecs at ptr, n of them; the
   count goes to out. off < 0: at the file's position. */
static int transfer(wasi_call *c, uint32_t fd, uint32_t ptr, uint32_t n, int64_t off,
                    uint32_t out, int write, uint64_t rights)
{
    coro_hostfd *h;
    iovs io;
    int64_t r;
    int e;

    if (!coro_guest_ok(&c->g, out, 4))
        return WASI_EFAULT;
    if ((e = coro_wasi_fd_get(c->w, fd, rights, &h)))
        return e;
    if ((e = iovs_read(c, ptr, n, &io))) {
        coro_hostfd_unref(h);
        return e;
    }
    r = io.total == 0 ? 0 : write ? write_iovs(c, h, &io, off) : read_iovs(c, h, &io, off);
    coro_wasi_refresh(c);
    if (r >= 0)
        coro_put_u32(c->g.base + out, (uint32_t)r);
    iovs_free(&io);
    coro_hostfd_unref(h);
    return coro_wasi_result(r);
}

#define R(n) WASI_RIGHT(WASI_##n)

static int fd_read(wasi_call *c, const uint64_t *a)
{
    return transfer(c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], -1, (uint32_t)a[3], 0,
                    R(FD_READ));
}

static int fd_write(wasi_call *c, const uint64_t *a)
{
    return transfer(c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], -1, (uint32_t)a[3], 1,
                    R(FD_WRITE));
}

static int fd_pread(wasi_call *c, const uint64_t *a)
{
    if ((int64_t)a[3] < 0)
        return WASI_EINVAL;
    return transfer(c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (int64_t)a[3],
                    (uint32_t)a[4], 0, R(FD_READ) | R(FD_SEEK));
}

static int fd_pwrite(wasi_call *c, const uint64_t *a)
{
    if ((int64_t)a[3] < 0)
        return WASI_EINVAL;
    return transfer(c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (int64_t)a[3],
                    (uint32_t)a[4], 1, R(FD_WRITE) | R(FD_SEEK));
}

/* fd_seek(fd, offset, whence, newoffset): SET 0, CUR 1, END 2. lseek does
   no IO. */
static int seek(wasi_call *c, uint32_t fd, int64_t off, uint64_t whence, uint32_t out,
                uint64_t rights)
{
    static const int whences[] = { SEEK_SET, SEEK_CUR, SEEK_END };
    coro_hostfd *h;
    off_t pos;
    int e;

    if (whence > 2)
        return WASI_EINVAL;
    if (!coro_guest_ok(&c->g, out, 8))
        return WASI_EFAULT;
    if ((e = coro_wasi_fd_get(c->w, fd, 0, &h)))
        return e;
    if (h->kind == HOST_STREAM) /* what lseek says of a pipe, whatever the rights */
        e = WASI_ESPIPE;
    else if ((c->w->fds[fd].base & rights) != rights)
        e = WASI_ENOTCAPABLE;
    else if ((pos = lseek(h->fd, off, whences[whence])) < 0)
        e = coro_wasi_errno(errno);
    else
        coro_put_u64(c->g.base + out, (uint64_t)pos);
    coro_hostfd_unref(h);
    return e;
}

static int fd_seek(wasi_call *c, const uint64_t *a)
{
    int tell = a[2] == 1 && a[1] == 0;
    return seek(c, (uint32_t)a[0], (int64_t)a[1], a[2], (uint32_t)a[3], tell ? R(FD_TELL) : R(FD_SEEK));
}

static int fd_tell(wasi_call *c, const uint64_t *a)
{
    return seek(c, (uint32_t)a[0], 0, 1, (uint32_t)a[1], R(FD_TELL));
}

/* ---- descriptors ---- */

static int fd_close(wasi_call *c, const uint64_t *a)
{
    uint32_t fd = (uint32_t)a[0];
    wasi_fd *f = fd < c->w->nfds ? &c->w->fds[fd] : NULL;

    if (!f || !f->h)
        return WASI_EBADF;
    coro_hostfd_unref(f->h);
    free(f->preopen);
    memset(f, 0, sizeof *f);
    return 0;
}

/* fd_renumber(from, to): `to` is closed and becomes `from` */
static int fd_renumber(wasi_call *c, const uint64_t *a)
{
    uint32_t from = (uint32_t)a[0], to = (uint32_t)a[1];
    wasi_state *w = c->w;

    if (from >= w->nfds || to >= w->nfds || !w->fds[from].h || !w->fds[to].h)
        return WASI_EBADF;
    if (from == to)
        return 0;
    coro_hostfd_unref(w->fds[to].h);
    free(w->fds[to].preopen);
    w->fds[to] = w->fds[from];
    memset(&w->fds[from], 0, sizeof w->fds[from]);
    return 0;
}

/* fd_fdstat_get(fd, buf): filetype u8, flags u16 at 2, rights at 8 and 16 */
static int fd_fdstat_get(wasi_call *c, const uint64_t *a)
{
    uint32_t fd = (uint32_t)a[0];
    wasi_fd *f = fd < c->w->nfds ? &c->w->fds[fd] : NULL;
    uint8_t *p;

    if (!f || !f->h)
        return WASI_EBADF;
    if (!coro_guest_ok(&c->g, a[1], 24))
        return WASI_EFAULT;
    p = c->g.base + a[1];
    memset(p, 0, 24);
    p[0] = f->h->filetype;
    memcpy(p + 2, &f->flags, 2);
    coro_put_u64(p + 8, f->base);
    coro_put_u64(p + 16, f->inh);
    return 0;
}

/* fd_fdstat_set_flags(fd, flags): APPEND and NONBLOCK can change (fcntl);
   the sync flags only at open. A stream never blocks the loop anyway. */
static int fd_fdstat_set_flags(wasi_call *c, const uint64_t *a)
{
    uint32_t fd = (uint32_t)a[0];
    uint64_t flags = a[1];
    coro_hostfd *h;
    int e, fl;

    if (flags & ~(uint64_t)(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK))
        return flags & ~(uint64_t)31 ? WASI_EINVAL : WASI_ENOTSUP;
    if ((e = coro_wasi_fd_get(c->w, fd, R(FD_FDSTAT_SET_FLAGS), &h)))
        return e;
    if (h->kind != HOST_STREAM && (fl = fcntl(h->fd, F_GETFL)) >= 0) {
        fl = (fl & ~(O_APPEND | O_NONBLOCK)) | (flags & WASI_FDFLAG_APPEND ? O_APPEND : 0) |
             (flags & WASI_FDFLAG_NONBLOCK ? O_NONBLOCK : 0);
        e = fcntl(h->fd, F_SETFL, fl) < 0 ? coro_wasi_errno(errno) : 0;
    }
    if (e == 0)
        c->w->fds[fd].flags = (uint16_t)flags;
    coro_hostfd_unref(h);
    return e;
}

/* fd_fdstat_set_rights(fd, base, inheriting): rights only shrink */
static int fd_fdstat_set_rights(wasi_call *c, const uint64_t *a)
{
    uint32_t fd = (uint32_t)a[0];
    wasi_fd *f = fd < c->w->nfds ? &c->w->fds[fd] : NULL;

    if (!f || !f->h)
        return WASI_EBADF;
    if (a[1] & ~f->base || a[2] & ~f->inh)
        return WASI_ENOTCAPABLE;
    f->base = a[1];
    f->inh = a[2];
    return 0;
}

static wasi_fd *preopen_of(wasi_call *c, uint64_t fd)
{
    wasi_fd *f = fd < c->w->nfds ? &c->w->fds[fd] : NULL;
    return f && f->h && f->preopen ? f : NULL;
}

/* fd_prestat_get(fd, buf): tag 0 (a directory), name length at 4 */
static int fd_prestat_get(wasi_call *c, const uint64_t *a)
{
    wasi_fd *f = preopen_of(c, a[0]);

    if (!f)
        return WASI_EBADF;
    if (!coro_guest_ok(&c->g, a[1], 8))
        return WASI_EFAULT;
    coro_put_u32(c->g.base + a[1], 0);
    coro_put_u32(c->g.base + a[1] + 4, (uint32_t)strlen(f->preopen));
    return 0;
}

/* fd_prestat_dir_name(fd, path, path_len): the name, without a NUL */
static int fd_prestat_dir_name(wasi_call *c, const uint64_t *a)
{
    wasi_fd *f = preopen_of(c, a[0]);
    size_t n;

    if (!f)
        return WASI_EBADF;
    n = strlen(f->preopen);
    if (a[2] < n)
        return WASI_ENOBUFS;
    if (!coro_guest_ok(&c->g, a[1], n))
        return WASI_EFAULT;
    memcpy(c->g.base + a[1], f->preopen, n);
    return 0;
}

/* ---- sockets: only ones given as descriptors (stdio); none is listening ---- */

static int socket_get(wasi_call *c, uint32_t fd, uint64_t rights, coro_hostfd **h)
{
    int e = coro_wasi_fd_get(c->w, fd, 0, h);

    if (e == 0 && (*h)->filetype != WASI_FILETYPE_SOCKET_STREAM)
        e = WASI_ENOTSOCK;
    else if (e == 0 && (c->w->fds[fd].base & rights) != rights)
        e = WASI_ENOTCAPABLE;
    if (e && e != WASI_EBADF)
        coro_hostfd_unref(*h);
    return e;
}

/* sock_accept(fd, flags, fd_out) */
static int sock_accept(wasi_call *c, const uint64_t *a)
{
    coro_hostfd *h;
    int e = socket_get(c, (uint32_t)a[0], R(SOCK_ACCEPT), &h);

    if (e)
        return e;
    coro_hostfd_unref(h);
    return WASI_ENOTSUP;
}

/* sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen, ro_flags) */
static int sock_recv(wasi_call *c, const uint64_t *a)
{
    coro_hostfd *h;
    int e = socket_get(c, (uint32_t)a[0], R(FD_READ), &h);

    if (e)
        return e;
    coro_hostfd_unref(h);
    if (a[3])
        return WASI_ENOTSUP; /* no PEEK, no WAITALL */
    if (!coro_guest_ok(&c->g, a[5], 2))
        return WASI_EFAULT;
    e = transfer(c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], -1, (uint32_t)a[4], 0, R(FD_READ));
    if (e == 0)
        memset(c->g.base + a[5], 0, 2);
    return e;
}

/* sock_send(fd, si_data, si_data_len, si_flags, so_datalen) */
static int sock_send(wasi_call *c, const uint64_t *a)
{
    coro_hostfd *h;
    int e = socket_get(c, (uint32_t)a[0], R(FD_WRITE), &h);

    if (e)
        return e;
    coro_hostfd_unref(h);
    return transfer(c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], -1, (uint32_t)a[4], 1,
                    R(FD_WRITE));
}

/* sock_shutdown(fd, how): RD 1, WR 2; shutting the reading side is a no-op */
static int sock_shutdown(wasi_call *c, const uint64_t *a)
{
    coro_stream *s;
    coro_hostfd *h;
    int e, err = 0;

    if (a[1] == 0 || a[1] > 3)
        return WASI_EINVAL;
    if ((e = socket_get(c, (uint32_t)a[0], R(SOCK_SHUTDOWN), &h)))
        return e;
    if (a[1] & 2)
        err = (s = coro_hostfd_stream(h, &err)) ? coro_stream_shutdown(c->ctx, s) : err;
    coro_hostfd_unref(h);
    coro_wasi_refresh(c);
    return coro_wasi_result(err);
}

/* ---- poll_oneoff ---- */

enum { EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };

typedef struct poll_sub {
    uint64_t userdata;
    uint8_t type;
    uint16_t err;
    clockid_t clock;
    uint64_t deadline;      /* ns on that clock */
    coro_hostfd *h;         /* held */
    coro_stream *watched;
} poll_sub;

/* Read subscription i (48 bytes: userdata, tag at 8, the union at 16). */
static int poll_sub_read(wasi_call *c, const uint8_t *p, poll_sub *s)
{
    s->userdata = coro_get_u64(p);
    s->type = p[8];
    if (s->type == EV_CLOCK) {
        uint64_t timeout = coro_get_u64(p + 24);
        uint16_t flags;
        memcpy(&flags, p + 40, 2);
        if (clock_of(coro_get_u32(p + 16), &s->clock) || s->clock == CLOCK_PROCESS_CPUTIME_ID ||
            s->clock == CLOCK_THREAD_CPUTIME_ID) {
            s->err = WASI_EINVAL; /* no waiting on CPU time */
            return 0;
        }
        /* ABSTIME: an absolute time on that clock */
        s->deadline = flags & 1 ? timeout : clock_now(s->clock) + timeout;
        return 0;
    }
    if (s->type != EV_FD_READ && s->type != EV_FD_WRITE)
        return WASI_EINVAL;
    s->err = (uint16_t)coro_wasi_fd_get(c->w, coro_get_u32(p + 16), R(POLL_FD_READWRITE), &s->h);
    return 0;
}

/* Whether s is ready now, with what an fd_read event says. (Taking a
   stream's chunk may wait for another reader's turn: the memory is read
   afresh before the event is written.) */
static int poll_ready(wasi_call *c, poll_sub *s, uint64_t *nbytes, int *hangup)
{
    *nbytes = 0;
    *hangup = 0;
    if (s->err)
        return 1; /* ready with the error */
    if (s->type == EV_CLOCK)
        return clock_now(s->clock) >= s->deadline;
    if (s->type == EV_FD_READ && s->h->kind == HOST_STREAM)
        return coro_hostfd_poll_read(c->ctx, s->h, nbytes, hangup);
    if (s->type == EV_FD_READ && s->h->kind == HOST_FILE) {
        struct stat st;
        off_t pos = lseek(s->h->fd, 0, SEEK_CUR);
        if (fstat(s->h->fd, &st) == 0 && pos >= 0 && st.st_size > pos)
            *nbytes = (uint64_t)(st.st_size - pos);
    }
    return 1;
}

/* An event: userdata, error at 8, type at 10, nbytes at 16, flags at 24. */
static void poll_event(uint8_t *p, const poll_sub *s, uint64_t nbytes, int hangup)
{
    memset(p, 0, 32);
    coro_put_u64(p, s->userdata);
    memcpy(p + 8, &s->err, 2);
    p[10] = s->type;
    if (s->type != EV_CLOCK) {
        coro_put_u64(p + 16, nbytes);
        p[24] = (uint8_t)hangup; /* FD_READWRITE_HANGUP */
    }
}

static void poll_wake(coro_stream *s, void *arg, int status)
{
    coro_fiber_wake(arg, 0);
}

/* Park until a clock's deadline or a watched stream has bytes. */
static int poll_wait(wasi_call *c, poll_sub *subs, uint32_t n)
{
    uint64_t ms = 0;
    int st, err;

    for (uint32_t i = 0; i < n; i++) {
        poll_sub *s = &subs[i];
        if (s->err)
            continue;
        if (s->type == EV_CLOCK) {
            uint64_t now = clock_now(s->clock);
            uint64_t wait = s->deadline > now ? (s->deadline - now + 999999) / 1000000 : 1;
            if (ms == 0 || wait < ms)
                ms = wait;
        } else if (s->type == EV_FD_READ && s->h->kind == HOST_STREAM &&
                   (s->watched = coro_hostfd_stream(s->h, &err)) &&
                   coro_stream_watch(s->watched, poll_wake, coro_fiber_current()) < 0) {
            s->watched = NULL;
        }
    }
    st = coro_wait_timeout(c->ctx, ms, 0);
    for (uint32_t i = 0; i < n; i++) {
        if (subs[i].watched)
            coro_stream_watch(subs[i].watched, NULL, NULL);
        subs[i].watched = NULL;
    }
    coro_wasi_refresh(c);
    return st == CORO_ETERMINATED ? -1 : 0;
}

/* poll_oneoff(in, out, nsubscriptions, nevents) */
static int poll_oneoff(wasi_call *c, const uint64_t *a)
{
    uint32_t in = (uint32_t)a[0], out = (uint32_t)a[1], n = (uint32_t)a[2], nev = 0;
    poll_sub *subs;
    int e = 0;

    if (n == 0 || n > POLL_MAX)
        return WASI_EINVAL;
    if (!coro_guest_ok(&c->g, in, (uint64_t)n * 48) || !coro_guest_ok(&c->g, out, (uint64_t)n * 32) ||
        !coro_guest_ok(&c->g, a[3], 4))
        return WASI_EFAULT;
    if (!(subs = calloc(n, sizeof *subs)))
        return WASI_ENOMEM;
    for (uint32_t i = 0; i < n && !e; i++)
        e = poll_sub_read(c, c->g.base + in + 48 * i, &subs[i]);
    while (!e) {
        for (uint32_t i = 0; i < n; i++) {
            uint64_t nbytes;
            int hangup;
            if (poll_ready(c, &subs[i], &nbytes, &hangup)) {
                coro_wasi_refresh(c);
                poll_event(c->g.base + out + 32 * nev++, &subs[i], nbytes, hangup);
            }
        }
        if (nev) {
            coro_put_u32(c->g.base + a[3], nev);
            break;
        }
        e = poll_wait(c, subs, n);
    }
    for (uint32_t i = 0; i < n; i++)
        coro_hostfd_unref(subs[i].h);
    free(subs);
    return e;
}

/* ---- the table of calls ---- */

/* sig: a letter per parameter, i for i32, I for i64 */
typedef struct wasi_def {
    const char *name, *sig;
    wasi_fn *fn;
} wasi_def;

static const wasi_def defs[] = {
    { "args_get", "ii", args_get },
    { "args_sizes_get", "ii", args_sizes_get },
    { "environ_get", "ii", environ_get },
    { "environ_sizes_get", "ii", environ_sizes_get },
    { "clock_res_get", "ii", clock_res_get },
    { "clock_time_get", "iIi", clock_time_get },
    { "fd_advise", "iIIi", coro_wasi_fd_advise },
    { "fd_allocate", "iII", coro_wasi_fd_allocate },
    { "fd_close", "i", fd_close },
    { "fd_datasync", "i", coro_wasi_fd_datasync },
    { "fd_fdstat_get", "ii", fd_fdstat_get },
    { "fd_fdstat_set_flags", "ii", fd_fdstat_set_flags },
    { "fd_fdstat_set_rights", "iII", fd_fdstat_set_rights },
    { "fd_filestat_get", "ii", coro_wasi_fd_filestat_get },
    { "fd_filestat_set_size", "iI", coro_wasi_fd_filestat_set_size },
    { "fd_filestat_set_times", "iIIi", coro_wasi_fd_filestat_set_times },
    { "fd_pread", "iiiIi", fd_pread },
    { "fd_prestat_get", "ii", fd_prestat_get },
    { "fd_prestat_dir_name", "iii", fd_prestat_dir_name },
    { "fd_pwrite", "iiiIi", fd_pwrite },
    { "fd_read", "iiii", fd_read },
    { "fd_readdir", "iiiIi", coro_wasi_fd_readdir },
    { "fd_renumber", "ii", fd_renumber },
    { "fd_seek", "iIii", fd_seek },
    { "fd_sync", "i", coro_wasi_fd_sync },
    { "fd_tell", "ii", fd_tell },
    { "fd_write", "iiii", fd_write },
    { "path_create_directory", "iii", coro_wasi_path_create_directory },
    { "path_filestat_get", "iiiii", coro_wasi_path_filestat_get },
    { "path_filestat_set_times", "iiiiIIi", coro_wasi_path_filestat_set_times },
    { "path_link", "iiiiiii", coro_wasi_path_link },
    { "path_open", "iiiiiIIii", coro_wasi_path_open },
    { "path_readlink", "iiiiii", coro_wasi_path_readlink },
    { "path_remove_directory", "iii", coro_wasi_path_remove_directory },
    { "path_rename", "iiiiii", coro_wasi_path_rename },
    { "path_symlink", "iiiii", coro_wasi_path_symlink },
    { "path_unlink_file", "iii", coro_wasi_path_unlink_file },
    { "poll_oneoff", "iiii", poll_oneoff },
    { "proc_raise", "i", proc_raise },
    { "random_get", "ii", random_get },
    { "sched_yield", "", sched_yield_ },
    { "sock_accept", "iii", sock_accept },
    { "sock_recv", "iiiiii", sock_recv },
    { "sock_send", "iiiii", sock_send },
    { "sock_shutdown", "ii", sock_shutdown },
};

/* An import called (by wasm, or by JS): arguments as the signature says,
   the errno as the result. */
static JSValue js_wasi_call(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                            int magic, JSValue *data)
{
    const wasi_def *d = &defs[magic];
    wasi_call c = { ctx, JS_GetOpaque(data[0], state_class), { NULL, 0 } };
    uint64_t a[9];
    int r;

    if (!c.w)
        return JS_ThrowTypeError(ctx, "the WASI instance is gone");
    for (int i = 0; d->sig[i]; i++) {
        JSValueConst v = i < argc ? argv[i] : JS_UNDEFINED;
        int32_t x;
        int64_t y;
        if (d->sig[i] == 'i' ? JS_ToInt32(ctx, &x, v) : JS_ToBigInt64(ctx, &y, v))
            return JS_EXCEPTION;
        a[i] = d->sig[i] == 'i' ? (uint32_t)x : (uint64_t)y;
    }
    if (coro_guest_of(c.w->memory, &c.g) < 0)
        return coro_throw_code(ctx, "ERR_WASI_NOT_STARTED", "wasi.start() has not been called");
    r = d->fn(&c, a);
    return r < 0 ? JS_EXCEPTION : JS_NewInt32(ctx, r);
}

/* ---- the instance ---- */

static void state_finalizer(JSRuntime *rt, JSValue val)
{
    wasi_state *w = JS_GetOpaque(val, state_class);

    if (!w)
        return;
    coro_wasi_fds_free(w);
    JS_FreeValueRT(rt, w->memory);
    free(w->args);
    free(w->env);
    free(w);
}

static void state_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    wasi_state *w = JS_GetOpaque(val, state_class);

    if (w)
        JS_MarkValue(rt, w->memory, mark);
}

static wasi_state *state_of(JSContext *ctx, JSValueConst v)
{
    return JS_GetOpaque2(ctx, v, state_class);
}

/* An array of strings as NUL-terminated strings back to back. */
static int read_strings(JSContext *ctx, JSValueConst arr, const char *what, char **out,
                        size_t *len, uint32_t *count)
{
    JSValue v = JS_GetPropertyStr(ctx, arr, "length");
    uint32_t n;
    size_t cap = 64;

    *len = 0;
    if (JS_ToUint32(ctx, &n, v) < 0)
        return -1;
    if (!(*out = malloc(cap)))
        return JS_ThrowOutOfMemory(ctx), -1;
    for (uint32_t i = 0; i < n; i++) {
        JSValue e = JS_GetPropertyUint32(ctx, arr, i);
        size_t k;
        const char *s = JS_IsException(e) ? NULL : JS_ToCStringLen(ctx, &k, e);
        JS_FreeValue(ctx, e);
        if (!s)
            return -1;
        if (strlen(s) != k) { /* a NUL would cut the string in the guest */
            JS_FreeCString(ctx, s);
            coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE",
                            "The property '%s' must hold strings without NUL characters", what);
            return -1;
        }
        if (*len + k + 1 > cap) {
            char *p = realloc(*out, (cap = (*len + k + 1) * 2));
            if (!p) {
                JS_FreeCString(ctx, s);
                return JS_ThrowOutOfMemory(ctx), -1;
            }
            *out = p;
        }
        memcpy(*out + *len, s, k + 1);
        *len += k + 1;
        JS_FreeCString(ctx, s);
    }
    *count = n;
    return 0;
}

/* Descriptors 0 to 2: duplicates of the host's descriptors given. */
static int add_stdio(JSContext *ctx, wasi_state *w, JSValueConst stdio)
{
    for (uint32_t i = 0; i < 3; i++) {
        JSValue v = JS_GetPropertyUint32(ctx, stdio, i);
        uint64_t base, inh;
        coro_hostfd *h;
        uint32_t fd;
        int32_t host;
        int r = JS_ToInt32(ctx, &host, v), fl;

        JS_FreeValue(ctx, v);
        if (r < 0)
            return -1;
        if (host > 2 && !coro_isolate_allow(ctx, CORO_CAP_FS, "a WASI descriptor above 2"))
            return -1;
        fl = fcntl(host, F_GETFL);
        if ((r = coro_hostfd_dup(w->iso, host, &h)) < 0) {
            coro_throw_uv(ctx, r, "dup", NULL, NULL);
            return -1;
        }
        coro_wasi_max_rights(h, &base, &inh);
        if (coro_wasi_fd_add(w, h, base, inh,
                             (fl & O_APPEND ? WASI_FDFLAG_APPEND : 0) |
                             (fl & O_NONBLOCK ? WASI_FDFLAG_NONBLOCK : 0), &fd))
            return JS_ThrowOutOfMemory(ctx), -1;
    }
    return 0;
}

typedef struct preopen_job {
    const struct coro_jail *jail;
    const char *path;
} preopen_job;

static int64_t preopen_work(void *arg)
{
    preopen_job *j = arg;
    return coro_wasi_open_jailed(j->jail, j->path, O_RDONLY | O_DIRECTORY);
}

/* A preopened directory: host path opened as the isolate's fs allows. */
static int add_preopen(JSContext *ctx, wasi_state *w, const char *guest, const char *host)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    preopen_job j = { iso->jail, host };
    uint64_t base, inh;
    coro_hostfd *h;
    uint32_t fd;
    int64_t r;

    if (!coro_isolate_allow(ctx, CORO_CAP_FS, "a WASI preopen"))
        return -1;
    if (coro_wasi_pool(ctx, preopen_work, &j, &r) < 0) {
        if (r >= 0)
            close((int)r);
        return -1;
    }
    if (r < 0) {
        coro_throw_uv(ctx, (int)r, "open", host, NULL);
        return -1;
    }
    if (!(h = coro_hostfd_new(w->iso, (int)r)))
        return JS_ThrowOutOfMemory(ctx), -1;
    coro_wasi_max_rights(h, &base, &inh);
    if (coro_wasi_fd_add(w, h, base, inh, 0, &fd) || !(w->fds[fd].preopen = strdup(guest)))
        return JS_ThrowOutOfMemory(ctx), -1;
    return 0;
}

static int add_preopens(JSContext *ctx, wasi_state *w, JSValueConst list)
{
    JSValue v = JS_GetPropertyStr(ctx, list, "length");
    uint32_t n;

    if (JS_ToUint32(ctx, &n, v) < 0)
        return -1;
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        JSValue g = JS_GetPropertyUint32(ctx, list, i), hv = JS_GetPropertyUint32(ctx, list, i + 1);
        const char *guest = JS_ToCString(ctx, g), *host = JS_ToCString(ctx, hv);
        int r = guest && host ? add_preopen(ctx, w, guest, host) : -1;
        JS_FreeCString(ctx, guest);
        JS_FreeCString(ctx, host);
        JS_FreeValue(ctx, g);
        JS_FreeValue(ctx, hv);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* create(args, env, preopens [guest, host, ...], stdio [in, out, err]) -> state */
static JSValue js_wasi_create(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue obj = JS_NewObjectClass(ctx, (int)state_class);
    wasi_state *w = calloc(1, sizeof *w);

    if (JS_IsException(obj) || !w) {
        free(w);
        JS_FreeValue(ctx, obj);
        return JS_ThrowOutOfMemory(ctx);
    }
    w->iso = coro_isolate_of(ctx);
    w->memory = JS_UNDEFINED;
    JS_SetOpaque(obj, w);
    if (read_strings(ctx, argv[0], "options.args", &w->args, &w->args_len, &w->argc) < 0 ||
        read_strings(ctx, argv[1], "options.env", &w->env, &w->env_len, &w->envc) < 0 ||
        add_stdio(ctx, w, argv[3]) < 0 || add_preopens(ctx, w, argv[2]) < 0) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    return obj;
}

/* imports(state) -> { args_get, ... }: the C functions, each holding state */
static JSValue js_wasi_imports(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue o;

    if (!state_of(ctx, argv[0]))
        return JS_EXCEPTION;
    o = JS_NewObject(ctx);
    for (size_t i = 0; i < sizeof defs / sizeof defs[0] && !JS_IsException(o); i++) {
        if (coro_wasi_add_call(ctx, o, defs[i].name, (int)strlen(defs[i].sig), js_wasi_call, (int)i,
                               argv[0]) < 0) {
            JS_FreeValue(ctx, o);
            o = JS_EXCEPTION;
        }
    }
    return o;
}

/* setMemory(state, memory): the guest's memory, a WebAssembly.Memory */
static JSValue js_wasi_set_memory(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    wasi_state *w = state_of(ctx, argv[0]);

    if (!w || coro_guest_set(ctx, &w->memory, argv[1]) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

/* close(state): every descriptor, at the end of a command */
static JSValue js_wasi_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    wasi_state *w = state_of(ctx, argv[0]);

    if (!w)
        return JS_EXCEPTION;
    coro_wasi_fds_free(w);
    return JS_UNDEFINED;
}

/* ---- WebAssembly apps ---- */

enum { APP_WASI = 1, APP_DAGGER = 2 };

/* What the command line gave for apps (--dir, --env), NULL-terminated. */
static struct {
    char **dirs, **env;
} cli;

void coro_wasi_set_command_line(char **dirs, char **env)
{
    cli.dirs = dirs;
    cli.env = env;
}

static int named(const char *s, uint32_t n, const char *what)
{
    return n == strlen(what) && memcmp(s, what, n) == 0;
}

/* A WASI command imports from wasi_snapshot_preview1 (or wasi_unstable),
   or exports _start; a Dagger module imports from dagger, or exports
   dagger_main. */
int coro_wasm_app_kind(const wasm_module *m)
{
    for (uint32_t i = 0; i < wasm_module_nimports(m); i++) {
        const wasm_import *im = wasm_module_import(m, i);
        if (named(im->module, im->module_len, "wasi_snapshot_preview1") ||
            named(im->module, im->module_len, "wasi_unstable"))
            return APP_WASI;
        if (named(im->module, im->module_len, "dagger"))
            return APP_DAGGER;
    }
    for (uint32_t i = 0; i < wasm_module_nexports(m); i++) {
        const wasm_export *e = wasm_module_export(m, i);
        if (e->kind == WASM_EXTERN_FUNC && named(e->name, e->name_len, "_start"))
            return APP_WASI;
        if (e->kind == WASM_EXTERN_FUNC && named(e->name, e->name_len, "dagger_main"))
            return APP_DAGGER;
    }
    return 0;
}

/* The app module compiled by the loader, for the runner to take. */
typedef struct app_slot {
    wasm_module *m;
} app_slot;

char *coro_wasm_app_source(JSContext *ctx, wasm_module *m, size_t *len)
{
    static const char src[] = "import { runApp } from 'corojs:wasi';\n"
                              "export default runApp(import.meta);\n";
    coro_isolate *iso = coro_isolate_of(ctx);
    app_slot *a = iso->area_data[CORO_SLOT_WASI];
    char *out = js_malloc(ctx, sizeof src);

    if (!a && !(a = iso->area_data[CORO_SLOT_WASI] = calloc(1, sizeof *a))) {
        js_free(ctx, out);
        JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    if (!out)
        return NULL;
    if (a->m)
        wasm_module_unref(a->m);
    a->m = wasm_module_ref(m);
    memcpy(out, src, sizeof src);
    *len = sizeof src - 1;
    return out;
}

/* The strings of v; with env, NAME alone is NAME=the host's value (or
   nothing, if the host has none). */
static JSValue string_list(JSContext *ctx, char **v, int env)
{
    JSValue arr = JS_NewArray(ctx);
    const char *value;
    uint32_t n = 0;

    for (uint32_t i = 0; v && v[i]; i++) {
        if (!env || strchr(v[i], '=')) {
            JS_SetPropertyUint32(ctx, arr, n++, JS_NewString(ctx, v[i]));
        } else if ((value = getenv(v[i]))) {
            char *pair;
            if (asprintf(&pair, "%s=%s", v[i], value) < 0)
                continue;
            JS_SetPropertyUint32(ctx, arr, n++, JS_NewString(ctx, pair));
            free(pair);
        }
    }
    return arr;
}

/* app() -> { module, kind, root, fs, jailed, net, dirs, env }: the app the
   loader just compiled, and what it may reach (the command line's --dir
   and --env for a root; an isolate's capabilities for a child) */
static JSValue js_wasi_app(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    app_slot *a = iso->area_data[CORO_SLOT_WASI];
    wasm_state *st = coro_wasm_state(ctx);
    JSValue o, mod;

    if (!st)
        return JS_EXCEPTION;
    if (!a || !a->m)
        return JS_ThrowTypeError(ctx, "no WebAssembly app was loaded");
    mod = coro_wasm_module_object(ctx, st, a->m);
    if (JS_IsException(mod))
        return mod;
    o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "kind", JS_NewString(ctx, coro_wasm_app_kind(a->m) == APP_WASI ?
                                                        "wasi" : "dagger"));
    JS_SetPropertyStr(ctx, o, "module", mod);
    JS_SetPropertyStr(ctx, o, "root", JS_NewBool(ctx, !iso->parent));
    JS_SetPropertyStr(ctx, o, "fs", JS_NewBool(ctx, iso->caps & CORO_CAP_FS));
    JS_SetPropertyStr(ctx, o, "jailed", JS_NewBool(ctx, iso->jail != NULL));
    JS_SetPropertyStr(ctx, o, "dirs", string_list(ctx, iso->parent ? NULL : cli.dirs, 0));
    JS_SetPropertyStr(ctx, o, "env", string_list(ctx, iso->parent ? NULL : cli.env, 1));
    wasm_module_unref(a->m);
    a->m = NULL;
    return o;
}

void coro_prim_wasi_free(coro_isolate *iso)
{
    app_slot *a = iso->area_data[CORO_SLOT_WASI];

    if (a && a->m)
        wasm_module_unref(a->m);
    free(a);
    iso->area_data[CORO_SLOT_WASI] = NULL;
}

/* ---- set-up ---- */

static const JSCFunctionListEntry wasi_funcs[] = {
    JS_CFUNC_DEF("create", 4, js_wasi_create),
    JS_CFUNC_DEF("imports", 1, js_wasi_imports),
    JS_CFUNC_DEF("setMemory", 2, js_wasi_set_memory),
    JS_CFUNC_DEF("close", 1, js_wasi_close),
    JS_CFUNC_DEF("app", 0, js_wasi_app),
};

static const JSClassDef state_def = { "WasiState", .finalizer = state_finalizer,
                                      .gc_mark = state_mark };

int coro_prim_wasi_init(JSContext *ctx, JSValueConst ns)
{
    if (coro_register_class(JS_GetRuntime(ctx), &state_class, &state_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, wasi_funcs, sizeof wasi_funcs / sizeof wasi_funcs[0]);
    return 0;
}
