#!/bin/sh
# Real npm packages under corojs, compared with Node's output: one script per
# package in tests/npm/cases/ (.js is CommonJS, .mjs an ES module), its
# stdout recorded once from Node in tests/npm/expected/<case>.txt (so no Node
# is needed; with NPM_TESTS_LIVE=1 and `node` on PATH, Node is run as well
# and must agree with the record). A case passes when corojs exits 0 and
# prints exactly the record.
#
# The packages are those of tests/npm/package.json at the versions of the
# committed tests/npm/package-lock.json (integrity hashes), installed by
# `npm ci --ignore-scripts` into build/npm-tests (never into the source
# tree), again only when the lock file changes. npm is a test package
# (deps/deps.sh); the npm registry must be reachable: failing to install is
# a failure, not a skip.
#
# tests/npm/expected-failures.txt names the cases expected to fail, one a
# line: the case, two spaces, the reason. A listed case that passes, or an
# unlisted one that fails, is "not ok": the list follows the code.
# The tool cases (tsc, prettier, eslint, terser, npm's CLI: seconds each,
# several times that under AddressSanitizer) run on the release build only
# (COROJS_TEST_VARIANT, set by tests/run.sh); NPM_TOOLS=1 runs them on any
# build.
# NPM_TESTS="lodash zod" runs only those cases; NPM_TESTS_RECORD=1 records
# Node's output of the cases (`node` on PATH) instead of testing;
# NPM_INSTALL_ONLY=1 installs the packages and stops (bench/tools.sh uses it).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${COROJS:-$top/build/corojs}
src=$top/tests/npm
work=$top/build/npm-tests
expected_failures=$src/expected-failures.txt

install_packages() {
    if ! command -v npm > /dev/null; then
        echo "not ok - npm packages: npm is not installed (sh deps/deps.sh installs the test packages)"
        exit 1
    fi
    if cmp -s "$src/package-lock.json" "$work/package-lock.json" && [ -d "$work/node_modules" ]; then
        return 0
    fi
    rm -rf "$work" && mkdir -p "$work" || exit 1
    cp "$src/package.json" "$src/package-lock.json" "$work/" || exit 1
    if ! (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --cache "$top/build/npm-cache" \
            > npm-ci.log 2>&1); then
        echo "not ok - npm packages: npm ci failed (is the npm registry reachable?); its last lines:"
        tail -n 10 "$work/npm-ci.log" | sed 's/^/  # /'
        rm -f "$work/package-lock.json" # so the next run tries again
        exit 1
    fi
}

tool_cases="tsc prettier prettier-cli eslint terser npm-cli"
tools_here=1
[ "${COROJS_TEST_VARIANT:-release}" != release ] && [ "${NPM_TOOLS:-0}" != 1 ] && tools_here=0

listed() { sed -n "s/^$1  //p" "$expected_failures"; }

# check CASE FILE: run one case under corojs (and node when asked)
check() {
    name=$1 file=$2
    want=$src/expected/$name.txt
    reason=$(listed "$name")
    "$bin" "$file" > "$work/out/$name.txt" 2> "$work/out/$name.err"
    status=$?
    why=""
    if [ ! -f "$want" ]; then
        why="no record tests/npm/expected/$name.txt"
    elif [ "$status" -ne 0 ]; then
        why="exited with status $status"
    elif ! cmp -s "$want" "$work/out/$name.txt"; then
        why="output differs from Node's"
    fi
    if [ "${NPM_TESTS_LIVE:-0}" = 1 ] && command -v node > /dev/null; then
        if ! node "$file" 2> /dev/null | cmp -s - "$want"; then
            echo "not ok - npm $name: node's output differs from the record (record it again)"
        fi
    fi
    if [ -z "$why" ] && [ -z "$reason" ]; then
        echo "ok - npm $name: Node's output"
    elif [ -z "$why" ]; then
        echo "not ok - npm $name: passes now: take it off tests/npm/expected-failures.txt"
    elif [ -n "$reason" ]; then
        echo "ok - npm $name: fails as expected ($why): $reason"
    else
        echo "not ok - npm $name: $why"
        [ -f "$want" ] && diff "$want" "$work/out/$name.txt" | head -n 20 | sed 's/^/  # /'
        head -n 10 "$work/out/$name.err" | sed 's/^/  # err: /'
    fi
}

install_packages
[ "${NPM_INSTALL_ONLY:-0}" = 1 ] && exit 0
rm -rf "$work/cases" "$work/projects" "$work/out" && mkdir -p "$work/out" &&
    cp -r "$src/cases" "$src/projects" "$work/" || exit 1
for f in "$work"/cases/*.js "$work"/cases/*.mjs; do
    name=$(basename "$f" | sed 's/\.m*js$//')
    if [ -n "${NPM_TESTS:-}" ]; then
        case " $NPM_TESTS " in *" $name "*) ;; *) continue ;; esac
    fi
    if [ "$tools_here" = 0 ]; then
        case " $tool_cases " in *" $name "*) continue ;; esac
    fi
    if [ "${NPM_TESTS_RECORD:-0}" = 1 ]; then
        node "$f" > "$src/expected/$name.txt" || echo "not ok - npm $name: node exited with status $?"
    else
        check "$name" "$f"
    fi
done
