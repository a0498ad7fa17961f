#!/bin/sh
# tests/sh/image_boot.sh: run by test_image.sh beside a DNS server on the
# host's loopback (DNS_SERVER=127.0.0.1:PORT). Builds the image, boots it in
# QEMU with the console on a FIFO and a file, and goes through the shell:
# echo, eval, ls /, lsdev, ps, host (through the host's DNS server, which the
# guest reaches at 10.0.2.2), an HTTP request from the host to the guest's
# app (hostfwd on 127.0.0.1), a UDP datagram to the demo service, eval's time
# limit, Ctrl-C, and poweroff, after which QEMU must exit with status 0.
#
# Waits are for output to appear, bounded by WAIT seconds each (a failure,
# never a timing assertion). The boot's figures are printed as # lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:?set COROJS}
dns_port=${DNS_SERVER##*:}
work=$(mktemp -d)
wait_s=${WAIT:-150}
qemu=""
trap 'if [ -n "$qemu" ]; then kill "$qemu" 2>/dev/null; wait "$qemu" 2>/dev/null; fi; rm -rf "$work"' EXIT
trap 'exit 143' TERM

failed=0
ok() { echo "ok - $*"; }
not_ok() {
    echo "not ok - $*"
    failed=1
    tr -d '\r' < "$work/out" | tail -n 40 | sed 's/^/  # console: /'
}

# 1. the image
if ! (cd "$top" && sh deps/deps.sh kernel && COROJS="$bin" sh image/build.sh) > "$work/build.log" 2>&1; then
    echo "not ok - the image builds"
    sed 's/^/  # /' "$work/build.log" | tail -n 20
    exit 1
fi
ok "the image builds ($(sed -n 's/^size: //p' "$top/build/image/MANIFEST"))"

# 2. boot, the console on a FIFO (our fd 3) and a file; ports for the
# forwards are drawn at random, and drawn again if QEMU finds one taken
port() { echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000)); } # below the ephemeral ports
boot() {
    http_port=$(port) udp_port=$(port)
    rm -f "$work/in" && mkfifo "$work/in"
    : > "$work/out"
    t0=$(date +%s%N)
    QEMU_ARGS="hostfwd=tcp:127.0.0.1:$http_port-:80 hostfwd=udp:127.0.0.1:$udp_port-:9000" \
        sh "$top/image/boot.sh" < "$work/in" > "$work/out" 2>&1 &
    qemu=$!
    exec 3> "$work/in"
}
for attempt in 1 2 3 4 5; do
    boot
    # until the guest speaks (its first line is the init's) or QEMU has quit
    waited=0
    while kill -0 "$qemu" 2>/dev/null && ! grep -q '^\[ *[0-9]' "$work/out" && [ $waited -lt $((wait_s * 10)) ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$qemu" 2>/dev/null || ! grep -q 'Could not set up host forwarding' "$work/out"; then break; fi
    wait "$qemu"
    exec 3>&-
done

console() { tr -d '\r' < "$work/out" | tail -c +$(($1 + 1)); }

# wait_for OFFSET REGEX: until a line of the console after OFFSET matches
wait_for() {
    waited=0
    while ! console "$1" | grep -Eq -- "$2"; do
        kill -0 "$qemu" 2>/dev/null || return 1
        [ $waited -lt $((wait_s * 10)) ] || return 1
        sleep 0.1
        waited=$((waited + 1))
    done
}

# run NAME COMMAND REGEX: type COMMAND, expect a line matching REGEX, then the prompt
run() {
    off=$(tr -d '\r' < "$work/out" | wc -c)
    printf '%s\n' "$2" >&3
    if wait_for "$off" "$3" && wait_for "$off" 'corojs> $'; then ok "$1"; else not_ok "$1 (typed: $2)"; fi
}

if wait_for 0 'init: ready in' && wait_for 0 'corojs> $'; then
    t1=$(date +%s%N)
    ok "it boots to the shell"
    echo "# boot: QEMU start to the prompt: $(( (t1 - t0) / 1000000 )) ms (host clock, TCG)"
    tr -d '\r' < "$work/out" | sed -n 's/^\[ *\([0-9.]*\)\] init: /# guest \1 s: /p'
else
    not_ok "it boots to the shell"
    exit 1
fi

run 'echo' "echo marker-$$" "^marker-$$\$"
run 'eval 6*7' 'eval 6*7' '^42$'
run 'ls /' 'ls /' '^apps/ +bin/ +dev/ +etc/ +init +lib/'
run 'lsdev shows the virtio NIC and its interface' 'lsdev' 'Ethernet +virtio-pci +eth0$'
run 'ps lists the apps' 'ps' 'udp-echo\.mjs$'
run 'ifconfig' 'ifconfig' '^    inet 10\.0\.2\.15/24$'
run 'host asks the DNS server on the host' "host example.test 10.0.2.2:$dns_port" '^example\.test has address 192\.0\.2\.1$'

body=$(curl -s --max-time 60 "http://127.0.0.1:$http_port/from-the-host")
case $body in
    "Hello from CoroJS on corojs (Linux "*"GET /from-the-host"*) ok "HTTP from the host to the guest's app: $body" ;;
    *) not_ok "HTTP from the host to the guest's app (got: $body)" ;;
esac

reply=$(timeout 60 "$bin" -e "
  const s = dgram.createSocket('udp4');
  s.send('ping-from-host', $udp_port, '127.0.0.1');
  console.log(new TextDecoder().decode(s.recv().data).trim());
  s.close();")
if echo "$reply" | grep -Eq '^10\.0\.2\.2:[0-9]+ said: ping-from-host$'; then ok "the UDP demo service answers with our address and port: $reply"; else not_ok "the UDP demo service (got: $reply)"; fi

run 'eval has a time limit' 'limit 1500' 'eval stops after 1500 ms'
run 'eval while(true){} is stopped at the limit' 'eval while (true) {}' '^eval: stopped after 1500 ms'
run 'the shell goes on after it' 'eval 1 + 1' '^2$'

off=$(tr -d '\r' < "$work/out" | wc -c)
printf 'limit 600000\neval console.log("spinning"), (() => { for (;;) {} })()\n' >&3
if wait_for "$off" '^spinning$'; then
    printf '\003' >&3
    if wait_for "$off" 'eval: interrupted' && wait_for "$off" 'corojs> $'; then ok 'Ctrl-C interrupts an eval and the prompt comes back'; else not_ok 'Ctrl-C interrupts an eval'; fi
else
    not_ok 'an endless eval starts'
fi
run 'uptime' 'uptime' '^up .* s, load average'

off=$(tr -d '\r' < "$work/out" | wc -c)
printf 'poweroff\n' >&3
waited=0
while kill -0 "$qemu" 2>/dev/null && [ $waited -lt $((wait_s * 10)) ]; do sleep 0.1; waited=$((waited + 1)); done
if kill -0 "$qemu" 2>/dev/null; then
    not_ok "poweroff ends QEMU"
else
    wait "$qemu"
    status=$?
    qemu=""
    if [ "$status" -eq 0 ] && console "$off" | grep -q 'poweroff: syncing'; then ok "poweroff: QEMU exits with 0"; else not_ok "poweroff: QEMU exited with $status"; fi
fi
exit "$failed"
