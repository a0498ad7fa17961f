# CoroJS build.
#
#   make                 release build: build/corojs
#   make debug           build/debug/corojs (-O0, assertions)
#   make asan            build/asan/corojs (AddressSanitizer + UndefinedBehaviorSanitizer)
#   make test            all tests on the release build, then on the asan build
#   make test-release    all tests on the release build only
#   make test-asan       all tests on the asan build only
#   make bench           benchmarks against Node.js (not part of the tests)
#   make image           build/image/: Debian's kernel and an initramfs whose init is corojs
#   make boot            boot it in QEMU, the console on stdin/stdout (QEMU_ARGS: more options)
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
NODE_DIR := $(BUILD)/deps/nodejs
NODE_STAMP := $(NODE_DIR)/.corojs-ready

ARCH := $(shell uname -m)
ifeq ($(ARCH),x86_64)
SWITCH ?= x86_64
else ifeq ($(ARCH),aarch64)
SWITCH ?= aarch64
else
SWITCH ?= ucontext
endif

CC ?= gcc
PKGS := libuv openssl libedit libcares zlib libbrotlienc libbrotlidec libdeflate
# One pkg-config call per make; a missing build package stops the build with
# its Debian name (deps/deps.sh check), never a compiler error.
PKG_OK := $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo yes)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
ifneq ($(PKG_OK),yes)
$(error $(shell sh deps/deps.sh check 2>&1))
endif
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs libuv libedit libcares 2>/dev/null)
# OpenSSL is linked statically (from Debian's libssl-dev), and the binary is
# not position-independent: loading libcrypto.so, or relocating its ~20,000
# pointers in a PIE, took a millisecond and 2 MB of every start-up, also of
# programs that never use TLS. Node links OpenSSL statically too; a Debian
# security update of OpenSSL needs a rebuild to reach corojs.
OPENSSL_LIBS := $(shell pkg-config --libs-only-L openssl 2>/dev/null) -Wl,-Bstatic -lssl -lcrypto -Wl,-Bdynamic
# zlib, libdeflate and brotli (node:zlib) are static for the same reason.
ZLIB_LIBS := -Wl,-Bstatic -lbrotlienc -lbrotlidec -lbrotlicommon -ldeflate -lz -Wl,-Bdynamic

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

# QuickJS and llhttp are -isystem: their own code (quickjs.c, included by
# src/core/quickjs_ext.c) is not ours to warn about; all of ours is.
QJS_DEFS := -DCONFIG_VERSION=\"$(subst .,-,$(QJS_VERSION))\"
CFLAGS_COMMON := -std=gnu11 -D_GNU_SOURCE -fno-pie $(OPT) -isystem $(QJS_DIR) $(SWITCH_DEFS) \
                 -DCORO_QUICKJS_VERSION=\"$(QJS_VERSION)\" -MMD -MP
WARN := -Wall -Wextra -Wno-unused-parameter
CFLAGS := $(CFLAGS_COMMON) -Isrc -isystem $(LLHTTP_DIR)/include $(WARN) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
QJS_CFLAGS := $(CFLAGS_COMMON) $(QJS_DEFS) -fwrapv -w
LDFLAGS := -no-pie $(OPT) $(EXTRA_LDFLAGS)
LIBS = $(LLHTTP_DIR)/lib/libllhttp.a $(PKG_LIBS) $(OPENSSL_LIBS) $(ZLIB_LIBS) -lm -lpthread -ldl

# QuickJS: its own C files, and quickjs.c through src/core/quickjs_ext.c.
QJS_SRCS := libregexp.c libunicode.c cutils.c dtoa.c
QJS_OBJS := $(QJS_SRCS:%.c=$(OUT)/qjs/%.o) $(OUT)/obj/core/quickjs_ext.o

CORE_SRCS := core/fiber.c core/budget.c core/switch_$(SWITCH).c core/handle.c core/error.c core/binding.c core/stack.c core/utf8.c core/wait.c core/run.c core/stream.c \
             core/isolate.c core/modules.c core/jail.c core/loop.c
PRIM_SRCS := prim/prim.c prim/fiber.c prim/timers.c prim/fs.c prim/process.c prim/encoding.c prim/buffer.c prim/intl.c prim/util.c \
             prim/stream.c prim/net.c prim/isolate.c prim/readline.c \
             prim/dns.c prim/dgram.c prim/tls.c prim/syscall.c prim/signal.c prim/os.c prim/module.c \
             prim/http/http.c prim/http/wire.c prim/http/client.c prim/http/server.c prim/http/message.c \
             prim/wasm.c prim/wasm_objects.c prim/wasi.c prim/wasi_fs.c prim/wasi_host.c prim/dagger.c
