/*
 * prim/tls_context.c: the crypto binding's SecureContext for node:tls (an
 * SSL_CTX: keys, certificates, CAs, CRLs, ciphers, protocol versions,
 * session ticket keys), part of __primordials.tls_wrap (tls_wrap.c has the
 * connections), and the lists tls.rootCertificates and tls.getCiphers()
 * read.
 *
 * Session tickets use Node's 48-byte keys (16 name, 16 HMAC-SHA256, 16
 * AES-128-CBC), as Node's TicketCompatibilityCallback, so getTicketKeys and
 * setTicketKeys keep their meaning; they live with the SSL_CTX (ex data).
 */
#include <string.h>
#include <time.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <uv.h>

#include "prim.h"
#include "core/binding.h"
#include "crypto.h"
#include "tls_wrap.h"

static JSClassID sc_class;
static int keys_index = -1;  /* SSL_CTX ex data: the 48 ticket key bytes */

/* ------------------------------------------------------------------ */
/* helpers */

JSValue coro__tls_bytes(JSContext *ctx, const void *p, size_t n)
{
    uint8_t *buf = js_malloc(ctx, n ? n : 1);

    if (!buf)
        return JS_EXCEPTION;
    if (n)
        memcpy(buf, p, n);
    return coro_new_uint8array(ctx, buf, n);
}

/* A TypeError or Error with Node's code. */
JSValue coro__tls_throw_coded(JSContext *ctx, int type_error, const char *code, const char *msg)
{
    JSValue e;

    if (!type_error)
        return coro_throw_code(ctx, code, "%s", msg);
    JS_ThrowTypeError(ctx, "%s", msg);
    e = JS_GetException(ctx);
    JS_SetPropertyStr(ctx, e, "code", JS_NewString(ctx, code));
    return JS_Throw(ctx, e);
}

/* OpenSSL's first queued error (or `what`) thrown as Node's crypto binding
   throws it. */
static JSValue throw_ossl(JSContext *ctx, const char *what)
{
    return coro__crypto_throw(ctx, ERR_get_error(), what);
}

/* A memory BIO over a string or bytes argument (NULL: exception pending). */
static BIO *arg_bio(JSContext *ctx, JSValueConst v, const char *name)
{
    const uint8_t *p;
    size_t len;
    const char *s = NULL;
    BIO *b;

    if (JS_IsString(v)) {
        s = JS_ToCStringLen(ctx, &len, v);
        if (!s)
            return NULL;
        p = (const uint8_t *)s;
    } else if (coro_arg_view(ctx, v, name, &p, &len) < 0) {
        return NULL;
    }
    /* a copy: the bytes must outlive JS running again */
    b = BIO_new(BIO_s_mem());
    if (b && BIO_write(b, p, (int)len) != (int)len) {
        BIO_free(b);
        b = NULL;
    }
    JS_FreeCString(ctx, s);
    if (!b)
        JS_ThrowOutOfMemory(ctx);
    return b;
}

/* An Error with a message and no code. */
static JSValue plain_error(JSContext *ctx, const char *msg)
{
    JSValue e = JS_NewError(ctx);

    JS_DefinePropertyValueStr(ctx, e, "message", JS_NewString(ctx, msg), JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    return e;
}

static int passphrase_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pass = u;
    size_t n;

    (void)rwflag;
    if (!pass)
        return 0; /* no passphrase: the empty one (OpenSSL says "bad decrypt") */
    n = strlen(pass);
    if (n > (size_t)size)
        n = (size_t)size;
    memcpy(buf, pass, n);
    return (int)n;
}

/* ------------------------------------------------------------------ */
/* SecureContext */

typedef struct {
    SSL_CTX *ctx;
    X509 *cert;   /* setCert's leaf and issuer, for getCertificate/getIssuer */
    X509 *issuer;
} secure_context;

static void sc_release(secure_context *c)
{
    SSL_CTX_free(c->ctx);
    X509_free(c->cert);
    X509_free(c->issuer);
    c->ctx = NULL;
    c->cert = c->issuer = NULL;
}

