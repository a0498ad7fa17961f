#!/bin/sh
# image/build.sh: build/image/, a bootable system whose every process above
# the kernel is corojs:
#
#   build/image/vmlinuz         Debian's cloud kernel (sh deps/deps.sh kernel)
#   build/image/initramfs.img   /init is image/init.mjs run by /bin/corojs;
#                               the apps of image/init.json, the virtio
#                               network modules, corojs's shared libraries
#   build/image/MANIFEST        what went in, and the sizes
#
# `make image` runs it after building corojs (release) and fetching the
# kernel. COROJS names another corojs binary; COMPRESS=xz or none changes
# how the archive is compressed (zstd by default).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${COROJS:-$top/build/corojs}
kdir=$top/build/deps/kernel
out=$top/build/image
stage=$out/root

say() { printf 'image: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -x "$bin" ] || die "no corojs at $bin (run make)"
kver=$(ls "$kdir/boot" 2>/dev/null | sed -n 's/^vmlinuz-//p' | head -n 1)
[ -n "$kver" ] || die "no kernel in $kdir (run sh deps/deps.sh kernel)"
moddir=$kdir/usr/lib/modules/$kver/kernel

rm -rf "$stage" && mkdir -p "$stage"
for d in bin etc apps lib/modules proc sys dev tmp run root; do mkdir -p "$stage/$d"; done

# corojs, stripped, and the shared libraries it loads, with the loader
strip -o "$stage/bin/corojs" "$bin"
for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    mkdir -p "$stage$(dirname "$lib")"
    cp -L "$lib" "$stage$lib"
done

# terminal descriptions for line editing on the console (libedit)
for t in l/linux v/vt100 v/vt102 v/vt220 x/xterm d/dumb; do
    for dir in /lib/terminfo /usr/share/terminfo; do
        if [ -f "$dir/$t" ]; then
            mkdir -p "$stage/usr/share/terminfo/${t%/*}"
            cp -L "$dir/$t" "$stage/usr/share/terminfo/$t"
            break
        fi
    done
done

# The kernel modules image/init.json asks for, and what they depend on
# (read from each module's .modinfo), dependencies first.
modfile() { find "$moddir" -name "$1.ko" -o -name "$1.ko.xz" | head -n 1; }
moddeps() { xz -dcf "$1" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '; }
ordered=""
add_module() {
    case " $ordered " in *" $1 "*) return 0 ;; esac
    [ -n "$(modfile "$1")" ] || die "no module $1 in $kver"
    for dep in $(moddeps "$(modfile "$1")"); do add_module "$dep"; done # (sh has no locals)
    cp "$(modfile "$1")" "$stage/lib/modules/"
    ordered="$ordered $1"
}
wanted=$("$bin" -e "console.log(JSON.parse(fs.readFile('$top/image/init.json')).modules.join(' '))")
for m in $wanted; do add_module "$m"; done

# the init, its configuration (the modules in load order, file names
# included), the apps, and the files a resolver wants
cp "$top/image/init.mjs" "$stage/init" && chmod 755 "$stage/init"
"$bin" -e "
  const conf = JSON.parse(fs.readFile('$top/image/init.json'));
  const files = fs.readdir('$stage/lib/modules');
  conf.modules = '$ordered'.trim().split(' ').map((m) => '/lib/modules/' + files.find((f) => f.startsWith(m + '.ko')));
  fs.writeFile('$stage/etc/init.json', JSON.stringify(conf, null, 2) + '\n');"
cp "$top"/image/apps/*.mjs "$stage/apps/"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$stage/etc/hosts"

"$bin" "$top/image/mkcpio.mjs" "$stage" "$out/initramfs.cpio" c 5 1 600 dev/console c 1 3 666 dev/null \
    c 1 11 600 dev/kmsg
# zstd: 7% larger than xz -9 here, but the kernel unpacks it about four
# times faster (1.35 s against 0.3 s under TCG)
case ${COMPRESS:-zstd} in
    none) mv "$out/initramfs.cpio" "$out/initramfs.img" ;;
    xz) xz --check=crc32 -9 -T1 -c "$out/initramfs.cpio" > "$out/initramfs.img" ;; # CRC32: the kernel's xz takes no other
    zstd) zstd -19 -q -c "$out/initramfs.cpio" > "$out/initramfs.img" ;;
    *) die "COMPRESS must be zstd, xz or none" ;;
esac
rm -f "$out/initramfs.cpio"
cp "$kdir/boot/vmlinuz-$kver" "$out/vmlinuz"

size() { wc -c < "$1" | tr -d ' '; }
k=$(size "$out/vmlinuz") i=$(size "$out/initramfs.img")
{
    echo "kernel: $(cat "$kdir/.corojs-ready")"
    echo "modules:$ordered"
    echo "corojs: $("$bin" --version)"
    echo "libraries: $(cd "$stage" && find lib lib64 -name '*.so*' 2>/dev/null | sort | tr '\n' ' ')"
    echo "size: kernel $k bytes, initramfs $i bytes, total $((k + i)) bytes"
} > "$out/MANIFEST"
say "$(tail -n 1 "$out/MANIFEST")"
