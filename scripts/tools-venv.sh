#!/usr/bin/env bash
# Prints the Python of target/tools-venv, created (and refreshed when
# scripts/tools-requirements.txt changed) with the pinned generator, type-check and docs tools.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/tools-venv
stamp=$venv/.requirements
if ! cmp -s scripts/tools-requirements.txt "$stamp" 2>/dev/null; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >&2; then   # Debian ships venv's pip apart, in python3-venv
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv; } >&2
        rm -rf "$venv"
        python3 -m venv "$venv" >&2
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/tools-requirements.txt >&2
    cp scripts/tools-requirements.txt "$stamp"
fi
echo "$PWD/$venv/bin/python"
