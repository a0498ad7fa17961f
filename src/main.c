/*
 * main.c: the corojs command.
 *
 *   corojs [options] main.mjs [args...]   run an ES module (app.js, app.cjs: as Node)
 *   corojs [options] -e 'code' [args...]  evaluate a string as a module
 *   corojs [options] run a.mjs b.mjs ...  several apps, each in its isolate
 *   corojs [options] shell                the interactive shell
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#include "core/fiber.h"
#include "core/loop.h"
#include "core/modules.h"
#include "core/run.h"
#include "core/version.h"
#include "prim/prim.h"
#include "workers.h"

static void usage(FILE *out)
{
    fputs("Usage: corojs [options] main.mjs|app.js|app.cjs [arguments...]\n"
          "       corojs [options] -e 'code' [arguments...]\n"
          "       corojs [options] run app.mjs [app.mjs...]\n"
          "       corojs [options] shell\n"
          "       corojs [--dir HOST[::GUEST]]... [--env NAME=VALUE]... app.wasm [arguments...]\n"
          "\n"
          "Runs an ES module or a CommonJS program on fibers: every blocking call\n"
          "parks only its fiber.\n"
          "`run` starts each app in an isolate of its own, all in this process, and\n"
          "exits when all have ended; `shell` starts an interactive shell. A .wasm\n"
          "file is run as a WebAssembly app: a WASI command (_start) or a Dagger module\n"
          "(dagger_main).\n"
          "\n"
          "Options:\n"
          "  -e, --eval CODE        evaluate CODE: an ES module if it has import or export\n"
          "                         statements, else a script as Node's -e (require, Node's\n"
          "                         builtins as globals)\n"
          "  -p, --print CODE       the same, printing its value at the end\n"
          "  --input-type TYPE      'module' or 'commonjs': what -e and -p CODE is\n"
          "  --stack-size SIZE      stack of each fiber, e.g. 256k or 2m (default 1m)\n"
          "  --main-stack-size SIZE stack of the main module's fiber and of those that\n"
          "                         run promise jobs, for deep recursion (default 8m)\n"
          "  --no-stack-guard       no guard page under fiber stacks: allows more than\n"
          "                         about 30,000 fibers, at the price of C stack overflows\n"
          "                         going unnoticed (JS overflows still throw RangeError)\n"
          "  --memory-limit SIZE    cap on the JS heap, at least 1m, e.g. 512m (default none)\n"
          "  --expose-gc            define gc(), which runs the garbage collector\n"
          "  --allow-syscall        let the program import corojs:syscall (raw system\n"
          "                         calls: trusted code only)\n"
          "  --import-map FILE      resolve imports and require() through the import map\n"
          "                         in FILE (JSON: \"imports\", \"scopes\"), in every isolate\n"
          "  --expose-internals     let the program import corojs:internal/ modules\n"
          "                         (for testing the runtime itself)\n"
          "  --workers N            run N copies of the program, one process each (one\n"
          "                         per core); their listeners share ports (SO_REUSEPORT)\n"
          "  --dir HOST[::GUEST]    a WASI app sees directory HOST as GUEST (default: the\n"
          "                         same name); a Dagger app's file:// lies beneath the\n"
          "                         first (default: the app's directory)\n"
          "  --env NAME[=VALUE]     a WASI app's environment variable (NAME alone: the\n"
          "                         host's value); apps see nothing of the host otherwise\n"
          "  -v, --version          print the version and exit\n"
          "  -h, --help             print this help and exit\n",
          out);
}

/* "256k", "2m", "1048576" -> bytes; 0 on a malformed size. */
static size_t parse_size(const char *s)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = strtoull(s, &end, 10);
    if (errno || end == s)
        return 0;
    switch (*end) {
    case 'k': case 'K': n <<= 10; end++; break;
    case 'm': case 'M': n <<= 20; end++; break;
    case 'g': case 'G': n <<= 30; end++; break;
    }
    return *end ? 0 : (size_t)n;
}

/* The value of an option given as "--opt value" or "--opt=value". */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

/* Whether the loop closes after teardown. Unchecked unless
   COROJS_CHECK_HANDLES=1 (tests/run.sh sets it): then a loop with a handle
   or request left fails the program (status 70), and stderr names them. */
static int loop_closes(uv_loop_t *loop)
{
    const char *check = getenv("COROJS_CHECK_HANDLES");

    if (!check || !*check || !strcmp(check, "0")) {
        coro_loop_close(loop, NULL);
        return 1;
    }
    return coro_loop_close(loop, stderr) == 0;
}

