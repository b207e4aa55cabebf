#!/usr/bin/env bash
# Usage: with-sim.sh SIM_BINARY -- COMMAND [ARGS...]
# Starts vipps-sim on a free loopback port, runs COMMAND with VIPPS_BASE_URL set (arguments
# equal to the literal '$VIPPS_BASE_URL' are replaced by it), stops the simulator, and exits
# with COMMAND's status.
set -euo pipefail
sim=$1
shift
[ "${1:-}" = "--" ] && shift

out=$(mktemp)
"$sim" --port 0 >"$out" 2>&1 &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null; rm -f "$out"' EXIT

for _ in $(seq 1 100); do
    base_url=$(head -n 1 "$out" | grep -Eo 'http://[0-9.:]+' || true)
    [ -n "$base_url" ] && break
    kill -0 $sim_pid 2>/dev/null || { echo "vipps-sim exited:"; cat "$out"; exit 1; }
    sleep 0.1
done
[ -n "${base_url:-}" ] || { echo "vipps-sim did not print its URL"; cat "$out"; exit 1; }
export VIPPS_BASE_URL=$base_url

args=()
for arg in "$@"; do
    if [ "$arg" = '$VIPPS_BASE_URL' ]; then args+=("$base_url"); else args+=("$arg"); fi
done
"${args[@]}"
