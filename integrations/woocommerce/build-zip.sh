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
# Python's zipfile rather than zip(1), which a fresh machine may lack; sorted, with fixed times.
python3 - "$STAGE" "$ZIP" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
stamp = (2026, 1, 1, 0, 0, 0)
if os.environ.get("SOURCE_DATE_EPOCH"):
    import time
    stamp = time.gmtime(int(os.environ["SOURCE_DATE_EPOCH"]))[:6]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in sorted(os.walk(stage)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo(os.path.relpath(path, stage), stamp)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
PY
echo "$ZIP"
