/*
 * prim/http/http.c: __primordials.http, HTTP/1.x on llhttp. The area is
 * split by role, each file using only those below it:
 *
 *     http.c      this table: the area's init
 *     server.c    servers and their connections      (conn.h)
 *     message.c   a server's requests and responses  (message.h)
 *     client.c    the client's connections
 *     wire.c      llhttp fed from a socket, heads     (wire.h)
 */
#include "prim/prim.h"
#include "message.h"

int coro_prim_http_init(JSContext *ctx, JSValueConst ns)
{
    if (http_client_init(ctx, ns) < 0 || http_server_init(ctx, ns) < 0)
        return -1;
    return http_message_init(ctx, ns);
}
