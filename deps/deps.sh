#!/bin/sh
# deps/deps.sh: fetch what CoroJS builds on.
#
#   sh deps/deps.sh packages   install the Debian packages the build and tests need
#                              (as root, when any is missing; otherwise name them)
#   sh deps/deps.sh check      name the missing build packages (make calls it)
#   sh deps/deps.sh quickjs    fetch QuickJS from Debian's source package into build/deps
#   sh deps/deps.sh llhttp     fetch llhttp (Node's HTTP parser) from Debian's binary
#                              package libllhttp-dev into build/deps/llhttp
#   sh deps/deps.sh nodejs     fetch Node.js's source from Debian's source package into
#                              build/deps/nodejs (for tests: Node's own tests, WPT data)
#   sh deps/deps.sh kernel     fetch the Linux kernel of the image (make image) from
#                              Debian's linux-image-cloud-amd64 into build/deps/kernel
#
# QuickJS is not in bookworm, so it comes from the trixie *source* package, fetched
# with a private apt configuration kept under build/apt: its own sources list,
# package lists and cache. The system's apt setup is not touched. The archive
# address is read from this machine's own apt sources, so no host name lives in
# the repository. The tarball is checked against a pinned sha256 before use.
#
# Debian revisions move on (a security update turns 20.19.2+dfsg-1 into
# -1+deb13u3) while the upstream tarball stays the same: so a source package is
# pinned by its upstream version and the sha256 of its orig tarball, and any
# Debian revision of that upstream version in the archive will do; a binary
# package by its upstream version and the sha256 of what we take out of it.
# When none is found the fetch stops and says so.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"

QJS_VERSION=2025.04.26
QJS_SHA256=ec81da5b3249ed648dbc7df4a1654988910e66a118d9b71cb63534216efcfbbe
# Bump the number when patch_quickjs changes; the hash follows deps/patches/quickjs.
QJS_PATCH_LEVEL="3-$(cat "$top"/deps/patches/quickjs/*.patch | sha256sum | cut -c1-16)"

# llhttp, the parser Node uses, from trixie's libllhttp-dev (source package
# node-undici): a header and a static library, needing only glibc >= 2.3.4.
# Any revision of llhttp 9.2.1 will do; its header is checked.
LLHTTP_UPSTREAM=9.2.1~
LLHTTP_HEADER_SHA256=ab2b7177ca0947897c371ead0ffd94f158be06439dc66f221f23543387bd6304

# Node.js's source, for tests only (its test/ and the WPT data under
# test/fixtures/wpt): the version whose API the Node layer reports.
NODE_UPSTREAM=20.19.2+dfsg
NODE_SHA256=5e5559381ad031d245a8efa403458abbb73755f74c3e6380f185a4dd342b7949

# What the build needs, then the real peers the tests talk to.
BUILD_PKGS="gcc make patch pkg-config libc6-dev libuv1-dev libssl-dev libc-ares-dev libedit-dev zlib1g-dev libdeflate-dev libbrotli-dev xz-utils ca-certificates debian-archive-keyring"
# WebAssembly: wabt (wast2json, wat2wasm for the spec testsuite and fixtures),
# clang/lld/wasi-libc/compiler-rt to build real wasm32-wasi programs. npm
# (Debian 12's 9.x reads lockfileVersion 3) installs the npm packages of
# tests/npm at test time (tests/sh/test_npm.sh).
TEST_PKGS="python3 dnsmasq-base openssl curl wrk wabt clang lld wasi-libc libclang-rt-14-dev-wasm32"
# (not when an npm, e.g. Node's own, is already on PATH)
command -v npm > /dev/null || TEST_PKGS="$TEST_PKGS npm"

