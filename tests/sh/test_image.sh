#!/bin/sh
# tests/sh/test_image.sh: the bootable image, booted in QEMU (TCG where there
# is no KVM) and driven through its serial console (tests/sh/image_boot.sh).
#
# It runs once per `make test`, on the release build: the boot under
# emulation takes a minute or so, and the asan build of corojs is not what
# the image holds. QEMU is a test-only tool: this installs qemu-system-x86
# (as root) when it is missing, and skips, saying why, only where QEMU cannot
# be had or cannot run this image (a machine that is not x86-64 builds no image).
set -u
here=$(cd "$(dirname "$0")" && pwd)

skip() {
    echo "ok - image boot skipped: $*"
    exit 0
}

[ "${COROJS_TEST_VARIANT:-release}" = release ] || skip "it runs on the release build only (once per make test)"
[ "$(uname -m)" = x86_64 ] || skip "the image is x86-64 and corojs is built for $(uname -m)"
if ! command -v qemu-system-x86_64 >/dev/null; then
    [ "$(id -u)" = 0 ] || skip "qemu-system-x86_64 is missing (as root: apt-get install qemu-system-x86)"
    echo "# installing qemu-system-x86 (a test-only tool)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null 2>&1; } ||
        skip "qemu-system-x86 cannot be installed here"
fi
qemu-system-x86_64 -accel tcg -machine none -nographic -S -no-user-config -nodefaults </dev/null >/dev/null 2>&1 &
probe=$!
sleep 0.2
if kill -0 "$probe" 2>/dev/null; then kill "$probe"; wait "$probe" 2>/dev/null; else
    wait "$probe" 2>/dev/null || skip "qemu-system-x86_64 cannot run here"
fi

exec sh "$here/../dns/run-with-dns.sh" sh "$here/image_boot.sh"
