/*
 * prim/crypto_dh.c: key agreement and primes for __primordials.crypto (see
 * crypto.c): classic Diffie-Hellman (createDiffieHellman, the modp groups of
 * getDiffieHellman), the ECDH class (and ECDH.convertKey), DH and DSA key
 * pair generation, and generatePrime/checkPrime.
 *
 * The DH and ECDH objects keep OpenSSL's DH and EC_KEY, as Node's
 * crypto_dh.cc and crypto_ec.cc do: those low-level calls (deprecated in
 * OpenSSL 3, still there) are what give Node's exact behaviour: DH_check's
 * verifyError bits, DH_generate_key keeping a private key that was set,
 * DH_check_pub_key's reasons. Errors are Node's, message for message.
 *
 * Key pair generation and primes may run on libuv's pool
 * (coro__crypto_run); what they read is theirs until they end.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <string.h>
#include <openssl/bn.h>
#include <openssl/dh.h>
#include <openssl/dsa.h>
#include <openssl/ec.h>
#include <openssl/ecdh.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "prim.h"
#include "core/binding.h"
#include "crypto.h"

static JSClassID dh_class, ecdh_class;

static void dh_finalizer(JSRuntime *rt, JSValue val)
{
    DH_free(JS_GetOpaque(val, dh_class));
}

static void ecdh_finalizer(JSRuntime *rt, JSValue val)
{
    EC_KEY_free(JS_GetOpaque(val, ecdh_class));
}

static const JSClassDef dh_def = { "DiffieHellmanState", .finalizer = dh_finalizer };
static const JSClassDef ecdh_def = { "ECDHState", .finalizer = ecdh_finalizer };

/* A JS object of `class` that takes over p (freed with `release` on failure). */
static JSValue new_state(JSContext *ctx, JSClassID class, void *p, void (*release)(void *))
{
    JSValue obj = JS_NewObjectClass(ctx, (int)class);

    if (JS_IsException(obj)) {
        release(p);
        return obj;
    }
    JS_SetOpaque(obj, p);
    return obj;
}

static void dh_release(void *p) { DH_free(p); }
static void ec_release(void *p) { EC_KEY_free(p); }

static void *arg_state(JSContext *ctx, JSValueConst v, JSClassID class)
{
    void *p = JS_GetOpaque(v, class);

    if (!p)
        coro_throw_arg_type(ctx, "this", class == dh_class ? "a DiffieHellman" : "an ECDH", v);
    return p;
}

/* The bytes of a view or ArrayBuffer as a BIGNUM (big-endian), or NULL with
   an exception. */
static BIGNUM *arg_bn(JSContext *ctx, JSValueConst v, const char *name)
{
    const uint8_t *p;
    size_t n;
    BIGNUM *bn;

    if (coro_arg_view(ctx, v, name, &p, &n) < 0)
        return NULL;
    if (n > INT32_MAX) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "%s is too big", name);
        return NULL;
    }
    bn = BN_bin2bn(p, (int)n, NULL);
    if (!bn)
        coro__crypto_throw(ctx, ERR_get_error(), "Failed to convert Buffer to BN");
    return bn;
}

/* A Uint8Array of n zero bytes (n may be 0), *out its memory. */
static JSValue new_bytes(JSContext *ctx, size_t n, uint8_t **out)
{
    uint8_t *p = js_mallocz(ctx, n ? n : 1);

    if (!p)
        return JS_EXCEPTION;
    *out = p;
    return coro_new_uint8array(ctx, p, n);
}

/* bn as big-endian bytes, BN_num_bytes long. */
static JSValue bn_bytes(JSContext *ctx, const BIGNUM *bn)
{
    uint8_t *p;
    JSValue v = new_bytes(ctx, (size_t)BN_num_bytes(bn), &p);

    if (!JS_IsException(v))
        BN_bn2bin(bn, p);
    return v;
}

/* OpenSSL's error for reason r of library lib, as Node raises it. */
static JSValue throw_raised(JSContext *ctx, int lib, int reason, const char *fallback)
{
    ERR_raise(lib, reason);
    return coro__crypto_throw(ctx, ERR_get_error(), fallback);
}

/* ------------------------------------------------------------------ */
/* classic Diffie-Hellman */

/* DH_check's verdict (the verifyError bits); -1 if it could not check. */
static int dh_verify(DH *dh)
{
    int codes = 0;

    return DH_check(dh, &codes) ? codes : -1;
}

