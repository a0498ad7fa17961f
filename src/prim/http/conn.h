/*
 * prim/http_server.h: what the server's two files share: http_server.c
 * (servers and connections) and http_message.c (the exchange: a request and
 * its response, as the objects handlers get). Private to them.
 */
#ifndef COROJS_PRIM_HTTP_CONN_H
#define COROJS_PRIM_HTTP_CONN_H

#include "wire.h"
#include "core/run.h"

typedef struct http_server http_server;
typedef struct http_conn http_conn;
typedef struct http_exchange http_exchange;

typedef struct conn_list {
    http_conn *head, *tail;
} conn_list;

struct http_server {
    coro_handle h;
    JSValue handler, on_error;
    size_t max_header;
    uint64_t max_body;          /* 0 = no limit */
    uint64_t headers_timeout, idle_timeout, request_timeout; /* ms, 0 = none */
    int closed;
    int refs;                   /* the handle until closed, each connection, the timer */
    uv_timer_t timer;           /* the earliest deadline of the two lists */
    uint64_t timer_due;
    conn_list idle;             /* waiting for a request: oldest first */
    conn_list heads;            /* waiting for the rest of a head */
    conn_list held;             /* waiting in a fiber (a transport that cannot be watched) */
};

struct http_conn {
    http_wire w;
    http_server *srv;
    coro_isolate *iso;
    http_exchange *x;           /* the request being read or answered */
    http_conn *prev, *next;     /* in srv->idle or srv->heads */
    conn_list *list;
    uint64_t since;             /* went idle, or the head's first byte came (uv_now) */
    uint64_t head_start;        /* the first byte of the current request, 0 = none yet */
    int refs;                   /* whoever drives it (a fiber or the watcher), and calls in progress */
    int timed_out;              /* its head took longer than headersTimeout */
    int upgrade;                /* CONNECT or Upgrade: no request can follow */
};

/* an exchange's request flags */
enum {
    REQ_BODY = 1,           /* it has a body */
    REQ_COMPLETE = 2,       /* read to its end (or none) */
    REQ_CONTINUE = 4,       /* Expect: 100-continue */
    REQ_CONTINUE_SENT = 8,
    REQ_KEEP_ALIVE = 16,    /* the client allows another request after it */
    REQ_READING = 32,       /* a fiber is reading the body */
    REQ_BROKEN = 64,        /* reading the body failed: the connection cannot go on */
};

/* an exchange's response flags */
enum {
    RES_COMMITTED = 1,      /* writeHead, or the first write: the headers are fixed */
    RES_HEAD_SENT = 2,      /* ... and on their way */
    RES_FINISHED = 4,       /* end() has run */
    RES_CHUNKED = 8,        /* the body goes in chunks */
    RES_NO_BODY = 16,       /* HEAD, 1xx, 204, 304: no body bytes */
    RES_CLOSE = 32,         /* the connection closes after this response */
    RES_HAS_LENGTH = 64,    /* a Content-Length header was set */
    RES_HAS_TE = 128,       /* a Transfer-Encoding header was set ... */
    RES_TE_CHUNKED = 256,   /* ... ending in chunked */
    RES_HAS_DATE = 512,
    RES_HAS_CONNECTION = 1024,
    RES_CONN_CLOSE = 2048,  /* Connection: close, from the handler */
    RES_NO_FRAMING = 4096,  /* the body ends when the connection does */
};

/* a response header: its lines in x->text (one per value of an array) */
typedef struct out_header {
    uint32_t off, len, name_len;
    JSValue value;              /* as given, for getHeader */
} out_header;

#define OUT_TEXT_INLINE 160
#define OUT_HEADERS_INLINE 4

struct http_exchange {
    int refs;                   /* the request object, the response object, the connection */
    http_conn *conn;            /* NULL once the connection has moved on */
    void (*conn_unref)(http_conn *c); /* the server's: let go of a reference to conn */
    http_head head;
    uint8_t method, major, minor;
    int req_flags;
    uint64_t start;             /* the request's first byte (uv_now) */
    coro_waitq readers;         /* fibers waiting for the body */
    int fail_status;            /* what reading the body ran into (413, 400, 408) */
    JSValue headers, raw_headers; /* the request object's, made on first use */
    /* response */
    int status;
    int res_flags;
    char *reason;               /* statusMessage as Latin-1, NULL = the standard one */
    uint32_t reason_len;
    uint64_t length;            /* the Content-Length set */
    uint64_t sent;              /* body bytes written */
    char *text;                 /* the header lines set */
    uint32_t text_len, text_cap;
    out_header *hdrs;
    uint32_t nhdrs, hdrs_cap;
    char text_inline[OUT_TEXT_INLINE];
    out_header hdrs_inline[OUT_HEADERS_INLINE];
};

/* One malloc per request, served from glibc's per-thread cache (blocks up
   to 1032 bytes) when it is this small. */
_Static_assert(sizeof(http_exchange) <= 1024, "an exchange stays a small block");

#endif
