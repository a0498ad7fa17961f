/*
 * jail.c: the files of an isolate whose fs is jailed to a directory (see
 * jail.h).
 *
 * Where the kernel has openat2 (Linux 5.6), RESOLVE_BENEATH does the whole
 * lookup in one call, relative to the root's descriptor: the kernel refuses
 * any step out and checks at the end that what it found still lies below
 * the root. It refuses more than the jail does (an absolute symlink that
 * stays inside) and gives up on a rename it saw during a "..": on EXDEV or
 * EAGAIN, and on a kernel without openat2, the walk below decides.
 *
 * The walk goes one component at a time, each opened with O_PATH and
 * O_NOFOLLOW relative to the descriptor of the directory before it, so what
 * it looks at is what it then enters: a symlink swapped in after the look
 * is never followed by the kernel, it only makes the operation fail. A
 * symlink is read and its target walked in its place, from the root if it
 * is absolute. ".." is never the directory's own "..": the walk goes back
 * to the root and down the real path it has walked, minus one. At the end
 * it checks, as openat2 does, that the directory it stands in still lies
 * below the root (someone outside may have moved it out meanwhile).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail.h"

#define MAX_LINKS 40 /* as Linux's ELOOP */

/* ------------------------------------------------------------------ */
/* the jail */

