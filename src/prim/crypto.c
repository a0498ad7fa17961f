/*
 * prim/crypto.c: __primordials.crypto, the OpenSSL half of Node's
 * internalBinding('crypto') (lib/node/bindings/crypto.js is the JS half that
 * gives Node's lib its classes): message digests (XOFs included), HMAC,
 * symmetric ciphers, PBKDF2, scrypt, HKDF, random bytes, timing-safe
 * comparison, the lists of digest and cipher names, and the constants.
 *
 * A digest, HMAC or cipher in progress is an object of one class
 * ("CryptoState") whose finalizer frees its OpenSSL context: Node's lib never
 * closes them, the garbage collector does.
 *
 * The one-shot derivations (digest, PBKDF2, scrypt, HKDF, random bytes) are
 * jobs: they run on the calling thread (`pooled` false: a *Sync call) or on
 * libuv's pool in one of the isolate's slots, parking only the calling fiber.
 * Their inputs are held (copied or pinned, coro_arg_bytes) until they end.
 *
 * OpenSSL's error queue belongs to the thread: every call clears it first and
 * reads it before anything else can run on the thread.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <uv.h>

#include "prim.h"
#include "core/binding.h"
#include "core/loop.h"
#include "core/wait.h"
#include "crypto.h"

/* ------------------------------------------------------------------ */
/* errors */

static int set_str(JSContext *ctx, JSValueConst obj, const char *key, const char *val)
{
    return val ? JS_SetPropertyStr(ctx, obj, key, JS_NewString(ctx, val)) : 0;
}

/* Node's ThrowCryptoError: OpenSSL's error string ("error:1C800064:Provider
   routines::bad decrypt") with library, reason and a code made of the reason
   ("ERR_OSSL_BAD_DECRYPT", "ERR_OSSL_EVP_..."); `fallback` when the queue is
   empty. */
JSValue coro__crypto_throw(JSContext *ctx, unsigned long err, const char *fallback)
{
    static const struct { int lib; const char *name; } libs[] = {
        { ERR_LIB_SYS, "SYS_" }, { ERR_LIB_BN, "BN_" }, { ERR_LIB_RSA, "RSA_" },
        { ERR_LIB_DH, "DH_" }, { ERR_LIB_EVP, "EVP_" }, { ERR_LIB_BUF, "BUF_" },
        { ERR_LIB_OBJ, "OBJ_" }, { ERR_LIB_PEM, "PEM_" }, { ERR_LIB_DSA, "DSA_" },
        { ERR_LIB_X509, "X509_" }, { ERR_LIB_ASN1, "ASN1_" }, { ERR_LIB_CONF, "CONF_" },
        { ERR_LIB_CRYPTO, "CRYPTO_" }, { ERR_LIB_EC, "EC_" }, { ERR_LIB_BIO, "BIO_" },
        { ERR_LIB_PKCS7, "PKCS7_" }, { ERR_LIB_X509V3, "X509V3_" }, { ERR_LIB_PKCS12, "PKCS12_" },
        { ERR_LIB_RAND, "RAND_" }, { ERR_LIB_DSO, "DSO_" }, { ERR_LIB_ENGINE, "ENGINE_" },
        { ERR_LIB_OCSP, "OCSP_" }, { ERR_LIB_UI, "UI_" }, { ERR_LIB_COMP, "COMP_" },
        { ERR_LIB_ECDSA, "ECDSA_" }, { ERR_LIB_ECDH, "ECDH_" }, { ERR_LIB_OSSL_STORE, "OSSL_STORE_" },
        { ERR_LIB_FIPS, "FIPS_" }, { ERR_LIB_CMS, "CMS_" }, { ERR_LIB_TS, "TS_" },
        { ERR_LIB_HMAC, "HMAC_" }, { ERR_LIB_CT, "CT_" }, { ERR_LIB_ASYNC, "ASYNC_" },
        { ERR_LIB_KDF, "KDF_" }, { ERR_LIB_SM2, "SM2_" }, { ERR_LIB_USER, "USER_" },
    };
    char msg[256], code[160];
    const char *lib = "", *reason;
    JSValue e = JS_NewError(ctx);

    ERR_clear_error();
    if (err != 0 || !fallback)
        ERR_error_string_n(err, msg, sizeof msg);
    /* an Error's own message is not enumerable */
    JS_DefinePropertyValueStr(ctx, e, "message", JS_NewString(ctx, err == 0 && fallback ? fallback : msg),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    if (err == 0 && fallback)
        return JS_Throw(ctx, e);
    reason = ERR_reason_error_string(err);
    if (reason) {
        size_t n;

        for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
            if (libs[i].lib == ERR_GET_LIB(err))
                lib = libs[i].name;
        }
        n = (size_t)snprintf(code, sizeof code, "ERR_%s%s", strcmp(lib, "SSL_") ? "OSSL_" : "", lib);
        for (const char *r = reason; *r && n + 1 < sizeof code; r++)
            code[n++] = *r == ' ' ? '_' : (char)toupper((unsigned char)*r);
        code[n] = '\0';
    }
    /* set as Node sets them: a setter on Object.prototype runs, and what it
       throws is what the caller gets */
    if (set_str(ctx, e, "library", ERR_lib_error_string(err)) < 0 ||
        set_str(ctx, e, "reason", reason) < 0 || set_str(ctx, e, "code", reason ? code : NULL) < 0) {
        JS_FreeValue(ctx, e);
        return JS_EXCEPTION;
    }
    return JS_Throw(ctx, e);
}

static JSValue throw_invalid_digest(JSContext *ctx, const char *name)
{
    return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_DIGEST", "Invalid digest: %s", name);
}

/* ------------------------------------------------------------------ */
/* names */

/* Digests by name, fetched once per process: EVP_get_digestbyname knows the
   aliases ("RSA-SHA256"), and a fetched EVP_MD saves the implicit fetch each
   EVP_DigestInit_ex would do with it. Isolates run on threads of their own. */
#define MD_CACHE_SIZE 64
static struct { char name[48]; EVP_MD *md; } md_cache[MD_CACHE_SIZE];
static int md_cached;
static pthread_mutex_t md_lock = PTHREAD_MUTEX_INITIALIZER;

const EVP_MD *coro__crypto_digest(const char *name)
{
    const EVP_MD *legacy;
    EVP_MD *md = NULL;

    pthread_mutex_lock(&md_lock);
    for (int i = 0; i < md_cached && !md; i++) {
        if (strcmp(md_cache[i].name, name) == 0)
            md = md_cache[i].md;
    }
    if (!md && (legacy = EVP_get_digestbyname(name))) {
        md = EVP_MD_fetch(NULL, EVP_MD_get0_name(legacy), NULL);
        if (md && md_cached < MD_CACHE_SIZE && strlen(name) < sizeof md_cache[0].name) {
            strcpy(md_cache[md_cached].name, name);
            md_cache[md_cached++].md = md;
        } else if (md) {
            EVP_MD_free(md); /* not cached: the legacy one does, slower */
            md = (EVP_MD *)legacy;
        }
    }
    pthread_mutex_unlock(&md_lock);
    ERR_clear_error();
    return md;
}