# Node's fs and spawn_sync bindings (lib/node/bindings/fs.js, spawn_sync.js)
PRIM_SRCS += prim/nodefs.c prim/spawn.c
# Node's MessagePort wake-ups and ArrayBuffer transfer (lib/node/bindings/messaging.js)
PRIM_SRCS += prim/messaging.c
# node:worker_threads' workers as isolates (lib/node/bindings/worker.js)
PRIM_SRCS += prim/worker.c
# node:vm's contexts (lib/node/bindings/contextify.js)
PRIM_SRCS += prim/vm.c
# Node's HTTP parser over llhttp (lib/node/bindings/http_parser.js)
PRIM_SRCS += prim/http_parser.c
# node:zlib on Debian's zlib and brotli (lib/node/bindings/zlib.js)
PRIM_SRCS += prim/zlib.c
# node:crypto over OpenSSL (lib/node/bindings/crypto.js)
PRIM_SRCS += prim/crypto.c prim/crypto_keys.c prim/crypto_dh.c
# The WebAssembly engine (plain C, no QuickJS).
WASM_SRCS := wasm/reader.c wasm/decode.c wasm/emit.c wasm/compile.c wasm/compile_simd.c wasm/interp.c \
             wasm/simd.c wasm/runtime.c wasm/instance.c
PROGRAM_SRCS := workers.c
LIB_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(CORE_SRCS) $(PRIM_SRCS) $(WASM_SRCS) $(PROGRAM_SRCS)) $(OUT)/obj/builtins.o
LIB_A := $(OUT)/libcorojs.a

# The standard library: lib/X.js is the module corojs:X, lib/node/X.js the
# module corojs:internal/node/X (the Node layer's own code). Node.js's own
# lib/ files named in lib/node/node-lib.list (from its Debian source package)
# are compiled as Node wraps them, to node:ID.
LIB_JS := $(shell find lib -name '*.js' | sort)
NODE_LIB_IDS := $(shell sed -e 's/\#.*//' lib/node/node-lib.list)
lib_name = $(if $(filter lib/node/%,$(1)),corojs:internal/node/$(patsubst lib/node/%.js,%,$(1)),corojs:$(patsubst lib/%.js,%,$(1)))
GEN_C := $(OUT)/gen/builtins.c
JSC := $(OUT)/tools/jsc

BINARY := $(if $(filter release,$(VARIANT)),$(BUILD)/corojs,$(OUT)/corojs)

C_TESTS := $(patsubst tests/c/%.c,$(OUT)/tests/%,$(wildcard tests/c/test_*.c))

.PHONY: all release debug asan test test-release test-asan bench clean c-tests image boot

all: $(BINARY)

release:
	$(MAKE) VARIANT=release
debug:
	$(MAKE) VARIANT=debug
asan:
	$(MAKE) VARIANT=asan

$(QJS_STAMP): deps/deps.sh $(wildcard deps/patches/quickjs/*.patch)
	sh deps/deps.sh quickjs

$(LLHTTP_STAMP): deps/deps.sh
	sh deps/deps.sh llhttp

$(NODE_STAMP): deps/deps.sh
	sh deps/deps.sh nodejs

$(BINARY): $(OUT)/obj/main.o $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(LIB_A): $(LIB_OBJS) $(QJS_OBJS)
	rm -f $@
	ar rcs $@ $^

# Objects depend on the headers they include (-MMD -MP writes the lists);
# the fetched sources must be there before anything compiles.
$(OUT)/obj/%.o: src/%.c | $(QJS_STAMP) $(LLHTTP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(OUT)/obj/core/quickjs_ext.o: src/core/quickjs_ext.c $(QJS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(QJS_DEFS) -fwrapv -c -o $@ $<

$(OUT)/obj/builtins.o: $(GEN_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(OUT)/qjs/%.o: $(QJS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(QJS_CFLAGS) -c -o $@ $(QJS_DIR)/$*.c

# The bytecode compiler links the QuickJS objects of the variant being built
# (with core/stack.o, which makes the stacks of quickjs_ext.o's errors),
# so QuickJS is compiled once per variant.
$(JSC): tools/jsc.c $(QJS_OBJS) $(OUT)/obj/core/stack.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lm -lpthread

# System call numbers (x86-64, aarch64), from the kernel headers at build time.
SYSNUMS_JS := $(OUT)/gen/sysnums.js
$(SYSNUMS_JS): tools/sysnums.sh
	@mkdir -p $(dir $@)
	sh tools/sysnums.sh $@ $(CC)

$(GEN_C): $(LIB_JS) $(SYSNUMS_JS) $(JSC) lib/node/node-lib.list $(NODE_STAMP)
	@mkdir -p $(dir $@)
	$(JSC) $@ $(foreach f,$(LIB_JS),$(call lib_name,$(f))=$(f)) \
	    corojs:internal/sysnums=$(SYSNUMS_JS) $(foreach id,$(NODE_LIB_IDS),node:$(id)=$(NODE_DIR)/lib/$(id).js)

# C unit tests link the runtime library.
$(OUT)/tests/%: tests/c/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(LIBS)

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)
# The lists are made by the compiler, never by a rule: without this, make
# tries to remake qjs/x.d from x.d.o when the QuickJS stamp is newer.
%.d: ;

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

# The bootable image (image/build.sh) and QEMU (image/boot.sh).
image:
	@$(MAKE) --no-print-directory VARIANT=release all
	@sh deps/deps.sh kernel
	@sh image/build.sh

boot: image
	@sh image/boot.sh

clean:
	rm -rf $(BUILD)/release $(BUILD)/debug $(BUILD)/asan $(BUILD)/gen $(BUILD)/tools $(BUILD)/corojs
