/*
 * prim/tls.c: __primordials.tls, TLS on OpenSSL over any stream (a TCP or
 * Unix socket, core/stream.h); a TLS connection is a stream itself.
 *
 * An SSL object talks to two memory BIOs, and this file carries the
 * ciphertext between them and the stream below with coro_stream_read and
 * coro_stream_write, so a handshake, a read or a write blocks only its fiber.
 * A memory BIO never refuses a write, so OpenSSL only ever asks for more
 * input (SSL_ERROR_WANT_READ), never for room to write.
 *
 * Bytes must leave the outgoing BIO in the order OpenSSL put them there.
 * The fiber holding the TLS socket's write turn sends them, and sends until
 * the BIO is empty; a reader whose SSL_read produced output (a TLS 1.3 key
 * update answer) sends it itself only when nobody holds the turn, and
 * otherwise leaves it to the holder. Reads take turns too. Renegotiation is
 * off, so a write never needs input.
 *
 * A server picks its certificate in OpenSSL's servername callback, which
 * runs inside SSL_do_handshake on the connection's fiber: it calls the
 * library's JS `select(servername)` there and then (it may block), which
 * returns a context ID (lib/tls.js keeps a cache of them).
 *
 * Contexts (SSL_CTX) and TLS sockets are handles. A TLS socket holds the
 * stream below it, and its struct outlives its ID while calls hold it
 * (coro_life), as every stream's does. It is registered only once the
 * handshake has succeeded: until then it belongs to the handshaking call.
 *
 * OpenSSL's error queue belongs to the thread, which all fibers share: it is
 * cleared before each SSL call and read right after it, before anything
 * parks.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "prim.h"
#include "net.h"
#include "tls.h"
#include "core/binding.h"
#include "core/isolate.h"
#include "core/stream.h"

#define READ_SIZE 65536   /* plaintext one read returns at most */
#define WRITE_CHUNK 65536 /* plaintext encrypted before its ciphertext is sent */
#define TRIM_SIZE 16384   /* an idle connection's BIO buffers are kept below this */

typedef struct js_context {
    coro_handle h;
    SSL_CTX *ctx;
} js_context;

typedef struct js_tls {
    coro_stream s;       /* a stream itself (core/stream.h) ... */
    coro_stream *sock;   /* ... on another one (a socket), held */
    SSL *ssl;
    BIO *rbio, *wbio;    /* network -> SSL, SSL -> network (owned by ssl) */
    int server;
    int reading, writing; /* a fiber has the turn */
    coro_waitq readq, writeq;
    int ended;           /* close_notify sent */
    int fatal;           /* OpenSSL failed: no close_notify any more */
    int eof;             /* the peer's close_notify or end of stream seen */
    /* while the handshake runs */
    JSContext *ctx;
    JSValueConst select; /* server: (servername, ms left) -> context ID */
    uint64_t deadline;   /* when the handshake times out (uv_hrtime ns), 0 = never */
    JSValue failure;     /* an error a callback made, to be thrown */
    coro_bytes alpn;     /* server: its protocols in wire format */
    int has_alpn;
    int verify;          /* client: the handshake fails on a bad certificate */
    const char *verify_name;
    X509 *rejected;      /* the peer's certificate that failed verification */
} js_tls;

static void context_close_handle(coro_handle *h);

static const coro_handle_type context_type = { "SecureContext", context_close_handle, NULL };
static const coro_handle_type tls_type = { "TLSSocket", coro_stream_handle_close, &coro_stream_type };
static const coro_stream_ops tls_ops;

/* ------------------------------------------------------------------ */
/* errors */

/* An OpenSSL error as Node shows it: the message OpenSSL words
   ("error:0A00010B:SSL routines::wrong version number"), `library`,
   `reason`, and `code` ERR_SSL_<REASON> for the SSL library or
   ERR_OSSL_<LIB>_<REASON> for the others (ERR_OSSL_PEM_NO_START_LINE). */
static JSValue ossl_error(JSContext *ctx, unsigned long e)
{
    const char *lib = ERR_lib_error_string(e), *reason = ERR_reason_error_string(e);
    char msg[256], code[160];
    size_t n;
    JSValue err = JS_NewError(ctx);

    ERR_error_string_n(e, msg, sizeof msg);
    if (lib && strcmp(lib, "SSL routines") == 0) {
        n = (size_t)snprintf(code, sizeof code, "ERR_SSL_");
    } else {
        n = (size_t)snprintf(code, sizeof code, "ERR_OSSL_");
        for (const char *p = lib; p && *p && *p != ' ' && n < 40; p++)
            code[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        code[n++] = '_';
    }
    for (const char *p = reason ? reason : "unknown"; *p && n < sizeof code - 1; p++) {
        char c = *p;
        code[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
    }
    code[n] = 0;
    JS_SetPropertyStr(ctx, err, "message", JS_NewString(ctx, msg));
    JS_SetPropertyStr(ctx, err, "code", JS_NewString(ctx, code));
    if (lib)
        JS_SetPropertyStr(ctx, err, "library", JS_NewString(ctx, lib));
    if (reason)
        JS_SetPropertyStr(ctx, err, "reason", JS_NewString(ctx, reason));
    return err;
}

/* The first error on OpenSSL's queue (or a generic one naming `what`), and
   the queue cleared. */
static JSValue queue_error(JSContext *ctx, const char *what)
{
    unsigned long e = ERR_get_error();
    JSValue err;

    ERR_clear_error();
    if (e)
        return ossl_error(ctx, e);
    err = JS_NewError(ctx);
    JS_SetPropertyStr(ctx, err, "message", JS_NewString(ctx, what));
    JS_SetPropertyStr(ctx, err, "code", JS_NewString(ctx, "ERR_SSL_FAILED"));
    return err;
}

static JSValue throw_queue_error(JSContext *ctx, const char *what)
{
    return JS_Throw(ctx, queue_error(ctx, what));
}

/* Certificate verification results by Node's names for them. */
static const struct { int v; const char *code; } verify_codes[] = {
#define V(name) { X509_V_ERR_##name, #name }
    V(UNABLE_TO_GET_ISSUER_CERT), V(UNABLE_TO_GET_CRL), V(UNABLE_TO_DECRYPT_CERT_SIGNATURE),
    V(UNABLE_TO_DECRYPT_CRL_SIGNATURE), V(UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY),
    V(CERT_SIGNATURE_FAILURE), V(CRL_SIGNATURE_FAILURE), V(CERT_NOT_YET_VALID),
    V(CERT_HAS_EXPIRED), V(CRL_NOT_YET_VALID), V(CRL_HAS_EXPIRED),
    V(ERROR_IN_CERT_NOT_BEFORE_FIELD), V(ERROR_IN_CERT_NOT_AFTER_FIELD),
    V(ERROR_IN_CRL_LAST_UPDATE_FIELD), V(ERROR_IN_CRL_NEXT_UPDATE_FIELD), V(OUT_OF_MEM),
    V(DEPTH_ZERO_SELF_SIGNED_CERT), V(SELF_SIGNED_CERT_IN_CHAIN),
    V(UNABLE_TO_GET_ISSUER_CERT_LOCALLY), V(UNABLE_TO_VERIFY_LEAF_SIGNATURE),
    V(CERT_CHAIN_TOO_LONG), V(CERT_REVOKED), V(INVALID_CA), V(PATH_LENGTH_EXCEEDED),
    V(INVALID_PURPOSE), V(CERT_UNTRUSTED), V(CERT_REJECTED),
#undef V
    { X509_V_ERR_HOSTNAME_MISMATCH, "ERR_TLS_CERT_ALTNAME_INVALID" },
    { X509_V_ERR_IP_ADDRESS_MISMATCH, "ERR_TLS_CERT_ALTNAME_INVALID" },
};

static const char *verify_code(long v)
{
    for (size_t i = 0; i < sizeof verify_codes / sizeof verify_codes[0]; i++)
        if (verify_codes[i].v == v)
            return verify_codes[i].code;
    return "UNSPECIFIED";
}

/* The text a memory BIO holds, as a string. */
static JSValue bio_string(JSContext *ctx, BIO *b)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);

    return JS_NewStringLen(ctx, p ? p : "", n > 0 ? (size_t)n : 0);
}

