# CoroJS build.
#
#   make                 release build: build/corojs
#   make debug           build/debug/corojs (-O0, assertions)
#   make asan            build/asan/corojs (AddressSanitizer + UndefinedBehaviorSanitizer)
#   make test            all tests on the release build, then on the asan build
#   make test-release    all tests on the release build only
#   make test-asan       all tests on the asan build only
#   make bench           benchmarks against Node.js (not part of the tests)
#   make clean           remove build outputs (keeps the fetched dependencies)
#
# Dependencies come from deps/deps.sh: Debian packages, QuickJS from
# Debian's source package (see DESIGN.md) and llhttp from Debian's binary
# package libllhttp-dev (a header and a static library). SWITCH=ucontext forces the
# portable context switch.

VARIANT ?= release
BUILD := build
QJS_VERSION := 2025.04.26
QJS_DIR := $(BUILD)/deps/quickjs-$(QJS_VERSION)
QJS_STAMP := $(QJS_DIR)/.corojs-ready
LLHTTP_DIR := $(BUILD)/deps/llhttp
LLHTTP_STAMP := $(LLHTTP_DIR)/.corojs-ready

ARCH := $(shell uname -m)
ifeq ($(ARCH),x86_64)
SWITCH ?= x86_64
else ifeq ($(ARCH),aarch64)
SWITCH ?= aarch64
else
SWITCH ?= ucontext
endif

CC ?= gcc
PKGS := libuv openssl libedit libcares
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs libuv libedit libcares 2>/dev/null)
# OpenSSL is linked statically (from Debian's libssl-dev), and the binary is
# not position-independent: loading libcrypto.so, or relocating its ~20,000
# pointers in a PIE, took a millisecond and 2 MB of every start-up, also of
# programs that never use TLS. Node links OpenSSL statically too; a Debian
# security update of OpenSSL needs a rebuild to reach corojs.
OPENSSL_LIBS = $(shell pkg-config --libs-only-L openssl 2>/dev/null) -Wl,-Bstatic -lssl -lcrypto -Wl,-Bdynamic

ifeq ($(VARIANT),release)
OUT := $(BUILD)/release
OPT := -O2 -g
else ifeq ($(VARIANT),debug)
OUT := $(BUILD)/debug
OPT := -O0 -g3
else ifeq ($(VARIANT),asan)
OUT := $(BUILD)/asan
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
$(error VARIANT must be release, debug or asan)
endif

ifeq ($(SWITCH),ucontext)
SWITCH_DEFS := -DCORO_SWITCH_UCONTEXT
endif

QJS_DEFS := -DCONFIG_VERSION=\"$(subst .,-,$(QJS_VERSION))\"
CFLAGS_COMMON := -std=gnu11 -D_GNU_SOURCE -fno-pie $(OPT) -isystem $(QJS_DIR) $(SWITCH_DEFS) -DCORO_QUICKJS_VERSION=\"$(QJS_VERSION)\"
CFLAGS := $(CFLAGS_COMMON) -isystem $(LLHTTP_DIR)/include -Wall -Wextra -Wno-unused-parameter $(PKG_CFLAGS) $(EXTRA_CFLAGS)
QJS_CFLAGS := $(CFLAGS_COMMON) $(QJS_DEFS) -fwrapv -w
LDFLAGS := -no-pie $(OPT) $(EXTRA_LDFLAGS)
LIBS = $(LLHTTP_DIR)/lib/libllhttp.a $(PKG_LIBS) $(OPENSSL_LIBS) -lm -lpthread -ldl

# QuickJS: its own C files, and quickjs.c through src/quickjs_ext.c.
QJS_SRCS := libregexp.c libunicode.c cutils.c dtoa.c
QJS_OBJS := $(QJS_SRCS:%.c=$(OUT)/qjs/%.o) $(OUT)/qjs/quickjs_ext.o

CORE_SRCS := fiber.c switch_$(SWITCH).c handle.c binding.c utf8.c runtime.c modules.c jail.c workers.c \
             prim/fiber.c prim/timers.c prim/fs.c prim/process.c prim/encoding.c prim/util.c \
             prim/net.c prim/isolate.c prim/readline.c \
             prim/dns.c prim/dgram.c prim/tls.c prim/http.c prim/http_server.c prim/http_message.c \
             prim/wasm.c prim/wasm_objects.c
