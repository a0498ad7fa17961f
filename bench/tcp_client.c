/*
 * bench/tcp_client.c: a load generator for the TCP benchmarks, in plain C on
 * epoll so that it is never the bottleneck.
 *
 *   tcp_client echo PORT CONNS SECONDS SIZE   round trips per second: each
 *       connection sends SIZE bytes and waits for them to come back
 *   tcp_client sink PORT SECONDS              one connection, read and drop
 *       everything the server sends; prints MB/s
 *   tcp_client idle PORT N                    open N connections, print
 *       "ready", hold them until stdin closes
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("connect");
        exit(1);
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

typedef struct conn {
    int fd;
    size_t got;
} conn;

static int echo(int port, int n, double seconds, size_t size)
{
    conn *cs = calloc((size_t)n, sizeof *cs);
    char *msg = malloc(size), *buf = malloc(65536);
    int ep = epoll_create1(0);
    long trips = 0;
    double t0, end;

    memset(msg, 'x', size);
    for (int i = 0; i < n; i++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cs[i] };
        cs[i].fd = dial(port);
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
        if (write(cs[i].fd, msg, size) != (ssize_t)size)
            return 1;
    }
    t0 = now();
    end = t0 + seconds;
    while (now() < end) {
        struct epoll_event evs[256];
        int k = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < k; i++) {
            conn *c = evs[i].data.ptr;
            ssize_t r = read(c->fd, buf, 65536);
            if (r <= 0) {
                fprintf(stderr, "echo: connection lost\n");
                return 1;
            }
            c->got += (size_t)r;
            if (c->got >= size) {
                c->got -= size;
                trips++;
                if (write(c->fd, msg, size) != (ssize_t)size)
                    return 1;
            }
        }
    }
    printf("%.0f\n", trips / (now() - t0));
    return 0;
}

static int sink(int port, double seconds)
{
    int fd = dial(port);
    char *buf = malloc(1 << 20);
    double t0 = now(), end = t0 + seconds;
    double bytes = 0;

    while (now() < end) {
        ssize_t r = read(fd, buf, 1 << 20);
        if (r <= 0) {
            fprintf(stderr, "sink: connection lost\n");
            return 1;
        }
        bytes += r;
    }
    printf("%.0f\n", bytes / (now() - t0) / 1e6);
    return 0;
}

static int idle(int port, int n)
{
    char c;

    for (int i = 0; i < n; i++)
        dial(port);
    printf("ready\n");
    fflush(stdout);
    while (read(0, &c, 1) > 0)
        ;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && !strcmp(argv[1], "echo"))
        return echo(atoi(argv[2]), atoi(argv[3]), atof(argv[4]), (size_t)atoi(argv[5]));
    if (argc >= 4 && !strcmp(argv[1], "sink"))
        return sink(atoi(argv[2]), atof(argv[3]));
    if (argc >= 4 && !strcmp(argv[1], "idle"))
        return idle(atoi(argv[2]), atoi(argv[3]));
    fprintf(stderr, "usage: tcp_client echo PORT CONNS SECONDS SIZE | sink PORT SECONDS | idle PORT N\n");
    return 2;
}
