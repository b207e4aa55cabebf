#!/usr/bin/env bash
# make test-dist: installs each artifact of target/dist (make dist) as a user would, in a clean
# temporary folder outside the repository, with no VIPPS_LIB and the current directory there, and
# runs a full payment (create, approve, capture, refund) against the simulator installed from its
# own package:
#   C       the tarball: pkg-config from the unpacked folder, the C example under valgrind; make install
#   Python  a fresh venv: pip install the wheel and the simulator wheel (no index)
#   Node    a fresh npm project: npm install the three tarballs, plus tsc --noEmit on a typed example
#   PHP     a fresh Composer project with an artifact repository, run under php-fpm with ffi.enable=preload
#   WooCommerce  the plugin zip unpacked into wp-content/plugins; its logic tests on that copy
# Then nothing installed may name the repository's path. Installs what it needs when missing
# (Debian: php8.2-cli php8.2-fpm php8.2-zip composer valgrind pkg-config; npm: koffi,
# typescript).
#   scripts/test-dist.sh [c python node php woocommerce]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="$ROOT/target/dist"
[ -f "$DIST/SHA256SUMS" ] || { echo "no release artifacts in $DIST: run make dist first" >&2; exit 1; }
VERSION="$("$ROOT/scripts/check-versions.sh")"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(c python node php woocommerce)

missing=()
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v php >/dev/null || missing+=(php8.2-cli)
command -v composer >/dev/null || missing+=(composer)
php -m 2>/dev/null | grep -x zip >/dev/null || missing+=(php8.2-zip) # Composer's artifact repository reads zips with it
{ command -v php-fpm8.2 >/dev/null || [ -x /usr/sbin/php-fpm8.2 ]; } || missing+=(php8.2-fpm)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== artifacts (SHA256SUMS checked)"
(cd "$DIST" && sha256sum --quiet -c SHA256SUMS)
(cd "$DIST" && for f in *; do printf '   %10s bytes  %s\n' "$(stat -c %s "$f")" "$f"; done)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vipps-test-dist.XXXXXX")"
case "$WORK/" in "$ROOT"/*) echo "the work folder $WORK is inside the repository" >&2; exit 1 ;; esac
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK" # php-fpm's workers run as nobody when the master is root
# The artifacts are copied first, so that nothing installed (or any lock file) can name target/dist.
mkdir "$WORK/artifacts"
cp "$DIST"/* "$WORK/artifacts/"
unset VIPPS_LIB VIPPS_HEADER VIPPS_SIM VIPPS_BASE_URL VIPPS_SCOPED_HEADER PYTHONPATH NODE_PATH
export ROOT VERSION WORK ARTIFACTS="$WORK/artifacts"

status=0
for part in "${parts[@]}"; do
    echo "== $part"
    mkdir -p "$WORK/$part"
    started=$(date +%s)
    if (cd "$WORK/$part" && "$ROOT/scripts/test-dist-$part.sh"); then
        # Everything a part installed sits under $WORK/$part: none of it may lead back here.
        if found=$(grep -r -l -a -F "$ROOT" "$WORK/$part" 2>/dev/null); then
            echo "FAIL $part: installed files name the repository ($ROOT):" >&2
            echo "$found" | head -n 10 >&2
            status=1
        else
            echo "ok   $part: passed, nothing installed names $ROOT ($(($(date +%s) - started)) s)"
        fi
    else
        echo "FAIL $part" >&2
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "== test-dist: all passed" || echo "== test-dist: FAILED" >&2
exit "$status"
