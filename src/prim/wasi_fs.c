/*
 * prim/wasi_fs.c: WASI's descriptors (the table and its rights) and its
 * calls on files and paths.
 *
 * Every path is resolved by the kernel beneath the directory descriptor it
 * is relative to (openat2 with RESOLVE_BENEATH, in wasi_host.c): `..`
 * above it, an absolute path, or a symlink leading out is ENOTCAPABLE, and
 * a rename racing the resolution cannot lead out either. A call that names
 * an entry rather than the object behind it (mkdir, unlink, rename,
 * readlink, symlink, a link's source without follow) resolves the entry's
 * directory that way and then acts on one component in it, which the
 * kernel does not follow. All of it runs on libuv's thread pool.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

#define MAX_FDS 16384

/* ---- the descriptor table ---- */

int coro_wasi_fd_get(wasi_state *w, uint32_t fd, uint64_t rights, coro_hostfd **h)
{
    if (fd >= w->nfds || !w->fds[fd].h)
        return WASI_EBADF;
    if ((w->fds[fd].base & rights) != rights)
        return WASI_ENOTCAPABLE;
    *h = coro_hostfd_ref(w->fds[fd].h);
    return 0;
}

int coro_wasi_fd_add(wasi_state *w, coro_hostfd *h, uint64_t base, uint64_t inh, uint16_t flags,
                     uint32_t *fd)
{
    uint32_t i = 0;

    while (i < w->nfds && w->fds[i].h)
        i++;
    if (i == w->nfds) {
        uint32_t n = w->nfds ? w->nfds * 2 : 16;
        wasi_fd *p = n <= MAX_FDS ? realloc(w->fds, n * sizeof *p) : NULL;
        if (!p) {
            coro_hostfd_unref(h);
            return WASI_EMFILE;
        }
        memset(p + w->nfds, 0, (n - w->nfds) * sizeof *p);
        w->fds = p;
        w->nfds = n;
    }
    w->fds[i] = (wasi_fd){ h, base, inh, flags, NULL };
    *fd = i;
    return 0;
}

void coro_wasi_fds_free(wasi_state *w)
{
    for (uint32_t i = 0; i < w->nfds; i++) {
        coro_hostfd_unref(w->fds[i].h);
        free(w->fds[i].preopen);
    }
    free(w->fds);
    w->fds = NULL;
    w->nfds = 0;
}

#define R(n) WASI_RIGHT(WASI_##n)
#define RIGHTS_FILE (R(FD_DATASYNC) | R(FD_READ) | R(FD_SEEK) | R(FD_FDSTAT_SET_FLAGS) | \
                     R(FD_SYNC) | R(FD_TELL) | R(FD_WRITE) | R(FD_ADVISE) | R(FD_ALLOCATE) | \
                     R(FD_FILESTAT_GET) | R(FD_FILESTAT_SET_SIZE) | R(FD_FILESTAT_SET_TIMES) | \
                     R(POLL_FD_READWRITE))
#define RIGHTS_DIR (R(FD_FDSTAT_SET_FLAGS) | R(FD_SYNC) | R(FD_DATASYNC) | R(FD_READDIR) | \
                    R(FD_FILESTAT_GET) | R(FD_FILESTAT_SET_TIMES) | R(PATH_CREATE_DIRECTORY) | \
                    R(PATH_CREATE_FILE) | R(PATH_LINK_SOURCE) | R(PATH_LINK_TARGET) | \
                    R(PATH_OPEN) | R(PATH_READLINK) | R(PATH_RENAME_SOURCE) | \
                    R(PATH_RENAME_TARGET) | R(PATH_FILESTAT_GET) | R(PATH_FILESTAT_SET_SIZE) | \
                    R(PATH_FILESTAT_SET_TIMES) | R(PATH_SYMLINK) | R(PATH_REMOVE_DIRECTORY) | \
                    R(PATH_UNLINK_FILE) | R(POLL_FD_READWRITE))
