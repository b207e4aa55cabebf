#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Runs each cargo-fuzz target of fuzz/ (all of them by default) for SECONDS (default 600) with
# libFuzzer, and prints one summary line per target: executions, coverage, crashes.
# Exit status 0 only if no target crashed.
#
# Only stable Rust is installed here; cargo-fuzz passes nightly flags (-Zsanitizer=address,
# the libFuzzer coverage passes), which RUSTC_BOOTSTRAP=1 unlocks on stable. The targets are
# built with AddressSanitizer and with debug assertions and overflow checks (-a): an integer
# overflow in money arithmetic is a crash, not a silent wrap. FUZZ_SANITIZER=none builds
# without ASan (libFuzzer only), should a toolchain lack the ASan runtime.
#
# The seeds in fuzz/corpus/<target> are read, never written: what the fuzzer finds goes to
# target/fuzz/corpus/<target>, crashes to target/fuzz/artifacts/<target>/, logs to
# target/fuzz/logs/<target>.log. FUZZ_JOBS=2 runs two targets at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-600}
shift || true
sanitizer=${FUZZ_SANITIZER:-address}
jobs=${FUZZ_JOBS:-1}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz (crates.io)"
    cargo install cargo-fuzz --locked --version 0.13.2
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

(cd fuzz && cargo fuzz build -a -s "$sanitizer")
bin="$root/fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

mkdir -p target/fuzz/logs
run_one() {
    local t=$1
    local work="$root/target/fuzz/corpus/$t" artifacts="$root/target/fuzz/artifacts/$t"
    mkdir -p "$work" "$artifacts"
    local log="$root/target/fuzz/logs/$t.log"
    local status=0
    # Only this run's crashes count: artifacts of earlier runs (bugs since fixed) stay for
    # reference, older than this marker.
    local marker="$root/target/fuzz/logs/$t.started"
    touch "$marker"
    # The binary is run directly: `cargo fuzz run` would build again first.
    (cd "$work" && "$bin/$t" "$work" "$root/fuzz/corpus/$t" \
        -max_total_time="$seconds" -timeout=20 -print_final_stats=1 \
        -artifact_prefix="$artifacts/") >"$log" 2>&1 || status=$?
    local execs cov ft crashes
    execs=$(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+$' || echo "?")
    cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+$' || echo "?")
    ft=$(grep -Eo 'ft: [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+$' || echo "?")
    crashes=$(find "$artifacts" -type f -newer "$marker" | wc -l)
    printf '%-18s %4ss  executions %-10s cov %-6s ft %-6s crashes %s  %s\n' \
        "$t" "$seconds" "$execs" "$cov" "$ft" "$crashes" "$([ $status = 0 ] && echo ok || echo "FAILED (exit $status, $log)")"
    if [ "$status" = 0 ] && [ "$crashes" = 0 ]; then echo ok; else echo failed; fi >"$root/target/fuzz/logs/$t.result"
}

start=$(date +%s)
for t in "${targets[@]}"; do
    rm -f "target/fuzz/logs/$t.result"
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
    run_one "$t" &
done
wait
failed=0
for t in "${targets[@]}"; do
    [ "$(cat "target/fuzz/logs/$t.result" 2>/dev/null)" = ok ] || failed=1
done
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, $(( $(date +%s) - start ))s in all: $([ $failed = 0 ] && echo "no crash" || echo "CRASHES (see target/fuzz/artifacts)")"
exit $failed
