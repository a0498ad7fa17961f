/*
 * loop.h: closing the event loop at the very end, checked.
 */
#ifndef COROJS_LOOP_H
#define COROJS_LOOP_H

#include <stdio.h>
#include <uv.h>

/* Close the loop once everything is torn down. Returns 0 when it closed,
   or -1 when a handle or a request is still on it: something was never
   closed or never finished, which uv_loop_close reports only as UV_EBUSY.
   Then, if `report` is not NULL, one line there names what is left:
   "corojs: the loop did not close at exit: 0 requests and 2 handles left
   open: tcp (active), timer". The loop stays open then. */
int coro_loop_close(uv_loop_t *loop, FILE *report);

#endif
