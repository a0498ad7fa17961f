/*
 * jail.c: paths of an isolate whose fs is jailed to a directory (see jail.h).
 *
 * The path is walked one component at a time from the jail's root, the way
 * the kernel would walk it: ".." goes up (never above the root), and each
 * component that exists is looked at with lstat; a symlink's target is
 * walked in its place, from the root if it is absolute (it must lie below
 * the root), else from the directory holding the link. What comes out names
 * no symlink at all, so the operation that follows cannot be led out by
 * one. Once a component does not exist, the rest cannot exist either and is
 * taken as it is written.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail.h"

#define MAX_LINKS 40 /* as Linux's ELOOP */

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

/* Put s in front of the unwalked rest of the path (todo). */
static int push_front(char *todo, size_t cap, const char *s)
{
    size_t n = strlen(s), m = strlen(todo);

    if (n + 1 + m + 1 > cap)
        return -ENAMETOOLONG;
    memmove(todo + n + 1, todo, m + 1);
    memcpy(todo, s, n);
    todo[n] = '/';
    return 0;
}

int coro_jail_resolve(const char *root, const char *path, int follow_last, char **out)
{
    char out_buf[PATH_MAX], todo[2 * PATH_MAX], link[PATH_MAX];
    size_t root_len = strlen(root), len;
    const char *rest;
    int links = 0, missing = 0, r;

    if (root_len >= sizeof out_buf)
        return -ENAMETOOLONG;
    if (path[0] == '/') {
        if (!below(root, path, &rest))
            return -EACCES;
    } else {
        rest = path;
    }
    if (strlen(rest) >= sizeof todo)
        return -ENAMETOOLONG;
    strcpy(todo, rest);
    memcpy(out_buf, root, root_len + 1);
    len = root_len == 1 ? 0 : root_len; /* out_buf[0..len) is real, no symlinks */
    while (todo[0]) {
        char *c = todo, *slash;
        size_t n;

        while (*c == '/')
            c++;
        slash = strchr(c, '/');
        n = slash ? (size_t)(slash - c) : strlen(c);
        if (n == 0) {
            todo[0] = '\0';
            break;
        }
        if (n == 1 && c[0] == '.') {
            memmove(todo, c + 1, strlen(c + 1) + 1);
            continue;
        }
        if (n == 2 && c[0] == '.' && c[1] == '.') {
            if (len <= (root_len == 1 ? 0 : root_len))
                return -EACCES; /* above the root */
            while (len > 0 && out_buf[--len] != '/')
                ;
            out_buf[len] = '\0';
            missing = 0;
            memmove(todo, c + 2, strlen(c + 2) + 1);
            continue;
        }
        if (len + 1 + n >= sizeof out_buf)
            return -ENAMETOOLONG;
        out_buf[len] = '/';
        memcpy(out_buf + len + 1, c, n);
        out_buf[len + 1 + n] = '\0';
        memmove(todo, c + n, strlen(c + n) + 1);
        {
            int last = todo[strspn(todo, "/")] == '\0';
            struct stat st;
            if (missing || (last && !follow_last)) {
                len += 1 + n;
                continue;
            }
            if (lstat(out_buf, &st) < 0) {
                if (errno != ENOENT && errno != ENOTDIR)
                    return -errno;
                missing = 1; /* nothing below it exists: the rest is as written */
                len += 1 + n;
                continue;
            }
            if (!S_ISLNK(st.st_mode)) {
                len += 1 + n;
                continue;
            }
            if (++links > MAX_LINKS)
                return -ELOOP;
            ssize_t k = readlink(out_buf, link, sizeof link - 1);
            if (k < 0)
                return -errno;
            link[k] = '\0';
            out_buf[len] = '\0'; /* back to the link's directory */
            if (link[0] == '/') {
                if (!below(root, link, &rest))
                    return -EACCES;
                len = root_len == 1 ? 0 : root_len;
                out_buf[len] = '\0';
                if ((r = push_front(todo, sizeof todo, rest[0] ? rest : ".")) < 0)
                    return r;
            } else if ((r = push_front(todo, sizeof todo, link)) < 0) {
                return r;
            }
        }
    }
    if (len == 0)
        strcpy(out_buf, "/");
    *out = strdup(out_buf);
    return *out ? 0 : -ENOMEM;
}