/* A DH of prime p and generator g (both taken over), checked. */
static DH *dh_from(BIGNUM *p, BIGNUM *g, int *codes)
{
    DH *dh = DH_new();

    if (!dh || !DH_set0_pqg(dh, p, NULL, g)) {
        DH_free(dh);
        BN_free(p);
        BN_free(g);
        return NULL;
    }
    if ((*codes = dh_verify(dh)) < 0) {
        DH_free(dh);
        return NULL;
    }
    return dh;
}

/* The generator argument: an int32 (0 means 2, as in Node) or bytes. NULL
   with an exception for a bad one (OpenSSL's "bad generator"). */
static BIGNUM *dh_generator(JSContext *ctx, JSValueConst v)
{
    BIGNUM *g;

    if (JS_IsNumber(v)) {
        int32_t n;

        JS_ToInt32(ctx, &n, v);
        if (n == 0)
            n = 2;
        if (n < 2) {
            throw_raised(ctx, ERR_LIB_DH, DH_R_BAD_GENERATOR, "Invalid generator");
            return NULL;
        }
        g = BN_new();
        if (g && !BN_set_word(g, (BN_ULONG)n)) {
            BN_free(g);
            g = NULL;
        }
        if (!g)
            coro__crypto_throw(ctx, ERR_get_error(), "Initialization failed");
        return g;
    }
    if (!(g = arg_bn(ctx, v, "generator")))
        return NULL;
    if (BN_is_zero(g) || BN_is_one(g)) {
        BN_free(g);
        throw_raised(ctx, ERR_LIB_DH, DH_R_BAD_GENERATOR, "Invalid generator");
        return NULL;
    }
    return g;
}

/* A DH of the prime and generator arguments, checked; NULL with an
   exception (`fail` the message of OpenSSL's own failures). */
static DH *dh_from_args(JSContext *ctx, JSValueConst prime, JSValueConst gen, const char *name,
                        const char *fail, int *codes)
{
    BIGNUM *p = arg_bn(ctx, prime, name), *g;
    DH *dh;

    if (!p)
        return NULL;
    if (!(g = dh_generator(ctx, gen))) {
        BN_free(p);
        return NULL;
    }
    if (!(dh = dh_from(p, g, codes)))
        coro__crypto_throw(ctx, ERR_get_error(), fail);
    return dh;
}

/* [state, verifyError] of a new DH object over dh. */
static JSValue dh_result(JSContext *ctx, DH *dh, int codes)
{
    JSValue state = new_state(ctx, dh_class, dh, dh_release), ret;

    if (JS_IsException(state))
        return state;
    ret = JS_NewArray(ctx);
    JS_SetPropertyUint32(ctx, ret, 0, state);
    JS_SetPropertyUint32(ctx, ret, 1, JS_NewInt32(ctx, codes));
    return ret;
}

/* dhNew(sizeOrKey, generator) -> [state, verifyError]: a prime of that many
   bits made now, or the prime given; the generator an int32 or bytes. */
static JSValue js_crypto_dh_new(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    DH *dh = NULL;
    int codes = 0;

    ERR_clear_error();
    if (JS_IsNumber(argv[0])) {
        int32_t bits, gen;

        JS_ToInt32(ctx, &bits, argv[0]);
        JS_ToInt32(ctx, &gen, argv[1]);
        if (bits < 2)
            return throw_raised(ctx, ERR_LIB_DH, DH_R_MODULUS_TOO_SMALL, "Invalid prime length");
        if (gen < 2)
            return throw_raised(ctx, ERR_LIB_DH, DH_R_BAD_GENERATOR, "Invalid generator");
        dh = DH_new();
        if (!dh || !DH_generate_parameters_ex(dh, bits, gen, NULL) || (codes = dh_verify(dh)) < 0) {
            DH_free(dh);
            return coro__crypto_throw(ctx, ERR_get_error(), "Initialization failed");
        }
    } else if (!(dh = dh_from_args(ctx, argv[0], argv[1], "sizeOrKey", "Initialization failed", &codes))) {
        return JS_EXCEPTION;
    }
    return dh_result(ctx, dh, codes);
}