/* no seek or tell: that is what makes a terminal one to isatty() */
#define RIGHTS_STREAM (R(FD_READ) | R(FD_WRITE) | R(FD_FDSTAT_SET_FLAGS) | R(FD_FILESTAT_GET) | \
                       R(POLL_FD_READWRITE))

void coro_wasi_max_rights(const coro_hostfd *h, uint64_t *base, uint64_t *inh)
{
    *inh = 0;
    if (h->kind == HOST_DIR) {
        *base = RIGHTS_DIR;
        *inh = WASI_RIGHTS_ALL;
    } else if (h->kind == HOST_FILE) {
        *base = RIGHTS_FILE;
    } else {
        *base = RIGHTS_STREAM;
        if (h->filetype == WASI_FILETYPE_SOCKET_STREAM)
            *base |= R(SOCK_SHUTDOWN) | R(SOCK_ACCEPT);
    }
}

int coro_wasi_path(wasi_call *c, uint32_t ptr, uint32_t len, char **out)
{
    if (!coro_guest_ok(&c->g, ptr, len))
        return WASI_EFAULT;
    if (len >= PATH_MAX)
        return WASI_ENAMETOOLONG;
    if (memchr(c->g.base + ptr, 0, len))
        return WASI_EINVAL;
    if (!(*out = malloc((size_t)len + 1)))
        return WASI_ENOMEM;
    memcpy(*out, c->g.base + ptr, len);
    (*out)[len] = '\0';
    return 0;
}

/* ---- the work, on a pool thread ---- */

enum {
    JOB_OPEN, JOB_MKDIR, JOB_UNLINK, JOB_RMDIR, JOB_STAT, JOB_UTIMES, JOB_READLINK, JOB_SYMLINK,
    JOB_LINK, JOB_RENAME, JOB_READDIR, JOB_FSTAT, JOB_FTRUNCATE, JOB_FUTIMES, JOB_FSYNC,
    JOB_FDATASYNC, JOB_FALLOCATE, JOB_FADVISE,
};

typedef struct fs_job {
    int op;
    int dirfd, dirfd2;      /* the directories paths are relative to; a file's descriptor */
    char *path, *path2;     /* changed by the work (split at the last slash) */
    int follow;
    int flags;              /* open's; fadvise's advice */
    struct stat st;
    struct timespec ts[2];
    char *buf;              /* readlink */
    size_t len;
    int64_t off, size;      /* ftruncate, fallocate, fadvise */
    coro_dirlist *list;     /* readdir */
} fs_job;

static const char dot[] = ".";

/* The directory holding path's last component, opened beneath dirfd (an
   O_PATH descriptor to close), and that component in *name. A path whose
   last component is "." or "..", or that ends in "/", names a directory:
   then the directory is that one and *name is ".". */
static int open_parent(int dirfd, char *path, const char **name)
{
    size_t n = strlen(path);
    char *slash;

    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    if (!strcmp(*name, ".") || !strcmp(*name, "..") || !**name || (slash && !slash[1])) {
        *name = dot;
        return coro_wasi_open_beneath(dirfd, path, O_PATH | O_DIRECTORY, 0, 1);
    }
    if (!slash)
        return coro_wasi_open_beneath(dirfd, ".", O_PATH | O_DIRECTORY, 0, 1);
    *slash = '\0';
    return coro_wasi_open_beneath(dirfd, slash == path ? "/" : path, O_PATH | O_DIRECTORY, 0, 1);
}

/* The last component of a path ended in "/" (open_parent strips them):
   such a path names a directory. */
static int ends_in_slash(const char *path)
{
    size_t n = strlen(path);
    return n > 1 && path[n - 1] == '/';
}

/* A descriptor's path, for the calls that take no descriptor (utimensat
   without AT_EMPTY_PATH, linkat of what a symlink names). */
static void proc_path(char *out, size_t n, int fd)
{
    snprintf(out, n, "/proc/self/fd/%d", fd);
}