/* A digest argument by name: the EVP_MD, or NULL with ERR_CRYPTO_INVALID_DIGEST
   thrown ("Invalid digest: name"). */
static const EVP_MD *arg_digest(JSContext *ctx, JSValueConst v)
{
    const char *name = JS_ToCString(ctx, v);
    const EVP_MD *md;

    if (!name)
        return NULL;
    md = coro__crypto_digest(name);
    if (!md)
        throw_invalid_digest(ctx, name);
    JS_FreeCString(ctx, name);
    return md;
}

typedef struct name_list {
    JSContext *ctx;
    JSValue array;
    uint32_t n;
    int ciphers;
} name_list;

/* Only names this OpenSSL can fetch (its providers), as Node lists them:
   fetched by the real name of what the name (maybe an alias) stands for. */
static void add_name(name_list *l, const char *name)
{
    const void *known = l->ciphers ? (const void *)EVP_get_cipherbyname(name)
                                   : (const void *)EVP_get_digestbyname(name);
    const char *real;
    void *impl = NULL;

    if (!known)
        return;
    real = l->ciphers ? EVP_CIPHER_get0_name(known) : EVP_MD_get0_name(known);
    if (real)
        impl = l->ciphers ? (void *)EVP_CIPHER_fetch(NULL, real, NULL) : (void *)EVP_MD_fetch(NULL, real, NULL);
    if (!impl)
        return;
    if (l->ciphers)
        EVP_CIPHER_free(impl);
    else
        EVP_MD_free(impl);
    JS_SetPropertyUint32(l->ctx, l->array, l->n++, JS_NewString(l->ctx, name));
}

static void add_cipher(const EVP_CIPHER *c, const char *from, const char *to, void *arg)
{
    if (from)
        add_name(arg, from);
}

static void add_digest(const EVP_MD *md, const char *from, const char *to, void *arg)
{
    if (from)
        add_name(arg, from);
}

/* getHashes() / getCiphers() -> [name, ...] (aliases included, sorted) */
static JSValue js_crypto_names(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int ciphers)
{
    name_list l = { ctx, JS_NewArray(ctx), 0, ciphers };

    if (ciphers)
        EVP_CIPHER_do_all_sorted(add_cipher, &l);
    else
        EVP_MD_do_all_sorted(add_digest, &l);
    ERR_clear_error();
    return l.array;
}

/* ------------------------------------------------------------------ */
/* states: digests, HMACs and ciphers in progress */

enum { STATE_HASH, STATE_HMAC, STATE_CIPHER };
enum { TAG_UNKNOWN, TAG_KNOWN, TAG_PASSED }; /* a decipher's authentication tag */
#define NO_TAG_LENGTH (-1)

typedef struct crypto_state {
    int kind;
    EVP_MD_CTX *md;
    unsigned md_len;  /* the digest's length (an XOF's outputLength) */
    EVP_MAC_CTX *mac;
    EVP_CIPHER_CTX *cipher;  /* NULL once final */
    int encrypt;
    int tag_len;  /* NO_TAG_LENGTH or the authentication tag's */
    int tag_state;
    uint8_t tag[16];
    int max_message;  /* CCM's limit on the message's length */
    int auth_failed;  /* CCM: the tag was wrong, final() says so */
} crypto_state;

static JSClassID state_class;

static void state_finalizer(JSRuntime *rt, JSValue val)
{
    crypto_state *s = JS_GetOpaque(val, state_class);

    if (!s)
        return;
    EVP_MD_CTX_free(s->md);
    EVP_MAC_CTX_free(s->mac);
    EVP_CIPHER_CTX_free(s->cipher);
    js_free_rt(rt, s);
}

static const JSClassDef state_def = { "CryptoState", .finalizer = state_finalizer };

static JSValue new_state(JSContext *ctx, int kind, crypto_state **out)
{
    JSValue obj = JS_NewObjectClass(ctx, (int)state_class);
    crypto_state *s;

    if (JS_IsException(obj))
        return obj;
    s = js_mallocz(ctx, sizeof *s);
    if (!s) {
        JS_FreeValue(ctx, obj);
        return JS_EXCEPTION;
    }
    s->kind = kind;
    s->tag_len = NO_TAG_LENGTH;
    JS_SetOpaque(obj, s);
    *out = s;
    return obj;
}

static crypto_state *arg_state(JSContext *ctx, JSValueConst v, int kind)
{
    crypto_state *s = JS_GetOpaque(v, state_class);

    if (!s || s->kind != kind) {
        coro_throw_arg_type(ctx, "state", "a crypto state of the right kind", v);
        return NULL;
    }
    return s;
}

/* The bytes of a string (as UTF-8) or an ArrayBuffer or view, in place: valid
   until JS runs again or *cstr is freed (JS_FreeCString, when set). */
static int arg_input(JSContext *ctx, JSValueConst v, const char *name,
                     const uint8_t **data, size_t *len, const char **cstr)
{
    *cstr = NULL;
    if (JS_IsString(v)) {
        *cstr = JS_ToCStringLen(ctx, len, v);
        *data = (const uint8_t *)*cstr;
        return *cstr ? 0 : -1;
    }
    return coro_arg_view(ctx, v, name, data, len);
}

/* A new Uint8Array of len bytes, whose memory *p points to (NULL on failure,
   with the exception pending). */
static JSValue new_bytes(JSContext *ctx, size_t len, uint8_t **p)
{
    *p = js_malloc(ctx, len ? len : 1);
    if (!*p)
        return JS_EXCEPTION;
    return coro_new_uint8array(ctx, *p, len);
}

/* hashNew(algorithm | state to copy, outputLength | undefined) -> state; an
   unknown digest throws "Digest method not supported", an outputLength a
   non-XOF cannot give ERR_OSSL_EVP_NOT_XOF_OR_INVALID_LENGTH. */
static JSValue js_crypto_hash_new(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *orig = JS_GetOpaque(argv[0], state_class), *s;
    const EVP_MD *md = NULL;
    int64_t xof = -1;
    JSValue obj;

    if (orig && orig->kind == STATE_HASH) {
        md = EVP_MD_CTX_get0_md(orig->md);
    } else {
        const char *name = JS_ToCString(ctx, argv[0]);

        if (!name)
            return JS_EXCEPTION;
        md = coro__crypto_digest(name);
        JS_FreeCString(ctx, name);
    }
    if (!JS_IsUndefined(argv[1]) && coro_arg_integer(ctx, argv[1], "outputLength", 0, UINT32_MAX, &xof) < 0)
        return JS_EXCEPTION;
    obj = new_state(ctx, STATE_HASH, &s);
    if (JS_IsException(obj))
        return obj;
    ERR_clear_error();
    s->md = EVP_MD_CTX_new();
    if (!md || !s->md || EVP_DigestInit_ex(s->md, md, NULL) <= 0)
        goto unsupported;
    s->md_len = (unsigned)EVP_MD_get_size(md);
    if (xof >= 0 && (unsigned)xof != s->md_len) {
        if (!(EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF)) {
            ERR_raise(ERR_LIB_EVP, EVP_R_NOT_XOF_OR_INVALID_LENGTH);
            goto unsupported;
        }
        s->md_len = (unsigned)xof;
    }
    if (orig && orig->kind == STATE_HASH && EVP_MD_CTX_copy_ex(s->md, orig->md) <= 0) {
        JS_FreeValue(ctx, obj);
        return coro__crypto_throw(ctx, ERR_get_error(), "Digest copy error");
    }
    return obj;
unsupported:
    JS_FreeValue(ctx, obj);
    return coro__crypto_throw(ctx, ERR_get_error(), "Digest method not supported");
}

