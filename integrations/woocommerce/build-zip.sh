#!/usr/bin/env bash
# Builds the installable plugin zip: the plugin, with the PHP binding's Composer package (its
# sources, header and native library) inside as lib/vipps-php/, so the binding finds the library
# in its own lib/<platform>/ folder. scripts/dist.sh runs it with the package it staged.
#
#   integrations/woocommerce/build-zip.sh PHP_PACKAGE_DIR OUT_DIR    (prints the zip's path)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PACKAGE="${1:?the staged PHP package (src/, include/, lib/<platform>/libvipps.so)}"
OUT="${2:?the output folder}"
[ -f "$PACKAGE/include/vipps_php.h" ] && ls "$PACKAGE"/lib/*/libvipps.so >/dev/null ||
    { echo "$PACKAGE is not a PHP package with its header and library" >&2; exit 1; }
VERSION="$(sed -n 's/^ \* Version: *//p' "$HERE/vipps-core-gateway.php")"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
P="$STAGE/vipps-core-gateway"
mkdir -p "$P/lib"
cp -r "$HERE/src" "$HERE/includes" "$HERE/assets" "$P/"
cp "$HERE/vipps-core-gateway.php" "$HERE/uninstall.php" "$HERE/autoload.php" "$HERE/readme.txt" "$ROOT/LICENSE" "$P/"
cp -r "$PACKAGE" "$P/lib/vipps-php"
mkdir -p "$OUT"
ZIP="$(cd "$OUT" && pwd)/vipps-core-gateway-$VERSION.zip"
rm -f "$ZIP"
python3 "$ROOT/scripts/zip-tree.py" "$STAGE" "$ZIP"
echo "$ZIP"