static int64_t fs_open(fs_job *j)
{
    int fd = coro_wasi_open_beneath(j->dirfd, j->path, j->flags | O_NONBLOCK, 0666, j->follow);
    struct stat st;

    if (fd < 0)
        return fd;
    /* opened non-blocking so that a FIFO without a writer cannot hold this
       thread; a file, directory or device is used blocking, as asked */
    if (!(j->flags & O_NONBLOCK) && fstat(fd, &st) == 0 && !S_ISFIFO(st.st_mode) &&
        !S_ISSOCK(st.st_mode) && !isatty(fd))
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

/* The entries of directory dirfd but "." and "..", as WASI dirents. */
static int64_t fs_readdir(fs_job *j)
{
    int fd = openat(j->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    coro_dirlist *list = NULL;
    size_t cap = 0, len = 0;
    struct dirent *e;

    if (!d) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return -err;
    }
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        uint8_t type = WASI_FILETYPE_UNKNOWN, *p;
        struct stat st;
        unsigned dt = e->d_type;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (dt == DT_UNKNOWN && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            dt = IFTODT(st.st_mode);
        switch (dt) {
        case DT_REG: type = WASI_FILETYPE_REGULAR_FILE; break;
        case DT_DIR: type = WASI_FILETYPE_DIRECTORY; break;
        case DT_LNK: type = WASI_FILETYPE_SYMBOLIC_LINK; break;
        case DT_CHR: type = WASI_FILETYPE_CHARACTER_DEVICE; break;
        case DT_BLK: type = WASI_FILETYPE_BLOCK_DEVICE; break;
        case DT_SOCK: type = WASI_FILETYPE_SOCKET_STREAM; break;
        }
        if (len + 24 + n > cap) {
            size_t ncap = (cap ? cap * 2 : 4096) + n;
            coro_dirlist *l = realloc(list, sizeof *l + ncap);
            if (!l) {
                free(list);
                closedir(d);
                return -ENOMEM;
            }
            list = l;
            cap = ncap;
        }
        p = list->data + len;
        memset(p, 0, 24);
        coro_put_u64(p + 8, e->d_ino);
        coro_put_u32(p + 16, (uint32_t)n);
        p[20] = type;
        memcpy(p + 24, e->d_name, n);
        len += 24 + n;
    }
    closedir(d);
    if (!list && !(list = malloc(sizeof *list)))
        return -ENOMEM;
    list->len = len;
    /* each entry's d_next is the cookie of the one after it: its index + 1 */
    for (size_t off = 0, i = 1; off < len; i++) {
        uint32_t namlen;
        memcpy(&namlen, list->data + off + 16, 4);
        coro_put_u64(list->data + off, i);
        off += 24 + namlen;
    }
    j->list = list;
    return 0;
}

/* A path's object, opened O_PATH beneath dirfd (to close). */
static int open_object(fs_job *j)
{
    return coro_wasi_open_beneath(j->dirfd, j->path, O_PATH, 0, j->follow || ends_in_slash(j->path));
}

static int64_t fs_utimes(fs_job *j)
{
    char proc[64];
    const char *name;
    int fd, r;

    if (j->follow || ends_in_slash(j->path)) { /* the object the path leads to, beneath */
        if ((fd = open_object(j)) < 0)
            return fd;
        proc_path(proc, sizeof proc, fd);
        r = utimensat(AT_FDCWD, proc, j->ts, 0);
    } else { /* the entry itself, symlink or not */
        if ((fd = open_parent(j->dirfd, j->path, &name)) < 0)
            return fd;
        r = utimensat(fd, name, j->ts, AT_SYMLINK_NOFOLLOW);
    }
    r = r < 0 ? -errno : 0;
    close(fd);
    return r;
}

static int64_t fs_link(fs_job *j)
{
    const char *name, *name2;
    char proc[64];
    int fd, fd2 = open_parent(j->dirfd2, j->path2, &name2), r;

    if (fd2 < 0)
        return fd2;
    if (j->follow) { /* link what the symlink leads to, if that is beneath */
        fd = open_object(j);
        proc_path(proc, sizeof proc, fd);
        r = fd < 0 ? fd : linkat(AT_FDCWD, proc, fd2, name2, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
    } else {
        fd = open_parent(j->dirfd, j->path, &name);
        r = fd < 0 ? fd : linkat(fd, name, fd2, name2, 0) < 0 ? -errno : 0;
    }
    if (fd >= 0)
        close(fd);
    close(fd2);
    return r;
}

static int64_t fs_rename(fs_job *j)
{
    const char *name, *name2;
    int fd = open_parent(j->dirfd, j->path, &name), fd2, r;

    if (fd < 0)
        return fd;
    fd2 = open_parent(j->dirfd2, j->path2, &name2);
    r = fd2 < 0 ? fd2 : renameat(fd, name, fd2, name2) < 0 ? -errno : 0;
    close(fd);
    if (fd2 >= 0)
        close(fd2);
    return r;
}

/* The calls that name an entry of a directory. */
static int64_t fs_entry(fs_job *j)
{
    int trailing = ends_in_slash(j->path);
    const char *name;
    struct stat st;
    int fd = open_parent(j->dirfd, j->path, &name);
    int64_t r = 0;

    if (fd < 0)
        return fd;
    switch (j->op) {
    case JOB_MKDIR:
        r = mkdirat(fd, name, 0777);
        break;
    case JOB_UNLINK: /* "file/" names a directory, which unlink leaves alone */
        if (trailing && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            close(fd);
            return S_ISDIR(st.st_mode) ? -EISDIR : -ENOTDIR;
        }
        r = unlinkat(fd, name, 0);
        break;
    case JOB_RMDIR:
        r = unlinkat(fd, name, AT_REMOVEDIR);
        break;
    case JOB_READLINK:
        r = readlinkat(fd, name, j->buf, j->len);
        break;
    case JOB_SYMLINK:
        r = symlinkat(j->path2, fd, name);
        break;
    }
    r = r < 0 ? -errno : r;
    close(fd);
    return r;
}

static int64_t fs_work(void *arg)
{
    fs_job *j = arg;
    int fd, r = 0;

    switch (j->op) {
    case JOB_OPEN: return fs_open(j);
    case JOB_UTIMES: return fs_utimes(j);
    case JOB_LINK: return fs_link(j);
    case JOB_RENAME: return fs_rename(j);
    case JOB_READDIR: return fs_readdir(j);
    case JOB_STAT:
        if ((fd = open_object(j)) < 0)
            return fd;
        r = fstat(fd, &j->st);
        r = r < 0 ? -errno : 0;
        close(fd);
        return r;
    case JOB_FSTAT: r = fstat(j->dirfd, &j->st); break;
    case JOB_FTRUNCATE: r = ftruncate(j->dirfd, j->size); break;
    case JOB_FUTIMES: r = futimens(j->dirfd, j->ts); break;
    case JOB_FSYNC: r = fsync(j->dirfd); break;
    case JOB_FDATASYNC: r = fdatasync(j->dirfd); break;
    case JOB_FALLOCATE: return -posix_fallocate(j->dirfd, j->off, j->size);
    case JOB_FADVISE: return -posix_fadvise(j->dirfd, j->off, j->size, j->flags);
    default: return fs_entry(j);
    }
    return r < 0 ? -errno : 0;
}

/* Run j on the pool: a WASI errno (0), or -1 with an exception pending. A
   descriptor it opened (j->op JOB_OPEN) comes back in *fd. */
static int run(wasi_call *c, fs_job *j, int64_t *out)
{
    int64_t r;

    if (coro_wasi_pool(c->ctx, fs_work, j, &r) < 0) {
        if (j->op == JOB_OPEN && r >= 0)
            close((int)r);
        free(j->list);
        return -1;
    }
    coro_wasi_refresh(c);
    if (out)
        *out = r;
    return coro_wasi_result(r < 0 ? r : 0);
}

/* ---- the calls ---- */

/* The directory of descriptor fd for a path call needing `rights`. */
static int dir_get(wasi_call *c, uint32_t fd, uint64_t rights, coro_hostfd **h)
{
    int e = coro_wasi_fd_get(c->w, fd, rights, h);

    if (e == 0 && (*h)->kind != HOST_DIR) {
        coro_hostfd_unref(*h);
        return WASI_ENOTDIR;
    }
    return e;
}

/* A call on one path of a directory: fd, path_ptr, path_len. */
static int path_call(wasi_call *c, const uint64_t *a, uint64_t rights, fs_job *j)
{
    coro_hostfd *h;
    int e = dir_get(c, (uint32_t)a[0], rights, &h);

    if (e)
        return e;
    if ((e = coro_wasi_path(c, (uint32_t)a[1], (uint32_t)a[2], &j->path)) == 0) {
        j->dirfd = h->fd;
        e = run(c, j, NULL);
        free(j->path);
    }
    coro_hostfd_unref(h);
    return e;
}

/* A call on descriptor fd itself. */
static int fd_call(wasi_call *c, uint32_t fd, uint64_t rights, fs_job *j)
{
    coro_hostfd *h;
    int e = coro_wasi_fd_get(c->w, fd, rights, &h);

    if (e)
        return e;
    j->dirfd = coro_hostfd_os(h);
    e = j->dirfd < 0 ? WASI_EBADF : run(c, j, NULL);
    coro_hostfd_unref(h);
    return e;
}

/* filestat: dev, ino, filetype, nlink, size, atim, mtim, ctim (64 bytes) */
static void put_filestat(uint8_t *p, const struct stat *st)
{
    uint8_t type = WASI_FILETYPE_UNKNOWN;

    switch (st->st_mode & S_IFMT) {
    case S_IFREG: type = WASI_FILETYPE_REGULAR_FILE; break;
    case S_IFDIR: type = WASI_FILETYPE_DIRECTORY; break;
    case S_IFLNK: type = WASI_FILETYPE_SYMBOLIC_LINK; break;
    case S_IFCHR: type = WASI_FILETYPE_CHARACTER_DEVICE; break;
    case S_IFBLK: type = WASI_FILETYPE_BLOCK_DEVICE; break;
    case S_IFSOCK: type = WASI_FILETYPE_SOCKET_STREAM; break;
    }
    memset(p, 0, 64);
    coro_put_u64(p, st->st_dev);
    coro_put_u64(p + 8, st->st_ino);
    p[16] = type;
    coro_put_u64(p + 24, st->st_nlink);
    coro_put_u64(p + 32, (uint64_t)st->st_size);
    coro_put_u64(p + 40, (uint64_t)st->st_atim.tv_sec * 1000000000u + (uint64_t)st->st_atim.tv_nsec);
    coro_put_u64(p + 48, (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec);
    coro_put_u64(p + 56, (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec);
}

/* fst_flags: ATIM 1, ATIM_NOW 2, MTIM 4, MTIM_NOW 8 */
static int make_times(uint64_t atim, uint64_t mtim, uint64_t fl, struct timespec ts[2])
{
    uint64_t t[2] = { atim, mtim };

    if (fl & ~(uint64_t)15 || (fl & 3) == 3 || (fl & 12) == 12)
        return WASI_EINVAL;
    for (int i = 0; i < 2; i++, fl >>= 2) {
        ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
        ts[i].tv_nsec = fl & 2 ? UTIME_NOW : fl & 1 ? (long)(t[i] % 1000000000u) : UTIME_OMIT;
    }
    return 0;
}

int coro_wasi_path_create_directory(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_MKDIR };
    return path_call(c, a, R(PATH_CREATE_DIRECTORY), &j);
}

int coro_wasi_path_remove_directory(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_RMDIR };
    return path_call(c, a, R(PATH_REMOVE_DIRECTORY), &j);
}

int coro_wasi_path_unlink_file(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_UNLINK };
    return path_call(c, a, R(PATH_UNLINK_FILE), &j);
}

/* path_filestat_get(fd, lookupflags, path, path_len, buf) */
int coro_wasi_path_filestat_get(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_STAT, .follow = (int)(a[1] & 1) };
    uint64_t args[3] = { a[0], a[2], a[3] };
    int e;

    if (!coro_guest_ok(&c->g, a[4], 64))
        return WASI_EFAULT;
    if ((e = path_call(c, args, R(PATH_FILESTAT_GET), &j)) == 0)
        put_filestat(c->g.base + a[4], &j.st);
    return e;
}

