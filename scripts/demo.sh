#!/usr/bin/env bash
# The main job (`make demo`; make builds libvipps, vipps-sim and the C example first):
# installs what is missing (scripts/demo-setup.sh), then e2e/demo.js starts ONE vipps-sim and
# the PHP, Python and Node example shops, runs one complete order through each shop and the C
# example, and prints one line per step. Exit status 0 only if every step did what it should.
#
#   scripts/demo.sh            run the orders, stop everything
#   scripts/demo.sh --serve    then leave the simulator and the shops running until Ctrl-C
#
# Everything started runs in its own process group; the groups are stopped on exit (by the
# driver, and here too in case the driver itself was killed), php -S workers included.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/demo-setup.sh

for f in target/debug/libvipps.so target/debug/vipps-sim target/c/webhook_demo; do
    [ -e "$f" ] || { echo "missing $f: run make demo (it builds it)" >&2; exit 1; }
done

pgids="$(mktemp)"
export VIPPS_E2E_PGID_FILE="$pgids"
cleanup() {
    while read -r pgid; do
        [ -n "$pgid" ] && kill -TERM -- "-$pgid" 2>/dev/null || true
    done <"$pgids"
    rm -f "$pgids"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export VIPPS_LIB="$root/target/debug/libvipps.so"
export VIPPS_SIM="$root/target/debug/vipps-sim"
status=0
node e2e/demo.js "$@" || status=$?
exit "$status"
