/*
 * bench/wasm/qjs_workload.c: QuickJS (Debian's source, which the build
 * fetches) running a fixed JS workload: recursion, sorting, strings, maps,
 * JSON. run(n) repeats it n times, each in a new runtime, and returns a
 * checksum. Built natively and for wasm32-wasi; the wasm build needs only
 * four WASI calls, which bench/wasm/run.mjs gives as JS functions.
 */
#include <string.h>
#include "quickjs.h"

static const char *workload =
    "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
    "let s = 0; for (let i = 0; i < 20; i++) s += fib(18);\n"
    "const a = []; for (let i = 0; i < 20000; i++) a.push((i * 7919) % 10007);\n"
    "a.sort((x, y) => x - y); s += a[100];\n"
    "let str = ''; for (let i = 0; i < 2000; i++) str += String.fromCharCode(97 + i % 26);\n"
    "s += str.split('a').length;\n"
    "const m = new Map(); for (let i = 0; i < 5000; i++) m.set('k' + i, i);\n"
    "for (let i = 0; i < 5000; i++) s += m.get('k' + i);\n"
    "s += JSON.stringify(JSON.parse(JSON.stringify({ a: [1, 2, 3], b: 'x'.repeat(100) }))).length;\n"
    "s;\n";

__attribute__((export_name("run")))
int run(int n)
{
    int total = 0;

    for (int i = 0; i < n; i++) {
        JSRuntime *rt = JS_NewRuntime();
        JSContext *ctx = JS_NewContext(rt);
        JSValue v = JS_Eval(ctx, workload, strlen(workload), "<bench>", 0);
        int32_t r = 0;
        JS_ToInt32(ctx, &r, v);
        JS_FreeValue(ctx, v);
        JS_FreeContext(ctx);
        JS_FreeRuntime(rt);
        total += r;
    }
    return total;
}
