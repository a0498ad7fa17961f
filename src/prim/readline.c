/*
 * prim/readline.c: __primordials.readline, lines from standard input for the
 * shell, without stopping the loop.
 *
 * On a terminal, libedit edits the line (arrows, history, ^A/^E, ...)
 * through its readline-compatible callback interface: a uv_poll_t on stdin
 * hands it each byte as it comes, so the loop, and every app in the
 * process, keeps running while the user types. Otherwise (a pipe, a file)
 * plain lines are read on the thread pool.
 *
 * Standard input belongs to the whole process, so its state is here, in
 * statics: one fiber at a time may wait for a line (others get EBUSY).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <editline/readline.h>

#include "prim.h"
#include "core/binding.h"
#include "core/isolate.h"

static struct {
    coro_fiber *reader;  /* the fiber waiting for a line */
    int done;
    char *line;          /* malloc'ed, NULL at the end of input */
    uv_poll_t poll;      /* stdin, on a terminal */
    int poll_ready;
    char buf[4096];      /* plain input not returned yet */
    size_t len;
    int eof;
} in;

static void line_ready(char *line)
{
    in.line = line;
    in.done = 1;
    rl_callback_handler_remove(); /* the terminal is itself again until the next prompt */
}

static void stdin_readable(uv_poll_t *h, int status, int events)
{
    if (status < 0) {
        line_ready(NULL);
    } else {
        rl_callback_read_char();
    }
    if (in.done) {
        uv_poll_stop(h);
        if (in.reader)
            coro_fiber_wake(in.reader, 0);
    }
}

static void poll_closed(uv_handle_t *h)
{
    in.poll_ready = 0;
}

/* One line from a terminal, edited with libedit. */
static int read_tty(JSContext *ctx, const char *prompt)
{
    int r;

    if (!in.poll_ready) {
        if ((r = uv_poll_init(coro_loop(), &in.poll, 0)) < 0)
            return r;
        in.poll_ready = 1;
    }
    rl_callback_handler_install(prompt, line_ready);
    uv_poll_start(&in.poll, UV_READABLE, stdin_readable);
    while (!in.done) {
        if (coro_wait(ctx, 0) == CORO_ETERMINATED) {
            uv_poll_stop(&in.poll);
            rl_callback_handler_remove();
            return CORO_ETERMINATED;
        }
    }
    return 0;
}

typedef struct read_req {
    uv_fs_t req;
    coro_fiber *fiber;
    int done;
} read_req;

static void read_done(uv_fs_t *req)
{
    read_req *r = req->data;

    r->done = 1;
    coro_fiber_wake(r->fiber, 0);
}

/* One plain line (without its newline); in.line stays NULL at the end. */
static int read_plain(JSContext *ctx)
{
    for (;;) {
        char *nl = memchr(in.buf, '\n', in.len);
        if (nl || in.eof || in.len == sizeof in.buf) {
            size_t n = nl ? (size_t)(nl - in.buf) : in.len;
            if (n == 0 && !nl && in.eof)
                return 0; /* the end */
            if (!(in.line = malloc(n + 1)))
                return UV_ENOMEM;
            memcpy(in.line, in.buf, n);
            in.line[n] = '\0';
            n += nl != NULL;
            memmove(in.buf, in.buf + n, in.len - n);
            in.len -= n;
            return 0;
        }
        read_req r = { .fiber = coro_fiber_current() };
        uv_buf_t b = uv_buf_init(in.buf + in.len, (unsigned)(sizeof in.buf - in.len));
        int err = uv_fs_read(coro_loop(), &r.req, 0, &b, 1, -1, read_done);
        if (err < 0)
            return err;
        r.req.data = &r;
        while (!r.done) /* a request in the pool cannot be taken back */
            coro_fiber_park(CORO_PARK_NOINTERRUPT);
        err = (int)r.req.result;
        uv_fs_req_cleanup(&r.req);
        if (coro_isolate_of(ctx)->terminating)
            return CORO_ETERMINATED;
        if (err < 0)
            return err;
        if (err == 0)
            in.eof = 1;
        in.len += (size_t)err;
    }
}

/* readLine(prompt) -> the line, or null at the end of input */
static JSValue js_readline_read_line(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    const char *prompt = coro_arg_string(ctx, argv[0], "prompt", NULL);
    JSValue ret;
    int r;

    if (!prompt)
        return JS_EXCEPTION;
    if (in.reader) {
        JS_FreeCString(ctx, prompt);
        return coro_throw_uv(ctx, UV_EBUSY, "read", NULL, NULL);
    }
    in.reader = coro_fiber_current();
    in.done = 0;
    in.line = NULL;
    r = isatty(0) ? read_tty(ctx, prompt) : read_plain(ctx);
    in.reader = NULL;
    JS_FreeCString(ctx, prompt);
    if (r == CORO_ETERMINATED)
        return JS_EXCEPTION;
    if (r < 0)
        return coro_throw_uv(ctx, r, "read", NULL, NULL);
    ret = in.line ? JS_NewString(ctx, in.line) : JS_NULL;
    free(in.line);
    in.line = NULL;
    return ret;
}

static JSValue js_readline_add_history(JSContext *ctx, JSValueConst this_val, int argc,
                                       JSValueConst *argv)
{
    const char *line = coro_arg_string(ctx, argv[0], "line", NULL);

    if (!line)
        return JS_EXCEPTION;
    if (isatty(0))
        add_history(line);
    JS_FreeCString(ctx, line);
    return JS_UNDEFINED;
}

static JSValue js_readline_is_tty(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    return JS_NewBool(ctx, isatty(0));
}

/* cancel() -> whether a line being edited at a terminal was dropped (Ctrl-C
   at the prompt): readLine returns '' for it. */
static JSValue js_readline_cancel(JSContext *ctx, JSValueConst this_val, int argc,
                                  JSValueConst *argv)
{
    if (!in.reader || !in.poll_ready || in.done)
        return JS_FALSE;
    uv_poll_stop(&in.poll);
    line_ready(strdup(""));
    coro_fiber_wake(in.reader, 0);
    return JS_TRUE;
}

/* close(): let go of stdin (the shell ends) */
static JSValue js_readline_close(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv)
{
    if (in.poll_ready && !uv_is_closing((uv_handle_t *)&in.poll))
        uv_close((uv_handle_t *)&in.poll, poll_closed);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry readline_funcs[] = {
    JS_CFUNC_DEF("readLine", 1, js_readline_read_line),
    JS_CFUNC_DEF("addHistory", 1, js_readline_add_history),
    JS_CFUNC_DEF("isTTY", 0, js_readline_is_tty),
    JS_CFUNC_DEF("cancel", 0, js_readline_cancel),
    JS_CFUNC_DEF("close", 0, js_readline_close),
};

int coro_prim_readline_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, readline_funcs,
                               sizeof readline_funcs / sizeof readline_funcs[0]);
    return 0;
}
