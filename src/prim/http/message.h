/*
 * prim/http/message.h: a server's requests and responses (message.c), as
 * server.c uses them.
 */
#ifndef COROJS_PRIM_HTTP_MESSAGE_H
#define COROJS_PRIM_HTTP_MESSAGE_H

#include "conn.h"

/* An exchange of connection c, which holds it; conn_unref is how the
   exchange lets go of a reference it took to c (while a call blocks). */
http_exchange *http_exchange_new(JSRuntime *rt, http_conn *c, void (*conn_unref)(http_conn *c));
void http_exchange_unref(JSRuntime *rt, http_exchange *x);
/* Drop every response header (an error answer replaces what was set). */
void http_res_clear_headers(JSRuntime *rt, http_exchange *x);
/* Write data (and, with end, finish the response): the head first if it
   is not out yet, all in one write. Returns 0, -1 with an exception
   pending, or a negative error of the socket (no exception). */
int http_res_send(JSContext *ctx, http_exchange *x, const uint8_t *data, size_t len, int end);
/* ms left of the request's time to arrive (requestTimeout), 0 = no limit;
   UV_ETIMEDOUT when it has run out. */
int64_t http_request_time_left(http_exchange *x);
/* The standard reason phrase of a status ("unknown" for others). */
const char *http_reason(int code);
/* The request and response objects of x, for its handler (each holds x). */
int http_message_objects(JSContext *ctx, http_exchange *x, JSValue *req, JSValue *res);
/* The classes, their prototypes and statusCodes() in ns. */
int http_message_init(JSContext *ctx, JSValueConst ns);

#endif
