/*
 * workers.h: `corojs --workers N`, one process per core.
 */
#ifndef COROJS_WORKERS_H
#define COROJS_WORKERS_H

/* Fork n worker processes. In each worker this returns its index (0 to
   n-1), with COROJS_WORKER and COROJS_WORKERS set in its environment. The
   parent never returns: it forwards SIGTERM, SIGINT and SIGHUP to the
   workers, waits for all of them, and exits with the status of the first
   one that failed (128 + the signal for one killed by a signal), or 0.
   On a failure to fork it prints why and exits with status 1, after
   ending the workers already started. */
int coro_workers_fork(int n);

#endif
