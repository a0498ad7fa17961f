#!/bin/sh
# tests/cli.sh: the corojs command seen from outside: exit statuses, what an
# uncaught error prints, options. COROJS names the binary. Prints "ok - ..."
# or "not ok - ..." per case.
set -u
bin=${COROJS:?set COROJS to the corojs binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect NAME STATUS STDOUT_REGEX STDERR_REGEX -- COMMAND...
# The regexes are grep -E patterns one line must match; "" allows anything
# and EMPTY wants no output at all.
matches() { # pattern file
    if [ "$1" = EMPTY ]; then [ ! -s "$2" ]; else [ -z "$1" ] || grep -Eq -- "$1" "$2"; fi
}

expect() {
    name=$1 want_status=$2 want_out=$3 want_err=$4
    shift 5
    "$@" > "$work/out" 2> "$work/err" < /dev/null
    status=$?
    problem=""
    [ "$status" -eq "$want_status" ] || problem="status $status, expected $want_status"
    matches "$want_out" "$work/out" || problem="$problem; stdout does not match /$want_out/"
    matches "$want_err" "$work/err" || problem="$problem; stderr does not match /$want_err/"
    if [ -z "$problem" ]; then
        echo "ok - $name"
    else
        echo "not ok - $name"
        echo "  # $problem"
        sed 's/^/  # out: /' "$work/out" | head -10
        sed 's/^/  # err: /' "$work/err" | head -10
    fi
}

cat > "$work/hello.mjs" <<'EOF'
console.log('hello', process.argv.slice(2).join(','));
EOF
cat > "$work/throws.mjs" <<'EOF'
function inner() {
  throw new TypeError('broken here');
}
inner();
EOF

expect "runs a module with arguments" 0 '^hello a,b$' EMPTY -- "$bin" "$work/hello.mjs" a b
expect "-e evaluates a string" 0 '^3$' '' -- "$bin" -e 'console.log(1 + 2)'
expect "-e takes arguments" 0 "x,y" '' -- "$bin" -e 'console.log(process.argv.slice(1).join(","))' x y
expect "--version" 0 '^corojs [0-9]+\.[0-9]+\.[0-9]+ \(QuickJS 2025' '' -- "$bin" --version
expect "--help" 0 'Usage: corojs' '' -- "$bin" --help
expect "corojs:syscall without --allow-syscall: ERR_ACCESS_DENIED at import" 1 EMPTY \
    "not granted syscall \(--allow-syscall\).*|code: 'ERR_ACCESS_DENIED'" -- "$bin" -e "import 'corojs:syscall'"
expect "corojs:sys without --allow-syscall too" 1 EMPTY 'ERR_ACCESS_DENIED' -- "$bin" -e "import 'corojs:sys'"
expect "--allow-syscall lets it in" 0 '^ok$' '' -- "$bin" --allow-syscall -e \
    "import { syscall, SYS } from 'corojs:syscall'; console.log(syscall(SYS.getpid) === process.pid ? 'ok' : 'no')"
expect "no arguments prints usage, status 9" 9 '' 'Usage' -- "$bin"
expect "an unknown option is refused" 9 '' "unknown option '--frobnicate'" -- "$bin" --frobnicate x.mjs
expect "a missing main module" 1 '' "Cannot find module '.*/missing\.mjs'" -- "$bin" "$work/missing.mjs"
expect "an uncaught exception prints its stack with file:line, status 1" 1 '' \
    "Uncaught TypeError: broken here" -- "$bin" "$work/throws.mjs"
expect "the stack names the function and file:line" 1 '' "at inner \(.*throws\.mjs:2" -- "$bin" "$work/throws.mjs"
expect "an uncaught error prints V8's stack: the header line, then the frames" 1 '' \
    '^    at inner \(.*throws\.mjs:2:[0-9]+\)$' -- "$bin" "$work/throws.mjs"
cat > "$work/trace.mjs" <<'EOF'
function traced() { console.trace('at %d', 5); }
traced();
EOF
expect "console.trace prints Trace: message" 0 EMPTY '^Trace: at 5$' -- "$bin" "$work/trace.mjs"
expect "console.trace starts at its caller" 0 EMPTY '^    at traced \(.*trace\.mjs:1:[0-9]+\)$' -- "$bin" "$work/trace.mjs"
expect "Intl is a getter until first used (lazy: start-up does not load it)" 0 '^function object 1,234\.5$' EMPTY -- "$bin" -e \
    "const d = Object.getOwnPropertyDescriptor(globalThis, 'Intl'); console.log(typeof d.get, typeof Intl, (1234.5).toLocaleString())"

printf 'const x = 1;\nlet = = 2;\n' > "$work/syntax.mjs"
expect "a syntax error names file:line" 1 '' "SyntaxError.*|syntax\.mjs:2" -- "$bin" "$work/syntax.mjs"

expect "an exception in a fiber nobody joins is reported, status 1" 1 '^after$' \
    'Uncaught \(in fiber\) Error: lost' -- "$bin" -e 'Fiber.run(() => { throw new Error("lost") }); console.log("after")'
expect "an unjoined fiber's exception is reported after its Fiber object is collected" 1 EMPTY \
    'Uncaught \(in fiber\) Error: lost' -- "$bin" --expose-gc -e 'Fiber.run(() => { throw new Error("lost") }); gc()'
expect "a joined exception is not reported after the Fiber object is collected" 0 'caught' EMPTY -- "$bin" --expose-gc \
    -e 'let f = Fiber.run(() => { throw new Error("x") }); try { f.join() } catch { console.log("caught") }; f = null; gc()'
expect "a joined exception is not reported" 0 'caught' EMPTY -- \
    "$bin" -e 'const f = Fiber.run(() => { throw new Error("x") }); try { f.join() } catch { console.log("caught") }'
expect "a joined exception is not reported when promise jobs ran before the join" 0 'caught' EMPTY -- \
    "$bin" -e 'Promise.resolve().then(() => {}); const f = Fiber.run(() => { throw new Error("x") }); try { f.join() } catch { console.log("caught") }'
expect "an unhandled rejection is reported, status 1" 1 '' 'Uncaught \(in promise\) Error: nobody' -- \
    "$bin" -e 'Promise.reject(new Error("nobody"))'
expect "a handled rejection is fine" 0 'handled' EMPTY -- \
    "$bin" -e 'Promise.reject(new Error("x")).catch(() => console.log("handled"))'
expect "an exception in a timer callback is uncaught" 1 '' 'Uncaught Error: tick' -- \
    "$bin" -e 'setTimeout(() => { throw new Error("tick") }, 1)'
expect "an uncaught error stops the program at once" 1 EMPTY 'Uncaught Error: first' -- \
    "$bin" -e 'setTimeout(() => console.log("never"), 20); throw new Error("first")'
expect "process.exit(n) sets the status and stops" 7 '^before$' EMPTY -- \
    "$bin" -e 'console.log("before"); process.exit(7); console.log("after")'
expect "process.exit from a fiber, with other fibers parked" 3 '' EMPTY -- \
    "$bin" -e 'Fiber.run(() => Fiber.sleep(10000)); Fiber.run(() => { Fiber.sleep(5); process.exit(3) })'
expect "process.exitCode is the status at the end" 4 '' '' -- "$bin" -e 'process.exitCode = 4'
expect "the program ends when nothing is left to do" 0 '^done$' '' -- \
    "$bin" -e 'setTimeout(() => console.log("done"), 5)'
expect "an unref'ed timer does not keep the program alive" 0 EMPTY '' -- \
    "$bin" -e 'setTimeout(() => console.log("never"), 10000).unref()'
expect "a main module that can never finish: status 13" 13 '' 'never finished' -- \
    "$bin" -e 'await new Promise(() => {})'
expect "a fiber blocked forever does not hang the exit" 0 '^main done$' '' -- \
    "$bin" -e 'Fiber.run(() => Fiber.await(new Promise(() => {}))); console.log("main done")'
expect "deep recursion with a small --stack-size is still a RangeError" 0 '^RangeError$' '' -- \
    "$bin" --stack-size 64k -e 'Fiber.run(() => { function f() { return f() + 1 } try { f() } catch (e) { console.log(e.name) } }).join()'
expect "deep recursion with a small --main-stack-size is still a RangeError" 0 '^RangeError$' '' -- \
    "$bin" --main-stack-size 64k -e 'function f() { return f() + 1 } try { f() } catch (e) { console.log(e.name) }'
deep_js='function depth() { let n = 0; const f = () => { n++; f(); }; try { f(); } catch {} return n; }
const main = depth(), fiber = Fiber.run(depth).join();
Promise.resolve().then(() => {
  const job = depth();
  console.log(main > 8 * fiber && job > 8 * fiber ? "deep" : main < 2 * fiber && job < 2 * fiber ? "same" : `main ${main} job ${job} fiber ${fiber}`);
});'
expect "the main module and promise jobs run on a deep stack (8m): 8 times the calls of other fibers" 0 '^deep$' '' -- \
    "$bin" -e "$deep_js"
expect "--main-stack-size 1m: the main module and promise jobs as deep as other fibers" 0 '^same$' '' -- \
    "$bin" --main-stack-size 1m -e "$deep_js"
expect "--main-stack-size below 64k is refused" 9 '' 'at least 64k' -- "$bin" --main-stack-size 1k -e '1'
expect "--stack-size below 64k is refused" 9 '' 'at least 64k' -- "$bin" --stack-size 1k -e '1'
expect "--stack-size must be a size" 9 '' 'at least 64k' -- "$bin" --stack-size lots -e '1'
expect "--no-stack-guard runs" 0 '^ok$' '' -- "$bin" --no-stack-guard -e 'Fiber.run(() => console.log("ok")).join()'
expect "--memory-limit: running out is a catchable InternalError" 0 'caught InternalError' '' -- \
    "$bin" --memory-limit 16m -e 'try { const a = []; for (;;) a.push(new Array(1e5).fill(1)) } catch (e) { console.log("caught", e.name || e) }'
expect "--memory-limit below 1m is refused, not a crash" 9 '' 'must be at least 1m' -- \
    "$bin" --memory-limit 64k -e 'console.log(1)'
at_limit="$(cd "$(dirname "$0")" && pwd)/js/fixtures/quickjs/at_limit.mjs"
expect "--memory-limit: errors thrown at the limit stay errors (no crash, no null)" 0 \
    '^\{"TypeError":[0-9]+(,"InternalError":[0-9]+)?\}$' EMPTY -- \
    "$bin" --memory-limit 1m -e "import { throwAtLimit } from '$at_limit';
console.log(JSON.stringify(throwAtLimit(200)))"
expect "--memory-limit: running out uncaught is a clean error, status 1" 1 EMPTY \
    'Uncaught \[?InternalError: out of memory' -- \
    "$bin" --memory-limit 1m -e 'const a = []; for (;;) a.push({ a })'
expect "__primordials is gone before user code runs" 0 '^undefined$' '' -- \
    "$bin" -e 'console.log(typeof __primordials)'
expect "stdout closed early (EPIPE) ends quietly" 0 '' '' -- \
    sh -c "\"$bin\" -e 'for (let i = 0; i < 100000; i++) console.log(i)' | head -1 > /dev/null"
expect "30,000 sleeping fibers in one process" 0 '^30000$' '' -- \
    "$bin" -e 'const fs = []; for (let i = 0; i < 30000; i++) fs.push(Fiber.run(() => Fiber.sleep(50))); for (const f of fs) f.join(); console.log(fs.length)'

# corojs run: several apps as isolates of one process
cat > "$work/app_a.mjs" <<'EOF2'
setTimeout(() => console.log('a done'), 20);
EOF2
cat > "$work/app_b.mjs" <<'EOF2'
console.log('b', process.argv.length);
process.exitCode = 3;
EOF2
cat > "$work/app_c.mjs" <<'EOF2'
throw new Error('c fails');
EOF2
expect "run starts several apps and waits for all" 0 'a done' EMPTY -- "$bin" run "$work/app_a.mjs" "$work/hello.mjs"
expect "run: each app has its own argv" 3 '^b 2$' EMPTY -- "$bin" run "$work/app_b.mjs"
expect "run: an app that fails ends alone; the first failure is the status" 1 'a done' \
    'app_c\.mjs\] Uncaught Error: c fails' -- "$bin" run "$work/app_c.mjs" "$work/app_a.mjs"
expect "run needs a module" 9 '' 'needs at least one' -- "$bin" run

# the shell, with piped input
shell() { # input...
    printf '%s\n' "$@" > "$work/shell_in"
    "$bin" shell < "$work/shell_in"
}
expect "shell: echo, eval, cat" 0 '^hi there$' EMPTY -- shell 'echo hi there' 'eval 6 * 7' 'cat /etc/hostname'
expect "shell: eval prints the value" 0 '^42$' EMPTY -- shell 'eval 6 * 7'
expect "shell: ls lists a directory, marking subdirectories" 0 'app_a\.mjs' EMPTY -- shell "ls $work"
expect "shell: run an app in the foreground with arguments" 0 '^hello x,y$' EMPTY -- shell "run $work/hello.mjs x y"
expect "shell: a failing app reports its status" 0 'exited with 1: c fails' 'c fails' -- shell "run $work/app_c.mjs"
expect "shell: run in the background, then ps lists it" 0 'app_a\.mjs' EMPTY -- shell "run $work/app_a.mjs &" 'ps'
expect "shell: background apps finish after the input ends" 0 'a done' EMPTY -- shell "run $work/app_a.mjs &"
expect "shell: kill ends a background app" 0 '^\[2\] killed$' EMPTY -- shell "run $work/app_a.mjs &" 'kill 2' 'ps'
expect "shell: kill of nothing is an error" 0 '' 'no isolate 77' -- shell 'kill 77'
expect "shell: mem" 0 'resident; 1 isolates' EMPTY -- shell 'mem'
expect "shell: help lists the commands" 0 'run app\.mjs' EMPTY -- shell 'help'
expect "shell: an unknown command" 0 '' 'frob: no such command' -- shell 'frob'
expect "shell: exit with a status" 4 '' EMPTY -- shell 'exit 4' 'echo never'
expect "shell: a missing app" 0 '' "Cannot find module" -- shell 'run /no/such.mjs'
if "$bin" -e "await import('corojs:dns')" 2> /dev/null; then
    expect "shell: host looks a name up" 0 'localhost has address 127\.0\.0\.1' EMPTY -- shell 'host localhost'
else
    expect "shell: host says when DNS is missing" 0 '' 'DNS is not available' -- shell 'host localhost'
fi

# the shell on a terminal: line editing and history through libedit
if command -v python3 > /dev/null; then
    expect "shell on a terminal: edits lines and recalls history" 0 'PTY OK' '' -- \
        python3 "$(dirname "$0")/shell_pty.py" "$bin"
else
    echo "ok - shell on a terminal # SKIP no python3"
fi

# dns and dgram: ends of a program with a query or a receive in flight. The
# "server" is a UDP socket of the program itself that never answers.
silent='const s = dgram.createSocket("udp4").bind(0, "127.0.0.1");
const r = new dns.Resolver({ timeout: 10000, tries: 1 });
r.setServers(["127.0.0.1:" + s.address().port]);'
expect "process.exit with DNS queries in flight" 5 '^asked$' EMPTY -- \
    "$bin" -e "$silent"' for (let i = 0; i < 10; i++) Fiber.run(() => r.resolve4("example.test"));
console.log("asked"); process.exit(5)'
expect "an uncaught error with a DNS query in flight" 1 '' 'Uncaught Error: boom' -- \
    "$bin" -e "$silent"' Fiber.run(() => r.resolve("example.test", "MX")); throw new Error("boom")'
expect "process.exit from a timer while the main fiber waits in resolve" 6 '' EMPTY -- \
    "$bin" -e "$silent"' setTimeout(() => process.exit(6), 20); r.resolve4("example.test")'
expect "a fiber in resolve cannot catch the end of the program" 4 EMPTY EMPTY -- \
    "$bin" -e "$silent"' Fiber.run(() => { try { r.resolve4("example.test") } catch (e) { console.log("caught", e.code) } });
process.exit(4)'
expect "a fiber in recv cannot catch the end of the program" 4 EMPTY EMPTY -- \
    "$bin" -e "$silent"' Fiber.run(() => { try { s.recv() } catch (e) { console.log("caught", e.code) } });
process.exit(4)'
expect "process.exit with lookups in flight" 7 '' EMPTY -- \
    "$bin" -e 'for (let i = 0; i < 5; i++) Fiber.run(() => dns.lookup("localhost")); process.exit(7)'
expect "process.exit with fibers blocked in recv" 3 '' EMPTY -- \
    "$bin" -e "$silent"' Fiber.run(() => s.recv()); Fiber.run(() => s.recv()); process.exit(3)'
expect "an idle bound UDP socket does not keep the program alive" 0 '^done$' EMPTY -- \
    "$bin" -e 'dgram.createSocket("udp4").bind(0, "127.0.0.1"); console.log("done")'
expect "a fiber in recv keeps the program alive until a datagram comes" 0 '^late$' EMPTY -- \
    "$bin" -e 'const s = dgram.createSocket("udp4").bind(0, "127.0.0.1");
setTimeout(() => dgram.createSocket("udp4").send("late", s.address().port, "127.0.0.1"), 30);
console.log(new TextDecoder().decode(s.recv().data)); s.close()'
expect "the UDP echo example" 0 'echo: hello 3' EMPTY -- "$bin" examples/udp-echo.mjs
expect "the TCP echo examples" 0 'client: the server closed the connection: true' EMPTY -- "$bin" examples/tcp-echo-client.mjs
expect "process.exit while fibers are blocked reading sockets" 0 '^exiting$' EMPTY -- \
    "$bin" -e 'const read = Promise.withResolvers(); const s = net.createServer((c) => { c.read(); read.resolve(); c.read(); }); Fiber.run(() => s.listen(0, "127.0.0.1")); const c = net.connect(s.address().port, "127.0.0.1"); Fiber.run(() => c.read()); c.write("x"); Fiber.await(read.promise); console.log("exiting"); process.exit(0)'

# What clients cause is not printed by servers' default onError; a handler's bug is.
cat > "$work/client_errors.mjs" <<'EOF'
const s = net.createServer((c) => {
  if (c.read() === 'close-me') {           // another fiber closes the socket: EBADF in the handler
    Fiber.run(() => c.close());
    c.read();
  } else if (process.argv[2] === 'bug') {
    c.nothing();
  } else {                                  // a slow client: a read that times out
    c.setTimeout(20);
    c.read();
  }
});
Fiber.run(() => s.listen(0, '127.0.0.1'));
for (const msg of ['close-me', 'slow']) {
  const c = net.connect(s.address().port, '127.0.0.1');
  c.write(msg);
  c.read();
  c.close();
}
const h = http.createServer({ maxBodySize: 16 }, (req, res) => { req.bytes(); res.end('never'); });
Fiber.run(() => h.listen(0, '127.0.0.1'));
for (const body of ['40\r\n' + 'x'.repeat(64) + '\r\n0\r\n\r\n', 'zz\r\n']) {
  const c = net.connect(h.address().port, '127.0.0.1');
  c.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' + body);
  console.log(c.read().split('\r\n')[0]);
  c.close();
}
s.close();
h.close();
EOF
expect "servers print nothing for what clients cause (EBADF, timeouts, bad bodies)" 0 '400 Bad Request' EMPTY -- \
    "$bin" "$work/client_errors.mjs"
expect "a handler's own error is printed, naming what was called" 0 '' \
    'Error in a connection handler.*TypeError: c\.nothing is not a function' -- "$bin" "$work/client_errors.mjs" bug
# Fibers until the kernel's limit of memory mappings is reached. Not under
# ASan: its own allocator needs new mappings now and then, and aborts.
if [ "${COROJS_TEST_VARIANT:-release}" = asan ]; then
    echo "ok - no stack for one more fiber: ENOMEM names vm.max_map_count # SKIP under ASan (it needs mappings too)"
else
    expect "no stack for one more fiber: ENOMEM names vm.max_map_count and --no-stack-guard" 0 \
        '^ENOMEM mmap .*vm\.max_map_count.*--no-stack-guard' '' -- "$bin" --stack-size 64k -e '
const fs = [];
try { for (;;) fs.push(Fiber.run(() => Fiber.sleep(1e6))); } catch (e) { console.log(e.code, e.syscall, e.message) }
process.exit(0)'
fi

# the Node loader's main modules (corojs app.cjs, app.js) and --import-map
fx="$(pwd)/tests/js/fixtures/cjs"
expect "corojs app.cjs: a CommonJS main module, require.main === module" 0 '^app\.cjs dep true a,b$' EMPTY -- \
    "$bin" "$fx/app.cjs" a b
expect "corojs app.js: CommonJS without a \"type\"" 0 '^app\.js as commonjs: cjs-pkg from sub/deep object object$' EMPTY -- \
    "$bin" "$fx/notype/app.js"
expect "corojs app.js: an ES module by its syntax" 0 '^app\.js as esm: esm by syntax undefined$' EMPTY -- \
    "$bin" "$fx/notype/app_esm.js"
expect "a CommonJS main module with a syntax error: status 1, file:line" 1 EMPTY 'syntax\.js:3' -- \
    "$bin" "$fx/syntax.js"
expect "a CommonJS main module that throws: status 1, the error" 1 EMPTY 'Uncaught Error: throws while loading, run 1' -- \
    "$bin" "$fx/throws.js"
expect "--import-map: imports, trailing-slash prefixes, scopes, for import and require" 0 \
    '^dep feature a default default scoped from sub/deep$' EMPTY -- "$bin" --import-map "$fx/import-map.json" "$fx/map_app.mjs"
echo '{"imports": 3}' > "$work/bad-map.json"
expect "--import-map of a bad map: ERR_IMPORT_MAP naming the file" 1 EMPTY 'Invalid import map .*bad-map\.json: "imports" must be an object' -- \
    "$bin" --import-map "$work/bad-map.json" "$fx/map_app.mjs"
expect "--import-map of a missing file: ERR_IMPORT_MAP" 1 EMPTY "Invalid import map .*no-map\.json: no such file|ERR_IMPORT_MAP" -- \
    "$bin" --import-map "$work/no-map.json" "$fx/app.cjs"
