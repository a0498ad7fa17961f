/*
 * prim/crypto_keys.c: the asymmetric half of __primordials.crypto (see
 * crypto.c): keys (EVP_PKEY) read from and written to PEM and DER (SPKI,
 * PKCS#1, PKCS#8 with or without a passphrase, SEC1), their type and
 * details, key pair generation (RSA, RSA-PSS, EC, Ed25519/Ed448,
 * X25519/X448), signatures (RSA PKCS#1 v1.5 and PSS, ECDSA in DER or
 * IEEE P1363, EdDSA) and RSA encryption.
 *
 * A key is an object of the class "CryptoKeyData" whose finalizer frees the
 * EVP_PKEY. Generation, signing and verifying may run on libuv's pool
 * (coro__crypto_run); everything they read is theirs until they end.
 */
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "prim.h"
#include "core/binding.h"
#include "crypto.h"

/* Node's enums (lib/internal/crypto/keys.js reads them from the binding) */
enum { KEY_PUBLIC = 1, KEY_PRIVATE = 2 };
enum { FORMAT_DER = 0, FORMAT_PEM = 1 };
enum { ENC_PKCS1 = 0, ENC_PKCS8 = 1, ENC_SPKI = 2, ENC_SEC1 = 3 };
enum { SIG_DER = 0, SIG_P1363 = 1 };

static JSClassID key_class;

static void key_finalizer(JSRuntime *rt, JSValue val)
{
    EVP_PKEY_free(JS_GetOpaque(val, key_class));
}

static const JSClassDef key_def = { "CryptoKeyData", .finalizer = key_finalizer };

/* A JS object that takes over pkey (freed on failure). */
static JSValue new_key(JSContext *ctx, EVP_PKEY *pkey)
{
    JSValue obj = JS_NewObjectClass(ctx, (int)key_class);

    if (JS_IsException(obj)) {
        EVP_PKEY_free(pkey);
        return obj;
    }
    JS_SetOpaque(obj, pkey);
    return obj;
}

JSValue coro__crypto_new_key(JSContext *ctx, EVP_PKEY *pkey)
{
    return new_key(ctx, pkey);
}

/* The EVP_PKEY of a key object, or NULL (x509.c's checkPrivateKey, verify). */
EVP_PKEY *coro__crypto_key_of(JSValueConst v)
{
    return JS_GetOpaque(v, key_class);
}

static EVP_PKEY *arg_key(JSContext *ctx, JSValueConst v)
{
    EVP_PKEY *pkey = JS_GetOpaque(v, key_class);

    if (!pkey)
        coro_throw_arg_type(ctx, "key", "a key", v);
    return pkey;
}

/* A Uint8Array of n bytes from p (copied). */
static JSValue bytes_copy(JSContext *ctx, const uint8_t *p, size_t n)
{
    uint8_t *buf = js_malloc(ctx, n ? n : 1);

    if (!buf)
        return JS_EXCEPTION;
    memcpy(buf, p, n);
    return coro_new_uint8array(ctx, buf, n);
}

/* ------------------------------------------------------------------ */
/* reading keys */

/* Decode `data` as a key of `selection` from PEM or DER (structure and type
   found by OpenSSL's decoders). */
static EVP_PKEY *decode_key(const uint8_t *data, size_t len, const char *input, int selection,
                            const uint8_t *pass, size_t pass_len)
{
    EVP_PKEY *pkey = NULL;
    OSSL_DECODER_CTX *dc = OSSL_DECODER_CTX_new_for_pkey(&pkey, input, NULL, NULL, selection, NULL, NULL);

    if (!dc)
        return NULL;
    if (pass)
        OSSL_DECODER_CTX_set_passphrase(dc, pass_len ? pass : (const uint8_t *)"", pass_len);
    OSSL_DECODER_from_data(dc, &data, &len);
    OSSL_DECODER_CTX_free(dc);
    return pkey;
}

/* A public key from a certificate (Node's createPublicKey takes one). */
static EVP_PKEY *certificate_key(const uint8_t *data, size_t len, int pem)
{
    X509 *cert = NULL;
    EVP_PKEY *pkey = NULL;

    if (pem) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);

        cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
    } else {
        cert = d2i_X509(NULL, &data, (long)len);
    }
    if (cert)
        pkey = X509_get_pubkey(cert);
    X509_free(cert);
    return pkey;
}

typedef struct passphrase {
    const uint8_t *data;  /* NULL: none given */
    size_t len;
} passphrase;

/* OpenSSL's PEM passphrase callback: the one given, or failure (OpenSSL
   then says "interrupted or cancelled", as it does under Node). */
static int pem_passphrase(char *buf, int size, int rwflag, void *arg)
{
    const passphrase *p = arg;

    if (!p->data || p->len > (size_t)size)
        return -1;
    memcpy(buf, p->data, p->len);
    return (int)p->len;
}

/* A private key in PEM (any structure; other blocks before it are
   skipped, as an "EC PARAMETERS" block). */
static EVP_PKEY *pem_private_key(const uint8_t *data, size_t len, passphrase *pass)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, pem_passphrase, pass) : NULL;

    BIO_free(bio);
    return pkey;
}

/* A DER PKCS#8 structure that is encrypted (EncryptedPrivateKeyInfo). */
static int is_encrypted_pkcs8(const uint8_t *data, size_t len)
{
    X509_SIG *sig = d2i_X509_SIG(NULL, &data, (long)len);

    X509_SIG_free(sig);
    ERR_clear_error();
    return sig != NULL;
}

static EVP_PKEY *private_key(const uint8_t *data, size_t len, int pem, passphrase *pass)
{
    if (pem)
        return pem_private_key(data, len, pass);
    return decode_key(data, len, "DER", EVP_PKEY_KEYPAIR, pass->data, pass->len);
}

/* keyParse(kind, data, format, type, passphrase | undefined) -> key. A
   public key may come from a private key or a certificate too. */
