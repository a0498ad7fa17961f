"""Drive `corojs shell` on a pseudo-terminal: type a line with a typo fixed
by backspace, recall it with the up arrow, leave; print PTY OK if the shell
echoed the edited line twice. Usage: shell_pty.py path/to/corojs"""
import os, pty, select, sys, time

pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "shell"])

out = b""
def read_for(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return

read_for(1.0)
for keys in [b"echo twx\x7fo\r", b"\x1b[A\r", b"exit\r"]:
    os.write(fd, keys)
    read_for(0.5)
os.waitpid(pid, 0)
text = out.decode("utf-8", "replace")
lines = [l.strip() for l in text.replace("\r", "\n").split("\n")]
ok = "corojs>" in text and lines.count("two") >= 2
print("PTY OK" if ok else "PTY FAILED: " + repr(text[-400:]))
