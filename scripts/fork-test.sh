#!/usr/bin/env bash
# Runs tests/c/fork_test against the simulator in $VIPPS_BASE_URL, then checks the simulator's
# count of token fetches: 1 for the parent and 1 for each of the 4 children, which must not
# reuse the token or the connections they inherited.
set -euo pipefail
"$1" "$VIPPS_BASE_URL"
fetches=$(curl -fsS "$VIPPS_BASE_URL/_sim/stats" | grep -Eo '"token_fetches":[0-9]+' | cut -d: -f2)
if [ "$fetches" != 5 ]; then
    echo "expected 5 token fetches (parent + 4 children), got $fetches"; exit 1
fi
echo "fork test: 5 token fetches (the parent's, and one per child)"
