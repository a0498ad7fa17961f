/*
 * prim/net.h: IP socket addresses, shared with prim/dgram.c. (A connected
 * socket is a core stream: core/stream.h.)
 */
#ifndef COROJS_PRIM_NET_H
#define COROJS_PRIM_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>
#include "quickjs.h"

struct sockaddr_storage;

/* { address, family: 'IPv4' | 'IPv6', port } */
JSValue coro_sockaddr_object(JSContext *ctx, const struct sockaddr_storage *ss);

/* An IP literal and a port as a socket address; -1 if host is not an IP
   address. */
int coro_sockaddr_parse(const char *host, int port, struct sockaddr_storage *ss);

#endif
