/*
 * prim/x509.c: __primordials.x509, certificates for Node's
 * X509Certificate (internal/crypto/x509.js, over the handle
 * lib/node/bindings/x509.js makes) and for tls's getPeerCertificate()
 * object (Node's X509ToObject, src/crypto/crypto_x509.cc), over OpenSSL 3.
 *
 * A certificate is an object of the class "X509Data" whose finalizer frees
 * its X509 (and the issuer's, when it came in a peer's chain).
 */
#include <arpa/inet.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "prim.h"
#include "core/binding.h"
#include "crypto.h"
#include "tls_wrap.h"
#include "x509.h"

typedef struct {
    X509 *cert;
    X509 *issuer; /* NULL unless known (a peer's chain) */
} x509_data;

static JSClassID x509_class;

static void x509_finalizer(JSRuntime *rt, JSValue val)
{
    x509_data *d = JS_GetOpaque(val, x509_class);

    if (!d)
        return;
    X509_free(d->cert);
    X509_free(d->issuer);
    js_free_rt(rt, d);
}

static const JSClassDef x509_def = { "X509Data", .finalizer = x509_finalizer };

JSValue coro__x509_new(JSContext *ctx, X509 *cert, X509 *issuer)
{
    JSValue obj = JS_NewObjectClass(ctx, (int)x509_class);
    x509_data *d;

    if (JS_IsException(obj))
        return obj;
    d = js_mallocz(ctx, sizeof *d);
    if (!d) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    X509_up_ref(cert);
    d->cert = cert;
    if (issuer && X509_up_ref(issuer))
        d->issuer = issuer;
    JS_SetOpaque(obj, d);
    return obj;
}

static x509_data *arg_x509(JSContext *ctx, JSValueConst v)
{
    x509_data *d = JS_GetOpaque(v, x509_class);

    if (!d)
        coro_throw_arg_type(ctx, "handle", "an X509 handle", v);
    return d;
}

X509 *coro__x509_of(JSValueConst v)
{
    x509_data *d = JS_GetOpaque(v, x509_class);

    return d ? d->cert : NULL;
}

/* ------------------------------------------------------------------ */
/* text forms */

/* What a memory BIO holds, as a string (the BIO is freed). */
static JSValue bio_text(JSContext *ctx, BIO *b)
{
    char *p;
    long n = BIO_get_mem_data(b, &p);
    JSValue s = JS_NewStringLen(ctx, p, n > 0 ? (size_t)n : 0);

    BIO_free(b);
    return s;
}

/* A name as Node's X509Certificate gives it: "C=US\nST=CA\n...". */
static JSValue name_lines(JSContext *ctx, const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    const unsigned long flags = ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_UTF8_CONVERT |
                                XN_FLAG_SEP_MULTILINE | XN_FLAG_FN_SN;

    if (!b)
        return JS_ThrowOutOfMemory(ctx);
    if (X509_NAME_print_ex(b, name, 0, flags) < 0) {
        BIO_free(b);
        return JS_UNDEFINED;
    }
    return bio_text(ctx, b);
}

/* A name as the legacy object's: { C: 'US', OU: [a, b], ... }, no prototype. */
static JSValue name_object(JSContext *ctx, const X509_NAME *name)
{
    JSValue obj = JS_NewObjectProto(ctx, JS_NULL);

    for (int i = 0; i < X509_NAME_entry_count(name); i++) {
        X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        ASN1_OBJECT *o = X509_NAME_ENTRY_get_object(e);
        int nid = OBJ_obj2nid(o);
        char key[80];
        unsigned char *utf8 = NULL;
        int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        JSValue value, old;

        if (nid != NID_undef)
            snprintf(key, sizeof key, "%s", OBJ_nid2sn(nid));
        else
            OBJ_obj2txt(key, sizeof key, o, 1);
        if (n < 0)
            continue;
        value = JS_NewStringLen(ctx, (const char *)utf8, (size_t)n);
        OPENSSL_free(utf8);
        old = JS_GetPropertyStr(ctx, obj, key);
        if (JS_IsUndefined(old)) {
            JS_SetPropertyStr(ctx, obj, key, value);
        } else if (JS_IsArray(ctx, old)) {
            JSValue n = JS_GetPropertyStr(ctx, old, "length");
            int64_t len = 0;
            JS_ToInt64(ctx, &len, n);
            JS_FreeValue(ctx, n);
            JS_SetPropertyInt64(ctx, old, len, value);
        } else {
            JSValue arr = JS_NewArray(ctx);
            JS_SetPropertyUint32(ctx, arr, 0, JS_DupValue(ctx, old));
            JS_SetPropertyUint32(ctx, arr, 1, value);
            JS_SetPropertyStr(ctx, obj, key, arr);
        }
        JS_FreeValue(ctx, old);
    }
    return obj;
}

