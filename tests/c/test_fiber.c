/*
 * test_fiber.c: the scheduler on a real libuv loop, with fibers that run no
 * JS: start, park and wake, sleeps in order, yield that lets IO run, park
 * timeouts, the stack pool, and the guard page.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ctest.h"
#include "core/fiber.h"

static uv_loop_t *loop;
static char log_buf[256];
static size_t log_len;

static void note(char c)
{
    if (log_len < sizeof log_buf - 1)
        log_buf[log_len++] = c;
    log_buf[log_len] = '\0';
}

static void reset_log(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

static void parker(coro_fiber *f, void *arg)
{
    note('a');
    int status = coro_fiber_park(0);
    note(status == 42 ? 'b' : 'x');
}

static void test_start_park_wake(void)
{
    reset_log();
    coro_fiber *f = coro_fiber_create(NULL, parker, NULL);
    CHECK(f);
    coro_fiber_start(f);
    CHECK(strcmp(log_buf, "a") == 0); /* ran at once, up to its park */
    CHECK(f->state == CORO_FIBER_PARKED);
    CHECK(coro_fiber_wake(f, 42) == 1); /* from main: runs before wake returns */
    CHECK(strcmp(log_buf, "ab") == 0);
}

static void child(coro_fiber *f, void *arg)
{
    note('c');
    coro_fiber_sleep(1);
    note('C');
}

static void parent(coro_fiber *f, void *arg)
{
    note('p');
    coro_fiber_start(coro_fiber_create(NULL, child, NULL));
    note('P'); /* after the child parks */
}

static void test_start_from_fiber(void)
{
    reset_log();
    coro_fiber_start(coro_fiber_create(NULL, parent, NULL));
    CHECK(strcmp(log_buf, "pcP") == 0);
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(strcmp(log_buf, "pcPC") == 0);
}

static void sleeper(coro_fiber *f, void *arg)
{
    int ms = (int)(intptr_t)arg;
    coro_fiber_sleep((uint64_t)ms);
    note((char)('0' + ms / 10));
}

static void test_sleep_order(void)
{
    reset_log();
    coro_fiber_start(coro_fiber_create(NULL, sleeper, (void *)30));
    coro_fiber_start(coro_fiber_create(NULL, sleeper, (void *)10));
    coro_fiber_start(coro_fiber_create(NULL, sleeper, (void *)20));
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(strcmp(log_buf, "123") == 0);
}

static int timer_fired;

static void timer_cb(uv_timer_t *t)
{
    timer_fired = 1;
}

static void yielder(coro_fiber *f, void *arg)
{
    char c = (char)(intptr_t)arg;
    for (int i = 0; i < 3; i++) {
        note(c);
        coro_fiber_yield();
    }
    /* keep yielding until the loop has run its timers: two fibers yielding
       to each other never empty the ready queue, yet IO must get through
       (if it did not, this would spin until the runner's timeout) */
    while (!timer_fired)
        coro_fiber_yield();
}

