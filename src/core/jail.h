/*
 * jail.h: paths of an isolate whose fs is jailed to a directory.
 */
#ifndef COROJS_JAIL_H
#define COROJS_JAIL_H

/* Resolve `path` inside the jail `root` (a real path: no symlinks in it).
   A relative path starts at root; an absolute one must lie below root.
   ".." never climbs above root and symlinks are followed only while they
   stay below it (the last component only with follow_last). Returns 0 with
   *out (malloc'ed) a path below root that names no symlink, or a negative
   errno: -EACCES for any way out, -ELOOP, -ENAMETOOLONG, -ENOMEM. It makes
   blocking system calls (lstat, readlink): run it off the loop. */
int coro_jail_resolve(const char *root, const char *path, int follow_last, char **out);

#endif