/* path_filestat_set_times(fd, lookupflags, path, path_len, atim, mtim, fst_flags) */
int coro_wasi_path_filestat_set_times(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_UTIMES, .follow = (int)(a[1] & 1) };
    uint64_t args[3] = { a[0], a[2], a[3] };
    int e = make_times(a[4], a[5], a[6], j.ts);

    return e ? e : path_call(c, args, R(PATH_FILESTAT_SET_TIMES), &j);
}

/* Two paths, each in its directory: rename and link. */
static int two_paths(wasi_call *c, uint32_t fd, uint64_t rights, uint32_t ptr, uint32_t len,
                     uint32_t fd2, uint64_t rights2, uint32_t ptr2, uint32_t len2, fs_job *j)
{
    coro_hostfd *h, *h2 = NULL;
    int e = dir_get(c, fd, rights, &h);

    if (e)
        return e;
    if ((e = dir_get(c, fd2, rights2, &h2)) == 0 &&
        (e = coro_wasi_path(c, ptr, len, &j->path)) == 0) {
        if ((e = coro_wasi_path(c, ptr2, len2, &j->path2)) == 0) {
            j->dirfd = h->fd;
            j->dirfd2 = h2->fd;
            e = run(c, j, NULL);
            free(j->path2);
        }
        free(j->path);
    }
    coro_hostfd_unref(h2);
    coro_hostfd_unref(h);
    return e;
}