/* hmacNew(digest, key) -> state; an unknown digest throws "Invalid digest: x". */
static JSValue js_crypto_hmac_new(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const EVP_MD *md = arg_digest(ctx, argv[0]);
    const uint8_t *key;
    size_t key_len;
    crypto_state *s;
    JSValue obj;
    OSSL_PARAM params[2];
    EVP_MAC *hmac;

    if (!md || coro_arg_view(ctx, argv[1], "key", &key, &key_len) < 0)
        return JS_EXCEPTION;
    obj = new_state(ctx, STATE_HMAC, &s);
    if (JS_IsException(obj))
        return obj;
    ERR_clear_error();
    hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    s->mac = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    EVP_MAC_free(hmac);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!s->mac || !EVP_MAC_init(s->mac, key_len ? key : (const uint8_t *)"", key_len, params)) {
        JS_FreeValue(ctx, obj);
        return coro__crypto_throw(ctx, ERR_get_error(), "HMAC initialisation failed");
    }
    return obj;
}

/* update(state, data) -> true, or false when the digest refused the data;
   for a hash or an HMAC. */
static JSValue js_crypto_update(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *s = JS_GetOpaque(argv[0], state_class);
    const uint8_t *data;
    const char *cstr;
    size_t len;
    int ok;

    if (!s || s->kind == STATE_CIPHER)
        return coro_throw_arg_type(ctx, "state", "a hash or HMAC state", argv[0]);
    if (arg_input(ctx, argv[1], "data", &data, &len, &cstr) < 0)
        return JS_EXCEPTION;
    if (s->kind == STATE_HASH)
        ok = s->md && EVP_DigestUpdate(s->md, data, len) == 1;
    else
        ok = s->mac && EVP_MAC_update(s->mac, data, len) == 1;
    JS_FreeCString(ctx, cstr);
    ERR_clear_error();
    return JS_NewBool(ctx, ok);
}

/* digest(state) -> Uint8Array; the state is spent. */
static JSValue js_crypto_digest(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *s = JS_GetOpaque(argv[0], state_class);
    size_t len;
    uint8_t *p;
    JSValue out;
    int ok;

    if (!s || s->kind == STATE_CIPHER || (!s->md && !s->mac))
        return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_STATE", "Invalid state");
    len = s->kind == STATE_HASH ? s->md_len : EVP_MAC_CTX_get_mac_size(s->mac);
    out = new_bytes(ctx, len, &p);
    if (JS_IsException(out))
        return out;
    ERR_clear_error();
    if (s->kind == STATE_HMAC) {
        ok = EVP_MAC_final(s->mac, p, &len, len) == 1;
    } else if (EVP_MD_get_flags(EVP_MD_CTX_get0_md(s->md)) & EVP_MD_FLAG_XOF) {
        ok = len == 0 || EVP_DigestFinalXOF(s->md, p, len) == 1;
    } else {
        ok = EVP_DigestFinal_ex(s->md, p, NULL) == 1;
    }
    EVP_MD_CTX_free(s->md);
    EVP_MAC_CTX_free(s->mac);
    s->md = NULL;
    s->mac = NULL;
    if (!ok) {
        JS_FreeValue(ctx, out);
        return coro__crypto_throw(ctx, ERR_get_error(), "Failed to finalize digest");
    }
    return out;
}

/* ------------------------------------------------------------------ */
/* ciphers */

static int is_aead(const EVP_CIPHER *c)
{
    int mode = EVP_CIPHER_get_mode(c);

    return mode == EVP_CIPH_GCM_MODE || mode == EVP_CIPH_CCM_MODE || mode == EVP_CIPH_OCB_MODE ||
           EVP_CIPHER_get_nid(c) == NID_chacha20_poly1305;
}

static int valid_gcm_tag(int n)
{
    return n == 4 || n == 8 || (n >= 12 && n <= 16);
}

/* The AEAD parts of cipherInit: the IV length, the tag length. */
static int init_aead(JSContext *ctx, crypto_state *s, const char *name, int iv_len, int tag_len)
{
    int mode = EVP_CIPHER_CTX_get_mode(s->cipher);

    if (!EVP_CIPHER_CTX_ctrl(s->cipher, EVP_CTRL_AEAD_SET_IVLEN, iv_len, NULL)) {
        coro_throw_code(ctx, "ERR_CRYPTO_INVALID_IV", "Invalid initialization vector");
        return -1;
    }
    if (mode == EVP_CIPH_GCM_MODE) {
        if (tag_len != NO_TAG_LENGTH && !valid_gcm_tag(tag_len)) {
            coro_throw_code(ctx, "ERR_CRYPTO_INVALID_AUTH_TAG", "Invalid authentication tag length: %u", tag_len);
            return -1;
        }
        s->tag_len = tag_len;
        return 0;
    }
    if (tag_len == NO_TAG_LENGTH) {
        /* ChaCha20-Poly1305's tag is 16 bytes unless told otherwise */
        if (EVP_CIPHER_CTX_get_nid(s->cipher) != NID_chacha20_poly1305) {
            coro_throw_code(ctx, "ERR_CRYPTO_INVALID_AUTH_TAG", "authTagLength required for %s", name);
            return -1;
        }
        tag_len = 16;
    }
    if (!EVP_CIPHER_CTX_ctrl(s->cipher, EVP_CTRL_AEAD_SET_TAG, tag_len, NULL)) {
        coro_throw_code(ctx, "ERR_CRYPTO_INVALID_AUTH_TAG", "Invalid authentication tag length: %u", tag_len);
        return -1;
    }
    s->tag_len = tag_len;
    if (mode == EVP_CIPH_CCM_MODE)
        s->max_message = iv_len == 13 ? 65535 : iv_len == 12 ? 16777215 : INT32_MAX;
    return 0;
}