/* PID 1 must never end: the kernel panics when it does. If the init program
   ends anyway (it failed to load, or called process.exit), the shell takes
   over the console, with the same capabilities; if that shell ends too,
   PID 1 waits for ever (reboot and poweroff still come from outside). */
static void pid1_never_ends(const char *self, int status, int caps)
{
    char *shell[] = { (char *)self, caps & CORO_CAP_SYSCALL ? "--allow-syscall" : "--", "shell", NULL };

    if (getpid() != 1)
        return;
    if (!getenv("COROJS_PID1_SHELL")) {
        fprintf(stderr, "corojs: PID 1 ended with status %d: the shell takes over\n", status);
        setenv("COROJS_PID1_SHELL", "1", 1);
        execv("/proc/self/exe", shell);
        execv(self, shell); /* no /proc yet */
        fprintf(stderr, "corojs: cannot start the shell: %s\n", strerror(errno));
    }
    fprintf(stderr, "corojs: PID 1 has nothing left to run\n");
    for (;;)
        pause();
}

/* --dir and --env for WebAssembly apps: one array, kept to the end, the
   dirs from the front and the env from the middle (NULL-terminated each). */
static char **wasm_options;

/* Start a root isolate running `path` (or `code`); NULL on failure. */
static coro_port *start_root(coro_isolate_options *io, const char *path, const char *code)
{
    coro_isolate *iso = coro_isolate_new(io);
    coro_port *port;

    if (!iso) {
        fprintf(stderr, "corojs: cannot create an isolate: %s\n", strerror(errno));
        return NULL;
    }
    port = coro_port_ref(iso->port);
    if (coro_isolate_start(iso, path, code) < 0)
        coro_isolate_terminate(iso, 1);
    return port;
}

/* A descriptor 0, 1 or 2 the program was started without is /dev/null, as
   in Node: the loop's own descriptors never take those numbers, and
   process.stdout writes to nothing instead of to a socket opened later. */
static void open_missing_stdio(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDWR) != fd)
            abort();
}