/* path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len) */
int coro_wasi_path_link(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_LINK, .follow = (int)(a[1] & 1) };
    return two_paths(c, (uint32_t)a[0], R(PATH_LINK_SOURCE), (uint32_t)a[2], (uint32_t)a[3],
                     (uint32_t)a[4], R(PATH_LINK_TARGET), (uint32_t)a[5], (uint32_t)a[6], &j);
}

/* path_rename(fd, old_path, old_len, new_fd, new_path, new_len) */
int coro_wasi_path_rename(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_RENAME };
    return two_paths(c, (uint32_t)a[0], R(PATH_RENAME_SOURCE), (uint32_t)a[1], (uint32_t)a[2],
                     (uint32_t)a[3], R(PATH_RENAME_TARGET), (uint32_t)a[4], (uint32_t)a[5], &j);
}

/* path_symlink(old_path, old_len, fd, new_path, new_len): a link whose
   content is an absolute path could never resolve beneath, and would point
   host programs out of the directory: refused, as wasmtime does. */
int coro_wasi_path_symlink(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_SYMLINK };
    uint64_t args[3] = { a[2], a[3], a[4] };
    int e = coro_wasi_path(c, (uint32_t)a[0], (uint32_t)a[1], &j.path2);

    if (e)
        return e;
    e = j.path2[0] == '/' ? WASI_ENOTCAPABLE : path_call(c, args, R(PATH_SYMLINK), &j);
    free(j.path2);
    return e;
}

