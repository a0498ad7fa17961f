#!/bin/sh
# image/boot.sh: boot build/image/ in qemu-system-x86_64, its serial console
# on standard input and output (so a pipe can drive the shell). KVM when
# /dev/kvm can be opened, TCG (emulation) otherwise.
#
#   QEMU_ARGS   more for QEMU, split on spaces; words that start with
#               hostfwd= or guestfwd= go to the user network instead, e.g.
#               QEMU_ARGS='hostfwd=tcp:127.0.0.1:8080-:80 hostfwd=udp:127.0.0.1:9000-:9000'
#   APPEND      more for the kernel's command line
#   MEM         the guest's memory (default 256M)
#
# Ctrl-C goes to the guest (the shell interrupts what runs); Ctrl-A x quits
# QEMU. `poweroff` in the shell powers the guest off and QEMU exits with 0.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
img=${IMAGE_DIR:-$top/build/image}
[ -f "$img/vmlinuz" ] && [ -f "$img/initramfs.img" ] || { echo "boot: no image in $img (run make image)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "boot: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2; exit 1; }

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm cpu=host; else accel=tcg cpu=max; fi

netdev=user,id=net0
extra=""
for word in ${QEMU_ARGS:-}; do
    case $word in
        hostfwd=*|guestfwd=*) netdev="$netdev,$word" ;;
        *) extra="$extra $word" ;;
    esac
done

# qboot (a minimal firmware shipped with QEMU) starts the kernel sooner than SeaBIOS
bios=""
[ -f /usr/share/qemu/qboot.rom ] && bios="-bios /usr/share/qemu/qboot.rom"

# shellcheck disable=SC2086
exec qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -m "${MEM:-256M}" -smp 1 $bios \
    -kernel "$img/vmlinuz" -initrd "$img/initramfs.img" \
    -append "console=ttyS0 quiet panic=-1 ${APPEND:-}" \
    -nographic -vga none -no-reboot \
    -chardev stdio,id=console,mux=on,signal=off -serial chardev:console -mon chardev=console \
    -netdev "$netdev" -device virtio-net-pci,netdev=net0,romfile= \
    $extra