/* "DNS:a.test, IP Address:127.0.0.1", or undefined without the extension. */
static JSValue altnames(JSContext *ctx, X509 *x)
{
    int i = x ? X509_get_ext_by_NID(x, NID_subject_alt_name, -1) : -1;
    BIO *b;
    JSValue s = JS_UNDEFINED;

    if (i < 0 || !(b = BIO_new(BIO_s_mem())))
        return JS_UNDEFINED;
    if (X509V3_EXT_print(b, X509_get_ext(x, i), 0, 0) == 1)
        s = bio_string(ctx, b);
    BIO_free(b);
    return s;
}

/* A failed verification of the peer's certificate: the code by Node's
   name (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID ...) and OpenSSL's
   words for it. */
static JSValue verify_error(JSContext *ctx, js_tls *t, long v)
{
    JSValue err = JS_NewError(ctx), names;
    const char *code = verify_code(v), *list;
    char msg[1024];

    if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        names = altnames(ctx, t->rejected ? t->rejected : SSL_get0_peer_certificate(t->ssl));
        list = JS_IsUndefined(names) ? NULL : JS_ToCString(ctx, names);
        snprintf(msg, sizeof msg, "Hostname/IP does not match certificate's altnames: %s: %s is not in the cert's altnames: %s",
                 v == X509_V_ERR_IP_ADDRESS_MISMATCH ? "IP" : "Host", t->verify_name,
                 list ? list : "(none)");
        JS_FreeCString(ctx, list);
        JS_FreeValue(ctx, names);
        JS_SetPropertyStr(ctx, err, "host", JS_NewString(ctx, t->verify_name));
    } else {
        snprintf(msg, sizeof msg, "%s", X509_verify_cert_error_string(v));
    }
    JS_SetPropertyStr(ctx, err, "message", JS_NewString(ctx, msg));
    JS_SetPropertyStr(ctx, err, "code", JS_NewString(ctx, code));
    return err;
}

/* The error of an SSL call that failed with SSL_get_error's `e`, made while
   the error queue still holds its reason. */
static JSValue call_error(JSContext *ctx, js_tls *t, int e, const char *syscall)
{
    long v;

    t->fatal = 1;
    if (t->verify && (v = SSL_get_verify_result(t->ssl)) != X509_V_OK) {
        ERR_clear_error();
        return verify_error(ctx, t, v);
    }
    if (e == SSL_ERROR_SSL)
        return queue_error(ctx, syscall);
    ERR_clear_error();
    return coro_stream_error(ctx, UV_ECONNRESET, syscall);
}

/* ------------------------------------------------------------------ */
/* contexts */

static void context_close_handle(coro_handle *h)
{
    js_context *c = (js_context *)h;

    SSL_CTX_free(c->ctx); /* connections using it hold their own reference */
    free(c);
}

/* A key is never read with a passphrase (and never asked for on a terminal). */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    return -1;
}

/* Every certificate of a PEM text, in order; NULL with the reason on
   OpenSSL's queue if there is none or one is damaged. */
static STACK_OF(X509) *pem_certificates(const char *pem, size_t len)
{
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    STACK_OF(X509) *all = sk_X509_new_null();
    X509 *x;

    while (b && all && (x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL))) {
        if (!sk_X509_push(all, x)) {
            X509_free(x);
            break;
        }
    }
    if (all && sk_X509_num(all) > 0) {
        unsigned long e = ERR_peek_last_error();
        /* the end of the text reads as "no start line": that one is no error */
        if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
            ERR_clear_error();
    }
    if (all && ERR_peek_error()) {
        sk_X509_pop_free(all, X509_free);
        all = NULL;
    }
    BIO_free(b);
    return all;
}