/* The modp groups of RFC 2409 and RFC 3526 Node knows, by its names. */
static BIGNUM *modp_prime(const char *name)
{
    static const struct { const char *name; BIGNUM *(*prime)(BIGNUM *); } groups[] = {
        { "modp1", BN_get_rfc2409_prime_768 }, { "modp2", BN_get_rfc2409_prime_1024 },
        { "modp5", BN_get_rfc3526_prime_1536 }, { "modp14", BN_get_rfc3526_prime_2048 },
        { "modp15", BN_get_rfc3526_prime_3072 }, { "modp16", BN_get_rfc3526_prime_4096 },
        { "modp17", BN_get_rfc3526_prime_6144 }, { "modp18", BN_get_rfc3526_prime_8192 },
    };

    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (strcmp(name, groups[i].name) == 0)
            return groups[i].prime(NULL);
    }
    return NULL;
}

/* A modp group's prime with generator 2, or NULL with an exception (NULL
   and none: no such group). */
static DH *modp_group(JSContext *ctx, JSValueConst name_v, int *codes)
{
    const char *name = JS_ToCString(ctx, name_v);
    BIGNUM *p, *g;
    DH *dh;

    if (!name)
        return NULL;
    p = modp_prime(name);
    JS_FreeCString(ctx, name);
    if (!p)
        return NULL;
    g = BN_new();
    if (!g || !BN_set_word(g, 2)) {
        BN_free(p);
        BN_free(g);
        coro__crypto_throw(ctx, ERR_get_error(), "Initialization failed");
        return NULL;
    }
    if (!(dh = dh_from(p, g, codes)))
        coro__crypto_throw(ctx, ERR_get_error(), "Initialization failed");
    return dh;
}

/* dhGroup(name) -> [state, verifyError], or undefined for an unknown name. */
static JSValue js_crypto_dh_group(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int codes = 0;
    DH *dh = modp_group(ctx, argv[0], &codes);

    if (!dh)
        return JS_HasException(ctx) ? JS_EXCEPTION : JS_UNDEFINED;
    return dh_result(ctx, dh, codes);
}

/* dhGenerateKeys(state) -> the public key (a private key set before is kept). */
static JSValue js_crypto_dh_generate_keys(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    DH *dh = arg_state(ctx, argv[0], dh_class);
    const BIGNUM *pub = NULL;

    if (!dh)
        return JS_EXCEPTION;
    ERR_clear_error();
    if (!DH_generate_key(dh))
        return coro__crypto_throw(ctx, ERR_get_error(), "Key generation failed");
    DH_get0_key(dh, &pub, NULL);
    return bn_bytes(ctx, pub);
}

/* dhComputeSecret(state, key) -> the shared secret, DH_size bytes (zeros
   in front, as Node pads it). */
static JSValue js_crypto_dh_compute_secret(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    DH *dh = arg_state(ctx, argv[0], dh_class);
    BIGNUM *key;
    uint8_t *p;
    JSValue out;
    int size, check = 0;

    if (!dh || !(key = arg_bn(ctx, argv[1], "key")))
        return JS_EXCEPTION;
    out = new_bytes(ctx, (size_t)DH_size(dh), &p);
    if (JS_IsException(out)) {
        BN_free(key);
        return out;
    }
    ERR_clear_error();
    size = DH_compute_key(p, key, dh);
    if (size >= 0) {
        BN_free(key);
        /* right-align a secret shorter than the prime */
        memmove(p + DH_size(dh) - size, p, (size_t)size);
        memset(p, 0, (size_t)(DH_size(dh) - size));
        return out;
    }
    JS_FreeValue(ctx, out);
    if (!DH_check_pub_key(dh, key, &check)) {
        BN_free(key);
        return coro__crypto_throw(ctx, ERR_get_error(), "Invalid Key");
    }
    BN_free(key);
    ERR_clear_error();
    if (check & DH_CHECK_PUBKEY_TOO_SMALL)
        return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_KEYLEN", "Supplied key is too small");
    if (check & DH_CHECK_PUBKEY_TOO_LARGE)
        return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_KEYLEN", "Supplied key is too large");
    return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_KEYTYPE", "Invalid key type");
}

enum { DH_PRIME, DH_GENERATOR, DH_PUBLIC, DH_PRIVATE };

