/*
 * prim/tls_wrap.c: __primordials.tls_wrap, the OpenSSL half of node:tls's
 * internalBinding('tls_wrap').TLSWrap: an SSL over two memory BIOs, whose
 * native class is the base of lib/node/bindings/tls_wrap.js's TLSWrap (the
 * JS half moves the encrypted bytes between the SSL and the stream handle
 * underneath, and the clear bytes to and from net.Socket, as Node's C++
 * TLSWrap does). SecureContext is tls_context.c's.
 *
 * An SSL is driven only by the area's functions (feed, read, write, encOut,
 * shutdown), each given the TLSWrap object. OpenSSL's callbacks that run
 * meanwhile queue what Node's TLSWrap calls in JS (onhandshakestart,
 * onhandshakedone, onnewsession, onclienthello, oncertcb, onkeylog,
 * onocspresponse) as events the JS half runs once the call has returned, so
 * JS never reenters OpenSSL from inside it. The ALPN callback, whose answer
 * OpenSSL needs at once, calls JS there and then.
 *
 * As Node: the client never fails the handshake over the server's
 * certificate (its chain is verified and the result read after, by
 * verifyError(), as Node's JS decides); a server asks for a client
 * certificate only with requestCert.
 */
#include <string.h>
#include <sys/time.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "prim.h"
#include "core/binding.h"
#include "crypto.h"
#include "tls.h"
#include "tls_wrap.h"
#include "x509.h"

typedef struct {
    SSL *ssl;
    BIO *enc_out;       /* what OpenSSL writes for the peer */
    JSContext *ctx;     /* during a call of the area */
    JSValue self;       /* the TLSWrap during a call (not a reference) */
    JSValue events;     /* [[name, ...args], ...] queued by callbacks */
    uint32_t n_events;
    JSValue error;      /* an SSL error, or what a JS callback threw */
    int in_call;
    int destroyed;
    int server;
    int session_cbs;    /* enableSessionCallbacks() */
    int cert_cb;        /* enableCertCb(): oncertcb still to run */
    int cert_cb_running;
    int alpn_cb;        /* enableALPNCb() */
    int keylog;
    int waiting_hello;  /* onclienthello queued, until endParser() */
    int hello_done;
    uint8_t *alpn;      /* a server's protocols (wire format) */
    size_t alpn_len;
    uint8_t *ocsp;      /* a server's stapled response */
    size_t ocsp_len;
    SSL_SESSION *next_session; /* loadSession()'s, for the server's lookup */
    unsigned long context_error; /* why useContext() failed, for the handshake's error */
} tls_conn;

static JSClassID conn_class;
static int conn_index = -1;

static void conn_free_ssl(JSRuntime *rt, tls_conn *t)
{
    SSL_free(t->ssl);
    t->ssl = NULL;
    t->enc_out = NULL;
    SSL_SESSION_free(t->next_session);
    t->next_session = NULL;
    js_free_rt(rt, t->alpn);
    js_free_rt(rt, t->ocsp);
    t->alpn = t->ocsp = NULL;
}

static void conn_finalizer(JSRuntime *rt, JSValue val)
{
    tls_conn *t = JS_GetOpaque(val, conn_class);

    if (!t)
        return;
    conn_free_ssl(rt, t);
    JS_FreeValueRT(rt, t->events);
    JS_FreeValueRT(rt, t->error);
    js_free_rt(rt, t);
}

static void conn_mark(JSRuntime *rt, JSValueConst val, JS_MarkFunc *mark)
{
    tls_conn *t = JS_GetOpaque(val, conn_class);

    if (t) {
        JS_MarkValue(rt, t->events, mark);
        JS_MarkValue(rt, t->error, mark);
    }
}

static const JSClassDef conn_def = { "TLSWrap", .finalizer = conn_finalizer, .gc_mark = conn_mark };

static tls_conn *conn_of(JSContext *ctx, JSValueConst v)
{
    tls_conn *t = JS_GetOpaque(v, conn_class);

    if (!t) {
        JS_ThrowTypeError(ctx, "Illegal invocation");
        return NULL;
    }
    if (!t->ssl) {
        coro__tls_throw_coded(ctx, 0, "ERR_TLS_INVALID_STATE", "TLS socket connection must be securely established");
        return NULL;
    }
    return t;
}

#define THIS_CONN                               \
    tls_conn *t = conn_of(ctx, this_val);       \
    if (!t)                                     \
        return JS_EXCEPTION;                    \
    ERR_clear_error()

/* ------------------------------------------------------------------ */
/* callbacks */

static tls_conn *conn_of_ssl(const SSL *ssl)
{
    tls_conn *t = SSL_get_ex_data(ssl, conn_index);

    return t && t->in_call ? t : NULL;
}

/* Queues [name, ...args] (args taken over). */
static void queue_event(tls_conn *t, const char *name, int argc, JSValue *args)
{
    JSContext *ctx = t->ctx;
    JSValue ev = JS_NewArray(ctx);

    JS_SetPropertyUint32(ctx, ev, 0, JS_NewString(ctx, name));
    for (int i = 0; i < argc; i++)
        JS_SetPropertyUint32(ctx, ev, (uint32_t)i + 1, args[i]);
    if (JS_IsUndefined(t->events)) {
        t->events = JS_NewArray(ctx);
        t->n_events = 0;
    }
    JS_SetPropertyUint32(ctx, t->events, t->n_events++, ev);
}

static void info_cb(const SSL *ssl, int where, int ret)
{
    tls_conn *t = conn_of_ssl(ssl);
    struct timeval tv;
    JSValue now;

    (void)ret;
    if (!t)
        return;
    if (where & SSL_CB_HANDSHAKE_START) {
        gettimeofday(&tv, NULL);
        now = JS_NewFloat64(t->ctx, (double)tv.tv_sec * 1000.0 + (double)(tv.tv_usec / 1000));
        queue_event(t, "onhandshakestart", 1, &now);
    }
    if (where & SSL_CB_HANDSHAKE_DONE)
        queue_event(t, "onhandshakedone", 0, NULL);
}

