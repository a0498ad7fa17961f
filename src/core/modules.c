/*
 * modules.c: the ES module loader.
 *
 * Specifiers resolve as in Node's ESM: "./x.mjs" and "../x.mjs" relative to
 * the importing module, absolute paths and file: URLs as they are, and
 * "corojs:<name>" to the standard library, embedded as bytecode. A module's
 * name is its real absolute path, so one file is one module however it is
 * reached. The modules under corojs:internal/ can only be imported by the
 * standard library itself.
 *
 * Everything else goes to the Node loader (lib/node/loader.js, loaded on
 * first need): bare names (node_modules, package.json "exports" and
 * "imports"), node: builtins, .js/.cjs/.json files (CommonJS or ES module by
 * the package's "type"), and every specifier once an import map or
 * module.registerHooks is in force. Its resolve() gives a module name, its
 * load() says what that module is: an ES module (its file, or a source to
 * compile) or one whose exports come from JS (CommonJS, JSON, a builtin),
 * made here as a C module whose init asks its instantiate() for the values.
 *
 * The main module and what it imports statically are code the isolate was
 * started with. What an isolate imports after that (import(), and what that
 * module imports) is its own choice, and obeys its fs rights as its fs calls
 * do (as Deno has it for dynamic imports): a file needs the fs capability,
 * and in an fs jail it must lie in the jail and is reached through it
 * (jail.c), so no symlink or rename leads an import out.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules.h"
#include "binding.h"
#include "isolate.h"
#include "jail.h"
#include "quickjs_ext.h"

#define BUILTIN_PREFIX "corojs:"
#define INTERNAL_PREFIX "corojs:internal/"

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static const coro_builtin *find_in(const coro_builtin *table, const char *name)
{
    for (const coro_builtin *b = table; b->name; b++) {
        if (strcmp(b->name, name) == 0)
            return b;
    }
    return NULL;
}

static const coro_builtin *find_builtin(const char *name)
{
    return find_in(coro_builtins, name);
}

/* Collapse "." and ".." and repeated slashes of an absolute path, in place. */
static void normalize_path(char *path)
{
    char *out = path, *p = path;

    while (*p) {
        while (*p == '/')
            p++;
        char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - seg);
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (out > path && *--out != '/')
                ;
            continue;
        }
        *out++ = '/';
        memmove(out, seg, n);
        out += n;
    }
    if (out == path)
        *out++ = '/';
    *out = '\0';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The path of a file: URL, percent-decoded; NULL if it is not one. */