static void sc_finalizer(JSRuntime *rt, JSValue val)
{
    secure_context *c = JS_GetOpaque(val, sc_class);

    if (!c)
        return;
    sc_release(c);
    js_free_rt(rt, c);
}

static const JSClassDef sc_def = { "SecureContext", .finalizer = sc_finalizer };

static SSL_CTX *this_ctx(JSContext *ctx, JSValueConst this_val)
{
    secure_context *c = JS_GetOpaque(this_val, sc_class);

    if (!c) {
        JS_ThrowTypeError(ctx, "Illegal invocation");
        return NULL;
    }
    if (!c->ctx)
        coro__tls_throw_coded(ctx, 0, "ERR_TLS_INVALID_CONTEXT", "SecureContext is not initialized or was closed");
    return c->ctx;
}

#define THIS_CTX                               \
    SSL_CTX *sctx = this_ctx(ctx, this_val);   \
    if (!sctx)                                 \
        return JS_EXCEPTION;                   \
    ERR_clear_error()

static JSValue js_sc_ctor(JSContext *ctx, JSValueConst new_target, int argc, JSValueConst *argv)
{
    JSValue proto = JS_GetPropertyStr(ctx, new_target, "prototype");
    JSValue obj = JS_NewObjectProtoClass(ctx, proto, (int)sc_class);
    secure_context *c;

    JS_FreeValue(ctx, proto);
    if (JS_IsException(obj))
        return obj;
    c = js_mallocz(ctx, sizeof *c);
    if (!c) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    JS_SetOpaque(obj, c);
    return obj;
}

/* Node's session ticket keys (OpenSSL 1.0's 48 bytes) as Node's
   TicketCompatibilityCallback uses them. */
static int ticket_cb(SSL *ssl, unsigned char *name, unsigned char *iv, EVP_CIPHER_CTX *ectx,
                     EVP_MAC_CTX *hctx, int enc)
{
    const unsigned char *keys = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), keys_index);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"sha256", 0),
        OSSL_PARAM_construct_end(),
    };

    if (!keys)
        return -1;
    if (enc) {
        memcpy(name, keys, 16);
        if (RAND_bytes(iv, 16) <= 0 || EVP_EncryptInit_ex(ectx, EVP_aes_128_cbc(), NULL, keys + 32, iv) <= 0 ||
            EVP_MAC_init(hctx, keys + 16, 16, params) <= 0)
            return -1;
        return 1;
    }
    if (memcmp(name, keys, 16) != 0)
        return 0; /* not our key: a full handshake */
    if (EVP_DecryptInit_ex(ectx, EVP_aes_128_cbc(), NULL, keys + 32, iv) <= 0 ||
        EVP_MAC_init(hctx, keys + 16, 16, params) <= 0)
        return -1;
    return 1;
}

static void keys_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    OPENSSL_clear_free(ptr, 48);
}

/* secureProtocol's versions: 0 with min and max set, or -1 with the error
   thrown (SSLv2/SSLv3 and unknown names, as Node). */
static int protocol_method(JSContext *ctx, const char *m, int *min, int *max)
{
    static const struct { const char *name; int min, max; } methods[] = {
        { "SSLv23", -1, TLS1_2_VERSION }, { "TLS", 0, TLS1_3_VERSION }, /* -1: min as given */
        { "TLSv1", TLS1_VERSION, TLS1_VERSION }, { "TLSv1_1", TLS1_1_VERSION, TLS1_1_VERSION },
        { "TLSv1_2", TLS1_2_VERSION, TLS1_2_VERSION },
    };
    static const char *const suffixes[] = { "_method", "_server_method", "_client_method" };
    char msg[160];

    if (strncmp(m, "SSLv2_", 6) == 0 || strncmp(m, "SSLv3_", 6) == 0) {
        snprintf(msg, sizeof msg, "SSLv%c methods disabled", m[4]);
        coro__tls_throw_coded(ctx, 1, "ERR_TLS_INVALID_PROTOCOL_METHOD", msg);
        return -1;
    }
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        size_t n = strlen(methods[i].name);
        if (strncmp(m, methods[i].name, n) != 0)
            continue;
        for (size_t j = 0; j < 3; j++) {
            if (strcmp(m + n, suffixes[j]) == 0) {
                if (methods[i].min >= 0)
                    *min = methods[i].min;
                *max = methods[i].max;
                return 0;
            }
        }
    }
    snprintf(msg, sizeof msg, "Unknown method: %s", m);
    coro__tls_throw_coded(ctx, 1, "ERR_TLS_INVALID_PROTOCOL_METHOD", msg);
    return -1;
}