static JSValue js_crypto_key_parse(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t kind, format = FORMAT_PEM;
    const uint8_t *data;
    size_t len;
    passphrase pass = { NULL, 0 };
    EVP_PKEY *pkey = NULL;
    unsigned long err;
    int pem;

    if (coro_arg_integer(ctx, argv[0], "kind", KEY_PUBLIC, KEY_PRIVATE, &kind) < 0 ||
        coro_arg_view(ctx, argv[1], "key", &data, &len) < 0 ||
        (!JS_IsUndefined(argv[2]) && coro_arg_integer(ctx, argv[2], "format", 0, 1, &format) < 0) ||
        (!JS_IsUndefined(argv[4]) && coro_arg_view(ctx, argv[4], "passphrase", &pass.data, &pass.len) < 0))
        return JS_EXCEPTION;
    pem = format == FORMAT_PEM;
    ERR_clear_error();
    if (!pem && !pass.data && kind == KEY_PRIVATE && is_encrypted_pkcs8(data, len))
        return coro_throw_code(ctx, "ERR_MISSING_PASSPHRASE", "Passphrase required for encrypted key");
    if (kind == KEY_PUBLIC)
        pkey = decode_key(data, len, pem ? "PEM" : "DER", EVP_PKEY_PUBLIC_KEY, NULL, 0);
    if (!pkey) {
        if (kind == KEY_PUBLIC)
            ERR_clear_error();
        pkey = private_key(data, len, pem, &pass);
    }
    err = ERR_peek_error();
    if (!pkey && kind == KEY_PUBLIC)
        pkey = certificate_key(data, len, pem);
    if (pkey) {
        ERR_clear_error();
        return new_key(ctx, pkey);
    }
    return coro__crypto_throw(ctx, err, "Failed to read asymmetric key");
}

/* ------------------------------------------------------------------ */
/* writing keys */

static const char *structure_of(int type, int private)
{
    switch (type) {
    case ENC_PKCS1:
    case ENC_SEC1: return "type-specific";
    case ENC_SPKI: return "SubjectPublicKeyInfo";
    default: return private ? "PrivateKeyInfo" : "SubjectPublicKeyInfo";
    }
}

/* keyExport(key, private, format, type, cipher | undefined, passphrase |
   undefined) -> PEM string or DER Uint8Array */
static JSValue js_crypto_key_export(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EVP_PKEY *pkey = arg_key(ctx, argv[0]);
    int private = JS_ToBool(ctx, argv[1]);
    int64_t format, type;
    const uint8_t *pass = NULL;
    size_t pass_len = 0, len = 0;
    const char *cipher = NULL;
    unsigned char *out = NULL;
    OSSL_ENCODER_CTX *ec;
    JSValue result = JS_EXCEPTION;

    if (!pkey || coro_arg_integer(ctx, argv[2], "format", 0, 1, &format) < 0 ||
        coro_arg_integer(ctx, argv[3], "type", 0, 3, &type) < 0 ||
        (!JS_IsUndefined(argv[5]) && coro_arg_view(ctx, argv[5], "passphrase", &pass, &pass_len) < 0))
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[4]) && !JS_IsNull(argv[4]) && !(cipher = JS_ToCString(ctx, argv[4])))
        return JS_EXCEPTION;
    ERR_clear_error();
    if (cipher && !EVP_get_cipherbyname(cipher)) {
        coro_throw_code(ctx, "ERR_CRYPTO_UNKNOWN_CIPHER", "Unknown cipher");
        goto done;
    }
    if (type == ENC_PKCS1 && EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        coro_throw_code(ctx, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS",
                        "The selected key encoding pkcs1 can only be used for RSA keys.");
        goto done;
    }
    ec = OSSL_ENCODER_CTX_new_for_pkey(pkey, private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                                       format == FORMAT_PEM ? "PEM" : "DER", structure_of((int)type, private), NULL);
    if (ec && cipher) {
        OSSL_ENCODER_CTX_set_cipher(ec, cipher, NULL);
        OSSL_ENCODER_CTX_set_passphrase(ec, pass_len ? pass : (const uint8_t *)"", pass_len);
    }
    if (!ec || OSSL_ENCODER_CTX_get_num_encoders(ec) == 0 || !OSSL_ENCODER_to_data(ec, &out, &len))
        coro__crypto_throw(ctx, ERR_peek_last_error(), "Failed to encode the key");
    else if (format == FORMAT_PEM)
        result = JS_NewStringLen(ctx, (const char *)out, len);
    else
        result = bytes_copy(ctx, out, len);
    OSSL_ENCODER_CTX_free(ec);
    OPENSSL_free(out);
done:
    JS_FreeCString(ctx, cipher);
    return result;
}

/* ------------------------------------------------------------------ */
/* what a key is */

/* keyType(key) -> 'rsa', 'rsa-pss', 'dsa', 'dh', 'ec', 'ed25519', ... */
static JSValue js_crypto_key_type(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const struct { int id; const char *name; } types[] = {
        { EVP_PKEY_RSA, "rsa" }, { EVP_PKEY_RSA_PSS, "rsa-pss" }, { EVP_PKEY_DSA, "dsa" },
        { EVP_PKEY_DH, "dh" }, { EVP_PKEY_EC, "ec" }, { EVP_PKEY_ED25519, "ed25519" },
        { EVP_PKEY_ED448, "ed448" }, { EVP_PKEY_X25519, "x25519" }, { EVP_PKEY_X448, "x448" },
    };
    EVP_PKEY *pkey = arg_key(ctx, argv[0]);

    if (!pkey)
        return JS_EXCEPTION;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (EVP_PKEY_get_base_id(pkey) == types[i].id)
            return JS_NewString(ctx, types[i].name);
    }
    return JS_UNDEFINED;
}

/* A BIGNUM parameter of pkey as big-endian bytes (an ArrayBuffer). */
static JSValue bn_param(JSContext *ctx, EVP_PKEY *pkey, const char *name)
{
    BIGNUM *bn = NULL;
    JSValue u8, ab;
    uint8_t *p;
    int n;

    if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
        return JS_UNDEFINED;
    n = BN_num_bytes(bn);
    p = js_malloc(ctx, n ? (size_t)n : 1);
    if (!p) {
        BN_free(bn);
        return JS_EXCEPTION;
    }
    BN_bn2bin(bn, p);
    BN_free(bn);
    u8 = coro_new_uint8array(ctx, p, (size_t)n);
    ab = JS_GetPropertyStr(ctx, u8, "buffer");
    JS_FreeValue(ctx, u8);
    return ab;
}