static int new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
    tls_conn *t = conn_of_ssl(ssl);
    unsigned int id_len;
    const unsigned char *id;
    unsigned char *der = NULL;
    int n;
    JSValue args[2];

    if (!t || !t->session_cbs)
        return 0;
    id = SSL_SESSION_get_id(sess, &id_len);
    n = i2d_SSL_SESSION(sess, &der);
    if (n <= 0)
        return 0;
    args[0] = coro__tls_bytes(t->ctx, id, id_len);
    args[1] = coro__tls_bytes(t->ctx, der, (size_t)n);
    OPENSSL_free(der);
    queue_event(t, "onnewsession", 2, args);
    return 0;
}

static SSL_SESSION *get_session_cb(SSL *ssl, const unsigned char *id, int len, int *copy)
{
    tls_conn *t = SSL_get_ex_data(ssl, conn_index);
    SSL_SESSION *s = t ? t->next_session : NULL;

    (void)id, (void)len;
    *copy = 0;
    if (t)
        t->next_session = NULL;
    return s;
}

/* The host_name of a ClientHello's server_name extension, or "". */
static JSValue hello_servername(JSContext *ctx, SSL *ssl)
{
    const unsigned char *p;
    size_t len, n;

    if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &len) || len < 5 || p[2] != 0)
        return JS_NewString(ctx, "");
    n = (size_t)(p[3] << 8 | p[4]);
    if (n > len - 5)
        return JS_NewString(ctx, "");
    return JS_NewStringLen(ctx, (const char *)p + 5, n);
}

/* A server with session callbacks stops at the ClientHello for
   onclienthello (its 'resumeSession' listeners) until endParser(). */
static int client_hello_cb(SSL *ssl, int *alert, void *arg)
{
    tls_conn *t = conn_of_ssl(ssl);
    const unsigned char *id, *ticket;
    size_t id_len, ticket_len = 0;
    JSValue hello;

    (void)alert, (void)arg;
    if (!t || !t->server || !t->session_cbs || t->hello_done)
        return SSL_CLIENT_HELLO_SUCCESS;
    if (t->waiting_hello)
        return SSL_CLIENT_HELLO_RETRY;
    id_len = SSL_client_hello_get0_session_id(ssl, &id);
    hello = JS_NewObject(t->ctx);
    JS_SetPropertyStr(t->ctx, hello, "sessionId", coro__tls_bytes(t->ctx, id, id_len));
    JS_SetPropertyStr(t->ctx, hello, "servername", hello_servername(t->ctx, ssl));
    JS_SetPropertyStr(t->ctx, hello, "tlsTicket",
                      JS_NewBool(t->ctx, SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_session_ticket, &ticket,
                                                                   &ticket_len) && ticket_len > 0));
    t->waiting_hello = 1;
    queue_event(t, "onclienthello", 1, &hello);
    return SSL_CLIENT_HELLO_RETRY;
}

/* enableCertCb(): the server stops before choosing its certificate, for
   oncertcb (SNICallback, OCSPRequest) until certCbDone(). */
static int cert_cb(SSL *ssl, void *arg)
{
    tls_conn *t = conn_of_ssl(ssl);
    const char *name;
    JSValue info;

    (void)arg;
    if (!t || !t->server || !t->cert_cb)
        return 1;
    if (t->cert_cb_running)
        return -1;
    info = JS_NewObject(t->ctx);
    name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name)
        JS_SetPropertyStr(t->ctx, info, "servername", JS_NewString(t->ctx, name));
    JS_SetPropertyStr(t->ctx, info, "OCSPRequest",
                      JS_NewBool(t->ctx, SSL_get_tlsext_status_type(ssl) == TLSEXT_STATUSTYPE_ocsp));
    t->cert_cb_running = 1;
    queue_event(t, "oncertcb", 1, &info);
    return -1;
}