say() { printf 'deps: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

missing_packages() {
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
            printf '%s ' "$p"
    done
}

# For make, when pkg-config cannot find a library the build needs: name the
# missing build packages (test tools are not the build's business).
check_build_packages() {
    need=$(missing_packages $BUILD_PKGS)
    [ -n "$need" ] || die "pkg-config cannot find libuv, openssl, libedit, libcares, zlib, libdeflate or libbrotli"
    die "missing Debian build packages: $need-- install them with: apt-get install $need (or, as root: sh deps/deps.sh packages)"
}

install_packages() {
    need=$(missing_packages $BUILD_PKGS $TEST_PKGS)
    [ -n "$need" ] || return 0
    if [ "$(id -u)" != 0 ]; then
        die "missing Debian packages: $need-- run as root: apt-get install $need"
    fi
    say "installing $need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || apt-get update
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $need >/dev/null ||
        apt-get install -y --no-install-recommends $need
}

# The first Debian archive address this machine's apt already uses for its main suite.
archive_uri() {
    uri=$(awk '
        /^URIs:/  { u = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-/ && u != "" && u !~ /security/) { print u; exit } }
        /^$/ { u = "" }' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
    if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
        uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
            /etc/apt/sources.list | head -n 1)
    fi
    [ -n "$uri" ] || die "cannot find a Debian archive in /etc/apt/sources*"
    printf '%s\n' "$uri"
}

# private_apt DIR TYPE ARGS...: apt-get ARGS, run in DIR under a private apt
# configuration kept there: a sources list of one TYPE line (deb or deb-src)
# for trixie on this machine's archive, and its own package lists and cache.
# PRIVATE_APT_TOOL=apt-cache runs apt-cache instead.
private_apt() {
    apt_dir=$1 kind=$2
    shift 2
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -r "$keyring" ] || die "missing $keyring (package debian-archive-keyring)"
    echo "$kind [signed-by=$keyring] $(archive_uri) trixie main" > "$apt_dir/sources.list"
    (cd "$apt_dir" && ${PRIVATE_APT_TOOL:-apt-get} -o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" \
        -o Debug::NoLocking=1 -o APT::Sandbox::User=root -qq "$@")
}

# The versions of source package PKG (or, with TYPE deb, of binary package
# PKG) the archive has whose upstream part is UPSTREAM, newest first.
archive_versions() { # DIR TYPE PKG UPSTREAM
    private_apt "$1" "$2" update
    PRIVATE_APT_TOOL=apt-cache private_apt "$1" "$2" madison "$3" |
        awk -F'|' -v up="$4" '{ gsub(/ /, "", $2); if (index($2, up) == 1) print $2 }' | sort -u |
        sort -r -V
}

# fetch_orig DIR PKG UPSTREAM ORIG SHA256: the orig tarball ORIG of source
# package PKG, upstream version UPSTREAM, into DIR, checked against SHA256;
# from whichever Debian revision of it the archive has.
fetch_orig() {
    dir=$1 pkg=$2 upstream=$3 orig=$4 sha=$5
    echo "$sha  $dir/$orig" | sha256sum -c - >/dev/null 2>&1 && return 0
    found=$(archive_versions "$dir" deb-src "$pkg" "$upstream-")
    [ -n "$found" ] || die "no revision of $pkg $upstream in the archive; the build pins that upstream version (deps/deps.sh)"
    for v in $found; do
        say "fetching the $pkg $v source package"
        # only the orig tarball matters, and it is checked: a missing .dsc does not
        private_apt "$dir" deb-src source --download-only "$pkg=$v" || say "(apt-get source $pkg=$v failed in part)"
        echo "$sha  $dir/$orig" | sha256sum -c - >/dev/null 2>&1 && return 0
        say "$orig of $pkg $v does not match the pinned sha256"
    done
    die "no revision of $pkg $upstream ($found) has the orig tarball $orig with sha256 $sha"
}

