/*
 * prim/http.h: what the two files of __primordials.http share: http.c (the
 * wire: llhttp over a socket, the client, the area's init) and
 * http_server.c (connections, requests and responses of a server).
 *
 * A "wire" is one side of an HTTP/1.x connection as llhttp sees it: the
 * socket, the parser, the bytes read and not yet parsed, and where the
 * parsed head and body go. Heads are copied into an http_head as the
 * parser hands them over (so a head split between reads needs nothing
 * special); body bytes are collected for the one reading them.
 */
#ifndef COROJS_PRIM_HTTP_WIRE_H
#define COROJS_PRIM_HTTP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <llhttp.h>
#include "quickjs.h"
#include "core/stream.h"


#define HTTP_HEAD_INLINE 320     /* head text kept inside the struct */
#define HTTP_FIELDS_INLINE 12    /* header fields kept inside the struct */

/* A message's head as it arrived: the request target (or a response's
   reason phrase), then each header's name and value, all in `text`. */
typedef struct http_head {
    char *text;                  /* inline_text, or js_malloc'ed when it outgrew it */
    uint32_t len, cap;
    uint32_t url_off, url_len;
    uint32_t nfields, fields_cap;
    uint32_t nhead;              /* fields of the head; those after are trailers */
    uint32_t (*fields)[4];       /* name offset, name length, value offset, value length */
    int in;                      /* what the last bytes belonged to (HEAD_IN_*) */
    char inline_text[HTTP_HEAD_INLINE];
    uint32_t inline_fields[HTTP_FIELDS_INLINE][4];
} http_head;

enum {
    WIRE_HEAD_DONE = 1,   /* on_headers_complete ran for this message */
    WIRE_MSG_DONE = 2,    /* on_message_complete ran: the parser is paused there */
    WIRE_PAUSED = 4,      /* llhttp_execute returned HPE_PAUSED; resume before going on */
    WIRE_SKIP_BODY = 8,   /* a response to HEAD: no body whatever the head says */
    WIRE_EOF = 16,        /* the peer ended its side */
};

/* llhttp's errors (HPE_*) among the negative uv-style codes reads return. */
#define HTTP_EPARSE_BASE (-30000)
#define HTTP_EPARSE(e) (HTTP_EPARSE_BASE - (int)(e))
#define HTTP_IS_EPARSE(r) ((r) <= HTTP_EPARSE_BASE && (r) > HTTP_EPARSE_BASE - 100)
#define HTTP_EPARSE_CODE(r) ((llhttp_errno_t)(HTTP_EPARSE_BASE - (int)(r)))

/* What a wire's callbacks found wrong, besides llhttp's own errors. */
enum { WIRE_OK, WIRE_HEAD_TOO_LARGE, WIRE_BODY_TOO_LARGE, WIRE_NO_MEMORY };

typedef struct http_wire {
    llhttp_t p;
    JSRuntime *rt;
    coro_stream *io;             /* the stream it reads, held while it lives */
    uint8_t *buf;                /* a chunk read from the socket (js_malloc) ... */
    size_t pos, len;             /* ... and the part of it not parsed yet */
    http_head *head;             /* where the head being parsed goes */
    size_t head_bytes;           /* bytes of the current head parsed so far */
    size_t max_head;             /* more is WIRE_HEAD_TOO_LARGE */
    uint64_t max_body;           /* more is WIRE_BODY_TOO_LARGE; 0 = no limit */
    uint64_t body_bytes;         /* body bytes of this message so far */
    uint8_t *out;                /* body bytes parsed and not handed out yet */
    size_t out_len, out_cap;
    int flags;                   /* WIRE_* */
    int error;                   /* WIRE_OK or what went wrong */
} http_wire;

/* A wire on io (held by the caller for it). http_wire_free closes and
   releases the io too. */
void http_wire_init(http_wire *w, JSRuntime *rt, coro_stream *io,
                    llhttp_type_t type);
void http_wire_free(http_wire *w);

/* Forget the finished message and start on the next (its bytes may be
   buffered already). The head goes to `head`, emptied. */
void http_wire_next(http_wire *w, http_head *head);

/* Parse the buffered bytes until they run out, the head is complete (the
   parser pauses there), or the message is. Returns 0, or an llhttp error
   as HTTP_EPARSE(HPE_*), with w->error saying more for HPE_USER. */
int http_wire_parse(http_wire *w);

/* Read a chunk into the buffer (which must be used up), blocking the fiber
   up to ms milliseconds (0 = no limit). Returns its length, 0 at the end of
   the stream (after telling llhttp, which may complete a message that
   ends with the connection), or a negative error. */
ssize_t http_wire_fill(JSContext *ctx, http_wire *w, uint64_t ms);

/* The next piece of the body: its length with *out a js_malloc'ed buffer
   the caller owns, 0 at the end of the body, or a negative error:
   UV_ETIMEDOUT, UV_ECONNRESET when the stream ends in the middle, an
   HTTP_EPARSE error for a malformed body. Each read may block up to
   ms milliseconds. */
ssize_t http_wire_read_body(JSContext *ctx, http_wire *w, uint8_t **out, uint64_t ms);

/* Whether the body is over max_body by its Content-Length, known from the
   head: reading it fails at once, as chunks do once they pass the limit. */
int http_wire_body_refused(const http_wire *w);

/* The body is read to its end (a message with no body counts). */
static inline int http_wire_body_done(const http_wire *w)
{
    return (w->flags & WIRE_MSG_DONE) != 0;
}

/* Whether the message has a body to read: chunked or a Content-Length > 0
   (valid once the head is parsed; a request has no other kind). */
int http_wire_has_body(const http_wire *w);

void http_head_init(http_head *h);
void http_head_free(JSRuntime *rt, http_head *h);

/* A field's name and value. */
static inline const char *http_head_name(const http_head *h, uint32_t i, uint32_t *len)
{
    *len = h->fields[i][1];
    return h->text + h->fields[i][0];
}
static inline const char *http_head_value(const http_head *h, uint32_t i, uint32_t *len)
{
    *len = h->fields[i][3];
    return h->text + h->fields[i][2];
}

/* Fields from..to-1 (the head's: 0..nhead; the trailers': nhead..nfields)
   as Node presents headers: an object with lower-case names,
   repeated fields joined with ", " ("; " for cookie), set-cookie an array,
   and for the fields that only make sense once (content-type, host, ...)
   the first one kept. */
JSValue http_head_object(JSContext *ctx, const http_head *h, uint32_t from, uint32_t to);

/* [name, value, name, value, ...] as received. */
JSValue http_head_raw(JSContext *ctx, const http_head *h, uint32_t from, uint32_t to);

/* A JS string from bytes taken as Latin-1, as Node reads heads. */
JSValue http_latin1_string(JSContext *ctx, const char *p, size_t n);

/* Whether the n bytes at p equal the lower-case ASCII string s, ignoring case. */
int http_token_eq(const char *p, size_t n, const char *s);

/* TypeError/RangeError/Error with a code, as Node throws them. */

/* http_server.c: the server's part of the area. */
/* The area's parts (http.c calls them). */
int http_client_init(JSContext *ctx, JSValueConst ns);
int http_server_init(JSContext *ctx, JSValueConst ns);

#endif
