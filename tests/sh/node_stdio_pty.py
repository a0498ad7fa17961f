"""Drive a corojs program on a pseudo-terminal of 101 columns and 33 rows:
it prints READY, we type what the program waits for, it prints EXIT.
Prints everything the terminal showed. Usage: node_stdio_pty.py corojs
script.js KEYS (KEYS with Python escapes: '\\r' is Enter)."""
import fcntl, os, pty, select, struct, sys, termios, time

pid, fd = pty.fork()
if pid == 0:
    # A colour terminal whatever the caller's environment (CI=true makes
    # Node's getColorDepth() answer 2 colours).
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    os.execve(sys.argv[1], sys.argv[1:3], env)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
out = b""

def read_until(pattern, seconds=30):
    """Read until pattern shows or the child is gone (a bound, not a wait)."""
    global out
    end = time.time() + seconds
    while pattern not in out and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return

read_until(b"READY")
os.write(fd, sys.argv[3].encode().decode("unicode_escape").encode())
read_until(b"EXIT")
end = time.time() + 30
done = 0
while not done and time.time() < end:
    done, status = os.waitpid(pid, os.WNOHANG)
    read_until(b"\0", 0.1)
if not done:  # it did not end by itself: say so, and stop it
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    out += b"\nHUNG\n"
else:
    out += b"\nSTATUS %d\n" % os.waitstatus_to_exitcode(status)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r", ""))
