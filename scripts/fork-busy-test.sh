#!/usr/bin/env bash
# Runs tests/c/fork_busy_test against the simulator in $VIPPS_BASE_URL: 500 children forked while
# 8 threads of the parent call the library (issue 15 #4). The program fails on any hung or failed
# child; this script then checks that every child used its own token cache and HTTP agent and wrote
# to the log: the simulator saw 1 token fetch for the parent plus 1 per child, and the debug log
# (written by the parent's threads and by every child) has a line for each of those fetches.
#   scripts/fork-busy-test.sh BINARY [CHILDREN (500)]
set -euo pipefail
children=${2:-500}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$1" "$VIPPS_BASE_URL" "$log" "$children"
fetches=$(curl -fsS "$VIPPS_BASE_URL/_sim/stats" | grep -Eo '"token_fetches":[0-9]+' | cut -d: -f2)
if [ "$fetches" != $((children + 1)) ]; then
    echo "expected $((children + 1)) token fetches (parent + $children children), got $fetches"; exit 1
fi
logged=$(grep -c 'POST /accesstoken/get' "$log" || true)
if [ "$logged" != $((children + 1)) ]; then
    echo "expected $((children + 1)) token fetches in the debug log, found $logged"; exit 1
fi
echo "fork busy test: $fetches token fetches (the parent's, and one per child), all in the log"