/* Set up s->cipher for `c` with key and iv (NULL: none). */
static int init_cipher(JSContext *ctx, crypto_state *s, const char *name, const EVP_CIPHER *c,
                       const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len, int tag_len)
{
    s->cipher = EVP_CIPHER_CTX_new();
    if (!s->cipher) {
        JS_ThrowOutOfMemory(ctx);
        return -1;
    }
    if (EVP_CIPHER_get_mode(c) == EVP_CIPH_WRAP_MODE)
        EVP_CIPHER_CTX_set_flags(s->cipher, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (EVP_CipherInit_ex(s->cipher, c, NULL, NULL, NULL, s->encrypt) != 1) {
        coro__crypto_throw(ctx, ERR_get_error(), "Failed to initialize cipher");
        return -1;
    }
    if (is_aead(c) && init_aead(ctx, s, name, (int)iv_len, tag_len) < 0)
        return -1;
    if (!EVP_CIPHER_CTX_set_key_length(s->cipher, (int)key_len)) {
        ERR_clear_error();
        coro_throw_code(ctx, "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length");
        return -1;
    }
    if (EVP_CipherInit_ex(s->cipher, NULL, NULL, key, iv, s->encrypt) != 1) {
        coro__crypto_throw(ctx, ERR_get_error(), "Failed to initialize cipher");
        return -1;
    }
    return 0;
}

/* The IV a cipher takes: Node's checks before OpenSSL's. */
static int check_iv(JSContext *ctx, const EVP_CIPHER *c, size_t iv_len, int has_iv)
{
    int expected = EVP_CIPHER_get_iv_length(c);

    if ((!has_iv || iv_len == 0) && expected != 0)
        goto invalid;
    if (!is_aead(c) && iv_len > 0 && (int)iv_len != expected)
        goto invalid;
    if (EVP_CIPHER_get_nid(c) == NID_chacha20_poly1305 && iv_len > 12)
        goto invalid;
    return 0;
invalid:
    coro_throw_code(ctx, "ERR_CRYPTO_INVALID_IV", "Invalid initialization vector");
    return -1;
}

/* cipherNew(encrypt, name, key, iv | null | undefined, authTagLength | -1)
   -> state. iv undefined: createCipher's EVP_BytesToKey(md5) of key (a
   password). */
static JSValue js_crypto_cipher_new(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *name;
    const EVP_CIPHER *c;
    const uint8_t *key, *iv = NULL;
    size_t key_len, iv_len = 0;
    int64_t tag_len;
    uint8_t derived_key[EVP_MAX_KEY_LENGTH], derived_iv[EVP_MAX_IV_LENGTH];
    int from_password = JS_IsUndefined(argv[3]), err = -1;
    crypto_state *s;
    JSValue obj;

    if (coro_arg_integer(ctx, argv[4], "authTagLength", -1, UINT32_MAX, &tag_len) < 0 ||
        coro_arg_view(ctx, argv[2], "key", &key, &key_len) < 0 ||
        (!from_password && !JS_IsNull(argv[3]) && coro_arg_view(ctx, argv[3], "iv", &iv, &iv_len) < 0))
        return JS_EXCEPTION;
    if (key_len > INT32_MAX)
        return coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "key is too big");
    name = JS_ToCString(ctx, argv[1]);
    if (!name)
        return JS_EXCEPTION;
    obj = new_state(ctx, STATE_CIPHER, &s);
    if (JS_IsException(obj))
        goto done;
    s->encrypt = JS_ToBool(ctx, argv[0]);
    ERR_clear_error();
    c = EVP_get_cipherbyname(name);
    if (!c) {
        coro_throw_code(ctx, "ERR_CRYPTO_UNKNOWN_CIPHER", "Unknown cipher");
    } else if (from_password) {
        int n = EVP_BytesToKey(c, EVP_md5(), NULL, key, (int)key_len, 1, derived_key, derived_iv);

        err = init_cipher(ctx, s, name, c, derived_key, (size_t)n, derived_iv,
                          (size_t)EVP_CIPHER_get_iv_length(c), (int)tag_len);
    } else if (check_iv(ctx, c, iv_len, iv != NULL) == 0) {
        err = init_cipher(ctx, s, name, c, key, key_len, iv, iv_len, (int)tag_len);
    }
    OPENSSL_cleanse(derived_key, sizeof derived_key);
    if (err < 0) {
        JS_FreeValue(ctx, obj);
        obj = JS_EXCEPTION;
    }
done:
    JS_FreeCString(ctx, name);
    return obj;
}

/* A decipher's tag goes to OpenSSL before the data that needs it. */
static int pass_tag(crypto_state *s)
{
    if (s->tag_state != TAG_KNOWN)
        return 1;
    if (!EVP_CIPHER_CTX_ctrl(s->cipher, EVP_CTRL_AEAD_SET_TAG, s->tag_len, s->tag))
        return 0;
    s->tag_state = TAG_PASSED;
    return 1;
}

static int too_long_for_ccm(JSContext *ctx, crypto_state *s, int64_t len)
{
    if (EVP_CIPHER_CTX_get_mode(s->cipher) != EVP_CIPH_CCM_MODE || len <= s->max_message)
        return 0;
    coro_throw_code(ctx, "ERR_CRYPTO_INVALID_MESSAGELEN", "Invalid message length");
    return 1;
}

/* cipherUpdate(state, data) -> Uint8Array */
static JSValue js_crypto_cipher_update(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *s = arg_state(ctx, argv[0], STATE_CIPHER);
    const uint8_t *data;
    size_t len;
    uint8_t *p;
    int out_len, ok, mode;

    if (!s || coro_arg_view(ctx, argv[1], "data", &data, &len) < 0)
        return JS_EXCEPTION;
    if (len > INT32_MAX / 2)
        return coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "data is too long");
    if (!s->cipher)
        return coro__crypto_throw(ctx, 0, "Trying to add data in unsupported state");
    if (too_long_for_ccm(ctx, s, (int64_t)len))
        return JS_EXCEPTION;
    ERR_clear_error();
    mode = EVP_CIPHER_CTX_get_mode(s->cipher);
    if (!s->encrypt && is_aead(EVP_CIPHER_CTX_get0_cipher(s->cipher)))
        pass_tag(s);
    out_len = (int)len + EVP_CIPHER_CTX_get_block_size(s->cipher);
    if (s->encrypt && mode == EVP_CIPH_WRAP_MODE &&
        EVP_CipherUpdate(s->cipher, NULL, &out_len, data, (int)len) != 1)
        return coro__crypto_throw(ctx, ERR_get_error(), "Trying to add data in unsupported state");
    p = js_malloc(ctx, (size_t)out_len + 1);
    if (!p)
        return JS_EXCEPTION;
    ok = EVP_CipherUpdate(s->cipher, p, &out_len, data, (int)len) == 1;
    if (!ok && !s->encrypt && mode == EVP_CIPH_CCM_MODE) {
        s->auth_failed = 1; /* final() reports it */
        ok = 1;
        out_len = 0;
    }
    if (!ok) {
        js_free(ctx, p);
        return coro__crypto_throw(ctx, ERR_get_error(), "Trying to add data in unsupported state");
    }
    return coro_new_uint8array(ctx, p, (size_t)out_len);
}

