#!/usr/bin/env bash
# Runs the Python binding's tests against vipps-sim (the pytest fixtures start the simulator
# from target/debug/vipps-sim on a free port and the example shop as a subprocess).
#   bindings/python/run-tests.sh [pytest arguments]
# Exits with pytest's status.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

# An up-to-date build is a quick no-op; VIPPS_NO_BUILD=1 skips it (e.g. when VIPPS_LIB is set).
if [[ -z "${VIPPS_NO_BUILD:-}" ]]; then
    (cd "$repo" && cargo build -p vipps -p vipps-sim)
fi

if ! "$python" -c 'import pytest' 2>/dev/null; then
    "$python" -m pip install --quiet --disable-pip-version-check pytest ||
        "$python" -m pip install --quiet --disable-pip-version-check --user --break-system-packages pytest
fi

cd "$here"
# The tests load the library from the build output (or VIPPS_LIB when it is set).
set +e
"$python" -m pytest -ra "$@"
status=$?
set -e
exit $status
