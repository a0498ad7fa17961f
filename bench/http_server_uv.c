/*
 * bench/http_server_uv.c: the plain-C ceiling for the HTTP benchmarks: a
 * hello-world server written directly on libuv and llhttp, as a C
 * programmer would write it for speed (one read buffer, the response
 * written with uv_try_write, keep-alive, pipelining). Its response has the
 * same headers as the corojs and Node servers' (Content-Type, Date,
 * Content-Length). Prints its port.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <llhttp.h>
#include <uv.h>

typedef struct conn {
    uv_tcp_t tcp;
    llhttp_t parser;
    int answers;   /* responses owed for the bytes just parsed */
} conn;

static char rbuf[65536];
static llhttp_settings_t settings;
static char date[64];
static time_t date_at;

static void on_close(uv_handle_t *h)
{
    free(h->data);
}

static void alloc_cb(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    buf->base = rbuf;
    buf->len = sizeof rbuf;
}

static int on_message_complete(llhttp_t *p)
{
    ((conn *)p->data)->answers++;
    return 0;
}

static void written(uv_write_t *req, int status)
{
    free(req);
}

static void respond(conn *c)
{
    static char out[65536];
    static const char days[] = "SunMonTueWedThuFriSat", months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    time_t now = time(NULL);
    size_t n = 0;

    if (now != date_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(date, sizeof date, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT", days + 3 * tm.tm_wday,
                 tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        date_at = now;
    }
    while (c->answers > 0 && n < sizeof out - 256) {
        n += (size_t)snprintf(out + n, sizeof out - n,
                              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: %s\r\n"
                              "Content-Length: 12\r\n\r\nHello World!", date);
        c->answers--;
    }
    uv_buf_t buf = uv_buf_init(out, (unsigned)n);
    int r = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
    if (r < 0)
        r = 0;
    if ((size_t)r < n) { /* the rest later, from a copy */
        uv_write_t *req = malloc(sizeof *req + n - (size_t)r);
        char *copy = (char *)(req + 1);
        memcpy(copy, out + r, n - (size_t)r);
        buf = uv_buf_init(copy, (unsigned)(n - (size_t)r));
        uv_write(req, (uv_stream_t *)&c->tcp, &buf, 1, written);
    }
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    conn *c = s->data;

    if (n < 0) {
        uv_close((uv_handle_t *)s, on_close);
        return;
    }
    if (n == 0)
        return;
    if (llhttp_execute(&c->parser, buf->base, (size_t)n) != HPE_OK) {
        uv_close((uv_handle_t *)s, on_close);
        return;
    }
    if (c->answers)
        respond(c);
}

static void on_connection(uv_stream_t *server, int status)
{
    conn *c = calloc(1, sizeof *c);

    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
        uv_close((uv_handle_t *)&c->tcp, on_close);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    llhttp_init(&c->parser, HTTP_REQUEST, &settings);
    c->parser.data = c;
    uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, on_read);
}

int main(void)
{
    uv_tcp_t server;
    struct sockaddr_in addr;
    struct sockaddr_storage bound;
    int len = sizeof bound;

    llhttp_settings_init(&settings);
    settings.on_message_complete = on_message_complete;
    uv_tcp_init(uv_default_loop(), &server);
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_bind(&server, (struct sockaddr *)&addr, 0);
    uv_listen((uv_stream_t *)&server, 511, on_connection);
    uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len);
    printf("%d\n", ntohs(((struct sockaddr_in *)&bound)->sin_port));
    fflush(stdout);
    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