/* cipherFinal(state) -> Uint8Array; a wrong tag or padding throws. */
static JSValue js_crypto_cipher_final(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *s = arg_state(ctx, argv[0], STATE_CIPHER);
    int aead, ok, out_len = 0, mode;
    uint8_t block[EVP_MAX_BLOCK_LENGTH], *p;
    JSValue out;

    if (!s)
        return JS_EXCEPTION;
    if (!s->cipher)
        return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_STATE", "Invalid state");
    ERR_clear_error();
    aead = is_aead(EVP_CIPHER_CTX_get0_cipher(s->cipher));
    mode = EVP_CIPHER_CTX_get_mode(s->cipher);
    if (!s->encrypt && aead)
        pass_tag(s);
    if (!s->encrypt && mode == EVP_CIPH_CCM_MODE) {
        ok = !s->auth_failed;
    } else {
        ok = EVP_CipherFinal_ex(s->cipher, block, &out_len) == 1;
        if (ok && s->encrypt && aead) {
            if (s->tag_len == NO_TAG_LENGTH)
                s->tag_len = sizeof s->tag; /* GCM's default */
            ok = EVP_CIPHER_CTX_ctrl(s->cipher, EVP_CTRL_AEAD_GET_TAG, s->tag_len, s->tag) == 1;
        }
    }
    EVP_CIPHER_CTX_free(s->cipher);
    s->cipher = NULL;
    if (!ok)
        return coro__crypto_throw(ctx, ERR_get_error(),
                             aead ? "Unsupported state or unable to authenticate data" : "Unsupported state");
    out = new_bytes(ctx, (size_t)out_len, &p);
    if (!JS_IsException(out))
        memcpy(p, block, (size_t)out_len);
    return out;
}

/* cipherSetAutoPadding(state, on) -> false when the cipher is final */
static JSValue js_crypto_cipher_set_auto_padding(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *s = arg_state(ctx, argv[0], STATE_CIPHER);

    if (!s)
        return JS_EXCEPTION;
    return JS_NewBool(ctx, s->cipher && EVP_CIPHER_CTX_set_padding(s->cipher, JS_ToBool(ctx, argv[1])));
}

/* cipherGetAuthTag(state) -> Uint8Array, or undefined before final() or when
   not encrypting with an AEAD. */
static JSValue js_crypto_cipher_get_auth_tag(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *s = arg_state(ctx, argv[0], STATE_CIPHER);
    uint8_t *p;
    JSValue out;

    if (!s)
        return JS_EXCEPTION;
    if (s->cipher || !s->encrypt || s->tag_len == NO_TAG_LENGTH)
        return JS_UNDEFINED;
    out = new_bytes(ctx, (size_t)s->tag_len, &p);
    if (!JS_IsException(out))
        memcpy(p, s->tag, (size_t)s->tag_len);
    return out;
}

/* cipherSetAuthTag(state, tag) -> false when not deciphering an AEAD or the
   tag was set already; a length the mode does not take throws. */
static JSValue js_crypto_cipher_set_auth_tag(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *s = arg_state(ctx, argv[0], STATE_CIPHER);
    const uint8_t *tag;
    size_t len;
    int valid;

    if (!s || coro_arg_view(ctx, argv[1], "buffer", &tag, &len) < 0)
        return JS_EXCEPTION;
    if (!s->cipher || s->encrypt || !is_aead(EVP_CIPHER_CTX_get0_cipher(s->cipher)) ||
        s->tag_state != TAG_UNKNOWN)
        return JS_FALSE;
    if (EVP_CIPHER_CTX_get_mode(s->cipher) == EVP_CIPH_GCM_MODE)
        valid = (s->tag_len == NO_TAG_LENGTH || (size_t)s->tag_len == len) && valid_gcm_tag((int)len);
    else
        valid = (size_t)s->tag_len == len;
    if (!valid)
        return coro_throw_code(ctx, "ERR_CRYPTO_INVALID_AUTH_TAG",
                               "Invalid authentication tag length: %zu", len);
    s->tag_len = (int)len;
    s->tag_state = TAG_KNOWN;
    memcpy(s->tag, tag, len);
    return JS_TRUE;
}

/* cipherSetAAD(state, aad, plaintextLength | -1) -> false when not an AEAD
   in progress */
static JSValue js_crypto_cipher_set_aad(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_state *s = arg_state(ctx, argv[0], STATE_CIPHER);
    const uint8_t *aad;
    size_t len;
    int64_t plain_len;
    int out_len;

    if (!s || coro_arg_view(ctx, argv[1], "buffer", &aad, &len) < 0 ||
        coro_arg_integer(ctx, argv[2], "plaintextLength", -1, INT32_MAX, &plain_len) < 0)
        return JS_EXCEPTION;
    if (!s->cipher || !is_aead(EVP_CIPHER_CTX_get0_cipher(s->cipher)))
        return JS_FALSE;
    ERR_clear_error();
    if (EVP_CIPHER_CTX_get_mode(s->cipher) == EVP_CIPH_CCM_MODE) {
        if (plain_len < 0)
            return coro_throw_code(ctx, "ERR_MISSING_ARGS", "options.plaintextLength required for CCM mode with AAD");
        if (too_long_for_ccm(ctx, s, plain_len))
            return JS_EXCEPTION;
        if ((!s->encrypt && !pass_tag(s)) ||
            EVP_CipherUpdate(s->cipher, NULL, &out_len, NULL, (int)plain_len) != 1)
            return JS_FALSE;
    }
    return JS_NewBool(ctx, EVP_CipherUpdate(s->cipher, NULL, &out_len, aad, (int)len) == 1);
}

static const char *mode_name(int mode)
{
    switch (mode) {
    case EVP_CIPH_CBC_MODE: return "cbc";
    case EVP_CIPH_CCM_MODE: return "ccm";
    case EVP_CIPH_CFB_MODE: return "cfb";
    case EVP_CIPH_CTR_MODE: return "ctr";
    case EVP_CIPH_ECB_MODE: return "ecb";
    case EVP_CIPH_GCM_MODE: return "gcm";
    case EVP_CIPH_OCB_MODE: return "ocb";
    case EVP_CIPH_OFB_MODE: return "ofb";
    case EVP_CIPH_WRAP_MODE: return "wrap";
    case EVP_CIPH_XTS_MODE: return "xts";
    case EVP_CIPH_STREAM_CIPHER: return "stream";
    default: return NULL;
    }
}

/* Whether a cipher takes keys of key_len and IVs of iv_len (-1: as it is). */
static int cipher_takes(const EVP_CIPHER *c, int key_len, int iv_len)
{
    EVP_CIPHER_CTX *cc;
    int mode = EVP_CIPHER_get_mode(c), ok;

    if (key_len < 0 && iv_len < 0)
        return 1;
    cc = EVP_CIPHER_CTX_new();
    ok = cc && EVP_CipherInit_ex(cc, c, NULL, NULL, NULL, 1) == 1;
    if (ok && key_len >= 0)
        ok = EVP_CIPHER_CTX_set_key_length(cc, key_len) == 1;
    if (ok && iv_len >= 0) {
        if (mode == EVP_CIPH_CCM_MODE)
            ok = iv_len >= 7 && iv_len <= 13;
        else if (mode == EVP_CIPH_GCM_MODE || mode == EVP_CIPH_OCB_MODE)
            ok = EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_AEAD_SET_IVLEN, iv_len, NULL) == 1;
        else
            ok = iv_len == EVP_CIPHER_get_iv_length(c);
    }
    EVP_CIPHER_CTX_free(cc);
    ERR_clear_error();
    return ok;
}