coro_jail *coro_jail_new(const char *dir)
{
    coro_jail *j = calloc(1, sizeof *j);
    int err;

    if (!j)
        return NULL;
    j->fd = -1;
    if (!(j->root = realpath(dir, NULL)))
        goto fail;
    j->fd = open(j->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (j->fd < 0)
        goto fail;
    return j;

fail:
    err = errno;
    coro_jail_free(j);
    errno = err;
    return NULL;
}

void coro_jail_free(coro_jail *j)
{
    if (!j)
        return;
    if (j->fd >= 0)
        close(j->fd);
    free(j->root);
    free(j);
}

/* Whether abs lies at or below root; *rest is what follows root in it. */
static int below(const char *root, const char *abs, const char **rest)
{
    size_t n = strlen(root);

    if (n == 1) { /* the root is / */
        *rest = abs;
        return 1;
    }
    if (strncmp(abs, root, n) != 0 || (abs[n] != '/' && abs[n] != '\0'))
        return 0;
    *rest = abs + n;
    return 1;
}

/* path relative to the root: 0, -EACCES for an absolute path outside it,
   -ENOENT for "" (as the kernel has it, not the root). */
static int relative(const coro_jail *j, const char *path, const char **rel)
{
    if (!path[0])
        return -ENOENT;
    if (path[0] != '/') {
        *rel = path;
        return 0;
    }
    if (!below(j->root, path, rel))
        return -EACCES;
    while (**rel == '/')
        (*rel)++;
    if (!**rel)
        *rel = ".";
    return 0;
}

/* ------------------------------------------------------------------ */
/* the walk */

typedef struct walk {
    const coro_jail *j;
    int dir;                 /* the directory reached, open O_PATH */
    char path[PATH_MAX];     /* its real path below the root: "" or "/a/b" */
    size_t len;
    char todo[2 * PATH_MAX]; /* what is left to walk */
    int links;               /* symlinks followed */
    int dir_only;            /* the path ends in a slash */
} walk;

static int walk_start(walk *w, const coro_jail *j, const char *path)
{
    const char *rel;
    int r = relative(j, path, &rel);

    w->j = j;
    w->dir = -1;
    w->len = 0;
    w->path[0] = '\0';
    w->links = 0;
    w->dir_only = 0;
    if (r < 0)
        return r;
    if (strlen(rel) >= sizeof w->todo)
        return -ENAMETOOLONG;
    strcpy(w->todo, rel);
    w->dir = fcntl(j->fd, F_DUPFD_CLOEXEC, 0);
    return w->dir < 0 ? -errno : 0;
}

/* Take the next component off todo into c: its length (0 when none is
   left), or -ENAMETOOLONG. *last: nothing but slashes follows it. */
static int next_component(walk *w, char *c, int *last)
{
    char *p = w->todo, *end;
    size_t n;

    while (*p == '/')
        p++;
    end = strchrnul(p, '/');
    n = (size_t)(end - p);
    if (n > NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(c, p, n);
    c[n] = '\0';
    *last = end[strspn(end, "/")] == '\0';
    if (*last && *end == '/' && n > 0)
        w->dir_only = 1;
    memmove(w->todo, end, strlen(end) + 1);
    return (int)n;
}

/* Enter fd, the directory named c below the one reached. */
static int walk_into(walk *w, int fd, const char *c)
{
    size_t n = strlen(c);

    if (w->len + 1 + n >= sizeof w->path) {
        close(fd);
        return -ENAMETOOLONG;
    }
    w->path[w->len] = '/';
    memcpy(w->path + w->len + 1, c, n + 1);
    w->len += 1 + n;
    close(w->dir);
    w->dir = fd;
    return 0;
}

/* Walk down the real path w->path from the root again. */
static int walk_again(walk *w)
{
    char c[NAME_MAX + 1], *p = w->path;
    int fd = fcntl(w->j->fd, F_DUPFD_CLOEXEC, 0), err = errno;

    while (fd >= 0 && *p) {
        char *end = strchrnul(++p, '/');
        int next;

        memcpy(c, p, (size_t)(end - p));
        c[end - p] = '\0';
        next = openat(fd, c, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
        err = errno;
        close(fd);
        fd = next;
        p = end;
    }
    if (fd < 0)
        return -err;
    close(w->dir);
    w->dir = fd;
    return 0;
}

/* "..": the directory above, reached again from the root. */
static int walk_up(walk *w)
{
    if (w->len == 0)
        return -EACCES;
    while (w->path[--w->len] != '/')
        ;
    w->path[w->len] = '\0';
    return walk_again(w);
}

/* Put s in front of what is left to walk. */
static int push_front(walk *w, const char *s)
{
    size_t n = strlen(s), m = strlen(w->todo), sep = m > 0;

    if (n + sep + m + 1 > sizeof w->todo)
        return -ENAMETOOLONG;
    memmove(w->todo + n + sep, w->todo, m + 1);
    memcpy(w->todo, s, n);
    if (sep)
        w->todo[n] = '/';
    return 0;
}

/* Walk the target of the symlink open as fd in its place. */
static int follow_link(walk *w, int fd)
{
    char target[PATH_MAX];
    const char *rest;
    ssize_t k;

    if (++w->links > MAX_LINKS)
        return -ELOOP;
    k = readlinkat(fd, "", target, sizeof target - 1);
    if (k < 0)
        return -errno;
    if (k == 0)
        return -ENOENT;
    target[k] = '\0';
    if (target[0] != '/')
        return push_front(w, target);
    if (!below(w->j->root, target, &rest))
        return -EACCES;
    w->len = 0;
    w->path[0] = '\0';
    if ((k = walk_again(w)) < 0)
        return (int)k;
    return push_front(w, rest[0] ? rest : ".");
}

/* Whether the directory reached still lies below the root: climb its ".."
   as many times as the walk went down and meet the root. */
static int still_inside(walk *w)
{
    struct stat root, st;
    int fd = fcntl(w->dir, F_DUPFD_CLOEXEC, 0), err = errno, r = -EACCES;

    for (const char *p = w->path; fd >= 0 && (p = strchr(p, '/')); p++) {
        int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        err = errno;
        close(fd);
        fd = up;
    }
    if (fd < 0)
        return -err;
    if (fstat(fd, &st) == 0 && fstat(w->j->fd, &root) == 0 && st.st_dev == root.st_dev &&
        st.st_ino == root.st_ino)
        r = 0;
    close(fd);
    return r;
}

/* Walk all of the path but its last component, and that too while it is a
   symlink and follow_last (or a slash follows it). 0 with w->dir the
   directory holding the last component, whose name is in name. */
static int walk_path(walk *w, int follow_last, char *name)
{
    char c[NAME_MAX + 1];
    struct stat st;
    int last, n, fd, r;

    for (;;) {
        if ((n = next_component(w, c, &last)) < 0)
            return n;
        if (n == 0) {
            strcpy(name, ".");
            break;
        }
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if ((r = walk_up(w)) < 0)
                return r;
            continue;
        }
        if (last && !follow_last && !w->dir_only) {
            strcpy(name, c);
            break;
        }
        fd = openat(w->dir, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && last && errno == ENOENT) { /* to be made */
            strcpy(name, c);
            break;
        }
        if (fd < 0 || fstat(fd, &st) < 0) {
            r = -errno;
            if (fd >= 0)
                close(fd);
            return r;
        }
        if (S_ISLNK(st.st_mode)) {
            r = follow_link(w, fd);
            close(fd);
            if (r < 0)
                return r;
            continue;
        }
        if (!S_ISDIR(st.st_mode) && (!last || w->dir_only)) {
            close(fd);
            return -ENOTDIR;
        }
        if (last) {
            close(fd);
            strcpy(name, c);
            break;
        }
        if ((r = walk_into(w, fd, c)) < 0)
            return r;
    }
    return still_inside(w);
}

int coro__jail_open_walk(const coro_jail *j, const char *path, int flags, int mode)
{
    char name[NAME_MAX + 1];
    walk w;
    int r = walk_start(&w, j, path);

    if (r == 0)
        r = walk_path(&w, !(flags & O_NOFOLLOW), name);
    if (r == 0) {
        /* O_NOFOLLOW: a symlink here now came after the walk looked */
        r = openat(w.dir, name, flags | O_NOFOLLOW | O_CLOEXEC | (w.dir_only ? O_DIRECTORY : 0),
                   mode);
        if (r < 0)
            r = -errno;
    }
    if (w.dir >= 0)
        close(w.dir);
    return r;
}

int coro__jail_parent_walk(const coro_jail *j, const char *path, char *name)
{
    walk w;
    int r = walk_start(&w, j, path);

    if (r == 0)
        r = walk_path(&w, 0, name);
    if (r == 0)
        return w.dir;
    if (w.dir >= 0)
        close(w.dir);
    return r;
}

int coro_jail_resolve(const coro_jail *j, const char *path, int follow_last, char **out)
{
    char name[NAME_MAX + 1];
    walk w;
    int r = walk_start(&w, j, path);
    size_t root_len = strcmp(j->root, "/") ? strlen(j->root) : 0;

    if (r == 0)
        r = walk_path(&w, follow_last, name);
    if (w.dir >= 0)
        close(w.dir);
    if (r < 0)
        return r;
    if (!(*out = malloc(root_len + w.len + 1 + strlen(name) + 2)))
        return -ENOMEM;
    memcpy(*out, j->root, root_len);
    memcpy(*out + root_len, w.path, w.len);
    if (strcmp(name, ".") != 0)
        sprintf(*out + root_len + w.len, "/%s", name);
    else
        strcpy(*out + root_len + w.len, root_len + w.len ? "" : "/");
    return 0;
}

/* ------------------------------------------------------------------ */
/* openat2 */

static int have_openat2 = 1; /* until the kernel says ENOSYS */

/* openat2 below dirfd: a descriptor or a negative errno; 1 (no descriptor:
   0, 1 and 2 are taken) when the walk must decide. */
static int open_beneath(int dirfd, const char *rel, int flags, int mode)
{
    struct open_how how = {
        .flags = (uint64_t)(unsigned)(flags | O_CLOEXEC),
        .mode = flags & O_CREAT ? (uint64_t)mode : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    long fd;

    if (!__atomic_load_n(&have_openat2, __ATOMIC_RELAXED))
        return 1;
    fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    if (fd >= 0)
        return (int)fd;
    if (errno == ENOSYS)
        __atomic_store_n(&have_openat2, 0, __ATOMIC_RELAXED);
    /* EXDEV: out, or an absolute symlink; EAGAIN: a rename raced a "..";
       ENOSYS, EPERM: no openat2 here (or a seccomp filter's answer) */
    if (errno == EXDEV || errno == EAGAIN || errno == ENOSYS || errno == EPERM)
        return 1;
    return -errno;
}

int coro_jail_open(const coro_jail *j, const char *path, int flags, int mode)
{
    const char *rel;
    int r = relative(j, path, &rel);

    if (r < 0)
        return r;
    r = open_beneath(j->fd, rel, flags, mode);
    return r != 1 ? r : coro__jail_open_walk(j, path, flags, mode);
}

int coro_jail_parent(const coro_jail *j, const char *path, char *name)
{
    const char *rel, *base;
    char dir[PATH_MAX];
    int r = relative(j, path, &rel);

    if (r < 0)
        return r;
    /* openat2 for the directory when the last component is a plain name */
    base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
        (size_t)(base - rel) >= sizeof dir)
        return coro__jail_parent_walk(j, path, name);
    if (strlen(base) > NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(dir, rel, (size_t)(base - rel));
    strcpy(dir + (base - rel), ".");
    r = open_beneath(j->fd, dir, O_PATH | O_DIRECTORY, 0);
    if (r == 1)
        return coro__jail_parent_walk(j, path, name);
    if (r >= 0)
        strcpy(name, base);
    return r;
}