/* The certificate (chain first, then its issuers) and key of a context. */
static int use_certificate(SSL_CTX *c, const char *cert, size_t cert_len, const char *key,
                           size_t key_len)
{
    STACK_OF(X509) *chain = pem_certificates(cert, cert_len);
    BIO *b;
    EVP_PKEY *pkey;
    int ok;

    if (!chain)
        return 0;
    ok = SSL_CTX_use_certificate(c, sk_X509_value(chain, 0)) == 1;
    for (int i = 1; ok && i < sk_X509_num(chain); i++)
        ok = SSL_CTX_add1_chain_cert(c, sk_X509_value(chain, i)) == 1;
    sk_X509_pop_free(chain, X509_free);
    if (!ok)
        return 0;
    b = BIO_new_mem_buf(key, (int)key_len);
    pkey = b ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL) : NULL;
    BIO_free(b);
    ok = pkey && SSL_CTX_use_PrivateKey(c, pkey) == 1 && SSL_CTX_check_private_key(c) == 1;
    EVP_PKEY_free(pkey);
    return ok;
}

/* Trust exactly the certificates of a PEM text. */
static int use_ca(SSL_CTX *c, const char *pem, size_t len)
{
    STACK_OF(X509) *all = pem_certificates(pem, len);
    X509_STORE *store = SSL_CTX_get_cert_store(c);
    int ok = all != NULL;

    for (int i = 0; ok && i < sk_X509_num(all); i++)
        ok = X509_STORE_add_cert(store, sk_X509_value(all, i)) == 1;
    sk_X509_pop_free(all, X509_free);
    return ok;
}

static int servername_cb(SSL *ssl, int *alert, void *arg);
static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg);

/* createContext(server, cert, key, ca, minVersion, maxVersion) -> context ID.
   cert and key are PEM strings (or both undefined); ca, for a client, a PEM
   string of the certificates to trust instead of the system's. */
static JSValue js_tls_create_context(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv)
{
    int server = JS_ToBool(ctx, argv[0]);
    const char *cert = NULL, *key = NULL, *ca = NULL;
    size_t cert_len = 0, key_len = 0, ca_len = 0;
    int64_t min_version = TLS1_2_VERSION, max_version = 0;
    js_context *c = NULL;
    SSL_CTX *sc = NULL;
    JSValue ret = JS_EXCEPTION;

    if ((!JS_IsUndefined(argv[1]) && !(cert = coro_arg_string(ctx, argv[1], "cert", &cert_len))) ||
        (!JS_IsUndefined(argv[2]) && !(key = coro_arg_string(ctx, argv[2], "key", &key_len))) ||
        (!JS_IsUndefined(argv[3]) && !(ca = coro_arg_string(ctx, argv[3], "ca", &ca_len))) ||
        (!JS_IsUndefined(argv[4]) &&
         coro_arg_integer(ctx, argv[4], "minVersion", TLS1_2_VERSION, TLS1_3_VERSION, &min_version) < 0) ||
        (!JS_IsUndefined(argv[5]) &&
         coro_arg_integer(ctx, argv[5], "maxVersion", TLS1_2_VERSION, TLS1_3_VERSION, &max_version) < 0))
        goto done;
    if (!cert != !key) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "cert and key go together: one was given without the other");
        goto done;
    }
    ERR_clear_error();
    sc = SSL_CTX_new(TLS_method());
    if (!sc || !SSL_CTX_set_min_proto_version(sc, (int)min_version) ||
        !SSL_CTX_set_max_proto_version(sc, (int)max_version)) {
        throw_queue_error(ctx, "SSL_CTX_new failed");
        goto done;
    }
    SSL_CTX_set_options(sc, SSL_OP_NO_RENEGOTIATION | (server ? SSL_OP_CIPHER_SERVER_PREFERENCE : 0));
    SSL_CTX_set_mode(sc, SSL_MODE_RELEASE_BUFFERS); /* an idle connection keeps no buffers */
    if (server) {
        SSL_CTX_set_tlsext_servername_callback(sc, servername_cb);
        SSL_CTX_set_alpn_select_cb(sc, alpn_cb, NULL);
    }
    if ((cert && !use_certificate(sc, cert, cert_len, key, key_len)) ||
        (!server && ca && !use_ca(sc, ca, ca_len)) ||
        (!server && !ca && !SSL_CTX_set_default_verify_paths(sc))) {
        throw_queue_error(ctx, "cannot load the certificates");
        goto done;
    }
    c = coro_new_handle(ctx, sizeof *c, &context_type);
    if (c) {
        c->ctx = sc;
        sc = NULL;
        ret = JS_NewBigUint64(ctx, c->h.id);
    }
done:
    SSL_CTX_free(sc);
    JS_FreeCString(ctx, cert);
    JS_FreeCString(ctx, key);
    JS_FreeCString(ctx, ca);
    return ret;
}

/* ------------------------------------------------------------------ */
/* TLS socket lifetime */

static void tls_finalize(coro_stream *s)
{
    js_tls *t = (js_tls *)s;

    SSL_free(t->ssl);
    coro_stream_release(t->sock);
}

/* Send what OpenSSL has for the peer, as far as the stream takes it now:
   the last word (an alert, close_notify) where nothing may park. */
static void tls_send_now(js_tls *t)
{
    char *p = NULL;
    long n = BIO_get_mem_data(t->wbio, &p);

    if (n > 0)
        coro_stream_try_write(t->sock, (const uint8_t *)p, (size_t)n);
    (void)BIO_reset(t->wbio);
}

/* Close: say close_notify if no write is half done, close the stream below,
   wake the fibers waiting on it. Never blocks. */
static void tls_close(coro_stream *s)
{
    js_tls *t = (js_tls *)s;

    if (!t->writing && !t->ended && !t->fatal) {
        t->ended = 1;
        ERR_clear_error();
        SSL_shutdown(t->ssl);
        ERR_clear_error();
        tls_send_now(t);
    }
    coro_stream_close(t->sock);
    coro_waitq_wake_all(&t->readq, UV_EBADF);
    coro_waitq_wake_all(&t->writeq, UV_EBADF);
}

/* The TLS socket named by a handle ID, held until tls_release. */
static js_tls *tls_arg(JSContext *ctx, JSValueConst id)
{
    js_tls *t = (js_tls *)coro_arg_handle(ctx, id, &tls_type);

    if (t)
        coro_stream_retain(&t->s);
    return t;
}

static void tls_release(js_tls *t)
{
    coro_stream_release(&t->s);
}

/* ------------------------------------------------------------------ */
/* moving ciphertext */

