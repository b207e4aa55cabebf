#!/usr/bin/env bash
# One version for the core, the simulator and every binding: the workspace version in Cargo.toml.
# Fails when a copy differs (Cargo.lock, the Python, Node and PHP bindings).
#   scripts/check-versions.sh          prints the version when everything agrees
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$version" ] || { echo "no [workspace.package] version in Cargo.toml" >&2; exit 1; }

fail=0
check() { # what found
    if [ "$2" != "$version" ]; then
        echo "version mismatch: $1 is '$2', Cargo.toml's workspace version is '$version' (scripts/set-version.sh)" >&2
        fail=1
    fi
}
for crate in vipps vipps-sim; do
    check "Cargo.lock $crate" "$(sed -n "/^name = \"$crate\"\$/{n;s/^version = \"\(.*\)\"/\1/p}" Cargo.lock)"
done
check bindings/python/src/vipps/_lib.py "$(sed -n 's/^VERSION = "\(.*\)"$/\1/p' bindings/python/src/vipps/_lib.py)"
check bindings/node/package.json "$(sed -n 's/^  "version": "\(.*\)",$/\1/p' bindings/node/package.json)"
check bindings/node/package-lock.json "$(sed -n '3s/^  "version": "\(.*\)",$/\1/p' bindings/node/package-lock.json)"
check bindings/php/src/Native.php "$(sed -n "s/^    public const VERSION = '\(.*\)';\$/\1/p" bindings/php/src/Native.php)"
check integrations/woocommerce/vipps-core-gateway.php "$(sed -n 's/^ \* Version: *//p' integrations/woocommerce/vipps-core-gateway.php)"
check "integrations/woocommerce VIPPS_CORE_VERSION" "$(sed -n "s/^const VIPPS_CORE_VERSION = '\(.*\)';\$/\1/p" integrations/woocommerce/vipps-core-gateway.php)"
check integrations/medusa/package.json "$(sed -n 's/^  "version": "\(.*\)",$/\1/p' integrations/medusa/package.json)"
check "integrations/medusa's unofficial-vipps dependency" "$(sed -n 's/^    "unofficial-vipps": "\(.*\)"$/\1/p' integrations/medusa/package.json)"
[ "$fail" -eq 0 ] || exit 1
echo "$version"
