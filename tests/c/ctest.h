/*
 * ctest.h: the C unit tests' framework. A test file lists its tests in one
 * table and calls ctest_main; each test prints "ok - name" or "not ok - name"
 * with the failed check, which tests/run.sh counts.
 */
#ifndef COROJS_CTEST_H
#define COROJS_CTEST_H

#include <stdio.h>
#include <stdlib.h>

typedef struct ctest {
    const char *name;
    void (*fn)(void);
} ctest;

static int ctest_failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("  # %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            ctest_failed = 1;                                                    \
            return;                                                              \
        }                                                                        \
    } while (0)

#define CHECK_EQ(a, b)                                                           \
    do {                                                                         \
        long long a_ = (long long)(a), b_ = (long long)(b);                      \
        if (a_ != b_) {                                                          \
            printf("  # %s:%d: %s == %s failed: %lld != %lld\n", __FILE__,       \
                   __LINE__, #a, #b, a_, b_);                                    \
            ctest_failed = 1;                                                    \
            return;                                                              \
        }                                                                        \
    } while (0)

static inline int ctest_main(const ctest *tests, size_t n)
{
    int failures = 0;

    for (size_t i = 0; i < n; i++) {
        ctest_failed = 0;
        tests[i].fn();
        printf("%s - %s\n", ctest_failed ? "not ok" : "ok", tests[i].name);
        fflush(stdout);
        failures += ctest_failed;
    }
    return failures ? 1 : 0;
}

#define CTEST_MAIN(table) \
    int main(void) { return ctest_main(table, sizeof table / sizeof table[0]); }

#endif