/* Records what a JS callback threw, for the call to throw when it returns. */
static void keep_exception(tls_conn *t)
{
    JS_FreeValue(t->ctx, t->error);
    t->error = JS_GetException(t->ctx);
}

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                   unsigned int inlen, void *arg)
{
    tls_conn *t = conn_of_ssl(ssl);
    JSValue fn, buf, r;
    int32_t at;

    (void)arg;
    if (!t)
        return SSL_TLSEXT_ERR_NOACK;
    if (t->alpn_cb) {
        fn = JS_GetPropertyStr(t->ctx, t->self, "onalpn"); /* ALPNCallback, through the JS half */
        buf = coro__tls_bytes(t->ctx, in, inlen);
        r = JS_Call(t->ctx, fn, t->self, 1, &buf);
        JS_FreeValue(t->ctx, fn);
        JS_FreeValue(t->ctx, buf);
        if (JS_IsException(r)) {
            keep_exception(t);
            return SSL_TLSEXT_ERR_ALERT_FATAL;
        }
        if (!JS_IsNumber(r) || JS_ToInt32(t->ctx, &at, r) < 0 || at < 0 || (unsigned)at >= inlen ||
            (unsigned)at + 1 + in[at] > inlen) {
            JS_FreeValue(t->ctx, r);
            return SSL_TLSEXT_ERR_ALERT_FATAL;
        }
        *out = in + at + 1;
        *outlen = in[at];
        return SSL_TLSEXT_ERR_OK;
    }
    if (!t->alpn)
        return SSL_TLSEXT_ERR_NOACK;
    if (SSL_select_next_proto((unsigned char **)out, outlen, t->alpn, (unsigned int)t->alpn_len, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    return SSL_TLSEXT_ERR_OK;
}

static void keylog_cb(const SSL *ssl, const char *line)
{
    tls_conn *t = conn_of_ssl(ssl);
    size_t n = strlen(line);
    JSValue buf;
    uint8_t *p;

    if (!t || !t->keylog || !(p = js_malloc(t->ctx, n + 1)))
        return;
    memcpy(p, line, n);
    p[n] = '\n';
    buf = coro_new_uint8array(t->ctx, p, n + 1);
    queue_event(t, "onkeylog", 1, &buf);
}

/* The client: the stapled OCSP response (or null) for onocspresponse. The
   server: the response setOCSPResponse() gave, if any. */
static int status_cb(SSL *ssl, void *arg)
{
    tls_conn *t = conn_of_ssl(ssl);
    const unsigned char *p;
    unsigned char *copy;
    long n;
    JSValue resp;

    (void)arg;
    if (!t)
        return 1;
    if (!t->server) {
        n = SSL_get_tlsext_status_ocsp_resp(ssl, &p);
        resp = n > 0 && p ? coro__tls_bytes(t->ctx, p, (size_t)n) : JS_NULL;
        queue_event(t, "onocspresponse", 1, &resp);
        return 1;
    }
    if (!t->ocsp || !(copy = OPENSSL_memdup(t->ocsp, t->ocsp_len)))
        return SSL_TLSEXT_ERR_NOACK;
    SSL_set_tlsext_status_ocsp_resp(ssl, copy, (long)t->ocsp_len);
    return SSL_TLSEXT_ERR_OK;
}

/* The server learns the client's server name: the socket's servername (as
   Node's SelectSNIContextCallback sets it), through the JS half. */
static int servername_cb(SSL *ssl, int *alert, void *arg)
{
    tls_conn *t = conn_of_ssl(ssl);
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    JSValue v;

    (void)alert, (void)arg;
    if (t && t->server && name) {
        v = JS_NewString(t->ctx, name);
        queue_event(t, "onservername", 1, &v);
    }
    return SSL_TLSEXT_ERR_OK;
}

static int verify_cb(int ok, X509_STORE_CTX *store)
{
    (void)ok, (void)store;
    return 1; /* always on: Node's JS decides after the handshake */
}

void coro__tls_conn_callbacks(SSL_CTX *c)
{
    SSL_CTX_sess_set_new_cb(c, new_session_cb);
    SSL_CTX_sess_set_get_cb(c, get_session_cb);
    SSL_CTX_set_client_hello_cb(c, client_hello_cb, NULL);
    SSL_CTX_set_alpn_select_cb(c, alpn_cb, NULL);
    SSL_CTX_set_keylog_callback(c, keylog_cb);
    SSL_CTX_set_tlsext_status_cb(c, status_cb);
    SSL_CTX_set_tlsext_servername_callback(c, servername_cb);
}

/* ------------------------------------------------------------------ */
/* driving the SSL: the area's functions */

/* Starts a call on the TLSWrap argument (NULL with an exception pending). */
static tls_conn *call_begin(JSContext *ctx, JSValueConst self)
{
    tls_conn *t = JS_GetOpaque(self, conn_class);

    if (!t) {
        JS_ThrowTypeError(ctx, "not a TLSWrap");
        return NULL;
    }
    ERR_clear_error();
    t->ctx = ctx;
    t->self = self;
    t->in_call = 1;
    return t;
}

/* Ends it (an SSL destroyed meanwhile is freed now). */
static JSValue call_end(tls_conn *t, JSValue result)
{
    t->in_call = 0;
    t->self = JS_UNDEFINED;
    if (t->destroyed && t->ssl)
        conn_free_ssl(JS_GetRuntime(t->ctx), t);
    ERR_clear_error();
    return result;
}

/* The error of an SSL call that failed with SSL_get_error()'s e: OpenSSL's
   reason as Node gives it (ERR_SSL_WRONG_VERSION_NUMBER, ...). */
static void ssl_failed(tls_conn *t, int e)
{
    unsigned long err = ERR_peek_error();
    JSValue v;

    if (!JS_IsUndefined(t->error))
        return; /* the first (what a JS callback threw) stays */
    if (t->context_error)
        err = t->context_error;
    if (err) {
        v = coro__tls_ossl_error(t->ctx, err);
    } else {
        v = JS_NewError(t->ctx);
        JS_SetPropertyStr(t->ctx, v, "message",
                          JS_NewString(t->ctx, e == SSL_ERROR_SYSCALL ? "socket hang up" : "SSL error"));
        JS_SetPropertyStr(t->ctx, v, "code", JS_NewString(t->ctx, "ECONNRESET"));
    }
    JS_FreeValue(t->ctx, t->error);
    t->error = v;
}

/* What a failed SSL call means: 0 (wait for more bytes or a callback), or
   -1 (an error, kept for takeError). */
static int want_or_fail(tls_conn *t, int r)
{
    int e = SSL_get_error(t->ssl, r);

    switch (e) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
    case SSL_ERROR_WANT_X509_LOOKUP:
    case SSL_ERROR_WANT_CLIENT_HELLO_CB:
        return 0;
    default:
        ssl_failed(t, e);
        return -1;
    }
}

/* feed(wrap, bytes): encrypted bytes from the peer. */
static JSValue js_tlsw_feed(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = JS_GetOpaque(argv[0], conn_class);
    const uint8_t *p;
    size_t len;

    if (!t)
        return JS_ThrowTypeError(ctx, "not a TLSWrap");
    if (coro_arg_view(ctx, argv[1], "data", &p, &len) < 0)
        return JS_EXCEPTION;
    if (t->ssl && len && BIO_write(SSL_get_rbio(t->ssl), p, (int)len) != (int)len)
        return JS_ThrowOutOfMemory(ctx);
    return JS_UNDEFINED;
}

/* read(wrap) -> clear bytes (a Uint8Array), null (nothing more now), 0
   (the peer's close_notify) or -1 (an error: takeError). Drives the
   handshake first. */
static JSValue js_tlsw_read(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = call_begin(ctx, argv[0]);
    uint8_t *buf;
    size_t have = 0, cap = 16384; /* a record's most, as Node's ClearOut */
    int r;

    if (!t)
        return JS_EXCEPTION;
    if (!t->ssl || t->destroyed || t->waiting_hello || t->cert_cb_running)
        return call_end(t, JS_NULL);
    if (!SSL_is_init_finished(t->ssl)) {
        r = SSL_do_handshake(t->ssl);
        if (r <= 0)
            return call_end(t, want_or_fail(t, r) == 0 ? JS_NULL : JS_NewInt32(ctx, -1));
    }
    buf = js_malloc(ctx, cap);
    if (!buf)
        return call_end(t, JS_EXCEPTION);
    r = SSL_read_ex(t->ssl, buf, cap, &have);
    if (r > 0)
        return call_end(t, coro_new_uint8array(ctx, buf, have));
    js_free(ctx, buf);
    if (SSL_get_error(t->ssl, r) == SSL_ERROR_ZERO_RETURN)
        return call_end(t, JS_NewInt32(ctx, 0));
    return call_end(t, want_or_fail(t, r) == 0 ? JS_NULL : JS_NewInt32(ctx, -1));
}

/* write(wrap, bytes) -> bytes taken, or -1 (the handshake is not done, or
   a renegotiation runs: later) or -2 (an error: takeError). */
static JSValue js_tlsw_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = call_begin(ctx, argv[0]);
    const uint8_t *p;
    size_t len, done = 0;

    if (!t)
        return JS_EXCEPTION;
    if (coro_arg_view(ctx, argv[1], "data", &p, &len) < 0)
        return call_end(t, JS_EXCEPTION);
    if (!t->ssl || t->destroyed || !SSL_is_init_finished(t->ssl))
        return call_end(t, JS_NewInt32(ctx, -1));
    while (done < len) {
        size_t n = 0;
        int r = SSL_write_ex(t->ssl, p + done, len - done, &n);
        if (r <= 0) {
            if (want_or_fail(t, r) < 0)
                return call_end(t, JS_NewInt32(ctx, -2));
            break;
        }
        done += n;
    }
    return call_end(t, JS_NewFloat64(ctx, (double)done));
}

