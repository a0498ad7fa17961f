/*
 * test_jail.c: paths resolved inside an fs jail: every way out (.., absolute
 * paths, symlinks to files and directories, relative and absolute, loops)
 * is refused; every way that stays inside resolves to a path free of
 * symlinks.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctest.h"
#include "core/jail.h"

static char root[PATH_MAX];

static void mk(const char *fmt, const char *arg)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, fmt, root, arg);
    FILE *f = fopen(p, "w");
    if (f)
        fclose(f);
}

static void ln(const char *target, const char *name)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, "%s/%s", root, name);
    if (symlink(target, p) < 0)
        perror("symlink");
}

static void setup(void)
{
    char tmpl[] = "/tmp/corojs-jail-XXXXXX", p[PATH_MAX * 2];

    if (!mkdtemp(tmpl) || !realpath(tmpl, root))
        abort();
    snprintf(p, sizeof p, "%s/sub", root);
    mkdir(p, 0700);
    mk("%s/%s", "a.txt");
    mk("%s/sub/%s", "b.txt");
    ln("sub", "in_link");
    snprintf(p, sizeof p, "%s/sub", root);
    ln(p, "abs_in");
    ln("/etc", "out_link");
    ln("../..", "rel_out");
    ln("/etc/passwd", "file_out");
    ln("sub/../../etc", "sneaky");
    ln("loop2", "loop1");
    ln("loop1", "loop2");
}

/* Resolve and compare: want is relative to root, or NULL for an error code. */
static int check(const char *path, int follow, const char *want, int want_err)
{
    char *out = NULL, expect[PATH_MAX * 2];
    int r = coro_jail_resolve(root, path, follow, &out);

    if (!want) {
        free(out);
        if (r != -want_err)
            printf("  # %s: got %d, want %d\n", path, r, -want_err);
        return r == -want_err;
    }
    snprintf(expect, sizeof expect, "%s%s%s", root, *want ? "/" : "", want);
    if (r != 0 || strcmp(out, expect) != 0)
        printf("  # %s: got %d '%s', want '%s'\n", path, r, out ? out : "", expect);
    r = r == 0 && strcmp(out, expect) == 0;
    free(out);
    return r;
}

static void test_inside(void)
{
    char abs[PATH_MAX * 2];

    CHECK(check("a.txt", 1, "a.txt", 0));
    CHECK(check("./sub/./b.txt", 1, "sub/b.txt", 0));
    CHECK(check("sub/../a.txt", 1, "a.txt", 0));
    CHECK(check("sub//b.txt", 1, "sub/b.txt", 0));
    CHECK(check(".", 1, "", 0));
    CHECK(check("", 1, "", 0));
    CHECK(check("missing/new.txt", 1, "missing/new.txt", 0));
    CHECK(check("missing/../a.txt", 1, "a.txt", 0));
    snprintf(abs, sizeof abs, "%s/sub/b.txt", root);
    CHECK(check(abs, 1, "sub/b.txt", 0));
    CHECK(check(root, 1, "", 0));
}

static void test_dotdot(void)
{
    char abs[PATH_MAX * 2];

    CHECK(check("..", 1, NULL, EACCES));
    CHECK(check("../x", 1, NULL, EACCES));
    CHECK(check("sub/../../x", 1, NULL, EACCES));
    CHECK(check("missing/x/../../..", 1, NULL, EACCES));
    snprintf(abs, sizeof abs, "%s/../etc/passwd", root);
    CHECK(check(abs, 1, NULL, EACCES));
}

static void test_absolute(void)
{
    char abs[PATH_MAX * 2];

    CHECK(check("/etc/passwd", 1, NULL, EACCES));
    CHECK(check("/", 1, NULL, EACCES));
    snprintf(abs, sizeof abs, "%sX/a.txt", root); /* a sibling sharing the prefix */
    CHECK(check(abs, 1, NULL, EACCES));
}

static void test_symlinks(void)
{
    CHECK(check("in_link/b.txt", 1, "sub/b.txt", 0));
    CHECK(check("abs_in/b.txt", 1, "sub/b.txt", 0));
    CHECK(check("in_link/..", 1, "", 0));
    CHECK(check("in_link", 1, "sub", 0));
    CHECK(check("in_link", 0, "in_link", 0)); /* the link itself (lstat, unlink) */
    CHECK(check("out_link", 1, NULL, EACCES));
    CHECK(check("out_link/passwd", 1, NULL, EACCES));
    CHECK(check("out_link/passwd", 0, NULL, EACCES)); /* not the last component */
    CHECK(check("rel_out", 1, NULL, EACCES));
    CHECK(check("rel_out/etc/passwd", 1, NULL, EACCES));
    CHECK(check("file_out", 1, NULL, EACCES));
    CHECK(check("file_out", 0, "file_out", 0));
    CHECK(check("sneaky/passwd", 1, NULL, EACCES));
    CHECK(check("loop1", 1, NULL, ELOOP));
}

static void test_root_slash(void)
{
    char *out = NULL;

    CHECK(coro_jail_resolve("/", "/etc/../etc/hostname", 1, &out) == 0);
    CHECK(strcmp(out, "/etc/hostname") == 0);
    free(out);
    CHECK(coro_jail_resolve("/", "..", 1, &out) == -EACCES);
}

static const ctest tests[] = {
    { "jail: paths inside resolve below the root", test_inside },
    { "jail: .. never climbs above the root", test_dotdot },
    { "jail: absolute paths outside are refused", test_absolute },
    { "jail: symlinks lead only where the root allows", test_symlinks },
    { "jail: a jail at / still resolves", test_root_slash },
};

int main(void)
{
    char cmd[PATH_MAX + 16];
    int r;

    setup();
    r = ctest_main(tests, sizeof tests / sizeof tests[0]);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        r = 1;
    return r;
}