/* dhGet(state, which) -> the prime, generator, public or private key. */
static JSValue js_crypto_dh_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int which)
{
    DH *dh = arg_state(ctx, argv[0], dh_class);
    const BIGNUM *v = NULL;

    if (!dh)
        return JS_EXCEPTION;
    switch (which) {
    case DH_PRIME: v = DH_get0_p(dh); break;
    case DH_GENERATOR: v = DH_get0_g(dh); break;
    case DH_PUBLIC: v = DH_get0_pub_key(dh); break;
    default: v = DH_get0_priv_key(dh); break;
    }
    if (!v)
        return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_STATE", "No %s key - did you forget to generate one?",
                               which == DH_PUBLIC ? "public" : "private");
    return bn_bytes(ctx, v);
}

/* dhSet(state, key) -> the public (magic DH_PUBLIC) or private key set. */
static JSValue js_crypto_dh_set(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int which)
{
    DH *dh = arg_state(ctx, argv[0], dh_class);
    BIGNUM *v;

    if (!dh || !(v = arg_bn(ctx, argv[1], "buf")))
        return JS_EXCEPTION;
    if (which == DH_PUBLIC ? !DH_set0_key(dh, v, NULL) : !DH_set0_key(dh, NULL, v)) {
        BN_free(v);
        return coro__crypto_throw(ctx, ERR_get_error(), "Failed to set key");
    }
    return JS_UNDEFINED;
}

/* ------------------------------------------------------------------ */
/* ECDH */

static JSValue ec_failed(JSContext *ctx, const char *message)
{
    ERR_clear_error();
    return coro_throw_code(ctx, "ERR_CRYPTO_OPERATION_FAILED", "%s", message);
}

/* A curve by its short name (Node's ECDH takes only those), or NID_undef
   with ERR_CRYPTO_INVALID_CURVE thrown. */
static int arg_curve(JSContext *ctx, JSValueConst v)
{
    const char *name = JS_ToCString(ctx, v);
    int nid;

    if (!name)
        return NID_undef;
    nid = OBJ_sn2nid(name);
    JS_FreeCString(ctx, name);
    if (nid == NID_undef)
        coro_throw_code(ctx, "ERR_CRYPTO_INVALID_CURVE", "Invalid EC curve name");
    return nid;
}

/* ecdhNew(curve) -> state */
static JSValue js_crypto_ecdh_new(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int nid = arg_curve(ctx, argv[0]);
    EC_KEY *key;

    if (nid == NID_undef)
        return JS_EXCEPTION;
    if (!(key = EC_KEY_new_by_curve_name(nid)))
        return ec_failed(ctx, "Failed to create key using named curve");
    return new_state(ctx, ecdh_class, key, ec_release);
}

static JSValue js_crypto_ecdh_generate_keys(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EC_KEY *key = arg_state(ctx, argv[0], ecdh_class);

    if (!key)
        return JS_EXCEPTION;
    if (!EC_KEY_generate_key(key))
        return ec_failed(ctx, "Failed to generate key");
    return JS_UNDEFINED;
}

/* The point `bytes` encode on group, or NULL (not a point of it). */
static EC_POINT *bytes_point(JSContext *ctx, const EC_GROUP *group, JSValueConst v, int *failed)
{
    const uint8_t *p;
    size_t n;
    EC_POINT *pt;

    *failed = 0;
    if (coro_arg_view(ctx, v, "key", &p, &n) < 0) {
        *failed = 1;
        return NULL;
    }
    if (!(pt = EC_POINT_new(group))) {
        ec_failed(ctx, "Failed to allocate EC_POINT for a public key");
        *failed = 1;
        return NULL;
    }
    if (!EC_POINT_oct2point(group, pt, p, n, NULL)) {
        EC_POINT_free(pt);
        ERR_clear_error();
        return NULL;
    }
    return pt;
}

/* A point as bytes in form (POINT_CONVERSION_*). */
static JSValue point_bytes(JSContext *ctx, const EC_GROUP *group, const EC_POINT *pt, int form)
{
    size_t n = EC_POINT_point2oct(group, pt, (point_conversion_form_t)form, NULL, 0, NULL);
    uint8_t *p;
    JSValue v;

    if (n == 0)
        return ec_failed(ctx, "Failed to get public key length");
    v = new_bytes(ctx, n, &p);
    if (!JS_IsException(v) && EC_POINT_point2oct(group, pt, (point_conversion_form_t)form, p, n, NULL) != n) {
        JS_FreeValue(ctx, v);
        return ec_failed(ctx, "Failed to get public key");
    }
    return v;
}