/* A name's text, quoted and escaped as JSON when it holds what would make
   the list ambiguous or unprintable (Node's IsSafeAltName/PrintAltName). */
static void print_alt_name(BIO *b, const char *prefix, const ASN1_STRING *str)
{
    const unsigned char *p = ASN1_STRING_get0_data(str);
    int n = ASN1_STRING_length(str), safe = 1;

    for (int i = 0; i < n && safe; i++)
        safe = p[i] >= ' ' && p[i] <= '~' && p[i] != '"' && p[i] != '\\' && p[i] != ',' && p[i] != '\'';
    BIO_puts(b, prefix);
    if (safe) {
        BIO_write(b, p, n);
        return;
    }
    BIO_puts(b, "\"");
    for (int i = 0; i < n; i++) {
        if (p[i] == '\\' || p[i] == '"')
            BIO_printf(b, "\\%c", p[i]);
        else if (p[i] >= ' ' && p[i] <= '~')
            BIO_write(b, p + i, 1);
        else
            BIO_printf(b, "\\u%04x", p[i]);
    }
    BIO_puts(b, "\"");
}

/* One general name as Node prints it ("DNS:a.com", "IP Address:::1"). */
static void print_general_name(BIO *b, GENERAL_NAME *gen)
{
    const unsigned char *p;
    char ip[INET6_ADDRSTRLEN];
    int n;

    switch (gen->type) {
    case GEN_DNS:
        print_alt_name(b, "DNS:", gen->d.dNSName);
        break;
    case GEN_EMAIL:
        print_alt_name(b, "email:", gen->d.rfc822Name);
        break;
    case GEN_URI:
        print_alt_name(b, "URI:", gen->d.uniformResourceIdentifier);
        break;
    case GEN_IPADD:
        p = ASN1_STRING_get0_data(gen->d.iPAddress);
        n = ASN1_STRING_length(gen->d.iPAddress);
        if ((n == 4 && inet_ntop(AF_INET, p, ip, sizeof ip)) || (n == 16 && inet_ntop(AF_INET6, p, ip, sizeof ip)))
            BIO_printf(b, "IP Address:%s", ip);
        else
            BIO_printf(b, "IP Address:<invalid>");
        break;
    case GEN_DIRNAME:
        BIO_printf(b, "DirName:");
        X509_NAME_print_ex(b, gen->d.directoryName, 0, XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ);
        break;
    default:
        GENERAL_NAME_print(b, gen);
        break;
    }
}

/* subjectAltName as one string, "DNS:a, IP Address:b", or undefined. */
static JSValue alt_names(JSContext *ctx, X509 *x)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    BIO *b;

    if (!names)
        return JS_UNDEFINED;
    b = BIO_new(BIO_s_mem());
    if (!b) {
        GENERAL_NAMES_free(names);
        return JS_ThrowOutOfMemory(ctx);
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        if (i)
            BIO_puts(b, ", ");
        print_general_name(b, sk_GENERAL_NAME_value(names, i));
    }
    GENERAL_NAMES_free(names);
    return bio_text(ctx, b);
}

/* authorityInfoAccess as OpenSSL prints it ("OCSP - URI:...\nCA Issuers - URI:..."), or undefined. */
static JSValue info_access(JSContext *ctx, X509 *x)
{
    int at = X509_get_ext_by_NID(x, NID_info_access, -1);
    BIO *b;

    if (at < 0)
        return JS_UNDEFINED;
    b = BIO_new(BIO_s_mem());
    if (!b)
        return JS_ThrowOutOfMemory(ctx);
    if (!X509V3_EXT_print(b, X509_get_ext(x, at), 0, 0)) {
        BIO_free(b);
        ERR_clear_error();
        return JS_UNDEFINED;
    }
    return bio_text(ctx, b);
}

static JSValue time_text(JSContext *ctx, const ASN1_TIME *t)
{
    BIO *b = BIO_new(BIO_s_mem());

    if (!b)
        return JS_ThrowOutOfMemory(ctx);
    ASN1_TIME_print(b, t);
    return bio_text(ctx, b);
}

