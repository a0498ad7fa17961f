/*
 * test_jail.c: files reached inside an fs jail. Every way out (.., absolute
 * paths, symlinks to files and directories, relative and absolute, loops)
 * is refused; every way that stays inside reaches the right file, by
 * openat2 and by the walk without it alike; resolve names the real path.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctest.h"
#include "core/jail.h"

static char root[PATH_MAX];
static coro_jail *jail;

static void at_root(char *p, size_t cap, const char *name)
{
    snprintf(p, cap, "%s/%s", root, name);
}

static void mk(const char *name)
{
    char p[PATH_MAX * 2];
    at_root(p, sizeof p, name);
    FILE *f = fopen(p, "w");
    if (f)
        fclose(f);
}

static void ln(const char *target, const char *name)
{
    char p[PATH_MAX * 2];
    at_root(p, sizeof p, name);
    if (symlink(target, p) < 0)
        perror("symlink");
}

static void setup(void)
{
    char tmpl[] = "/tmp/corojs-jail-XXXXXX", p[PATH_MAX * 2];

    if (!mkdtemp(tmpl) || !realpath(tmpl, root))
        abort();
    at_root(p, sizeof p, "sub");
    mkdir(p, 0700);
    mk("a.txt");
    mk("sub/b.txt");
    ln("sub", "in_link");
    at_root(p, sizeof p, "sub");
    ln(p, "abs_in");
    at_root(p, sizeof p, "sub/b.txt");
    ln(p, "abs_file");
    ln("/etc", "out_link");
    ln("../..", "rel_out");
    ln("/etc/passwd", "file_out");
    ln("sub/../../etc", "sneaky");
    ln("loop2", "loop1");
    ln("loop1", "loop2");
    ln("nowhere", "dangling");
    if (!(jail = coro_jail_new(root)))
        abort();
}

/* The same file as root/want ("" = the root, "*link" = the link itself)? */
static int same_file(int fd, const char *want)
{
    char p[PATH_MAX * 2];
    struct stat a, b;
    int link = want[0] == '*';

    at_root(p, sizeof p, want + link);
    if (fstat(fd, &a) < 0 || (link ? lstat(p, &b) : stat(p, &b)) < 0)
        return 0;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Open path both ways with flags: want names the file (see same_file), or
   is NULL and want_err the error. */
static int check_open(const char *path, int flags, const char *want, int want_err)
{
    int (*const ways[])(const coro_jail *, const char *, int, int) = {
        coro_jail_open, coro__jail_open_walk,
    };

    for (int i = 0; i < 2; i++) {
        int fd = ways[i](jail, path, flags, 0600);
        int ok = want ? fd >= 0 && same_file(fd, want) : fd == -want_err;
        if (!ok)
            printf("  # %s %s: got %d, want %s (%d)\n", i ? "walk" : "open", path, fd,
                   want ? want : "error", want_err);
        if (fd >= 0)
            close(fd);
        if (!ok)
            return 0;
    }
    return 1;
}

static int check_resolve(const char *path, int follow, const char *want, int want_err)
{
    char *out = NULL, expect[PATH_MAX * 2];
    int r = coro_jail_resolve(jail, path, follow, &out), ok;

    if (want)
        snprintf(expect, sizeof expect, "%s%s%s", root, *want ? "/" : "", want);
    ok = want ? r == 0 && strcmp(out, expect) == 0 : r == -want_err;
    if (!ok)
        printf("  # resolve %s: got %d '%s', want '%s' (%d)\n", path, r, out ? out : "",
               want ? expect : "error", want_err);
    free(out);
    return ok;
}

static void test_inside(void)
{
    char abs[PATH_MAX * 2];

    CHECK(check_open("a.txt", O_RDONLY, "a.txt", 0));
    CHECK(check_open("./sub/./b.txt", O_RDONLY, "sub/b.txt", 0));
    CHECK(check_open("sub/../a.txt", O_RDONLY, "a.txt", 0));
    CHECK(check_open("sub//b.txt", O_RDONLY, "sub/b.txt", 0));
    CHECK(check_open(".", O_RDONLY | O_DIRECTORY, "", 0));
    CHECK(check_open("sub/", O_RDONLY, "sub", 0));
    CHECK(check_open("a.txt/", O_RDONLY, NULL, ENOTDIR));
    CHECK(check_open("", O_RDONLY, NULL, ENOENT));
    CHECK(check_open("missing", O_RDONLY, NULL, ENOENT));
    CHECK(check_open("missing/new.txt", O_RDONLY, NULL, ENOENT));
    at_root(abs, sizeof abs, "sub/b.txt");
    CHECK(check_open(abs, O_RDONLY, "sub/b.txt", 0));
    CHECK(check_open(root, O_RDONLY, "", 0));
    CHECK(check_open("new.txt", O_WRONLY | O_CREAT, "new.txt", 0));
    CHECK(check_resolve("sub/../a.txt", 1, "a.txt", 0));
    CHECK(check_resolve(".", 1, "", 0));
    CHECK(check_resolve("", 1, NULL, ENOENT));
    CHECK(check_resolve("missing/new.txt", 1, NULL, ENOENT));
    CHECK(check_resolve("missing", 1, "missing", 0));
}

static void test_dotdot(void)
{
    char abs[PATH_MAX * 2];

    CHECK(check_open("..", O_RDONLY, NULL, EACCES));
    CHECK(check_open("../x", O_RDONLY, NULL, EACCES));
    CHECK(check_open("sub/../../x", O_RDONLY, NULL, EACCES));
    CHECK(check_open("sub/../../etc/passwd", O_RDONLY, NULL, EACCES));
    at_root(abs, sizeof abs, "../etc/passwd");
    CHECK(check_open(abs, O_RDONLY, NULL, EACCES));
    CHECK(check_resolve("sub/../..", 1, NULL, EACCES));
}

static void test_absolute(void)
{
    char abs[PATH_MAX * 2];

    CHECK(check_open("/etc/passwd", O_RDONLY, NULL, EACCES));
    CHECK(check_open("/", O_RDONLY, NULL, EACCES));
    snprintf(abs, sizeof abs, "%sX/a.txt", root); /* a sibling sharing the prefix */
    CHECK(check_open(abs, O_RDONLY, NULL, EACCES));
}

static void test_symlinks(void)
{
    CHECK(check_open("in_link/b.txt", O_RDONLY, "sub/b.txt", 0));
    CHECK(check_open("abs_in/b.txt", O_RDONLY, "sub/b.txt", 0));
    CHECK(check_open("abs_file", O_RDONLY, "sub/b.txt", 0));
    CHECK(check_open("in_link/..", O_RDONLY, "", 0));
    CHECK(check_open("in_link", O_PATH, "sub", 0));
    CHECK(check_open("in_link", O_PATH | O_NOFOLLOW, "*in_link", 0)); /* lstat */
    CHECK(check_open("in_link/", O_PATH | O_NOFOLLOW, "sub", 0));
    CHECK(check_open("out_link", O_RDONLY, NULL, EACCES));
    CHECK(check_open("out_link/passwd", O_RDONLY, NULL, EACCES));
    CHECK(check_open("out_link/passwd", O_PATH | O_NOFOLLOW, NULL, EACCES));
    CHECK(check_open("rel_out", O_PATH, NULL, EACCES));
    CHECK(check_open("rel_out/etc/passwd", O_RDONLY, NULL, EACCES));
    CHECK(check_open("file_out", O_RDONLY, NULL, EACCES));
    CHECK(check_open("file_out", O_PATH | O_NOFOLLOW, "*file_out", 0));
    CHECK(check_open("sneaky/passwd", O_RDONLY, NULL, EACCES));
    CHECK(check_open("loop1", O_RDONLY, NULL, ELOOP));
    CHECK(check_open("dangling", O_RDONLY, NULL, ENOENT));
    CHECK(check_open("dangling", O_WRONLY | O_CREAT, "nowhere", 0));
    CHECK(check_resolve("in_link/b.txt", 1, "sub/b.txt", 0));
    CHECK(check_resolve("abs_in", 1, "sub", 0));
    CHECK(check_resolve("in_link", 0, "in_link", 0));
    CHECK(check_resolve("out_link", 1, NULL, EACCES));
    CHECK(check_resolve("file_out", 0, "file_out", 0));
}

/* The directory and name an operation on a name gets, both ways. */
static int check_parent(const char *path, const char *want_dir, const char *want_name,
                        int want_err)
{
    int (*const ways[])(const coro_jail *, const char *, char *) = {
        coro_jail_parent, coro__jail_parent_walk,
    };

    for (int i = 0; i < 2; i++) {
        char name[NAME_MAX + 1] = "";
        int fd = ways[i](jail, path, name);
        int ok = want_dir ? fd >= 0 && same_file(fd, want_dir) && strcmp(name, want_name) == 0
                          : fd == -want_err;
        if (!ok)
            printf("  # %s %s: got %d '%s'\n", i ? "walk" : "parent", path, fd, name);
        if (fd >= 0)
            close(fd);
        if (!ok)
            return 0;
    }
    return 1;
}

static void test_parent(void)
{
    CHECK(check_parent("a.txt", "", "a.txt", 0));
    CHECK(check_parent("sub/b.txt", "sub", "b.txt", 0));
    CHECK(check_parent("in_link/new", "sub", "new", 0));
    CHECK(check_parent("out_link", "", "out_link", 0)); /* the link itself */
    CHECK(check_parent("sub/..", "", ".", 0));
    CHECK(check_parent("out_link/passwd", NULL, NULL, EACCES));
    CHECK(check_parent("../a.txt", NULL, NULL, EACCES));
    CHECK(check_parent("missing/x", NULL, NULL, ENOENT));
}

static void test_root_slash(void)
{
    coro_jail *all = coro_jail_new("/");
    char *out = NULL;
    int fd;

    CHECK(all);
    CHECK(coro_jail_resolve(all, "/etc/../etc/hostname", 1, &out) == 0);
    CHECK(strcmp(out, "/etc/hostname") == 0);
    free(out);
    CHECK(coro_jail_resolve(all, "/", 1, &out) == 0);
    CHECK(strcmp(out, "/") == 0);
    free(out);
    CHECK(coro_jail_resolve(all, "..", 1, &out) == -EACCES);
    fd = coro_jail_open(all, "/etc/hostname", O_RDONLY, 0);
    CHECK(fd >= 0);
    close(fd);
    coro_jail_free(all);
}

static void test_new(void)
{
    char p[PATH_MAX * 2];

    CHECK(!coro_jail_new("/nowhere/at/all") && errno == ENOENT);
    at_root(p, sizeof p, "a.txt");
    CHECK(!coro_jail_new(p) && errno == ENOTDIR);
}

static int open_fds(void)
{
    char p[64];
    int n = 0;

    for (int fd = 0; fd < 1024; fd++) {
        snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
        n += access(p, F_OK) == 0;
    }
    return n;
}

/* Every way, success or failure, closes what it opened. */
static void test_no_fd_left(void)
{
    static const char *const paths[] = {
        "a.txt", "sub/../a.txt", "sub/", "a.txt/", "", "missing/x", "..", "sub/../../x",
        "/etc/passwd", "in_link/b.txt", "abs_in/b.txt", "out_link/passwd", "rel_out/etc",
        "sneaky/passwd", "loop1", "dangling", "in_link/",
    };
    char name[NAME_MAX + 1];
    int before = open_fds(), fd;

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        for (int flags = 0; flags < 2; flags++) {
            int f = flags ? O_PATH | O_NOFOLLOW : O_RDONLY;
            if ((fd = coro_jail_open(jail, paths[i], f, 0)) >= 0)
                close(fd);
            if ((fd = coro__jail_open_walk(jail, paths[i], f, 0)) >= 0)
                close(fd);
        }
        if ((fd = coro_jail_parent(jail, paths[i], name)) >= 0)
            close(fd);
        if ((fd = coro__jail_parent_walk(jail, paths[i], name)) >= 0)
            close(fd);
    }
    CHECK_EQ(open_fds(), before);
}

static const ctest tests[] = {
    { "jail: paths inside reach their files", test_inside },
    { "jail: .. never climbs above the root", test_dotdot },
    { "jail: absolute paths outside are refused", test_absolute },
    { "jail: symlinks lead only where the root allows", test_symlinks },
    { "jail: operations on names get the directory and the name", test_parent },
    { "jail: a jail at / still resolves", test_root_slash },
    { "jail: a jail needs a directory", test_new },
    { "jail: no descriptor is left open", test_no_fd_left },
};

int main(void)
{
    char cmd[PATH_MAX + 16];
    int r;

    setup();
    r = ctest_main(tests, sizeof tests / sizeof tests[0]);
    coro_jail_free(jail);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        r = 1;
    return r;
}