/* path_readlink(fd, path, path_len, buf, buf_len, bufused) */
int coro_wasi_path_readlink(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_READLINK, .len = (size_t)a[4] };
    coro_hostfd *h;
    int64_t n;
    int e;

    if (!coro_guest_ok(&c->g, a[3], a[4]) || !coro_guest_ok(&c->g, a[5], 4))
        return WASI_EFAULT;
    if ((e = dir_get(c, (uint32_t)a[0], R(PATH_READLINK), &h)))
        return e;
    if ((e = coro_wasi_path(c, (uint32_t)a[1], (uint32_t)a[2], &j.path)) == 0) {
        j.dirfd = h->fd;
        j.buf = malloc(j.len ? j.len : 1); /* the pool thread's, not the guest's */
        e = !j.buf ? WASI_ENOMEM : run(c, &j, &n);
        if (e == 0) {
            memcpy(c->g.base + a[3], j.buf, (size_t)n);
            coro_put_u32(c->g.base + a[5], (uint32_t)n);
        }
        free(j.buf);
        free(j.path);
    }
    coro_hostfd_unref(h);
    return e;
}

/* path_open(fd, dirflags, path, path_len, oflags, rights_base,
   rights_inheriting, fdflags, fd_out) */
int coro_wasi_path_open(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_OPEN, .follow = (int)(a[1] & 1) };
    uint64_t oflags = a[4], base = a[5], inh = a[6], fdflags = a[7], need = R(PATH_OPEN);
    uint64_t max, max_inh, dir_inh;
    coro_hostfd *h, *nh;
    uint32_t fd = (uint32_t)a[0], nfd;
    int64_t hostfd;
    int e, rd, wr;

    if (!coro_guest_ok(&c->g, a[8], 4))
        return WASI_EFAULT;
    if (oflags & ~(uint64_t)15 || fdflags & ~(uint64_t)31)
        return WASI_EINVAL;
    need |= (oflags & 1 ? R(PATH_CREATE_FILE) : 0) | (oflags & 8 ? R(PATH_FILESTAT_SET_SIZE) : 0);
    if ((e = dir_get(c, fd, need, &h)))
        return e;
    dir_inh = c->w->fds[fd].inh;
    base &= dir_inh;
    inh &= dir_inh;
    rd = (base & (R(FD_READ) | R(FD_READDIR))) != 0;
    /* a directory is opened for reading, whatever rights are asked */
    wr = !(oflags & 2) &&
         (base & (R(FD_DATASYNC) | R(FD_WRITE) | R(FD_ALLOCATE) | R(FD_FILESTAT_SET_SIZE))) != 0;
    j.flags = (wr ? rd ? O_RDWR : O_WRONLY : O_RDONLY) |
              (oflags & 1 ? O_CREAT : 0) | (oflags & 2 ? O_DIRECTORY : 0) |
              (oflags & 4 ? O_EXCL : 0) | (oflags & 8 ? O_TRUNC : 0) |
              (fdflags & WASI_FDFLAG_APPEND ? O_APPEND : 0) |
              (fdflags & WASI_FDFLAG_DSYNC ? O_DSYNC : 0) |
              (fdflags & WASI_FDFLAG_NONBLOCK ? O_NONBLOCK : 0) |
              (fdflags & WASI_FDFLAG_RSYNC ? O_RSYNC : 0) |
              (fdflags & WASI_FDFLAG_SYNC ? O_SYNC : 0);
    e = coro_wasi_path(c, (uint32_t)a[2], (uint32_t)a[3], &j.path);
    if (e == 0) {
        j.dirfd = h->fd;
        e = run(c, &j, &hostfd);
        free(j.path);
    }
    coro_hostfd_unref(h);
    if (e)
        return e;
    if (!(nh = coro_hostfd_new(c->w->iso, (int)hostfd)))
        return WASI_ENOMEM;
    coro_wasi_max_rights(nh, &max, &max_inh);
    if ((e = coro_wasi_fd_add(c->w, nh, base & max, inh & max_inh, (uint16_t)fdflags, &nfd)))
        return e;
    coro_put_u32(c->g.base + a[8], nfd);
    return 0;
}

