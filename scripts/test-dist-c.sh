#!/usr/bin/env bash
# test-dist part (scripts/test-dist.sh runs it in an empty folder outside the repository): the C
# tarball unpacked, the C example built with `pkg-config --cflags --libs vipps`, run under valgrind
# against the simulator from its own tarball, and again linked statically with lib/libvipps.a;
# then `make install PREFIX=…` puts the same files in place.
set -euo pipefail
tar -xzf "$ARTIFACTS/libvipps-$VERSION-x86_64-linux-gnu.tar.gz"
tar -xzf "$ARTIFACTS/vipps-sim-$VERSION-x86_64-linux-gnu.tar.gz"
pkg="$PWD/libvipps-$VERSION-x86_64-linux-gnu"
sim="$PWD/vipps-sim-$VERSION-x86_64-linux-gnu/bin/vipps-sim"
lib="$pkg/lib"
[ "$(readlink "$lib/libvipps.so")" = libvipps.so.1 ] || { echo "lib/libvipps.so is not a link to libvipps.so.1" >&2; exit 1; }
objdump -p "$lib/libvipps.so.1" | grep 'SONAME *libvipps.so.1' >/dev/null || { echo "no SONAME libvipps.so.1" >&2; exit 1; }
for f in lib/libvipps.a include/vipps.h lib/pkgconfig/vipps.pc LICENSE README.md; do
    [ -f "$pkg/$f" ] || { echo "the tarball lacks $f" >&2; exit 1; }
done

export PKG_CONFIG_PATH="$lib/pkgconfig"
[ "$(pkg-config --modversion vipps)" = "$VERSION" ] || { echo "pkg-config says $(pkg-config --modversion vipps)" >&2; exit 1; }
cp "$ROOT/examples/c/payment_demo.c" "$ROOT/examples/c/valgrind.supp" .
# shellcheck disable=SC2046 # pkg-config's output is a list of flags
cc -std=c11 -Wall -Wextra -Werror -O1 -g payment_demo.c $(pkg-config --cflags --libs vipps) \
    -Wl,-rpath,"$(pkg-config --variable=libdir vipps)" -o payment_demo
readelf -d payment_demo | grep 'NEEDED.*\[libvipps.so.1\]' >/dev/null || { echo "the program does not need libvipps.so.1" >&2; exit 1; }
# Definite and indirect leaks fail; "possibly lost" does not: the one possible leak is std's
# thread handle (examples/c/valgrind.supp), which that suppression finds by function name, and the
# release library is stripped. `make valgrind` checks possible leaks too, on the debug build.
"$ROOT/scripts/with-sim.sh" "$sim" -- valgrind -q --error-exitcode=3 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --suppressions=valgrind.supp ./payment_demo '$VIPPS_BASE_URL' >demo.out 2>&1 || { cat demo.out; exit 1; }
grep -q "libvipps $VERSION (ABI 1)" demo.out || { cat demo.out; echo "the program did not load libvipps $VERSION" >&2; exit 1; }
! grep -q '^\[FAIL\]' demo.out || { cat demo.out; exit 1; }
echo "   payment_demo under valgrind: $(grep -c '^\[ok\]' demo.out) steps ok (create, approve, capture, refund, ...)"
# The static library: linked whole into the program with the system libraries vipps.pc names.
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -O1 payment_demo.c $(pkg-config --cflags vipps) "$lib/libvipps.a" \
    $(pkg-config --static --libs-only-l vipps | sed 's/-lvipps //') -o payment_demo_static
! readelf -d payment_demo_static | grep libvipps >/dev/null || { echo "the static program still needs libvipps.so" >&2; exit 1; }
"$ROOT/scripts/with-sim.sh" "$sim" -- ./payment_demo_static '$VIPPS_BASE_URL' >static.out 2>&1 || { cat static.out; exit 1; }
grep -q '^demo passed' static.out || { cat static.out; exit 1; }
echo "   payment_demo linked with libvipps.a and pkg-config --static: passed"
rm -f payment_demo.c valgrind.supp

make -s -C "$ROOT" install PREFIX="$PWD/prefix" >/dev/null
for f in lib/libvipps.so.1 lib/libvipps.so lib/libvipps.a include/vipps.h lib/pkgconfig/vipps.pc; do
    [ -e "prefix/$f" ] || { echo "make install did not install $f" >&2; exit 1; }
done
[ "$(PKG_CONFIG_PATH=$PWD/prefix/lib/pkgconfig pkg-config --variable=includedir vipps)" -ef prefix/include ] ||
    { echo "vipps.pc of make install does not point at its include folder" >&2; exit 1; }
echo "   make install PREFIX=…: lib, include and pkg-config file in place"
