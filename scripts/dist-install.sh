#!/usr/bin/env bash
# make install PREFIX=…: the C library (libvipps.so.<ABI>, the libvipps.so link, libvipps.a), the
# header and the pkg-config file from the C tarball of make dist, into PREFIX/lib and PREFIX/include.
# vipps.pc finds its files relative to itself, so it is right wherever it lands.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
prefix=${1:?usage: scripts/dist-install.sh PREFIX}
version="$("$ROOT/scripts/check-versions.sh")"
tarball="$ROOT/target/dist/libvipps-$version-x86_64-linux-gnu.tar.gz"
[ -f "$tarball" ] || { echo "no $tarball: run make dist first" >&2; exit 1; }
mkdir -p "$prefix"
tar -xzf "$tarball" -C "$prefix" --strip-components=1 --no-same-owner \
    "libvipps-$version-x86_64-linux-gnu/lib" "libvipps-$version-x86_64-linux-gnu/include"
echo "installed libvipps $version into $prefix (lib/, include/); run ldconfig when $prefix/lib is a system folder"
