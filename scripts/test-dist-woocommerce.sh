#!/usr/bin/env bash
# test-dist part (scripts/test-dist.sh runs it in an empty folder outside the repository): the
# WooCommerce plugin zip unpacked as WordPress would (wp-content/plugins/), and the plugin's
# WordPress-free logic tests run on the unpacked copy: its own bundled binding and library, no
# VIPPS_LIB, against the simulator from its tarball. The tests themselves come from the repository.
set -euo pipefail
mkdir -p wp-content/plugins
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$ARTIFACTS/vipps-core-gateway-$VERSION.zip" wp-content/plugins
plugin="$PWD/wp-content/plugins/vipps-core-gateway"
[ -f "$plugin/vipps-core-gateway.php" ] && [ -f "$plugin/lib/vipps-php/lib/linux-x86_64-gnu/libvipps.so" ] ||
    { echo "the plugin zip lacks the plugin file or the bundled library" >&2; exit 1; }
tar -xzf "$ARTIFACTS/vipps-sim-$VERSION-x86_64-linux-gnu.tar.gz"
"$PWD/vipps-sim-$VERSION-x86_64-linux-gnu/bin/vipps-sim" --port 0 >sim.out 2>sim.err &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s sim.out ] && break; sleep 0.1; done
base_url="$(head -n1 sim.out)"
case "$base_url" in http://*) ;; *) echo "vipps-sim did not start" >&2; cat sim.err >&2; exit 1 ;; esac
VIPPS_CORE_PLUGIN_DIR="$plugin" VIPPS_BASE_URL="$base_url" \
    phpunit -d ffi.enable=true -c "$ROOT/integrations/woocommerce/phpunit.xml" --cache-result-file "$PWD/.phpunit.cache"
