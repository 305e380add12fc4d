#!/usr/bin/env bash
# Copy the browser libraries Accord serves itself (no CDN) from the npm registry into
# accord/static/vendor/, at the versions pinned here. npm checks each package against the
# registry's integrity hash. Run it after changing a version, then commit the files on their
# own.
#
#   tom-select   the pickers that search (accord/static/accord/accord.js starts them)
#   axe-core     the accessibility checks of the browser tests (tests only, not served)
set -euo pipefail
cd "$(dirname "$0")/.."
TOM_SELECT=2.6.2
AXE_CORE=4.11.0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "tom-select@$TOM_SELECT" >/dev/null && tar xzf "tom-select-$TOM_SELECT.tgz")
target=accord/static/vendor/tom-select
rm -rf "$target"
mkdir -p "$target"
# Without the source map comment: the maps are not shipped, and a missing map would make
# a manifest storage refuse to collect the file.
sed '/sourceMappingURL=/d' "$work/package/dist/js/tom-select.complete.min.js" >"$target/tom-select.complete.min.js"
sed '/sourceMappingURL=/d' "$work/package/dist/css/tom-select.bootstrap5.min.css" >"$target/tom-select.bootstrap5.min.css"
cp "$work/package/LICENSE" "$target/LICENSE"
echo "tom-select $TOM_SELECT" >"$target/VERSION"
echo "tom-select $TOM_SELECT -> $target" >&2

(cd "$work" && npm pack --silent "axe-core@$AXE_CORE" >/dev/null && mkdir axe && tar xzf "axe-core-$AXE_CORE.tgz" -C axe)
target=tests/browser/vendor/axe-core
rm -rf "$target"
mkdir -p "$target"
cp "$work/axe/package/axe.min.js" "$work/axe/package/LICENSE" "$target/"
echo "axe-core $AXE_CORE" >"$target/VERSION"
echo "axe-core $AXE_CORE -> $target" >&2
