#!/bin/sh
# URL against the Web Platform Tests' URL data (tests/sh/url_wpt.mjs). The
# data is test-time data from Node's source package (deps/deps.sh nodejs
# fetches and verifies it once into build/deps/nodejs); it is never in the repo.
top=$(cd "$(dirname "$0")/../.." && pwd)
if ! sh "$top/deps/deps.sh" nodejs > /dev/null; then
    echo "not ok - the WPT data could not be fetched (sh deps/deps.sh nodejs)"
    exit 1
fi
exec "$COROJS" "$top/tests/sh/url_wpt.mjs" "$top/build/deps/nodejs/test/fixtures/wpt/url/resources"