/* encOut(wrap) -> the encrypted bytes for the peer, or null. */
static JSValue js_tlsw_enc_out(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = JS_GetOpaque(argv[0], conn_class);
    size_t n;
    uint8_t *buf;

    if (!t)
        return JS_ThrowTypeError(ctx, "not a TLSWrap");
    if (!t->enc_out || !(n = BIO_ctrl_pending(t->enc_out)))
        return JS_NULL;
    buf = js_malloc(ctx, n);
    if (!buf)
        return JS_EXCEPTION;
    if (BIO_read(t->enc_out, buf, (int)n) != (int)n) {
        js_free(ctx, buf);
        return JS_ThrowInternalError(ctx, "TLS output lost");
    }
    return coro_new_uint8array(ctx, buf, n);
}

/* shutdown(wrap): a close_notify for the peer. */
static JSValue js_tlsw_shutdown(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = call_begin(ctx, argv[0]);

    if (!t)
        return JS_EXCEPTION;
    if (t->ssl && !t->destroyed && SSL_is_init_finished(t->ssl) && SSL_shutdown(t->ssl) == 0)
        SSL_shutdown(t->ssl);
    return call_end(t, JS_UNDEFINED);
}

/* takeEvents(wrap) -> the events queued, or undefined; takeError(wrap) ->
   the error kept, or undefined (magic 1). */
static JSValue js_tlsw_take(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int error)
{
    tls_conn *t = JS_GetOpaque(argv[0], conn_class);
    JSValue v;

    if (!t)
        return JS_ThrowTypeError(ctx, "not a TLSWrap");
    v = error ? t->error : t->events;
    if (error)
        t->error = JS_UNDEFINED;
    else
        t->events = JS_UNDEFINED;
    return v;
}

/* state(wrap) -> 1 once the handshake is done, 0 before, -1 destroyed */
static JSValue js_tlsw_state(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = JS_GetOpaque(argv[0], conn_class);

    if (!t || !t->ssl || t->destroyed)
        return JS_NewInt32(ctx, -1);
    return JS_NewInt32(ctx, SSL_is_init_finished(t->ssl) ? 1 : 0);
}


/* useContext(wrap, secureContext): the server's certificate, key and chain
   from another context (SNICallback's, setKeyCert). */
static JSValue js_tlsw_use_context(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = conn_of(ctx, argv[0]);
    SSL_CTX *sctx = coro__tls_context_of(argv[1]);
    STACK_OF(X509) *chain = NULL;
    X509 *cert;
    EVP_PKEY *key;

    if (!t)
        return JS_EXCEPTION;
    if (!sctx)
        return coro__tls_throw_coded(ctx, 1, "ERR_TLS_INVALID_CONTEXT", "context must be a SecureContext");
    ERR_clear_error();
    if (!SSL_set_SSL_CTX(t->ssl, sctx))
        return JS_Throw(ctx, coro__tls_ossl_error(ctx, ERR_get_error()));
    /* as Node's UseSNIContext: a context without a certificate fails
       ("passed a null parameter"), and the handshake then fails for want of
       one, with that reason */
    cert = SSL_CTX_get0_certificate(sctx);
    key = SSL_CTX_get0_privatekey(sctx);
    if (SSL_CTX_get0_chain_certs(sctx, &chain) != 1 || SSL_use_certificate(t->ssl, cert) != 1 ||
        SSL_use_PrivateKey(t->ssl, key) != 1 || (chain && SSL_set1_chain(t->ssl, chain) != 1)) {
        t->context_error = ERR_peek_error();
        ERR_clear_error();
        return JS_UNDEFINED;
    }
    SSL_set1_verify_cert_store(t->ssl, SSL_CTX_get_cert_store(sctx));
    if (SSL_CTX_get_client_CA_list(sctx))
        SSL_set_client_CA_list(t->ssl, SSL_dup_CA_list(SSL_CTX_get_client_CA_list(sctx)));
    return JS_UNDEFINED;
}

/* certDone(wrap): oncertcb is over; the handshake may go on. */
static JSValue js_tlsw_cert_done(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = conn_of(ctx, argv[0]);

    if (!t)
        return JS_EXCEPTION;
    t->cert_cb = 0;
    t->cert_cb_running = 0;
    return JS_UNDEFINED;
}

/* ------------------------------------------------------------------ */
/* TLSWrap's methods (Node's names) */