/* init(secureProtocol, minVersion, maxVersion) */
static JSValue js_sc_init(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    secure_context *c = JS_GetOpaque(this_val, sc_class);
    int min = 0, max = 0;
    unsigned char *keys;

    if (!c)
        return JS_ThrowTypeError(ctx, "Illegal invocation");
    if (JS_ToInt32(ctx, &min, argv[1]) < 0 || JS_ToInt32(ctx, &max, argv[2]) < 0)
        return JS_EXCEPTION;
    if (JS_IsString(argv[0])) {
        const char *m = JS_ToCString(ctx, argv[0]);
        int r = m ? protocol_method(ctx, m, &min, &max) : -1;
        JS_FreeCString(ctx, m);
        if (r < 0)
            return JS_EXCEPTION;
    }
    ERR_clear_error();
    sc_release(c);
    c->ctx = SSL_CTX_new(TLS_method());
    keys = OPENSSL_malloc(48);
    if (!c->ctx || !keys || RAND_bytes(keys, 48) <= 0 || !SSL_CTX_set_ex_data(c->ctx, keys_index, keys)) {
        OPENSSL_free(keys);
        return throw_ossl(ctx, "Error generating ticket keys");
    }
    /* Node's bundled OpenSSL's default; Debian's configuration asks for 2 */
    SSL_CTX_set_security_level(c->ctx, 1);
    SSL_CTX_set_options(c->ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    SSL_CTX_clear_mode(c->ctx, SSL_MODE_NO_AUTO_CHAIN);
    SSL_CTX_set_mode(c->ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(c->ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL |
                                               SSL_SESS_CACHE_NO_AUTO_CLEAR);
    SSL_CTX_set_min_proto_version(c->ctx, min);
    SSL_CTX_set_max_proto_version(c->ctx, max);
    SSL_CTX_set_tlsext_ticket_key_evp_cb(c->ctx, ticket_cb);
    coro__tls_conn_callbacks(c->ctx);
    return JS_UNDEFINED;
}

/* setKey(key, passphrase) */
static JSValue js_sc_set_key(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    BIO *b = arg_bio(ctx, argv[0], "key");
    const char *pass = NULL;
    EVP_PKEY *key;
    int ok;

    if (!b)
        return JS_EXCEPTION;
    if (argc > 1 && JS_IsString(argv[1]) && !(pass = JS_ToCString(ctx, argv[1]))) {
        BIO_free(b);
        return JS_EXCEPTION;
    }
    key = PEM_read_bio_PrivateKey(b, NULL, passphrase_cb, (void *)pass);
    JS_FreeCString(ctx, pass);
    BIO_free(b);
    if (!key)
        return throw_ossl(ctx, "PEM_read_bio_PrivateKey");
    ok = SSL_CTX_use_PrivateKey(sctx, key);
    EVP_PKEY_free(key);
    if (!ok)
        return throw_ossl(ctx, "SSL_CTX_use_PrivateKey");
    return JS_UNDEFINED;
}

/* setCert(cert): a PEM chain, the leaf first. */
static JSValue js_sc_set_cert(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    secure_context *c = JS_GetOpaque(this_val, sc_class);
    BIO *b = arg_bio(ctx, argv[0], "cert");
    X509 *leaf, *x;

    if (!b)
        return JS_EXCEPTION;
    leaf = PEM_read_bio_X509_AUX(b, NULL, passphrase_cb, NULL);
    if (!leaf) {
        BIO_free(b);
        return throw_ossl(ctx, "SSL_CTX_use_certificate_chain");
    }
    if (!SSL_CTX_use_certificate(sctx, leaf) || !SSL_CTX_clear_chain_certs(sctx)) {
        X509_free(leaf);
        BIO_free(b);
        return throw_ossl(ctx, "SSL_CTX_use_certificate_chain");
    }
    X509_free(c->cert);
    X509_free(c->issuer);
    c->cert = leaf;
    c->issuer = NULL;
    while ((x = PEM_read_bio_X509(b, NULL, passphrase_cb, NULL))) {
        if (!c->issuer && X509_check_issued(x, leaf) == X509_V_OK && X509_up_ref(x))
            c->issuer = x;
        if (!SSL_CTX_add0_chain_cert(sctx, x)) {
            X509_free(x);
            BIO_free(b);
            return throw_ossl(ctx, "SSL_CTX_add0_chain_cert");
        }
    }
    BIO_free(b);
    ERR_clear_error(); /* the end of the PEM data */
    return JS_UNDEFINED;
}

/* addCACert(ca): trusted certificates, also named to clients as
   acceptable issuers. */
static JSValue js_sc_add_ca_cert(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    BIO *b = arg_bio(ctx, argv[0], "ca");
    X509_STORE *store = SSL_CTX_get_cert_store(sctx);
    X509 *x;

    if (!b)
        return JS_EXCEPTION;
    while ((x = PEM_read_bio_X509_AUX(b, NULL, passphrase_cb, NULL))) {
        X509_STORE_add_cert(store, x);
        SSL_CTX_add_client_CA(sctx, x);
        X509_free(x);
    }
    BIO_free(b);
    ERR_clear_error();
    return JS_UNDEFINED;
}

/* addCRL(crl) */
static JSValue js_sc_add_crl(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    BIO *b = arg_bio(ctx, argv[0], "crl");
    X509_CRL *crl;
    X509_STORE *store = SSL_CTX_get_cert_store(sctx);

    if (!b)
        return JS_EXCEPTION;
    crl = PEM_read_bio_X509_CRL(b, NULL, passphrase_cb, NULL);
    BIO_free(b);
    if (!crl)
        return coro__tls_throw_coded(ctx, 0, "ERR_CRYPTO_OPERATION_FAILED", "Failed to parse CRL");
    X509_STORE_add_crl(store, crl);
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    X509_CRL_free(crl);
    return JS_UNDEFINED;
}

/* addRootCerts(): the system's trusted certificates (Debian's
   ca-certificates; Node has a bundled list). */
static JSValue js_sc_add_root_certs(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    X509_STORE_set_default_paths(SSL_CTX_get_cert_store(sctx));
    ERR_clear_error();
    return JS_UNDEFINED;
}

/* setCiphers/setCipherSuites/setSigalgs/setECDHCurve(string) */
enum { SET_CIPHERS, SET_SUITES, SET_SIGALGS, SET_CURVE };

static JSValue js_sc_set_list(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int which)
{
    THIS_CTX;
    const char *s = JS_ToCString(ctx, argv[0]);
    int ok = 1;
    unsigned long err;

    if (!s)
        return JS_EXCEPTION;
    switch (which) {
    case SET_CIPHERS:
        ok = SSL_CTX_set_cipher_list(sctx, s);
        err = ERR_peek_error();
        /* no TLS 1.2 cipher at all is fine when TLS 1.3's suites remain */
        if (!ok && !*s && ERR_GET_REASON(err) == SSL_R_NO_CIPHER_MATCH) {
            ok = 1;
            ERR_clear_error();
        }
        break;
    case SET_SUITES: ok = SSL_CTX_set_ciphersuites(sctx, s); break;
    case SET_SIGALGS: ok = SSL_CTX_set1_sigalgs_list(sctx, s); break;
    case SET_CURVE: ok = strcmp(s, "auto") == 0 || SSL_CTX_set1_groups_list(sctx, s); break;
    }
    JS_FreeCString(ctx, s);
    if (ok)
        return JS_UNDEFINED;
    if (which == SET_CURVE) {
        ERR_clear_error();
        return coro__tls_throw_coded(ctx, 0, "ERR_CRYPTO_OPERATION_FAILED", "Failed to set ECDH curve");
    }
    if (which == SET_SIGALGS)
        return throw_ossl(ctx, "Failed to set signature algorithms");
    return throw_ossl(ctx, "Failed to set ciphers");
}

/* setDHParam(true | pem) -> a warning for a small group, or undefined. */
static JSValue js_sc_set_dh_param(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    BIO *b;
    EVP_PKEY *dh;
    int bits;

    if (JS_IsBool(argv[0])) {
        SSL_CTX_set_dh_auto(sctx, 1);
        return JS_UNDEFINED;
    }
    if (!(b = arg_bio(ctx, argv[0], "dhparam")))
        return JS_EXCEPTION;
    dh = PEM_read_bio_Parameters(b, NULL);
    BIO_free(b);
    if (!dh || EVP_PKEY_get_base_id(dh) != EVP_PKEY_DH) {
        EVP_PKEY_free(dh);
        ERR_clear_error();
        return coro__tls_throw_coded(ctx, 0, "ERR_CRYPTO_OPERATION_FAILED", "Invalid DH parameters");
    }
    bits = EVP_PKEY_get_bits(dh);
    if (bits < 1024) {
        EVP_PKEY_free(dh);
        return coro__tls_throw_coded(ctx, 1, "ERR_INVALID_ARG_VALUE", "DH parameter is less than 1024 bits");
    }
    if (!SSL_CTX_set0_tmp_dh_pkey(sctx, dh)) {
        EVP_PKEY_free(dh);
        return throw_ossl(ctx, "Error setting temp DH parameter");
    }
    return bits < 2048 ? JS_NewString(ctx, "DH parameter is less than 2048 bits") : JS_UNDEFINED;
}

/* setOptions(n), setSessionTimeout(s), setMinProto(v), setMaxProto(v) */
enum { NUM_OPTIONS, NUM_TIMEOUT, NUM_MIN, NUM_MAX };

static JSValue js_sc_set_number(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int which)
{
    THIS_CTX;
    int64_t n;

    if (JS_ToInt64(ctx, &n, argv[0]) < 0)
        return JS_EXCEPTION;
    switch (which) {
    case NUM_OPTIONS: SSL_CTX_set_options(sctx, (uint64_t)n); break;
    case NUM_TIMEOUT: SSL_CTX_set_timeout(sctx, (long)n); break;
    case NUM_MIN: SSL_CTX_set_min_proto_version(sctx, (int)n); break;
    case NUM_MAX: SSL_CTX_set_max_proto_version(sctx, (int)n); break;
    }
    return JS_UNDEFINED;
}

static JSValue js_sc_get_proto(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int max)
{
    THIS_CTX;
    return JS_NewInt32(ctx, (int)(max ? SSL_CTX_get_max_proto_version(sctx) : SSL_CTX_get_min_proto_version(sctx)));
}

/* setSessionIdContext(string) */
static JSValue js_sc_set_session_id_context(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    int ok;

    if (!s)
        return JS_EXCEPTION;
    ok = SSL_CTX_set_session_id_context(sctx, (const unsigned char *)s, (unsigned int)len);
    JS_FreeCString(ctx, s);
    if (!ok)
        return throw_ossl(ctx, "Failed to set session id context");
    return JS_UNDEFINED;
}

/* loadPKCS12(pfx, passphrase): the key, certificate and CA certificates. */
static JSValue js_sc_load_pkcs12(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    BIO *b = arg_bio(ctx, argv[0], "pfx");
    char *pass = NULL;
    const uint8_t *pp;
    size_t plen = 0;
    PKCS12 *p12 = NULL;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *cas = NULL;
    int ok = 0;

    if (!b)
        return JS_EXCEPTION;
    if (argc > 1 && !JS_IsUndefined(argv[1])) {
        if (coro_arg_view(ctx, argv[1], "passphrase", &pp, &plen) < 0 || !(pass = js_malloc(ctx, plen + 1))) {
            BIO_free(b);
            return JS_EXCEPTION;
        }
        memcpy(pass, pp, plen);
        pass[plen] = 0;
    }
    p12 = d2i_PKCS12_bio(b, NULL);
    if (p12 && PKCS12_parse(p12, pass ? pass : "", &key, &cert, &cas)) {
        ok = 1;
        if (!key)
            ok = -1;
        else if (!cert)
            ok = -2;
        else if (!SSL_CTX_use_certificate(sctx, cert) || !SSL_CTX_use_PrivateKey(sctx, key))
            ok = 0;
        for (int i = 0; ok == 1 && i < sk_X509_num(cas); i++) {
            X509 *ca = sk_X509_value(cas, i);
            X509_STORE_add_cert(SSL_CTX_get_cert_store(sctx), ca);
            SSL_CTX_add_client_CA(sctx, ca);
            SSL_CTX_add1_chain_cert(sctx, ca);
        }
    }
    if (pass)
        OPENSSL_cleanse(pass, plen);
    js_free(ctx, pass);
    BIO_free(b);
    PKCS12_free(p12);
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(cas, X509_free);
    if (ok < 0) {
        ERR_clear_error();
        return coro__tls_throw_coded(ctx, 0, "ERR_CRYPTO_OPERATION_FAILED",
                                     ok == -1 ? "Unable to load private key from PFX data"
                                              : "Unable to load certificate from PFX data");
    }
    if (!ok) {
        /* as Node: an unsupported (legacy) algorithm has its code, the rest
           is OpenSSL's reason in a plain Error */
        unsigned long err = ERR_get_error();
        const char *reason = ERR_reason_error_string(err);
        ERR_clear_error();
        if (ERR_GET_LIB(err) == ERR_LIB_EVP && ERR_GET_REASON(err) == EVP_R_UNSUPPORTED_ALGORITHM)
            return coro__tls_throw_coded(ctx, 0, "ERR_CRYPTO_UNSUPPORTED_OPERATION", "Unsupported crypto operation");
        return JS_Throw(ctx, plain_error(ctx, reason ? reason : "Unknown error"));
    }
    return JS_UNDEFINED;
}

/* getTicketKeys() -> 48 bytes; setTicketKeys(48 bytes) */
static JSValue js_sc_get_ticket_keys(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    return coro__tls_bytes(ctx, SSL_CTX_get_ex_data(sctx, keys_index), 48);
}

static JSValue js_sc_set_ticket_keys(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    const uint8_t *p;
    size_t len;

    if (coro_arg_view(ctx, argv[0], "keys", &p, &len) < 0)
        return JS_EXCEPTION;
    if (len != 48)
        return coro__tls_throw_coded(ctx, 1, "ERR_INVALID_ARG_VALUE", "Ticket keys length must be 48 bytes");
    memcpy(SSL_CTX_get_ex_data(sctx, keys_index), p, 48);
    return JS_UNDEFINED;
}

/* getCertificate()/getIssuer() -> DER bytes or null (OCSPRequest's) */
static JSValue js_sc_get_cert(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int issuer)
{
    THIS_CTX;
    secure_context *c = JS_GetOpaque(this_val, sc_class);
    X509 *x = issuer ? c->issuer : c->cert;
    unsigned char *der = NULL;
    int n;
    JSValue v;

    if (!x || (n = i2d_X509(x, &der)) < 0)
        return JS_NULL;
    v = coro__tls_bytes(ctx, der, (size_t)n);
    OPENSSL_free(der);
    return v;
}

static JSValue js_sc_get_certificate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return js_sc_get_cert(ctx, this_val, argc, argv, 0);
}

static JSValue js_sc_get_issuer(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return js_sc_get_cert(ctx, this_val, argc, argv, 1);
}

static JSValue js_sc_set_allow_partial(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    THIS_CTX;
    X509_STORE_set_flags(SSL_CTX_get_cert_store(sctx), X509_V_FLAG_PARTIAL_CHAIN);
    return JS_UNDEFINED;
}

static JSValue js_sc_close(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    secure_context *c = JS_GetOpaque(this_val, sc_class);

    if (c)
        sc_release(c);
    return JS_UNDEFINED;
}

/* _external: Node's pointer to the SSL_CTX; here an object standing for it
   (a TypeError on anything but a SecureContext, as Node's accessor). */
static JSValue js_sc_external(JSContext *ctx, JSValueConst this_val)
{
    if (!JS_GetOpaque(this_val, sc_class))
        return JS_ThrowTypeError(ctx, "Illegal invocation");
    return JS_NewObjectProto(ctx, JS_NULL);
}

static const JSCFunctionListEntry sc_proto_funcs[] = {
    JS_CGETSET_DEF("_external", js_sc_external, NULL),
    JS_CFUNC_DEF("init", 3, js_sc_init),
    JS_CFUNC_DEF("setKey", 2, js_sc_set_key),
    JS_CFUNC_DEF("setCert", 1, js_sc_set_cert),
    JS_CFUNC_DEF("addCACert", 1, js_sc_add_ca_cert),
    JS_CFUNC_DEF("addCRL", 1, js_sc_add_crl),
    JS_CFUNC_DEF("addRootCerts", 0, js_sc_add_root_certs),
    JS_CFUNC_MAGIC_DEF("setCiphers", 1, js_sc_set_list, SET_CIPHERS),
    JS_CFUNC_MAGIC_DEF("setCipherSuites", 1, js_sc_set_list, SET_SUITES),
    JS_CFUNC_MAGIC_DEF("setSigalgs", 1, js_sc_set_list, SET_SIGALGS),
    JS_CFUNC_MAGIC_DEF("setECDHCurve", 1, js_sc_set_list, SET_CURVE),
    JS_CFUNC_DEF("setDHParam", 1, js_sc_set_dh_param),
    JS_CFUNC_MAGIC_DEF("setOptions", 1, js_sc_set_number, NUM_OPTIONS),
    JS_CFUNC_DEF("setSessionIdContext", 1, js_sc_set_session_id_context),
    JS_CFUNC_MAGIC_DEF("setSessionTimeout", 1, js_sc_set_number, NUM_TIMEOUT),
    JS_CFUNC_MAGIC_DEF("setMinProto", 1, js_sc_set_number, NUM_MIN),
    JS_CFUNC_MAGIC_DEF("setMaxProto", 1, js_sc_set_number, NUM_MAX),
    JS_CFUNC_MAGIC_DEF("getMinProto", 0, js_sc_get_proto, 0),
    JS_CFUNC_MAGIC_DEF("getMaxProto", 0, js_sc_get_proto, 1),
    JS_CFUNC_DEF("loadPKCS12", 2, js_sc_load_pkcs12),
    JS_CFUNC_DEF("getTicketKeys", 0, js_sc_get_ticket_keys),
    JS_CFUNC_DEF("setTicketKeys", 1, js_sc_set_ticket_keys),
    JS_CFUNC_DEF("getCertificate", 0, js_sc_get_certificate),
    JS_CFUNC_DEF("getIssuer", 0, js_sc_get_issuer),
    JS_CFUNC_DEF("setAllowPartialTrustChain", 0, js_sc_set_allow_partial),
    JS_CFUNC_DEF("close", 0, js_sc_close),
};

SSL_CTX *coro__tls_context_of(JSValueConst v)
{
    secure_context *c = JS_GetOpaque(v, sc_class);

    return c ? c->ctx : NULL;
}

/* getRootCertificates() -> the PEM of each certificate the system trusts */
static JSValue js_tls_root_certificates(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    BIO *in = BIO_new_file(X509_get_default_cert_file(), "r");
    JSValue arr = JS_NewArray(ctx);
    X509 *x;
    uint32_t i = 0;

    ERR_clear_error();
    while (in && (x = PEM_read_bio_X509(in, NULL, passphrase_cb, NULL))) {
        BIO *out = BIO_new(BIO_s_mem());
        char *p;
        long n;
        if (out && PEM_write_bio_X509(out, x) && (n = BIO_get_mem_data(out, &p)) > 0)
            JS_SetPropertyUint32(ctx, arr, i++, JS_NewStringLen(ctx, p, (size_t)(p[n - 1] == '\n' ? n - 1 : n)));
        BIO_free(out);
        X509_free(x);
    }
    BIO_free(in);
    ERR_clear_error();
    return arr;
}

/* getSSLCiphers() -> the names of the ciphers a default context offers,
   lower case (tls.getCiphers()) */
static JSValue js_tls_ssl_ciphers(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    SSL_CTX *c = SSL_CTX_new(TLS_method());
    SSL *ssl;

    /* all of TLS 1.3's suites, as Node lists them */
    if (c)
        SSL_CTX_set_ciphersuites(c, "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
                                    "TLS_AES_128_CCM_8_SHA256:TLS_AES_128_CCM_SHA256");
    ssl = c ? SSL_new(c) : NULL;
    STACK_OF(SSL_CIPHER) *list = ssl ? SSL_get_ciphers(ssl) : NULL;
    JSValue arr = JS_NewArray(ctx);

    for (int i = 0; i < sk_SSL_CIPHER_num(list); i++) {
        char name[128];
        size_t j = 0;
        for (const char *p = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(list, i)); *p && j < sizeof name - 1; p++)
            name[j++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        name[j] = 0;
        JS_SetPropertyUint32(ctx, arr, (uint32_t)i, JS_NewString(ctx, name));
    }
    SSL_free(ssl);
    SSL_CTX_free(c);
    ERR_clear_error();
    return arr;
}

/* canonicalizeIP(ip) -> the address as inet_ntop writes it, or undefined
   (cares_wrap's, for tls.checkServerIdentity). */
static JSValue js_tls_canonicalize_ip(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    unsigned char addr[16];
    char out[64];
    const char *s;
    int family = 0;

    if (!JS_IsString(argv[0]) || !(s = JS_ToCString(ctx, argv[0])))
        return JS_UNDEFINED;
    if (uv_inet_pton(AF_INET, s, addr) == 0)
        family = AF_INET;
    else if (uv_inet_pton(AF_INET6, s, addr) == 0)
        family = AF_INET6;
    JS_FreeCString(ctx, s);
    if (!family || uv_inet_ntop(family, addr, out, sizeof out) != 0)
        return JS_UNDEFINED;
    return JS_NewString(ctx, out);
}

static const JSCFunctionListEntry context_funcs[] = {
    JS_CFUNC_DEF("canonicalizeIP", 1, js_tls_canonicalize_ip),
    JS_CFUNC_DEF("getRootCertificates", 0, js_tls_root_certificates),
    JS_CFUNC_DEF("getSSLCiphers", 0, js_tls_ssl_ciphers),
};

int coro__tls_context_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    JSValue proto, ctor;

    if (keys_index < 0)
        keys_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, keys_free);
    if (coro_register_class(rt, &sc_class, &sc_def) < 0)
        return -1;
    proto = JS_NewObject(ctx);
    if (JS_IsException(proto))
        return -1;
    JS_SetPropertyFunctionList(ctx, proto, sc_proto_funcs, sizeof sc_proto_funcs / sizeof sc_proto_funcs[0]);
    ctor = JS_NewCFunction2(ctx, js_sc_ctor, "SecureContext", 0, JS_CFUNC_constructor, 0);
    JS_SetConstructor(ctx, ctor, proto);
    JS_SetClassProto(ctx, sc_class, proto);
    if (JS_SetPropertyStr(ctx, ns, "SecureContext", ctor) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, context_funcs, sizeof context_funcs / sizeof context_funcs[0]);
    return 0;
}
