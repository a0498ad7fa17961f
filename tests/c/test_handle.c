/*
 * test_handle.c: the HandleStore: IDs round-trip, and stale, forged,
 * mistyped and foreign IDs find nothing.
 */
#include <stdint.h>
#include "ctest.h"
#include "core/handle.h"

static int closed;
static void close_counting(coro_handle *h) { (void)h; closed++; }

static const coro_handle_type file_t = { .name = "File", .close = close_counting };
static const coro_handle_type timer_t_ = { .name = "Timer", .close = close_counting };

static void test_add_get(void)
{
    coro_handle_store s;
    coro_handle a = { &file_t, NULL, 0 }, b = { &timer_t_, NULL, 0 };

    coro_handles_init(&s, 7);
    uint64_t ia = coro_handles_add(&s, &a), ib = coro_handles_add(&s, &b);
    CHECK(ia != 0 && ib != 0 && ia != ib);
    CHECK(a.id == ia);
    CHECK(coro_handles_get(&s, ia, &file_t) == &a);
    CHECK(coro_handles_get(&s, ib, &timer_t_) == &b);
    CHECK_EQ(s.live, 2);
    coro_handles_free(&s);
}

static void test_wrong_type(void)
{
    coro_handle_store s;
    coro_handle a = { &file_t, NULL, 0 };

    coro_handles_init(&s, 1);
    uint64_t id = coro_handles_add(&s, &a);
    CHECK(coro_handles_get(&s, id, &timer_t_) == NULL);
    coro_handles_free(&s);
}

static void test_stale_after_remove(void)
{
    coro_handle_store s;
    coro_handle a = { &file_t, NULL, 0 }, b = { &file_t, NULL, 0 };

    coro_handles_init(&s, 1);
    uint64_t ia = coro_handles_add(&s, &a);
    coro_handles_remove(&s, &a);
    CHECK(a.id == 0);
    CHECK(coro_handles_get(&s, ia, &file_t) == NULL);
    /* the slot is reused, under a new generation: the old ID stays dead */
    uint64_t ib = coro_handles_add(&s, &b);
    CHECK(ib != ia);
    CHECK((ib & 0xffffff) == (ia & 0xffffff));
    CHECK(coro_handles_get(&s, ia, &file_t) == NULL);
    CHECK(coro_handles_get(&s, ib, &file_t) == &b);
    coro_handles_remove(&s, &b);
    coro_handles_remove(&s, &b); /* twice is harmless */
    CHECK_EQ(s.live, 0);
    coro_handles_free(&s);
}

static void test_forged_ids(void)
{
    coro_handle_store s;
    coro_handle a = { &file_t, NULL, 0 };
    static const uint64_t forged[] = {
        0, 1, 2, 0xffffffffffffffffull, 0x7fffffffffffffffull, 0x0001000001000000ull,
        0x0001000001000001ull, 0x00010000ffffff00ull,
    };

    coro_handles_init(&s, 1);
    uint64_t id = coro_handles_add(&s, &a);
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        if (forged[i] != id)
            CHECK(coro_handles_get(&s, forged[i], &file_t) == NULL);
    }
    /* every single-bit change of a valid ID is caught */
    for (int bit = 0; bit < 64; bit++)
        CHECK(coro_handles_get(&s, id ^ (1ull << bit), &file_t) == NULL);
    coro_handles_free(&s);
}

static void test_other_store(void)
{
    coro_handle_store s1, s2;
    coro_handle a = { &file_t, NULL, 0 }, b = { &file_t, NULL, 0 };

    coro_handles_init(&s1, 1);
    coro_handles_init(&s2, 2);
    uint64_t ia = coro_handles_add(&s1, &a);
    coro_handles_add(&s2, &b); /* same slot and generation, other tag */
    CHECK(coro_handles_get(&s2, ia, &file_t) == NULL);
    coro_handles_free(&s1);
    coro_handles_free(&s2);
}

static void test_close_all(void)
{
    coro_handle_store s;
    coro_handle hs[100];

    coro_handles_init(&s, 3);
    closed = 0;
    for (int i = 0; i < 100; i++) {
        hs[i] = (coro_handle){ &file_t, NULL, 0 };
        coro_handles_add(&s, &hs[i]);
    }
    coro_handle_close(&s, &hs[5]);
    coro_handle_close(&s, &hs[5]);
    CHECK_EQ(closed, 1);
    coro_handles_close_all(&s);
    CHECK_EQ(closed, 100);
    CHECK_EQ(s.live, 0);
    coro_handles_free(&s);
}

static void test_churn(void)
{
    coro_handle_store s;
    coro_handle h = { &file_t, NULL, 0 };
    uint64_t first, id = 0;

    coro_handles_init(&s, 4);
    first = coro_handles_add(&s, &h);
    coro_handles_remove(&s, &h);
    for (int i = 0; i < 1000000; i++) {
        id = coro_handles_add(&s, &h);
        CHECK(id != first);
        coro_handles_remove(&s, &h);
    }
    CHECK(coro_handles_get(&s, id, &file_t) == NULL);
    CHECK_EQ(s.len, 1); /* one slot served a million handles */
    coro_handles_free(&s);
}

static const ctest tests[] = {
    { "handle: add and get by type", test_add_get },
    { "handle: wrong type finds nothing", test_wrong_type },
    { "handle: removed ID is stale, even after slot reuse", test_stale_after_remove },
    { "handle: forged IDs find nothing", test_forged_ids },
    { "handle: ID from another store finds nothing", test_other_store },
    { "handle: close once, close all", test_close_all },
    { "handle: a million add/remove on one slot", test_churn },
};

CTEST_MAIN(tests)