/* The issuer of x among the peer's chain or in the context's store
   (up-ref'd), or NULL. */
static X509 *find_issuer(SSL *ssl, X509 *x)
{
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    X509_STORE_CTX *sc;
    X509 *iss = NULL;

    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *c = sk_X509_value(chain, i);
        if (X509_cmp(c, x) != 0 && X509_check_issued(c, x) == X509_V_OK && X509_up_ref(c))
            return c;
    }
    sc = X509_STORE_CTX_new();
    if (sc && X509_STORE_CTX_init(sc, SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl)), x, NULL) &&
        X509_STORE_CTX_get1_issuer(&iss, sc, x) != 1)
        iss = NULL;
    X509_STORE_CTX_free(sc);
    ERR_clear_error();
    return iss;
}

/* getPeerCertificate(detailed): Node's legacy object; detailed, each with
   its issuerCertificate (a self-signed one its own). */
static JSValue js_tlsw_get_peer_certificate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    X509 *x = SSL_get1_peer_certificate(t->ssl), *iss;
    JSValue result, cur, next;

    if (!x)
        return JS_UNDEFINED;
    result = coro__x509_legacy(ctx, x);
    if (!JS_ToBool(ctx, argv[0]) || JS_IsException(result)) {
        X509_free(x);
        return result;
    }
    cur = JS_DupValue(ctx, result);
    for (int depth = 0; depth < 32; depth++) {
        if (X509_check_issued(x, x) == X509_V_OK) {
            JS_SetPropertyStr(ctx, cur, "issuerCertificate", JS_DupValue(ctx, cur));
            break;
        }
        if (!(iss = find_issuer(t->ssl, x)))
            break;
        next = coro__x509_legacy(ctx, iss);
        JS_SetPropertyStr(ctx, cur, "issuerCertificate", JS_DupValue(ctx, next));
        JS_FreeValue(ctx, cur);
        cur = next;
        X509_free(x);
        x = iss;
    }
    JS_FreeValue(ctx, cur);
    X509_free(x);
    ERR_clear_error();
    return result;
}

static JSValue js_tlsw_get_certificate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    X509 *x = SSL_get_certificate(t->ssl);

    return x ? coro__x509_legacy(ctx, x) : JS_UNDEFINED;
}

static JSValue js_tlsw_get_peer_x509(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    X509 *x = SSL_get0_peer_certificate(t->ssl), *iss;
    JSValue v;

    if (!x)
        return JS_UNDEFINED;
    iss = find_issuer(t->ssl, x);
    v = coro__x509_new(ctx, x, iss);
    X509_free(iss);
    return v;
}

static JSValue js_tlsw_get_x509(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    X509 *x = SSL_get_certificate(t->ssl);

    return x ? coro__x509_new(ctx, x, NULL) : JS_UNDEFINED;
}

static JSValue finished(JSContext *ctx, JSValueConst this_val, int peer)
{
    THIS_CONN;
    char probe[1];
    size_t n = peer ? SSL_get_peer_finished(t->ssl, probe, 0) : SSL_get_finished(t->ssl, probe, 0);
    uint8_t *buf;

    if (n == 0)
        return JS_UNDEFINED;
    if (!(buf = js_malloc(ctx, n)))
        return JS_EXCEPTION;
    if (peer)
        SSL_get_peer_finished(t->ssl, buf, n);
    else
        SSL_get_finished(t->ssl, buf, n);
    return coro_new_uint8array(ctx, buf, n);
}

static JSValue js_tlsw_get_finished(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return finished(ctx, this_val, 0);
}

static JSValue js_tlsw_get_peer_finished(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return finished(ctx, this_val, 1);
}

static JSValue js_tlsw_get_session(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    SSL_SESSION *s = SSL_get_session(t->ssl);
    unsigned char *der = NULL;
    int n;
    JSValue v;

    if (!s || (n = i2d_SSL_SESSION(s, &der)) <= 0)
        return JS_UNDEFINED;
    v = coro__tls_bytes(ctx, der, (size_t)n);
    OPENSSL_free(der);
    return v;
}

/* A session from its DER bytes, or NULL (bad bytes are let be, as Node). */
static SSL_SESSION *arg_session(JSContext *ctx, JSValueConst v)
{
    const uint8_t *p;
    size_t len;
    SSL_SESSION *s;

    if (coro_arg_view(ctx, v, "session", &p, &len) < 0) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return NULL;
    }
    s = d2i_SSL_SESSION(NULL, &p, (long)len);
    ERR_clear_error();
    return s;
}

static JSValue js_tlsw_set_session(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    SSL_SESSION *s = arg_session(ctx, argv[0]);
    int ok;

    if (!s)
        return JS_UNDEFINED;
    ok = SSL_set_session(t->ssl, s);
    SSL_SESSION_free(s);
    if (!ok)
        return coro__crypto_throw(ctx, ERR_get_error(), "SSL_set_session error");
    return JS_UNDEFINED;
}

static JSValue js_tlsw_load_session(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    if (t->server && JS_IsObject(argv[0])) {
        SSL_SESSION_free(t->next_session);
        t->next_session = arg_session(ctx, argv[0]);
    }
    return JS_UNDEFINED;
}

static JSValue js_tlsw_is_session_reused(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    return JS_NewBool(ctx, SSL_session_reused(t->ssl));
}

/* verifyError() -> null, or the peer's certificate's failure with Node's
   code (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ...). */