/* "AB:CD:..." of the certificate's digest by md. */
static JSValue fingerprint(JSContext *ctx, X509 *x, const EVP_MD *md)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char out[EVP_MAX_MD_SIZE * 3 + 1];
    static const char hex[] = "0123456789ABCDEF";

    if (!X509_digest(x, md, d, &n) || n == 0)
        return JS_UNDEFINED;
    for (unsigned int i = 0; i < n; i++) {
        out[i * 3] = hex[d[i] >> 4];
        out[i * 3 + 1] = hex[d[i] & 15];
        out[i * 3 + 2] = ':';
    }
    out[n * 3 - 1] = 0;
    return JS_NewString(ctx, out);
}

static JSValue serial_number(JSContext *ctx, X509 *x)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    JSValue s = hex ? JS_NewString(ctx, hex) : JS_UNDEFINED;

    OPENSSL_free(hex);
    BN_free(bn);
    return s;
}

/* extKeyUsage's OIDs as an array of strings, or undefined. */
static JSValue key_usage(JSContext *ctx, X509 *x)
{
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    JSValue arr;

    if (!eku)
        return JS_UNDEFINED;
    arr = JS_NewArray(ctx);
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
        char oid[80];
        OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku, i), 1);
        JS_SetPropertyUint32(ctx, arr, (uint32_t)i, JS_NewString(ctx, oid));
    }
    EXTENDED_KEY_USAGE_free(eku);
    return arr;
}

static JSValue der_of(JSContext *ctx, X509 *x)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    JSValue v;

    if (n < 0)
        return coro__crypto_throw(ctx, ERR_get_error(), "i2d_X509");
    v = coro__tls_bytes(ctx, der, (size_t)n);
    OPENSSL_free(der);
    return v;
}

/* The public key's fields of the legacy object: RSA's modulus, bits,
   exponent, pubkey; EC's bits, pubkey, asn1Curve, nistCurve. */
static void legacy_key(JSContext *ctx, JSValueConst obj, X509 *x)
{
    EVP_PKEY *pkey = X509_get0_pubkey(x);
    unsigned char *der = NULL;
    int n;

    if (!pkey)
        return;
    if (EVP_PKEY_base_id(pkey) == EVP_PKEY_RSA) {
        BIGNUM *nb = NULL, *eb = NULL;
        if (EVP_PKEY_get_bn_param(pkey, "n", &nb) && EVP_PKEY_get_bn_param(pkey, "e", &eb)) {
            char *hex = BN_bn2hex(nb);
            char exp[40];
            JS_SetPropertyStr(ctx, obj, "modulus", JS_NewString(ctx, hex));
            JS_SetPropertyStr(ctx, obj, "bits", JS_NewInt32(ctx, EVP_PKEY_get_bits(pkey)));
            snprintf(exp, sizeof exp, "0x%llx", (unsigned long long)BN_get_word(eb));
            JS_SetPropertyStr(ctx, obj, "exponent", JS_NewString(ctx, exp));
            OPENSSL_free(hex);
        }
        BN_free(nb);
        BN_free(eb);
        n = i2d_PUBKEY(pkey, &der);
        if (n > 0)
            JS_SetPropertyStr(ctx, obj, "pubkey", coro__tls_bytes(ctx, der, (size_t)n));
        OPENSSL_free(der);
    } else if (EVP_PKEY_base_id(pkey) == EVP_PKEY_EC) {
        char curve[80];
        unsigned char pt[256];
        size_t len = 0;
        JS_SetPropertyStr(ctx, obj, "bits", JS_NewInt32(ctx, EVP_PKEY_get_bits(pkey)));
        if (EVP_PKEY_get_octet_string_param(pkey, "encoded-pub-key", pt, sizeof pt, &len))
            JS_SetPropertyStr(ctx, obj, "pubkey", coro__tls_bytes(ctx, pt, len));
        if (EVP_PKEY_get_utf8_string_param(pkey, "group", curve, sizeof curve, NULL)) {
            int nid = OBJ_sn2nid(curve);
            const char *nist = nid != NID_undef ? EC_curve_nid2nist(nid) : NULL;
            JS_SetPropertyStr(ctx, obj, "asn1Curve", JS_NewString(ctx, curve));
            if (nist)
                JS_SetPropertyStr(ctx, obj, "nistCurve", JS_NewString(ctx, nist));
        }
    }
    ERR_clear_error();
}