/* The digest parameter `param` of a key under Node's name for it ("sha256"). */
static int set_digest_param(JSContext *ctx, EVP_PKEY *pkey, const char *param, JSValueConst d, const char *key)
{
    char name[64];
    const EVP_MD *md;

    if (!EVP_PKEY_get_utf8_string_param(pkey, param, name, sizeof name, NULL) || !(md = coro__crypto_digest(name)))
        return 0;
    coro_set_str(ctx, d, key, OBJ_nid2ln(EVP_MD_get_type(md)));
    return 1;
}

/* An RSA-PSS key's restrictions, when it has them. */
static void pss_detail(JSContext *ctx, EVP_PKEY *pkey, JSValueConst d)
{
    int salt;

    set_digest_param(ctx, pkey, OSSL_PKEY_PARAM_RSA_DIGEST, d, "hashAlgorithm");
    /* MGF1 defaults to the hash */
    if (!set_digest_param(ctx, pkey, OSSL_PKEY_PARAM_RSA_MGF1_DIGEST, d, "mgf1HashAlgorithm"))
        set_digest_param(ctx, pkey, OSSL_PKEY_PARAM_RSA_DIGEST, d, "mgf1HashAlgorithm");
    if (EVP_PKEY_get_int_param(pkey, OSSL_PKEY_PARAM_RSA_PSS_SALTLEN, &salt))
        JS_SetPropertyStr(ctx, d, "saltLength", JS_NewInt32(ctx, salt));
}

/* keyDetail(key) -> { modulusLength, publicExponent } (RSA), { namedCurve }
   (EC), { modulusLength, divisorLength } (DSA) */
static JSValue js_crypto_key_detail(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EVP_PKEY *pkey = arg_key(ctx, argv[0]);
    JSValue d;
    char curve[80];
    int id;

    if (!pkey)
        return JS_EXCEPTION;
    d = JS_NewObject(ctx);
    id = EVP_PKEY_get_base_id(pkey);
    if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
        JS_SetPropertyStr(ctx, d, "modulusLength", JS_NewInt32(ctx, EVP_PKEY_get_bits(pkey)));
        JS_SetPropertyStr(ctx, d, "publicExponent", bn_param(ctx, pkey, OSSL_PKEY_PARAM_RSA_E));
        if (id == EVP_PKEY_RSA_PSS)
            pss_detail(ctx, pkey, d);
    } else if (id == EVP_PKEY_DSA) {
        BIGNUM *q = NULL;

        JS_SetPropertyStr(ctx, d, "modulusLength", JS_NewInt32(ctx, EVP_PKEY_get_bits(pkey)));
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_FFC_Q, &q))
            JS_SetPropertyStr(ctx, d, "divisorLength", JS_NewInt32(ctx, BN_num_bits(q)));
        BN_free(q);
    } else if (id == EVP_PKEY_EC &&
               EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, NULL)) {
        int nid = OBJ_txt2nid(curve);

        coro_set_str(ctx, d, "namedCurve", nid != NID_undef ? OBJ_nid2sn(nid) : curve);
    }
    ERR_clear_error();
    return d;
}

/* keyCheck(key, private) -> whether the key (its public half, or all of
   it) is consistent: an EC point on its curve, ... */
static JSValue js_crypto_key_check(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EVP_PKEY *pkey = arg_key(ctx, argv[0]);
    EVP_PKEY_CTX *pctx;
    int ok;

    if (!pkey)
        return JS_EXCEPTION;
    pctx = EVP_PKEY_CTX_new(pkey, NULL);
    ok = pctx && (JS_ToBool(ctx, argv[1]) ? EVP_PKEY_check(pctx) : EVP_PKEY_public_check(pctx)) == 1;
    EVP_PKEY_CTX_free(pctx);
    ERR_clear_error();
    return JS_NewBool(ctx, ok);
}

/* keyEquals(a, b) -> whether they are the same key */
static JSValue js_crypto_key_equals(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EVP_PKEY *a = arg_key(ctx, argv[0]), *b;

    if (!a || !(b = arg_key(ctx, argv[1])))
        return JS_EXCEPTION;
    ERR_clear_error();
    return JS_NewBool(ctx, EVP_PKEY_eq(a, b) == 1);
}

/* ------------------------------------------------------------------ */
/* key pair generation */

typedef struct keygen {
    EVP_PKEY_CTX *pctx;
    EVP_PKEY *pkey;
    unsigned long err;
} keygen;

static void keygen_work(void *arg)
{
    keygen *k = arg;

    ERR_clear_error();
    if (EVP_PKEY_keygen(k->pctx, &k->pkey) != 1)
        k->err = ERR_peek_last_error();
    ERR_clear_error();
}

static int get_int(JSContext *ctx, JSValueConst opts, const char *name, int64_t *out)
{
    JSValue v = JS_GetPropertyStr(ctx, opts, name);
    int r = JS_IsUndefined(v) ? 0 : coro_arg_integer(ctx, v, name, -1, INT32_MAX, out) < 0 ? -1 : 1;

    JS_FreeValue(ctx, v);
    return r;
}

/* The digest option `name` of opts into the PSS key generation. */
static int set_pss_md(JSContext *ctx, EVP_PKEY_CTX *pctx, JSValueConst opts, const char *name, int mgf1)
{
    JSValue v = JS_GetPropertyStr(ctx, opts, name);
    const char *s;
    const EVP_MD *md;
    int ok = 1;

    if (JS_IsUndefined(v))
        return 1;
    s = JS_ToCString(ctx, v);
    JS_FreeValue(ctx, v);
    if (!s)
        return 0;
    md = coro__crypto_digest(s);
    if (!md)
        coro_throw_code(ctx, "ERR_CRYPTO_INVALID_DIGEST", "Invalid %sdigest: %s", mgf1 ? "MGF1 " : "", s);
    else
        ok = (mgf1 ? EVP_PKEY_CTX_set_rsa_pss_keygen_mgf1_md(pctx, md) : EVP_PKEY_CTX_set_rsa_pss_keygen_md(pctx, md)) > 0;
    JS_FreeCString(ctx, s);
    return md && ok;
}