static JSValue js_tlsw_verify_error(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    long v = X509_V_ERR_UNSPECIFIED;
    const SSL_CIPHER *c;
    SSL_SESSION *s;
    JSValue e;

    if (SSL_get0_peer_certificate(t->ssl)) {
        v = SSL_get_verify_result(t->ssl);
    } else {
        /* no certificate: fine for PSK and a resumed TLS 1.3 session */
        c = SSL_get_current_cipher(t->ssl);
        s = SSL_get_session(t->ssl);
        if ((c && SSL_CIPHER_get_auth_nid(c) == NID_auth_psk) ||
            (s && SSL_SESSION_get_protocol_version(s) == TLS1_3_VERSION && SSL_session_reused(t->ssl)))
            return JS_NULL;
    }
    if (v == X509_V_OK)
        return JS_NULL;
    e = JS_NewError(ctx);
    JS_DefinePropertyValueStr(ctx, e, "message", JS_NewString(ctx, X509_verify_cert_error_string(v)),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_SetPropertyStr(ctx, e, "code", JS_NewString(ctx, coro__tls_verify_code(v)));
    return e;
}

static JSValue js_tlsw_get_cipher(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    const SSL_CIPHER *c = SSL_get_current_cipher(t->ssl);
    JSValue o;

    if (!c)
        return JS_UNDEFINED;
    o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "name", JS_NewString(ctx, SSL_CIPHER_get_name(c)));
    JS_SetPropertyStr(ctx, o, "standardName", JS_NewString(ctx, SSL_CIPHER_standard_name(c)));
    JS_SetPropertyStr(ctx, o, "version", JS_NewString(ctx, SSL_CIPHER_get_version(c)));
    return o;
}

/* getSharedSigalgs() -> ['RSA-PSS+SHA256', 'ECDSA+SHA384', ...] */
static JSValue js_tlsw_get_shared_sigalgs(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    JSValue arr = JS_NewArray(ctx);
    int n = SSL_get_shared_sigalgs(t->ssl, 0, NULL, NULL, NULL, NULL, NULL);

    for (int i = 0; i < n; i++) {
        int sign = 0, hash = 0;
        const char *sn, *hn;
        char name[128];
        SSL_get_shared_sigalgs(t->ssl, i, &sign, &hash, NULL, NULL, NULL);
        switch (sign) {
        case EVP_PKEY_RSA: sn = "RSA"; break;
        case EVP_PKEY_RSA_PSS: sn = "RSA-PSS"; break;
        case EVP_PKEY_DSA: sn = "DSA"; break;
        case EVP_PKEY_EC: sn = "ECDSA"; break;
        case NID_ED25519: sn = "Ed25519"; break;
        case NID_ED448: sn = "Ed448"; break;
        default: sn = OBJ_nid2sn(sign); break;
        }
        hn = hash != NID_undef ? OBJ_nid2sn(hash) : "UNDEF";
        snprintf(name, sizeof name, "%s+%s", sn ? sn : "UNDEF", hn ? hn : "UNDEF");
        JS_SetPropertyUint32(ctx, arr, (uint32_t)i, JS_NewString(ctx, name));
    }
    return arr;
}

/* getEphemeralKeyInfo() -> the client's view of the key exchange: { type:
   'ECDH', name, size } or { type: 'DH', size }; null on a server. */
static JSValue js_tlsw_get_ephemeral_key_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    EVP_PKEY *key = NULL;
    JSValue o;
    char group[64];
    int id;

    if (t->server)
        return JS_NULL;
    o = JS_NewObject(ctx);
    if (!SSL_get_peer_tmp_key(t->ssl, &key))
        return o;
    id = EVP_PKEY_get_id(key);
    if (id == EVP_PKEY_DH) {
        JS_SetPropertyStr(ctx, o, "type", JS_NewString(ctx, "DH"));
    } else if (id == EVP_PKEY_EC || id == EVP_PKEY_X25519 || id == EVP_PKEY_X448) {
        JS_SetPropertyStr(ctx, o, "type", JS_NewString(ctx, "ECDH"));
        if (id == EVP_PKEY_X25519)
            JS_SetPropertyStr(ctx, o, "name", JS_NewString(ctx, "X25519"));
        else if (id == EVP_PKEY_X448)
            JS_SetPropertyStr(ctx, o, "name", JS_NewString(ctx, "X448"));
        else if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, NULL))
            JS_SetPropertyStr(ctx, o, "name", JS_NewString(ctx, group));
    }
    JS_SetPropertyStr(ctx, o, "size", JS_NewInt32(ctx, EVP_PKEY_get_bits(key)));
    EVP_PKEY_free(key);
    ERR_clear_error();
    return o;
}

static JSValue js_tlsw_get_protocol(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    return JS_NewString(ctx, SSL_get_version(t->ssl));
}

static JSValue js_tlsw_get_tls_ticket(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    SSL_SESSION *s = SSL_get_session(t->ssl);
    const unsigned char *p = NULL;
    size_t n = 0;

    if (!s)
        return JS_UNDEFINED;
    SSL_SESSION_get0_ticket(s, &p, &n);
    return p ? coro__tls_bytes(ctx, p, n) : JS_UNDEFINED;
}

static JSValue js_tlsw_get_servername(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    const char *name = SSL_get_servername(t->ssl, TLSEXT_NAMETYPE_host_name);

    return name ? JS_NewString(ctx, name) : JS_FALSE;
}

static JSValue js_tlsw_set_servername(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    const char *name = JS_ToCString(ctx, argv[0]);
    int ok;

    if (!name)
        return JS_EXCEPTION;
    ok = SSL_set_tlsext_host_name(t->ssl, name);
    JS_FreeCString(ctx, name);
    if (!ok)
        return JS_Throw(ctx, coro__tls_ossl_error(ctx, ERR_get_error()));
    return JS_UNDEFINED;
}

static JSValue js_tlsw_get_alpn(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    const unsigned char *p = NULL;
    unsigned int n = 0;

    SSL_get0_alpn_selected(t->ssl, &p, &n);
    return p && n ? JS_NewStringLen(ctx, (const char *)p, n) : JS_FALSE;
}

/* setALPNProtocols(wire): a client offers them, a server chooses among. */
static JSValue js_tlsw_set_alpn_protocols(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    const uint8_t *p;
    size_t len;

    if (coro_arg_view(ctx, argv[0], "protocols", &p, &len) < 0)
        return JS_EXCEPTION;
    if (!t->server) {
        if (SSL_set_alpn_protos(t->ssl, p, (unsigned int)len) != 0)
            return JS_Throw(ctx, coro__tls_ossl_error(ctx, ERR_get_error()));
        return JS_UNDEFINED;
    }
    js_free(ctx, t->alpn);
    t->alpn = js_malloc(ctx, len ? len : 1);
    if (!t->alpn)
        return JS_EXCEPTION;
    memcpy(t->alpn, p, len);
    t->alpn_len = len;
    return JS_UNDEFINED;
}

