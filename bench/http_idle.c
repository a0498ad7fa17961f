/*
 * bench/http_idle.c: the client of the idle-memory benchmark. Opens N
 * connections to 127.0.0.1:PORT, sends one GET on each and reads its whole
 * response (so each connection is a real keep-alive connection that has
 * served a request), prints "ready N" and holds them until stdin closes.
 *
 *   http_idle PORT N
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const char request[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

typedef struct conn {
    int fd;
    size_t got;
    char head[1024];
} conn;

static int dial(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

/* Whether c holds a whole response: a head and Content-Length bytes. */
static int complete(conn *c)
{
    char *end, *cl;
    size_t body = 0;

    c->head[c->got] = '\0';
    end = strstr(c->head, "\r\n\r\n");
    if (!end)
        return 0;
    for (cl = c->head; (cl = strchr(cl, '\n')) && cl < end; cl++)
        if (!strncasecmp(cl + 1, "content-length:", 15))
            body = strtoul(cl + 16, NULL, 10);
    return c->got >= (size_t)(end + 4 - c->head) + body;
}

int main(int argc, char **argv)
{
    int port, n, ep, done = 0;
    conn *cs;
    char ch;

    if (argc < 3) {
        fprintf(stderr, "usage: http_idle PORT N\n");
        return 2;
    }
    port = atoi(argv[1]);
    n = atoi(argv[2]);
    cs = calloc((size_t)n, sizeof *cs);
    ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cs[i] };
        cs[i].fd = dial(port);
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
        if (write(cs[i].fd, request, sizeof request - 1) != (ssize_t)sizeof request - 1)
            return 1;
    }
    while (done < n) {
        struct epoll_event evs[256];
        int k = epoll_wait(ep, evs, 256, 10000);
        if (k <= 0) {
            fprintf(stderr, "http_idle: %d of %d responses after 10 s\n", done, n);
            return 1;
        }
        for (int i = 0; i < k; i++) {
            conn *c = evs[i].data.ptr;
            ssize_t r = read(c->fd, c->head + c->got, sizeof c->head - 1 - c->got);
            if (r <= 0) {
                fprintf(stderr, "http_idle: connection lost\n");
                return 1;
            }
            c->got += (size_t)r;
            if (complete(c)) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                done++;
            }
        }
    }
    printf("ready %d\n", done);
    fflush(stdout);
    while (read(0, &ch, 1) > 0)
        ;
    return 0;
}