/* The hash option of a PSS key pair, or NULL. */
static const EVP_MD *pss_hash(JSContext *ctx, JSValueConst opts)
{
    JSValue v = JS_GetPropertyStr(ctx, opts, "hash");
    const char *s = JS_IsUndefined(v) ? NULL : JS_ToCString(ctx, v);
    const EVP_MD *md = s ? coro__crypto_digest(s) : NULL;

    JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, v);
    return md;
}

/* The options of an RSA or RSA-PSS key pair: modulusLength, publicExponent,
   and PSS's hash, mgf1Hash, saltLength. */
static int rsa_options(JSContext *ctx, EVP_PKEY_CTX *pctx, JSValueConst opts, int pss)
{
    int64_t bits = 0, exponent = 0x10001, salt = -1;
    const EVP_MD *md;
    BIGNUM *e;
    int ok;

    if (get_int(ctx, opts, "modulusLength", &bits) < 0 || get_int(ctx, opts, "publicExponent", &exponent) < 0 ||
        get_int(ctx, opts, "saltLength", &salt) < 0)
        return 0;
    e = BN_new();
    ok = e && BN_set_word(e, (BN_ULONG)exponent) && EVP_PKEY_CTX_set_rsa_keygen_bits(pctx, (int)bits) > 0 &&
         EVP_PKEY_CTX_set1_rsa_keygen_pubexp(pctx, e) > 0;
    BN_free(e);
    if (!ok) {
        coro__crypto_throw(ctx, ERR_peek_last_error(), "Invalid RSA key options");
        return 0;
    }
    if (!pss)
        return 1;
    if (!set_pss_md(ctx, pctx, opts, "hash", 0) || !set_pss_md(ctx, pctx, opts, "mgf1Hash", 1))
        return 0;
    /* RFC 8017, A.2.3: the salt defaults to the hash's length */
    if (salt < 0 && (md = pss_hash(ctx, opts)))
        salt = EVP_MD_get_size(md);
    return salt < 0 || EVP_PKEY_CTX_set_rsa_pss_keygen_saltlen(pctx, (int)salt) > 0;
}

/* The options of an EC key pair: namedCurve, paramEncoding (named/explicit). */
static int ec_options(JSContext *ctx, EVP_PKEY_CTX *pctx, JSValueConst opts)
{
    JSValue v = JS_GetPropertyStr(ctx, opts, "namedCurve");
    const char *curve = JS_ToCString(ctx, v);
    int64_t explicit = 0;
    int nid;

    JS_FreeValue(ctx, v);
    if (!curve)
        return 0;
    nid = EC_curve_nist2nid(curve);
    if (nid == NID_undef)
        nid = OBJ_sn2nid(curve);
    JS_FreeCString(ctx, curve);
    if (nid == NID_undef || EVP_PKEY_CTX_set_ec_paramgen_curve_nid(pctx, nid) <= 0) {
        ERR_clear_error();
        coro_throw_code(ctx, "ERR_CRYPTO_INVALID_CURVE", "Invalid EC curve name");
        return 0;
    }
    if (get_int(ctx, opts, "explicit", &explicit) < 0)
        return 0;
    return EVP_PKEY_CTX_set_ec_param_enc(pctx, explicit ? 0 : OPENSSL_EC_NAMED_CURVE) > 0;
}

/* keyGenerate(pooled, type, options) -> private key. type: 'rsa',
   'rsa-pss', 'ec', 'ed25519', 'ed448', 'x25519', 'x448'. */
static JSValue js_crypto_key_generate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const struct { const char *type, *name; } names[] = {
        { "rsa", "RSA" }, { "rsa-pss", "RSA-PSS" }, { "ec", "EC" }, { "ed25519", "ED25519" },
        { "ed448", "ED448" }, { "x25519", "X25519" }, { "x448", "X448" },
    };
    const char *type = JS_ToCString(ctx, argv[1]), *name = NULL;
    keygen k = { 0 };
    int ok;

    if (!type)
        return JS_EXCEPTION;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(type, names[i].type) == 0)
            name = names[i].name;
    }
    if (!name) {
        JS_FreeCString(ctx, type);
        return coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "The argument 'type' must be a supported key type.");
    }
    ERR_clear_error();
    k.pctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL);
    ok = k.pctx && EVP_PKEY_keygen_init(k.pctx) == 1;
    if (!ok)
        coro__crypto_throw(ctx, ERR_peek_last_error(), "Key generation failed");
    else if (name[0] == 'R')
        ok = rsa_options(ctx, k.pctx, argv[2], name[3] == '-');
    else if (name[0] == 'E' && name[1] == 'C')
        ok = ec_options(ctx, k.pctx, argv[2]);
    JS_FreeCString(ctx, type);
    if (ok && coro__crypto_run(ctx, keygen_work, &k, JS_ToBool(ctx, argv[0])) < 0)
        ok = 0;
    else if (ok && !k.pkey) {
        coro__crypto_throw(ctx, k.err, "Key generation failed");
        ok = 0;
    }
    EVP_PKEY_CTX_free(k.pctx);
    if (!ok) {
        EVP_PKEY_free(k.pkey);
        return JS_EXCEPTION;
    }
    return new_key(ctx, k.pkey);
}

/* ------------------------------------------------------------------ */
/* signatures */

typedef struct sign_job {
    EVP_PKEY *pkey;
    const EVP_MD *md;
    coro_bytes data, sig;
    int64_t padding, salt;  /* -1: the key's default */
    int verify;
    uint8_t *out;
    size_t out_len;
    int ok;
    int failed;  /* set up failed: an error, even for verify */
    unsigned long err;
} sign_job;

