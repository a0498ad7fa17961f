#!/bin/sh
# tests/sh/test_shell_interrupt.sh: Ctrl-C in `corojs shell` on a terminal
# (a pseudo-terminal, driven by tests/sh/shell_interrupt.py).
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v python3 >/dev/null || { echo "not ok - python3 is missing (sh deps/deps.sh packages)"; exit 1; }
python3 "$(dirname "$0")/shell_interrupt.py" "${COROJS:?set COROJS}" "$work"
