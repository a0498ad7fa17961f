/*
 * modules.h: ES module loading: files by path or file: URL, and the standard
 * library's modules, compiled to bytecode at build time (corojs:fs, ...).
 */
#ifndef COROJS_MODULES_H
#define COROJS_MODULES_H

#include <stddef.h>
#include <stdint.h>
#include "quickjs.h"

struct coro_isolate;

typedef struct coro_builtin {
    const char *name;      /* "corojs:fs" */
    const uint8_t *code;   /* bytecode from tools/jsc.c */
    size_t size;
} coro_builtin;

extern const coro_builtin coro_builtins[]; /* generated; ends with a NULL name */
/* Node.js's own lib/ files, "node:<id>" (lib/node/node-lib.list), each a
   script that evaluates to the function Node wraps the file in */
extern const coro_builtin coro_node_scripts[];

/* A file that is not JS but can be imported (a .wasm module): translate
   returns the source of a JS module standing for it (js_malloc'ed, *len
   set), or NULL with an exception pending. An area registers one per file
   suffix at start-up; the loader calls it for files with that suffix. */
typedef char *coro_module_translate(JSContext *ctx, const char *path, const uint8_t *data,
                                    size_t len, size_t *out_len);
void coro_modules_add_translator(const char *suffix, coro_module_translate *translate);

/* *expose_internals set: user code may import corojs:internal/ modules. */
void coro_modules_init(JSRuntime *rt, const int *expose_internals);

/* Whether `name` is a built-in module (corojs:...) that code may import;
   corojs:internal/ ones only with `internals`. */
int coro_module_is_builtin(const char *name, int internals);

/* Evaluate a module (eval_file: a path, or a built-in module's name); each returns the promise of its evaluation, or
   JS_EXCEPTION (a missing file, a syntax error). *ns is set to the module's
   namespace (its exports) before the module runs. */
JSValue coro_module_eval_file(JSContext *ctx, const char *path, JSValue *ns);
/* The code of corojs -e / -p: an ES module, or Node's [eval] script
   (CommonJS, Node's builtins as globals), as the Node loader says from the
   code and iso's print_eval and input_type. */
JSValue coro_module_eval_main(JSContext *ctx, const char *code, struct coro_isolate *iso, JSValue *ns);
JSValue coro_module_eval_source(JSContext *ctx, const char *name,
                                const char *code, size_t len, JSValue *ns);
JSValue coro_module_eval_builtin(JSContext *ctx, const char *name);

/* The namespace of the built-in module `name` (corojs:...), loaded and
   evaluated now if it was not yet: the standard library's lazy globals and
   lazy imports. Cheap to call per use: a loaded module is looked up. */
JSValue coro_module_import_builtin(JSContext *ctx, const char *name);

/* The Node loader's C half (lib/node/loader.js calls these through
   __primordials.module). set_import_map: --import-map FILE, for every
   isolate. require: require() of an ES module `name` (a resolved name):
   its namespace, evaluated now, or 1 if its graph has top-level await, 2 if
   it would enter a module being evaluated (nothing evaluated then). */
void coro_modules_set_import_map(const char *path);
const char *coro_modules_import_map(void);
JSValue coro_module_require(JSContext *ctx, const char *name);

/* A module file's contents (js_malloc'ed, NUL-terminated) read as imports
   are, obeying the isolate's confinement; NULL with *err a negative errno
   (no exception) when it cannot be opened, or with an exception pending.
   module_stat: 0 a file, 1 a directory, or a negative errno. */
char *coro_module_read(JSContext *ctx, const char *path, size_t *len, int *err);
int coro_module_stat(JSContext *ctx, const char *path);
/* Whether a file module `path` is out of reach: the isolate's imports are
   confined and it has no fs capability (ERR_ACCESS_DENIED thrown then). */
int coro_module_refused(JSContext *ctx, const char *path);
/* The function of Node's lib/ file `id` ("internal/util"), made from its
   bytecode; JS_UNDEFINED if the binary has no such file. Each call makes a
   new function: lib/node/builtins.js calls it once per file. */
JSValue coro_module_node_script(JSContext *ctx, const char *id);

#endif