static int sign_setup(sign_job *j, EVP_MD_CTX *mctx)
{
    EVP_PKEY_CTX *pctx = NULL;
    int ok = j->verify ? EVP_DigestVerifyInit(mctx, &pctx, j->md, NULL, j->pkey)
                       : EVP_DigestSignInit(mctx, &pctx, j->md, NULL, j->pkey);
    int id = EVP_PKEY_get_base_id(j->pkey);

    if (ok != 1)
        return 0;
    if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
        if (j->padding >= 0 && EVP_PKEY_CTX_set_rsa_padding(pctx, (int)j->padding) <= 0)
            return 0;
        if (j->salt != INT64_MIN && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)j->salt) <= 0)
            return 0;
    }
    return 1;
}

static void sign_work(void *arg)
{
    sign_job *j = arg;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();

    ERR_clear_error();
    j->ok = mctx && sign_setup(j, mctx);
    j->failed = !j->ok;
    if (j->ok && j->verify) {
        /* a signature that does not verify is no error */
        j->ok = EVP_DigestVerify(mctx, j->sig.data, j->sig.len, j->data.data, j->data.len) == 1;
    } else if (j->ok) {
        j->ok = EVP_DigestSign(mctx, NULL, &j->out_len, j->data.data, j->data.len) == 1 &&
                (j->out = OPENSSL_malloc(j->out_len ? j->out_len : 1)) &&
                EVP_DigestSign(mctx, j->out, &j->out_len, j->data.data, j->data.len) == 1;
    }
    if (j->failed || (!j->ok && !j->verify))
        j->err = ERR_peek_last_error();
    EVP_MD_CTX_free(mctx);
    ERR_clear_error();
}

/* The byte length of each of r and s of an ECDSA or DSA signature by pkey. */
static int sig_half(EVP_PKEY *pkey)
{
    BIGNUM *order = NULL;
    int bits = 0;

    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
        char curve[80];
        EC_GROUP *g = EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, NULL)
                          ? EC_GROUP_new_by_curve_name(OBJ_txt2nid(curve)) : NULL;

        bits = g ? EC_GROUP_order_bits(g) : 0;
        EC_GROUP_free(g);
    } else if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_FFC_Q, &order)) {
        bits = BN_num_bits(order);
    }
    BN_free(order);
    return (bits + 7) / 8;
}

static int is_dsa_like(EVP_PKEY *pkey)
{
    int id = EVP_PKEY_get_base_id(pkey);

    return id == EVP_PKEY_EC || id == EVP_PKEY_DSA;
}

/* DER (r, s) -> r || s of n bytes each, into out (2n bytes). */
static int der_to_p1363(const uint8_t *der, size_t len, uint8_t *out, int n)
{
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &der, (long)len);
    int ok = sig && BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, n) == n &&
             BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + n, n) == n;

    ECDSA_SIG_free(sig);
    return ok;
}

/* r || s -> DER, OPENSSL_malloc'd, or NULL. */
static uint8_t *p1363_to_der(const uint8_t *p, size_t len, size_t *der_len)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(p, (int)len / 2, NULL), *s = BN_bin2bn(p + len / 2, (int)len / 2, NULL);
    uint8_t *der = NULL;
    int n;

    if (sig && r && s && ECDSA_SIG_set0(sig, r, s)) {
        r = s = NULL;
        n = i2d_ECDSA_SIG(sig, &der);
        *der_len = n > 0 ? (size_t)n : 0;
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return der;
}

/* sign(pooled, key, digest | null, data, padding | undefined, saltLength |
   undefined, dsaEncoding) -> ArrayBuffer;
   verify(pooled, key, digest | null, data, padding, saltLength, dsaEncoding,
   signature) -> boolean */
static JSValue sign_or_verify(JSContext *ctx, int argc, JSValueConst *argv, int verify)
{
    sign_job j = { .verify = verify, .padding = -1, .salt = INT64_MIN };
    int64_t enc = SIG_DER;
    JSValue result = JS_EXCEPTION;
    uint8_t *der = NULL;
    const char *md_name = NULL;
    int half, inputs = 0;

    if (!(j.pkey = arg_key(ctx, argv[1])))
        return JS_EXCEPTION;
    if (!JS_IsNull(argv[2]) && !JS_IsUndefined(argv[2])) {
        if (!(md_name = JS_ToCString(ctx, argv[2])))
            return JS_EXCEPTION;
        j.md = coro__crypto_digest(md_name);
        if (!j.md) {
            coro_throw_code(ctx, "ERR_CRYPTO_INVALID_DIGEST", "Invalid digest: %s", md_name);
            goto done;
        }
    }
    if ((!JS_IsUndefined(argv[4]) && coro_arg_integer(ctx, argv[4], "padding", 0, INT32_MAX, &j.padding) < 0) ||
        (!JS_IsUndefined(argv[5]) && coro_arg_integer(ctx, argv[5], "saltLength", -3, INT32_MAX, &j.salt) < 0) ||
        (!JS_IsUndefined(argv[6]) && coro_arg_integer(ctx, argv[6], "dsaEncoding", 0, 1, &enc) < 0) ||
        coro_arg_bytes(ctx, argv[3], "data", &j.data) < 0)
        goto done;
    inputs = 1;
    if (verify) {
        if (coro_arg_bytes(ctx, argv[7], "signature", &j.sig) < 0)
            goto done;
        inputs = 2;
        if (enc == SIG_P1363 && is_dsa_like(j.pkey)) {
            half = sig_half(j.pkey);
            if (j.sig.len != (size_t)half * 2) {
                result = JS_FALSE;
                goto done;
            }
            der = p1363_to_der(j.sig.data, j.sig.len, &j.sig.len);
            j.sig.data = der;
        }
    }
    if (coro__crypto_run(ctx, sign_work, &j, JS_ToBool(ctx, argv[0])) < 0)
        goto done;
    if (verify && !j.failed) {
        result = JS_NewBool(ctx, j.ok);
    } else if (!j.ok) {
        coro__crypto_throw(ctx, j.err, "Failed to sign");
    } else if (enc == SIG_P1363 && is_dsa_like(j.pkey)) {
        uint8_t buf[2 * 66 + 2];

        half = sig_half(j.pkey);
        if (half * 2 > (int)sizeof buf || !der_to_p1363(j.out, j.out_len, buf, half))
            coro__crypto_throw(ctx, 0, "Failed to sign");
        else
            result = bytes_copy(ctx, buf, (size_t)half * 2);
    } else {
        result = bytes_copy(ctx, j.out, j.out_len);
    }
    if (!JS_IsException(result) && !verify) {
        JSValue ab = JS_GetPropertyStr(ctx, result, "buffer");

        JS_FreeValue(ctx, result);
        result = ab;
    }
done:
    if (inputs > 0)
        coro_bytes_free(ctx, &j.data);
    if (inputs > 1)
        coro_bytes_free(ctx, &j.sig);
    OPENSSL_free(der);
    OPENSSL_free(j.out);
    JS_FreeCString(ctx, md_name);
    return result;
}