/* cipherInfo(nameOrNid, keyLength | -1, ivLength | -1) -> { name, nid,
   blockSize, ivLength, keyLength, mode } or undefined. */
static JSValue js_crypto_cipher_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const EVP_CIPHER *c;
    int64_t key_len, iv_len;
    int nid, mode;
    const char *s;
    JSValue info;

    if (coro_arg_integer(ctx, argv[1], "keyLength", -1, INT32_MAX, &key_len) < 0 ||
        coro_arg_integer(ctx, argv[2], "ivLength", -1, INT32_MAX, &iv_len) < 0)
        return JS_EXCEPTION;
    if (JS_IsString(argv[0])) {
        if (!(s = JS_ToCString(ctx, argv[0])))
            return JS_EXCEPTION;
        c = EVP_get_cipherbyname(s);
        JS_FreeCString(ctx, s);
    } else {
        int32_t n;

        if (JS_ToInt32(ctx, &n, argv[0]) < 0)
            return JS_EXCEPTION;
        c = EVP_get_cipherbynid(n);
    }
    if (!c || !cipher_takes(c, (int)key_len, (int)iv_len))
        return JS_UNDEFINED;
    mode = EVP_CIPHER_get_mode(c);
    nid = EVP_CIPHER_get_nid(c);
    info = JS_NewObject(ctx);
    coro_set_str(ctx, info, "mode", mode_name(mode));
    coro_set_str(ctx, info, "name", OBJ_nid2sn(nid));
    JS_SetPropertyStr(ctx, info, "nid", JS_NewInt32(ctx, nid));
    if (mode != EVP_CIPH_STREAM_CIPHER)
        JS_SetPropertyStr(ctx, info, "blockSize", JS_NewInt32(ctx, EVP_CIPHER_get_block_size(c)));
    if (iv_len >= 0 || EVP_CIPHER_get_iv_length(c) != 0)
        JS_SetPropertyStr(ctx, info, "ivLength",
                          JS_NewInt32(ctx, iv_len >= 0 ? (int)iv_len : EVP_CIPHER_get_iv_length(c)));
    JS_SetPropertyStr(ctx, info, "keyLength",
                      JS_NewInt32(ctx, key_len >= 0 ? (int)key_len : EVP_CIPHER_get_key_length(c)));
    return info;
}

/* ------------------------------------------------------------------ */
/* jobs: one-shot work, here or on libuv's pool */

enum { JOB_DIGEST, JOB_PBKDF2, JOB_SCRYPT, JOB_HKDF, JOB_RANDOM };

typedef struct crypto_job {
    int kind;
    const EVP_MD *md;
    coro_bytes in[3];  /* data | password | key, salt, info */
    int n_in;
    uint64_t n, r, p, maxmem;  /* iterations in n; scrypt's N, r, p */
    uint8_t *out;
    size_t out_len;
    int ok;
    unsigned long err;
} crypto_job;

static int hkdf(crypto_job *j)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kc = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[5], *q = params;
    int ok;

    *q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)EVP_MD_get0_name(j->md), 0);
    *q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)j->in[0].data, j->in[0].len);
    *q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)j->in[1].data, j->in[1].len);
    *q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)j->in[2].data, j->in[2].len);
    *q = OSSL_PARAM_construct_end();
    ok = kc && (j->out_len == 0 || EVP_KDF_derive(kc, j->out, j->out_len, params) == 1);
    EVP_KDF_CTX_free(kc);
    EVP_KDF_free(kdf);
    return ok;
}

/* The job's work: on any thread, no JS. */
static int job_run(crypto_job *j)
{
    const coro_bytes *a = &j->in[0], *b = &j->in[1];

    switch (j->kind) {
    case JOB_DIGEST:
        return EVP_Digest(a->data, a->len, j->out, NULL, j->md, NULL) == 1;
    case JOB_PBKDF2:
        return PKCS5_PBKDF2_HMAC((const char *)a->data, (int)a->len, b->data, (int)b->len,
                                 (int)j->n, j->md, (int)j->out_len, j->out) == 1;
    case JOB_SCRYPT:
        return EVP_PBE_scrypt((const char *)a->data, a->len, b->data, b->len,
                              j->n, j->r, j->p, j->maxmem, j->out, j->out_len) == 1;
    case JOB_HKDF:
        return hkdf(j);
    default:
        return j->out_len == 0 || RAND_bytes(j->out, (int)j->out_len) == 1;
    }
}

static void job_work(void *arg)
{
    crypto_job *j = arg;

    ERR_clear_error();
    j->ok = job_run(j);
    j->err = j->ok ? 0 : ERR_peek_last_error();
    ERR_clear_error();
}

typedef struct pool_work {
    uv_work_t work;
    coro_op op;
    void (*fn)(void *arg);
    void *arg;
} pool_work;

static void pool_work_run(uv_work_t *w)
{
    pool_work *p = w->data;

    p->fn(p->arg);
}

static void pool_work_done(uv_work_t *w, int status)
{
    pool_work *p = w->data;

    coro_op_done(&p->op, status);
}

int coro__crypto_run(JSContext *ctx, void (*fn)(void *arg), void *arg, int pooled)
{
    pool_work p = { .fn = fn, .arg = arg };
    int status;

    if (!pooled) {
        fn(arg);
        return 0;
    }
    if (coro_pool_take(ctx) < 0)
        return -1;
    p.work.data = &p;
    coro_op_init(&p.op);
    status = uv_queue_work(coro_loop(), &p.work, pool_work_run, pool_work_done);
    if (status == 0)
        status = coro_op_wait(ctx, &p.op);
    coro_pool_give(ctx);
    if (status < 0 && status != CORO_ETERMINATED)
        coro_throw_uv(ctx, status, "crypto", NULL, NULL);
    return status < 0 ? -1 : 0;
}

/* Run j (its inputs read, j->out_len set) and free its inputs: the output as
   an ArrayBuffer, or JS_EXCEPTION. */
static JSValue job_finish(JSContext *ctx, crypto_job *j, int pooled)
{
    JSValue out = JS_UNDEFINED, ab = JS_EXCEPTION;

    if (j->out_len > INT32_MAX) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "length must be <= %d", INT32_MAX);
        goto done;
    }
    out = new_bytes(ctx, j->out_len, &j->out);
    if (JS_IsException(out) || coro__crypto_run(ctx, job_work, j, pooled) < 0)
        goto done;
    if (!j->ok)
        coro__crypto_throw(ctx, j->err, j->kind == JOB_RANDOM ? "Random bytes generation failed" : "Deriving bits failed");
    else
        ab = JS_GetPropertyStr(ctx, out, "buffer");
done:
    for (int i = 0; i < j->n_in; i++)
        coro_bytes_free(ctx, &j->in[i]);
    JS_FreeValue(ctx, out);
    return ab;
}