/* ecdhComputeSecret(state, key) -> the secret, or the string
   'ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY' (Node's JS throws that error). */
static JSValue js_crypto_ecdh_compute_secret(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EC_KEY *key = arg_state(ctx, argv[0], ecdh_class);
    const EC_GROUP *group;
    EC_POINT *pub;
    uint8_t *p;
    size_t n;
    JSValue out;
    int failed, ok;

    if (!key)
        return JS_EXCEPTION;
    if (EC_KEY_check_key(key) != 1) {
        ERR_clear_error();
        return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_KEYPAIR", "Invalid key pair");
    }
    group = EC_KEY_get0_group(key);
    if (!(pub = bytes_point(ctx, group, argv[1], &failed)))
        return failed ? JS_EXCEPTION : JS_NewString(ctx, "ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY");
    n = ((size_t)EC_GROUP_get_degree(group) + 7) / 8;
    out = new_bytes(ctx, n, &p);
    ok = !JS_IsException(out) && ECDH_compute_key(p, n, pub, key, NULL) > 0;
    EC_POINT_free(pub);
    if (JS_IsException(out))
        return out;
    if (!ok) {
        JS_FreeValue(ctx, out);
        return ec_failed(ctx, "Failed to compute ECDH key");
    }
    return out;
}

/* ecdhGetPublicKey(state, form) */
static JSValue js_crypto_ecdh_get_public_key(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EC_KEY *key = arg_state(ctx, argv[0], ecdh_class);
    const EC_POINT *pub;
    int32_t form;

    if (!key || JS_ToInt32(ctx, &form, argv[1]) < 0)
        return JS_EXCEPTION;
    if (!(pub = EC_KEY_get0_public_key(key)))
        return ec_failed(ctx, "Failed to get ECDH public key");
    return point_bytes(ctx, EC_KEY_get0_group(key), pub, form);
}

static JSValue js_crypto_ecdh_get_private_key(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EC_KEY *key = arg_state(ctx, argv[0], ecdh_class);
    const BIGNUM *priv;

    if (!key)
        return JS_EXCEPTION;
    if (!(priv = EC_KEY_get0_private_key(key)))
        return ec_failed(ctx, "Failed to get ECDH private key");
    return bn_bytes(ctx, priv);
}

/* ecdhSetPrivateKey(state, bytes): in [1, order - 1]; the public key is
   derived from it. */
static JSValue js_crypto_ecdh_set_private_key(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EC_KEY *key = arg_state(ctx, argv[0], ecdh_class), *next;
    const EC_GROUP *group;
    BIGNUM *priv, *order;
    EC_POINT *pub;
    int valid, ok;

    if (!key || !(priv = arg_bn(ctx, argv[1], "key")))
        return JS_EXCEPTION;
    group = EC_KEY_get0_group(key);
    order = BN_new();
    valid = order && EC_GROUP_get_order(group, order, NULL) && BN_cmp(priv, BN_value_one()) >= 0 &&
            BN_cmp(priv, order) < 0;
    BN_free(order);
    if (!valid) {
        BN_free(priv);
        ERR_clear_error();
        return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_KEYTYPE", "Private key is not valid for specified curve.");
    }
    next = EC_KEY_dup(key);
    ok = next && EC_KEY_set_private_key(next, priv);
    BN_free(priv);
    if (!ok) {
        EC_KEY_free(next);
        return ec_failed(ctx, "Failed to convert BN to a private key");
    }
    pub = EC_POINT_new(group);
    if (!pub || !EC_POINT_mul(group, pub, EC_KEY_get0_private_key(next), NULL, NULL, NULL)) {
        EC_POINT_free(pub);
        EC_KEY_free(next);
        return ec_failed(ctx, "Failed to generate ECDH public key");
    }
    ok = EC_KEY_set_public_key(next, pub);
    EC_POINT_free(pub);
    if (!ok) {
        EC_KEY_free(next);
        return ec_failed(ctx, "Failed to set generated public key");
    }
    JS_SetOpaque(argv[0], next);
    EC_KEY_free(key);
    return JS_UNDEFINED;
}

