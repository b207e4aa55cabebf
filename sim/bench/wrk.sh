#!/usr/bin/env bash
# Throughput of the simulator's hottest path: GET /epayment/v1/payments/{reference} with a Bearer
# token, keep-alive, 2 threads x 16 connections for 10 s. Rerunnable; prints Requests/sec.
#
#   sim/bench/wrk.sh            # from anywhere inside the repository
#   DURATION=30s sim/bench/wrk.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${DURATION:-10s}"

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)..." >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

cd "$root"
cargo build --release -p vipps-sim >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release/vipps-sim"

work="$(mktemp -d)"
"$bin" --port 0 >"$work/stdout" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 100); do
  [ -s "$work/stdout" ] && break
  sleep 0.05
done
base="$(head -n1 "$work/stdout")"
echo "simulator at $base" >&2

token="$(curl -sf -X POST "$base/accesstoken/get" \
  -H 'client_id: sim-client-id' -H 'client_secret: sim-client-secret' \
  -H 'Ocp-Apim-Subscription-Key: sim-subscription-key' |
  sed -E 's/.*"access_token":"([^"]+)".*/\1/')"

ref="bench-payment-0001"
curl -sf -X POST "$base/epayment/v1/payments" \
  -H "Authorization: Bearer $token" -H 'Ocp-Apim-Subscription-Key: sim-subscription-key' \
  -H 'Merchant-Serial-Number: 123456' -H 'Idempotency-Key: bench-create' \
  -H 'Content-Type: application/json' \
  -d "{\"amount\":{\"currency\":\"NOK\",\"value\":10000},\"paymentMethod\":{\"type\":\"WALLET\"},\"reference\":\"$ref\",\"userFlow\":\"WEB_REDIRECT\",\"returnUrl\":\"https://example.com/r\"}" >/dev/null
curl -sf -X POST "$base/_sim/payments/$ref/approve" >/dev/null

cat >"$work/headers.lua" <<LUA
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Ocp-Apim-Subscription-Key"] = "sim-subscription-key"
wrk.headers["Merchant-Serial-Number"] = "123456"
LUA

# Sanity check: the benchmarked request really succeeds.
status="$(curl -s -o /dev/null -w '%{http_code}' "$base/epayment/v1/payments/$ref" \
  -H "Authorization: Bearer $token" -H 'Ocp-Apim-Subscription-Key: sim-subscription-key' \
  -H 'Merchant-Serial-Number: 123456')"
[ "$status" = 200 ] || { echo "GET returned $status, not 200" >&2; exit 1; }

wrk -t2 -c16 -d"$duration" -s "$work/headers.lua" "$base/epayment/v1/payments/$ref" | tee "$work/wrk.txt" >&2
grep -E 'Non-2xx' "$work/wrk.txt" >&2 && { echo "some responses were not 2xx" >&2; exit 1; }
grep -E '^Requests/sec' "$work/wrk.txt"
