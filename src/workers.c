/*
 * workers.c: `corojs --workers N app.mjs` runs N copies of the program, one
 * process each, so that all of a machine's cores serve. The copies are
 * forked after the options are parsed and before anything else starts (no
 * loop, no threads yet). Their listeners share a port through SO_REUSEPORT,
 * which net and http set by default in a worker, and the kernel spreads the
 * connections among them.
 *
 * The parent only supervises: it passes the signals that end a program on
 * to every worker, and exits once all have exited, with the first failure's
 * status. A worker that dies is not restarted.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workers.h"

static pid_t *workers;
static int nworkers;

static void forward(int sig)
{
    int saved = errno;

    for (int i = 0; i < nworkers; i++)
        if (workers[i] > 0)
            kill(workers[i], sig);
    errno = saved;
}

static void set_env(int index, int n)
{
    char v[16];

    snprintf(v, sizeof v, "%d", index);
    setenv("COROJS_WORKER", v, 1);
    snprintf(v, sizeof v, "%d", n);
    setenv("COROJS_WORKERS", v, 1);
}

int coro_workers_fork(int n)
{
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    struct sigaction sa;
    sigset_t block, old;
    int status = 0, left;

    workers = calloc((size_t)n, sizeof *workers);
    if (!workers) {
        perror("corojs: --workers");
        exit(1);
    }
    /* no signal is handled between a fork and the pid being recorded */
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&block, sigs[i]);
    sigprocmask(SIG_BLOCK, &block, &old);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    for (nworkers = 0; nworkers < n; nworkers++) {
        pid_t pid = fork();
        if (pid == 0) {
            sa.sa_handler = SIG_DFL;
            for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
                sigaction(sigs[i], &sa, NULL);
            sigprocmask(SIG_SETMASK, &old, NULL);
            set_env(nworkers, n);
            free(workers);
            return nworkers;
        }
        if (pid < 0) {
            fprintf(stderr, "corojs: cannot start worker %d: %s\n", nworkers, strerror(errno));
            forward(SIGTERM);
            status = 1;
            break;
        }
        workers[nworkers] = pid;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (left = nworkers; left > 0;) {
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < nworkers; i++) {
            if (workers[i] != pid)
                continue;
            workers[i] = 0;
            left--;
            if (status == 0)
                status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
        }
    }
    exit(status);
}
