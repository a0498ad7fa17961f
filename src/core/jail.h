/*
 * jail.h: the files of an isolate whose fs is jailed to a directory.
 *
 * A path in a jail is looked up relative to a descriptor of the jail's root,
 * never by its name from the top, and the operation then works on what the
 * lookup holds open: no window between the check and the use, so no rename,
 * by the jailed app or anyone else, leads an operation out. Relative paths
 * start at the root; an absolute one must lie below it; ".." never climbs
 * above the root; symlinks are followed only while they stay below it (an
 * absolute target names a real path, which must lie below the root). Any
 * way out is -EACCES. Every call makes blocking system calls: run it off
 * the loop (the thread pool) or where blocking is accepted (module loading).
 */
#ifndef COROJS_JAIL_H
#define COROJS_JAIL_H

#include <limits.h>

typedef struct coro_jail {
    char *root; /* its real path (no symlinks in it) */
    int fd;     /* the root directory, opened O_PATH */
} coro_jail;

/* A jail at the directory `dir`: NULL with errno set (ENOENT, ENOTDIR ...). */
coro_jail *coro_jail_new(const char *dir);
void coro_jail_free(coro_jail *j);

/* openat(2) of `path` in the jail, with flags and mode: a descriptor, or a
   negative errno. O_NOFOLLOW: a symlink as the last component is not
   followed (with O_PATH the descriptor is then the link itself). */
int coro_jail_open(const coro_jail *j, const char *path, int flags, int mode);

/* For an operation on a name (unlinkat, mkdirat, renameat): the directory
   holding path's last component, opened O_PATH, and that component in
   name (NAME_MAX + 1 bytes; "." when path is the root itself). A symlink as
   the last component is the name itself, not followed. A descriptor to
   close, or a negative errno. */
int coro_jail_parent(const coro_jail *j, const char *path, char *name);

/* The real path below the root that `path` names (symlinks resolved, the
   last component only with follow_last; only the last component may be
   missing): 0 with *out malloc'ed, or a negative errno. A name, for what is
   named by its real path (modules); to reach the file, open that name
   through coro_jail_open. */
int coro_jail_resolve(const coro_jail *j, const char *path, int follow_last, char **out);

/* The same walks without openat2, one component at a time: what the calls
   above fall back on. For tests. */
int coro__jail_open_walk(const coro_jail *j, const char *path, int flags, int mode);
int coro__jail_parent_walk(const coro_jail *j, const char *path, char *name);

#endif