static JSValue js_tlsw_export_keying_material(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    uint32_t n;
    size_t label_len, context_len = 0;
    const uint8_t *context = NULL;
    const char *label;
    uint8_t *out;
    int ok;

    if (JS_ToUint32(ctx, &n, argv[0]) < 0 || !(label = JS_ToCStringLen(ctx, &label_len, argv[1])))
        return JS_EXCEPTION;
    if (argc > 2 && !JS_IsUndefined(argv[2]) && coro_arg_view(ctx, argv[2], "context", &context, &context_len) < 0) {
        JS_FreeCString(ctx, label);
        return JS_EXCEPTION;
    }
    out = js_malloc(ctx, n ? n : 1);
    if (!out) {
        JS_FreeCString(ctx, label);
        return JS_EXCEPTION;
    }
    ok = SSL_export_keying_material(t->ssl, out, n, label, label_len, context, context_len, context != NULL);
    JS_FreeCString(ctx, label);
    if (ok != 1) {
        js_free(ctx, out);
        ERR_clear_error();
        return coro__tls_throw_coded(ctx, 0, "ERR_CRYPTO_OPERATION_FAILED", "Key export failed");
    }
    return coro_new_uint8array(ctx, out, n);
}

static JSValue js_tlsw_set_max_send_fragment(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    int32_t n;

    if (JS_ToInt32(ctx, &n, argv[0]) < 0)
        return JS_EXCEPTION;
    n = SSL_set_max_send_fragment(t->ssl, n) == 1;
    ERR_clear_error();
    return JS_NewInt32(ctx, n);
}

/* setVerifyMode(requestCert, rejectUnauthorized): a server asks for a
   client certificate (and insists on one); a client always verifies after. */
static JSValue js_tlsw_set_verify_mode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    int mode = SSL_VERIFY_NONE;

    if (t->server && JS_ToBool(ctx, argv[0])) {
        mode = SSL_VERIFY_PEER;
        if (JS_ToBool(ctx, argv[1]))
            mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    SSL_set_verify(t->ssl, mode, verify_cb);
    return JS_UNDEFINED;
}

static JSValue js_tlsw_renegotiate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    if (!SSL_renegotiate(t->ssl))
        return JS_Throw(ctx, coro__tls_ossl_error(ctx, ERR_get_error()));
    return JS_UNDEFINED;
}

static JSValue js_tlsw_request_ocsp(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    if (!t->server)
        SSL_set_tlsext_status_type(t->ssl, TLSEXT_STATUSTYPE_ocsp);
    return JS_UNDEFINED;
}

static JSValue js_tlsw_set_ocsp_response(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CONN;
    const uint8_t *p;
    size_t len;

    if (coro_arg_view(ctx, argv[0], "response", &p, &len) < 0)
        return JS_EXCEPTION;
    js_free(ctx, t->ocsp);
    t->ocsp = js_malloc(ctx, len ? len : 1);
    if (!t->ocsp)
        return JS_EXCEPTION;
    memcpy(t->ocsp, p, len);
    t->ocsp_len = len;
    return JS_UNDEFINED;
}

/* enableSessionCallbacks(), enableCertCb(), enableALPNCb(),
   enableKeylogCallback(), endParser() */
enum { FLAG_SESSION, FLAG_CERT, FLAG_ALPN, FLAG_KEYLOG, FLAG_END_PARSER };

static JSValue js_tlsw_flag(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    THIS_CONN;
    switch (magic) {
    case FLAG_SESSION: t->session_cbs = 1; break;
    case FLAG_CERT: t->cert_cb = t->server; break;
    case FLAG_ALPN: t->alpn_cb = 1; break;
    case FLAG_KEYLOG: t->keylog = 1; break;
    case FLAG_END_PARSER:
        t->waiting_hello = 0;
        t->hello_done = 1;
        break;
    }
    return JS_UNDEFINED;
}

/* destroySSL(): frees the SSL (at the end of a call running now). */
static JSValue js_tlsw_destroy_ssl(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tls_conn *t = JS_GetOpaque(this_val, conn_class);

    if (!t)
        return JS_ThrowTypeError(ctx, "Illegal invocation");
    t->destroyed = 1;
    if (!t->in_call)
        conn_free_ssl(JS_GetRuntime(ctx), t);
    return JS_UNDEFINED;
}

/* new TLSWrap(secureContext, isServer) (the JS half's super()). */
static JSValue js_tlsw_ctor(JSContext *ctx, JSValueConst new_target, int argc, JSValueConst *argv)
{
    SSL_CTX *sctx = coro__tls_context_of(argv[0]);
    JSValue proto, obj;
    tls_conn *t;
    BIO *in, *out;

    if (!sctx && argc > 0 && !JS_IsUndefined(argv[0]))
        return coro__tls_throw_coded(ctx, 1, "ERR_TLS_INVALID_CONTEXT", "context must be a SecureContext");
    proto = JS_GetPropertyStr(ctx, new_target, "prototype");
    obj = JS_NewObjectProtoClass(ctx, proto, (int)conn_class);
    JS_FreeValue(ctx, proto);
    if (JS_IsException(obj))
        return obj;
    t = js_mallocz(ctx, sizeof *t);
    if (!t) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    t->events = t->error = t->self = JS_UNDEFINED;
    t->server = JS_ToBool(ctx, argv[1]);
    JS_SetOpaque(obj, t);
    if (!sctx)
        return obj; /* `new TLSWrap()`: an empty one, as Node's */
    ERR_clear_error();
    t->ssl = SSL_new(sctx);
    in = BIO_new(BIO_s_mem());
    out = BIO_new(BIO_s_mem());
    if (!t->ssl || !in || !out) {
        BIO_free(in);
        BIO_free(out);
        JS_FreeValue(ctx, obj);
        return coro__crypto_throw(ctx, ERR_get_error(), "SSL_new");
    }
    BIO_set_mem_eof_return(in, -1);
    BIO_set_mem_eof_return(out, -1);
    SSL_set_bio(t->ssl, in, out);
    t->enc_out = out;
    SSL_set_ex_data(t->ssl, conn_index, t);
    SSL_set_info_callback(t->ssl, info_cb);
    SSL_set_verify(t->ssl, SSL_VERIFY_NONE, verify_cb);
    if (t->server) {
        SSL_set_accept_state(t->ssl);
        SSL_set_cert_cb(t->ssl, cert_cb, NULL);
    } else {
        SSL_set_connect_state(t->ssl);
    }
    return obj;
}

