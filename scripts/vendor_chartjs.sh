#!/usr/bin/env sh
# Vendors Chart.js from the npm registry (no CDN: the CSP allows scripts from our own origin only).
# Re-run after changing VERSION; the sums below must match what the registry serves.
set -eu
VERSION=4.4.9
TARBALL_SHA256=2af62960ba6c9a8b459be41e7911a030eb68f4375ea6a3e0f513ef5dbb0f0aca
UMD_SHA256=de315773454b6076b63990bfa05ce5155a37f71992c87d7bb5f9a2ea698697ef

dest="$(cd "$(dirname "$0")/.." && pwd)/static/vendor/chartjs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack "chart.js@$VERSION" >/dev/null 2>&1
echo "$TARBALL_SHA256  chart.js-$VERSION.tgz" | sha256sum -c -
tar xzf "chart.js-$VERSION.tgz"
echo "$UMD_SHA256  package/dist/chart.umd.js" | sha256sum -c -
mkdir -p "$dest"
# Without its source map: collectstatic's manifest storage refuses a sourceMappingURL it cannot find.
sed '/^\/\/# sourceMappingURL=/d' package/dist/chart.umd.js >"$dest/chart.umd.js"
cp package/LICENSE.md "$dest/LICENSE.md"
echo "Chart.js $VERSION copied to $dest"