static JSValue js_crypto_sign(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return sign_or_verify(ctx, argc, argv, 0);
}

static JSValue js_crypto_verify(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return sign_or_verify(ctx, argc, argv, 1);
}

/* ------------------------------------------------------------------ */
/* RSA encryption */

enum { OP_PUBLIC_ENCRYPT, OP_PRIVATE_DECRYPT, OP_PRIVATE_ENCRYPT, OP_PUBLIC_DECRYPT };

/* pkeyCipher(op, key, data, padding, oaepHash | undefined, oaepLabel |
   undefined) -> Uint8Array */
static JSValue js_crypto_pkey_cipher(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t op, padding;
    EVP_PKEY *pkey = arg_key(ctx, argv[1]);
    const uint8_t *data, *label = NULL;
    size_t len, label_len = 0, out_len = 0;
    const char *hash = NULL;
    const EVP_MD *md = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    uint8_t *out = NULL;
    JSValue result = JS_EXCEPTION;
    int ok;

    if (!pkey || coro_arg_integer(ctx, argv[0], "op", 0, 3, &op) < 0 ||
        coro_arg_view(ctx, argv[2], "buffer", &data, &len) < 0 ||
        coro_arg_integer(ctx, argv[3], "padding", 0, INT32_MAX, &padding) < 0 ||
        (!JS_IsUndefined(argv[5]) && coro_arg_view(ctx, argv[5], "oaepLabel", &label, &label_len) < 0))
        return JS_EXCEPTION;
    if (!JS_IsUndefined(argv[4])) {
        if (!(hash = JS_ToCString(ctx, argv[4])))
            return JS_EXCEPTION;
        if (!(md = coro__crypto_digest(hash))) {
            coro_throw_code(ctx, "ERR_OSSL_EVP_INVALID_DIGEST", "Invalid digest used");
            goto done;
        }
    }
    ERR_clear_error();
    pctx = EVP_PKEY_CTX_new(pkey, NULL);
    switch (op) {
    case OP_PUBLIC_ENCRYPT: ok = pctx && EVP_PKEY_encrypt_init(pctx) == 1; break;
    case OP_PRIVATE_DECRYPT: ok = pctx && EVP_PKEY_decrypt_init(pctx) == 1; break;
    case OP_PRIVATE_ENCRYPT: ok = pctx && EVP_PKEY_sign_init(pctx) == 1; break;
    default: ok = pctx && EVP_PKEY_verify_recover_init(pctx) == 1; break;
    }
    /* Node 20 refuses PKCS#1 v1.5 decryption (CVE-2023-46809) unless
       OpenSSL rejects bad padding implicitly */
    if (ok && op == OP_PRIVATE_DECRYPT && padding == RSA_PKCS1_PADDING &&
        EVP_PKEY_CTX_ctrl_str(pctx, "rsa_pkcs1_implicit_rejection", "1") <= 0) {
        coro_throw_code(ctx, "ERR_INVALID_ARG_VALUE", "RSA_PKCS1_PADDING is no longer supported for private "
                        "decryption, this can be reverted with --security-revert=CVE-2023-46809");
        goto done;
    }
    ok = ok && EVP_PKEY_CTX_set_rsa_padding(pctx, (int)padding) > 0;
    if (ok && padding == RSA_PKCS1_OAEP_PADDING) {
        uint8_t *copy = label_len ? OPENSSL_memdup(label, label_len) : NULL;

        ok = (!md || EVP_PKEY_CTX_set_rsa_oaep_md(pctx, md) > 0) &&
             (!label_len || EVP_PKEY_CTX_set0_rsa_oaep_label(pctx, copy, (int)label_len) > 0);
    }
    for (int pass = 0; ok && pass < 2; pass++) {
        switch (op) {
        case OP_PUBLIC_ENCRYPT: ok = EVP_PKEY_encrypt(pctx, out, &out_len, data, len) == 1; break;
        case OP_PRIVATE_DECRYPT: ok = EVP_PKEY_decrypt(pctx, out, &out_len, data, len) == 1; break;
        case OP_PRIVATE_ENCRYPT: ok = EVP_PKEY_sign(pctx, out, &out_len, data, len) == 1; break;
        default: ok = EVP_PKEY_verify_recover(pctx, out, &out_len, data, len) == 1; break;
        }
        if (ok && pass == 0 && !(out = js_malloc(ctx, out_len ? out_len : 1)))
            goto done;
    }
    if (ok)
        result = coro_new_uint8array(ctx, out, out_len);
    else
        coro__crypto_throw(ctx, ERR_peek_last_error(), "Operation failed");
    if (ok)
        out = NULL;
done:
    js_free(ctx, out);
    EVP_PKEY_CTX_free(pctx);
    JS_FreeCString(ctx, hash);
    return result;
}

/* ------------------------------------------------------------------ */
/* JWK: a key's components, and keys from components */

/* A BIGNUM parameter as big-endian bytes, left-padded to `width` (0: as
   long as it is), set on obj[key]; 0 when the key has no such parameter. */
