/*
 * test_loop.c: coro_loop_close, the check behind COROJS_CHECK_HANDLES: a
 * loop with nothing left closes; one with a handle still open, or a request
 * still pending, does not, and the report names what is left.
 */
#include <string.h>
#include <unistd.h>
#include "ctest.h"
#include "core/loop.h"

/* What coro_loop_close reported for loop, in buf; its return value. */
static int close_reporting(uv_loop_t *loop, char *buf, size_t size)
{
    FILE *f = fmemopen(buf, size, "w");
    int r = coro_loop_close(loop, f);

    fclose(f);
    return r;
}

static void test_clean_loop_closes(void)
{
    uv_loop_t loop;
    uv_timer_t t;
    char buf[256] = "";

    CHECK_EQ(uv_loop_init(&loop), 0);
    uv_timer_init(&loop, &t);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK_EQ(close_reporting(&loop, buf, sizeof buf), 0);
    CHECK_EQ(strlen(buf), 0);
}

static void never(uv_timer_t *t) { (void)t; }

static void test_open_handles_are_named(void)
{
    uv_loop_t loop;
    uv_timer_t t;
    uv_idle_t idle;
    char buf[256] = "";

    CHECK_EQ(uv_loop_init(&loop), 0);
    uv_timer_init(&loop, &t);
    uv_idle_init(&loop, &idle);
    CHECK_EQ(uv_timer_start(&t, never, 1000, 0), 0);
    uv_unref((uv_handle_t *)&t);
    CHECK_EQ(close_reporting(&loop, buf, sizeof buf), -1);
    CHECK(strstr(buf, "did not close at exit: 0 requests and 2 handles left open") != NULL);
    CHECK(strstr(buf, "timer (active)") != NULL);
    CHECK(strstr(buf, "idle") != NULL);
    /* closed now, the loop closes */
    uv_close((uv_handle_t *)&t, NULL);
    uv_close((uv_handle_t *)&idle, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK_EQ(coro_loop_close(&loop, NULL), 0);
}

static void work(uv_work_t *req) { (void)req; }
static void work_done(uv_work_t *req, int status) { (void)req; (void)status; }

static void test_pending_request_is_counted(void)
{
    uv_loop_t loop;
    uv_work_t req;
    char buf[256] = "";

    CHECK_EQ(uv_loop_init(&loop), 0);
    CHECK_EQ(uv_queue_work(&loop, &req, work, work_done), 0);
    CHECK_EQ(close_reporting(&loop, buf, sizeof buf), -1);
    CHECK(strstr(buf, "1 request and 0 handles left open") != NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK_EQ(coro_loop_close(&loop, NULL), 0);
}

int main(void)
{
    static const ctest tests[] = {
        { "loop: a loop with nothing left closes, reporting nothing", test_clean_loop_closes },
        { "loop: open handles keep it open and are named by type", test_open_handles_are_named },
        { "loop: a pending request keeps it open and is counted", test_pending_request_is_counted },
    };
    return ctest_main(tests, sizeof tests / sizeof tests[0]);
}