/* Send everything OpenSSL has for the peer; the caller has the write turn
   (or the socket is still its own, handshaking). Returns 0 or a negative
   error of coro_stream_write. */
static int tls_flush(JSContext *ctx, js_tls *t)
{
    size_t n;

    while ((n = BIO_ctrl_pending(t->wbio)) > 0) {
        /* a copy: while this fiber waits, a reader may add to the BIO */
        uint8_t *buf = malloc(n);
        int st;

        if (!buf)
            return UV_ENOMEM;
        BIO_read(t->wbio, buf, (int)n);
        st = coro_stream_write(ctx, t->sock, buf, n);
        free(buf);
        if (st < 0)
            return st;
    }
    return 0;
}

/* A memory BIO keeps the largest buffer it ever held. Before a connection
   goes idle, a big empty one is swapped for a new one, so an idle
   connection costs the same after a large transfer as before. Safe
   whenever a BIO is empty: no fiber keeps a pointer into one while it
   waits. */
static void tls_trim(js_tls *t)
{
    BUF_MEM *m;
    BIO *b;

    if (BIO_ctrl_pending(t->rbio) == 0 && BIO_get_mem_ptr(t->rbio, &m) > 0 &&
        m->max > TRIM_SIZE && (b = BIO_new(BIO_s_mem()))) {
        SSL_set0_rbio(t->ssl, b); /* frees the old one */
        t->rbio = b;
    }
    if (BIO_ctrl_pending(t->wbio) == 0 && BIO_get_mem_ptr(t->wbio, &m) > 0 &&
        m->max > TRIM_SIZE && (b = BIO_new(BIO_s_mem()))) {
        SSL_set0_wbio(t->ssl, b);
        t->wbio = b;
    }
}

/* Give OpenSSL the next ciphertext from the peer, waiting up to ms (0 =
   forever). Returns > 0, 0 at the end of the stream, or a negative error. */
