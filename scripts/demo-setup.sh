#!/usr/bin/env bash
# Installs what `make demo` and `make test-e2e` need and a fresh machine lacks:
#   - PHP 8.2 CLI (with FFI) from Debian, as bindings/php/run-tests.sh does; Node.js and npm
#     from Debian only if the machine has none; python3 (the Python shop needs only the stdlib)
#   - the Node binding's locked npm packages (npm ci in bindings/node) when missing or stale
#   - with --browser: Debian's chromium (/usr/bin/chromium) and e2e/'s locked npm packages
#     (playwright-core only: it never downloads a browser)
# `apt-get update` runs once, and only when something has to be installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
browser=0
[ "${1:-}" = "--browser" ] && browser=1

missing=()
command -v php >/dev/null 2>&1 || missing+=(php8.2-cli)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "$browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "== installing ${missing[*]} (Debian)"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
php -r 'exit(extension_loaded("ffi") ? 0 : 1);' \
    || { echo "PHP lacks the FFI extension (Debian: php8.2-common)" >&2; exit 1; }

# npm ci when node_modules is missing or older than the lock file.
npm_ci() {
    local dir=$1
    if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        echo "== npm ci in ${dir#"$root"/}"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}
npm_ci "$root/bindings/node"
if [ "$browser" = 1 ]; then
    npm_ci "$root/e2e"
fi