fetch_quickjs() {
    dest="$build/deps/quickjs-$QJS_VERSION"
    stamp="$dest/.corojs-ready"
    if [ "$(cat "$stamp" 2>/dev/null)" = "$QJS_SHA256 $QJS_PATCH_LEVEL" ]; then touch "$stamp"; return 0; fi

    apt_dir="$build/apt"
    tarball="$apt_dir/quickjs_$QJS_VERSION.orig.tar.xz"
    fetch_orig "$apt_dir" quickjs "$QJS_VERSION" "quickjs_$QJS_VERSION.orig.tar.xz" "$QJS_SHA256"

    rm -rf "$dest" && mkdir -p "$build/deps"
    tar -xJf "$tarball" -C "$build/deps"
    [ -f "$dest/quickjs.c" ] || die "unexpected layout in $tarball"
    patch_quickjs "$dest/quickjs.c"
    echo "$QJS_SHA256 $QJS_PATCH_LEVEL" > "$stamp"
}

fetch_nodejs() {
    dest="$build/deps/nodejs"
    [ "$(cat "$dest/.corojs-ready" 2>/dev/null)" = "$NODE_SHA256" ] && return 0
    apt_dir="$build/apt/nodejs"
    mkdir -p "$apt_dir"
    fetch_orig "$apt_dir" nodejs "$NODE_UPSTREAM" "nodejs_$NODE_UPSTREAM.orig.tar.xz" "$NODE_SHA256"
    rm -rf "$dest" && mkdir -p "$dest"
    tar -xJf "$apt_dir/nodejs_$NODE_UPSTREAM.orig.tar.xz" -C "$dest" --strip-components=1
    [ -d "$dest/test/parallel" ] || die "unexpected layout in nodejs_$NODE_UPSTREAM.orig.tar.xz"
    echo "$NODE_SHA256" > "$dest/.corojs-ready"
}

# The binary package libllhttp-dev, fetched with `apt-get download` under a
# private apt configuration (build/apt/llhttp: a `deb` line for trixie, its
# own lists and cache), any revision of llhttp $LLHTTP_UPSTREAM, unpacked with
# dpkg-deb into build/deps/llhttp, which then holds include/llhttp.h (checked
# against its pinned sha256) and lib/libllhttp.a.
fetch_llhttp() {
    dest="$build/deps/llhttp"
    if [ "$(cat "$dest/.corojs-ready" 2>/dev/null)" = "$LLHTTP_HEADER_SHA256" ]; then touch "$dest/.corojs-ready"; return 0; fi

    arch=$(dpkg --print-architecture)
    apt_dir="$build/apt/llhttp"
    found=$(archive_versions "$apt_dir" deb libllhttp-dev "$LLHTTP_UPSTREAM")
    [ -n "$found" ] || die "no libllhttp-dev $LLHTTP_UPSTREAM* for $arch in the archive; the build pins that upstream version (deps/deps.sh)"
    for v in $found; do
        rm -rf "$dest" "$dest.tmp" && mkdir -p "$dest.tmp" "$dest/include" "$dest/lib"
        say "fetching the libllhttp-dev $v package"
        (cd "$apt_dir" && rm -f libllhttp-dev_*.deb)
        private_apt "$apt_dir" deb download "libllhttp-dev:$arch=$v" || continue
        dpkg-deb -x "$apt_dir"/libllhttp-dev_*_"$arch".deb "$dest.tmp"
        multiarch=$(ls "$dest.tmp/usr/lib")
        if [ -f "$dest.tmp/usr/lib/$multiarch/libllhttp.a" ] &&
            echo "$LLHTTP_HEADER_SHA256  $dest.tmp/usr/include/llhttp.h" | sha256sum -c - >/dev/null 2>&1; then
            cp "$dest.tmp/usr/include/llhttp.h" "$dest/include/"
            cp "$dest.tmp/usr/lib/$multiarch/libllhttp.a" "$dest/lib/"
            rm -rf "$dest.tmp"
            echo "$LLHTTP_HEADER_SHA256" > "$dest/.corojs-ready"
            return 0
        fi
        say "libllhttp-dev $v does not hold the llhttp.h pinned"
    done
    rm -rf "$dest.tmp"
    die "no revision of libllhttp-dev $LLHTTP_UPSTREAM* ($found) holds the llhttp.h with sha256 $LLHTTP_HEADER_SHA256"
}