static char *file_url_to_path(const char *url)
{
    const char *p = url + strlen("file://");
    char *path, *out;

    if (*p != '/')
        return NULL; /* file://host/... */
    path = out = malloc(strlen(p) + 1);
    if (!path)
        return NULL;
    for (; *p && *p != '?' && *p != '#'; p++) {
        if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            *out++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return path;
}

/* Absolute path of `name` imported from the module `base`; malloc'ed. */
static char *resolve_path(const char *base, const char *name)
{
    char dir[PATH_MAX];
    char *path;
    size_t n;

    if (starts_with(name, "file://"))
        path = file_url_to_path(name);
    else if (name[0] == '/')
        path = strdup(name);
    else {
        if (base[0] == '/') {
            const char *slash = strrchr(base, '/');
            n = (size_t)(slash - base);
            if (n >= sizeof dir)
                return NULL;
            memcpy(dir, base, n);
            dir[n] = '\0';
        } else if (!getcwd(dir, sizeof dir)) {
            return NULL; /* base is not a file ("[eval]"): relative to cwd */
        }
        path = malloc(strlen(dir) + strlen(name) + 2);
        if (path)
            strcat(strcat(strcpy(path, dir), "/"), name);
    }
    if (path)
        normalize_path(path);
    return path;
}

/* The name of a file module a jailed isolate imports by its own choice (see
   the top): its real path in the jail, once it is a file there. Takes path. */
static char *jailed_name(JSContext *ctx, const coro_jail *jail, char *path, const char *base)
{
    char *real = NULL, *ret = NULL;
    struct stat st;
    int r, fd;

    if ((r = coro_jail_resolve(jail, path, 1, &real)) == 0 &&
        (r = fd = coro_jail_open(jail, real, O_PATH, 0)) >= 0) {
        r = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EISDIR;
        close(fd);
    }
    if (r == -EACCES)
        coro_throw_code(ctx, "ERR_ACCESS_DENIED", "import of '%s' is not allowed: "
                        "it lies outside the fs jail of this isolate", path);
    else if (r < 0)
        coro_throw_code(ctx, "ERR_MODULE_NOT_FOUND", "Cannot find module '%s' imported from %s",
                        path, base);
    else
        ret = js_strdup(ctx, real);
    free(real);
    free(path);
    return ret;
}

static int node_loader_resolves(coro_isolate *iso, const char *base, const char *name);

int coro_module_refused(JSContext *ctx, const char *path)
{
    coro_isolate *iso = coro_isolate_of(ctx);

    if (!iso->imports_confined || (iso->caps & CORO_CAP_FS))
        return 0;
    coro_throw_code(ctx, "ERR_ACCESS_DENIED", "import of '%s' is not allowed: "
                    "this isolate was not granted fs", path);
    return 1;
}
static char *node_resolve(JSContext *ctx, const char *base, const char *name);

static char *normalize_cb(JSContext *ctx, const char *base, const char *name, void *opaque)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    char real[PATH_MAX];
    char *path, *ret;
    struct stat st;

    if (coro_qjs_cstring_len(name) != strlen(name)) { /* the file system would cut it there */
        coro_throw_null_bytes(ctx, "A module specifier", name, coro_qjs_cstring_len(name));
        return NULL;
    }
    if (starts_with(name, BUILTIN_PREFIX)) {
        int internal_ok = starts_with(base, BUILTIN_PREFIX) || *(const int *)opaque;
        if (!find_builtin(name) || (starts_with(name, INTERNAL_PREFIX) && !internal_ok)) {
            coro_throw_code(ctx, "ERR_UNKNOWN_BUILTIN_MODULE", "No such built-in module: %s", name);
            return NULL;
        }
        return js_strdup(ctx, name);
    }
    if (node_loader_resolves(iso, base, name))
        return node_resolve(ctx, base, name);
    path = resolve_path(base, name);
    if (!path) {
        JS_ThrowOutOfMemory(ctx);
        return NULL;
    }
    if (coro_module_refused(ctx, path)) {
        free(path);
        return NULL;
    }
    if (iso->imports_confined && iso->jail)
        return jailed_name(ctx, iso->jail, path, base);
    if (stat(path, &st) < 0)
        st.st_mode = 0;
    if (!S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            coro_throw_code(ctx, "ERR_UNSUPPORTED_DIR_IMPORT", "Directory import '%s' is not "
                            "supported resolving ES modules imported from %s", path, base);
        else
            coro_throw_code(ctx, "ERR_MODULE_NOT_FOUND", "Cannot find module '%s' imported from %s",
                            path, base);
        free(path);
        return NULL;
    }
    ret = js_strdup(ctx, realpath(path, real) ? real : path);
    free(path);
    return ret;
}

/* A descriptor of the module file path, or a negative errno. Non-blocking:
   a FIFO put where the module was must not hang the loader. */
static int open_module(JSContext *ctx, const char *path)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    int fd;

    if (iso->imports_confined && !(iso->caps & CORO_CAP_FS))
        return -EACCES;
    if (iso->imports_confined && iso->jail)
        return coro_jail_open(iso->jail, path, O_RDONLY | O_NONBLOCK, 0);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* The rest of read_file, on an open descriptor it closes. */
