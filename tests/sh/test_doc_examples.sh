#!/bin/sh
# Examples of the documentation that are whole programs run as they are
# written: a reader who pastes them gets no ReferenceError.
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:?set COROJS to the corojs binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# block FILE HEADING: the first ```js block after the line HEADING.
block() {
    awk -v h="$2" '$0 == h { found = 1; next }
        found && /^```js$/ { inside = 1; next }
        inside && /^```$/ { exit }
        inside { print }' "$1"
}

run() { # name file heading
    block "$top/$2" "$3" > "$work/example.mjs"
    if [ ! -s "$work/example.mjs" ]; then
        echo "not ok - $1"; echo "  # no example under '$3' in $2"; return
    fi
    if (cd "$work" && "$bin" example.mjs > out 2>&1); then echo "ok - $1"; else
        echo "not ok - $1"; sed 's/^/  # /' "$work/out" | head -10; fi
}

run "README: the example of What it is" README.md '## What it is'
run "api.md: the Fiber.yield example" docs/api.md '### `Fiber.yield()`'
