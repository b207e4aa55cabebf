#!/usr/bin/env bash
# `make check-types`: the request and answer types generated from ../shared/specs by
# scripts/gen-types.py are fresh, and each language accepts them and a typed example:
#   Python  mypy --strict on bindings/python/tests/types/example_api_types.py and the module;
#   Node    tsc --noEmit on bindings/node/test/types/api-types-example.ts (TypeScript pinned in
#           bindings/node/package-lock.json);
#   PHP     php -l and Debian's phpcs (PSR-12, errors only) on src/ApiTypes.php and a typed
#           example (PHPStan and Psalm are not packaged for Debian 12).
# Installs what is missing: the pinned Python tools into target/tools-venv, npm ci, and
# php8.2-cli / php-codesniffer with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

py=$(scripts/tools-venv.sh)
"$py" scripts/gen-types.py --check

MYPYPATH=bindings/python/src "$py" -m mypy --strict --follow-imports=silent \
    --cache-dir target/mypy-cache \
    bindings/python/tests/types/example_api_types.py bindings/python/src/vipps/api_types.py

(cd bindings/node
 [ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund --loglevel=error
 node_modules/.bin/tsc --noEmit -p test/types/tsconfig.api.json)
echo "tsc: no errors"

missing=()
command -v php >/dev/null 2>&1 || missing+=(php8.2-cli)
command -v phpcs >/dev/null 2>&1 || missing+=(php-codesniffer)
if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
php_files=(bindings/php/src/ApiTypes.php bindings/php/tests/types/api-types-example.php)
for f in "${php_files[@]}"; do php -l "$f"; done
phpcs -n --standard=PSR12 "${php_files[@]}"
echo "phpcs: no errors"
