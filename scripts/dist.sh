#!/usr/bin/env bash
# make dist: the release artifacts for x86_64 Linux (glibc 2.17 or newer) in target/dist/, with
# SHA256SUMS. One build (cargo-zigbuild, glibc 2.17, stripped) feeds every artifact:
#   libvipps-<v>-x86_64-linux-gnu.tar.gz        C: lib/libvipps.so.<ABI> (SONAME), the link, .a, .pc, header
#   vipps-sim-<v>-x86_64-linux-gnu.tar.gz       the simulator alone
#   unofficial_vipps-<v>-py3-none-manylinux_2_17_x86_64.whl, unofficial_vipps-<v>.tar.gz (sdist)
#   unofficial_vipps_sim-<v>-py3-none-manylinux_2_17_x86_64.whl
#   unofficial-vipps-<v>.tgz, unofficial-vipps-linux-x64-gnu-<v>.tgz, unofficial-vipps-sim-<v>.tgz (npm)
#   unofficial-vipps-vipps-ffi-<v>.zip          Composer (artifact repository)
# Tools are pinned and installed under target/dist-tools (scripts/dist-tools.sh). Nothing is published.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

VERSION="$(scripts/check-versions.sh)"
ABI="$(sed -n 's/^#define VIPPS_ABI_VERSION \([0-9]*\)$/\1/p' include/vipps.h)"
[ -n "$ABI" ] || { echo "no VIPPS_ABI_VERSION in include/vipps.h" >&2; exit 1; }
TRIPLE=x86_64-linux-gnu
GLIBC_FLOOR=2.17
WHEEL_PLATFORM=manylinux_2_17_x86_64
# Reproducible archives: every file dated at the last commit.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"

DIST="$ROOT/target/dist"
STAGE="$ROOT/target/dist-stage"
rm -rf "$DIST" "$STAGE"
mkdir -p "$DIST" "$STAGE"

# shellcheck source=scripts/dist-tools.sh
source scripts/dist-tools.sh

started=$(date +%s)
echo "== cargo zigbuild --release (glibc $GLIBC_FLOOR, stripped, SONAME libvipps.so.$ABI)"
# No path of this machine in the binaries (panic locations name source files): the checkout
# becomes /vipps and cargo's registry /cargo-registry.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
VIPPS_SONAME="libvipps.so.$ABI" CARGO_PROFILE_RELEASE_STRIP=symbols CARGO_PROFILE_RELEASE_DEBUG=0 \
    RUSTFLAGS="--remap-path-prefix=$ROOT=/vipps --remap-path-prefix=$cargo_home/registry/src=/cargo-registry ${RUSTFLAGS:-}" \
    "$ZIGBUILD" zigbuild --release --locked --target "x86_64-unknown-linux-gnu.$GLIBC_FLOOR" -p vipps -p vipps-sim
echo "   built in $(($(date +%s) - started)) s"
OUT="$ROOT/target/x86_64-unknown-linux-gnu/release"
LIB="$STAGE/libvipps.so"
SIM="$STAGE/vipps-sim"
cp "$OUT/libvipps.so" "$LIB"
cp "$OUT/vipps-sim" "$SIM"
cp "$OUT/libvipps.a" "$STAGE/libvipps.a"
strip --strip-debug "$STAGE/libvipps.a"