static ssize_t tls_feed(JSContext *ctx, js_tls *t, uint64_t ms)
{
    uint8_t *buf = NULL;
    ssize_t n = coro_stream_read(ctx, t->sock, &buf, ms);

    if (n > 0) {
        int w = BIO_write(t->rbio, buf, (int)n);
        js_free(ctx, buf);
        if (w != (int)n)
            return UV_ENOMEM;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* the handshake */

static uint64_t ms_left(uint64_t deadline);

/* OpenSSL's servername callback, inside SSL_do_handshake on the
   connection's fiber: ask the library's select() for the context of the
   name the client asked for ('' when it named none), and switch to it.
   select() gets the ms the handshake has left, which bound its wait for
   the certificate resolver. */
static int servername_cb(SSL *ssl, int *alert, void *arg)
{
    js_tls *t = SSL_get_app_data(ssl);
    JSContext *ctx;
    const char *name;
    JSValue argv[2], ret;
    js_context *c;

    if (!t || JS_IsUndefined(t->select) || !JS_IsUndefined(t->failure))
        return SSL_TLSEXT_ERR_OK;
    ctx = t->ctx;
    name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    argv[0] = JS_NewString(ctx, name ? name : "");
    argv[1] = t->deadline ? JS_NewInt64(ctx, (int64_t)ms_left(t->deadline)) : JS_UNDEFINED;
    ret = JS_Call(ctx, t->select, JS_UNDEFINED, 2, argv);
    JS_FreeValue(ctx, argv[0]);
    ERR_clear_error(); /* what other fibers left there while JS ran */
    if (JS_IsException(ret)) {
        /* thrown once the handshake has failed (the uncatchable error of
           a teardown too: it stays uncatchable) */
        t->failure = JS_GetException(ctx);
        if (JS_IsUninitialized(t->failure)) /* never a non-value for JS to catch */
            t->failure = JS_NewError(ctx);
        *alert = SSL_AD_INTERNAL_ERROR;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    if (JS_IsUndefined(ret) || JS_IsNull(ret)) {
        char msg[320];
        snprintf(msg, sizeof msg, name ? "no certificate for the server name '%.255s'"
                                       : "no certificate for a client that names no server", name);
        t->failure = JS_NewError(ctx);
        JS_SetPropertyStr(ctx, t->failure, "message", JS_NewString(ctx, msg));
        JS_SetPropertyStr(ctx, t->failure, "code", JS_NewString(ctx, "ERR_TLS_NO_CERTIFICATE"));
        JS_SetPropertyStr(ctx, t->failure, "servername", JS_NewString(ctx, name ? name : ""));
        *alert = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    c = (js_context *)coro_arg_handle(ctx, ret, &context_type);
    JS_FreeValue(ctx, ret);
    if (!c) {
        t->failure = JS_GetException(ctx);
        *alert = SSL_AD_INTERNAL_ERROR;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    SSL_set_SSL_CTX(ssl, c->ctx);
    return SSL_TLSEXT_ERR_OK;
}

/* The server's choice among the client's protocols, by the server's order;
   none in common fails the handshake (no_application_protocol). */
static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg)
{
    js_tls *t = SSL_get_app_data(ssl);

    if (!t || !t->has_alpn)
        return SSL_TLSEXT_ERR_NOACK;
    if (SSL_select_next_proto((unsigned char **)out, outlen, t->alpn.data, (unsigned)t->alpn.len,
                              in, inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    return SSL_TLSEXT_ERR_OK;
}

/* OpenSSL's verify callback: keep the certificate a failed verification
   was about (a failed handshake keeps none), for the error message. */
static int verify_cb(int ok, X509_STORE_CTX *store)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    js_tls *t = ssl ? SSL_get_app_data(ssl) : NULL;
    X509 *x = X509_STORE_CTX_get_current_cert(store);

    if (!ok && t && !t->rejected && x && X509_up_ref(x))
        t->rejected = x;
    return ok;
}

/* A TLS socket over the net socket `net_id` with the context `ctx_id`, not
   registered yet; NULL with an exception pending. */
static js_tls *tls_new(JSContext *ctx, JSValueConst net_id, JSValueConst ctx_id, int server)
{
    js_context *c = (js_context *)coro_arg_handle(ctx, ctx_id, &context_type);
    coro_stream *s;
    js_tls *t;

    if (!c || !(s = coro_stream_hold(ctx, net_id)))
        return NULL;
    t = calloc(1, sizeof *t);
    if (t) {
        coro_stream_init(&t->s, coro_isolate_of(ctx), &tls_type, &tls_ops);
        t->sock = s;
        t->server = server;
        t->ctx = ctx;
        t->select = JS_UNDEFINED;
        t->failure = JS_UNDEFINED;
        ERR_clear_error();
        t->ssl = SSL_new(c->ctx);
        t->rbio = BIO_new(BIO_s_mem());
        t->wbio = BIO_new(BIO_s_mem());
    }
    if (!t || !t->ssl || !t->rbio || !t->wbio) {
        if (t) {
            BIO_free(t->rbio);
            BIO_free(t->wbio);
            SSL_free(t->ssl);
            free(t);
        }
        coro_stream_release(s);
        ERR_clear_error();
        JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    SSL_set_app_data(t->ssl, t);
    if (server)
        SSL_set_accept_state(t->ssl);
    else
        SSL_set_connect_state(t->ssl);
    return t;
}

/* Drop a TLS socket whose handshake failed, and its connection. */
static void tls_discard(JSContext *ctx, js_tls *t)
{
    tls_send_now(t); /* the alert, if OpenSSL made one */
    coro_stream_close(t->sock);
    coro_stream_release(t->sock);
    JS_FreeValue(ctx, t->failure);
    if (t->has_alpn)
        coro_bytes_free(ctx, &t->alpn);
    SSL_free(t->ssl);
    free(t);
}

/* ms left until the deadline (ns of uv_hrtime, 0 = none), at least 1;
   0 when it has passed. */
static uint64_t ms_left(uint64_t deadline)
{
    uint64_t now = uv_hrtime();

    if (now >= deadline)
        return 0;
    return (deadline - now + 999999) / 1000000;
}

/* Run the handshake of a new TLS socket to its end within timeout ms (0 =
   no limit). Returns its handle ID, or throws after dropping it. */
static JSValue tls_handshake(JSContext *ctx, js_tls *t, uint64_t timeout)
{
    uint64_t deadline = t->deadline = timeout ? uv_hrtime() + timeout * 1000000 : 0;
    uint64_t saved = t->sock->timeout;
    JSValue err = JS_UNDEFINED;
    int st = 0;

    for (;;) {
        int r, e;
        ssize_t n;

        ERR_clear_error();
        r = SSL_do_handshake(t->ssl);
        e = r == 1 ? SSL_ERROR_NONE : SSL_get_error(t->ssl, r);
        if (!JS_IsUndefined(t->failure)) { /* a callback's own error */
            ERR_clear_error();
            err = t->failure;
            t->failure = JS_UNDEFINED;
            break;
        }
        if (e != SSL_ERROR_NONE && e != SSL_ERROR_WANT_READ) {
            err = call_error(ctx, t, e, "handshake");
            break;
        }
        if (deadline && !ms_left(deadline)) {
            st = UV_ETIMEDOUT;
            break;
        }
        t->sock->timeout = deadline ? ms_left(deadline) : saved;
        st = tls_flush(ctx, t);
        if (st < 0 || e == SSL_ERROR_NONE)
            break;
        n = tls_feed(ctx, t, deadline ? ms_left(deadline) : saved);
        if (n <= 0) {
            st = n < 0 ? (int)n : UV_ECONNRESET;
            break;
        }
    }
    t->sock->timeout = saved;
    t->select = JS_UNDEFINED;
    X509_free(t->rejected);
    t->rejected = NULL;
    if (t->has_alpn) {
        coro_bytes_free(ctx, &t->alpn);
        t->has_alpn = 0;
    }
    if (st == 0 && JS_IsUndefined(err) && coro_handles_add(&t->s.h.iso->handles, &t->s.h))
        return JS_NewBigUint64(ctx, t->s.h.id);
    tls_discard(ctx, t);
    if (!JS_IsUndefined(err))
        return JS_Throw(ctx, err);
    if (st == 0)
        return JS_ThrowOutOfMemory(ctx);
    if (st == UV_ECONNRESET) {
        err = coro_stream_error(ctx, st, "handshake");
        JS_SetPropertyStr(ctx, err, "message", JS_NewString(ctx,
            "the peer closed the connection before the TLS handshake was done"));
        return JS_Throw(ctx, err);
    }
    return coro_stream_throw(ctx, st, "handshake");
}

static int arg_timeout(JSContext *ctx, JSValueConst v, uint64_t *ms)
{
    *ms = 0;
    return JS_IsUndefined(v) ? 0 : coro_arg_ms(ctx, v, "timeout", ms);
}

/* accept(netId, contextId, select, alpn, timeoutMs) -> TLS socket ID, once
   the server's side of the handshake is done. select(servername) returns
   the ID of the context to use, or undefined for none (undefined as
   select: the context given). alpn: the protocols in wire format. */
static JSValue js_tls_accept(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    uint64_t timeout;
    js_tls *t;

    if ((!JS_IsUndefined(argv[2]) && coro_arg_function(ctx, argv[2], "select") < 0) ||
        arg_timeout(ctx, argv[4], &timeout) < 0)
        return JS_EXCEPTION;
    t = tls_new(ctx, argv[0], argv[1], 1);
    if (!t)
        return JS_EXCEPTION;
    t->select = argv[2];
    if (!JS_IsUndefined(argv[3])) {
        if (coro_arg_bytes(ctx, argv[3], "alpn", &t->alpn) < 0) {
            tls_discard(ctx, t);
            return JS_EXCEPTION;
        }
        t->has_alpn = 1;
    }
    return tls_handshake(ctx, t, timeout);
}

/* connect(netId, contextId, servername, verifyName, rejectUnauthorized,
   alpn, timeoutMs) -> TLS socket ID, once the client's side of the
   handshake is done. servername: the SNI name (undefined: none).
   verifyName: the host name or IP address the certificate must be for. */
static JSValue js_tls_connect(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *servername = NULL, *verify_name = NULL;
    struct sockaddr_storage ss;
    X509_VERIFY_PARAM *param;
    coro_bytes alpn;
    uint64_t timeout;
    js_tls *t = NULL;
    JSValue ret = JS_EXCEPTION;
    int ok;

    if ((!JS_IsUndefined(argv[2]) && !(servername = coro_arg_string(ctx, argv[2], "servername", NULL))) ||
        !(verify_name = coro_arg_string(ctx, argv[3], "host", NULL)) ||
        arg_timeout(ctx, argv[6], &timeout) < 0 ||
        !(t = tls_new(ctx, argv[0], argv[1], 0)))
        goto done;
    param = SSL_get0_param(t->ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (coro_sockaddr_parse(verify_name, 0, &ss) == 0)
        ok = X509_VERIFY_PARAM_set1_ip_asc(param, verify_name);
    else
        ok = X509_VERIFY_PARAM_set1_host(param, verify_name, 0);
    if (ok && servername && *servername)
        ok = SSL_set_tlsext_host_name(t->ssl, servername);
    if (ok && !JS_IsUndefined(argv[5])) {
        if (coro_arg_bytes(ctx, argv[5], "alpn", &alpn) < 0) {
            tls_discard(ctx, t);
            goto done;
        }
        ok = SSL_set_alpn_protos(t->ssl, alpn.data, (unsigned)alpn.len) == 0; /* 0 is success */
        coro_bytes_free(ctx, &alpn);
    }
    if (!ok) {
        tls_discard(ctx, t);
        throw_queue_error(ctx, "cannot set up the connection");
        goto done;
    }
    t->verify = JS_ToBool(ctx, argv[4]);
    t->verify_name = verify_name;
    SSL_set_verify(t->ssl, t->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, verify_cb);
    ret = tls_handshake(ctx, t, timeout);
done:
    JS_FreeCString(ctx, servername);
    JS_FreeCString(ctx, verify_name);
    return ret;
}

/* ------------------------------------------------------------------ */
/* reading and writing */

/* If OpenSSL has something for the peer and nobody is writing, send it. A
   writer that has the turn sends it otherwise, as it sends until the BIO is
   empty. A failure shows in the next read or write; only teardown counts. */
static int flush_if_idle(JSContext *ctx, js_tls *t)
{
    int st = 0;

    if (!t->writing && BIO_ctrl_pending(t->wbio) > 0) {
        t->writing = 1;
        st = tls_flush(ctx, t);
        coro_turn_give(&t->writing, &t->writeq);
    }
    return st == CORO_ETERMINATED ? st : 0;
}

/* Up to READ_SIZE bytes of plaintext: what the next record(s) hold. */
/* An OpenSSL failure, its JS error returned beside it. */
#define TLS_EFAILED (-50001)

/* Read what is there, or wait for it; the caller holds the read turn.
   Returns its length with *out a js_malloc'ed buffer, 0 at the end, a
   negative error, or TLS_EFAILED with *error set. */
static ssize_t tls_read_raw(JSContext *ctx, js_tls *t, uint8_t **out, JSValue *error, uint64_t ms)
{
    uint8_t *buf = NULL;
    size_t total = 0;
    JSValue err = JS_UNDEFINED;
    int st = 0;

    while (!t->eof) {
        int n, e;
        ssize_t got;

        if (!buf && !(buf = js_malloc(ctx, READ_SIZE))) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            return UV_ENOMEM;
        }
        ERR_clear_error();
        n = SSL_read(t->ssl, buf + total, (int)(READ_SIZE - total));
        if (n > 0) {
            total += (size_t)n;
            if (total == READ_SIZE)
                break;
            continue; /* more may be there without waiting */
        }
        e = SSL_get_error(t->ssl, n);
        if (e == SSL_ERROR_ZERO_RETURN) { /* close_notify */
            ERR_clear_error();
            t->eof = 1;
            break;
        }
        if (e != SSL_ERROR_WANT_READ) {
            err = call_error(ctx, t, e, "read");
            break;
        }
        if (total > 0)
            break;
        if ((st = flush_if_idle(ctx, t)) < 0)
            break;
        js_free(ctx, buf); /* a reader waiting for data holds no buffer */
        buf = NULL;
        tls_trim(t);
        got = tls_feed(ctx, t, ms);
        if (got < 0) {
            st = (int)got;
            break;
        }
        if (got == 0) {
            /* The peer closed without close_notify. At a record boundary
               that is the end, as Node and Go take it; in the middle of a
               record the data was cut short. */
            if (SSL_has_pending(t->ssl) || BIO_ctrl_pending(t->rbio) > 0) {
                err = coro_stream_error(ctx, UV_ECONNRESET, "read");
                JS_SetPropertyStr(ctx, err, "message",
                                  JS_NewString(ctx, "the peer closed the connection in the middle of a TLS record"));
                break;
            }
            t->eof = 1;
        }
    }
    if (st == 0 && JS_IsUndefined(err))
        st = flush_if_idle(ctx, t); /* what SSL_read made without waiting */
    if (st < 0 || !JS_IsUndefined(err) || total == 0) {
        js_free(ctx, buf);
        if (st < 0) {
            JS_FreeValue(ctx, err);
            return st;
        }
        *error = err;
        return JS_IsUndefined(err) ? 0 : TLS_EFAILED;
    }
    if (total < READ_SIZE / 2) { /* do not keep a mostly empty 64 KiB buffer alive */
        uint8_t *small = js_realloc(ctx, buf, total);
        if (small)
            buf = small;
    }
    *out = buf;
    return (ssize_t)total;
}

static JSValue tls_read(JSContext *ctx, js_tls *t)
{
    JSValue err = JS_UNDEFINED;
    uint8_t *buf = NULL;
    ssize_t n = tls_read_raw(ctx, t, &buf, &err, t->sock->timeout);

    if (n > 0)
        return coro_new_uint8array(ctx, buf, (size_t)n);
    if (n == 0)
        return JS_NULL;
    if (n == TLS_EFAILED)
        return JS_Throw(ctx, err);
    return coro_stream_throw(ctx, (int)n, "read");
}

/* readBytes(id) -> Uint8Array, or null at the end of the stream */
static JSValue js_tls_read_bytes(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_tls *t = tls_arg(ctx, argv[0]);
    JSValue ret;
    int st;

    if (!t)
        return JS_EXCEPTION;
    st = coro_turn_take(ctx, &t->reading, &t->readq, &t->s.life.closed);
    if (st < 0) {
        ret = coro_stream_throw(ctx, st, "read");
    } else {
        ret = tls_read(ctx, t);
        coro_turn_give(&t->reading, &t->readq);
    }
    tls_release(t);
    return ret;
}

/* write(id, data) -> bytes written, as a BigInt, once the kernel has taken
   all of it */
/* Encrypt and send len bytes; the caller holds the write turn. Returns 0,
   a negative error, or TLS_EFAILED with *err set. */
static int tls_write_raw(JSContext *ctx, js_tls *t, const uint8_t *data, size_t len, JSValue *err)
{
    int st = t->ended ? UV_EPIPE : 0; /* after end(), as a socket says */

    for (size_t off = 0; st == 0 && off < len;) {
        int chunk = (int)(len - off < WRITE_CHUNK ? len - off : WRITE_CHUNK), n;

        ERR_clear_error();
        n = SSL_write(t->ssl, data + off, chunk);
        if (n <= 0) {
            *err = call_error(ctx, t, SSL_get_error(t->ssl, n), "write");
            return TLS_EFAILED;
        }
        off += (size_t)n;
        st = tls_flush(ctx, t);
    }
    return st;
}

static JSValue js_tls_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue err = JS_UNDEFINED;
    coro_bytes b;
    js_tls *t;
    int st;

    if (coro_arg_bytes(ctx, argv[1], "data", &b) < 0)
        return JS_EXCEPTION;
    t = tls_arg(ctx, argv[0]);
    if (!t) {
        coro_bytes_free(ctx, &b);
        return JS_EXCEPTION;
    }
    st = coro_turn_take(ctx, &t->writing, &t->writeq, &t->s.life.closed);
    if (st == 0) {
        st = tls_write_raw(ctx, t, b.data, b.len, &err);
        coro_turn_give(&t->writing, &t->writeq);
        tls_trim(t);
    }
    tls_release(t);
    coro_bytes_free(ctx, &b);
    if (st < 0 && st != TLS_EFAILED)
        return coro_stream_throw(ctx, st, "write");
    if (!JS_IsUndefined(err))
        return JS_Throw(ctx, err);
    return JS_NewBigUint64(ctx, b.len);
}

/* end(id): close_notify, then the socket's half-close; reading goes on.
   Twice is nothing. */
/* close_notify, then half-close; the caller holds the write turn. */
static int tls_end_raw(JSContext *ctx, js_tls *t)
{
    int st;

    if (t->ended)
        return 0;
    t->ended = 1;
    ERR_clear_error();
    SSL_shutdown(t->ssl);
    ERR_clear_error();
    st = tls_flush(ctx, t);
    return st == 0 ? coro_stream_shutdown(ctx, t->sock) : st;
}

static JSValue js_tls_end(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_tls *t = tls_arg(ctx, argv[0]);
    int st;

    if (!t)
        return JS_EXCEPTION;
    st = coro_turn_take(ctx, &t->writing, &t->writeq, &t->s.life.closed);
    if (st == 0) {
        st = tls_end_raw(ctx, t);
        coro_turn_give(&t->writing, &t->writeq);
    }
    tls_release(t);
    return st < 0 ? coro_stream_throw(ctx, st, "shutdown") : JS_UNDEFINED;
}

/* close(id), closeContext(id). Closing twice is an EBADF. */
static JSValue js_tls_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                            int magic)
{
    return coro_close_arg_handle(ctx, argv[0], magic ? &context_type : &tls_type);
}

/* ------------------------------------------------------------------ */
/* what the handshake settled */

/* info(id) -> { protocol, cipher, alpnProtocol, servername, authorized,
   authorizationError } */
static JSValue js_tls_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    js_tls *t = (js_tls *)coro_arg_handle(ctx, argv[0], &tls_type);
    const unsigned char *alpn = NULL;
    unsigned alpn_len = 0;
    long v;
    JSValue o;

    if (!t)
        return JS_EXCEPTION;
    o = JS_NewObject(ctx);
    coro_set_str(ctx, o, "protocol", SSL_get_version(t->ssl));
    coro_set_str(ctx, o, "cipher", SSL_get_cipher_name(t->ssl));
    SSL_get0_alpn_selected(t->ssl, &alpn, &alpn_len);
    JS_SetPropertyStr(ctx, o, "alpnProtocol",
                      alpn_len ? JS_NewStringLen(ctx, (const char *)alpn, alpn_len) : JS_FALSE);
    coro_set_str(ctx, o, "servername", SSL_get_servername(t->ssl, TLSEXT_NAMETYPE_host_name));
    if (!t->server) {
        v = SSL_get_verify_result(t->ssl);
        if (!SSL_get0_peer_certificate(t->ssl) && v == X509_V_OK)
            v = X509_V_ERR_UNSPECIFIED;
        JS_SetPropertyStr(ctx, o, "authorized", JS_NewBool(ctx, v == X509_V_OK));
        if (v != X509_V_OK)
            coro_set_str(ctx, o, "authorizationError", verify_code(v));
    } else {
        JS_SetPropertyStr(ctx, o, "authorized", JS_FALSE); /* no client certificates */
    }
    return o;
}

/* An X509_NAME ("CN=a.test,O=Example") or time ("Nov 21 06:39:00 2025 GMT")
   printed by OpenSSL. */
static JSValue name_string(JSContext *ctx, const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    JSValue s = JS_UNDEFINED;

    if (b && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
        s = bio_string(ctx, b);
    BIO_free(b);
    return s;
}

static JSValue time_string(JSContext *ctx, const ASN1_TIME *tm)
{
    BIO *b = BIO_new(BIO_s_mem());
    JSValue s = JS_UNDEFINED;

    if (b && ASN1_TIME_print(b, tm))
        s = bio_string(ctx, b);
    BIO_free(b);
    return s;
}

/* peerCertificate(id) -> { subject, issuer, subjectaltname, valid_from,
   valid_to, serialNumber, fingerprint256 }, or null without one */
static JSValue js_tls_peer_certificate(JSContext *ctx, JSValueConst this_val, int argc,
                                       JSValueConst *argv)
{
    js_tls *t = (js_tls *)coro_arg_handle(ctx, argv[0], &tls_type);
    unsigned char md[EVP_MAX_MD_SIZE];
    char hex[EVP_MAX_MD_SIZE * 3 + 1];
    unsigned md_len = 0;
    BIGNUM *bn;
    char *serial;
    X509 *x;
    JSValue o;

    if (!t)
        return JS_EXCEPTION;
    x = SSL_get0_peer_certificate(t->ssl);
    if (!x)
        return JS_NULL;
    o = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, o, "subject", name_string(ctx, X509_get_subject_name(x)));
    JS_SetPropertyStr(ctx, o, "issuer", name_string(ctx, X509_get_issuer_name(x)));
    JS_SetPropertyStr(ctx, o, "subjectaltname", altnames(ctx, x));
    JS_SetPropertyStr(ctx, o, "valid_from", time_string(ctx, X509_get0_notBefore(x)));
    JS_SetPropertyStr(ctx, o, "valid_to", time_string(ctx, X509_get0_notAfter(x)));
    bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    serial = bn ? BN_bn2hex(bn) : NULL;
    coro_set_str(ctx, o, "serialNumber", serial);
    OPENSSL_free(serial);
    BN_free(bn);
    if (X509_digest(x, EVP_sha256(), md, &md_len)) {
        for (unsigned i = 0; i < md_len; i++)
            snprintf(hex + 3 * i, 4, i + 1 < md_len ? "%02X:" : "%02X", md[i]);
        coro_set_str(ctx, o, "fingerprint256", hex);
    }
    ERR_clear_error();
    return o;
}

static const JSCFunctionListEntry tls_funcs[] = {
    JS_CFUNC_DEF("createContext", 6, js_tls_create_context),
    JS_CFUNC_DEF("accept", 5, js_tls_accept),
    JS_CFUNC_DEF("connect", 7, js_tls_connect),
    JS_CFUNC_DEF("readBytes", 1, js_tls_read_bytes),
    JS_CFUNC_DEF("write", 2, js_tls_write),
    JS_CFUNC_DEF("end", 1, js_tls_end),
    JS_CFUNC_MAGIC_DEF("close", 1, js_tls_close, 0),
    JS_CFUNC_MAGIC_DEF("closeContext", 1, js_tls_close, 1),
    JS_CFUNC_DEF("info", 1, js_tls_info),
    JS_CFUNC_DEF("peerCertificate", 1, js_tls_peer_certificate),
    JS_PROP_INT32_DEF("TLS1_2_VERSION", TLS1_2_VERSION, 0),
    JS_PROP_INT32_DEF("TLS1_3_VERSION", TLS1_3_VERSION, 0),
};

/* ------------------------------------------------------------------ */
/* a TLS connection as a stream (core/stream.h), for HTTP and friends */

static int tls_readable(const coro_stream *s)
{
    const js_tls *t = (const js_tls *)s;

    return s->life.closed || t->eof || SSL_pending(t->ssl) > 0 || BIO_ctrl_pending(t->rbio) > 0 ||
           coro_stream_readable(t->sock);
}

static ssize_t tls_read_op(JSContext *ctx, coro_stream *s, uint8_t **buf, uint64_t ms)
{
    js_tls *t = (js_tls *)s;
    JSValue err = JS_UNDEFINED;
    ssize_t n;
    int st = coro_turn_take(ctx, &t->reading, &t->readq, &s->life.closed);

    if (st < 0)
        return st;
    n = tls_read_raw(ctx, t, buf, &err, ms);
    coro_turn_give(&t->reading, &t->readq);
    if (n == TLS_EFAILED) {
        JS_FreeValue(ctx, err);
        n = UV_EPROTO;
    }
    return n;
}

/* Always from a copy: encrypting is copying, and the copy is one piece
   safe from JS while the fiber waits. */
static int tls_writev_op(JSContext *ctx, coro_stream *s, const uv_buf_t *bufs, unsigned n, int copy)
{
    js_tls *t = (js_tls *)s;
    JSValue err = JS_UNDEFINED;
    size_t total = 0, at = 0;
    uint8_t *joined;
    int st;

    for (unsigned i = 0; i < n; i++)
        total += bufs[i].len;
    joined = js_malloc(ctx, total ? total : 1);
    if (!joined)
        return UV_ENOMEM;
    for (unsigned i = 0; i < n; i++, at += bufs[i - 1].len)
        memcpy(joined + at, bufs[i].base, bufs[i].len);
    st = coro_turn_take(ctx, &t->writing, &t->writeq, &s->life.closed);
    if (st == 0) {
        st = tls_write_raw(ctx, t, joined, total, &err);
        coro_turn_give(&t->writing, &t->writeq);
        tls_trim(t);
    }
    js_free(ctx, joined);
    if (st == TLS_EFAILED) {
        JS_FreeValue(ctx, err);
        st = UV_EPROTO;
    }
    return st;
}

static int tls_shutdown_op(JSContext *ctx, coro_stream *s)
{
    js_tls *t = (js_tls *)s;
    int st = coro_turn_take(ctx, &t->writing, &t->writeq, &s->life.closed);

    if (st == 0) {
        st = tls_end_raw(ctx, t);
        coro_turn_give(&t->writing, &t->writeq);
    }
    return st;
}

static coro_stream *tls_below(coro_stream *s)
{
    return ((js_tls *)s)->sock;
}

static const coro_stream_ops tls_ops = {
    .read = tls_read_op,
    .writev = tls_writev_op,
    .shutdown = tls_shutdown_op,
    .readable = tls_readable,
    .close = tls_close,
    .below = tls_below,
    .finalize = tls_finalize,
};

int coro_prim_tls_init(JSContext *ctx, JSValueConst ns)
{
    JS_SetPropertyFunctionList(ctx, ns, tls_funcs, sizeof tls_funcs / sizeof tls_funcs[0]);
    return 0;
}

/* For tls_wrap.c (node:tls): the same errors and names. */
JSValue coro__tls_ossl_error(JSContext *ctx, unsigned long e)
{
    return ossl_error(ctx, e);
}

const char *coro__tls_verify_code(long v)
{
    return verify_code(v);
}
