#!/usr/bin/env bash
# Runs every test of the PHP binding and the example shop:
#   1. installs PHP 8.2 (cli, fpm) and phpunit from Debian when missing (apt-get update only then)
#   2. builds libvipps and vipps-sim (a no-op when they are fresh)
#   3. starts vipps-sim on a free port
#   4. phpunit with ffi.enable=true
#   5. the opcache.preload check (FFI::load in preload.php, FFI::scope in the script) and the
#      ffi.preload check, both under ffi.enable=preload
#   6. the php-fpm check (forked workers; cdef and preload setups)
# Exits non-zero on any failure.
set -euo pipefail

PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$PKG/../.." && pwd)"
cd "$PKG"

missing=()
command -v php >/dev/null 2>&1 || missing+=(php8.2-cli)
command -v phpunit >/dev/null 2>&1 || missing+=(phpunit)
{ command -v php-fpm8.2 >/dev/null 2>&1 || [ -x /usr/sbin/php-fpm8.2 ]; } || missing+=(php8.2-fpm)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi
php -r 'exit(extension_loaded("ffi") && extension_loaded("Zend OPcache") ? 0 : 1);' \
    || { echo "PHP lacks FFI or OPcache (Debian: php8.2-common, php8.2-opcache)" >&2; exit 1; }

if command -v cargo >/dev/null 2>&1; then
    echo "== cargo build -p vipps -p vipps-sim"
    (cd "$ROOT" && cargo build -p vipps -p vipps-sim)
fi
export VIPPS_LIB="${VIPPS_LIB:-$ROOT/target/debug/libvipps.so}"
SIM="${VIPPS_SIM:-$ROOT/target/debug/vipps-sim}"
[ -f "$VIPPS_LIB" ] || { echo "no library at $VIPPS_LIB" >&2; exit 1; }
[ -x "$SIM" ] || { echo "no simulator at $SIM" >&2; exit 1; }

WORK="$(mktemp -d)"
SIM_PID=""
cleanup() {
    if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
"$SIM" --port 0 >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
for _ in $(seq 1 100); do
    [ -s "$WORK/sim.out" ] && break
    sleep 0.1
done
export VIPPS_BASE_URL="$(head -n1 "$WORK/sim.out")"
case "$VIPPS_BASE_URL" in http://*) ;; *) echo "vipps-sim did not start" >&2; cat "$WORK/sim.err" >&2; exit 1;; esac
echo "== vipps-sim at $VIPPS_BASE_URL, library $VIPPS_LIB"

status=0
echo "== phpunit"
phpunit -d ffi.enable=true -c "$PKG/phpunit.xml" || status=1

# opcache.preload with FFI::load: PHP refuses FFI::load under opcache.preload_user, which it requires
# when started as root, so as root the check runs as nobody (runuser keeps the environment).
echo "== opcache.preload check (FFI::load in preload.php, FFI::scope in the request)"
mkdir "$WORK/preload"
AS=()
if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$WORK"
    chown nobody "$WORK/preload"
    AS=(runuser -u nobody --)
fi
"${AS[@]}" env VIPPS_SCOPED_HEADER="$WORK/preload/vipps-scoped.h" php -d opcache.enable_cli=1 -d opcache.preload="$PKG/preload.php" \
    -d ffi.enable=preload "$PKG/tests/preload/check.php" opcache || status=1

HEADER="$WORK/vipps-scoped.h"
echo "== ffi.preload check (the scoped header loaded at startup, FFI::scope in the request)"
php "$PKG/bin/scoped-header.php" "$VIPPS_LIB" "$HEADER" >/dev/null
php -d ffi.enable=preload -d ffi.preload="$HEADER" "$PKG/tests/preload/check.php" ffi.preload || status=1
if [ "$(id -u)" -eq 0 ]; then
    echo "== as root: opcache.preload (classes, opcache.preload_user) + ffi.preload (library)"
    php -d opcache.enable_cli=1 -d opcache.preload="$PKG/preload.php" -d opcache.preload_user=nobody \
        -d ffi.enable=preload -d ffi.preload="$HEADER" "$PKG/tests/preload/check.php" opcache || status=1
fi

echo "== php-fpm check"
php -d ffi.enable=true "$PKG/tests/fpm/check.php" cdef pool preload || status=1

if [ "$status" -eq 0 ]; then echo "== all PHP tests passed"; else echo "== PHP tests FAILED" >&2; fi
exit "$status"