JSValue coro__x509_legacy(JSContext *ctx, X509 *x)
{
    JSValue obj = JS_NewObject(ctx);
    JSValue v;

    if (JS_IsException(obj))
        return obj;
    JS_SetPropertyStr(ctx, obj, "subject", name_object(ctx, X509_get_subject_name(x)));
    JS_SetPropertyStr(ctx, obj, "issuer", name_object(ctx, X509_get_issuer_name(x)));
    if (!JS_IsUndefined(v = alt_names(ctx, x)))
        JS_SetPropertyStr(ctx, obj, "subjectaltname", v);
    if (!JS_IsUndefined(v = info_access(ctx, x)))
        JS_SetPropertyStr(ctx, obj, "infoAccess", v);
    JS_SetPropertyStr(ctx, obj, "ca", JS_NewBool(ctx, X509_check_ca(x) == 1));
    legacy_key(ctx, obj, x);
    JS_SetPropertyStr(ctx, obj, "valid_from", time_text(ctx, X509_get0_notBefore(x)));
    JS_SetPropertyStr(ctx, obj, "valid_to", time_text(ctx, X509_get0_notAfter(x)));
    JS_SetPropertyStr(ctx, obj, "fingerprint", fingerprint(ctx, x, EVP_sha1()));
    JS_SetPropertyStr(ctx, obj, "fingerprint256", fingerprint(ctx, x, EVP_sha256()));
    JS_SetPropertyStr(ctx, obj, "fingerprint512", fingerprint(ctx, x, EVP_sha512()));
    if (!JS_IsUndefined(v = key_usage(ctx, x)))
        JS_SetPropertyStr(ctx, obj, "ext_key_usage", v);
    JS_SetPropertyStr(ctx, obj, "serialNumber", serial_number(ctx, x));
    JS_SetPropertyStr(ctx, obj, "raw", der_of(ctx, x));
    return obj;
}

/* ------------------------------------------------------------------ */
/* the area's functions */

/* parse(bytes) -> handle: a PEM or DER certificate. */
static JSValue js_x509_parse(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const uint8_t *p;
    size_t len;
    BIO *b;
    X509 *x;
    JSValue obj;

    if (coro_arg_view(ctx, argv[0], "buffer", &p, &len) < 0)
        return JS_EXCEPTION;
    ERR_clear_error();
    b = BIO_new_mem_buf(p, (int)len);
    if (!b)
        return JS_ThrowOutOfMemory(ctx);
    x = PEM_read_bio_X509_AUX(b, NULL, NULL, NULL);
    if (!x) {
        const unsigned char *q = p;
        ERR_clear_error();
        x = d2i_X509(NULL, &q, (long)len);
    }
    BIO_free(b);
    if (!x)
        return coro__crypto_throw(ctx, ERR_get_error(), "Failed to parse certificate");
    obj = coro__x509_new(ctx, x, NULL);
    X509_free(x);
    return obj;
}

enum {
    F_SUBJECT, F_SUBJECT_ALT, F_ISSUER, F_INFO, F_VALID_FROM, F_VALID_TO, F_FP1, F_FP256, F_FP512,
    F_KEY_USAGE, F_SERIAL, F_RAW, F_PEM, F_CHECK_CA, F_LEGACY, F_ISSUER_CERT, F_VALID_FROM_MS, F_VALID_TO_MS,
};

static JSValue time_ms(JSContext *ctx, const ASN1_TIME *t)
{
    struct tm tm;

    if (!ASN1_TIME_to_tm(t, &tm))
        return JS_UNDEFINED;
    return JS_NewFloat64(ctx, (double)timegm(&tm) * 1000.0);
}

/* field(handle, which) -> one of the certificate's fields. */
static JSValue js_x509_field(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    x509_data *d = arg_x509(ctx, argv[0]);
    int which;
    BIO *b;
    X509 *x;

    if (!d || JS_ToInt32(ctx, &which, argv[1]) < 0)
        return JS_EXCEPTION;
    x = d->cert;
    switch (which) {
    case F_SUBJECT: return name_lines(ctx, X509_get_subject_name(x));
    case F_SUBJECT_ALT: return alt_names(ctx, x);
    case F_ISSUER: return name_lines(ctx, X509_get_issuer_name(x));
    case F_INFO: return info_access(ctx, x);
    case F_VALID_FROM: return time_text(ctx, X509_get0_notBefore(x));
    case F_VALID_TO: return time_text(ctx, X509_get0_notAfter(x));
    case F_VALID_FROM_MS: return time_ms(ctx, X509_get0_notBefore(x));
    case F_VALID_TO_MS: return time_ms(ctx, X509_get0_notAfter(x));
    case F_FP1: return fingerprint(ctx, x, EVP_sha1());
    case F_FP256: return fingerprint(ctx, x, EVP_sha256());
    case F_FP512: return fingerprint(ctx, x, EVP_sha512());
    case F_KEY_USAGE: return key_usage(ctx, x);
    case F_SERIAL: return serial_number(ctx, x);
    case F_RAW: return der_of(ctx, x);
    case F_PEM:
        b = BIO_new(BIO_s_mem());
        if (!b || !PEM_write_bio_X509(b, x)) {
            BIO_free(b);
            return coro__crypto_throw(ctx, ERR_get_error(), "PEM_write_bio_X509");
        }
        return bio_text(ctx, b);
    case F_CHECK_CA: return JS_NewBool(ctx, X509_check_ca(x) == 1);
    case F_LEGACY: return coro__x509_legacy(ctx, x);
    case F_ISSUER_CERT: return d->issuer ? coro__x509_new(ctx, d->issuer, NULL) : JS_UNDEFINED;
    default: return JS_ThrowRangeError(ctx, "unknown certificate field %d", which);
    }
}

