#!/usr/bin/env bash
# The benchmark suite (`make bench`): libvipps and its bindings against raw HTTP, the official Node
# SDK, PHP curl and Python requests, on vipps-sim over loopback; and (part "wan", bench/wan/)
# the same over HTTPS at RTT 0 and 20 ms through vipps-delay-proxy. Writes bench/RESULTS.md.
#
#   bench/run.sh                  everything (about 6-8 minutes on 2 cores)
#   bench/run.sh --quick          short windows, to check the suite (writes bench/out/RESULTS.md)
#   bench/run.sh --only c,node    some parts: c, node, python, php, cold, wan
#   bench/run.sh --only wan       the WAN part alone: replaces its section of bench/RESULTS.md
#
# Installs what is missing: php8.2-cli, php8.2-curl, php8.2-fpm (apt), the Node SDK (npm ci in
# bench/node), the Node binding's koffi (npm ci in bindings/node), requests (pip).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

missing=()
command -v php >/dev/null 2>&1 || missing+=(php8.2-cli)
{ command -v php >/dev/null 2>&1 && php -r 'exit(function_exists("curl_init") ? 0 : 1);'; } || missing+=(php8.2-curl)
{ command -v php-fpm8.2 >/dev/null 2>&1 || [ -x /usr/sbin/php-fpm8.2 ]; } || missing+=(php8.2-fpm)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}" >/dev/null 2>&1 \
        || { $SUDO apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}" >/dev/null; }
fi

echo "== cargo build --release -p vipps -p vipps-sim" >&2
cargo build --release -p vipps -p vipps-sim >&2

mkdir -p "$here/out"
cc -O2 -std=c11 -Wall -Wextra -Werror -Iinclude "$here/c/vbench.c" -Ltarget/release -lvipps \
    -Wl,-rpath,"$root/target/release" -o "$here/out/vbench"

[ -d "$here/node/node_modules/@vippsmobilepay/sdk" ] || (cd "$here/node" && npm ci --no-audit --no-fund >&2)
[ -d "$root/bindings/node/node_modules/koffi" ] || (cd "$root/bindings/node" && npm ci --no-audit --no-fund >&2)
python3 -c 'import requests' 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check requests \
    || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages requests

export VIPPS_LIB="$root/target/release/libvipps.so"
exec python3 "$here/run.py" "$@"