static int set_bn_bytes(JSContext *ctx, JSValueConst obj, const char *key, EVP_PKEY *pkey, const char *param,
                        int width)
{
    BIGNUM *bn = NULL;
    uint8_t *p;
    int n;

    if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
        return 0;
    n = width ? width : BN_num_bytes(bn);
    p = js_malloc(ctx, n ? (size_t)n : 1);
    if (p && BN_bn2binpad(bn, p, n) == n)
        JS_SetPropertyStr(ctx, obj, key, coro_new_uint8array(ctx, p, (size_t)n));
    else
        js_free(ctx, p);
    BN_clear_free(bn);
    return 1;
}

static int set_octets(JSContext *ctx, JSValueConst obj, const char *key, EVP_PKEY *pkey, const char *param)
{
    uint8_t buf[160];
    size_t len;

    if (!EVP_PKEY_get_octet_string_param(pkey, param, buf, sizeof buf, &len))
        return 0;
    JS_SetPropertyStr(ctx, obj, key, bytes_copy(ctx, buf, len));
    OPENSSL_cleanse(buf, sizeof buf);
    return 1;
}

/* keyComponents(key, private) -> the bytes a JWK holds: RSA n, e (d, p,
   q, dp, dq, qi); EC curve, x, y (d); OKP x (d). */
static JSValue js_crypto_key_components(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const char *const rsa[][2] = {
        { "n", OSSL_PKEY_PARAM_RSA_N }, { "e", OSSL_PKEY_PARAM_RSA_E }, { "d", OSSL_PKEY_PARAM_RSA_D },
        { "p", OSSL_PKEY_PARAM_RSA_FACTOR1 }, { "q", OSSL_PKEY_PARAM_RSA_FACTOR2 },
        { "dp", OSSL_PKEY_PARAM_RSA_EXPONENT1 }, { "dq", OSSL_PKEY_PARAM_RSA_EXPONENT2 },
        { "qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
    };
    EVP_PKEY *pkey = arg_key(ctx, argv[0]);
    int private = JS_ToBool(ctx, argv[1]), id, width;
    char curve[80];
    JSValue c;

    if (!pkey)
        return JS_EXCEPTION;
    c = JS_NewObject(ctx);
    id = EVP_PKEY_get_base_id(pkey);
    if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
        for (size_t i = 0; i < (private ? 8u : 2u); i++)
            set_bn_bytes(ctx, c, rsa[i][0], pkey, rsa[i][1], 0);
    } else if (id == EVP_PKEY_EC) {
        width = (EVP_PKEY_get_bits(pkey) + 7) / 8;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, NULL))
            coro_set_str(ctx, c, "curve", OBJ_nid2sn(OBJ_txt2nid(curve)));
        set_bn_bytes(ctx, c, "x", pkey, OSSL_PKEY_PARAM_EC_PUB_X, width);
        set_bn_bytes(ctx, c, "y", pkey, OSSL_PKEY_PARAM_EC_PUB_Y, width);
        if (private)
            set_bn_bytes(ctx, c, "d", pkey, OSSL_PKEY_PARAM_PRIV_KEY, width);
    } else {
        set_octets(ctx, c, "x", pkey, OSSL_PKEY_PARAM_PUB_KEY);
        if (private)
            set_octets(ctx, c, "d", pkey, OSSL_PKEY_PARAM_PRIV_KEY);
    }
    ERR_clear_error();
    return c;
}

/* A component of c as a BIGNUM pushed on bld; 0 when missing or bad. */
static int push_bn(JSContext *ctx, OSSL_PARAM_BLD *bld, JSValueConst c, const char *key, const char *param,
                   BIGNUM **keep)
{
    JSValue v = JS_GetPropertyStr(ctx, c, key);
    const uint8_t *p;
    size_t len;
    int ok = coro_arg_view(ctx, v, key, &p, &len) == 0;

    JS_FreeValue(ctx, v);
    if (!ok)
        return 0;
    *keep = BN_bin2bn(p, (int)len, NULL);
    return *keep && OSSL_PARAM_BLD_push_BN(bld, param, *keep);
}

/* keyFromComponents(kind, 'RSA' | 'EC', curve | undefined, components) ->
   key, or undefined when they make no key */
static JSValue js_crypto_key_from_components(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const char *const rsa[][2] = {
        { "n", OSSL_PKEY_PARAM_RSA_N }, { "e", OSSL_PKEY_PARAM_RSA_E }, { "d", OSSL_PKEY_PARAM_RSA_D },
        { "p", OSSL_PKEY_PARAM_RSA_FACTOR1 }, { "q", OSSL_PKEY_PARAM_RSA_FACTOR2 },
        { "dp", OSSL_PKEY_PARAM_RSA_EXPONENT1 }, { "dq", OSSL_PKEY_PARAM_RSA_EXPONENT2 },
        { "qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
    };
    int64_t kind;
    const char *type = NULL, *curve = NULL;
    BIGNUM *bns[8] = { NULL };
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    EVP_PKEY *pkey = NULL;
    uint8_t point[1 + 2 * 66];
    int ok;

    if (!bld || coro_arg_integer(ctx, argv[0], "kind", KEY_PUBLIC, KEY_PRIVATE, &kind) < 0 ||
        !(type = JS_ToCString(ctx, argv[1])) ||
        (!JS_IsUndefined(argv[2]) && !(curve = JS_ToCString(ctx, argv[2]))))
        goto done;
    ok = 1;
    if (strcmp(type, "RSA") == 0) {
        for (int i = 0; ok && i < (kind == KEY_PRIVATE ? 8 : 2); i++)
            ok = push_bn(ctx, bld, argv[3], rsa[i][0], rsa[i][1], &bns[i]);
    } else {
        const uint8_t *x, *y;
        size_t x_len, y_len;
        JSValue vx = JS_GetPropertyStr(ctx, argv[3], "x"), vy = JS_GetPropertyStr(ctx, argv[3], "y");

        ok = curve && coro_arg_view(ctx, vx, "x", &x, &x_len) == 0 && coro_arg_view(ctx, vy, "y", &y, &y_len) == 0 &&
             x_len == y_len && 1 + 2 * x_len <= sizeof point;
        if (ok) {
            point[0] = POINT_CONVERSION_UNCOMPRESSED;
            memcpy(point + 1, x, x_len);
            memcpy(point + 1 + x_len, y, y_len);
            ok = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve, 0) &&
                 OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * x_len) &&
                 (kind != KEY_PRIVATE || push_bn(ctx, bld, argv[3], "d", OSSL_PKEY_PARAM_PRIV_KEY, &bns[0]));
        }
        JS_FreeValue(ctx, vx);
        JS_FreeValue(ctx, vy);
    }
    if (!ok) /* a missing or mistyped component makes no key: undefined */
        JS_FreeValue(ctx, JS_GetException(ctx));
    ok = ok && (params = OSSL_PARAM_BLD_to_param(bld)) && (pctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) &&
         EVP_PKEY_fromdata_init(pctx) == 1 &&
         EVP_PKEY_fromdata(pctx, &pkey, kind == KEY_PRIVATE ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) == 1;
    ERR_clear_error();
