#!/bin/sh
# The shape of the C tree (docs/internals.md, "Layers"): src/core/ never calls
# or includes src/prim/ or src/wasm/, src/prim/http/ and src/wasm/ have no
# call cycle between their files (tools/layers.py reads the objects of the
# build under test), and no C file of ours passes 60 KB.
top=$(cd "$(dirname "$0")/../.." && pwd)
variant=${COROJS_TEST_VARIANT:-release}

out=$(python3 "$top/tools/layers.py" "$top/build/$variant/obj" 2>&1)
if [ $? = 0 ]; then echo "ok - layers: $(echo "$out" | tail -n 1)"; else
    echo "not ok - layers"; echo "$out" | sed 's/^/  # /'; fi

big=$(find "$top/src" -name '*.[ch]' -size +60k)
if [ -z "$big" ]; then echo "ok - no C file over 60 KB"; else
    echo "not ok - C files over 60 KB: $big"; fi

# every ERR_ code the C source throws is in the registry of core/error.c
missing=""
for code in $(grep -rhoE 'coro_throw_code\(ctx, "ERR_[A-Z0-9_]+"' "$top/src" | grep -oE 'ERR_[A-Z0-9_]+' | sort -u); do
    grep -q "{ \"$code\"," "$top/src/core/error.c" || missing="$missing $code"
done
if [ -z "$missing" ]; then echo "ok - every ERR_ code thrown is registered"; else
    echo "not ok - ERR_ codes missing from src/core/error.c:$missing"; fi