int main(int argc, char **argv)
{
    coro_sched_options so = { 0, 0, 0 };
    coro_isolate_options io = { .caps = CORO_CAP_ALL, .areas = coro_prim_areas };
    const char *code = NULL, *path = NULL, *v;
    coro_port **roots;
    int i, nroots = 0, status = 0, run = 0, nworkers = 0;
    uv_loop_t *loop;
    char **dirs, **envs;

    open_missing_stdio();
    wasm_options = calloc(2 * ((size_t)argc + 1), sizeof *wasm_options);
    if (!wasm_options)
        return 1;
    dirs = wasm_options;
    envs = wasm_options + argc + 1;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--version")) {
            printf("corojs %s (QuickJS %s, libuv %s)\n", CORO_VERSION, CORO_QUICKJS_VERSION,
                   uv_version_string());
            return 0;
        } else if ((v = option_value(argc, argv, &i, "-e")) ||
                   (v = option_value(argc, argv, &i, "--eval"))) {
            code = v;
        } else if ((v = option_value(argc, argv, &i, "-p")) || (v = option_value(argc, argv, &i, "-pe")) ||
                   (v = option_value(argc, argv, &i, "--print"))) {
            code = v;
            io.print_eval = 1;
        } else if ((v = option_value(argc, argv, &i, "--input-type"))) {
            if (strcmp(v, "module") && strcmp(v, "commonjs")) {
                fprintf(stderr, "corojs: --input-type must be 'module' or 'commonjs', got '%s'\n", v);
                return 9;
            }
            io.input_type = strcmp(v, "module") ? CORO_INPUT_COMMONJS : CORO_INPUT_MODULE;
        } else if ((v = option_value(argc, argv, &i, "--stack-size"))) {
            so.stack_size = parse_size(v);
            if (so.stack_size < 65536) {
                fprintf(stderr, "corojs: --stack-size must be at least 64k, got '%s'\n", v);
                return 9;
            }
        } else if ((v = option_value(argc, argv, &i, "--main-stack-size"))) {
            so.deep_stack_size = parse_size(v);
            if (so.deep_stack_size < 65536) {
                fprintf(stderr, "corojs: --main-stack-size must be at least 64k, got '%s'\n", v);
                return 9;
            }
        } else if ((v = option_value(argc, argv, &i, "--memory-limit"))) {
            /* the floor of an isolate's memoryLimit: below it the runtime
               cannot even start */
            io.memory_limit = parse_size(v);
            if (io.memory_limit < (1 << 20)) {
                fprintf(stderr, "corojs: --memory-limit must be at least 1m, got '%s'\n", v);
                return 9;
            }
        } else if (!strcmp(argv[i], "--expose-gc")) {
            io.expose_gc = 1;
        } else if (!strcmp(argv[i], "--allow-syscall")) {
            io.caps |= CORO_CAP_SYSCALL;
        } else if ((v = option_value(argc, argv, &i, "--import-map"))) {
            coro_modules_set_import_map(v);
        } else if (!strcmp(argv[i], "--expose-internals")) {
            io.expose_internals = 1;
        } else if ((v = option_value(argc, argv, &i, "--workers"))) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 1024) {
                fprintf(stderr, "corojs: --workers must be a number from 1 to 1024, got '%s'\n", v);
                return 9;
            }
            nworkers = (int)n;
        } else if ((v = option_value(argc, argv, &i, "--dir"))) {
            *dirs++ = (char *)v;
        } else if ((v = option_value(argc, argv, &i, "--env"))) {
            *envs++ = (char *)v;
        } else if (!strcmp(argv[i], "--no-stack-guard")) {
            so.no_guard = 1;
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else {
            fprintf(stderr, "corojs: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 9;
        }
    }
    if (!code && i < argc && !strcmp(argv[i], "shell")) {
        code = "import { main } from 'corojs:shell'; main();";
        io.name = "shell";
        io.one_of_many = 1;
        i++;
    } else if (!code && i < argc && !strcmp(argv[i], "run")) {
        run = 1;
        io.one_of_many = 1;
        if (++i >= argc) {
            fprintf(stderr, "corojs: run needs at least one module\n");
            return 9;
        }
    } else if (!code) {
        if (i >= argc) {
            usage(stderr);
            return 9;
        }
        path = argv[i];
    }

    /* process.argv as in Node: [execPath, /abs/main.mjs, args...]; -e has no script */
    io.argv = calloc((size_t)(argc - i + 2), sizeof *io.argv);
    roots = calloc((size_t)(argc - i + 1), sizeof *roots);
    if (!io.argv || !roots)
        return 1;
    io.argv[io.argc++] = argv[0]; /* the library puts execPath here */
    if (path) {
        io.argv[io.argc++] = realpath(path, NULL);
        if (!io.argv[io.argc - 1])
            io.argv[io.argc - 1] = strdup(path);
        i++;
    }

    coro_wasi_set_command_line(wasm_options, wasm_options + argc + 1);
    if (nworkers)
        coro_workers_fork(nworkers); /* returns in each worker */
    signal(SIGPIPE, SIG_IGN); /* a vanished peer is an EPIPE error, not a death */
    signal(SIGXFSZ, SIG_IGN); /* a write past ulimit -f is an EFBIG error, as in Node */
    loop = uv_default_loop();
    coro_sched_init(loop, &so);
    if (run) { /* each app: argv [execPath, its path] */
        for (; i < argc; i++) {
            char *real = realpath(argv[i], NULL);
            io.argv[1] = real ? real : argv[i];
            io.argc = 2;
            io.name = argv[i];
            roots[nroots] = start_root(&io, argv[i], NULL);
            nroots += roots[nroots] != NULL;
            free(real);
        }
    } else {
        if (!io.name) /* what ps and stats() show: the main module, as in a stack */
            io.name = path ? io.argv[1] : "[eval]";
        while (i < argc)
            io.argv[io.argc++] = argv[i++];
        roots[nroots] = start_root(&io, path, code);
        nroots += roots[nroots] != NULL;
        if (path)
            free(io.argv[1]);
    }
    free(io.argv);
    if (!nroots)
        status = 1;
    do
        uv_run(loop, UV_RUN_DEFAULT);
    while (coro_isolates_loop_ended());
    for (i = 0; i < nroots; i++) { /* the first failure is the process's */
        if (status == 0)
            status = roots[i]->code;
        coro_port_unref(roots[i]);
    }
    free(roots);
    coro_isolates_shutdown();
    coro_sched_shutdown();
    uv_run(loop, UV_RUN_DEFAULT);
    if (!loop_closes(loop))
        status = 70;
    pid1_never_ends(argv[0], status, io.caps);
    return status & 0xff;
}