/* check(handle, kind, value, flags) -> the matching name or undefined:
   kind 0 host, 1 email, 2 IP address. */
static JSValue js_x509_check(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    x509_data *d = arg_x509(ctx, argv[0]);
    int kind;
    uint32_t flags = 0;
    size_t len;
    const char *s;
    char *peer = NULL;
    int r;
    JSValue out = JS_UNDEFINED;

    if (!d || JS_ToInt32(ctx, &kind, argv[1]) < 0 || JS_ToUint32(ctx, &flags, argv[3]) < 0)
        return JS_EXCEPTION;
    s = JS_ToCStringLen(ctx, &len, argv[2]);
    if (!s)
        return JS_EXCEPTION;
    if (kind == 0)
        r = X509_check_host(d->cert, s, len, flags, &peer);
    else if (kind == 1)
        r = X509_check_email(d->cert, s, len, flags);
    else
        r = X509_check_ip_asc(d->cert, s, flags);
    if (r > 0)
        out = JS_NewString(ctx, peer ? peer : s);
    OPENSSL_free(peer);
    JS_FreeCString(ctx, s);
    ERR_clear_error();
    if (r == -2) /* malformed: an embedded NUL, not an IP address */
        return coro__tls_throw_coded(ctx, 1, "ERR_INVALID_ARG_VALUE", kind == 2 ? "Invalid IP string" : "Invalid name");
    if (r < 0)
        return coro__tls_throw_coded(ctx, 0, "ERR_CRYPTO_OPERATION_FAILED", "Operation failed");
    return out;
}

/* checkIssued(handle, other) -> whether other issued handle's certificate. */
static JSValue js_x509_check_issued(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    x509_data *d = arg_x509(ctx, argv[0]), *o;

    if (!d || !(o = arg_x509(ctx, argv[1])))
        return JS_EXCEPTION;
    ERR_clear_error();
    return JS_NewBool(ctx, X509_check_issued(o->cert, d->cert) == X509_V_OK);
}

/* publicKey(handle) -> a key object of crypto_keys.c. */
static JSValue js_x509_public_key(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    x509_data *d = arg_x509(ctx, argv[0]);
    EVP_PKEY *pkey;

    if (!d)
        return JS_EXCEPTION;
    pkey = X509_get_pubkey(d->cert);
    if (!pkey)
        return coro__crypto_throw(ctx, ERR_get_error(), "X509_get_pubkey");
    return coro__crypto_new_key(ctx, pkey);
}

/* keyCheck(handle, key, private) -> checkPrivateKey (private) or verify
   (the certificate is signed by the public key). */
static JSValue js_x509_key_check(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    x509_data *d = arg_x509(ctx, argv[0]);
    EVP_PKEY *pkey = coro__crypto_key_of(argv[1]);
    int r;

    if (!d)
        return JS_EXCEPTION;
    if (!pkey)
        return coro_throw_arg_type(ctx, "pkey", "a key", argv[1]);
    r = JS_ToBool(ctx, argv[2]) ? X509_check_private_key(d->cert, pkey) : X509_verify(d->cert, pkey);
    ERR_clear_error();
    return JS_NewBool(ctx, r == 1);
}

static const JSCFunctionListEntry x509_funcs[] = {
    JS_CFUNC_DEF("parse", 1, js_x509_parse),
    JS_CFUNC_DEF("field", 2, js_x509_field),
    JS_CFUNC_DEF("check", 4, js_x509_check),
    JS_CFUNC_DEF("checkIssued", 2, js_x509_check_issued),
    JS_CFUNC_DEF("publicKey", 1, js_x509_public_key),
    JS_CFUNC_DEF("keyCheck", 3, js_x509_key_check),
};

int coro_prim_x509_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);

    if (coro_register_class(rt, &x509_class, &x509_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, x509_funcs, sizeof x509_funcs / sizeof x509_funcs[0]);
    return 0;
}