/* Read n byte arguments into j->in. */
static int job_inputs(JSContext *ctx, crypto_job *j, JSValueConst *argv, const char *const *names, int n)
{
    for (; j->n_in < n; j->n_in++) {
        if (coro_arg_bytes(ctx, argv[j->n_in], names[j->n_in], &j->in[j->n_in]) < 0)
            return -1;
    }
    return 0;
}

static JSValue job_fail(JSContext *ctx, crypto_job *j)
{
    for (int i = 0; i < j->n_in; i++)
        coro_bytes_free(ctx, &j->in[i]);
    return JS_EXCEPTION;
}

/* digestJob(pooled, algorithm, data, outputLength | undefined) -> ArrayBuffer */
static JSValue js_crypto_digest_job(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const char *const names[] = { "data" };
    crypto_job j = { .kind = JOB_DIGEST };

    if (!(j.md = arg_digest(ctx, argv[1])) || job_inputs(ctx, &j, argv + 2, names, 1) < 0)
        return job_fail(ctx, &j);
    j.out_len = (size_t)EVP_MD_get_size(j.md);
    return job_finish(ctx, &j, JS_ToBool(ctx, argv[0]));
}

/* pbkdf2Job(pooled, password, salt, iterations, keylen, digest) -> ArrayBuffer */
static JSValue js_crypto_pbkdf2_job(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const char *const names[] = { "password", "salt" };
    crypto_job j = { .kind = JOB_PBKDF2 };
    int64_t iter, len;

    if (job_inputs(ctx, &j, argv + 1, names, 2) < 0 ||
        coro_arg_integer(ctx, argv[3], "iterations", 1, INT32_MAX, &iter) < 0 ||
        coro_arg_integer(ctx, argv[4], "keylen", 0, INT32_MAX, &len) < 0 ||
        !(j.md = arg_digest(ctx, argv[5])))
        return job_fail(ctx, &j);
    if (j.in[0].len > INT32_MAX || j.in[1].len > INT32_MAX) {
        coro_throw_code(ctx, "ERR_OUT_OF_RANGE", "%s is too large", j.in[0].len > INT32_MAX ? "pass" : "salt");
        return job_fail(ctx, &j);
    }
    j.n = (uint64_t)iter;
    j.out_len = (size_t)len;
    return job_finish(ctx, &j, JS_ToBool(ctx, argv[0]));
}

/* 0, or -1 with ERR_CRYPTO_INVALID_SCRYPT_PARAMS thrown when OpenSSL refuses
   N, r, p and maxmem. */
static int scrypt_check(JSContext *ctx, uint64_t n, uint64_t r, uint64_t p, uint64_t maxmem)
{
    unsigned long err;
    char buf[256];

    ERR_clear_error();
    if (EVP_PBE_scrypt(NULL, 0, NULL, 0, n, r, p, maxmem, NULL, 0) == 1)
        return 0;
    err = ERR_peek_last_error();
    ERR_clear_error();
    if (!err) {
        coro_throw_code(ctx, "ERR_CRYPTO_INVALID_SCRYPT_PARAMS", "Invalid scrypt params");
        return -1;
    }
    ERR_error_string_n(err, buf, sizeof buf);
    coro_throw_code(ctx, "ERR_CRYPTO_INVALID_SCRYPT_PARAMS", "Invalid scrypt params: %s", buf);
    return -1;
}

/* scryptJob(pooled, password, salt, N, r, p, maxmem, keylen) -> ArrayBuffer */
static JSValue js_crypto_scrypt_job(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const char *const names[] = { "password", "salt" };
    crypto_job j = { .kind = JOB_SCRYPT };
    int64_t v[5];
    static const char *const params[] = { "N", "r", "p", "maxmem", "keylen" };

    if (job_inputs(ctx, &j, argv + 1, names, 2) < 0)
        return job_fail(ctx, &j);
    for (int i = 0; i < 5; i++) {
        if (coro_arg_integer(ctx, argv[3 + i], params[i], 0, INT64_MAX, &v[i]) < 0)
            return job_fail(ctx, &j);
    }
    if (scrypt_check(ctx, (uint64_t)v[0], (uint64_t)v[1], (uint64_t)v[2], (uint64_t)v[3]) < 0)
        return job_fail(ctx, &j);
    j.n = (uint64_t)v[0];
    j.r = (uint64_t)v[1];
    j.p = (uint64_t)v[2];
    j.maxmem = (uint64_t)v[3];
    j.out_len = (size_t)v[4];
    return job_finish(ctx, &j, JS_ToBool(ctx, argv[0]));
}

/* scryptCheck(N, r, p, maxmem) -> undefined, or throws (the job's checks, for
   the job's constructor). */