done:
    for (int i = 0; i < 8; i++)
        BN_clear_free(bns[i]);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(pctx);
    JS_FreeCString(ctx, type);
    JS_FreeCString(ctx, curve);
    if (JS_HasException(ctx)) {
        EVP_PKEY_free(pkey);
        return JS_EXCEPTION;
    }
    return pkey ? new_key(ctx, pkey) : JS_UNDEFINED;
}

/* keyRaw(kind, 'ED25519' | 'X25519' | ..., bytes) -> key, or undefined */
static JSValue js_crypto_key_raw(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t kind;
    const char *name;
    const uint8_t *p;
    size_t len;
    EVP_PKEY *pkey;

    if (coro_arg_integer(ctx, argv[0], "kind", KEY_PUBLIC, KEY_PRIVATE, &kind) < 0 ||
        coro_arg_view(ctx, argv[2], "key", &p, &len) < 0 || !(name = JS_ToCString(ctx, argv[1])))
        return JS_EXCEPTION;
    pkey = kind == KEY_PRIVATE ? EVP_PKEY_new_raw_private_key_ex(NULL, name, NULL, p, len)
                               : EVP_PKEY_new_raw_public_key_ex(NULL, name, NULL, p, len);
    JS_FreeCString(ctx, name);
    ERR_clear_error();
    return pkey ? new_key(ctx, pkey) : JS_UNDEFINED;
}

/* getCurves() -> the short names of OpenSSL's built-in curves */
static JSValue js_crypto_curves(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t n = EC_get_builtin_curves(NULL, 0);
    EC_builtin_curve *curves = js_malloc(ctx, (n ? n : 1) * sizeof *curves);
    JSValue list;

    if (!curves)
        return JS_EXCEPTION;
    EC_get_builtin_curves(curves, n);
    list = JS_NewArray(ctx);
    for (size_t i = 0; i < n; i++)
        JS_SetPropertyUint32(ctx, list, (uint32_t)i, JS_NewString(ctx, OBJ_nid2sn(curves[i].nid)));
    js_free(ctx, curves);
    return list;
}

/* pkeyDerive(private key, public key) -> the shared secret (ECDH, X25519,
   X448, DH) */
static JSValue js_crypto_pkey_derive(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EVP_PKEY *priv = arg_key(ctx, argv[0]), *pub;
    EVP_PKEY_CTX *pctx;
    uint8_t *out = NULL;
    size_t len = 0;
    int ok;

    if (!priv || !(pub = arg_key(ctx, argv[1])))
        return JS_EXCEPTION;
    ERR_clear_error();
    pctx = EVP_PKEY_CTX_new(priv, NULL);
    /* a DH secret is padded to the prime's size, as Node gives it */
    ok = pctx && EVP_PKEY_derive_init(pctx) == 1 && EVP_PKEY_derive_set_peer(pctx, pub) == 1 &&
         (EVP_PKEY_get_base_id(priv) != EVP_PKEY_DH || EVP_PKEY_CTX_set_dh_pad(pctx, 1) == 1) &&
         EVP_PKEY_derive(pctx, NULL, &len) == 1 && (out = js_malloc(ctx, len ? len : 1)) &&
         EVP_PKEY_derive(pctx, out, &len) == 1;
    EVP_PKEY_CTX_free(pctx);
    if (!ok) {
        js_free(ctx, out);
        return coro__crypto_throw(ctx, ERR_peek_last_error(), "Failed to derive a shared secret");
    }
    ERR_clear_error();
    return coro_new_uint8array(ctx, out, len);
}

static const JSCFunctionListEntry key_funcs[] = {
    JS_CFUNC_DEF("pkeyDerive", 2, js_crypto_pkey_derive),
    JS_CFUNC_DEF("getCurves", 0, js_crypto_curves),
    JS_CFUNC_DEF("keyParse", 5, js_crypto_key_parse),
    JS_CFUNC_DEF("keyExport", 6, js_crypto_key_export),
    JS_CFUNC_DEF("keyType", 1, js_crypto_key_type),
    JS_CFUNC_DEF("keyDetail", 1, js_crypto_key_detail),
    JS_CFUNC_DEF("keyEquals", 2, js_crypto_key_equals),
    JS_CFUNC_DEF("keyCheck", 2, js_crypto_key_check),
    JS_CFUNC_DEF("keyComponents", 2, js_crypto_key_components),
    JS_CFUNC_DEF("keyFromComponents", 4, js_crypto_key_from_components),
    JS_CFUNC_DEF("keyRaw", 3, js_crypto_key_raw),
    JS_CFUNC_DEF("keyGenerate", 3, js_crypto_key_generate),
    JS_CFUNC_DEF("sign", 7, js_crypto_sign),
    JS_CFUNC_DEF("verify", 8, js_crypto_verify),
    JS_CFUNC_DEF("pkeyCipher", 6, js_crypto_pkey_cipher),
};

int coro__crypto_keys_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);

    if (coro_register_class(rt, &key_class, &key_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, key_funcs, sizeof key_funcs / sizeof key_funcs[0]);
    return 0;
}
