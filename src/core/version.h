/* version.h: the CoroJS version, shown by --version and process.version. */
#ifndef COROJS_VERSION_H
#define COROJS_VERSION_H

#define CORO_VERSION "0.1.0"

#ifndef CORO_QUICKJS_VERSION
#define CORO_QUICKJS_VERSION "unknown"
#endif

#endif