/* fd_readdir(fd, buf, buf_len, cookie, bufused): the entries from cookie
   on; the directory is read again when the cookie is 0. The last entry may
   be cut at the end of the buffer (the guest then asks with a bigger one). */
int coro_wasi_fd_readdir(wasi_call *c, const uint64_t *a)
{
    uint32_t buf = (uint32_t)a[1], len = (uint32_t)a[2], used = 0;
    uint64_t cookie = a[3], i = 0;
    fs_job j = { .op = JOB_READDIR };
    coro_dirlist *d;
    coro_hostfd *h;
    size_t off = 0;
    int e;

    if (!coro_guest_ok(&c->g, buf, len) || !coro_guest_ok(&c->g, a[4], 4))
        return WASI_EFAULT;
    if ((e = coro_wasi_fd_get(c->w, (uint32_t)a[0], R(FD_READDIR), &h)))
        return e;
    if (h->kind != HOST_DIR) {
        coro_hostfd_unref(h);
        return WASI_ENOTDIR;
    }
    if (cookie == 0 || !h->dir) {
        j.dirfd = h->fd;
        if ((e = run(c, &j, NULL))) {
            coro_hostfd_unref(h);
            return e;
        }
        free(h->dir);
        h->dir = j.list;
    }
    d = h->dir;
    for (; off < d->len && i < cookie; i++) {
        uint32_t n;
        memcpy(&n, d->data + off + 16, 4);
        off += 24 + n;
    }
    if (off < d->len) {
        used = d->len - off < len ? (uint32_t)(d->len - off) : len;
        memcpy(c->g.base + buf, d->data + off, used);
    }
    coro_put_u32(c->g.base + a[4], used);
    coro_hostfd_unref(h);
    return 0;
}