# The kernel of the bootable image (make image): trixie's cloud flavour for
# amd64, the smallest Debian kernel, with virtio built in and virtio_net as a
# module. The metapackage linux-image-cloud-amd64 names the current versioned
# package; that one is fetched with `apt-get download` under a private apt
# configuration (build/apt/kernel), checked against the SHA256 the archive's
# signed index gives for it, and unpacked with dpkg-deb into
# build/deps/kernel: boot/vmlinuz-VERSION and usr/lib/modules/VERSION. A
# kernel security update only changes which version comes. KERNEL_PACKAGE
# names another package (a pinned linux-image-<version>-cloud-amd64).
fetch_kernel() {
    dest="$build/deps/kernel"
    apt_dir="$build/apt/kernel"
    [ -f "$dest/.corojs-ready" ] && [ -z "${KERNEL_REFRESH:-}" ] && return 0

    say "fetching the package list for the image's kernel"
    private_apt "$apt_dir" deb -o APT::Architecture=amd64 update
    meta=linux-image-cloud-amd64
    pkg=${KERNEL_PACKAGE:-$(PRIVATE_APT_TOOL=apt-cache private_apt "$apt_dir" deb -o APT::Architecture=amd64 depends "$meta" |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')}
    [ -n "$pkg" ] || die "cannot find the kernel package that $meta depends on"
    info=$(PRIVATE_APT_TOOL=apt-cache private_apt "$apt_dir" deb -o APT::Architecture=amd64 show "$pkg:amd64")
    version=$(printf '%s\n' "$info" | awk '$1 == "Version:" { print $2; exit }')
    sha=$(printf '%s\n' "$info" | awk '$1 == "SHA256:" { print $2; exit }')
    [ -n "$version" ] && [ -n "$sha" ] || die "no version or SHA256 of $pkg in the archive's index"

    say "fetching $pkg $version"
    rm -f "$apt_dir"/linux-image-*.deb
    private_apt "$apt_dir" deb -o APT::Architecture=amd64 download "$pkg:amd64=$version"
    deb=$(ls "$apt_dir"/linux-image-*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || die "apt-get download left no .deb for $pkg"
    echo "$sha  $deb" | sha256sum -c - >/dev/null || die "sha256 mismatch for $deb (the index says $sha)"
    [ "$(dpkg-deb -f "$deb" Package)" = "$pkg" ] && [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] ||
        die "$deb is not $pkg $version"

    rm -rf "$dest" && mkdir -p "$dest"
    dpkg-deb -x "$deb" "$dest"
    kver=${pkg#linux-image-}
    [ -f "$dest/boot/vmlinuz-$kver" ] && [ -d "$dest/usr/lib/modules/$kver/kernel" ] ||
        die "unexpected layout in $deb (no boot/vmlinuz-$kver or modules)"
    rm -f "$deb"
    printf '%s %s %s\n' "$pkg" "$version" "$sha" > "$dest/.corojs-ready"
}

# Our changes to QuickJS's own text are unified diffs in deps/patches/quickjs/,
# applied in the order of their names; each file begins with why (a stack
# overflow is a RangeError, errors at the memory limit, BigInt fixes, naming
# what is not a function). They apply without fuzz (the context must match
# exactly, though it may have moved), and a hunk that does not apply stops
# the build, so a different QuickJS is never patched in the wrong place. The
# fiber accessors need no change to the source; see src/core/quickjs_ext.c.
patch_quickjs() {
    for p in "$top"/deps/patches/quickjs/*.patch; do
        patch --batch --forward --fuzz=0 --reject-file=- --no-backup-if-mismatch --quiet \
            -p1 -d "$(dirname "$1")" < "$p" ||
            die "could not apply $(basename "$p") to $1"
    done
}

case "${1:-}" in
    packages) install_packages ;;
    quickjs) fetch_quickjs ;;
    llhttp) fetch_llhttp ;;
    nodejs) fetch_nodejs ;;
    kernel) fetch_kernel ;;
    check) check_build_packages ;;
    *) die "usage: sh deps/deps.sh packages|check|quickjs|llhttp|nodejs|kernel" ;;
esac