# The WebAssembly engine (plain C, no QuickJS).
WASM_SRCS := wasm/decode.c wasm/compile.c wasm/compile_simd.c wasm/interp.c wasm/simd.c wasm/runtime.c
CORE_OBJS := $(CORE_SRCS:%.c=$(OUT)/obj/%.o) $(WASM_SRCS:%.c=$(OUT)/obj/%.o) $(OUT)/obj/builtins.o
LIB_A := $(OUT)/libcorojs.a

# The standard library: lib/X.js is the module corojs:X.
LIB_JS := $(shell find lib -name '*.js' | sort)
GEN_C := $(BUILD)/gen/builtins.c
JSC := $(BUILD)/tools/jsc

BINARY := $(if $(filter release,$(VARIANT)),$(BUILD)/corojs,$(OUT)/corojs)

C_TESTS := $(patsubst tests/c/%.c,$(OUT)/tests/%,$(wildcard tests/c/test_*.c))

.PHONY: all release debug asan test test-release test-asan bench clean deps c-tests

all: $(BINARY)

release:
	$(MAKE) VARIANT=release
debug:
	$(MAKE) VARIANT=debug
asan:
	$(MAKE) VARIANT=asan

deps:
	@sh deps/deps.sh packages

$(QJS_STAMP): deps/deps.sh | deps
	sh deps/deps.sh quickjs

$(LLHTTP_STAMP): deps/deps.sh | deps
	sh deps/deps.sh llhttp

$(BINARY): $(OUT)/obj/main.o $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(LIB_A): $(CORE_OBJS) $(QJS_OBJS)
	rm -f $@
	ar rcs $@ $^

$(OUT)/obj/%.o: src/%.c $(wildcard src/*.h src/prim/*.h src/wasm/*.h) $(QJS_STAMP) $(LLHTTP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(OUT)/obj/builtins.o: $(GEN_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Isrc -c -o $@ $<

$(OUT)/qjs/quickjs_ext.o: src/quickjs_ext.c src/quickjs_ext.h $(QJS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(QJS_CFLAGS) -c -o $@ $<

$(OUT)/qjs/%.o: $(QJS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(QJS_CFLAGS) -c -o $@ $(QJS_DIR)/$*.c

# The bytecode compiler runs on the build machine, so it has a QuickJS of
# its own, built once and plainly (no sanitizer); the bytecode is the same
# for every variant.
$(JSC): tools/jsc.c src/quickjs_ext.c src/quickjs_ext.h $(QJS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -w $(QJS_DEFS) -isystem $(QJS_DIR) -o $@ tools/jsc.c src/quickjs_ext.c \
	    $(QJS_SRCS:%=$(QJS_DIR)/%) -lm -lpthread

$(GEN_C): $(LIB_JS) $(JSC)
	@mkdir -p $(dir $@)
	$(JSC) $@ $(foreach f,$(LIB_JS),corojs:$(patsubst lib/%.js,%,$(f))=$(f))

# C unit tests link the runtime library.
$(OUT)/tests/%: tests/c/%.c tests/c/ctest.h $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Isrc -o $@ $< $(LIB_A) $(LIBS)

c-tests: $(C_TESTS)

test: test-release test-asan-summary

test-release:
	@$(MAKE) --no-print-directory VARIANT=release all c-tests
	@sh tests/run.sh release

test-asan:
	@$(MAKE) --no-print-directory VARIANT=asan all c-tests
	@sh tests/run.sh asan

# `make test`: both variants, one summary line for the whole run.
test-asan-summary: test-release
	@$(MAKE) --no-print-directory VARIANT=asan all c-tests
	@sh tests/run.sh asan --total

bench: all
	@sh bench/run.sh

clean:
	rm -rf $(BUILD)/release $(BUILD)/debug $(BUILD)/asan $(BUILD)/gen $(BUILD)/tools $(BUILD)/corojs