# The floor: the highest GLIBC_ symbol version each binary needs.
for bin in "$LIB" "$SIM"; do
    highest=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -n1)
    echo "   $(basename "$bin"): highest symbol version $highest"
    if [ "$(printf '%s\n' "${highest#GLIBC_}" "$GLIBC_FLOOR" | sort -V | tail -n1)" != "$GLIBC_FLOOR" ]; then
        echo "$(basename "$bin") needs $highest, above the $GLIBC_FLOOR floor" >&2
        exit 1
    fi
done
soname=$(objdump -p "$LIB" | awk '/SONAME/ {print $2}')
[ "$soname" = "libvipps.so.$ABI" ] || { echo "SONAME is '$soname', not libvipps.so.$ABI" >&2; exit 1; }
scripts/check-exports.sh "$LIB" include/vipps.h >/dev/null
for bin in "$LIB" "$SIM" "$STAGE/libvipps.a"; do
    if grep -q -a -F -e "$ROOT" -e "$HOME/" "$bin"; then
        echo "$(basename "$bin") names a path of this machine: $(grep -a -o -F -e "$ROOT" -e "$HOME/" "$bin" | sort -u | head -n 3)" >&2
        exit 1
    fi
done

# Deterministic tar.gz of $2 (a folder in $1) as $3.
tarball() {
    tar -C "$1" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf - "$2" |
        gzip -9n >"$3"
}
fill() { # template -> stdout
    sed -e "s/@VERSION@/$VERSION/g" -e "s/@ABI@/$ABI/g" -e "s/@STATIC_LIBS@/$STATIC_LIBS/g" "$1"
}
# What a program linking libvipps.a needs besides it (rustc --print native-static-libs for the target).
STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

echo "== C tarball"
name="libvipps-$VERSION-$TRIPLE"
c="$STAGE/c/$name"
mkdir -p "$c/lib/pkgconfig" "$c/include"
cp "$LIB" "$c/lib/libvipps.so.$ABI"
ln -s "libvipps.so.$ABI" "$c/lib/libvipps.so"
cp "$STAGE/libvipps.a" "$c/lib/"
cp include/vipps.h "$c/include/"
fill packaging/c/vipps.pc.in >"$c/lib/pkgconfig/vipps.pc"
fill packaging/c/README.md >"$c/README.md"
cp LICENSE CHANGELOG.md "$c/"
tarball "$STAGE/c" "$name" "$DIST/$name.tar.gz"

echo "== simulator tarball"
name="vipps-sim-$VERSION-$TRIPLE"
s="$STAGE/sim/$name"
mkdir -p "$s/bin"
cp "$SIM" "$s/bin/vipps-sim"
cp sim/README.md "$s/README.md"
cp LICENSE "$s/"
tarball "$STAGE/sim" "$name" "$DIST/$name.tar.gz"

# Copies the Python package's sources (no tests, no build outputs) to $1.
python_sources() {
    mkdir -p "$1"
    cp bindings/python/{pyproject.toml,setup.py,MANIFEST.in,README.md} LICENSE "$1/"
    cp -r bindings/python/src "$1/src"
    find "$1" \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +
}

echo "== Python wheel ($WHEEL_PLATFORM) and sdist"
w="$STAGE/python-wheel"
python_sources "$w"
cp "$LIB" "$w/src/vipps/libvipps.so"
VIPPS_WHEEL_PLATFORM=$WHEEL_PLATFORM "$PY" -m build --no-isolation --wheel --outdir "$DIST" "$w" >"$STAGE/python-wheel.log" 2>&1 ||
    { cat "$STAGE/python-wheel.log" >&2; exit 1; }
# The sdist builds the library with cargo (setup.py) from the crate's own sources in native/.
sd="$STAGE/python-sdist"
python_sources "$sd"
cargo package -p vipps --locked --allow-dirty --no-verify --quiet --target-dir "$STAGE/cargo-package"
mkdir -p "$sd/native"
tar -xzf "$STAGE/cargo-package/package/vipps-$VERSION.crate" -C "$sd/native" --strip-components=1
"$PY" -m build --no-isolation --sdist --outdir "$DIST" "$sd" >"$STAGE/python-sdist.log" 2>&1 ||
    { cat "$STAGE/python-sdist.log" >&2; exit 1; }

echo "== Python simulator wheel"
ps="$STAGE/python-sim"
cp -r packaging/python-sim "$ps"
fill packaging/python-sim/pyproject.toml >"$ps/pyproject.toml"
cp LICENSE "$ps/"
mkdir -p "$ps/src/vipps_sim/bin"
cp "$SIM" "$ps/src/vipps_sim/bin/vipps-sim"
VIPPS_WHEEL_PLATFORM=$WHEEL_PLATFORM "$PY" -m build --no-isolation --wheel --outdir "$DIST" "$ps" >"$STAGE/python-sim.log" 2>&1 ||
    { cat "$STAGE/python-sim.log" >&2; exit 1; }

for wheel in "$DIST"/*.whl; do
    shown=$("$VENV/bin/auditwheel" show "$wheel")
    echo "   auditwheel show $(basename "$wheel"): $(echo "$shown" | tr '\n' ' ' | grep -o 'consistent with the following platform tag: "[^"]*"')"
    grep -q "platform tag: \"$WHEEL_PLATFORM\"" <<<"$shown" ||
        { echo "auditwheel does not find $(basename "$wheel") consistent with $WHEEL_PLATFORM:" >&2; echo "$shown" >&2; exit 1; }
done

echo "== npm packages"
npm_pack() { # folder
    (cd "$1" && npm pack --quiet --pack-destination "$DIST" >/dev/null)
}
np="$STAGE/npm-platform"
mkdir -p "$np"
fill packaging/npm-platform/package.json.in >"$np/package.json"
cp packaging/npm-platform/README.md LICENSE "$np/"
cp "$LIB" "$np/libvipps.so"
npm_pack "$np"

nm="$STAGE/npm-main"
mkdir -p "$nm"
cp -r bindings/node/{index.js,index.d.ts,api-types.d.ts,lib,bin,README.md} LICENSE "$nm/"
# The platform package joins as an optionalDependency here, not in the checkout: npm ci there
# would look for it in the registry, where it is not published.
node -e '
  const fs = require("fs");
  const [src, dest, version] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(src, "utf8"));
  pkg.optionalDependencies = { "unofficial-vipps-linux-x64-gnu": version };
  delete pkg.scripts; delete pkg.devDependencies;
  fs.writeFileSync(dest, JSON.stringify(pkg, null, 2) + "\n");
' bindings/node/package.json "$nm/package.json" "$VERSION"
npm_pack "$nm"

ns="$STAGE/npm-sim"
cp -r packaging/npm-sim "$ns"
rm "$ns/package.json.in"
fill packaging/npm-sim/package.json.in >"$ns/package.json"
cp LICENSE "$ns/"
mkdir -p "$ns/native"
cp "$SIM" "$ns/native/vipps-sim"
npm_pack "$ns"

echo "== Composer zip"
php_dir="$STAGE/php"
mkdir -p "$php_dir/include" "$php_dir/lib/linux-x86_64-gnu" "$php_dir/bin"
cp -r bindings/php/{src,autoload.php,preload.php,README.md} LICENSE "$php_dir/"
cp bindings/php/bin/scoped-header.php bindings/php/bin/vipps-check "$php_dir/bin/"
cp include/vipps_php.h include/vipps.h "$php_dir/include/"
cp "$LIB" "$php_dir/lib/linux-x86_64-gnu/libvipps.so"
# An artifact repository reads the version from the zip's composer.json.
node -e '
  const fs = require("fs");
  const [src, dest, version] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(src, "utf8"));
  const out = { name: pkg.name, version };
  for (const [k, v] of Object.entries(pkg)) if (!["name", "require-dev", "autoload-dev", "archive"].includes(k)) out[k] = v;
  fs.writeFileSync(dest, JSON.stringify(out, null, 4) + "\n");
' bindings/php/composer.json "$php_dir/composer.json" "$VERSION"
"$PY" scripts/zip-tree.py "$php_dir" "$DIST/unofficial-vipps-vipps-ffi-$VERSION.zip"

echo "== WooCommerce plugin zip"
integrations/woocommerce/build-zip.sh "$php_dir" "$DIST" >/dev/null

(cd "$DIST" && sha256sum -- *.tar.gz *.whl *.tgz *.zip >SHA256SUMS)
echo "== target/dist ($(($(date +%s) - started)) s in all)"
(cd "$DIST" && for f in *; do printf '   %10s  %s\n' "$(stat -c %s "$f")" "$f"; done)
printf '   %10s  %s (stripped)\n' "$(stat -c %s "$LIB")" libvipps.so "$(stat -c %s "$SIM")" vipps-sim
