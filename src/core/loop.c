/*
 * loop.c: closing the event loop at the very end, checked (loop.h). The
 * test runner fails a program whose loop does not close (main.c, under
 * COROJS_CHECK_HANDLES=1): every handle and request of a run must be gone
 * by then, the proof that teardown closes what it opened.
 */
#include "core/loop.h"

typedef struct {
    FILE *out;
    int n;
} handle_list;

static void count_handle(uv_handle_t *h, void *arg)
{
    ((handle_list *)arg)->n++;
}

static void name_handle(uv_handle_t *h, void *arg)
{
    handle_list *l = arg;

    fprintf(l->out, "%s %s%s", l->n++ ? "," : ":", uv_handle_type_name(uv_handle_get_type(h)),
            uv_is_active(h) ? " (active)" : "");
}

int coro_loop_close(uv_loop_t *loop, FILE *report)
{
    unsigned reqs = loop->active_reqs.count;
    handle_list l = { report, 0 };

    if (uv_loop_close(loop) == 0)
        return 0;
    if (report) {
        uv_walk(loop, count_handle, &l);
        fprintf(report, "corojs: the loop did not close at exit: %u request%s and %d handle%s left open",
                reqs, reqs == 1 ? "" : "s", l.n, l.n == 1 ? "" : "s");
        l.n = 0;
        uv_walk(loop, name_handle, &l);
        fputc('\n', report);
    }
    return -1;
}
