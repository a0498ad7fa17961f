#!/bin/sh
# tests/wasm/with-fixtures.sh COMMAND [ARGS...]: run COMMAND with the wasm
# fixtures built: each tests/wasm/fixtures/*.wat assembled by Debian's
# wat2wasm (package wabt, which deps/deps.sh installs) into a temporary
# directory, with the fixtures' JS modules beside them; COMMAND finds it as
# WASM_FIXTURES. A JS test asks for it with `// with: tests/wasm/with-fixtures.sh`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
command -v wat2wasm >/dev/null || { echo "not ok - wat2wasm is missing (sh deps/deps.sh packages installs wabt)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
for f in "$here"/fixtures/*.wat; do
    wat2wasm --debug-names "$f" -o "$dir/$(basename "$f" .wat).wasm" || { echo "not ok - wat2wasm $f"; exit 1; }
done
cp "$here"/fixtures/*.mjs "$dir/"
WASM_FIXTURES=$dir "$@"
