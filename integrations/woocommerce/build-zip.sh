#!/usr/bin/env bash
# Builds the installable plugin zip: the plugin, and the PHP binding with its header and the
# native library inside (lib/vipps-php/, the Composer package's layout, so the binding finds
# the library in its own lib/<platform>/ folder).
#
#   integrations/woocommerce/build-zip.sh LIBVIPPS_SO OUT_DIR
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
LIB="${1:?the libvipps.so to bundle}"
OUT="${2:?the output folder}"
VERSION="$(sed -n "s/^ \* Version: *//p" "$HERE/vipps-core-gateway.php")"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
P="$STAGE/vipps-core-gateway"
mkdir -p "$P/lib/vipps-php/include" "$P/lib/vipps-php/lib/linux-x86_64-gnu"
cp -r "$HERE/src" "$HERE/includes" "$HERE/assets" "$P/"
cp "$HERE/vipps-core-gateway.php" "$HERE/uninstall.php" "$HERE/autoload.php" "$HERE/readme.txt" "$P/"
cp "$ROOT/LICENSE" "$P/LICENSE" 2>/dev/null || true
cp -r "$ROOT/bindings/php/src" "$ROOT/bindings/php/autoload.php" "$ROOT/bindings/php/preload.php" "$ROOT/bindings/php/composer.json" "$P/lib/vipps-php/"
cp "$ROOT/include/vipps.h" "$ROOT/include/vipps_php.h" "$P/lib/vipps-php/include/"
cp "$LIB" "$P/lib/vipps-php/lib/linux-x86_64-gnu/libvipps.so"
mkdir -p "$OUT"
ZIP="$(cd "$OUT" && pwd)/vipps-core-gateway-$VERSION.zip"
rm -f "$ZIP"
# Python's zipfile rather than zip(1), which a fresh machine may lack; sorted, fixed times.
python3 - "$STAGE" "$ZIP" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in sorted(os.walk(stage)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo(os.path.relpath(path, stage), (2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
PY
echo "$ZIP"
