#!/bin/sh
# deps/deps.sh: fetch what CoroJS builds on.
#
#   sh deps/deps.sh packages   install the Debian packages the build and tests need
#                              (as root, when any is missing; otherwise name them)
#   sh deps/deps.sh check      name the missing build packages (make calls it)
#   sh deps/deps.sh quickjs    fetch QuickJS from Debian's source package into build/deps
#   sh deps/deps.sh llhttp     fetch llhttp (Node's HTTP parser) from Debian's binary
#                              package libllhttp-dev into build/deps/llhttp
#
# QuickJS is not in bookworm, so it comes from the trixie *source* package, fetched
# with a private apt configuration kept under build/apt: its own sources list,
# package lists and cache. The system's apt setup is not touched. The archive
# address is read from this machine's own apt sources, so no host name lives in
# the repository. The tarball is checked against a pinned sha256 before use.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"

QJS_VERSION=2025.04.26
QJS_DEBIAN_VERSION=2025.04.26-1
QJS_SHA256=ec81da5b3249ed648dbc7df4a1654988910e66a118d9b71cb63534216efcfbbe
# Bump the number when patch_quickjs changes; the hash follows deps/patches/quickjs.
QJS_PATCH_LEVEL="3-$(cat "$top"/deps/patches/quickjs/*.patch | sha256sum | cut -c1-16)"

# llhttp, the parser Node uses, from trixie's libllhttp-dev (source package
# node-undici): a header and a static library, needing only glibc >= 2.3.4.
LLHTTP_DEBIAN_VERSION=9.2.1~7.3.0+dfsg1+~cs24.12.11-1
LLHTTP_SHA256_amd64=c018069b22f5d53ac630bdc360d6c8bc7df78626cfb22276cbfb280aa64ac4b6
LLHTTP_SHA256_arm64=7415055a32bf90e71b63782876792a7ac10c0163b14625d2e735ed151d970361

# What the build needs, then the real peers the tests talk to.
BUILD_PKGS="gcc make patch pkg-config libc6-dev libuv1-dev libssl-dev libc-ares-dev libedit-dev xz-utils ca-certificates debian-archive-keyring"
TEST_PKGS="python3 dnsmasq-base openssl curl wrk"

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
    [ -n "$need" ] || die "pkg-config cannot find libuv, openssl, libedit or libcares"
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
private_apt() {
    apt_dir=$1 kind=$2
    shift 2
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -r "$keyring" ] || die "missing $keyring (package debian-archive-keyring)"
    echo "$kind [signed-by=$keyring] $(archive_uri) trixie main" > "$apt_dir/sources.list"
    (cd "$apt_dir" && apt-get -o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" \
        -o Debug::NoLocking=1 -o APT::Sandbox::User=root -qq "$@")
}

fetch_quickjs() {
    dest="$build/deps/quickjs-$QJS_VERSION"
    stamp="$dest/.corojs-ready"
    if [ "$(cat "$stamp" 2>/dev/null)" = "$QJS_SHA256 $QJS_PATCH_LEVEL" ]; then touch "$stamp"; return 0; fi

    apt_dir="$build/apt"
    tarball="$apt_dir/quickjs_$QJS_VERSION.orig.tar.xz"
    if ! echo "$QJS_SHA256  $tarball" | sha256sum -c - >/dev/null 2>&1; then
        say "fetching the quickjs $QJS_DEBIAN_VERSION source package"
        private_apt "$apt_dir" deb-src update
        private_apt "$apt_dir" deb-src source --download-only "quickjs=$QJS_DEBIAN_VERSION"
        echo "$QJS_SHA256  $tarball" | sha256sum -c - >/dev/null ||
            die "sha256 mismatch for $tarball"
    fi

    rm -rf "$dest" && mkdir -p "$build/deps"
    tar -xJf "$tarball" -C "$build/deps"
    [ -f "$dest/quickjs.c" ] || die "unexpected layout in $tarball"
    patch_quickjs "$dest/quickjs.c"
    echo "$QJS_SHA256 $QJS_PATCH_LEVEL" > "$stamp"
}

# The binary package libllhttp-dev, fetched with `apt-get download` under a
# private apt configuration (build/apt/llhttp: a `deb` line for trixie, its
# own lists and cache), checked against the pinned sha256 of this machine's
# architecture and unpacked with dpkg-deb into build/deps/llhttp, which then
# holds include/llhttp.h and lib/libllhttp.a.
fetch_llhttp() {
    dest="$build/deps/llhttp"
    arch=$(dpkg --print-architecture)
    eval "sha=\${LLHTTP_SHA256_$arch:-}"
    [ -n "$sha" ] || die "no pinned llhttp package for architecture $arch"
    if [ "$(cat "$dest/.corojs-ready" 2>/dev/null)" = "$sha" ]; then touch "$dest/.corojs-ready"; return 0; fi

    apt_dir="$build/apt/llhttp"
    deb="$apt_dir/libllhttp-dev_${LLHTTP_DEBIAN_VERSION}_$arch.deb"
    if ! echo "$sha  $deb" | sha256sum -c - >/dev/null 2>&1; then
        say "fetching the libllhttp-dev $LLHTTP_DEBIAN_VERSION package"
        private_apt "$apt_dir" deb -o APT::Architecture="$arch" update
        private_apt "$apt_dir" deb -o APT::Architecture="$arch" download "libllhttp-dev:$arch=$LLHTTP_DEBIAN_VERSION"
        echo "$sha  $deb" | sha256sum -c - >/dev/null || die "sha256 mismatch for $deb"
    fi

    rm -rf "$dest" "$dest.tmp" && mkdir -p "$dest.tmp" "$dest/include" "$dest/lib"
    dpkg-deb -x "$deb" "$dest.tmp"
    multiarch=$(ls "$dest.tmp/usr/lib")
    [ -f "$dest.tmp/usr/include/llhttp.h" ] && [ -f "$dest.tmp/usr/lib/$multiarch/libllhttp.a" ] ||
        die "unexpected layout in $deb"
    cp "$dest.tmp/usr/include/llhttp.h" "$dest/include/"
    cp "$dest.tmp/usr/lib/$multiarch/libllhttp.a" "$dest/lib/"
    rm -rf "$dest.tmp"
    echo "$sha" > "$dest/.corojs-ready"
}

# Our changes to QuickJS's own text are unified diffs in deps/patches/quickjs/,
# applied in the order of their names; each file begins with why (a stack
# overflow is a RangeError, errors at the memory limit, BigInt fixes). They
# apply with no fuzz and no offset guessing beyond patch's own, and any hunk
# that does not match stops the build, so a different QuickJS is never
# patched in the wrong place. The fiber accessors need no change to the
# source; see src/core/quickjs_ext.c.
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
    check) check_build_packages ;;
    *) die "usage: sh deps/deps.sh packages|check|quickjs|llhttp" ;;
esac