static JSValue js_crypto_scrypt_check(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int64_t v[4];
    static const char *const params[] = { "N", "r", "p", "maxmem" };

    for (int i = 0; i < 4; i++) {
        if (coro_arg_integer(ctx, argv[i], params[i], 0, INT64_MAX, &v[i]) < 0)
            return JS_EXCEPTION;
    }
    if (scrypt_check(ctx, (uint64_t)v[0], (uint64_t)v[1], (uint64_t)v[2], (uint64_t)v[3]) < 0)
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

/* hkdfJob(pooled, digest, key, salt, info, length) -> ArrayBuffer; a length
   above 255 digests throws ERR_CRYPTO_INVALID_KEYLEN. */
static JSValue js_crypto_hkdf_job(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    static const char *const names[] = { "key", "salt", "info" };
    crypto_job j = { .kind = JOB_HKDF };
    int64_t len;

    if (!(j.md = arg_digest(ctx, argv[1])) || job_inputs(ctx, &j, argv + 2, names, 3) < 0 ||
        coro_arg_integer(ctx, argv[5], "length", 0, INT32_MAX, &len) < 0)
        return job_fail(ctx, &j);
    if (len > 255 * (int64_t)EVP_MD_get_size(j.md)) {
        coro_throw_code(ctx, "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length");
        return job_fail(ctx, &j);
    }
    j.out_len = (size_t)len;
    return job_finish(ctx, &j, JS_ToBool(ctx, argv[0]));
}

/* randomJob(pooled, size) -> ArrayBuffer of size random bytes */
static JSValue js_crypto_random_job(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    crypto_job j = { .kind = JOB_RANDOM };
    int64_t size;

    if (coro_arg_integer(ctx, argv[1], "size", 0, INT32_MAX, &size) < 0)
        return JS_EXCEPTION;
    j.out_len = (size_t)size;
    return job_finish(ctx, &j, JS_ToBool(ctx, argv[0]));
}

/* digestSize(name) -> the digest's length in bytes, or throws "Invalid digest: name" */
static JSValue js_crypto_digest_size(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const EVP_MD *md = arg_digest(ctx, argv[0]);

    return md ? JS_NewInt32(ctx, EVP_MD_get_size(md)) : JS_EXCEPTION;
}

/* ------------------------------------------------------------------ */
/* the rest */

/* timingSafeEqual(a, b): the same length is the caller's check */
static JSValue js_crypto_timing_safe_equal(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const uint8_t *a, *b;
    size_t a_len, b_len;

    if (coro_arg_view(ctx, argv[0], "buf1", &a, &a_len) < 0 ||
        coro_arg_view(ctx, argv[1], "buf2", &b, &b_len) < 0)
        return JS_EXCEPTION;
    if (a_len != b_len)
        return coro_throw_code(ctx, "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH",
                               "Input buffers must have the same byte length");
    return JS_NewBool(ctx, CRYPTO_memcmp(a, b, a_len) == 0);
}

static void set_int(JSContext *ctx, JSValueConst obj, const char *name, int64_t v)
{
    JS_SetPropertyStr(ctx, obj, name, JS_NewInt64(ctx, v));
}

/* constants() -> internalBinding('constants').crypto */
static JSValue js_crypto_constants(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
#define C(name) { #name, name }
    static const struct { const char *name; int64_t value; } ints[] = {
        C(OPENSSL_VERSION_NUMBER), C(SSL_OP_ALL), C(SSL_OP_ALLOW_NO_DHE_KEX),
        C(SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION), C(SSL_OP_CIPHER_SERVER_PREFERENCE),
        C(SSL_OP_CISCO_ANYCONNECT), C(SSL_OP_COOKIE_EXCHANGE), C(SSL_OP_CRYPTOPRO_TLSEXT_BUG),
        C(SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS), C(SSL_OP_LEGACY_SERVER_CONNECT),
        C(SSL_OP_NO_COMPRESSION), C(SSL_OP_NO_ENCRYPT_THEN_MAC), C(SSL_OP_NO_QUERY_MTU),
        C(SSL_OP_NO_RENEGOTIATION), C(SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION),
        C(SSL_OP_NO_SSLv2), C(SSL_OP_NO_SSLv3), C(SSL_OP_NO_TICKET), C(SSL_OP_NO_TLSv1),
        C(SSL_OP_NO_TLSv1_1), C(SSL_OP_NO_TLSv1_2), C(SSL_OP_NO_TLSv1_3), C(SSL_OP_PRIORITIZE_CHACHA),
        C(SSL_OP_TLS_ROLLBACK_BUG), C(ENGINE_METHOD_RSA), C(ENGINE_METHOD_DSA), C(ENGINE_METHOD_DH),
        C(ENGINE_METHOD_RAND), C(ENGINE_METHOD_EC), C(ENGINE_METHOD_CIPHERS), C(ENGINE_METHOD_DIGESTS),
        C(ENGINE_METHOD_PKEY_METHS), C(ENGINE_METHOD_PKEY_ASN1_METHS), C(ENGINE_METHOD_ALL),
        C(ENGINE_METHOD_NONE), C(DH_CHECK_P_NOT_SAFE_PRIME), C(DH_CHECK_P_NOT_PRIME),
        C(DH_UNABLE_TO_CHECK_GENERATOR), C(DH_NOT_SUITABLE_GENERATOR), C(RSA_PKCS1_PADDING),
        C(RSA_NO_PADDING), C(RSA_PKCS1_OAEP_PADDING), C(RSA_X931_PADDING), C(RSA_PKCS1_PSS_PADDING),
        C(RSA_PSS_SALTLEN_DIGEST), C(RSA_PSS_SALTLEN_MAX_SIGN), C(RSA_PSS_SALTLEN_AUTO),
        C(TLS1_VERSION), C(TLS1_1_VERSION), C(TLS1_2_VERSION), C(TLS1_3_VERSION),
        C(POINT_CONVERSION_COMPRESSED), C(POINT_CONVERSION_UNCOMPRESSED), C(POINT_CONVERSION_HYBRID),
    };
#undef C
    JSValue obj = JS_NewObject(ctx);

    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        set_int(ctx, obj, ints[i].name, ints[i].value);
    /* Node's default TLS cipher list (node_constants.h), the same in both */
    static const char ciphers[] =
        "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
        "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
        "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:"
        "DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:"
        "DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA";
    coro_set_str(ctx, obj, "defaultCoreCipherList", ciphers);
    coro_set_str(ctx, obj, "defaultCipherList", ciphers);
    return obj;
}

static JSValue js_crypto_hashes(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return js_crypto_names(ctx, this_val, argc, argv, 0);
}

static JSValue js_crypto_ciphers(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return js_crypto_names(ctx, this_val, argc, argv, 1);
}

static const JSCFunctionListEntry crypto_funcs[] = {
    JS_CFUNC_DEF("hashNew", 2, js_crypto_hash_new),
    JS_CFUNC_DEF("hmacNew", 2, js_crypto_hmac_new),
    JS_CFUNC_DEF("update", 2, js_crypto_update),
    JS_CFUNC_DEF("digest", 1, js_crypto_digest),
    JS_CFUNC_DEF("cipherNew", 5, js_crypto_cipher_new),
    JS_CFUNC_DEF("cipherUpdate", 2, js_crypto_cipher_update),
    JS_CFUNC_DEF("cipherFinal", 1, js_crypto_cipher_final),
    JS_CFUNC_DEF("cipherSetAutoPadding", 2, js_crypto_cipher_set_auto_padding),
    JS_CFUNC_DEF("cipherGetAuthTag", 1, js_crypto_cipher_get_auth_tag),
    JS_CFUNC_DEF("cipherSetAuthTag", 2, js_crypto_cipher_set_auth_tag),
    JS_CFUNC_DEF("cipherSetAAD", 3, js_crypto_cipher_set_aad),
    JS_CFUNC_DEF("cipherInfo", 3, js_crypto_cipher_info),
    JS_CFUNC_DEF("digestJob", 3, js_crypto_digest_job),
    JS_CFUNC_DEF("pbkdf2Job", 6, js_crypto_pbkdf2_job),
    JS_CFUNC_DEF("scryptJob", 8, js_crypto_scrypt_job),
    JS_CFUNC_DEF("scryptCheck", 4, js_crypto_scrypt_check),
    JS_CFUNC_DEF("hkdfJob", 6, js_crypto_hkdf_job),
    JS_CFUNC_DEF("randomJob", 2, js_crypto_random_job),
    JS_CFUNC_DEF("digestSize", 1, js_crypto_digest_size),
    JS_CFUNC_DEF("timingSafeEqual", 2, js_crypto_timing_safe_equal),
    JS_CFUNC_DEF("getHashes", 0, js_crypto_hashes),
    JS_CFUNC_DEF("getCiphers", 0, js_crypto_ciphers),
    JS_CFUNC_DEF("constants", 0, js_crypto_constants),
};

int coro_prim_crypto_init(JSContext *ctx, JSValueConst ns)
{
    JSRuntime *rt = JS_GetRuntime(ctx);

    if (coro_register_class(rt, &state_class, &state_def) < 0)
        return -1;
    JS_SetPropertyFunctionList(ctx, ns, crypto_funcs, sizeof crypto_funcs / sizeof crypto_funcs[0]);
    if (coro__crypto_dh_init(ctx, ns) < 0)
        return -1;
    return coro__crypto_keys_init(ctx, ns);
}
