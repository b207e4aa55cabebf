#!/usr/bin/env bash
# Sets the one version of the core, the simulator and every binding, then checks it:
#   scripts/set-version.sh 0.2.0
# Add the release's section to CHANGELOG.md yourself (docs/RELEASING.md).
set -euo pipefail
cd "$(dirname "$0")/.."
new=${1:?usage: scripts/set-version.sh X.Y.Z}
[[ "$new" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || { echo "not a version: $new" >&2; exit 1; }

sed -i "/^\[workspace.package\]/,/^\[/s/^version = \".*\"/version = \"$new\"/" Cargo.toml
sed -i "s/^VERSION = \".*\"$/VERSION = \"$new\"/" bindings/python/src/vipps/_lib.py
sed -i "s/^  \"version\": \".*\",$/  \"version\": \"$new\",/" bindings/node/package.json
sed -i "3s/^  \"version\": \".*\",$/  \"version\": \"$new\",/; 9s/^      \"version\": \".*\",$/      \"version\": \"$new\",/" bindings/node/package-lock.json
sed -i "s/^    public const VERSION = '.*';$/    public const VERSION = '$new';/" bindings/php/src/Native.php
sed -i "s/^ \* Version: .*$/ * Version:              $new/; s/^const VIPPS_CORE_VERSION = '.*';$/const VIPPS_CORE_VERSION = '$new';/" integrations/woocommerce/vipps-core-gateway.php
sed -i "s/^  \"version\": \".*\",$/  \"version\": \"$new\",/; s/^    \"unofficial-vipps\": \".*\"$/    \"unofficial-vipps\": \"$new\"/" integrations/medusa/package.json
cargo update --workspace --offline >/dev/null 2>&1 || cargo update --workspace
scripts/check-versions.sh