static JSValue js_crypto_ecdh_set_public_key(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    EC_KEY *key = arg_state(ctx, argv[0], ecdh_class);
    EC_POINT *pub;
    int failed, ok;

    if (!key)
        return JS_EXCEPTION;
    if (!(pub = bytes_point(ctx, EC_KEY_get0_group(key), argv[1], &failed)))
        return failed ? JS_EXCEPTION : ec_failed(ctx, "Failed to convert Buffer to EC_POINT");
    ok = EC_KEY_set_public_key(key, pub);
    EC_POINT_free(pub);
    if (!ok)
        return ec_failed(ctx, "Failed to set EC_POINT as the public key");
    return JS_UNDEFINED;
}

/* ecdhConvertKey(key, curve, form) -> the point in another form */
static JSValue js_crypto_ecdh_convert_key(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int nid = arg_curve(ctx, argv[1]), failed;
    int32_t form;
    EC_GROUP *group;
    EC_POINT *pt;
    JSValue ret;

    if (nid == NID_undef || JS_ToInt32(ctx, &form, argv[2]) < 0)
        return JS_EXCEPTION;
    if (!(group = EC_GROUP_new_by_curve_name(nid)))
        return ec_failed(ctx, "Failed to get EC_GROUP");
    pt = bytes_point(ctx, group, argv[0], &failed);
    if (!pt) {
        EC_GROUP_free(group);
        return failed ? JS_EXCEPTION : ec_failed(ctx, "Failed to convert Buffer to EC_POINT");
    }
    ret = point_bytes(ctx, group, pt, form);
    EC_POINT_free(pt);
    EC_GROUP_free(group);
    return ret;
}

/* ------------------------------------------------------------------ */
/* DH and DSA key pairs */

typedef struct paramkeygen {
    EVP_PKEY_CTX *pctx;  /* parameter generation, or NULL: params given */
    EVP_PKEY *params;
    EVP_PKEY *pkey;
    unsigned long err;
} paramkeygen;

/* Parameters (unless given), then a key pair of them. */
static void paramkeygen_work(void *arg)
{
    paramkeygen *k = arg;
    EVP_PKEY_CTX *kctx = NULL;

    ERR_clear_error();
    if (k->pctx && EVP_PKEY_paramgen(k->pctx, &k->params) != 1)
        goto done;
    kctx = EVP_PKEY_CTX_new(k->params, NULL);
    if (kctx && EVP_PKEY_keygen_init(kctx) == 1)
        EVP_PKEY_keygen(kctx, &k->pkey);
done:
    if (!k->pkey)
        k->err = ERR_peek_last_error();
    EVP_PKEY_CTX_free(kctx);
    ERR_clear_error();
}

static JSValue paramkeygen_run(JSContext *ctx, paramkeygen *k, int pooled)
{
    JSValue ret = JS_EXCEPTION;

    if (coro__crypto_run(ctx, paramkeygen_work, k, pooled) == 0) {
        if (k->pkey)
            ret = coro__crypto_new_key(ctx, k->pkey);
        else
            coro__crypto_throw(ctx, k->err, "Key generation job failed");
    }
    EVP_PKEY_CTX_free(k->pctx);
    EVP_PKEY_free(k->params);
    return ret;
}

/* dhKeyGenerate(pooled, group name | prime | prime length, generator) ->
   private key; an unknown group throws ERR_CRYPTO_UNKNOWN_DH_GROUP. */
static JSValue js_crypto_dh_key_generate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    paramkeygen k = { 0 };
    int codes;
    DH *dh = NULL;

    ERR_clear_error();
    if (JS_IsString(argv[1])) {
        if (!(dh = modp_group(ctx, argv[1], &codes)))
            return JS_HasException(ctx) ? JS_EXCEPTION
                                        : coro_throw_code(ctx, "ERR_CRYPTO_UNKNOWN_DH_GROUP", "Unknown DH group");
    } else if (JS_IsNumber(argv[1])) {
        int32_t bits, gen;

        JS_ToInt32(ctx, &bits, argv[1]);
        JS_ToInt32(ctx, &gen, argv[2]);
        k.pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_DH, NULL);
        if (!k.pctx || EVP_PKEY_paramgen_init(k.pctx) != 1 ||
            EVP_PKEY_CTX_set_dh_paramgen_prime_len(k.pctx, bits) <= 0 ||
            EVP_PKEY_CTX_set_dh_paramgen_generator(k.pctx, gen) <= 0) {
            EVP_PKEY_CTX_free(k.pctx);
            return coro__crypto_throw(ctx, ERR_get_error(), "Key generation failed");
        }
    } else if (!(dh = dh_from_args(ctx, argv[1], argv[2], "options.prime", "Key generation failed", &codes))) {
        return JS_EXCEPTION;
    }
    if (dh) {
        k.params = EVP_PKEY_new();
        if (!k.params || !EVP_PKEY_assign_DH(k.params, dh)) {
            DH_free(dh);
            EVP_PKEY_free(k.params);
            return coro__crypto_throw(ctx, ERR_get_error(), "Key generation failed");
        }
    }
    return paramkeygen_run(ctx, &k, JS_ToBool(ctx, argv[0]));
}

