#!/usr/bin/env bash
# Usage: scripts/vendor_assets.sh
#
# Refreshes the web app's vendored JavaScript/CSS from their npm packages (no CDN at run time): the
# distributed files and each package's LICENSE go to tenant_apps/web/static/vendor/. The versions are
# pinned below: change them here, run this (it needs npm and the registry), and commit the result.
set -euo pipefail
if [[ "${1:-}" =~ ^(-h|--help)$ ]]; then sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; fi
cd "$(dirname "$0")/.."

HTMX_VERSION="2.0.11"
UPLOT_VERSION="1.6.32"
dest="tenant_apps/web/static/vendor"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@${HTMX_VERSION}" "uplot@${UPLOT_VERSION}" >/dev/null)
for archive in "$work"/*.tgz; do
  name="$(basename "$archive" .tgz)"
  mkdir -p "$work/$name"
  tar -xzf "$archive" -C "$work/$name"
done

mkdir -p "$dest/htmx" "$dest/uplot"
cp "$work/htmx.org-${HTMX_VERSION}/package/dist/htmx.min.js" "$dest/htmx/htmx.min.js"
cp "$work/htmx.org-${HTMX_VERSION}/package/LICENSE" "$dest/htmx/LICENSE"
cp "$work/uplot-${UPLOT_VERSION}/package/dist/uPlot.iife.min.js" "$dest/uplot/uPlot.iife.min.js"
cp "$work/uplot-${UPLOT_VERSION}/package/dist/uPlot.min.css" "$dest/uplot/uPlot.min.css"
cp "$work/uplot-${UPLOT_VERSION}/package/LICENSE" "$dest/uplot/LICENSE"
printf 'htmx.org %s\nuplot %s\n' "$HTMX_VERSION" "$UPLOT_VERSION" > "$dest/VERSIONS"
echo "vendored htmx.org ${HTMX_VERSION} and uplot ${UPLOT_VERSION} into $dest"
