#!/bin/sh
# The fs jail against races and imports (tests/sh/jail.mjs). The shell makes
# the tree, since a symlink is part of it: $work/jail holds d/secret.txt
# ('inside'), module.mjs and out -> $work/outside, which holds secret.txt
# ('SECRET'), outside-only and module.mjs; module.mjs, imports_out.mjs and
# rel_out.mjs in the jail are modules to import, the last two leading out.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/jail/d" "$work/outside"
printf inside > "$work/jail/d/secret.txt"
printf SECRET > "$work/outside/secret.txt"
: > "$work/outside/outside-only"
echo 'export default "inside module";' > "$work/jail/module.mjs"
echo 'export default "outside module";' > "$work/outside/module.mjs"
ln -s "$work/outside" "$work/jail/out"
ln -s ../outside/module.mjs "$work/jail/rel_out.mjs"
echo 'export { default } from "../outside/module.mjs";' > "$work/jail/imports_out.mjs"
exec "$COROJS" "$(dirname "$0")/jail.mjs" "$work"