/* dsaKeyGenerate(pooled, modulusLength, divisorLength (-1: OpenSSL's)) */
static JSValue js_crypto_dsa_key_generate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    paramkeygen k = { 0 };
    int32_t bits, qbits;

    if (JS_ToInt32(ctx, &bits, argv[1]) < 0 || JS_ToInt32(ctx, &qbits, argv[2]) < 0)
        return JS_EXCEPTION;
    ERR_clear_error();
    k.pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_DSA, NULL);
    if (!k.pctx || EVP_PKEY_paramgen_init(k.pctx) != 1 ||
        EVP_PKEY_CTX_set_dsa_paramgen_bits(k.pctx, bits) <= 0 ||
        (qbits >= 0 && EVP_PKEY_CTX_set_dsa_paramgen_q_bits(k.pctx, qbits) <= 0)) {
        EVP_PKEY_CTX_free(k.pctx);
        return coro__crypto_throw(ctx, ERR_get_error(), "Key generation failed");
    }
    return paramkeygen_run(ctx, &k, JS_ToBool(ctx, argv[0]));
}

/* ------------------------------------------------------------------ */
/* primes */

typedef struct prime_job {
    BIGNUM *bn, *add, *rem;
    int bits, safe, checks;
    int result; /* generated: 1; checked: BN_is_prime_ex's answer */
} prime_job;

static void prime_generate_work(void *arg)
{
    prime_job *j = arg;

    j->result = BN_generate_prime_ex(j->bn, j->bits, j->safe, j->add, j->rem, NULL);
    ERR_clear_error();
}

static void prime_check_work(void *arg)
{
    prime_job *j = arg;
    BN_CTX *bctx = BN_CTX_new();

    j->result = bctx ? BN_is_prime_ex(j->bn, j->checks, bctx, NULL) : -1;
    BN_CTX_free(bctx);
    ERR_clear_error();
}

static void prime_job_free(prime_job *j)
{
    BN_free(j->bn);
    BN_free(j->add);
    BN_free(j->rem);
}

/* bits, add and rem as Node's RandomPrimeJob checks them: 0, or -1 with an
   exception. A bigger `add` would make OpenSSL return a fixed prime or
   never end; so would a `rem` not below `add`. */
static int prime_options(JSContext *ctx, JSValueConst *argv, prime_job *j)
{
    if (JS_ToInt32(ctx, &j->bits, argv[0]) < 0)
        return -1;
    if ((!JS_IsUndefined(argv[1]) && !(j->add = arg_bn(ctx, argv[1], "options.add"))) ||
        (!JS_IsUndefined(argv[2]) && !(j->rem = arg_bn(ctx, argv[2], "options.rem"))))
        return -1;
    if (j->bits < 1) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "invalid size");
        return -1;
    }
    if (j->add && BN_num_bits(j->add) > j->bits) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "invalid options.add");
        return -1;
    }
    if (j->add && j->rem && BN_cmp(j->add, j->rem) != 1) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "invalid options.rem");
        return -1;
    }
    return 0;
}

/* primeCheckOptions(bits, add | undefined, rem | undefined): throws what
   primeGenerate would (the job's constructor throws it at once). */
