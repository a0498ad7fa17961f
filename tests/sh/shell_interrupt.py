"""tests/sh/shell_interrupt.py COROJS DIR: Ctrl-C in `corojs shell` on a
pseudo-terminal, as a person types it: at the prompt it drops the line; in an
endless eval it ends the eval; in an app run in the foreground it ends the
app; the shell goes on each time and leaves on `exit` with status 0. Waits
are for output, each bounded (a failure, not a timing assertion)."""
import os, pty, select, sys, time

corojs, workdir = sys.argv[1], sys.argv[2]
app = os.path.join(workdir, "spin.mjs")
with open(app, "w") as f:
    f.write("console.log('spinning app'); for (;;) {}\n")

pid, fd = pty.fork()
if pid == 0:
    os.execv(corojs, [corojs, "shell"])

out = b""
def wait_for(text, after, seconds=60):
    """Read until `text` appears in the output past offset `after`."""
    global out
    end = time.time() + seconds
    while text.encode() not in out[after:]:
        if time.time() > end:
            return False
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return False
    return True

def check(name, ok):
    print(("ok - " if ok else "not ok - ") + name)
    if not ok:
        print("  # output: " + repr(out[-600:].decode("utf-8", "replace")))

check("the prompt", wait_for("corojs> ", 0))
mark = len(out)
os.write(fd, b"echo never printed")
check("typing echoes", wait_for("never printed", mark))
mark = len(out)
os.write(fd, b"\x03")
check("Ctrl-C at the prompt drops the line", wait_for("^C", mark) and wait_for("corojs> ", mark))
mark = len(out)
os.write(fd, b"echo still here\r")
check("the shell goes on", wait_for("\r\nstill here", mark) and b"never printed\r\nnever" not in out)

mark = len(out)
os.write(fd, b"limit 600000\r")
wait_for("corojs> ", mark)
def interrupt(name, command, started, stopped):
    """Type command, wait until it prints `started`, press Ctrl-C, expect `stopped` and the prompt."""
    mark = len(out)
    os.write(fd, command.encode() + b"\r")
    if wait_for(started, mark):
        os.write(fd, b"\x03")
        check(name, wait_for(stopped, mark) and wait_for("corojs> ", mark))
    else:
        check(name + " (it never started)", False)

interrupt("Ctrl-C ends an endless eval", "eval console.log('spinning eval'), (() => { for (;;) {} })()",
          "spinning eval\r\n", "eval: interrupted")
interrupt("Ctrl-C ends the app in the foreground", "run " + app, "spinning app\r\n", "] interrupted")

mark = len(out)
os.write(fd, b"eval 6 * 7\r")
check("eval works after all that", wait_for("42", mark))
os.write(fd, b"exit\r")
_, status = os.waitpid(pid, 0)
check("exit leaves with status 0", os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