/* fd_filestat_get(fd, buf) */
int coro_wasi_fd_filestat_get(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_FSTAT };
    int e;

    if (!coro_guest_ok(&c->g, a[1], 64))
        return WASI_EFAULT;
    if ((e = fd_call(c, (uint32_t)a[0], R(FD_FILESTAT_GET), &j)) == 0)
        put_filestat(c->g.base + a[1], &j.st);
    return e;
}

/* fd_filestat_set_size(fd, size) */
int coro_wasi_fd_filestat_set_size(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_FTRUNCATE, .size = (int64_t)a[1] };
    return j.size < 0 ? WASI_EINVAL : fd_call(c, (uint32_t)a[0], R(FD_FILESTAT_SET_SIZE), &j);
}

/* fd_filestat_set_times(fd, atim, mtim, fst_flags) */
int coro_wasi_fd_filestat_set_times(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_FUTIMES };
    int e = make_times(a[1], a[2], a[3], j.ts);
    return e ? e : fd_call(c, (uint32_t)a[0], R(FD_FILESTAT_SET_TIMES), &j);
}

/* fd_advise(fd, offset, len, advice): WASI's order of advice is not POSIX's */
int coro_wasi_fd_advise(wasi_call *c, const uint64_t *a)
{
    static const int advice[] = { POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                  POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE };
    fs_job j = { .op = JOB_FADVISE, .off = (int64_t)a[1], .size = (int64_t)a[2] };

    if (a[3] > 5 || j.off < 0 || j.size < 0)
        return WASI_EINVAL;
    j.flags = advice[a[3]];
    return fd_call(c, (uint32_t)a[0], R(FD_ADVISE), &j);
}

/* fd_allocate(fd, offset, len) */
int coro_wasi_fd_allocate(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_FALLOCATE, .off = (int64_t)a[1], .size = (int64_t)a[2] };
    return j.off < 0 || j.size <= 0 ? WASI_EINVAL : fd_call(c, (uint32_t)a[0], R(FD_ALLOCATE), &j);
}

int coro_wasi_fd_sync(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_FSYNC };
    return fd_call(c, (uint32_t)a[0], R(FD_SYNC), &j);
}

int coro_wasi_fd_datasync(wasi_call *c, const uint64_t *a)
{
    fs_job j = { .op = JOB_FDATASYNC };
    return fd_call(c, (uint32_t)a[0], R(FD_DATASYNC), &j);
}