static JSValue js_crypto_prime_check_options(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    prime_job j = { 0 };
    int r = prime_options(ctx, argv, &j);

    prime_job_free(&j);
    return r < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

/* primeGenerate(pooled, bits, safe, add | undefined, rem | undefined) ->
   the prime, big-endian. */
static JSValue js_crypto_prime_generate(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValueConst opts[3] = { argv[1], argv[3], argv[4] };
    prime_job j = { 0 };
    JSValue ret = JS_EXCEPTION;

    j.safe = JS_ToBool(ctx, argv[2]);
    if (prime_options(ctx, opts, &j) < 0)
        goto done;
    if (!(j.bn = BN_new())) {
        JS_ThrowOutOfMemory(ctx);
        goto done;
    }
    if (coro__crypto_run(ctx, prime_generate_work, &j, JS_ToBool(ctx, argv[0])) < 0)
        goto done;
    if (!j.result)
        coro_throw_code(ctx, "ERR_CRYPTO_OPERATION_FAILED", "Random prime generation failed");
    else
        ret = bn_bytes(ctx, j.bn);
done:
    prime_job_free(&j);
    return ret;
}

/* primeCheck(pooled, candidate, checks) -> whether it is (probably) prime */
static JSValue js_crypto_prime_check(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    prime_job j = { 0 };
    JSValue ret = JS_EXCEPTION;

    if (!(j.bn = arg_bn(ctx, argv[1], "candidate")) || JS_ToInt32(ctx, &j.checks, argv[2]) < 0)
        goto done;
    if (coro__crypto_run(ctx, prime_check_work, &j, JS_ToBool(ctx, argv[0])) < 0)
        goto done;
    if (j.result < 0)
        coro_throw_code(ctx, "ERR_CRYPTO_OPERATION_FAILED", "Prime check failed");
    else
        ret = JS_NewBool(ctx, j.result);
done:
    prime_job_free(&j);
    return ret;
}

/* ------------------------------------------------------------------ */

static const JSCFunctionListEntry dh_funcs[] = {
    JS_CFUNC_DEF("dhNew", 2, js_crypto_dh_new),
    JS_CFUNC_DEF("dhGroup", 1, js_crypto_dh_group),
    JS_CFUNC_DEF("dhGenerateKeys", 1, js_crypto_dh_generate_keys),
    JS_CFUNC_DEF("dhComputeSecret", 2, js_crypto_dh_compute_secret),
    JS_CFUNC_MAGIC_DEF("dhGetPrime", 1, js_crypto_dh_get, DH_PRIME),
    JS_CFUNC_MAGIC_DEF("dhGetGenerator", 1, js_crypto_dh_get, DH_GENERATOR),
    JS_CFUNC_MAGIC_DEF("dhGetPublicKey", 1, js_crypto_dh_get, DH_PUBLIC),
    JS_CFUNC_MAGIC_DEF("dhGetPrivateKey", 1, js_crypto_dh_get, DH_PRIVATE),
    JS_CFUNC_MAGIC_DEF("dhSetPublicKey", 2, js_crypto_dh_set, DH_PUBLIC),
    JS_CFUNC_MAGIC_DEF("dhSetPrivateKey", 2, js_crypto_dh_set, DH_PRIVATE),
    JS_CFUNC_DEF("ecdhNew", 1, js_crypto_ecdh_new),
    JS_CFUNC_DEF("ecdhGenerateKeys", 1, js_crypto_ecdh_generate_keys),
    JS_CFUNC_DEF("ecdhComputeSecret", 2, js_crypto_ecdh_compute_secret),
    JS_CFUNC_DEF("ecdhGetPublicKey", 2, js_crypto_ecdh_get_public_key),
    JS_CFUNC_DEF("ecdhGetPrivateKey", 1, js_crypto_ecdh_get_private_key),
    JS_CFUNC_DEF("ecdhSetPublicKey", 2, js_crypto_ecdh_set_public_key),
    JS_CFUNC_DEF("ecdhSetPrivateKey", 2, js_crypto_ecdh_set_private_key),
    JS_CFUNC_DEF("ecdhConvertKey", 3, js_crypto_ecdh_convert_key),
    JS_CFUNC_DEF("dhKeyGenerate", 3, js_crypto_dh_key_generate),
    JS_CFUNC_DEF("dsaKeyGenerate", 3, js_crypto_dsa_key_generate),
    JS_CFUNC_DEF("primeCheckOptions", 3, js_crypto_prime_check_options),
    JS_CFUNC_DEF("primeGenerate", 5, js_crypto_prime_generate),
    JS_CFUNC_DEF("primeCheck", 3, js_crypto_prime_check),
};

int coro__crypto_dh_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);

    if (coro_register_class(rt, &dh_class, &dh_def) < 0 || coro_register_class(rt, &ecdh_class, &ecdh_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, dh_funcs, sizeof dh_funcs / sizeof dh_funcs[0]);
    return 0;
}