static const JSCFunctionListEntry conn_proto_funcs[] = {
    JS_CFUNC_DEF("getPeerCertificate", 1, js_tlsw_get_peer_certificate),
    JS_CFUNC_DEF("getCertificate", 0, js_tlsw_get_certificate),
    JS_CFUNC_DEF("getPeerX509Certificate", 0, js_tlsw_get_peer_x509),
    JS_CFUNC_DEF("getX509Certificate", 0, js_tlsw_get_x509),
    JS_CFUNC_DEF("getFinished", 0, js_tlsw_get_finished),
    JS_CFUNC_DEF("getPeerFinished", 0, js_tlsw_get_peer_finished),
    JS_CFUNC_DEF("getSession", 0, js_tlsw_get_session),
    JS_CFUNC_DEF("setSession", 1, js_tlsw_set_session),
    JS_CFUNC_DEF("loadSession", 1, js_tlsw_load_session),
    JS_CFUNC_DEF("isSessionReused", 0, js_tlsw_is_session_reused),
    JS_CFUNC_DEF("verifyError", 0, js_tlsw_verify_error),
    JS_CFUNC_DEF("getCipher", 0, js_tlsw_get_cipher),
    JS_CFUNC_DEF("getSharedSigalgs", 0, js_tlsw_get_shared_sigalgs),
    JS_CFUNC_DEF("getEphemeralKeyInfo", 0, js_tlsw_get_ephemeral_key_info),
    JS_CFUNC_DEF("getProtocol", 0, js_tlsw_get_protocol),
    JS_CFUNC_DEF("getTLSTicket", 0, js_tlsw_get_tls_ticket),
    JS_CFUNC_DEF("getServername", 0, js_tlsw_get_servername),
    JS_CFUNC_DEF("setServername", 1, js_tlsw_set_servername),
    JS_CFUNC_DEF("getALPNNegotiatedProtocol", 0, js_tlsw_get_alpn),
    JS_CFUNC_DEF("setALPNProtocols", 1, js_tlsw_set_alpn_protocols),
    JS_CFUNC_DEF("exportKeyingMaterial", 3, js_tlsw_export_keying_material),
    JS_CFUNC_DEF("setMaxSendFragment", 1, js_tlsw_set_max_send_fragment),
    JS_CFUNC_DEF("setVerifyMode", 2, js_tlsw_set_verify_mode),
    JS_CFUNC_DEF("renegotiate", 0, js_tlsw_renegotiate),
    JS_CFUNC_DEF("requestOCSP", 0, js_tlsw_request_ocsp),
    JS_CFUNC_DEF("setOCSPResponse", 1, js_tlsw_set_ocsp_response),
    JS_CFUNC_MAGIC_DEF("enableSessionCallbacks", 0, js_tlsw_flag, FLAG_SESSION),
    JS_CFUNC_MAGIC_DEF("enableCertCb", 0, js_tlsw_flag, FLAG_CERT),
    JS_CFUNC_MAGIC_DEF("enableALPNCb", 0, js_tlsw_flag, FLAG_ALPN),
    JS_CFUNC_MAGIC_DEF("enableKeylogCallback", 0, js_tlsw_flag, FLAG_KEYLOG),
    JS_CFUNC_MAGIC_DEF("endParser", 0, js_tlsw_flag, FLAG_END_PARSER),
    JS_CFUNC_DEF("destroySSL", 0, js_tlsw_destroy_ssl),
};

static const JSCFunctionListEntry tlsw_funcs[] = {
    JS_CFUNC_DEF("feed", 2, js_tlsw_feed),
    JS_CFUNC_DEF("read", 1, js_tlsw_read),
    JS_CFUNC_DEF("write", 2, js_tlsw_write),
    JS_CFUNC_DEF("encOut", 1, js_tlsw_enc_out),
    JS_CFUNC_DEF("shutdown", 1, js_tlsw_shutdown),
    JS_CFUNC_MAGIC_DEF("takeEvents", 1, js_tlsw_take, 0),
    JS_CFUNC_MAGIC_DEF("takeError", 1, js_tlsw_take, 1),
    JS_CFUNC_DEF("state", 1, js_tlsw_state),
    JS_CFUNC_DEF("useContext", 2, js_tlsw_use_context),
    JS_CFUNC_DEF("certDone", 1, js_tlsw_cert_done),
};

int coro_prim_tls_wrap_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    JSValue proto, ctor;

    if (conn_index < 0)
        conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    if (coro_register_class(rt, &conn_class, &conn_def) < 0)
        return -1;
    proto = JS_NewObject(ctx);
    if (JS_IsException(proto))
        return -1;
    JS_SetPropertyFunctionList(ctx, proto, conn_proto_funcs, sizeof conn_proto_funcs / sizeof conn_proto_funcs[0]);
    ctor = JS_NewCFunction2(ctx, js_tlsw_ctor, "TLSWrap", 2, JS_CFUNC_constructor, 0);
    JS_SetConstructor(ctx, ctor, proto);
    JS_SetClassProto(ctx, conn_class, proto);
    if (JS_SetPropertyStr(ctx, ns, "TLSWrap", ctor) < 0 || coro__tls_context_init(ctx, ns) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, tlsw_funcs, sizeof tlsw_funcs / sizeof tlsw_funcs[0]);
    return 0;
}
