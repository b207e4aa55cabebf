#!/usr/bin/env bash
# Runs the Node binding's tests: builds libvipps.so and vipps-sim when needed, installs the
# locked dependencies, and runs `node --test` (each test file starts its own simulator).
# Exits with the test runner's status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ ! -f "$root/target/debug/libvipps.so" ] || [ ! -x "$root/target/debug/vipps-sim" ] || [ "${VIPPS_REBUILD:-1}" = 1 ]; then
    # cargo does nothing when the outputs are fresh
    (cd "$root" && cargo build -p vipps -p vipps-sim)
fi

cd "$here"
if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
else
    npm install --no-audit --no-fund --loglevel=error
fi

export VIPPS_LIB="${VIPPS_LIB:-$root/target/debug/libvipps.so}"
export VIPPS_SIM="${VIPPS_SIM:-$root/target/debug/vipps-sim}"
# koffi's async calls run on libuv's thread pool; the concurrency tests need more than 4.
export UV_THREADPOOL_SIZE="${UV_THREADPOOL_SIZE:-24}"

status=0
node --test --test-concurrency=2 test/*.test.js || status=$?
exit $status
