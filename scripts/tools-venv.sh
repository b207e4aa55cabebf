#!/usr/bin/env bash
# Prints the Python of target/tools-venv, created (and refreshed when
# scripts/tools-requirements.txt changed) with the pinned generator, type-check and docs tools.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/tools-venv
stamp=$venv/.requirements
if ! cmp -s scripts/tools-requirements.txt "$stamp" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/tools-requirements.txt >&2
    cp scripts/tools-requirements.txt "$stamp"
fi
echo "$PWD/$venv/bin/python"