static char *read_fd(JSContext *ctx, int fd, const char *path, size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    if (fstat(fd, &st) < 0)
        goto fail;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto fail;
    }
    buf = js_malloc(ctx, (size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return NULL;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *len = got;
    return buf;

fail:
    coro_throw_uv(ctx, -errno, "read", path, NULL);
    close(fd);
    js_free(ctx, buf);
    return NULL;
}

/* Read a whole file into a NUL-terminated js_malloc'ed buffer. */
static char *read_file(JSContext *ctx, const char *path, size_t *len)
{
    int fd = open_module(ctx, path);

    if (fd < 0) {
        coro_throw_uv(ctx, fd, "open", path, NULL);
        return NULL;
    }
    return read_fd(ctx, fd, path, len);
}

char *coro_module_read(JSContext *ctx, const char *path, size_t *len, int *err)
{
    int fd = open_module(ctx, path);

    *err = fd < 0 ? fd : 0;
    return fd < 0 ? NULL : read_fd(ctx, fd, path, len);
}

int coro_module_stat(JSContext *ctx, const char *path)
{
    coro_isolate *iso = coro_isolate_of(ctx);
    struct stat st;
    int fd, r;

    if (!iso->imports_confined)
        return stat(path, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 1 : 0;
    fd = open_module(ctx, path);
    if (fd < 0)
        return fd == -EISDIR ? 1 : fd;
    r = fstat(fd, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 1 : 0;
    close(fd);
    return r;
}

/* import.meta: url, filename, dirname, main, as in Node. */
static int set_import_meta(JSContext *ctx, JSModuleDef *m, const char *path, int is_main)
{
    JSValue meta = JS_GetImportMeta(ctx, m);
    char *url, *dir;
    const char *slash;
    int ret = -1;

    if (JS_IsException(meta))
        return -1;
    url = js_malloc(ctx, strlen(path) * 3 + 8);
    dir = js_strdup(ctx, path);
    if (url && dir) {
        /* escape what a URL path cannot hold as it is */
        static const char hex[] = "0123456789ABCDEF";
        char *o = stpcpy(url, "file://");
        for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
            if (*p <= ' ' || *p >= 0x7f || strchr("%#?\"<>\\^`{|}", *p)) {
                *o++ = '%';
                *o++ = hex[*p >> 4];
                *o++ = hex[*p & 15];
            } else {
                *o++ = (char)*p;
            }
        }
        *o = '\0';
        slash = strrchr(dir, '/');
        dir[slash && slash != dir ? slash - dir : 1] = '\0';
        coro_set_str(ctx, meta, "url", url);
        coro_set_str(ctx, meta, "filename", path);
        coro_set_str(ctx, meta, "dirname", dir);
        JS_SetPropertyStr(ctx, meta, "main", JS_NewBool(ctx, is_main));
        ret = 0;
    } else {
        JS_ThrowOutOfMemory(ctx);
    }
    js_free(ctx, url);
    js_free(ctx, dir);
    JS_FreeValue(ctx, meta);
    return ret;
}

/* Translators for files that are not JS, by suffix (a few at most). */
static struct {
    const char *suffix;
    coro_module_translate *translate;
} translators[4];

void coro_modules_add_translator(const char *suffix, coro_module_translate *translate)
{
    for (size_t i = 0; i < sizeof translators / sizeof translators[0]; i++) {
        if (!translators[i].suffix || strcmp(translators[i].suffix, suffix) == 0) {
            translators[i].suffix = suffix;
            translators[i].translate = translate;
            return;
        }
    }
}

/* The JS source of a file of a translated kind, or the file itself. */
static char *module_source(JSContext *ctx, const char *path, size_t *len)
{
    char *data = read_file(ctx, path, len), *src;

    for (size_t i = 0; data && i < sizeof translators / sizeof translators[0]; i++) {
        if (!translators[i].suffix || !ends_with(path, translators[i].suffix))
            continue;
        src = translators[i].translate(ctx, path, (const uint8_t *)data, *len, len);
        js_free(ctx, data);
        return src;
    }
    return data;
}

/* An ES module of source `code` named `name` (a path: import.meta tells of
   it; a URL: import.meta.url only). */
static JSValue compile_module(JSContext *ctx, const char *name, const char *code, size_t len,
                              int is_main)
{
    JSValue mod = JS_Eval(ctx, code, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    JSValue meta;

    if (JS_IsException(mod))
        return mod;
    if (name[0] == '/') {
        if (set_import_meta(ctx, JS_VALUE_GET_PTR(mod), name, is_main) < 0) {
            JS_FreeValue(ctx, mod);
            return JS_EXCEPTION;
        }
        return mod;
    }
    meta = JS_GetImportMeta(ctx, JS_VALUE_GET_PTR(mod));
    if (JS_IsException(meta)) {
        JS_FreeValue(ctx, mod);
        return meta;
    }
    coro_set_str(ctx, meta, "url", name);
    JS_FreeValue(ctx, meta);
    return mod;
}

static JSValue compile_file(JSContext *ctx, const char *path, int is_main)
{
    size_t len;
    char *code = module_source(ctx, path, &len);
    JSValue mod;

    if (!code)
        return JS_EXCEPTION;
    mod = compile_module(ctx, path, code, len, is_main);
    js_free(ctx, code);
    return mod;
}

static JSValue load_builtin(JSContext *ctx, const char *name)
{
    const coro_builtin *b = find_builtin(name);

    if (!b)
        return coro_throw_code(ctx, "ERR_UNKNOWN_BUILTIN_MODULE", "No such built-in module: %s",
                               name);
    return JS_ReadObject(ctx, b->code, b->size, JS_READ_OBJ_BYTECODE | JS_READ_OBJ_ROM_DATA);
}

static int node_loader_loads(coro_isolate *iso, const char *name);
static JSModuleDef *node_load(JSContext *ctx, const char *name);

static JSModuleDef *loader_cb(JSContext *ctx, const char *name, void *opaque)
{
    JSValue mod;
    JSModuleDef *m;

    if (node_loader_loads(coro_isolate_of(ctx), name))
        return node_load(ctx, name);
    mod = starts_with(name, BUILTIN_PREFIX) ? load_builtin(ctx, name) : compile_file(ctx, name, 0);
    if (JS_IsException(mod))
        return NULL;
    m = JS_VALUE_GET_PTR(mod);
    JS_FreeValue(ctx, mod); /* the runtime's module list keeps it */
    return m;
}

void coro_modules_init(JSRuntime *rt, const int *expose_internals)
{
    JS_SetModuleLoaderFunc(rt, normalize_cb, loader_cb, (void *)expose_internals);
}

/* Link and run a compiled module; returns its evaluation promise. *ns, if
   asked for, is its namespace, taken before it runs: another isolate may
   call its exports while its top level is blocked. */
static JSValue evaluate(JSContext *ctx, JSValue mod, JSValue *ns)
{
    if (JS_IsException(mod))
        return mod;
    if (JS_ResolveModule(ctx, mod) < 0) {
        JS_FreeValue(ctx, mod);
        return JS_EXCEPTION;
    }
    if (ns) /* the main module: its static imports are loaded, the rest is confined */
        coro_isolate_of(ctx)->imports_confined = 1;
    if (ns) {
        if (coro_qjs_link_module(ctx, JS_VALUE_GET_PTR(mod)) < 0) {
            JS_FreeValue(ctx, mod);
            return JS_EXCEPTION;
        }
        *ns = JS_GetModuleNamespace(ctx, JS_VALUE_GET_PTR(mod));
        if (JS_IsException(*ns)) {
            *ns = JS_UNDEFINED;
            JS_FreeValue(ctx, mod);
            return JS_EXCEPTION;
        }
    }
    return JS_EvalFunction(ctx, mod);
}

int coro_module_is_builtin(const char *name, int internals)
{
    return find_builtin(name) && (internals || !starts_with(name, INTERNAL_PREFIX));
}

static JSValue node_main(JSContext *ctx, const char *path, JSValue *ns);
static int has_translator(const char *name);

JSValue coro_module_eval_file(JSContext *ctx, const char *path, JSValue *ns)
{
    char real[PATH_MAX];
    char *abs = resolve_path("", path);
    JSValue ret;

    if (starts_with(path, BUILTIN_PREFIX)) { /* an isolate that runs a built-in module */
        free(abs);
        return evaluate(ctx, load_builtin(ctx, path), ns);
    }
    if (!abs)
        return JS_ThrowOutOfMemory(ctx);
    if (access(abs, R_OK) < 0) {
        ret = coro_throw_code(ctx, "ERR_MODULE_NOT_FOUND", "Cannot find module '%s'", abs);
        free(abs);
        return ret;
    }
    if (!realpath(abs, real))
        snprintf(real, sizeof real, "%s", abs);
    free(abs);
    if (ends_with(real, ".mjs") || has_translator(real)) /* app.wasm too */
        return evaluate(ctx, compile_file(ctx, real, 1), ns);
    return node_main(ctx, real, ns);
}

JSValue coro_module_eval_source(JSContext *ctx, const char *name, const char *code, size_t len,
                                JSValue *ns)
{
    JSValue mod = JS_Eval(ctx, code, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    char *path;

    if (JS_IsException(mod))
        return mod;
    /* import.meta describes a file of that name in the current directory */
    path = resolve_path("", name);
    if (!path || set_import_meta(ctx, JS_VALUE_GET_PTR(mod), path, 1) < 0) {
        if (!path)
            JS_ThrowOutOfMemory(ctx);
        free(path);
        JS_FreeValue(ctx, mod);
        return JS_EXCEPTION;
    }
    free(path);
    return evaluate(ctx, mod, ns);
}

JSValue coro_module_eval_builtin(JSContext *ctx, const char *name)
{
    return evaluate(ctx, load_builtin(ctx, name), NULL);
}

/* A module already evaluated is looked up in QuickJS's list (the library
   calls this per use: per fetch(), per connection to a host name). One not
   loaded yet is imported through a one-line module of our own, so QuickJS
   loads it through loader_cb and evaluates it, once. */
JSValue coro_module_import_builtin(JSContext *ctx, const char *name)
{
    char src[256], self[256];
    JSValue mod, promise, ns, ret;
    JSModuleDef *m;
    int state;

    if (!starts_with(name, BUILTIN_PREFIX) || !find_builtin(name) ||
        snprintf(src, sizeof src, "import * as ns from '%s'; export { ns };", name) >= (int)sizeof src)
        return coro_throw_code(ctx, "ERR_UNKNOWN_BUILTIN_MODULE", "No such built-in module: %s", name);
    ns = coro_qjs_evaluated_namespace(ctx, name);
    if (!JS_IsUndefined(ns))
        return ns;
    snprintf(self, sizeof self, INTERNAL_PREFIX "import/%s", name);
    mod = JS_Eval(ctx, src, strlen(src), self, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(mod))
        return mod;
    m = JS_VALUE_GET_PTR(mod);
    promise = JS_EvalFunction(ctx, mod);
    if (JS_IsException(promise))
        return promise;
    state = (int)JS_PromiseState(ctx, promise);
    if (state == JS_PROMISE_REJECTED)
        ret = JS_Throw(ctx, JS_PromiseResult(ctx, promise));
    else if (state != JS_PROMISE_FULFILLED)
        ret = coro_throw_code(ctx, "ERR_REQUIRE_ASYNC_MODULE", "%s did not finish loading at once", name);
    else {
        ns = JS_GetModuleNamespace(ctx, m);
        ret = JS_IsException(ns) ? ns : JS_GetPropertyStr(ctx, ns, "ns");
        JS_FreeValue(ctx, ns);
    }
    JS_FreeValue(ctx, promise);
    return ret;
}

/* ------------------------------------------------------------------ */
/* the Node loader: corojs:internal/node/loader (lib/node/loader.js) */

#define NODE_LOADER "corojs:internal/node/loader"

static const char *import_map_path; /* --import-map FILE */

void coro_modules_set_import_map(const char *path)
{
    import_map_path = path;
}

const char *coro_modules_import_map(void)
{
    return import_map_path;
}

/* Hooks or an import map may change what any specifier means. */
static int hooks_in_force(const coro_isolate *iso)
{
    return iso->module_hooks || import_map_path;
}

static int has_translator(const char *name)
{
    for (size_t i = 0; i < sizeof translators / sizeof translators[0]; i++) {
        if (translators[i].suffix && ends_with(name, translators[i].suffix))
            return 1;
    }
    return 0;
}

/* Paths and file: URLs resolve here; bare names, node:, #imports and URLs
   in the Node loader, and everything imported by a module that is not a
   file (https:, a hook's) or once hooks are in force. */
static int node_loader_resolves(coro_isolate *iso, const char *base, const char *name)
{
    if (hooks_in_force(iso) || strstr(base, "://"))
        return 1;
    return !starts_with(name, "./") && !starts_with(name, "../") && name[0] != '/' &&
           !starts_with(name, "file://");
}

/* .mjs and translated files load here; the others (.js, .cjs, .json,
   node:, https:) are what the Node loader says they are. */
static int node_loader_loads(coro_isolate *iso, const char *name)
{
    if (starts_with(name, BUILTIN_PREFIX))
        return 0;
    if (hooks_in_force(iso) || name[0] != '/')
        return 1;
    return !ends_with(name, ".mjs") && !has_translator(name);
}

/* loader.<fn>(argv...) */
static JSValue call_loader(JSContext *ctx, const char *fn, int argc, JSValueConst *argv)
{
    JSValue ns = coro_module_import_builtin(ctx, NODE_LOADER), f, ret;

    if (JS_IsException(ns))
        return ns;
    f = JS_GetPropertyStr(ctx, ns, fn);
    JS_FreeValue(ctx, ns);
    if (JS_IsException(f))
        return f;
    ret = JS_Call(ctx, f, JS_UNDEFINED, argc, argv);
    JS_FreeValue(ctx, f);
    return ret;
}

/* A js_malloc'ed copy of a JS string; NULL with an exception pending. */
static char *js_string_dup(JSContext *ctx, JSValueConst v)
{
    const char *s = JS_ToCString(ctx, v);
    char *ret;

    if (!s)
        return NULL;
    ret = js_strdup(ctx, s);
    JS_FreeCString(ctx, s);
    return ret;
}

static char *node_resolve(JSContext *ctx, const char *base, const char *name)
{
    JSValue args[2] = { JS_NewString(ctx, name), JS_NewString(ctx, base) };
    JSValue r = call_loader(ctx, "resolve", 2, args);
    char *ret = JS_IsException(r) ? NULL : js_string_dup(ctx, r);

    JS_FreeValue(ctx, args[0]);
    JS_FreeValue(ctx, args[1]);
    JS_FreeValue(ctx, r);
    return ret;
}

/* A module whose exports come from JS (CommonJS, JSON, a Node builtin): it
   asks loader.instantiate(name) for their values when it is evaluated. */
static int node_module_init(JSContext *ctx, JSModuleDef *m)
{
    JSAtom atom = JS_GetModuleName(ctx, m);
    JSValue name = JS_AtomToString(ctx, atom);
    JSValue values = call_loader(ctx, "instantiate", 1, (JSValueConst *)&name);
    JSPropertyEnum *props;
    uint32_t n;
    int ret = 0;

    JS_FreeAtom(ctx, atom);
    JS_FreeValue(ctx, name);
    if (JS_IsException(values))
        return -1;
    if (JS_GetOwnPropertyNames(ctx, &props, &n, values, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0) {
        JS_FreeValue(ctx, values);
        return -1;
    }
    for (uint32_t i = 0; i < n && ret == 0; i++) {
        const char *key = JS_AtomToCString(ctx, props[i].atom);
        JSValue v = key ? JS_GetProperty(ctx, values, props[i].atom) : JS_EXCEPTION;
        ret = JS_IsException(v) ? -1 : 0;
        if (ret == 0 && JS_SetModuleExport(ctx, m, key, v) < 0) { /* not a name load() gave */
            JS_ThrowInternalError(ctx, "the Node loader gave an undeclared export: %s", key);
            ret = -1;
        }
        JS_FreeCString(ctx, key);
    }
    for (uint32_t i = 0; i < n; i++)
        JS_FreeAtom(ctx, props[i].atom);
    js_free(ctx, props);
    JS_FreeValue(ctx, values);
    return ret;
}

/* A module made of the names loader.load() gives for its exports. */
static JSModuleDef *node_c_module(JSContext *ctx, const char *name, JSValueConst names)
{
    JSModuleDef *m = JS_NewCModule(ctx, name, node_module_init);
    JSValue len = JS_GetPropertyStr(ctx, names, "length");
    uint32_t n = 0;

    if (!m || JS_ToUint32(ctx, &n, len) < 0)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        JSValue v = JS_GetPropertyUint32(ctx, names, i);
        const char *s = JS_ToCString(ctx, v);
        int r = s ? JS_AddModuleExport(ctx, m, s) : -1;
        JS_FreeCString(ctx, s);
        JS_FreeValue(ctx, v);
        if (r < 0)
            return NULL;
    }
    return m;
}

/* What loader.load(name) says the module is: an ES module (its file, or the
   source a hook or the network gave) or one made by node_c_module. */
static JSModuleDef *node_load(JSContext *ctx, const char *name)
{
    JSValue arg = JS_NewString(ctx, name);
    JSValue r = call_loader(ctx, "load", 1, (JSValueConst *)&arg);
    JSValue names, source, mod = JS_EXCEPTION;
    JSModuleDef *m = NULL;
    const char *code;
    size_t len;

    JS_FreeValue(ctx, arg);
    if (JS_IsException(r))
        return NULL;
    names = JS_GetPropertyStr(ctx, r, "names");
    source = JS_GetPropertyStr(ctx, r, "source");
    if (JS_IsArray(ctx, names)) {
        m = node_c_module(ctx, name, names);
    } else if (JS_IsString(source)) {
        if ((code = JS_ToCStringLen(ctx, &len, source))) {
            mod = compile_module(ctx, name, code, len, 0);
            JS_FreeCString(ctx, code);
        }
    } else {
        mod = compile_file(ctx, name, 0);
    }
    if (!JS_IsException(mod)) {
        m = JS_VALUE_GET_PTR(mod);
        JS_FreeValue(ctx, mod); /* the runtime's module list keeps it */
    }
    JS_FreeValue(ctx, names);
    JS_FreeValue(ctx, source);
    JS_FreeValue(ctx, r);
    return m;
}

/* A promise fulfilled with undefined. */
static JSValue fulfilled(JSContext *ctx)
{
    JSValue funcs[2], p = JS_NewPromiseCapability(ctx, funcs), r;

    if (JS_IsException(p))
        return p;
    r = JS_Call(ctx, funcs[0], JS_UNDEFINED, 0, NULL);
    JS_FreeValue(ctx, funcs[0]);
    JS_FreeValue(ctx, funcs[1]);
    if (JS_IsException(r)) {
        JS_FreeValue(ctx, p);
        return r;
    }
    JS_FreeValue(ctx, r);
    return p;
}

/* A main module that is not a .mjs file (corojs app.js, app.cjs): an ES
   module or CommonJS, as the Node loader says (mainFormat: 'module' or
   undefined). Its file is read before the
   isolate's imports are confined; a CommonJS one runs now, under the
   confinement (its require()s are its own choice, as import() is), and its
   module.exports stand for its namespace. */
static JSValue node_main(JSContext *ctx, const char *path, JSValue *ns)
{
    JSValue args[2], format, exports;
    size_t len;
    char *code = read_file(ctx, path, &len);
    int is_esm;

    if (!code)
        return JS_EXCEPTION;
    args[0] = JS_NewString(ctx, path);
    args[1] = JS_NewStringLen(ctx, code, len);
    format = call_loader(ctx, "mainFormat", 2, args);
    is_esm = JS_IsString(format);
    if (JS_IsException(format)) {
        exports = JS_EXCEPTION;
    } else if (is_esm) {
        exports = evaluate(ctx, compile_module(ctx, path, code, len, 1), ns);
    } else {
        coro_isolate_of(ctx)->imports_confined = 1;
        exports = call_loader(ctx, "runMain", 2, args);
        if (!JS_IsException(exports)) {
            if (ns)
                *ns = exports;
            else
                JS_FreeValue(ctx, exports);
            exports = fulfilled(ctx);
        }
    }
    js_free(ctx, code);
    JS_FreeValue(ctx, format);
    JS_FreeValue(ctx, args[0]);
    JS_FreeValue(ctx, args[1]);
    return exports;
}

JSValue coro_module_eval_main(JSContext *ctx, const char *code, struct coro_isolate *iso, JSValue *ns)
{
    JSValue args[3], format;

    args[0] = JS_NewString(ctx, code);
    args[1] = JS_NewBool(ctx, iso->print_eval);
    args[2] = iso->input_type == CORO_INPUT_MODULE ? JS_NewString(ctx, "module") :
              iso->input_type == CORO_INPUT_COMMONJS ? JS_NewString(ctx, "commonjs") : JS_UNDEFINED;
    format = call_loader(ctx, "evalMain", 3, args);
    JS_FreeValue(ctx, args[0]);
    JS_FreeValue(ctx, args[2]);
    if (JS_IsException(format))
        return format;
    if (JS_IsString(format)) {
        JS_FreeValue(ctx, format);
        return coro_module_eval_source(ctx, "[eval]", code, strlen(code), ns);
    }
    if (ns)
        *ns = format;
    else
        JS_FreeValue(ctx, format);
    return fulfilled(ctx);
}

JSValue coro_module_require(JSContext *ctx, const char *name)
{
    int state = CORO_QJS_MODULE_SYNC;
    JSValue ns = coro_qjs_require_module(ctx, name, &state);

    if (JS_IsException(ns) || state == CORO_QJS_MODULE_SYNC)
        return ns;
    return JS_NewInt32(ctx, state); /* loader.js throws Node's error for it */
}

JSValue coro_module_node_script(JSContext *ctx, const char *id)
{
    char name[256];
    const coro_builtin *b;
    JSValue script;

    if (snprintf(name, sizeof name, "node:%s", id) >= (int)sizeof name ||
        !(b = find_in(coro_node_scripts, name)))
        return JS_UNDEFINED;
    script = JS_ReadObject(ctx, b->code, b->size, JS_READ_OBJ_BYTECODE | JS_READ_OBJ_ROM_DATA);
    return JS_IsException(script) ? script : JS_EvalFunction(ctx, script);
}