static void test_yield_interleaves_and_lets_io_run(void)
{
    uv_timer_t t;

    reset_log();
    timer_fired = 0;
    uv_timer_init(loop, &t);
    uv_timer_start(&t, timer_cb, 5, 0);
    coro_fiber_start(coro_fiber_create(NULL, yielder, (void *)'x'));
    coro_fiber_start(coro_fiber_create(NULL, yielder, (void *)'y'));
    uv_run(loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(strcmp(log_buf, "xyxyxy") == 0);
    CHECK(timer_fired);
}

static void counted_yielder(coro_fiber *f, void *arg)
{
    for (int i = 0; i < 100000; i++)
        coro_fiber_yield();
}

/* Two fibers yielding to each other switch straight from one to the other:
   about one switch a yield, not two through main (a few more where the loop
   polls IO, once a tick of the clock). */
static void test_yield_hands_over_directly(void)
{
    uint64_t before = coro_sched_switches();

    coro_fiber_start(coro_fiber_create(NULL, counted_yielder, NULL));
    coro_fiber_start(coro_fiber_create(NULL, counted_yielder, NULL));
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(coro_sched_switches() - before < 300000);
}

static int timeout_status;

static void timeouter(coro_fiber *f, void *arg)
{
    timeout_status = coro_fiber_park_timeout(5, 0);
}

static void test_park_timeout(void)
{
    timeout_status = 0;
    coro_fiber_start(coro_fiber_create(NULL, timeouter, NULL));
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK_EQ(timeout_status, UV_ETIMEDOUT);
}

static int woken;

static void many_parker(coro_fiber *f, void *arg)
{
    if (coro_fiber_park(0) == 7)
        woken++;
}

static void test_many_fibers_and_pool(void)
{
    enum { N = 10000 };
    static coro_fiber *fs[N];
    coro_sched_stats st;

    woken = 0;
    for (int i = 0; i < N; i++) {
        fs[i] = coro_fiber_create(NULL, many_parker, NULL);
        CHECK(fs[i]);
        coro_fiber_start(fs[i]);
    }
    coro_sched_get_stats(&st);
    CHECK(st.live >= N);
    for (int i = 0; i < N; i++)
        coro_fiber_wake(fs[i], 7);
    CHECK_EQ(woken, N);
    coro_sched_get_stats(&st);
    CHECK(st.pooled > 0);
    /* a new fiber reuses a pooled one */
    unsigned pooled = st.pooled;
    coro_fiber *f = coro_fiber_create(NULL, many_parker, NULL);
    coro_sched_get_stats(&st);
    CHECK_EQ(st.pooled, pooled - 1);
    coro_fiber_start(f);
    coro_fiber_wake(f, 7);
}

static size_t deep_bytes;

static int use_stack(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    if (depth == 0)
        return frame[0];
    return use_stack(depth - 1) + frame[0];
}

static void deep(coro_fiber *f, void *arg)
{
    deep_bytes = (size_t)use_stack(512); /* about half of the 1 MiB stack */
    deep_bytes = 1;
}

static void test_deep_c_stack(void)
{
    deep_bytes = 0;
    coro_fiber_start(coro_fiber_create(NULL, deep, NULL));
    CHECK_EQ(deep_bytes, 1);
}

static void overflow(coro_fiber *f, void *arg)
{
    use_stack(1 << 20); /* far more than the stack holds */
}

static void test_guard_page(void)
{
    pid_t pid = fork();
    int status;

    CHECK(pid >= 0);
    if (pid == 0) {
        /* silence ASan's report; the parent only wants the child to die */
        freopen("/dev/null", "w", stderr);
        coro_fiber_start(coro_fiber_create(NULL, overflow, NULL));
        _exit(0); /* reaching here means the overflow went unnoticed */
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(!(WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

/* Groups and preemption: while a fiber of a group is preempted, other
   fibers of the group are held back, wherever they are made ready from;
   fibers of other groups run. */
static coro_sched_group group_a, group_b;

static void logger(coro_fiber *f, void *arg)
{
    note((char)(intptr_t)arg);
}

static void preempter(coro_fiber *f, void *arg)
{
    note('p');
    coro_fiber_preempt();
    note('P');
}

static void group_parker(coro_fiber *f, void *arg)
{
    note('k');
    coro_fiber_park(0);
    note('K');
}

static coro_fiber *in_group(coro_fiber_fn *fn, intptr_t arg, coro_sched_group *g)
{
    coro_fiber *f = coro_fiber_create(NULL, fn, (void *)arg);
    if (f)
        f->group = g;
    return f;
}

static void starter(coro_fiber *f, void *arg)
{
    note('s');
    coro_fiber_start(in_group(logger, 'x', &group_a)); /* held: the starter goes on */
    note('S');
}

static void test_preempt_holds_group(void)
{
    coro_fiber *parked;

    reset_log();
    parked = in_group(group_parker, 0, &group_a);
    coro_fiber_start(parked);                          /* k */
    coro_fiber_start(in_group(preempter, 0, &group_a)); /* p, then preempted */
    CHECK(coro_sched_group_held(&group_a));
    coro_fiber_start(in_group(logger, 'b', &group_a)); /* held */
    coro_fiber_wake(parked, 0);                        /* held */
    coro_fiber_start(in_group(logger, 'o', &group_b)); /* another group runs */
    coro_fiber_start(in_group(starter, 0, &group_b));  /* starts a held one, goes on */
    coro_fiber_start(coro_fiber_create(NULL, logger, (void *)'n')); /* no group */
    CHECK(strcmp(log_buf, "kposSn") == 0);
    uv_run(loop, UV_RUN_DEFAULT);
    /* the preempted fiber runs first, then the held ones in the order they came */
    CHECK(strcmp(log_buf, "kposSnPbKx") == 0);
    CHECK(!coro_sched_group_held(&group_a));
}

static void spinner(coro_fiber *f, void *arg)
{
    for (int i = 0; i < 3; i++) {
        note((char)(intptr_t)arg);
        coro_fiber_preempt();
    }
}

static void test_preempted_groups_take_turns(void)
{
    reset_log();
    coro_fiber_start(in_group(spinner, 'a', &group_a));
    coro_fiber_start(in_group(spinner, 'b', &group_b));
    coro_fiber_start(in_group(logger, 'c', &group_a)); /* waits for all of a's turns */
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(strcmp(log_buf, "ababab" "c") == 0);
}

static void test_switch_counter(void)
{
    uint64_t before = coro_sched_switches();

    coro_fiber_start(coro_fiber_create(NULL, logger, (void *)'z'));
    CHECK(coro_sched_switches() == before + 2);
}

static const ctest tests[] = {
    { "fiber: a preempted fiber holds back its group, not others", test_preempt_holds_group },
    { "fiber: preempted groups take turns; held fibers run after", test_preempted_groups_take_turns },
    { "fiber: the switch counter counts switches", test_switch_counter },
    { "fiber: start runs at once; wake from main resumes at once", test_start_park_wake },
    { "fiber: a fiber started by a fiber runs first", test_start_from_fiber },
    { "fiber: sleepers wake in deadline order", test_sleep_order },
    { "fiber: yield interleaves fibers and lets timers run", test_yield_interleaves_and_lets_io_run },
    { "fiber: a yield hands over to the next fiber directly", test_yield_hands_over_directly },
    { "fiber: park with a timeout returns ETIMEDOUT", test_park_timeout },
    { "fiber: 10,000 fibers park and wake; ended fibers are pooled", test_many_fibers_and_pool },
    { "fiber: C code may use half of a 1 MiB stack", test_deep_c_stack },
    { "fiber: a C stack overflow hits the guard page, not memory", test_guard_page },
};

int main(void)
{
    int r;

    loop = uv_default_loop();
    coro_sched_init(loop, NULL);
    r = ctest_main(tests, sizeof tests / sizeof tests[0]);
    uv_run(loop, UV_RUN_DEFAULT);
    coro_sched_shutdown();
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    return r;
}
