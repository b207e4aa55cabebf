#!/usr/bin/env bash
# Sourced by scripts/dist.sh: the pinned build tools of a release, all under target/dist-tools/
# (nothing in the home folder), installed when missing:
#   - a Python venv with zig (the `ziglang` package), auditwheel and the wheel build tools;
#   - cargo-zigbuild (crates.io), which links with zig against an old glibc.
# Exports PY (the venv's python), ZIGBUILD (the cargo-zigbuild binary) and the cache variables.

ZIGLANG_VERSION=0.17.1
CARGO_ZIGBUILD_VERSION=0.24.1
AUDITWHEEL_VERSION=6.8.2
SETUPTOOLS_VERSION=80.9.0
WHEEL_VERSION=0.45.1
BUILD_VERSION=1.3.0

TOOLS="$ROOT/target/dist-tools"
VENV="$TOOLS/venv"
PY="$VENV/bin/python"

tools_stamp="ziglang==$ZIGLANG_VERSION auditwheel==$AUDITWHEEL_VERSION setuptools==$SETUPTOOLS_VERSION wheel==$WHEEL_VERSION build==$BUILD_VERSION"
if [ ! -x "$PY" ] || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$tools_stamp" ]; then
    echo "== dist tools: venv with $tools_stamp"
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$PY" -m pip install --quiet --disable-pip-version-check $tools_stamp
    echo "$tools_stamp" >"$VENV/.pins"
fi

ZIGBUILD="$TOOLS/cargo-zigbuild/bin/cargo-zigbuild"
if [ ! -x "$ZIGBUILD" ] || [ "$("$ZIGBUILD" --version 2>/dev/null)" != "cargo-zigbuild $CARGO_ZIGBUILD_VERSION" ]; then
    echo "== dist tools: cargo install cargo-zigbuild $CARGO_ZIGBUILD_VERSION"
    cargo install --quiet --locked cargo-zigbuild --version "$CARGO_ZIGBUILD_VERSION" --root "$TOOLS/cargo-zigbuild"
fi

# cargo-zigbuild runs zig as `$CARGO_ZIGBUILD_PYTHON_PATH -m ziglang`; both keep their caches here.
export CARGO_ZIGBUILD_PYTHON_PATH="$PY"
export ZIG_GLOBAL_CACHE_DIR="$TOOLS/zig-cache"
export CARGO_ZIGBUILD_CACHE_DIR="$TOOLS/cargo-zigbuild-cache"
