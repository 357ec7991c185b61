#!/usr/bin/env bash
# Re-vendor the front-end assets into src/vigil/static from the versions pinned in
# package.json / package-lock.json. The copies are committed, so running Vigil never
# needs node or npm; run this only when upgrading GOV.UK Frontend or htmx.
#
#   scripts/update-govuk-frontend.sh          (from anywhere inside the repository)
#
# The GDS Transport font is only licensed for services on GOV.UK, and Vigil is a police
# service, so the font files are not copied and their @font-face rules are stripped: the
# stylesheet falls back to Arial, as the Design System advises for services off GOV.UK.
# The crown images are likewise GOV.UK-only and not copied.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
npm ci --no-audit --no-fund

src="node_modules/govuk-frontend/dist/govuk"
dest="src/vigil/static/govuk"
rm -rf "$dest"
mkdir -p "$dest"

# Asset URLs in the precompiled CSS are absolute (/assets/...); make them relative to
# the stylesheet so they resolve under /static/govuk/ wherever STATIC_URL points.
# Source maps are not shipped, so their references go too (a manifest static storage
# would otherwise fail on the missing .map files).
sed -e 's#@font-face{[^}]*}##g' -e 's#url(/assets/#url(assets/#g' \
    -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    "$src/govuk-frontend.min.css" > "$dest/govuk-frontend.min.css"
sed -e 's#//\# sourceMappingURL=.*$##' "$src/govuk-frontend.min.js" > "$dest/govuk-frontend.min.js"
cp "node_modules/govuk-frontend/package.json" "$dest/VERSION.json"

mkdir -p src/vigil/static/vendor
cp node_modules/htmx.org/dist/htmx.min.js src/vigil/static/vendor/htmx.min.js

echo "govuk-frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version")," \
     "htmx $(node -p "require('./node_modules/htmx.org/package.json').version") copied"
