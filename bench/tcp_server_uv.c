/*
 * bench/tcp_server_uv.c: the plain-C ceiling for the TCP benchmarks: the
 * same echo and source servers written directly on libuv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static int source_mode;
static char chunk[65536];

static void alloc_cb(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    buf->base = malloc(65536);
    buf->len = 65536;
}

static void on_close(uv_handle_t *h)
{
    free(h);
}

static void echo_written(uv_write_t *req, int status)
{
    free(req->data);
    free(req);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    if (n < 0) {
        free(buf->base);
        uv_close((uv_handle_t *)s, on_close);
        return;
    }
    if (n == 0) {
        free(buf->base);
        return;
    }
    uv_write_t *req = malloc(sizeof *req);
    uv_buf_t out = uv_buf_init(buf->base, (unsigned)n);
    req->data = buf->base;
    uv_write(req, s, &out, 1, echo_written);
}

static void source_written(uv_write_t *req, int status);

static void source_more(uv_stream_t *s)
{
    uv_write_t *req = malloc(sizeof *req);
    uv_buf_t out = uv_buf_init(chunk, sizeof chunk);
    uv_write(req, s, &out, 1, source_written);
}

static void source_written(uv_write_t *req, int status)
{
    uv_stream_t *s = req->handle;
    free(req);
    if (status < 0) {
        if (!uv_is_closing((uv_handle_t *)s))
            uv_close((uv_handle_t *)s, on_close);
        return;
    }
    source_more(s);
}

static void on_connection(uv_stream_t *server, int status)
{
    uv_tcp_t *c = malloc(sizeof *c);

    uv_tcp_init(server->loop, c);
    if (uv_accept(server, (uv_stream_t *)c) < 0) {
        uv_close((uv_handle_t *)c, on_close);
        return;
    }
    uv_tcp_nodelay(c, 1);
    if (source_mode)
        source_more((uv_stream_t *)c);
    else
        uv_read_start((uv_stream_t *)c, alloc_cb, on_read);
}

int main(int argc, char **argv)
{
    uv_tcp_t server;
    struct sockaddr_in addr;
    struct sockaddr_storage bound;
    int len = sizeof bound;

    source_mode = argc > 1 && !strcmp(argv[1], "source");
    uv_tcp_init(uv_default_loop(), &server);
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_bind(&server, (struct sockaddr *)&addr, 0);
    uv_listen((uv_stream_t *)&server, 511, on_connection);
    uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len);
    printf("%d\n", ntohs(((struct sockaddr_in *)&bound)->sin_port));
    fflush(stdout);
    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
